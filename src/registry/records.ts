/**
 * The hosted record store: one JSON document per record of a base registry, looked up by the
 * dataset's key field. Hosted services answer from here; seeding and imports fill it.
 *
 * Every write to `records` writes its change log (`record_changes`: created, updated or deleted, with the
 * names of the fields that changed) in the same transaction, so the log can never disagree with the
 * records. A write that changes nothing (the same data again) is not written and logs nothing.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { valueAt } from '../domain/index.ts';
import { canonicalJson } from '../ledger/index.ts';
import { type Database, now } from '../store/index.ts';

export interface HostedRecord<T extends object = Record<string, unknown>> {
  key: string;
  /** The record as a JSON-serialisable document (nested members allowed). */
  data: T;
}

/** What a write did to each record it was given. */
export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Rows per INSERT statement. A record row binds 4 variables and a change row 6; SQLite allows 32,766
 * per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32) and PostgreSQL 65,535, so 1,000 rows stays well
 * inside both while keeping the statement count low.
 */
const ROWS_PER_STATEMENT = 1000;

/**
 * The advisory lock that orders writers of records on PostgreSQL (any 64-bit number of govdx's own):
 * taken for the rest of the transaction, so that change sequence numbers become visible in order.
 */
const RECORD_CHANGES_LOCK = 0x676f_7664_7872; // "govdxr"

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Runs `write` in the caller's transaction, or a new one, after taking the record changes' lock. */
export async function inRecordTransaction<T>(
  db: Kysely<Database>,
  write: (tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const run = async (tx: Kysely<Database>) => {
    if (isPostgres(tx)) await sql`select pg_advisory_xact_lock(${RECORD_CHANGES_LOCK})`.execute(tx);
    return write(tx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The names of a dataset's declared fields, in order. */
export async function fieldNamesOf(db: Kysely<Database>, datasetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('fields')
    .select('name')
    .where('dataset_id', '=', datasetId)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.name);
}

/**
 * The names of the fields whose values differ between two documents: the declared fields (dotted paths),
 * then any top-level member no declared field covers. `before` undefined: the fields `after` holds.
 */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  fieldNames: readonly string[],
): string[] {
  return fieldChanges(fieldNames, coveredMembers(fieldNames))(before, after);
}

/** The top-level members that declared fields cover. */
function coveredMembers(fieldNames: readonly string[]): Set<string> {
  return new Set(fieldNames.map((name) => name.split('.')[0]!));
}

function fieldChanges(fieldNames: readonly string[], covered: Set<string>) {
  const same = (a: unknown, b: unknown) =>
    a === b || (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b));
  return (before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] => {
    const changed: string[] = [];
    for (const name of fieldNames) {
      const next = valueAt(after, name);
      if (before === undefined ? next !== undefined && next !== null : !same(valueAt(before, name), next))
        changed.push(name);
    }
    for (const member in after)
      if (!covered.has(member) && (before === undefined || !same(before[member], after[member])))
        changed.push(member);
    if (before !== undefined)
      for (const member in before) if (!covered.has(member) && !(member in after)) changed.push(member);
    return changed;
  };
}

/**
 * Writes records (inserting or replacing them by key, the last of a key winning) and their change log, in
 * the caller's transaction: a record whose data is the same as stored is left alone and logs nothing.
 */
export async function writeRecords(
  tx: Kysely<Database>,
  datasetId: string,
  records: readonly HostedRecord<object>[],
  options: { fieldNames: readonly string[]; importId?: string | null },
): Promise<WriteCounts> {
  const byKey = new Map<string, object>();
  for (const record of records) byKey.set(record.key, record.data);
  const keys = [...byKey.keys()];
  const postgres = isPostgres(tx);
  const stored = new Map<string, string>();
  for (let start = 0; start < keys.length; start += ROWS_PER_STATEMENT) {
    const chunk = JSON.stringify(keys.slice(start, start + ROWS_PER_STATEMENT));
    const rows = await tx
      .selectFrom('records')
      .select(['key', 'data'])
      .where('dataset_id', '=', datasetId)
      .where(
        'key',
        'in',
        postgres
          ? sql<string>`(select jsonb_array_elements_text(${chunk}::jsonb))`
          : sql<string>`(select value from json_each(${chunk}))`,
      )
      .execute();
    for (const row of rows) stored.set(row.key, row.data);
  }
  const at = now();
  /** [key, data, kind, fields] of each record written. */
  const writes: Array<[string, string, 'created' | 'updated', string]> = [];
  const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
  const changesOf = fieldChanges(options.fieldNames, coveredMembers(options.fieldNames));
  // Most records of a batch change the same fields: their JSON is made once.
  const listed = new Map<string, string>();
  for (const [key, data] of byKey) {
    const json = JSON.stringify(data) as string | undefined;
    if (json === undefined) throw new TypeError(`Record ${key} has no data to store.`);
    const previous = stored.get(key);
    if (previous === json) {
      counts.unchanged++;
      continue;
    }
    const before = previous === undefined ? undefined : (JSON.parse(previous) as Record<string, unknown>);
    const fields = changesOf(before, data as Record<string, unknown>);
    if (before !== undefined && fields.length === 0) {
      counts.unchanged++;
      continue;
    }
    const kind = before === undefined ? 'created' : 'updated';
    counts[kind]++;
    writes.push([key, json, kind, listedJson(listed, fields)]);
  }
  for (let start = 0; start < writes.length; start += ROWS_PER_STATEMENT) {
    await insertRows(
      tx,
      postgres,
      datasetId,
      at,
      options.importId ?? null,
      writes.slice(start, start + ROWS_PER_STATEMENT),
    );
  }
  return counts;
}

/**
 * Writes up to ROWS_PER_STATEMENT records and their changes. The rows travel as one JSON array parameter,
 * expanded by the database (SQLite's json_each, PostgreSQL's jsonb_array_elements): a few parameters a
 * statement instead of thousands, so neither Kysely nor the driver handles each value on its own
 * (`npm run bench -- registry` compares imports with a raw insert that binds them all).
 */
async function insertRows(
  tx: Kysely<Database>,
  postgres: boolean,
  datasetId: string,
  at: string,
  importId: string | null,
  rows: Array<[string, string, 'created' | 'updated', string]>,
): Promise<void> {
  const json = JSON.stringify(rows);
  if (postgres) {
    await sql`insert into records (dataset_id, key, data, updated_at)
      select ${datasetId}, r->>0, r->>1, ${at} from jsonb_array_elements(${json}::jsonb) as r
      on conflict (dataset_id, key) do update set data = excluded.data, updated_at = excluded.updated_at`.execute(
      tx,
    );
    await sql`insert into record_changes (dataset_id, key, kind, fields, import_id, at)
      select ${datasetId}, r->>0, r->>2, r->>3, ${importId}::text, ${at} from jsonb_array_elements(${json}::jsonb) with ordinality as e(r, n) order by n`.execute(
      tx,
    );
    return;
  }
  // "where true" tells SQLite's parser that "on conflict" is the upsert clause, not the join's.
  await sql`insert into records (dataset_id, key, data, updated_at)
    select ${datasetId}, value->>0, value->>1, ${at} from json_each(${json}) where true
    on conflict (dataset_id, key) do update set data = excluded.data, updated_at = excluded.updated_at`.execute(
    tx,
  );
  await sql`insert into record_changes (dataset_id, key, kind, fields, import_id, at)
    select ${datasetId}, value->>0, value->>2, value->>3, ${importId}, ${at} from json_each(${json}) order by key`.execute(
    tx,
  );
}

function listedJson(listed: Map<string, string>, fields: string[]): string {
  const id = fields.join('\u0000');
  let json = listed.get(id);
  if (json === undefined) {
    json = JSON.stringify(fields);
    listed.set(id, json);
  }
  return json;
}

/**
 * Inserts or replaces records, many rows per statement, with their change log. All chunks run in one
 * transaction: the caller's, when `db` is one, otherwise a new one, so a batch is written whole or not at all.
 */
export async function putRecords(
  db: Kysely<Database>,
  datasetId: string,
  records: readonly HostedRecord<object>[],
): Promise<WriteCounts> {
  if (records.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  return inRecordTransaction(db, async (tx) =>
    writeRecords(tx, datasetId, records, { fieldNames: await fieldNamesOf(tx, datasetId) }),
  );
}

/** The record with this key, or undefined when the registry holds none. */
export async function getRecord(
  db: Kysely<Database>,
  datasetId: string,
  key: string,
): Promise<HostedRecord | undefined> {
  const row = await db
    .selectFrom('records')
    .select(['key', 'data'])
    .where('dataset_id', '=', datasetId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? { key: row.key, data: JSON.parse(row.data) as Record<string, unknown> } : undefined;
}

export async function countRecords(db: Kysely<Database>, datasetId: string): Promise<number> {
  const row = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('dataset_id', '=', datasetId)
    .executeTakeFirstOrThrow();
  // PostgreSQL returns count(*) as a bigint, which pg hands over as text.
  return Number(row.n);
}

/** Removes every record of a dataset, logging each as deleted; returns how many there were. */
export async function deleteRecords(db: Kysely<Database>, datasetId: string): Promise<number> {
  return inRecordTransaction(db, async (tx) => {
    const at = now();
    await tx
      .insertInto('record_changes')
      .columns(['dataset_id', 'key', 'kind', 'fields', 'import_id', 'at'])
      .expression((eb) =>
        eb
          .selectFrom('records')
          .select((s) => [
            'records.dataset_id',
            'records.key',
            s.val('deleted').as('kind'),
            s.val('[]').as('fields'),
            s.val(null).as('import_id'),
            s.val(at).as('at'),
          ])
          .where('records.dataset_id', '=', datasetId)
          .orderBy('records.key'),
      )
      .execute();
    const result = await tx.deleteFrom('records').where('dataset_id', '=', datasetId).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}

/** One page of a dataset's change log after sequence `after` (0 for the first), oldest first. */
export async function listRecordChanges(
  db: Kysely<Database>,
  datasetId: string,
  after: number,
  limit: number,
): Promise<
  Array<{ seq: number; key: string; kind: 'created' | 'updated' | 'deleted'; fields: string[]; at: string }>
> {
  const rows = await db
    .selectFrom('record_changes')
    .select(['seq', 'key', 'kind', 'fields', 'at'])
    .where('dataset_id', '=', datasetId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    key: r.key,
    kind: r.kind,
    fields: JSON.parse(r.fields) as string[],
    at: r.at,
  }));
}
