/**
 * Catalog search: full text over every dataset's title, keywords, description, fields and publisher,
 * with facets (publisher, theme, classification, format, license). One interface over two engines:
 * SQLite FTS5 (bm25 ranking) and PostgreSQL full-text search (weighted tsvector, GIN index, ts_rank).
 *
 * Facets count as faceted search does: values of one facet are alternatives (OR), facets narrow each
 * other (AND), and a facet's counts are over the results of the text and every *other* facet's filter,
 * so choosing one theme still shows how many datasets each other theme would give.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database, Dialect } from '../store/index.ts';
import { THEME_LABELS, type Theme } from './authority-tables.ts';
import { type DatasetView, datasetsById } from './datasets.ts';
import { FACETS, type Facet } from './search-index.ts';
import { correctedText, searchVocabulary } from './search-spelling.ts';
import { parseTextQuery, type TextQuery, toFts5, toTsquery } from './search-text.ts';

export { FACETS, type Facet, indexDatasets, reindexCatalog, reindexPublisher } from './search-index.ts';
export { parseTextQuery, searchWords } from './search-text.ts';

export const SEARCH_SORTS = [
  'relevance',
  'title',
  '-title',
  'modified',
  '-modified',
  'issued',
  '-issued',
] as const;
/** A leading "-" sorts from the largest (latest, Z) down. Without text, relevance sorts by title. */
export type SearchSort = (typeof SEARCH_SORTS)[number];

export type SearchFilters = Partial<Record<Facet, string[]>>;

export interface SearchQuery {
  /** What a person typed; see parseTextQuery for the syntax. Empty or absent: every dataset. */
  text?: string | undefined;
  filters: SearchFilters;
  sort: SearchSort;
  offset: number;
  limit: number;
  /** Most values listed per facet; values chosen in the filters are always listed too. */
  facetLimit: number;
  /** When the text finds nothing, search for the closest words the catalog holds (search-spelling.ts). */
  correct?: boolean;
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export interface SearchResult {
  total: number;
  items: DatasetView[];
  facets: Record<Facet, FacetValue[]>;
  /** Set when the text as typed found nothing and these are the results for this text instead. */
  correctedText?: string;
}

const CLASSIFICATION_LABELS: Record<string, string> = {
  public: 'Public (open data)',
  internal: 'Internal',
  confidential: 'Confidential',
  restricted: 'Restricted',
};

/** The sensitivity facet: what the dataset's most sensitive field holds. */
const SENSITIVITY_LABELS: Record<string, string> = {
  open: 'Nothing sensitive',
  internal: 'Internal to government',
  personal: 'Personal data',
  special: 'Special-category personal data (health, beliefs and the like)',
};

const FORMAT_LABELS: Record<string, string> = {
  CSV: 'CSV',
  JSON: 'JSON',
  JSON_LD: 'JSON-LD',
  XML: 'XML',
  XLSX: 'Excel (XLSX)',
  PDF: 'PDF',
  RDF_TURTLE: 'RDF Turtle',
  ZIP: 'ZIP archive',
  HTML: 'Web page (HTML)',
};

const LICENCE_AUTHORITY = 'http://publications.europa.eu/resource/authority/licence/';
/** Names of the licences in the EU licence authority table that open-data portals use most. */
const LICENCE_LABELS: Record<string, string> = {
  CC_BY_4_0: 'Creative Commons Attribution 4.0',
  CC_BYSA_4_0: 'Creative Commons Attribution-ShareAlike 4.0',
  CC_BYND_4_0: 'Creative Commons Attribution-NoDerivatives 4.0',
  CC_BYNC_4_0: 'Creative Commons Attribution-NonCommercial 4.0',
  CC0: 'Creative Commons Zero (public domain)',
  CC_BY_3_0: 'Creative Commons Attribution 3.0',
  ODC_BY: 'Open Data Commons Attribution',
  ODC_ODBL: 'Open Data Commons Open Database Licence',
  ODC_PDDL: 'Open Data Commons Public Domain Dedication',
  OGL_3_0: 'Open Government Licence 3.0',
  DL_DE_BY_2_0: 'Data licence Germany – attribution – 2.0',
  ETALAB_2_0: 'Licence Ouverte 2.0 (Etalab)',
  IODL_2_0: 'Italian Open Data Licence 2.0',
  NLOD_2_0: 'Norwegian Licence for Open Government Data 2.0',
  COM_REUSE: 'European Commission reuse notice',
};

export function licenceLabel(iri: string): string {
  if (!iri.startsWith(LICENCE_AUTHORITY)) return iri;
  const code = iri.slice(LICENCE_AUTHORITY.length);
  return LICENCE_LABELS[code] ?? code.replaceAll('_', ' ');
}

/**
 * Facets in the order they drive a count without text: those with the fewest datasets per value first.
 * Every facet is here: one left out would be ignored by the counts of the others.
 */
const DRIVING_ORDER = [
  'publisher',
  'license',
  'theme',
  'format',
  'sensitivity',
  'classification',
] as const satisfies readonly Facet[] & { length: (typeof FACETS)['length'] };

const whereOf = (conditions: RawBuilder<unknown>[]) =>
  conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;

/** The SQL pieces that select the datasets matching the text and some of the filters. */
class Matcher {
  readonly text: TextQuery | null;
  private readonly positive: string | null;
  private readonly negative: string | null;

  constructor(
    private readonly dialect: Dialect,
    text: string | undefined,
    private readonly chosen: SearchFilters,
  ) {
    this.text = parseTextQuery(text ?? '');
    const render = dialect === 'sqlite' ? toFts5 : toTsquery;
    this.positive = this.text && this.text.clauses.length > 0 ? render(this.text.clauses) : null;
    this.negative = this.text && this.text.excluded.length > 0 ? render([this.text.excluded]) : null;
  }

  /** Whether the search filters on this facet. */
  filters(facet: Facet): boolean {
    return (this.chosen[facet]?.length ?? 0) > 0;
  }

  /** FROM clause over catalog_search as s (and, on SQLite with text, its FTS5 table). */
  from(): RawBuilder<unknown> {
    return this.dialect === 'sqlite' && this.positive
      ? sql`catalog_search s join catalog_search_text on catalog_search_text.rowid = s.doc_id`
      : sql`catalog_search s`;
  }

  private textMatch(expression: string): RawBuilder<unknown> {
    return this.dialect === 'sqlite'
      ? sql`catalog_search_text match ${expression}`
      : sql`s.document @@ to_tsquery('simple', ${expression})`;
  }

  /** The text's conditions on catalog_search as s. */
  private textConditions(): RawBuilder<unknown>[] {
    const conditions: RawBuilder<unknown>[] = [];
    if (this.positive) conditions.push(this.textMatch(this.positive));
    if (this.negative) {
      const excluded =
        this.dialect === 'sqlite'
          ? sql`select rowid from catalog_search_text where catalog_search_text match ${this.negative}`
          : sql`select x.doc_id from catalog_search x where x.document @@ to_tsquery('simple', ${this.negative})`;
      conditions.push(sql`s.doc_id not in (${excluded})`);
    }
    return conditions;
  }

  /**
   * The filters of `facets` on `alias`.dataset_id. `in` lets the engine start from a filter's datasets
   * (for the page, which may be one of few among many); `exists` looks each dataset's values up by
   * primary key (for counts over a set already narrowed, however many datasets a filter has).
   */
  private filterConditions(
    alias: string,
    facets: readonly Facet[],
    form: 'in' | 'exists',
  ): RawBuilder<unknown>[] {
    const id = sql.ref(`${alias}.dataset_id`);
    return facets.flatMap((facet) => {
      const values = this.chosen[facet];
      if (!values || values.length === 0) return [];
      return form === 'in'
        ? [
            sql`${id} in (select g.dataset_id from catalog_facets g where g.facet = ${facet} and g.value in (${sql.join(values)}))`,
          ]
        : [
            sql`exists (select 1 from catalog_facets g where g.dataset_id = ${id} and g.facet = ${facet} and g.value in (${sql.join(values)}))`,
          ];
    });
  }

  /** WHERE over catalog_search as s: the text and every filter. */
  where(): RawBuilder<unknown> {
    return whereOf([...this.textConditions(), ...this.filterConditions('s', FACETS, 'in')]);
  }

  /** The datasets the text matches, computed once per statement as m(dataset_id); null without text. */
  matches(): RawBuilder<unknown> | null {
    if (!this.text) return null;
    return sql`m as materialized (select s.dataset_id from ${this.from()} ${whereOf(this.textConditions())})`;
  }

  /**
   * The datasets a count runs over, as b(dataset_id): the text's matches and every filter but
   * `except`'s. Without text, the first filter drives (its index range is read once), the others
   * narrow; null when nothing narrows, that is, every dataset.
   */
  counted(except?: Facet): { from: RawBuilder<unknown>; where: RawBuilder<unknown>[] } | null {
    const active = DRIVING_ORDER.filter((f) => f !== except && (this.chosen[f]?.length ?? 0) > 0);
    if (this.text) return { from: sql`m b`, where: this.filterConditions('b', active, 'exists') };
    const [driver, ...rest] = active;
    if (!driver) return null;
    return {
      from: sql`(select distinct d.dataset_id from catalog_facets d where d.facet = ${driver} and d.value in (${sql.join(this.chosen[driver] ?? [])})) b`,
      where: this.filterConditions('b', rest, 'exists'),
    };
  }

  orderBy(sort: SearchSort): RawBuilder<unknown> {
    const tieBreak = sql`s.sort_title, s.dataset_id`;
    switch (sort) {
      case 'relevance':
        if (!this.positive) return tieBreak;
        return this.dialect === 'sqlite'
          ? sql`bm25(catalog_search_text, 10.0, 5.0, 1.0), ${tieBreak}`
          : sql`ts_rank(s.document, to_tsquery('simple', ${this.positive})) desc, ${tieBreak}`;
      case 'title':
        return tieBreak;
      case '-title':
        return sql`s.sort_title desc, s.dataset_id desc`;
      case 'modified':
        return sql`s.modified asc nulls last, ${tieBreak}`;
      case '-modified':
        return sql`s.modified desc nulls last, ${tieBreak}`;
      case 'issued':
        return sql`s.issued asc nulls last, ${tieBreak}`;
      case '-issued':
        return sql`s.issued desc nulls last, ${tieBreak}`;
    }
  }
}

/**
 * The total and every facet's counts in one statement, so that the text is matched once: a count per
 * facet value over the matches narrowed by the other facets' filters.
 */
async function countAll(
  db: Kysely<Database>,
  matcher: Matcher,
): Promise<{ total: number; counts: Record<Facet, Array<{ value: string; count: number }>> }> {
  const all = matcher.counted();
  // Facets without a filter of their own are all counted over the same datasets: in one pass.
  const shared = FACETS.filter((f) => !matcher.filters(f));
  const own = FACETS.filter((f) => matcher.filters(f));
  // CROSS JOIN: SQLite then loops over the datasets counted and looks their values up by primary key,
  // rather than reading every value of the facet; PostgreSQL plans it as any join.
  const countOver = (
    over: { from: RawBuilder<unknown>; where: RawBuilder<unknown>[] } | null,
    facets: Facet[],
  ) => {
    const which = sql`f.facet in (${sql.join(facets.map((f) => sql.lit(f)))})`;
    return over
      ? sql`select f.facet, f.value, count(*) as n from ${over.from} cross join catalog_facets f
          ${whereOf([sql`f.dataset_id = b.dataset_id`, which, ...over.where])} group by f.facet, f.value`
      : sql`select f.facet, f.value, count(*) as n from catalog_facets f where ${which} group by f.facet, f.value`;
  };
  const arms = [
    all
      ? sql`select 'total' as facet, '' as value, count(*) as n from ${all.from} ${whereOf(all.where)}`
      : sql`select 'total' as facet, '' as value, count(*) as n from catalog_search`,
    ...(shared.length > 0 ? [countOver(all, shared)] : []),
    ...own.map((facet) => countOver(matcher.counted(facet), [facet])),
  ];
  const matches = matcher.matches();
  const { rows } = await sql<{ facet: string; value: string; n: number | string }>`
    ${matches ? sql`with ${matches} ` : sql``}${sql.join(arms, sql` union all `)}`.execute(db);
  const counts = Object.fromEntries(FACETS.map((f) => [f, [] as Array<{ value: string; count: number }>]));
  let total = 0;
  for (const row of rows) {
    if (row.facet === 'total') total = Number(row.n);
    else counts[row.facet]?.push({ value: row.value, count: Number(row.n) });
  }
  for (const list of Object.values(counts)) {
    list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return { total, counts: counts as Record<Facet, Array<{ value: string; count: number }>> };
}

async function labelled(
  db: Kysely<Database>,
  counts: Record<Facet, Array<{ value: string; count: number }>>,
): Promise<Record<Facet, FacetValue[]>> {
  const slugs = counts.publisher.map((c) => c.value);
  const names = new Map<string, string>();
  if (slugs.length > 0) {
    const rows = await db
      .selectFrom('organizations')
      .select(['slug', 'name'])
      .where('slug', 'in', slugs)
      .execute();
    for (const r of rows) names.set(r.slug, r.name);
  }
  const label: Record<Facet, (value: string) => string> = {
    publisher: (v) => names.get(v) ?? v,
    theme: (v) => THEME_LABELS[v as Theme] ?? v,
    classification: (v) => CLASSIFICATION_LABELS[v] ?? v,
    format: (v) => FORMAT_LABELS[v] ?? v,
    license: licenceLabel,
    sensitivity: (v) => SENSITIVITY_LABELS[v] ?? v,
  };
  const result = {} as Record<Facet, FacetValue[]>;
  for (const facet of FACETS) {
    result[facet] = counts[facet].map((c) => ({ ...c, label: label[facet](c.value) }));
  }
  return result;
}

/**
 * Searches the catalog: the datasets matching the text and filters, one page of them in the order
 * asked, their total, and the facet counts. Every dataset is searched (open or not); only metadata.
 */
export async function searchDatasets(
  db: Kysely<Database>,
  dialect: Dialect,
  query: SearchQuery,
): Promise<SearchResult> {
  const found = await searchExactly(db, dialect, query);
  if (found.total > 0 || !query.correct || !query.text?.trim()) return found;
  // Nothing for the words as typed: try the closest words the catalog holds ("brths" → "births").
  const corrected = correctedText(query.text, await searchVocabulary(db));
  if (corrected === null) return found;
  const instead = await searchExactly(db, dialect, { ...query, text: corrected });
  return instead.total > 0 ? { ...instead, correctedText: corrected } : found;
}

async function searchExactly(
  db: Kysely<Database>,
  dialect: Dialect,
  query: SearchQuery,
): Promise<SearchResult> {
  const matcher = new Matcher(dialect, query.text, query.filters);
  const [counted, page] = await Promise.all([
    countAll(db, matcher),
    sql<{ dataset_id: string }>`
      select s.dataset_id from ${matcher.from()} ${matcher.where()}
      order by ${matcher.orderBy(query.sort)}
      limit ${query.limit} offset ${query.offset}`.execute(db),
  ]);

  const counts = {} as Record<Facet, Array<{ value: string; count: number }>>;
  for (const facet of FACETS) {
    const all = counted.counts[facet];
    const shown = all.slice(0, query.facetLimit);
    // A chosen value stays listed (with its count, or 0) so that it can be unchosen.
    for (const value of query.filters[facet] ?? []) {
      if (shown.some((c) => c.value === value)) continue;
      shown.push(all.find((c) => c.value === value) ?? { value, count: 0 });
    }
    counts[facet] = shown;
  }

  const [items, facets] = await Promise.all([
    datasetsById(
      db,
      page.rows.map((r) => r.dataset_id),
    ),
    labelled(db, counts),
  ]);
  return { total: counted.total, items, facets };
}

/**
 * The text search alone, as the engine answers it: the ids of the 20 best matches, without filters,
 * facets or loading the datasets. The benchmark's baseline for what searchDatasets adds.
 */
export async function rawTextSearch(
  db: Kysely<Database>,
  dialect: Dialect,
  text: string,
  limit = 20,
): Promise<string[]> {
  const parsed = parseTextQuery(text);
  if (!parsed || parsed.clauses.length === 0) return [];
  const result =
    dialect === 'sqlite'
      ? await sql<{ dataset_id: string }>`
          select s.dataset_id from catalog_search_text join catalog_search s on s.doc_id = catalog_search_text.rowid
          where catalog_search_text match ${toFts5(parsed.clauses)}
          order by bm25(catalog_search_text, 10.0, 5.0, 1.0) limit ${limit}`.execute(db)
      : await sql<{ dataset_id: string }>`
          select s.dataset_id from catalog_search s
          where s.document @@ to_tsquery('simple', ${toTsquery(parsed.clauses)})
          order by ts_rank(s.document, to_tsquery('simple', ${toTsquery(parsed.clauses)})) desc limit ${limit}`.execute(
          db,
        );
  return result.rows.map((r) => r.dataset_id);
}
