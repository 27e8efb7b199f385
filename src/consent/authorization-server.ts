/**
 * The consent authorization server (oidc-provider), at `<public-url>/consent`. Its clients are the
 * consent clients of consumer organizations (clients.ts): private_key_jwt and PKCE (S256) are required,
 * pushed authorization requests (RFC 9126) are offered. A request names a registered purpose
 * (`purpose=<slug>`) and attribute scopes; it is checked (requests.ts) before the citizen sees anything.
 * The access token is for one resource, the person API (RFC 8707 resource indicator). Keys and cookie
 * keys are made once and kept in `settings`; sessions, grants and codes in `oidc_payloads` under the
 * `consent.` namespace, so every node can serve it.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { Kysely } from 'kysely';
import Provider, { type Adapter, type AdapterPayload, type ErrorOut, errors, type JWK } from 'oidc-provider';
import type { Exchange } from '../exchange/index.ts';
import { KyselyAdapter } from '../identity/index.ts';
import { type Database, settingOnce } from '../store/index.ts';
import { ATTRIBUTE_SCOPES } from './attributes.ts';
import { type ConsentClientView, findConsentClient } from './clients.ts';
import type { SigningKey } from './person.ts';
import { ConsentRequestRefusal, checkConsentRequest } from './requests.ts';

export const CONSENT_PREFIX = '/consent';

export function consentIssuer(publicUrl: string): string {
  return `${publicUrl}${CONSENT_PREFIX}`;
}

/** The person API: the one resource the consent server issues access tokens for. */
export function personApiUrl(publicUrl: string): string {
  return `${publicUrl}${CONSENT_PREFIX}/v1/person`;
}

/** govdx's signing key at the consent server (ES256): ID tokens and the person API's data. */
export async function consentSigningKey(db: Kysely<Database>): Promise<SigningKey> {
  const stored = await settingOnce(db, 'consent.signing_key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    return JSON.stringify({ ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' });
  });
  return { jwk: JSON.parse(stored) as SigningKey['jwk'] };
}

async function cookieKeys(db: Kysely<Database>): Promise<string[]> {
  const stored = await settingOnce(db, 'consent.cookie_keys', () =>
    JSON.stringify([randomBytes(32).toString('base64url')]),
  );
  return JSON.parse(stored) as string[];
}

/**
 * The key of pairwise subject identifiers (OpenID Connect Core §8.1), made once and kept in `settings`.
 * Losing it changes every `sub` that services know.
 */
export async function pairwiseKey(db: Kysely<Database>): Promise<Buffer> {
  const stored = await settingOnce(db, 'consent.pairwise_key', () => randomBytes(32).toString('base64url'));
  return Buffer.from(stored, 'base64url');
}

/**
 * The `sub` a service is told for a person: HMAC-SHA256 of the person's govdx ID under the pairwise key,
 * with the service's organization as the sector. Services of one organization (one controller) see the
 * same `sub`; two organizations cannot match their citizens by it, and it reveals neither the national
 * ID nor govdx's own ID. (oidc-provider would take the redirect URIs' host as the sector, and asks for a
 * sector identifier URI when they name two hosts: a service's redirect URIs are on one host, clients.ts.)
 */
export function pairwiseSubject(key: Buffer, organization: string, personId: string): string {
  return createHmac('sha256', key).update(`${organization}\n${personId}`).digest('base64url');
}

/** The client metadata oidc-provider works with, from a consent client's registration. */
export function clientMetadata(client: ConsentClientView): AdapterPayload {
  return {
    client_id: client.clientId,
    client_name: client.name,
    redirect_uris: client.redirectUris,
    jwks: client.jwks as AdapterPayload['jwks'],
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
    subject_type: 'pairwise',
  };
}

/** oidc-provider finds clients through its `Client` adapter: here, the consent_clients table. */
class ConsentClients implements Adapter {
  constructor(private readonly db: Kysely<Database>) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    const client = await findConsentClient(this.db, id);
    return client ? clientMetadata(client) : undefined;
  }

  // Clients are registered through the admin API, never by the provider itself.
  async upsert(): Promise<void> {}
  async findByUid(): Promise<undefined> {}
  async findByUserCode(): Promise<undefined> {}
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}

export interface ConsentServerOptions {
  publicUrl: string;
  exchange: Exchange;
  signingKey: SigningKey;
  /** How long a citizen stays signed in at the consent server, in hours (as govdx's own session). */
  sessionHours: number;
  /** The key of pairwise subject identifiers (pairwiseKey). */
  pairwiseKey: Buffer;
  /** The page for an error the provider shows itself (an unknown client, a wrong redirect URI). */
  renderError(out: ErrorOut): string;
  onServerError(error: Error): void;
}

/** Seconds an access token for the person API lasts. */
export const ACCESS_TOKEN_SECONDS = 600;

export async function createConsentServer(
  db: Kysely<Database>,
  options: ConsentServerOptions,
): Promise<Provider> {
  const { publicUrl, exchange } = options;
  const resource = personApiUrl(publicUrl);
  const provider = new Provider(consentIssuer(publicUrl), {
    adapter: (model: string) =>
      model === 'Client' ? new ConsentClients(db) : new KyselyAdapter(db, model, 'consent.'),
    jwks: { keys: [options.signingKey.jwk as JWK] },
    cookies: {
      keys: await cookieKeys(db),
      names: {
        session: 'govdx_consent_session',
        interaction: 'govdx_consent_interaction',
        resume: 'govdx_consent_resume',
      },
    },
    responseTypes: ['code'],
    scopes: ['openid'],
    claims: { openid: ['sub'] },
    clientAuthMethods: ['private_key_jwt'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: 'ES256',
    },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
    pkce: { required: () => true },
    extraParams: {
      /** The registered purpose; with it, the scopes and the agreements behind them are checked. */
      async purpose(ctx, value) {
        const client = await findConsentClient(db, ctx.oidc.client!.clientId);
        if (!client) throw new errors.InvalidClient('the client is no longer registered');
        const scopes = String(ctx.oidc.params?.scope ?? '')
          .split(' ')
          .filter(Boolean);
        try {
          await checkConsentRequest(exchange, client, typeof value === 'string' ? value : undefined, scopes);
        } catch (error) {
          if (!(error instanceof ConsentRequestRefusal)) throw error;
          if (error.error === 'invalid_scope') throw new errors.InvalidScope(error.message, scopes.join(' '));
          throw new errors.InvalidRequest(error.message);
        }
      },
    },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    // The account is the person (govdx's ID); the `sub` a service is told is pairwise (pairwiseSubject).
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => {
      const registered = await findConsentClient(db, client.clientId);
      if (!registered) throw new errors.InvalidClient('the client is no longer registered');
      return pairwiseSubject(options.pairwiseKey, registered.organization, accountId);
    },
    interactions: { url: (_ctx, interaction) => `${CONSENT_PREFIX}/interaction/${interaction.uid}` },
    // Every request is asked afresh: a consent is for one application, and the citizen sees each one.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget(`the only resource is ${resource}`);
          return {
            scope: ATTRIBUTE_SCOPES.join(' '),
            audience: resource,
            accessTokenFormat: 'opaque',
            accessTokenTTL: ACCESS_TOKEN_SECONDS,
          };
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = options.renderError(out);
    },
    // Services call the token endpoint from their servers; no browser script of another site may.
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 900,
      PushedAuthorizationRequest: 60,
      Session: options.sessionHours * 3600,
      Grant: 3600,
    },
  });
  // Discovery lists the attribute scopes too (oidc-provider lists only its OpenID Connect ones).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      (ctx.body as { scopes_supported?: string[] }).scopes_supported = ['openid', ...ATTRIBUTE_SCOPES];
    }
  });
  provider.proxy = publicUrl.startsWith('https:');
  provider.on('server_error', (_ctx: unknown, error: Error) => options.onServerError(error));
  return provider;
}
