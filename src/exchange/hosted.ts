/**
 * Hosted services answer from govdx's own record store (the base registries). The record is read as
 * the JSON text it is stored as; on SQLite through one prepared statement, the hot path's only query.
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
