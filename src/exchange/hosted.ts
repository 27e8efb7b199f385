/**
 * Hosted services answer from govdx's own record store (the base registries). The record is read as
 * the JSON text it is stored as, through one prepared statement, the hot path's only query: on SQLite a
 * better-sqlite3 statement, on PostgreSQL a named statement that each connection parses and plans once.
 */
import type { Store } from '../store/index.ts';

export type RecordReader = (datasetId: string, key: string) => Promise<string | undefined>;

export function recordReader(store: Store): RecordReader {
  if (store.sqlite) {
    const statement = store.sqlite
      .prepare('select data from records where dataset_id = ? and key = ?')
      .pluck();
    return async (datasetId, key) => statement.get(datasetId, key) as string | undefined;
  }
  if (store.pg) {
    const pool = store.pg;
    return async (datasetId, key) => {
      const { rows } = await pool.query<[string]>({
        name: 'govdx_read_record',
        text: 'select data from records where dataset_id = $1 and key = $2',
        values: [datasetId, key],
        rowMode: 'array',
      });
      return rows[0]?.[0];
    };
  }
  return async (datasetId, key) => {
    const row = await store.db
      .selectFrom('records')
      .select('data')
      .where('dataset_id', '=', datasetId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.data;
  };
}
