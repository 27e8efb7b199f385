/**
 * Keeps the catalog's search index (tables catalog_search and catalog_facets) in step with the datasets.
 * Called inside the transaction that changes a dataset, so search never sees a half-made change.
 */
import type { Insertable, Kysely } from 'kysely';
import { SENSITIVITIES, type Sensitivity } from '../domain/index.ts';
import type { CatalogFacetTable, CatalogSearchTable, Database } from '../store/index.ts';
import { searchText, searchWords } from './search-text.ts';

export const FACETS = ['publisher', 'theme', 'classification', 'format', 'license', 'sensitivity'] as const;
export type Facet = (typeof FACETS)[number];

/**
 * A dataset's value in the sensitivity facet: the sensitivity of its most sensitive field (SENSITIVITIES is
 * in order, open first), so that a data protection officer finds every dataset holding personal data by
 * choosing personal and special. None for a dataset that declares no fields.
 */
export function mostSensitive(sensitivities: Iterable<Sensitivity>): Sensitivity | null {
  let rank = -1;
  for (const s of sensitivities) rank = Math.max(rank, SENSITIVITIES.indexOf(s));
  return rank < 0 ? null : SENSITIVITIES[rank]!;
}

/**
 * Characters of description, fields and publisher indexed: far more than any real description, and
 * safely under PostgreSQL's 1 MB limit on a tsvector (a dataset may have 500 fields of 2,000 characters).
 */
export const BODY_LIMIT = 200_000;

interface Source {
  id: string;
  title: string;
  description: string;
  keywords: string;
  themes: string;
  classification: string;
  license: string | null;
  modified: string | null;
  issued: string | null;
  publisher: string;
  publisherName: string;
  fields: Array<{ name: string; description: string; sensitivity: Sensitivity }>;
  formats: string[];
}

/** What the index holds for one dataset: its words and sort keys, and its facet values. */
export function searchEntry(source: Source): {
  entry: Insertable<CatalogSearchTable>;
  facets: CatalogFacetTable[];
} {
  const keywords = JSON.parse(source.keywords) as string[];
  const themes = JSON.parse(source.themes) as string[];
  const facet = (name: Facet, values: Iterable<string>) =>
    [...new Set(values)].map((value) => ({ dataset_id: source.id, facet: name, value }));
  return {
    entry: {
      dataset_id: source.id,
      title: searchText(source.title),
      keywords: searchText(...keywords),
      body: searchText(
        source.description,
        ...source.fields.flatMap((f) => [f.name, f.description]),
        source.publisherName,
      ).slice(0, BODY_LIMIT),
      sort_title: searchWords(source.title).join(' '),
      modified: source.modified,
      issued: source.issued,
    },
    facets: [
      ...facet('publisher', [source.publisher]),
      ...facet('theme', themes),
      ...facet('classification', [source.classification]),
      ...facet('format', source.formats),
      ...facet('license', source.license ? [source.license] : []),
      ...facet(
        'sensitivity',
        [mostSensitive(source.fields.map((f) => f.sensitivity))].filter((v) => v !== null),
      ),
    ],
  };
}

async function sources(db: Kysely<Database>, ids: string[]): Promise<Source[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('datasets')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .select([
      'datasets.id',
      'datasets.title',
      'datasets.description',
      'datasets.keywords',
      'datasets.themes',
      'datasets.classification',
      'datasets.license',
      'datasets.modified',
      'datasets.issued',
      'organizations.slug as publisher',
      'organizations.name as publisherName',
    ])
    .where('datasets.id', 'in', ids)
    .execute();
  const fields = await db
    .selectFrom('fields')
    .select(['dataset_id', 'name', 'description', 'sensitivity'])
    .where('dataset_id', 'in', ids)
    .orderBy('dataset_id')
    .orderBy('position')
    .execute();
  const formats = await db
    .selectFrom('distributions')
    .select(['dataset_id', 'format'])
    .where('dataset_id', 'in', ids)
    .where('format', 'is not', null)
    .execute();
  const byId = new Map(
    rows.map((r) => [r.id, { ...r, fields: [] as Source['fields'], formats: [] as string[] }]),
  );
  for (const f of fields) byId.get(f.dataset_id)?.fields.push(f);
  for (const d of formats) if (d.format) byId.get(d.dataset_id)?.formats.push(d.format);
  return [...byId.values()];
}

/** Writes the index entries of these datasets anew. Run it in the transaction that changed them. */
export async function indexDatasets(db: Kysely<Database>, ids: string[]): Promise<void> {
  const entries = (await sources(db, ids)).map(searchEntry);
  if (entries.length === 0) return;
  await db
    .insertInto('catalog_search')
    .values(entries.map((e) => e.entry))
    .onConflict((oc) =>
      oc.column('dataset_id').doUpdateSet((eb) => ({
        title: eb.ref('excluded.title'),
        keywords: eb.ref('excluded.keywords'),
        body: eb.ref('excluded.body'),
        sort_title: eb.ref('excluded.sort_title'),
        modified: eb.ref('excluded.modified'),
        issued: eb.ref('excluded.issued'),
      })),
    )
    .execute();
  await db.deleteFrom('catalog_facets').where('dataset_id', 'in', ids).execute();
  const facets = entries.flatMap((e) => e.facets);
  if (facets.length > 0) await db.insertInto('catalog_facets').values(facets).execute();
}

/** Writes anew the entries of an organization's datasets (its name is part of their words). */
export async function reindexPublisher(db: Kysely<Database>, organizationId: string): Promise<void> {
  const ids = await db
    .selectFrom('datasets')
    .select('id')
    .where('organization_id', '=', organizationId)
    .execute();
  for (let i = 0; i < ids.length; i += 500) {
    await indexDatasets(
      db,
      ids.slice(i, i + 500).map((r) => r.id),
    );
  }
}

/**
 * Rebuilds the index entries of every dataset, a batch at a time (each batch in its own transaction);
 * for bulk loads and repairs. Calls `progress` with the number done after each batch.
 */
export async function reindexCatalog(
  db: Kysely<Database>,
  options: { batchSize?: number; progress?: (done: number) => void } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let after = '';
  let done = 0;
  for (;;) {
    const ids = (
      await db
        .selectFrom('datasets')
        .select('id')
        .where('id', '>', after)
        .orderBy('id')
        .limit(batchSize)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return done;
    await db.transaction().execute((tx) => indexDatasets(tx, ids));
    done += ids.length;
    after = ids.at(-1) ?? after;
    options.progress?.(done);
  }
}
