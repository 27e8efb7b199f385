/**
 * The person API's data: the consented attributes of one citizen, read from the registers through the
 * exchange's gateway (decide under the one consent, fetch, minimize, record on the ledger before
 * release), then signed by govdx (compact JWS, ES256) and, for a client with an encryption key,
 * encrypted to it (nested JWE).
 */
import { CompactEncrypt, importJWK, type JWK, SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import { fieldTree, GovdxError, minimize } from '../domain/index.ts';
import type { Exchange, ExchangeResult, IndexedOrganization, IndexedSystem } from '../exchange/index.ts';
import type { Database } from '../store/index.ts';
import { ATTRIBUTES, type AttributeRead, attributeScopes, servicesRead } from './attributes.ts';
import { type ConsentClientView, encryptionKey } from './clients.ts';

export interface PersonAttribute {
  /** The value as the register keeps it: one value, or an object of the register's fields; null when unavailable. */
  value: unknown;
  source: { organization: string; organizationName: string; register: string };
  /** When the register last changed it (hosted registers); null when not known. */
  lastUpdated: string | null;
  /** The register's classification (public, internal, confidential, restricted). */
  classification: string;
  /** Present (true) when the register holds nothing for the person. */
  unavailable?: true;
}

export interface PersonRelease {
  attributes: Record<string, PersonAttribute>;
  /** The ledger entries that record the reads (one access event per register). */
  receipts: number[];
}

export interface PersonRequest {
  client: ConsentClientView;
  consent: { id: string; purpose: string };
  /** The citizen's national ID. */
  subject: string;
  scopes: readonly string[];
  /** Shown to the citizen before they let it go (recorded as a preview). */
  preview?: boolean;
}

/** Codes after which an attribute is simply unavailable; any other refusal refuses the whole release. */
const UNAVAILABLE = new Set([
  'NOT_FOUND',
  'PROVIDER_TIMEOUT',
  'PROVIDER_UNREACHABLE',
  'PROVIDER_ERROR',
  'PROVIDER_RESPONSE_INVALID',
  'PROVIDER_RESPONSE_TOO_LARGE',
]);

/** The client as the gateway sees a caller: its organization is the consumer. */
function asSystem(client: ConsentClientView, organization: IndexedOrganization): IndexedSystem {
  return {
    id: `consent-client ${client.clientId}`,
    clientId: client.clientId,
    slug: client.clientId,
    organization,
    status: 'active',
    jwks: null,
    jwksUri: null,
    keyThumbprints: null,
    version: client.updatedAt,
  };
}

interface ReadResult {
  record: Record<string, unknown> | null;
  lastUpdated: string | null;
  source: PersonAttribute['source'];
  classification: string;
}

/** Reads the consented attributes through the exchange; throws the refusal when the exchange refuses. */
export async function readPerson(
  exchange: Exchange,
  db: Kysely<Database>,
  request: PersonRequest,
): Promise<PersonRelease> {
  if (exchange.follower.pending) await exchange.follower.pending;
  const organization = exchange.index.organizationBySlug(request.client.organization);
  if (!organization) throw new GovdxError('TOKEN_INVALID', 'The service’s organization no longer exists.');
  const system = asSystem(request.client, organization);
  const scopes = attributeScopes(request.scopes);
  const reads = new Map<string, ReadResult>();
  const receipts: number[] = [];

  for (const read of servicesRead(scopes)) {
    const id = `${read.provider}/${read.service}`;
    const service = exchange.index.service(read.provider, read.service);
    const dataset = service
      ? await db
          .selectFrom('datasets')
          .select(['title', 'classification'])
          .where('id', '=', service.datasetId)
          .executeTakeFirst()
      : undefined;
    const about: Omit<ReadResult, 'record' | 'lastUpdated'> = {
      source: {
        organization: read.provider,
        organizationName: service?.provider.name ?? read.provider,
        register: dataset?.title ?? read.service,
      },
      classification: dataset?.classification ?? 'confidential',
    };
    const key = keyOf(read, request.subject, reads);
    if (key === null) {
      reads.set(id, { ...about, record: null, lastUpdated: null });
      continue;
    }
    const result: ExchangeResult = await exchange.gateway.call(system, {
      method: 'GET',
      provider: read.provider,
      service: read.service,
      path: `/${encodeURIComponent(key)}`,
      purpose: request.consent.purpose,
      subject: request.subject,
      // No official acts: the service asks, at the person's request, under their consent.
      official: request.client.clientId,
      consent: request.consent.id,
      preview: request.preview === true,
    });
    if (result.receipt) receipts.push(result.receipt.index);
    if (!result.ok) {
      if (!UNAVAILABLE.has(result.error.code)) throw result.error;
      reads.set(id, { ...about, record: null, lastUpdated: null });
      continue;
    }
    let lastUpdated: string | null = null;
    if (service?.kind === 'hosted') {
      const row = await db
        .selectFrom('records')
        .select('updated_at')
        .where('dataset_id', '=', service.datasetId)
        .where('key', '=', key)
        .executeTakeFirst();
      lastUpdated = row?.updated_at ?? null;
    }
    reads.set(id, {
      ...about,
      record: JSON.parse(result.body) as Record<string, unknown>,
      lastUpdated,
    });
  }

  const attributes: Record<string, PersonAttribute> = {};
  for (const scope of scopes) {
    const attribute = ATTRIBUTES.get(scope)!;
    const last = attribute.reads.at(-1)!;
    const read = reads.get(`${last.provider}/${last.service}`)!;
    const value = attributeValue(read.record, last.fields, attribute.single);
    const common = { source: read.source, classification: read.classification };
    attributes[scope] =
      value === null
        ? { value: null, ...common, lastUpdated: null, unavailable: true }
        : { value, ...common, lastUpdated: read.lastUpdated };
  }
  return { attributes, receipts };
}

/** The key of the record a read asks for; null when an earlier read found none to follow. */
function keyOf(read: AttributeRead, subject: string, reads: Map<string, ReadResult>): string | null {
  if ('subject' in read.key) return subject;
  const from = read.key.from;
  for (const done of reads.values()) {
    const value = done.record?.[from];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** The attribute's value: its one field, or an object of its fields; null when the register has none of it. */
function attributeValue(
  record: Record<string, unknown> | null,
  fields: readonly string[],
  single?: string,
): unknown {
  if (!record) return null;
  if (single) return record[single] ?? null;
  const value = minimize(record, fieldTree(fields)) as Record<string, unknown> | undefined;
  if (!value || Object.values(value).every((v) => v === null || v === undefined)) return null;
  // Plain JSON, not the prototype-less object minimize builds.
  return JSON.parse(JSON.stringify(value));
}

/** The signing key of the consent server, as a private JWK with its kid. */
export interface SigningKey {
  jwk: JWK & { kid: string };
}

/**
 * The release as a JWT signed by govdx (ES256): `iss` the consent server, `aud` the client, `sub` the
 * ID token's subject, the purpose and consent it was released under, the attributes, and the ledger
 * receipts. Encrypted to the client (nested JWE, `cty: JWT`) when it registered an encryption key.
 */
export async function sealPersonRelease(
  key: SigningKey,
  release: PersonRelease,
  claims: { issuer: string; client: ConsentClientView; sub: string; purpose: string; consent: string },
): Promise<string> {
  const privateKey = await importJWK(key.jwk, 'ES256');
  const jws = await new SignJWT({
    purpose: claims.purpose,
    consent: claims.consent,
    attributes: release.attributes,
    receipts: release.receipts,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid, typ: 'JWT' })
    .setIssuer(claims.issuer)
    .setAudience(claims.client.clientId)
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .setJti(crypto.randomUUID())
    .sign(privateKey);
  const encryptTo = encryptionKey(claims.client);
  if (!encryptTo) return jws;
  const alg =
    typeof encryptTo.alg === 'string'
      ? encryptTo.alg
      : encryptTo.kty === 'RSA'
        ? 'RSA-OAEP-256'
        : 'ECDH-ES+A256KW';
  const publicKey = await importJWK(encryptTo, alg);
  return new CompactEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ alg, enc: 'A256GCM', kid: encryptTo.kid, cty: 'JWT' })
    .encrypt(publicKey);
}
