/**
 * CKAN's fq as its Solr reads it by default: `field:value` clauses that must all hold, over the fields
 * package_search filters and counts facets on, and whether a dataset meets each clause.
 */
import type { DatasetView } from '../datasets.ts';
import type { SearchFilters } from '../search.ts';
import { licenceId, licenceIri, metadataModified } from './dictionaries.ts';
import { ckanInvalid } from './errors.ts';

/** The fields fq and facet.field understand: CKAN's names for what govdx keeps. */
export const SEARCH_FIELDS = ['organization', 'groups', 'tags', 'res_format', 'license_id'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
export type IndexedField = Exclude<SearchField, 'tags'>;
export const FACET_OF: Record<IndexedField, keyof SearchFilters> = {
  organization: 'publisher',
  groups: 'theme',
  res_format: 'format',
  license_id: 'license',
};
export type Clause =
  | { field: SearchField; value: string }
  | { field: 'metadata_modified'; from: string | null; to: string | null }
  | { field: 'constant'; holds: boolean };

/** The values of each field of a dataset, as fq matches them and facets count them. */
export function valuesOf(view: DatasetView, field: SearchField): string[] {
  switch (field) {
    case 'organization':
      return [view.organization];
    case 'groups':
      return view.themes.map((t) => t.toLowerCase());
    case 'tags':
      return view.keywords;
    case 'res_format':
      return [...new Set(view.distributions.flatMap((d) => (d.format ? [d.format] : [])))];
    case 'license_id':
      return view.license ? [licenceId(view.license)] : [];
  }
}

/** How fq names a value (`groups:soci`, `res_format:csv`) to how govdx stores it. */
export function storedValue(field: IndexedField, value: string): string {
  switch (field) {
    case 'groups':
      return value.toUpperCase();
    case 'res_format':
      return value.toUpperCase();
    case 'license_id':
      return licenceIri(value);
    default:
      return value;
  }
}

/**
 * What CKAN's own clients put in fq besides the facet fields: the package type, visibility and state
 * (always `dataset`, `public`, `active` here), and a range of metadata_modified, as harvesters ask
 * for what changed since their last run: `metadata_modified:[2026-01-01T00:00:00Z TO *]`.
 */
const CONSTANT_FIELDS: Record<string, string> = {
  dataset_type: 'dataset',
  capacity: 'public',
  state: 'active',
};
export const FILTER_FIELDS = [...SEARCH_FIELDS, 'metadata_modified', ...Object.keys(CONSTANT_FIELDS)];

/**
 * Reads fq: clauses `field:value`, `field:"a value"` or `metadata_modified:[from TO to]` (`*` for an
 * open end), separated by spaces, all of which must hold (as CKAN's Solr reads them by default); a
 * leading `+` is allowed.
 */
export function parseFilterQuery(fq: string): Clause[] {
  const clauses: Clause[] = [];
  const pattern = /\+?([a-z_]+):(?:"((?:[^"\\]|\\.)*)"|\[([^\]]*)\]|(\S+))/y;
  const unreadable = (text: string) =>
    ckanInvalid({
      fq: [
        `Write each filter as field:value, e.g. organization:population-register; could not read "${text}".`,
      ],
    });
  let rest = fq.trim();
  while (rest.length > 0) {
    pattern.lastIndex = 0;
    const match = pattern.exec(rest);
    if (!match) throw unreadable(rest);
    const [whole, field = '', quoted, range, bare] = match;
    if (!FILTER_FIELDS.includes(field)) {
      throw ckanInvalid({ fq: [`Filter on ${FILTER_FIELDS.join(', ')}; "${field}" is not one of them.`] });
    }
    if (range !== undefined) {
      const bounds = /^\s*(\S+)\s+TO\s+(\S+)\s*$/.exec(range);
      if (field !== 'metadata_modified' || !bounds) throw unreadable(whole);
      const bound = (b: string) => (b === '*' ? null : b === 'NOW' ? new Date().toISOString() : b);
      const [from, to] = [bound(bounds[1]!), bound(bounds[2]!)];
      for (const b of [from, to]) {
        if (b !== null && !/^\d{4}-\d\d-\d\d(T[\d:.]+Z?)?$/.test(b)) {
          throw ckanInvalid({
            fq: [`Give metadata_modified dates as 2026-01-31 or 2026-01-31T12:00:00Z; not "${b}".`],
          });
        }
      }
      // A day alone reaches from its start (from) or to its end (to).
      const instant = (b: string | null, end: string) =>
        b === null ? null : b.length === 10 ? `${b}T${end}` : b.replace(/Z$/, '');
      clauses.push({
        field: 'metadata_modified',
        from: instant(from, '00:00:00'),
        to: instant(to, '23:59:59.999'),
      });
    } else {
      const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
      clauses.push(
        field in CONSTANT_FIELDS
          ? { field: 'constant', holds: value === CONSTANT_FIELDS[field] }
          : { field: field as SearchField, value },
      );
    }
    rest = rest.slice(whole.length).trim();
  }
  return clauses;
}

/** Whether a dataset meets a clause (the clauses the search index did not apply). */
export function holds(view: DatasetView, clause: Clause): boolean {
  if (clause.field === 'constant') return clause.holds;
  if (clause.field === 'metadata_modified') {
    const modified = metadataModified(view);
    return (clause.from === null || modified >= clause.from) && (clause.to === null || modified <= clause.to);
  }
  return valuesOf(view, clause.field).includes(facetName(clause.field, clause.value));
}

/** A value as valuesOf gives it: fq may write `groups:SOCI`, `res_format:csv` or a licence IRI. */
function facetName(field: SearchField, value: string): string {
  switch (field) {
    case 'groups':
      return value.toLowerCase();
    case 'res_format':
      return value.toUpperCase();
    case 'license_id':
      return licenceId(licenceIri(value));
    default:
      return value;
  }
}
