/**
 * Secrets made once and shared by every node: signing keys, cookie keys, client secrets. They live
 * in the `settings` table, so a restart keeps them and several nodes sharing PostgreSQL agree.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { now } from './time.ts';

/**
 * The setting `key`; made with `create` if absent. When two nodes race to make it, the first
 * insert wins and both read that one back, so nobody keeps a value the others do not share.
 */
export async function settingOnce(
  db: Kysely<Database>,
  key: string,
  create: () => string | Promise<string>,
): Promise<string> {
  const read = () => db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  const existing = await read();
  if (existing) return existing.value;
  await db
    .insertInto('settings')
    .values({ key, value: await create(), updated_at: now() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await read();
  if (!stored) throw new Error(`Setting ${key} could not be stored`);
  return stored.value;
}
