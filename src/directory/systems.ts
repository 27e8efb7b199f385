/** Systems: an organization's machine clients, each identified by the public keys in its JWKS. */
import { importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { GovdxError, type Jwks, notFound } from '../domain/index.ts';
import {
  type Database,
  isUniqueViolation,
  now,
  type Page,
  type SystemTable,
  toPage,
} from '../store/index.ts';
import type { NewSystem, System, SystemChanges } from './schemas.ts';

export type SystemView = Static<typeof System>;
type JwksInput = Static<typeof Jwks>;

/** Members of a JWK that only a private or symmetric key has. A JWKS we hold must be public. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Checks that every key is a usable public key with a unique kid; throws INVALID_JWKS saying which is wrong. */
export async function checkJwks(jwks: JwksInput): Promise<void> {
  const seen = new Set<string>();
  for (const [index, key] of jwks.keys.entries()) {
    const where = `keys[${index}] (kid "${key.kid}")`;
    const secret = PRIVATE_MEMBERS.filter((m) => m in key);
    if (secret.length > 0) {
      throw new GovdxError(
        'INVALID_JWKS',
        `${where} contains private key material (${secret.join(', ')}). Register only the public key.`,
        { index },
      );
    }
    if (seen.has(key.kid))
      throw new GovdxError('INVALID_JWKS', `${where}: two keys share this kid.`, { index });
    seen.add(key.kid);
    try {
      const declared = (key as { alg?: unknown }).alg;
      const alg =
        typeof declared === 'string'
          ? declared
          : key.kty === 'EC'
            ? 'ES256'
            : key.kty === 'OKP'
              ? 'EdDSA'
              : 'RS256';
      await importJWK(key as JWK, alg);
    } catch (error) {
      throw new GovdxError(
        'INVALID_JWKS',
        `${where} is not a usable public key: ${(error as Error).message}.`,
        { index },
      );
    }
  }
}

function toSystem(row: SystemTable, organizationSlug: string): SystemView {
  return {
    id: row.id,
    slug: row.slug,
    organization: organizationSlug,
    name: row.name,
    description: row.description,
    jwks: row.jwks ? (JSON.parse(row.jwks) as JwksInput) : null,
    jwksUri: row.jwks_uri,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function keySource(
  jwks: JwksInput | undefined,
  jwksUri: string | undefined,
): Pick<SystemTable, 'jwks' | 'jwks_uri'> {
  if ((jwks === undefined) === (jwksUri === undefined)) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'Give the system\'s public keys either as "jwks" or as "jwksUri", not both and not neither.',
    );
  }
  return { jwks: jwks ? JSON.stringify(jwks) : null, jwks_uri: jwksUri ?? null };
}

export async function listSystems(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  limit: number,
  after: string | null,
): Promise<Page<SystemView>> {
  let query = db.selectFrom('systems').selectAll().where('organization_id', '=', organization.id);
  if (after) query = query.where('slug', '>', after);
  const rows = await query
    .orderBy('slug')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (r) => r.slug,
    (r) => toSystem(r, organization.slug),
  );
}

async function findSystem(db: Kysely<Database>, organizationId: string, slug: string): Promise<SystemTable> {
  const row = await db
    .selectFrom('systems')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('system', slug);
  return row;
}

export async function getSystem(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  slug: string,
): Promise<SystemView> {
  return toSystem(await findSystem(db, organization.id, slug), organization.slug);
}

export async function createSystem(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  input: Static<typeof NewSystem>,
): Promise<SystemView> {
  const source = keySource(input.jwks, input.jwksUri);
  if (input.jwks) await checkJwks(input.jwks);
  const at = now();
  const row: SystemTable = {
    id: crypto.randomUUID(),
    organization_id: organization.id,
    slug: input.slug,
    name: input.name,
    description: input.description ?? '',
    ...source,
    status: 'active',
    created_at: at,
    updated_at: at,
  };
  try {
    await db.insertInto('systems').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GovdxError('ALREADY_EXISTS', `${organization.slug} already has a system "${input.slug}".`, {
        slug: input.slug,
      });
    throw error;
  }
  return toSystem(row, organization.slug);
}

export async function updateSystem(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  slug: string,
  changes: Static<typeof SystemChanges>,
): Promise<SystemView> {
  const current = await findSystem(db, organization.id, slug);
  let source: Pick<SystemTable, 'jwks' | 'jwks_uri'> = { jwks: current.jwks, jwks_uri: current.jwks_uri };
  if (changes.jwks !== undefined || changes.jwksUri !== undefined) {
    source = keySource(changes.jwks, changes.jwksUri);
    if (changes.jwks) await checkJwks(changes.jwks);
  }
  const next: SystemTable = {
    ...current,
    ...source,
    name: changes.name ?? current.name,
    description: changes.description ?? current.description,
    status: changes.status ?? current.status,
    updated_at: now(),
  };
  await db.updateTable('systems').set(next).where('id', '=', current.id).execute();
  return toSystem(next, organization.slug);
}
