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
  const same = (a: unknown, b: unknown) =>
    a === b || (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b));
  const changed: string[] = [];
  for (const name of fieldNames) {
    const next = valueAt(after, name) ?? undefined;
    if (before === undefined ? next !== undefined && next !== null : !same(valueAt(before, name), next))
      changed.push(name);
  }
  const covered = new Set(fieldNames.map((name) => name.split('.')[0]));
  const members = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const member of members) {
    if (covered.has(member)) continue;
    if (before === undefined || !same(before[member], after[member])) changed.push(member);
  }
  return changed;
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
  const stored = new Map<string, string>();
  for (let start = 0; start < keys.length; start += ROWS_PER_STATEMENT) {
    const rows = await tx
      .selectFrom('records')
      .select(['key', 'data'])
      .where('dataset_id', '=', datasetId)
      .where('key', 'in', keys.slice(start, start + ROWS_PER_STATEMENT))
      .execute();
    for (const row of rows) stored.set(row.key, row.data);
  }
  const at = now();
  const writes: Array<{ dataset_id: string; key: string; data: string; updated_at: string }> = [];
  const changes: Array<{
    dataset_id: string;
    key: string;
    kind: 'created' | 'updated';
    fields: string;
    import_id: string | null;
    at: string;
  }> = [];
  const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const [key, data] of byKey) {
    const json = JSON.stringify(data) as string | undefined;
    if (json === undefined) throw new TypeError(`Record ${key} has no data to store.`);
    const previous = stored.get(key);
    if (previous === json) {
      counts.unchanged++;
      continue;
    }
    const before = previous === undefined ? undefined : (JSON.parse(previous) as Record<string, unknown>);
    const fields = changedFields(before, data as Record<string, unknown>, options.fieldNames);
    if (before !== undefined && fields.length === 0) {
      counts.unchanged++;
      continue;
    }
    const kind = before === undefined ? 'created' : 'updated';
    counts[kind]++;
    writes.push({ dataset_id: datasetId, key, data: json, updated_at: at });
    changes.push({
      dataset_id: datasetId,
      key,
      kind,
      fields: JSON.stringify(fields),
      import_id: options.importId ?? null,
      at,
    });
  }
  for (let start = 0; start < writes.length; start += ROWS_PER_STATEMENT) {
    await tx
      .insertInto('records')
      .values(writes.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((conflict) =>
        conflict.columns(['dataset_id', 'key']).doUpdateSet((eb) => ({
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    await tx
      .insertInto('record_changes')
      .values(changes.slice(start, start + ROWS_PER_STATEMENT))
      .execute();
  }
  return counts;
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
