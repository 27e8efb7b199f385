/**
 * Consent clients: the services of consumer organizations that send citizens to govdx to ask for their
 * consent (OAuth clients of the consent authorization server). Each authenticates with private_key_jwt,
 * uses PKCE, returns only to its registered redirect URIs and asks only for its registered purposes.
 */
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { checkJwks } from '../directory/index.ts';
import { GovdxError, notFound } from '../domain/index.ts';
import {
  type ConsentClientTable,
  type Database,
  isUniqueViolation,
  now,
  type Page,
  toPage,
} from '../store/index.ts';
import type { ConsentClient, ConsentClientChanges, NewConsentClient } from './client-schemas.ts';

export type ConsentClientView = Static<typeof ConsentClient>;
type JwksView = ConsentClientView['jwks'];

function clientRows(db: Kysely<Database>) {
  return db
    .selectFrom('consent_clients')
    .innerJoin('organizations', 'organizations.id', 'consent_clients.organization_id')
    .selectAll('consent_clients')
    .select(['organizations.slug as organization_slug', 'organizations.name as organization_name']);
}
type ClientRow = ConsentClientTable & { organization_slug: string; organization_name: string };

async function purposesOf(db: Kysely<Database>, clientIds: string[]): Promise<Map<string, string[]>> {
  const byClient = new Map<string, string[]>(clientIds.map((id) => [id, []]));
  if (clientIds.length === 0) return byClient;
  const rows = await db
    .selectFrom('consent_client_purposes')
    .innerJoin('purposes', 'purposes.id', 'consent_client_purposes.purpose_id')
    .select(['consent_client_purposes.client_id', 'purposes.slug'])
    .where('consent_client_purposes.client_id', 'in', clientIds)
    .orderBy('purposes.slug')
    .execute();
  for (const row of rows) byClient.get(row.client_id)?.push(row.slug);
  return byClient;
}

function toClient(row: ClientRow, purposes: string[]): ConsentClientView {
  return {
    clientId: row.client_id,
    organization: row.organization_slug,
    organizationName: row.organization_name,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    jwks: JSON.parse(row.jwks) as JwksView,
    purposes,
    preview: row.preview === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The client, or undefined when no consent client has this client_id. */
export async function findConsentClient(
  db: Kysely<Database>,
  clientId: string,
): Promise<ConsentClientView | undefined> {
  const row = await clientRows(db).where('consent_clients.client_id', '=', clientId).executeTakeFirst();
  if (!row) return undefined;
  return toClient(row, (await purposesOf(db, [row.client_id])).get(row.client_id)!);
}

export async function getConsentClient(
  db: Kysely<Database>,
  organization: { id: string },
  clientId: string,
): Promise<ConsentClientView> {
  const row = await clientRows(db)
    .where('consent_clients.client_id', '=', clientId)
    .where('consent_clients.organization_id', '=', organization.id)
    .executeTakeFirst();
  if (!row) throw notFound('consent client', clientId);
  return toClient(row, (await purposesOf(db, [row.client_id])).get(row.client_id)!);
}

export async function listConsentClients(
  db: Kysely<Database>,
  organization: { id: string },
  limit: number,
  after: string | null,
): Promise<Page<ConsentClientView>> {
  let query = clientRows(db).where('consent_clients.organization_id', '=', organization.id);
  if (after) query = query.where('consent_clients.client_id', '>', after);
  const rows = await query
    .orderBy('consent_clients.client_id')
    .limit(limit + 1)
    .execute();
  const purposes = await purposesOf(
    db,
    rows.map((r) => r.client_id),
  );
  return toPage(
    rows,
    limit,
    (r) => r.client_id,
    (r) => toClient(r, purposes.get(r.client_id) ?? []),
  );
}

/** A key the client signs its assertions with: not marked for encryption only. */
const signs = (key: object) => {
  const use = (key as { use?: unknown }).use;
  return use === undefined || use === 'sig';
};

/**
 * Checks what a registration or a change sets: a key set with a signing key and no private parts, redirect
 * URIs without fragments, registered purposes. Returns the purposes' ids, when purposes were given.
 */
async function checkRegistration(
  db: Kysely<Database>,
  input: {
    jwks?: JwksView | undefined;
    redirectUris?: string[] | undefined;
    purposes?: string[] | undefined;
  },
): Promise<Array<{ id: string; slug: string }> | undefined> {
  if (input.jwks) {
    await checkJwks(input.jwks);
    if (!input.jwks.keys.some(signs)) {
      throw new GovdxError(
        'INVALID_JWKS',
        'The key set has no signing key: the service signs its client assertions (private_key_jwt) with one. Add a key without "use", or with "use": "sig".',
      );
    }
  }
  for (const uri of input.redirectUris ?? []) {
    if (new URL(uri).hash !== '' || uri.includes('#')) {
      throw new GovdxError('VALIDATION_FAILED', `The redirect URI ${uri} has a fragment (#…); it may not.`, {
        redirectUri: uri,
      });
    }
  }
  // One host: OpenID Connect's pairwise identifiers (authorization-server.ts) need it without a sector URI.
  const hosts = [...new Set((input.redirectUris ?? []).map((uri) => new URL(uri).host))];
  if (hosts.length > 1) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      `A service's redirect URIs are all on one host; these are on ${hosts.join(' and ')}. Register a service per host.`,
      { hosts },
    );
  }
  if (!input.purposes) return undefined;
  const purposes = await db
    .selectFrom('purposes')
    .select(['id', 'slug'])
    .where('slug', 'in', input.purposes)
    .execute();
  const unknown = input.purposes.filter((slug) => !purposes.some((p) => p.slug === slug));
  if (unknown.length > 0) {
    throw new GovdxError('INVALID_REFERENCE', `There is no registered purpose "${unknown[0]}".`, {
      purpose: unknown[0],
    });
  }
  return purposes;
}

export async function createConsentClient(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  input: Static<typeof NewConsentClient>,
  createdBy: string | null,
): Promise<ConsentClientView> {
  const purposes = (await checkRegistration(db, input))!;
  const at = now();
  const row: ConsentClientTable = {
    id: crypto.randomUUID(),
    client_id: input.clientId,
    organization_id: organization.id,
    name: input.name,
    redirect_uris: JSON.stringify(input.redirectUris),
    jwks: JSON.stringify(input.jwks),
    preview: input.preview ? 1 : 0,
    created_by: createdBy,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('consent_clients').values(row).execute();
      await tx
        .insertInto('consent_client_purposes')
        .values(purposes.map((p) => ({ client_id: row.client_id, purpose_id: p.id })))
        .execute();
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GovdxError('ALREADY_EXISTS', `There is already a consent client "${input.clientId}".`, {
        clientId: input.clientId,
      });
    throw error;
  }
  return getConsentClient(db, organization, row.client_id);
}

/**
 * Changes a client: its name, redirect URIs, keys, purposes or preview. The consent server reads clients
 * afresh on each request, so a change (a rotated key, a removed redirect URI) holds from the next one.
 */
export async function updateConsentClient(
  db: Kysely<Database>,
  organization: { id: string },
  clientId: string,
  changes: Static<typeof ConsentClientChanges>,
): Promise<ConsentClientView> {
  await getConsentClient(db, organization, clientId);
  const purposes = await checkRegistration(db, changes);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('consent_clients')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.redirectUris ? { redirect_uris: JSON.stringify(changes.redirectUris) } : {}),
        ...(changes.jwks ? { jwks: JSON.stringify(changes.jwks) } : {}),
        ...(changes.preview !== undefined ? { preview: changes.preview ? 1 : 0 } : {}),
        updated_at: now(),
      })
      .where('client_id', '=', clientId)
      .where('organization_id', '=', organization.id)
      .execute();
    if (purposes) {
      await tx.deleteFrom('consent_client_purposes').where('client_id', '=', clientId).execute();
      await tx
        .insertInto('consent_client_purposes')
        .values(purposes.map((p) => ({ client_id: clientId, purpose_id: p.id })))
        .execute();
    }
  });
  return getConsentClient(db, organization, clientId);
}

/** Replaces a client's keys, redirect URIs and the rest (the demo's seed, when its keys or port change). */
export async function replaceConsentClient(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  input: Static<typeof NewConsentClient>,
  createdBy: string | null,
): Promise<ConsentClientView> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('consent_client_purposes').where('client_id', '=', input.clientId).execute();
    await tx.deleteFrom('consent_clients').where('client_id', '=', input.clientId).execute();
  });
  return createConsentClient(db, organization, input, createdBy);
}

/** The client's encryption key, when it registered one: the person data is then encrypted to it. */
export function encryptionKey(client: Pick<ConsentClientView, 'jwks'>): (JWK & { kid: string }) | undefined {
  return client.jwks.keys.find((k) => (k as { use?: unknown }).use === 'enc') as
    | (JWK & { kid: string })
    | undefined;
}
