/**
 * The open part of the catalog as CKAN's Action API v3 gives it (docs.ckan.org, "API guide";
 * ckan/logic/action/get.py), so that CKAN clients and harvesters read govdx as they read a CKAN site.
 * Only open datasets (classification `public`) exist here: every other dataset is unknown to every action.
 *
 * Mapping: a dataset is a package named `<organization>_<slug>` (govdx slugs are unique per
 * organization and never hold "_", CKAN names are unique per site); its keywords are tags, its EU data
 * themes are groups (named by the theme code in lower case), its distributions are resources, its
 * licence IRI gives license_url and, for the EU licence authority table, license_id is the table's code.
 */
import type { Kysely } from 'kysely';
import type { Database, Dialect } from '../store/index.ts';
import { THEME_LABELS, type Theme } from './authority-tables.ts';
import { type DatasetView, datasetsById } from './datasets.ts';
import { downloadTotals } from './downloads.ts';
import { licenceLabel, type SearchFilters, type SearchSort, searchDatasets } from './search.ts';

/** A refusal in CKAN's terms; the API layer turns it into CKAN's error body and status. */
export class CkanError extends Error {
  constructor(
    readonly type: 'Not Found Error' | 'Validation Error',
    message: string,
    /** Validation Error: what is wrong with each parameter, as CKAN lists it. */
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'CkanError';
  }
}

export const ckanNotFound = (detail?: string) =>
  new CkanError('Not Found Error', detail ? `Not found: ${detail}` : 'Not found');
export const ckanInvalid = (fields: Record<string, string[]>) =>
  new CkanError('Validation Error', 'Validation Error', fields);

const LICENCE_AUTHORITY = 'http://publications.europa.eu/resource/authority/licence/';
/** Licences of the EU authority table that meet the Open Definition (CKAN's `isopen`). */
const OPEN_LICENCES = new Set([
  'CC_BY_4_0',
  'CC_BYSA_4_0',
  'CC0',
  'CC_BY_3_0',
  'CC_BYSA_3_0',
  'ODC_BY',
  'ODC_ODBL',
  'ODC_PDDL',
  'OGL_3_0',
  'DL_DE_BY_2_0',
  'DL_DE_ZERO_2_0',
  'ETALAB_2_0',
  'IODL_2_0',
  'NLOD_2_0',
]);

const licenceId = (iri: string) =>
  iri.startsWith(LICENCE_AUTHORITY) ? iri.slice(LICENCE_AUTHORITY.length) : iri;
const licenceIri = (id: string) => (id.includes(':') ? id : `${LICENCE_AUTHORITY}${id}`);

/** CKAN writes its timestamps in UTC without a zone designator. */
const ckanTime = (iso: string) => iso.replace(/Z$/, '');

/** The publisher's own modification date when there is one (package_search sorts by it), else the record's. */
const metadataModified = (view: DatasetView) =>
  view.modified ? `${view.modified.slice(0, 10)}T00:00:00` : ckanTime(view.updatedAt);

export const packageName = (organization: string, slug: string) => `${organization}_${slug}`;

/** The organization and slug of a package name; undefined for a name that is not one. */
function splitName(name: string): { organization: string; slug: string } | undefined {
  const at = name.indexOf('_');
  if (at <= 0 || at === name.length - 1) return undefined;
  return { organization: name.slice(0, at), slug: name.slice(at + 1) };
}

interface OrganizationRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  created_at: string;
}

function organizationDict(org: OrganizationRow) {
  return {
    id: org.id,
    name: org.slug,
    title: org.name,
    display_name: org.name,
    type: 'organization',
    description: org.description,
    image_url: '',
    image_display_url: '',
    created: ckanTime(org.created_at),
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
  };
}

function groupDict(theme: Theme) {
  return {
    id: theme.toLowerCase(),
    name: theme.toLowerCase(),
    title: THEME_LABELS[theme],
    display_name: THEME_LABELS[theme],
    description: '',
    image_display_url: '',
  };
}

function resourceDict(view: DatasetView, index: number) {
  const d = view.distributions[index]!;
  return {
    id: d.id,
    package_id: view.id,
    url: d.downloadUrl ?? d.accessUrl,
    name: d.title,
    description: d.description,
    format: d.format ?? '',
    mimetype: d.mediaType,
    position: index,
    created: ckanTime(d.createdAt),
    last_modified: null,
    state: 'active',
    url_type: null,
    resource_type: d.kind === 'download' ? 'file' : 'api',
  };
}

export type PackageDict = ReturnType<typeof packageDict>;

export function packageDict(
  view: DatasetView,
  org: OrganizationRow,
  usage: { total: number; recent: number },
) {
  const extras: Array<{ key: string; value: string }> = [];
  const extra = (key: string, value: string | null) => {
    if (value) extras.push({ key, value });
  };
  extra('access_rights', view.accessRights);
  extra('frequency', view.updateFrequency);
  extra('spatial_uri', view.spatial);
  extra('temporal_start', view.temporalStart);
  extra('temporal_end', view.temporalEnd);
  extra('issued', view.issued);
  extra('modified', view.modified);
  return {
    id: view.id,
    name: packageName(view.organization, view.slug),
    title: view.title,
    notes: view.description,
    type: 'dataset',
    state: 'active',
    private: false,
    url: null,
    version: null,
    author: org.name,
    author_email: null,
    maintainer: view.contactPoint?.name ?? null,
    maintainer_email: view.contactPoint?.email ?? null,
    license_id: view.license ? licenceId(view.license) : null,
    license_title: view.license ? licenceLabel(view.license) : null,
    license_url: view.license,
    isopen: view.license !== null && OPEN_LICENCES.has(licenceId(view.license)),
    metadata_created: ckanTime(view.createdAt),
    metadata_modified: metadataModified(view),
    owner_org: org.id,
    organization: organizationDict(org),
    num_tags: view.keywords.length,
    tags: view.keywords.map((k) => ({ name: k, display_name: k, state: 'active', vocabulary_id: null })),
    groups: view.themes.map(groupDict),
    num_resources: view.distributions.length,
    resources: view.distributions.map((_, i) => resourceDict(view, i)),
    extras,
    tracking_summary: usage,
    relationships_as_object: [],
    relationships_as_subject: [],
  };
}

async function organizationsBySlug(
  db: Kysely<Database>,
  slugs: readonly string[],
): Promise<Map<string, OrganizationRow>> {
  if (slugs.length === 0) return new Map();
  const rows = await db
    .selectFrom('organizations')
    .select(['id', 'slug', 'name', 'description', 'created_at'])
    .where('slug', 'in', [...new Set(slugs)])
    .execute();
  return new Map(rows.map((r) => [r.slug, r]));
}

/** Package dicts for open datasets, in the order given. */
async function packageDicts(db: Kysely<Database>, views: DatasetView[], today: Date): Promise<PackageDict[]> {
  const orgs = await organizationsBySlug(
    db,
    views.map((v) => v.organization),
  );
  const usage = await downloadTotals(
    db,
    views.map((v) => v.id),
    today,
  );
  return views.map((v) =>
    packageDict(v, orgs.get(v.organization)!, usage.get(v.id) ?? { total: 0, recent: 0 }),
  );
}

function openDatasets(db: Kysely<Database>) {
  return db
    .selectFrom('datasets')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .where('datasets.classification', '=', 'public');
}

/** The open dataset with this id or package name, or Not Found. */
async function findPackage(db: Kysely<Database>, id: string): Promise<DatasetView> {
  const split = splitName(id);
  let query = openDatasets(db).select('datasets.id');
  query = split
    ? query.where((eb) =>
        eb.or([
          eb('datasets.id', '=', id),
          eb.and([eb('organizations.slug', '=', split.organization), eb('datasets.slug', '=', split.slug)]),
        ]),
      )
    : query.where('datasets.id', '=', id);
  const row = await query.executeTakeFirst();
  const view = row ? (await datasetsById(db, [row.id]))[0] : undefined;
  if (!view) throw ckanNotFound();
  return view;
}

export async function packageShow(db: Kysely<Database>, id: string, today: Date): Promise<PackageDict> {
  const view = await findPackage(db, id);
  return (await packageDicts(db, [view], today))[0]!;
}

/** Names of the open datasets, sorted by name as CKAN sorts them. */
export async function packageList(
  db: Kysely<Database>,
  limit: number | undefined,
  offset: number,
): Promise<string[]> {
  const rows = await openDatasets(db)
    .select(['organizations.slug as organization', 'datasets.slug'])
    .execute();
  const names = rows.map((r) => packageName(r.organization, r.slug)).sort(byCodeUnits);
  return names.slice(offset, limit === undefined ? undefined : offset + limit);
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function resourceShow(db: Kysely<Database>, id: string) {
  const row = await openDatasets(db)
    .innerJoin('distributions', 'distributions.dataset_id', 'datasets.id')
    .select('datasets.id')
    .where('distributions.id', '=', id)
    .executeTakeFirst();
  const view = row ? (await datasetsById(db, [row.id]))[0] : undefined;
  const index = view?.distributions.findIndex((d) => d.id === id) ?? -1;
  if (!view || index < 0) throw ckanNotFound('Resource was not found.');
  return resourceDict(view, index);
}

/** Organizations that publish open data, each with how many open datasets it has. */
async function publishers(db: Kysely<Database>): Promise<Array<OrganizationRow & { count: number }>> {
  const rows = await openDatasets(db)
    .select([
      'organizations.id',
      'organizations.slug',
      'organizations.name',
      'organizations.description',
      'organizations.created_at',
      (eb) => eb.fn.count<number | string>('datasets.id').as('count'),
    ])
    .groupBy([
      'organizations.id',
      'organizations.slug',
      'organizations.name',
      'organizations.description',
      'organizations.created_at',
    ])
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

export const ORGANIZATION_SORTS = ['name', 'title', 'package_count'] as const;
/** CKAN's caps on organization_list: 1,000 names, or 25 organizations with all their fields. */
export const ORGANIZATION_LIST_MAX = 1000;
export const ORGANIZATION_LIST_ALL_FIELDS_MAX = 25;

export async function organizationList(
  db: Kysely<Database>,
  options: { allFields: boolean; limit?: number | undefined; offset: number; sort?: string | undefined },
) {
  const [field = 'title', direction = 'asc', ...rest] = (options.sort ?? 'title asc').trim().split(/\s+/);
  if (
    rest.length > 0 ||
    !(ORGANIZATION_SORTS as readonly string[]).includes(field) ||
    !['asc', 'desc'].includes(direction.toLowerCase())
  ) {
    throw ckanInvalid({
      sort: [`Sort by name, title or package_count, then asc or desc, e.g. "title asc".`],
    });
  }
  const key = (o: OrganizationRow & { count: number }) =>
    field === 'name' ? o.slug : field === 'title' ? o.name.toLowerCase() : o.count;
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  const all = (await publishers(db)).sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return sign * (x < y ? -1 : x > y ? 1 : 0) || byCodeUnits(a.slug, b.slug);
  });
  const max = options.allFields ? ORGANIZATION_LIST_ALL_FIELDS_MAX : ORGANIZATION_LIST_MAX;
  const limit = Math.min(options.limit ?? max, max);
  const page = all.slice(options.offset, options.offset + limit);
  return options.allFields
    ? page.map((o) => ({ ...organizationDict(o), package_count: o.count }))
    : page.map((o) => o.slug);
}

/** CKAN lists at most this many packages in organization_show (ckan.search.rows_max). */
export const ORGANIZATION_SHOW_PACKAGES_MAX = 1000;

export async function organizationShow(
  db: Kysely<Database>,
  dialect: Dialect,
  id: string,
  includeDatasets: boolean,
  today: Date,
) {
  const org = (await publishers(db)).find((o) => o.id === id || o.slug === id);
  if (!org) throw ckanNotFound();
  const dict = { ...organizationDict(org), package_count: org.count };
  if (!includeDatasets) return dict;
  const found = await searchDatasets(db, dialect, {
    filters: { classification: ['public'], publisher: [org.slug] },
    sort: 'title',
    offset: 0,
    limit: ORGANIZATION_SHOW_PACKAGES_MAX,
    facetLimit: 0,
  });
  return { ...dict, packages: await packageDicts(db, found.items, today) };
}

// ---------------------------------------------------------------------------------------------------
// package_search

/** The fields fq and facet.field understand: CKAN's names for what govdx keeps. */
export const SEARCH_FIELDS = ['organization', 'groups', 'tags', 'res_format', 'license_id'] as const;
type SearchField = (typeof SEARCH_FIELDS)[number];
type IndexedField = Exclude<SearchField, 'tags'>;
const FACET_OF: Record<IndexedField, keyof SearchFilters> = {
  organization: 'publisher',
  groups: 'theme',
  res_format: 'format',
  license_id: 'license',
};
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

type Clause =
  | { field: SearchField; value: string }
  | { field: 'metadata_modified'; from: string | null; to: string | null }
  | { field: 'constant'; holds: boolean };

/** The values of each field of a dataset, as fq matches them and facets count them. */
function valuesOf(view: DatasetView, field: SearchField): string[] {
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
function storedValue(field: IndexedField, value: string): string {
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
function holds(view: DatasetView, clause: Clause): boolean {
  if (clause.field === 'constant') return clause.holds;
  if (clause.field === 'metadata_modified') {
    const modified = metadataModified(view);
    return (clause.from === null || modified >= clause.from) && (clause.to === null || modified <= clause.to);
  }
  return valuesOf(view, clause.field).includes(facetName(clause.field, clause.value));
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

/** What help_show answers for each action: what it does, in a sentence. */
export const CKAN_ACTIONS: Record<string, string> = {
  package_search:
    'Searches the open datasets. Parameters: q (words), fq (filters such as organization:<name>, tags:<tag>, groups:<theme>, res_format:<format>, license_id:<id>), rows (default 10, at most 1000), start, sort, facet.field (JSON list), facet.limit.',
  package_show: 'Returns one open dataset. Parameters: id (its id or name).',
  package_list: 'Returns the names of the open datasets. Parameters: limit, offset.',
  organization_list:
    'Returns the organizations that publish open data. Parameters: all_fields, limit, offset, sort (name, title or package_count, asc or desc).',
  organization_show: 'Returns one organization. Parameters: id (its id or name), include_datasets.',
  resource_show: 'Returns one resource (a download) of an open dataset. Parameters: id.',
  help_show: 'Returns the help text of an action. Parameters: name.',
};
