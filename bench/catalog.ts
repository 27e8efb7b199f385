/**
 * Catalog search at scale: N generated datasets (faker, fixed seed: the same catalog every run) loaded
 * into a fresh SQLite file and a fresh PostgreSQL database, then search latency for a mix of queries:
 *
 *   searchDatasets  the whole interface the portal and the CKAN API use: text, filters, total, the five
 *                   facets' counts (each over the other facets' filters), one page of 20 datasets loaded
 *   baseline        the engine's text match alone, same text, same run: FTS5 MATCH ordered by bm25, or
 *                   tsvector @@ tsquery ordered by ts_rank, top 20 ids, nothing else
 *
 * The ratio (searchDatasets p50 / baseline p50) is what facets, filters and loading cost over the bare
 * engine; the machine is shared, so read ratios rather than absolutes. Queries run one at a time.
 *
 *   npm run bench -- catalog [--datasets 100000] [--stores sqlite,postgres] [--rounds 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { faker } from '@faker-js/faker';
import cliProgress from 'cli-progress';
import { type Insertable, sql } from 'kysely';
import {
  FILE_TYPES,
  rawTextSearch,
  reindexCatalog,
  type SearchQuery,
  searchDatasets,
  THEMES,
} from '../src/catalog/index.ts';
import { CLASSIFICATIONS, FIELD_TYPES } from '../src/domain/index.ts';
import {
  type DatasetTable,
  type Dialect,
  type DistributionTable,
  type FieldTable,
  migrateToLatest,
  openStore,
  type Store,
} from '../src/store/index.ts';
import { postgresDatabase, printTable, writeResult } from './harness.ts';

const SEED = 20261129;
const PUBLISHERS = 300;
const LICENCES = ['CC_BY_4_0', 'CC0', 'CC_BYSA_4_0', 'ODC_ODBL'].map(
  (c) => `http://publications.europa.eu/resource/authority/licence/${c}`,
);
const SUBJECTS = [
  'statistics',
  'register',
  'survey',
  'counts',
  'inventory',
  'permits',
  'inspections',
  'budget',
  'forecast',
  'map',
  'index',
  'measurements',
];

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function bar(label: string, total: number) {
  const b = new cliProgress.SingleBar(
    { format: `  ${label.padEnd(26)} [{bar}] {percentage}% | {value}/{total}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0);
  return b;
}

interface Generated {
  organizations: Array<{ id: string; slug: string; name: string }>;
  datasets: Array<Insertable<DatasetTable> & { title: string; description: string }>;
  fields: Array<Insertable<FieldTable>>;
  distributions: Array<Insertable<DistributionTable>>;
}

/** The catalog: the same for a given count, on every run and every store. */
export function generate(count: number): Generated {
  faker.seed(SEED);
  const at = '2026-01-01T00:00:00.000Z';
  const organizations = Array.from({ length: PUBLISHERS }, (_, i) => {
    const name = `${faker.location.city()} ${faker.helpers.arrayElement(['Agency', 'Board', 'Office', 'Authority', 'Council'])}`;
    return { id: `org-${i}`, slug: `publisher-${i}`, name };
  });
  const datasets: Generated['datasets'] = [];
  const fields: Generated['fields'] = [];
  const distributions: Generated['distributions'] = [];
  const progress = bar('generating datasets', count);
  for (let i = 0; i < count; i++) {
    const id = `ds-${String(i).padStart(7, '0')}`;
    const organization = faker.helpers.arrayElement(organizations);
    const classification = faker.helpers.weightedArrayElement([
      { weight: 6, value: CLASSIFICATIONS[0] },
      { weight: 2, value: CLASSIFICATIONS[1] },
      { weight: 1, value: CLASSIFICATIONS[2] },
      { weight: 1, value: CLASSIFICATIONS[3] },
    ]);
    const open = classification === 'public';
    const issued = faker.date.between({ from: '2010-01-01', to: '2024-12-31' });
    datasets.push({
      id,
      organization_id: organization.id,
      slug: `dataset-${i}`,
      title: `${faker.word.adjective()} ${faker.word.noun()} ${faker.helpers.arrayElement(SUBJECTS)} of ${faker.location.city()}`,
      description: `${faker.company.catchPhrase()}. ${faker.word.words({ count: { min: 12, max: 40 } })}.`,
      classification,
      steward_id: null,
      key_field: null,
      keywords: JSON.stringify(
        faker.helpers.uniqueArray(() => faker.word.noun(), faker.number.int({ min: 1, max: 5 })),
      ),
      themes: JSON.stringify(faker.helpers.arrayElements(THEMES, { min: 1, max: 2 })),
      license: open ? faker.helpers.arrayElement(LICENCES) : null,
      issued: faker.datatype.boolean(0.9) ? issued.toISOString().slice(0, 10) : null,
      modified: faker.datatype.boolean(0.8)
        ? faker.date.between({ from: issued, to: '2026-06-30' }).toISOString().slice(0, 10)
        : null,
      created_at: at,
      updated_at: at,
    });
    const names = faker.helpers.uniqueArray(
      () => faker.database.column(),
      faker.number.int({ min: 2, max: 8 }),
    );
    for (const [position, name] of names.entries()) {
      fields.push({
        dataset_id: id,
        position,
        name,
        type: faker.helpers.arrayElement(FIELD_TYPES),
        sensitivity: 'open',
        description: faker.word.words({ count: { min: 0, max: 6 } }),
      });
    }
    if (open) {
      for (const [position, format] of faker.helpers
        .arrayElements(FILE_TYPES, { min: 1, max: 3 })
        .entries()) {
        distributions.push({
          id: `${id}-${position}`,
          dataset_id: id,
          position,
          title: `${format} file`,
          description: '',
          kind: 'download',
          format,
          media_type: null,
          access_url: `https://data.example/${id}.${format.toLowerCase()}`,
          download_url: null,
          created_at: at,
        });
      }
    }
    if (i % 1000 === 0) progress.update(i);
  }
  progress.update(count);
  progress.stop();
  return { organizations, datasets, fields, distributions };
}

/** Runs `insert` over `rows` in chunks, counting them on the progress bar. */
async function inChunks<T>(
  rows: T[],
  chunk: number,
  progress: cliProgress.SingleBar,
  insert: (rows: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await insert(rows.slice(i, i + chunk));
    progress.increment(Math.min(chunk, rows.length - i));
  }
}

export async function load(
  store: Store,
  data: Generated,
): Promise<{ loadSeconds: number; indexSeconds: number }> {
  const { db } = store;
  const started = performance.now();
  await db
    .insertInto('organizations')
    .values(
      data.organizations.map((o) => ({
        ...o,
        kind: 'agency' as const,
        description: '',
        website: null,
        contact_email: null,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      })),
    )
    .execute();
  const rows = data.datasets.length + data.fields.length + data.distributions.length;
  const progress = bar(`${store.dialect}: loading rows`, rows);
  await db.transaction().execute(async (tx) => {
    await inChunks(data.datasets, 1000, progress, (rows) => tx.insertInto('datasets').values(rows).execute());
    await inChunks(data.fields, 4000, progress, (rows) => tx.insertInto('fields').values(rows).execute());
    await inChunks(data.distributions, 2000, progress, (rows) =>
      tx.insertInto('distributions').values(rows).execute(),
    );
  });
  progress.stop();
  const loaded = performance.now();
  const indexing = bar(`${store.dialect}: indexing`, data.datasets.length);
  await reindexCatalog(db, { batchSize: 1000, progress: (done) => indexing.update(done) });
  indexing.stop();
  // Statistics and visibility as a live database has them (autovacuum), so plans are those of production.
  if (store.dialect === 'postgres') await sql`vacuum analyze`.execute(db);
  else
    store.sqlite?.exec("insert into catalog_search_text(catalog_search_text) values ('optimize'); analyze");
  return { loadSeconds: (loaded - started) / 1000, indexSeconds: (performance.now() - loaded) / 1000 };
}

interface Case {
  name: string;
  queries: Array<Omit<SearchQuery, 'offset' | 'limit' | 'facetLimit'>>;
}

/** The query mix, drawn from the generated text so that words are found, with a seed of its own. */
function cases(data: Generated): Case[] {
  faker.seed(SEED + 1);
  const sample = () => faker.helpers.arrayElement(data.datasets);
  const wordsOf = (text: unknown) =>
    String(text)
      .toLowerCase()
      .match(/[a-z]{4,}/g) ?? ['data'];
  const none = { filters: {}, sort: 'relevance' as const };
  const pick = <T>(list: readonly T[]) => faker.helpers.arrayElement(list);
  const ten = <T>(make: () => T) => Array.from({ length: 10 }, make);
  return [
    { name: 'one word', queries: ten(() => ({ ...none, text: pick(wordsOf(sample().title)) })) },
    { name: 'common word', queries: SUBJECTS.slice(0, 10).map((text) => ({ ...none, text })) },
    {
      name: 'two words',
      queries: ten(() => {
        const words = wordsOf(sample().description);
        return { ...none, text: `${pick(words)} ${pick(words)}` };
      }),
    },
    {
      name: 'word + theme + public',
      queries: ten(() => ({
        text: pick(wordsOf(sample().title)),
        filters: { theme: [pick(THEMES)], classification: ['public'] },
        sort: 'relevance' as const,
      })),
    },
    {
      name: 'no text, theme + CSV',
      queries: ten(() => ({
        filters: { theme: [pick(THEMES)], format: ['CSV'] },
        sort: 'relevance' as const,
      })),
    },
    {
      name: 'word, latest first',
      queries: ten(() => ({ text: pick(wordsOf(sample().title)), filters: {}, sort: '-modified' as const })),
    },
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function time(rounds: number, queries: number, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(queries, 5); i++) await run(i); // warm up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < queries; i++) {
      const started = performance.now();
      await run(i);
      samples.push(performance.now() - started);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), samples: samples.length };
}

async function measure(store: Store, mix: Case[], rounds: number) {
  const rows: Array<Record<string, string | number>> = [];
  for (const c of mix) {
    const search = await time(rounds, c.queries.length, (i) =>
      searchDatasets(store.db, store.dialect, { ...c.queries[i]!, offset: 0, limit: 20, facetLimit: 50 }),
    );
    const texts = c.queries.map((q) => q.text ?? '');
    const baseline = texts.some((t) => t)
      ? await time(rounds, texts.length, (i) => rawTextSearch(store.db, store.dialect, texts[i]!))
      : undefined;
    const found = await searchDatasets(store.db, store.dialect, {
      ...c.queries[0]!,
      offset: 0,
      limit: 20,
      facetLimit: 50,
    });
    rows.push({
      store: store.dialect,
      case: c.name,
      p50Ms: search.p50,
      p99Ms: search.p99,
      baselineP50Ms: baseline?.p50 ?? Number.NaN,
      baselineP99Ms: baseline?.p99 ?? Number.NaN,
      ratioP50: baseline ? search.p50 / baseline.p50 : Number.NaN,
      samples: search.samples,
      exampleTotal: found.total,
    });
  }
  return rows;
}

export async function main(args: string[]): Promise<void> {
  const count = Number(option(args, 'datasets', '100000'));
  const stores = option(args, 'stores', 'sqlite,postgres').split(',') as Dialect[];
  const rounds = Number(option(args, 'rounds', '10'));
  if (!Number.isInteger(count) || count < 1) throw new Error('--datasets must be a positive whole number');
  const data = generate(count);
  const mix = cases(data);
  const results: Array<Record<string, string | number>> = [];
  const loads: Record<string, { loadSeconds: number; indexSeconds: number }> = {};
  for (const dialect of stores) {
    const dataDir = mkdtempSync(join(tmpdir(), 'govdx-bench-catalog-'));
    const pg = dialect === 'postgres' ? await postgresDatabase('catalog') : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir, poolSize: 10 });
    try {
      await migrateToLatest(store);
      loads[dialect] = await load(store, data);
      results.push(...(await measure(store, mix, rounds)));
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const ms = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(1) : '-');
  printTable(
    `Catalog search, ${count} datasets, one query at a time (ms; baseline = the bare text match, top 20 ids)`,
    ['store', 'queries', 'p50', 'p99', 'baseline p50', 'baseline p99', 'p50 ratio', 'found (1st query)'],
    results.map((r) => [
      String(r.store),
      String(r.case),
      ms(r.p50Ms),
      ms(r.p99Ms),
      ms(r.baselineP50Ms),
      ms(r.baselineP99Ms),
      Number.isFinite(r.ratioP50) ? `${(r.ratioP50 as number).toFixed(1)}×` : '-',
      Number(r.exampleTotal),
    ]),
  );
  for (const [dialect, l] of Object.entries(loads)) {
    process.stdout.write(
      `${dialect}: rows loaded in ${l.loadSeconds.toFixed(1)} s, indexed in ${l.indexSeconds.toFixed(1)} s\n`,
    );
  }
  const file = writeResult('catalog', { datasets: count, rounds, loads, results });
  process.stdout.write(`\nWrote ${file}\n`);
}
