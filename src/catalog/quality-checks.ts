/**
 * Data-quality checks of a hosted dataset's records: completeness and validity of each declared field,
 * duplicate values of the key field, and freshness against the declared update frequency. Records are
 * read in keyset-paged batches, so a register of any size is checked in constant memory; each run is
 * stored as history. A claim row keeps two nodes (or two requests) from checking one dataset at once.
 */
import { type Kysely, sql } from 'kysely';
import { type FieldType, GovdxError, isPresent, isValidValue, valueAt } from '../domain/index.ts';
import {
  type Database,
  type Dialect,
  isUniqueViolation,
  keysetPage,
  now,
  type Page,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import type { Frequency } from './authority-tables.ts';
import type { DatasetView } from './datasets.ts';

/** Records read per query. */
const BATCH = 1000;
/** A claim lapses after this long without being renewed, so a crashed node blocks nobody for long. */
const CLAIM_MS = 10 * 60 * 1000;

/** How many days one period of each EU frequency lasts; null where no period applies. */
export const FREQUENCY_DAYS: Record<Frequency, number | null> = {
  CONT: 1,
  UPDATE_CONT: 1,
  HOURLY: 1 / 24,
  DAILY: 1,
  WEEKLY: 7,
  BIWEEKLY: 14,
  MONTHLY: 31,
  BIMONTHLY: 62,
  QUARTERLY: 92,
  ANNUAL_2: 183,
  ANNUAL: 366,
  BIENNIAL: 731,
  TRIENNIAL: 1096,
  IRREG: null,
  NEVER: null,
  UNKNOWN: null,
};

export interface FieldResult {
  name: string;
  type: FieldType;
  /** Records where the field has a value (not missing, not null, not blank text). */
  present: number;
  /** Of those, the values of the declared type. */
  valid: number;
  /** present / records, in percent to two decimals; null when there are no records. */
  completeness: number | null;
  /** valid / present, in percent to two decimals; null when no record has a value. */
  validity: number | null;
}

export type Freshness = 'fresh' | 'stale' | 'unknown';

export interface QualityRun {
  id: string;
  organization: string;
  dataset: string;
  startedAt: string;
  finishedAt: string;
  trigger: 'schedule' | 'person';
  triggeredBy: { id: string; name: string } | null;
  records: number;
  fields: FieldResult[];
  keyField: string | null;
  /** Records whose key-field value is shared with another record. */
  duplicateRecords: number;
  /** Distinct key-field values held by more than one record. */
  duplicateValues: number;
  freshness: {
    status: Freshness;
    /** The later of the newest record's change and the dataset's modification date. */
    lastUpdated: string | null;
    updateFrequency: Frequency | null;
    /** How long one period of the update frequency lasts, in days. */
    periodDays: number | null;
  };
  summary: {
    /** Values present over all field cells (records × fields), in percent. */
    completeness: number | null;
    /** Valid values over all present values, in percent. */
    validity: number | null;
    /** What to look at, in plain words; empty when nothing was found. */
    findings: string[];
  };
}

const percent = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10000) / 100;

/** Whether data last updated at `lastUpdated` is still fresh at `at` for a frequency. */
export function freshnessOf(
  frequency: Frequency | null,
  lastUpdated: string | null,
  at: Date,
): { status: Freshness; periodDays: number | null } {
  const periodDays = frequency ? FREQUENCY_DAYS[frequency] : null;
  if (periodDays === null || lastUpdated === null) return { status: 'unknown', periodDays };
  const ageMs = at.getTime() - Date.parse(lastUpdated);
  return { status: ageMs > periodDays * 86_400_000 ? 'stale' : 'fresh', periodDays };
}

const FREQUENCY_WORDS: Partial<Record<Frequency, string>> = {
  CONT: 'continuously',
  UPDATE_CONT: 'continuously',
  HOURLY: 'every hour',
  DAILY: 'every day',
  WEEKLY: 'every week',
  BIWEEKLY: 'every two weeks',
  MONTHLY: 'every month',
  BIMONTHLY: 'every two months',
  QUARTERLY: 'every quarter',
  ANNUAL_2: 'twice a year',
  ANNUAL: 'every year',
  BIENNIAL: 'every two years',
  TRIENNIAL: 'every three years',
};

function findings(run: Omit<QualityRun, 'summary'>): string[] {
  const out: string[] = [];
  if (run.records === 0) out.push('The dataset holds no records in govdx.');
  for (const f of run.fields) {
    if (run.records > 0 && f.present < run.records)
      out.push(`"${f.name}" has no value in ${run.records - f.present} of ${run.records} records.`);
    if (f.valid < f.present)
      out.push(
        `"${f.name}" is not a valid ${f.type} in ${f.present - f.valid} of the ${f.present} records that have it.`,
      );
  }
  if (run.duplicateRecords > 0)
    out.push(
      `${run.duplicateRecords} records share ${run.duplicateValues} value(s) of the key field "${run.keyField}"; each value should identify one record.`,
    );
  if (run.freshness.status === 'stale')
    out.push(
      `The data was last updated on ${run.freshness.lastUpdated?.slice(0, 10)}, but the dataset says it is updated ${FREQUENCY_WORDS[run.freshness.updateFrequency!] ?? 'regularly'}.`,
    );
  return out;
}

/** Key-field values held by more than one record, counted in the database (never in memory). */
async function duplicates(
  db: Kysely<Database>,
  dialect: Dialect,
  datasetId: string,
  keyField: string,
): Promise<{ records: number; values: number }> {
  const value =
    dialect === 'postgres'
      ? sql<string>`(data::jsonb #>> ${`{${keyField.split('.').join(',')}}`}::text[])`
      : sql<string>`cast(json_extract(data, ${`$.${keyField}`}) as text)`;
  const result = await sql<{ records: number | string | null; values: number | string }>`
    select coalesce(sum(n), 0) as records, count(*) as "values" from (
      select ${value} as v, count(*) as n from records
      where dataset_id = ${datasetId}
      group by 1
      having count(*) > 1
    ) shared
    where v is not null and trim(v) <> ''`.execute(db);
  const row = result.rows[0];
  return { records: Number(row?.records ?? 0), values: Number(row?.values ?? 0) };
}

async function claim(db: Kysely<Database>, datasetId: string): Promise<string | null> {
  const claimId = crypto.randomUUID();
  await db
    .deleteFrom('quality_check_claims')
    .where('dataset_id', '=', datasetId)
    .where('expires_at', '<', now())
    .execute();
  try {
    await db
      .insertInto('quality_check_claims')
      .values({
        dataset_id: datasetId,
        claim_id: claimId,
        expires_at: new Date(Date.now() + CLAIM_MS).toISOString(),
      })
      .execute();
    return claimId;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

const renew = (db: Kysely<Database>, claimId: string) =>
  db
    .updateTable('quality_check_claims')
    .set({ expires_at: new Date(Date.now() + CLAIM_MS).toISOString() })
    .where('claim_id', '=', claimId)
    .execute();

export interface CheckOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  trigger: 'schedule' | 'person';
  personId?: string | null;
  /** Told how many records have been read so far, after each batch. */
  progress?: (read: number) => void;
  /** Stops the check between two batches (a node shutting down); nothing is stored. */
  signal?: AbortSignal;
}

/**
 * Checks a dataset's records and stores the run. Refuses with CONFLICT when a check of the same
 * dataset is already running (here or on another node).
 */
export async function runQualityCheck(options: CheckOptions, dataset: DatasetView): Promise<QualityRun> {
  const { db, dialect } = options;
  const claimId = await claim(db, dataset.id);
  if (claimId === null)
    throw new GovdxError(
      'CONFLICT',
      `A check of "${dataset.slug}" is already running. Its result will appear in the history shortly.`,
      { dataset: dataset.slug },
    );
  try {
    const startedAt = now();
    const counts = dataset.fields.map((f) => ({ name: f.name, type: f.type, present: 0, valid: 0 }));
    let records = 0;
    let newest: string | null = null;
    let after: string | null = null;
    for (;;) {
      options.signal?.throwIfAborted();
      let query = db
        .selectFrom('records')
        .select(['key', 'data', 'updated_at'])
        .where('dataset_id', '=', dataset.id)
        .orderBy('key')
        .limit(BATCH);
      if (after !== null) query = query.where('key', '>', after);
      const rows = await query.execute();
      for (const row of rows) {
        const data: unknown = JSON.parse(row.data);
        for (const field of counts) {
          const value = valueAt(data, field.name);
          if (!isPresent(value)) continue;
          field.present += 1;
          if (isValidValue(field.type, value)) field.valid += 1;
        }
        if (newest === null || row.updated_at > newest) newest = row.updated_at;
      }
      records += rows.length;
      options.progress?.(records);
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.key;
      if ((records / BATCH) % 20 === 0) await renew(db, claimId);
    }
    const shared = dataset.keyField
      ? await duplicates(db, dialect, dataset.id, dataset.keyField)
      : { records: 0, values: 0 };
    const modified = dataset.modified ? `${dataset.modified.slice(0, 10)}T00:00:00.000Z` : null;
    const lastUpdated =
      newest && modified
        ? Date.parse(newest) >= Date.parse(modified)
          ? newest
          : modified
        : (newest ?? modified);
    const finishedAt = now();
    const freshness = freshnessOf(dataset.updateFrequency, lastUpdated, new Date(finishedAt));
    const id = crypto.randomUUID();
    await db
      .insertInto('quality_check_runs')
      .values({
        id,
        dataset_id: dataset.id,
        started_at: startedAt,
        finished_at: finishedAt,
        trigger: options.trigger,
        person_id: options.personId ?? null,
        record_count: records,
        fields: JSON.stringify(counts),
        key_field: dataset.keyField,
        duplicate_records: shared.records,
        duplicate_values: shared.values,
        freshness: freshness.status,
        last_updated: lastUpdated,
      })
      .execute();
    return (await latestRuns(db, [dataset.id], id)).get(dataset.id)!;
  } finally {
    await db.deleteFrom('quality_check_claims').where('claim_id', '=', claimId).execute();
  }
}

function runQuery(db: Kysely<Database>) {
  return db
    .selectFrom('quality_check_runs as r')
    .innerJoin('datasets as d', 'd.id', 'r.dataset_id')
    .innerJoin('organizations as o', 'o.id', 'd.organization_id')
    .leftJoin('people as p', 'p.id', 'r.person_id')
    .selectAll('r')
    .select([
      'd.slug as dataset_slug',
      'd.update_frequency as update_frequency',
      'o.slug as organization_slug',
      'p.name as person_name',
    ]);
}
type RunRow = Awaited<ReturnType<ReturnType<typeof runQuery>['execute']>>[number];

function toRun(row: RunRow): QualityRun {
  const records = Number(row.record_count);
  const stored = JSON.parse(row.fields) as Array<{
    name: string;
    type: FieldType;
    present: number;
    valid: number;
  }>;
  const fields = stored.map((f) => ({
    ...f,
    completeness: percent(f.present, records),
    validity: percent(f.valid, f.present),
  }));
  const frequency = row.update_frequency as Frequency | null;
  const base: Omit<QualityRun, 'summary'> = {
    id: row.id,
    organization: row.organization_slug,
    dataset: row.dataset_slug,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trigger: row.trigger,
    triggeredBy: row.person_id && row.person_name ? { id: row.person_id, name: row.person_name } : null,
    records,
    fields,
    keyField: row.key_field,
    duplicateRecords: Number(row.duplicate_records),
    duplicateValues: Number(row.duplicate_values),
    freshness: {
      status: row.freshness,
      lastUpdated: row.last_updated,
      updateFrequency: frequency,
      periodDays: frequency ? FREQUENCY_DAYS[frequency] : null,
    },
  };
  const present = fields.reduce((sum, f) => sum + f.present, 0);
  const valid = fields.reduce((sum, f) => sum + f.valid, 0);
  return {
    ...base,
    summary: {
      completeness: percent(present, records * fields.length),
      validity: percent(valid, present),
      findings: findings(base),
    },
  };
}

/** The newest run of each dataset (or the run `runId`), by dataset id. */
export async function latestRuns(
  db: Kysely<Database>,
  datasetIds: readonly string[],
  runId?: string,
): Promise<Map<string, QualityRun>> {
  const found = new Map<string, QualityRun>();
  if (datasetIds.length === 0) return found;
  let query = runQuery(db).where('r.dataset_id', 'in', [...datasetIds]);
  if (runId) query = query.where('r.id', '=', runId);
  else
    query = query.where(({ eb, selectFrom }) =>
      eb(
        'r.started_at',
        '=',
        selectFrom('quality_check_runs as newer')
          .select(({ fn }) => fn.max('newer.started_at').as('latest'))
          .whereRef('newer.dataset_id', '=', 'r.dataset_id'),
      ),
    );
  // Two runs started in the same millisecond: the history's order (id, descending) decides.
  for (const row of await query.orderBy('r.id', 'desc').execute())
    if (!found.has(row.dataset_id)) found.set(row.dataset_id, toRun(row));
  return found;
}

/** A dataset's runs, newest first, one page at a time. */
export async function listQualityRuns(
  db: Kysely<Database>,
  datasetId: string,
  limit: number,
  after: string | null,
): Promise<Page<QualityRun>> {
  const query = runQuery(db).where('r.dataset_id', '=', datasetId);
  const order = { time: 'r.started_at', id: 'r.id', direction: 'desc' } as const;
  const rows = await keysetPage(query, order, after, limit).execute();
  return toPage(rows, limit, (r) => timeIdKey(r.started_at, r.id), toRun);
}

/** Datasets that hold records in govdx (hosted), with when each was last checked. */
export async function hostedDatasets(
  db: Kysely<Database>,
): Promise<
  Array<{ id: string; organizationId: string; organization: string; slug: string; lastRun: string | null }>
> {
  const rows = await db
    .selectFrom('datasets as d')
    .innerJoin('organizations as o', 'o.id', 'd.organization_id')
    .select(['d.id', 'd.organization_id', 'd.slug', 'o.slug as organization'])
    .select((eb) =>
      eb
        .selectFrom('quality_check_runs as r')
        .select(({ fn }) => fn.max('r.started_at').as('latest'))
        .whereRef('r.dataset_id', '=', 'd.id')
        .as('last_run'),
    )
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('records').select('records.key').whereRef('records.dataset_id', '=', 'd.id')),
    )
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    organization: r.organization,
    slug: r.slug,
    lastRun: (r.last_run as string | null) ?? null,
  }));
}
