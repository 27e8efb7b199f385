/**
 * The hosted record store: one JSON document per record of a base registry, looked up by the
 * dataset's key field. Hosted services answer from here; seeding and imports fill it.
 */
import type { Kysely } from 'kysely';
import { type Database, now } from '../store/index.ts';

export interface HostedRecord<T extends object = Record<string, unknown>> {
  key: string;
  /** The record as a JSON-serialisable document (nested members allowed). */
  data: T;
}

/**
 * Rows per INSERT statement. Each row binds 4 variables; SQLite allows 32,766 per statement
 * (SQLITE_MAX_VARIABLE_NUMBER since 3.32) and PostgreSQL 65,535, so 1,000 rows stays well inside
 * both while keeping the statement count low.
 */
const ROWS_PER_STATEMENT = 1000;

/**
 * Inserts or replaces records, many rows per statement. All chunks run in one transaction: the
 * caller's, when `db` is one, otherwise a new one, so a batch is written whole or not at all.
 */
export async function putRecords(
  db: Kysely<Database>,
  datasetId: string,
  records: readonly HostedRecord<object>[],
): Promise<void> {
  if (records.length === 0) return;
  const write = async (tx: Kysely<Database>) => {
    const at = now();
    for (let start = 0; start < records.length; start += ROWS_PER_STATEMENT) {
      const rows = records.slice(start, start + ROWS_PER_STATEMENT).map((record) => ({
        dataset_id: datasetId,
        key: record.key,
        data: JSON.stringify(record.data),
        updated_at: at,
      }));
      await tx
        .insertInto('records')
        .values(rows)
        .onConflict((conflict) =>
          conflict.columns(['dataset_id', 'key']).doUpdateSet((eb) => ({
            data: eb.ref('excluded.data'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
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

/** Removes every record of a dataset; returns how many there were. */
export async function deleteRecords(db: Kysely<Database>, datasetId: string): Promise<number> {
  const result = await db.deleteFrom('records').where('dataset_id', '=', datasetId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
