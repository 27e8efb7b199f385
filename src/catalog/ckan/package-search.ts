/** CKAN's package_search: words, fq filters, sort, paging and facet counts over the open datasets. */
import type { Kysely } from 'kysely';
import type { Database, Dialect } from '../../store/index.ts';
import { THEME_LABELS, type Theme } from '../authority-tables.ts';
import type { DatasetView } from '../datasets.ts';
import { licenceLabel, type SearchFilters, type SearchSort, searchDatasets } from '../search.ts';
import { byCodeUnits, licenceId, licenceIri, organizationsBySlug, packageDicts } from './dictionaries.ts';
import { ckanInvalid } from './errors.ts';
import {
  type Clause,
  FACET_OF,
  holds,
  type IndexedField,
  parseFilterQuery,
  SEARCH_FIELDS,
  type SearchField,
  storedValue,
  valuesOf,
} from './filter-query.ts';

/** CKAN's defaults: 10 rows, at most 1,000 (ckan.search.rows_max); 50 values per facet (search.facets.limit). */
export const ROWS_DEFAULT = 10;
export const ROWS_MAX = 1000;
export const FACET_LIMIT_DEFAULT = 50;

export interface PackageSearchInput {
  q?: string | undefined;
  fq?: string | undefined;
  rows?: number | undefined;
  start?: number | undefined;
  sort?: string | undefined;
  facetFields?: string | undefined;
  facetLimit?: number | undefined;
}

function parseFacetFields(input: string | undefined): SearchField[] {
  if (input === undefined || input.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw ckanInvalid({ 'facet.field': ['Give a JSON list of field names, e.g. ["organization","tags"].'] });
  }
  if (!Array.isArray(parsed) || !parsed.every((f) => typeof f === 'string')) {
    throw ckanInvalid({ 'facet.field': ['Give a JSON list of field names, e.g. ["organization","tags"].'] });
  }
  const unknown = parsed.filter((f) => !(SEARCH_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0) {
    throw ckanInvalid({
      'facet.field': [`Facets are counted for ${SEARCH_FIELDS.join(', ')}; not for ${unknown.join(', ')}.`],
    });
  }
  return [...new Set(parsed as SearchField[])];
}

/**
 * CKAN's sort is Solr's: "field direction" clauses, comma-separated. The first clause decides; a
 * leading "score desc" without search words (every dataset scores alike) gives way to the next one.
 */
function parseSort(input: string | undefined, hasText: boolean): SearchSort {
  const clauses = (input ?? 'score desc, metadata_modified desc')
    .split(',')
    .map((c) => c.trim().toLowerCase().split(/\s+/).join(' '))
    .filter((c) => c.length > 0);
  const known: Record<string, SearchSort> = {
    'score desc': 'relevance',
    'title_string asc': 'title',
    'title_string desc': '-title',
    'metadata_modified asc': 'modified',
    'metadata_modified desc': '-modified',
  };
  for (const [i, clause] of clauses.entries()) {
    const sort = known[clause];
    if (sort === undefined) {
      throw ckanInvalid({
        sort: [
          `Sort by ${Object.keys(known)
            .map((k) => `"${k}"`)
            .join(', ')}; "${clause}" is not one of them.`,
        ],
      });
    }
    if (sort === 'relevance' && !hasText && i < clauses.length - 1) continue;
    return sort === 'relevance' && !hasText ? '-modified' : sort;
  }
  return hasText ? 'relevance' : '-modified';
}

function facetDisplayName(field: SearchField, value: string, views: Map<string, string>): string {
  if (field === 'groups') return THEME_LABELS[value.toUpperCase() as Theme] ?? value;
  if (field === 'license_id') return licenceLabel(licenceIri(value));
  if (field === 'organization') return views.get(value) ?? value;
  return value;
}

interface FacetCount {
  name: string;
  count: number;
}

/** The most frequent values first, then by name; `limit` < 0 means all. */
function topFacets(counts: FacetCount[], limit: number): FacetCount[] {
  const sorted = counts
    .filter((c) => c.count >= 1)
    .sort((a, b) => b.count - a.count || byCodeUnits(a.name, b.name));
  return limit < 0 ? sorted : sorted.slice(0, limit);
}

export async function packageSearch(
  db: Kysely<Database>,
  dialect: Dialect,
  input: PackageSearchInput,
  today: Date,
) {
  const text = input.q === undefined || ['', '*:*', '*'].includes(input.q.trim()) ? undefined : input.q;
  const clauses = input.fq ? parseFilterQuery(input.fq) : [];
  const facetFields = parseFacetFields(input.facetFields);
  const sort = parseSort(input.sort, text !== undefined);
  const rows = Math.min(input.rows ?? ROWS_DEFAULT, ROWS_MAX);
  const start = input.start ?? 0;
  const facetLimit = input.facetLimit ?? FACET_LIMIT_DEFAULT;

  // The search index filters what it indexes: the first value given for each of those fields.
  const filters: SearchFilters = { classification: ['public'] };
  const applied = new Set<Clause>();
  for (const clause of clauses) {
    if (!('value' in clause) || clause.field === 'tags') continue;
    const facet = FACET_OF[clause.field];
    if (filters[facet]) continue;
    filters[facet] = [storedValue(clause.field, clause.value)];
    applied.add(clause);
  }
  const rest = clauses.filter((c) => !applied.has(c));
  const filtered = new Set(clauses.map((c) => c.field));

  // The index answers the page and its facets when every filter is one of its own and no facet asked
  // for is filtered (its facet counts leave a facet's own filter out; CKAN's count within it). Else
  // every match is read and the remaining filters and the facets are worked out here.
  const indexAnswers = rest.length === 0 && !facetFields.some((f) => f === 'tags' || filtered.has(f));
  let total: number;
  let page: DatasetView[];
  const counts = new Map<SearchField, FacetCount[]>();
  if (indexAnswers) {
    const found = await searchDatasets(db, dialect, {
      text,
      filters,
      sort,
      offset: start,
      limit: rows,
      facetLimit: facetLimit < 0 ? Number.MAX_SAFE_INTEGER : facetLimit,
    });
    total = found.total;
    page = found.items;
    for (const field of facetFields) {
      const facet = FACET_OF[field as IndexedField];
      counts.set(
        field,
        found.facets[facet].map((f) => ({
          name:
            field === 'groups'
              ? f.value.toLowerCase()
              : field === 'license_id'
                ? licenceId(f.value)
                : f.value,
          count: f.count,
        })),
      );
    }
  } else {
    const all: DatasetView[] = [];
    for (let offset = 0; ; offset += ROWS_MAX) {
      const found = await searchDatasets(db, dialect, {
        text,
        filters,
        sort,
        offset,
        limit: ROWS_MAX,
        facetLimit: 0,
      });
      all.push(...found.items);
      if (found.items.length < ROWS_MAX) break;
    }
    const matches = all.filter((view) => rest.every((c) => holds(view, c)));
    total = matches.length;
    page = matches.slice(start, start + rows);
    for (const field of facetFields) {
      const tally = new Map<string, number>();
      for (const view of matches) {
        for (const value of valuesOf(view, field)) tally.set(value, (tally.get(value) ?? 0) + 1);
      }
      counts.set(
        field,
        [...tally].map(([name, count]) => ({ name, count })),
      );
    }
  }

  const orgNames = new Map<string, string>();
  if (facetFields.includes('organization')) {
    const orgs = await organizationsBySlug(
      db,
      (counts.get('organization') ?? []).map((c) => c.name),
    );
    for (const [slug, org] of orgs) orgNames.set(slug, org.name);
  }
  const facets: Record<string, Record<string, number>> = {};
  const searchFacets: Record<
    string,
    { title: string; items: Array<{ name: string; display_name: string; count: number }> }
  > = {};
  for (const field of facetFields) {
    const top = topFacets(counts.get(field) ?? [], facetLimit);
    facets[field] = Object.fromEntries(top.map((c) => [c.name, c.count]));
    searchFacets[field] = {
      title: field,
      items: top.map((c) => ({
        name: c.name,
        display_name: facetDisplayName(field, c.name, orgNames),
        count: c.count,
      })),
    };
  }

  return {
    count: total,
    sort: input.sort ?? 'score desc, metadata_modified desc',
    facets,
    search_facets: searchFacets,
    results: await packageDicts(db, page, today),
  };
}
