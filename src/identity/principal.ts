/**
 * Who is calling: a person signed in through the browser (session cookie) or a script holding a
 * personal access token (Authorization: Bearer gdx_pat_…). Both resolve to a Principal.
 */
import type { Kysely } from 'kysely';
import { GovdxError, type Grant, type Principal, type Role, tokenGrants } from '../domain/index.ts';
import type { Database } from '../store/index.ts';
import { now } from '../store/index.ts';
import { sha256Hex } from './secrets.ts';

export const TOKEN_PREFIX = 'gdx_pat_';

export async function grantsOf(
  db: Kysely<Database>,
  personId: string,
  nationalId: string | null,
): Promise<Grant[]> {
  const rows = await db
    .selectFrom('memberships')
    .select(['role', 'organization_id'])
    .where('person_id', '=', personId)
    .execute();
  const grants: Grant[] = rows.map((r) => ({ role: r.role, organizationId: r.organization_id }));
  if (nationalId) grants.push({ role: 'citizen', organizationId: null });
  return grants;
}

export async function principalForPerson(
  db: Kysely<Database>,
  personId: string,
  via: Principal['via'],
): Promise<Principal | null> {
  const person = await db
    .selectFrom('people')
    .select(['id', 'name', 'national_id'])
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) return null;
  return {
    personId: person.id,
    name: person.name,
    nationalId: person.national_id,
    grants: await grantsOf(db, person.id, person.national_id),
    via,
  };
}

/** Resolves a bearer token; throws TOKEN_INVALID for an unknown, revoked or expired one. */
export async function principalForToken(db: Kysely<Database>, secret: string): Promise<Principal> {
  if (!secret.startsWith(TOKEN_PREFIX)) {
    throw new GovdxError(
      'TOKEN_INVALID',
      'The access token is not one govdx issued. Create one in the agency console.',
    );
  }
  const token = await db
    .selectFrom('access_tokens')
    .selectAll()
    .where('secret_hash', '=', sha256Hex(secret))
    .executeTakeFirst();
  const at = now();
  if (!token)
    throw new GovdxError(
      'TOKEN_INVALID',
      'The access token is not known. It may have been mistyped or deleted.',
    );
  if (token.revoked_at) throw new GovdxError('TOKEN_INVALID', 'The access token has been revoked.');
  if (token.expires_at && token.expires_at <= at)
    throw new GovdxError('TOKEN_INVALID', 'The access token has expired.');
  const person = await principalForPerson(db, token.person_id, 'token');
  if (!person)
    throw new GovdxError('TOKEN_INVALID', 'The person who created this access token no longer exists.');
  // Record use at most once a minute, so a busy script does not turn every read into a write.
  if (!token.last_used_at || Date.parse(at) - Date.parse(token.last_used_at) > 60_000) {
    await db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', token.id).execute();
  }
  // Checked at every use, from the memberships as they are now: a role removed on any node disarms the token at once.
  const { grants, lost } = tokenGrants(
    JSON.parse(token.roles) as Role[],
    token.organization_id,
    person.grants,
  );
  if (lost.length > 0) {
    throw new GovdxError(
      'TOKEN_INVALID',
      `The access token no longer works: the person who created it no longer holds ${lost.join(', ')} in its organization.`,
    );
  }
  // A token is made for an organization's scripts: it never acts as its creator the citizen (no national ID).
  return { ...person, nationalId: null, grants, tokenId: token.id };
}

/** Resolves a session cookie; returns null when it is unknown or has expired. */
export async function principalForSession(
  db: Kysely<Database>,
  cookieValue: string,
): Promise<Principal | null> {
  const session = await db
    .selectFrom('sessions')
    .select(['person_id', 'expires_at'])
    .where('id_hash', '=', sha256Hex(cookieValue))
    .executeTakeFirst();
  if (!session || session.expires_at <= now()) return null;
  return principalForPerson(db, session.person_id, 'session');
}
