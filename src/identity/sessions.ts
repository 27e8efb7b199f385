import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { now } from '../store/index.ts';
import { newSecret, sha256Hex } from './secrets.ts';

export const SESSION_COOKIE = 'govdx_session';

/** Starts a browser session for a person; returns the cookie value (stored only as a hash). */
export async function startSession(
  db: Kysely<Database>,
  personId: string,
  hours: number,
  idToken: string | null,
): Promise<{ cookie: string; expiresAt: Date }> {
  const cookie = newSecret();
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  await db
    .insertInto('sessions')
    .values({
      id_hash: sha256Hex(cookie),
      person_id: personId,
      id_token: idToken,
      created_at: now(),
      expires_at: expiresAt.toISOString(),
    })
    .execute();
  // Expired sessions are of no use to anyone; sweep them whenever a new one starts.
  await db.deleteFrom('sessions').where('expires_at', '<=', now()).execute();
  return { cookie, expiresAt };
}

/** Ends a session; returns the ID token it was started with (for RP-initiated logout), if any. */
export async function endSession(db: Kysely<Database>, cookie: string): Promise<string | null> {
  const hash = sha256Hex(cookie);
  const row = await db
    .selectFrom('sessions')
    .select('id_token')
    .where('id_hash', '=', hash)
    .executeTakeFirst();
  await db.deleteFrom('sessions').where('id_hash', '=', hash).execute();
  return row?.id_token ?? null;
}
