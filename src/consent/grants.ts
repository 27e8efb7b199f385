/**
 * The consent server's grants (oidc-provider's) and the consents they were made for: a grant is saved when
 * the person approves, and the person API finds the consent an access token stands for through it.
 */
import type { Kysely } from 'kysely';
import { type Database, now } from '../store/index.ts';

/** Links the grant the consent server saved to the consent the person gave. */
export async function linkGrant(
  db: Kysely<Database>,
  grant: { grantId: string; consentId: string; clientId: string },
): Promise<void> {
  await db
    .insertInto('consent_grants')
    .values({
      grant_id: grant.grantId,
      consent_id: grant.consentId,
      client_id: grant.clientId,
      created_at: now(),
    })
    .execute();
}

/** The id of the consent a grant was made for; with `clientId`, only if the grant is that client's. */
export async function consentOfGrant(
  db: Kysely<Database>,
  grantId: string,
  clientId?: string,
): Promise<string | undefined> {
  let query = db.selectFrom('consent_grants').select('consent_id').where('grant_id', '=', grantId);
  if (clientId !== undefined) query = query.where('client_id', '=', clientId);
  return (await query.executeTakeFirst())?.consent_id;
}
