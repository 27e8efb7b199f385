/**
 * Open-data downloads: the records of an open dataset as CSV (RFC 4180) or as a JSON array, streamed
 * in key order one batch at a time, so a file of any size is served in constant memory; and how often
 * each dataset is downloaded, counted per format and day.
 *
 * Only open datasets are served: classification `public`, access rights `PUBLIC`, and every field of
 * sensitivity `open`. Any other dataset is answered exactly like one that does not exist, so a
 * download link reveals nothing.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { type Kysely, sql } from 'kysely';
import { notFound } from '../domain/index.ts';
import type { Database } from '../store/index.ts';

export const DOWNLOAD_FORMATS = ['csv', 'json'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

export const DOWNLOAD_MEDIA_TYPES: Record<DownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Rows read per query: large enough to keep the query count low, small enough to keep memory flat. */
export const DOWNLOAD_BATCH_SIZE = 1000;

export interface OpenDataset {
  id: string;
  organization: string;
  slug: string;
  /** The declared field names, in order: the CSV header and the members of each JSON object. */
  fields: string[];
}

/** The open dataset `organization/slug`; NOT_FOUND for one that is missing or not open. */
export async function findOpenDataset(
  db: Kysely<Database>,
  organization: string,
  slug: string,
): Promise<OpenDataset> {
  const row = await db
    .selectFrom('datasets')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .select(['datasets.id', 'organizations.slug as organization', 'datasets.slug'])
    .where('organizations.slug', '=', organization)
    .where('datasets.slug', '=', slug)
    .where('datasets.classification', '=', 'public')
    .where('datasets.access_rights', '=', 'PUBLIC')
    .executeTakeFirst();
  if (!row) throw notFound('open dataset', `${organization}/${slug}`);
  const fields = await db
    .selectFrom('fields')
    .select(['name', 'sensitivity'])
    .where('dataset_id', '=', row.id)
    .orderBy('position')
    .execute();
  // Defence in depth: a dataset marked open by mistake while it declares a field that is not open
  // (internal, personal, special) is not served.
  if (fields.some((f) => f.sensitivity !== 'open')) throw notFound('open dataset', `${organization}/${slug}`);
  return { ...row, fields: fields.map((f) => f.name) };
}

/** The value at a field path (`coordinates.lat` is the member `lat` of the object `coordinates`). */
function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/** One record as a row of the declared fields, in order; null where the record has no value. */
export function recordRow(data: unknown, fields: readonly string[]): unknown[] {
  return fields.map((field) => valueAt(data, field) ?? null);
}

function csvCell(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * RFC 4180: CRLF line ends; a cell holding a comma, quote or line break is quoted, quotes doubled.
 * csv-stringify quotes a cell holding its record delimiter (CRLF), not one holding a lone CR or LF,
 * hence quoted_match.
 */
function csvLines(rows: unknown[][]): string {
  return stringify(
    rows.map((row) => row.map(csvCell)),
    { record_delimiter: 'windows', quoted_match: /[\r\n]/ },
  );
}

function jsonObject(row: unknown[], fields: readonly string[]): string {
  const object: Record<string, unknown> = {};
  fields.forEach((field, i) => {
    Object.defineProperty(object, field, { value: row[i], enumerable: true, writable: true });
  });
  return JSON.stringify(object);
}

/** The records of a dataset in key order, `size` at a time (keyset paging: each query starts after the last key). */
export async function* recordBatches(
  db: Kysely<Database>,
  datasetId: string,
  size = DOWNLOAD_BATCH_SIZE,
): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('records')
      .select(['key', 'data'])
      .where('dataset_id', '=', datasetId)
      .orderBy('key')
      .limit(size);
    if (after !== null) query = query.where('key', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows.map((r) => r.data);
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.key;
  }
}

async function* fileChunks(
  first: IteratorResult<string[]>,
  batches: AsyncGenerator<string[]>,
  dataset: OpenDataset,
  format: DownloadFormat,
): AsyncGenerator<string> {
  const rowsOf = (batch: string[]) => batch.map((data) => recordRow(JSON.parse(data), dataset.fields));
  let next = first;
  if (format === 'csv') {
    yield csvLines([dataset.fields]);
    while (!next.done) {
      yield csvLines(rowsOf(next.value));
      next = await batches.next();
    }
    return;
  }
  let separator = '[\n';
  while (!next.done) {
    const objects = rowsOf(next.value).map((row) => jsonObject(row, dataset.fields));
    yield separator + objects.join(',\n');
    separator = ',\n';
    next = await batches.next();
  }
  yield separator === '[\n' ? '[]\n' : '\n]\n';
}

/**
 * The file as a stream that reads the next batch only when the previous one has been taken
 * (backpressure). The first batch is read before this returns, so a store that cannot be read
 * fails the request cleanly instead of starting a file; a failure later destroys the stream, and
 * the server then cuts the connection, so a broken download never looks complete.
 */
export async function openDownload(
  db: Kysely<Database>,
  dataset: OpenDataset,
  format: DownloadFormat,
): Promise<Readable> {
  const batches = recordBatches(db, dataset.id);
  const first = await batches.next();
  return Readable.from(fileChunks(first, batches, dataset, format), { objectMode: false });
}

/** The day of an instant, in UTC, as YYYY-MM-DD. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Counts one download of the dataset in this format on this day. */
export async function countDownload(
  db: Kysely<Database>,
  datasetId: string,
  format: DownloadFormat,
  day: string,
): Promise<void> {
  await db
    .insertInto('dataset_downloads')
    .values({ dataset_id: datasetId, format, day, count: 1 })
    .onConflict((c) =>
      c.columns(['dataset_id', 'format', 'day']).doUpdateSet({ count: sql`dataset_downloads.count + 1` }),
    )
    .execute();
}

export interface DownloadUsage {
  total: number;
  byFormat: Record<DownloadFormat, number>;
  /** The 30 days ending with `today`, oldest first, each with its count (0 when none). */
  last30Days: Array<{ day: string; count: number }>;
}

/** How often the dataset has been downloaded: in all, per format, and on each of the last 30 days. */
export async function downloadUsage(
  db: Kysely<Database>,
  datasetId: string,
  today: Date,
): Promise<DownloadUsage> {
  const byFormatRows = await db
    .selectFrom('dataset_downloads')
    .select(['format', (eb) => eb.fn.sum<number | string>('count').as('n')])
    .where('dataset_id', '=', datasetId)
    .groupBy('format')
    .execute();
  const byFormat: Record<DownloadFormat, number> = { csv: 0, json: 0 };
  for (const row of byFormatRows) byFormat[row.format] = Number(row.n);

  const days: string[] = [];
  for (let back = 29; back >= 0; back--) {
    days.push(dayOf(new Date(today.getTime() - back * 86_400_000)));
  }
  const dayRows = await db
    .selectFrom('dataset_downloads')
    .select(['day', (eb) => eb.fn.sum<number | string>('count').as('n')])
    .where('dataset_id', '=', datasetId)
    .where('day', '>=', days[0]!)
    .where('day', '<=', days[days.length - 1]!)
    .groupBy('day')
    .execute();
  const perDay = new Map(dayRows.map((r) => [r.day, Number(r.n)]));
  return {
    total: byFormat.csv + byFormat.json,
    byFormat,
    last30Days: days.map((day) => ({ day, count: perDay.get(day) ?? 0 })),
  };
}

/** Downloads of each dataset in all and over the last 14 days (CKAN's tracking_summary: total, recent). */
export async function downloadTotals(
  db: Kysely<Database>,
  datasetIds: readonly string[],
  today: Date,
): Promise<Map<string, { total: number; recent: number }>> {
  const totals = new Map<string, { total: number; recent: number }>();
  if (datasetIds.length === 0) return totals;
  const since = dayOf(new Date(today.getTime() - 13 * 86_400_000));
  const rows = await db
    .selectFrom('dataset_downloads')
    .select([
      'dataset_id',
      (eb) => eb.fn.sum<number | string>('count').as('total'),
      (eb) =>
        eb.fn
          .sum<number | string>(eb.case().when('day', '>=', since).then(eb.ref('count')).else(0).end())
          .as('recent'),
    ])
    .where('dataset_id', 'in', [...datasetIds])
    .groupBy('dataset_id')
    .execute();
  for (const row of rows)
    totals.set(row.dataset_id, { total: Number(row.total), recent: Number(row.recent ?? 0) });
  return totals;
}

/** How many rows a preview shows at most. */
export const PREVIEW_MAX_ROWS = 50;

export interface DatasetPreview {
  /** The declared fields in order, each with its plain label when the steward gave one. */
  fields: Array<{ name: string; label: string | null }>;
  /** The first records in key order, as rows of the fields: exactly what the download starts with. */
  rows: unknown[][];
  /** How many records the dataset holds. */
  total: number;
}

/**
 * The first rows of an open dataset, so that someone can see what it holds before downloading it.
 * It takes the dataset as findOpenDataset found it, so a dataset that is not open (or declares a field
 * that is not) has no preview.
 */
export async function previewOpenDataset(
  db: Kysely<Database>,
  dataset: OpenDataset,
  rows: number,
): Promise<DatasetPreview> {
  const limit = Math.max(1, Math.min(PREVIEW_MAX_ROWS, Math.floor(rows)));
  const first = await recordBatches(db, dataset.id, limit).next();
  const labels = await db
    .selectFrom('fields')
    .select(['name', 'label'])
    .where('dataset_id', '=', dataset.id)
    .execute();
  const labelOf = new Map(labels.map((f) => [f.name, f.label]));
  const { count } = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .where('dataset_id', '=', dataset.id)
    .executeTakeFirstOrThrow();
  return {
    fields: dataset.fields.map((name) => ({ name, label: labelOf.get(name) ?? null })),
    rows: first.done ? [] : first.value.map((data) => recordRow(JSON.parse(data), dataset.fields)),
    total: Number(count),
  };
}
