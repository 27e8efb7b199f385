/** Personal access tokens: created and revoked by organization admins, for scripts that call the admin API. */
import type { Kysely } from 'kysely';
import {
  GovdxError,
  type Grant,
  grantableRoles,
  type MembershipRole,
  notFound,
  ROLE_LABELS,
} from '../domain/index.ts';
import { governed, type Recorder } from '../governance/index.ts';
import { EVENT_KINDS, type LedgerEvent } from '../ledger/index.ts';
import type { AccessTokenTable, Database } from '../store/index.ts';
import { now, type Page, toPage } from '../store/index.ts';
import { TOKEN_PREFIX } from './principal.ts';
import { newSecret, sha256Hex } from './secrets.ts';

export interface AccessToken {
  id: string;
  name: string;
  organizationId: string;
  personId: string;
  roles: MembershipRole[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function toAccessToken(row: AccessTokenTable): AccessToken {
  return {
    id: row.id,
    name: row.name,
    organizationId: row.organization_id,
    personId: row.person_id,
    roles: JSON.parse(row.roles) as MembershipRole[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export interface NewToken {
  name: string;
  roles: MembershipRole[];
  expiresInDays: number | null;
}

/** Creates a token acting for `creator` in the organization; returns it with its secret, shown this once. */
export async function createToken(
  db: Kysely<Database>,
  creator: { personId: string; grants: readonly Grant[] },
  organizationId: string,
  input: NewToken,
): Promise<AccessToken & { secret: string }> {
  const allowed = grantableRoles(creator.grants, organizationId);
  const refused = input.roles.filter((role) => !allowed.includes(role));
  if (refused.length > 0) {
    throw new GovdxError(
      'FORBIDDEN',
      `You cannot give a token a role you do not hold in this organization: ${refused.map((role) => ROLE_LABELS[role]).join(', ')}.`,
      { refused, allowed },
    );
  }
  const secret = newSecret(TOKEN_PREFIX);
  const created = now();
  const row: AccessTokenTable = {
    id: crypto.randomUUID(),
    organization_id: organizationId,
    person_id: creator.personId,
    name: input.name,
    secret_hash: sha256Hex(secret),
    roles: JSON.stringify([...new Set(input.roles)]),
    created_at: created,
    expires_at:
      input.expiresInDays === null
        ? null
        : new Date(Date.now() + input.expiresInDays * 86400_000).toISOString(),
    revoked_at: null,
    last_used_at: null,
  };
  await db.insertInto('access_tokens').values(row).execute();
  return { ...toAccessToken(row), secret };
}

export async function listTokens(
  db: Kysely<Database>,
  organizationId: string,
  limit: number,
  after: string | null,
): Promise<Page<AccessToken>> {
  let query = db.selectFrom('access_tokens').selectAll().where('organization_id', '=', organizationId);
  if (after) query = query.where('id', '>', after);
  const rows = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => r.id, toAccessToken);
}

export async function revokeToken(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<AccessToken> {
  const row = await db
    .selectFrom('access_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!row) throw notFound('access token', id);
  if (!row.revoked_at) {
    row.revoked_at = now();
    await db.updateTable('access_tokens').set({ revoked_at: row.revoked_at }).where('id', '=', id).execute();
  }
  return toAccessToken(row);
}

/**
 * A token gives a script an organization's roles: making one is a change to who may do what, so it is on
 * the ledger (`token.created`, without its secret), or not made. Revoking one only takes away, so it stands
 * even when the ledger cannot record it (`token.revoked`), and the token is refused at once either way.
 */
export async function createRecordedToken(
  effects: { db: Kysely<Database>; ledger: Recorder },
  creator: { personId: string; grants: readonly Grant[] },
  organization: { id: string; slug: string },
  input: NewToken,
): Promise<AccessToken & { secret: string }> {
  const { made } = await governed(effects.ledger, {
    apply: () => createToken(effects.db, creator, organization.id, input),
    events: (token) => [tokenEvent(EVENT_KINDS.tokenCreated, token, organization.slug, creator.personId)],
    undo: async (token) => {
      await effects.db.deleteFrom('access_tokens').where('id', '=', token.id).execute();
    },
    notMade: 'The token could not be recorded on the ledger, so it was not made. Try again shortly.',
  });
  return made;
}

export async function revokeRecordedToken(
  effects: { db: Kysely<Database>; ledger: Recorder },
  organization: { id: string; slug: string },
  id: string,
  by: string,
): Promise<AccessToken> {
  const before = await effects.db
    .selectFrom('access_tokens')
    .select('revoked_at')
    .where('id', '=', id)
    .where('organization_id', '=', organization.id)
    .executeTakeFirst();
  const revoked = await revokeToken(effects.db, organization.id, id);
  // Revoking a revoked token changes nothing and records nothing.
  if (before && before.revoked_at === null) {
    await governed(effects.ledger, {
      apply: async () => revoked,
      events: (token) => [tokenEvent(EVENT_KINDS.tokenRevoked, token, organization.slug, by)],
      takesAway: () => true,
      undo: async () => {},
      stands:
        'The token is revoked, but this could not be recorded on the ledger. Tell the platform operators.',
    });
  }
  return revoked;
}

function tokenEvent(kind: string, token: AccessToken, organization: string, by: string): LedgerEvent {
  return {
    kind,
    organization,
    token: token.id,
    name: token.name,
    owner: token.personId,
    roles: token.roles,
    expiresAt: token.expiresAt,
    by,
  };
}
