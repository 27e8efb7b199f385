/**
 * The embedded identity provider of the demo (oidc-provider), at `<public-url>/idp`. Used only when
 * no external issuer is configured. Its keys and its client secret are made once and kept in the
 * `settings` table; its sessions, grants and codes in `oidc_payloads`, so every node can serve it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { Kysely } from 'kysely';
import Provider, { type ErrorOut, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { type Database, settingOnce } from '../store/index.ts';
import { idpClaims } from './idp-accounts.ts';
import { KyselyAdapter } from './idp-adapter.ts';
import { newSecret } from './secrets.ts';

/** The pages the provider renders itself; the HTTP layer supplies them so all pages share one look. */
export interface IdpPages {
  /** Asks whether to sign out; `form` is the provider's hidden form that the buttons submit. */
  logout(form: string): string;
  /** Says that signing out worked, when the relying party gave no address to return to. */
  loggedOut(): string;
  /** Explains an error of the provider (e.g. an unknown client). */
  error(out: ErrorOut): string;
}

export interface IdpOptions {
  /** govdx's public address; the issuer is `<publicUrl>/idp`. */
  publicUrl: string;
  /** The client id of govdx itself, which signs in without asking for consent. */
  clientId: string;
  /** How long a sign-in at the provider lasts, in hours. */
  sessionHours: number;
  pages: IdpPages;
  onServerError(error: Error): void;
}

export function idpIssuer(publicUrl: string): string {
  return `${publicUrl}/idp`;
}

/** The secret govdx authenticates with at its own embedded provider. */
export function idpClientSecret(db: Kysely<Database>): Promise<string> {
  return settingOnce(db, 'idp.client_secret', () => newSecret());
}

async function signingKeys(db: Kysely<Database>): Promise<{ keys: JWK[] }> {
  const stored = await settingOnce(db, 'idp.jwks', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    return JSON.stringify({ keys: [jwk] });
  });
  return JSON.parse(stored) as { keys: JWK[] };
}

async function cookieKeys(db: Kysely<Database>): Promise<string[]> {
  const stored = await settingOnce(db, 'idp.cookie_keys', () =>
    JSON.stringify([randomBytes(32).toString('base64url')]),
  );
  return JSON.parse(stored) as string[];
}

/**
 * The grant govdx gets without a consent screen: govdx is the government's own service, and the
 * person is signing in to it. Other clients keep the consent prompt.
 */
async function firstPartyGrant(ctx: KoaContextWithOIDC, clientId: string) {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (client.clientId !== clientId) return existing;
  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
  grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
  await grant.save();
  return grant;
}

/** The provider's session cookie, as oidc-provider sets it (its `cookies.long` options). */
const SESSION_COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax', path: '/' } as const;

/**
 * Signing out of govdx ends the provider's session too, without asking again (RP-initiated logout): when
 * govdx itself sends the browser here with an ID token it was given for the person signed in here
 * (`id_token_hint`, checked by the provider: signature, issuer, audience), the person has already chosen to
 * sign out, and a second question would leave them signed in here for the next person at this computer if
 * they walked away. Otherwise (another client, no hint, someone else's token) the provider asks, as OpenID
 * Connect RP-Initiated Logout 1.0 §2 requires. Does what the provider's own "Yes, sign me out" does: ends
 * every grant of the session, destroys the session, clears its cookie, and returns to the registered
 * post_logout_redirect_uri. Resolves with whether it did.
 */
async function endOwnSession(ctx: KoaContextWithOIDC, clientId: string): Promise<boolean> {
  const { client, session, params, provider } = ctx.oidc;
  const hint = ctx.oidc.entities.IdTokenHint as { payload?: { sub?: unknown } } | undefined;
  if (client?.clientId !== clientId || !session?.accountId || hint?.payload?.sub !== session.accountId) {
    return false;
  }
  const grantIds = Object.values(session.authorizations ?? {}).flatMap((a) => (a.grantId ? [a.grantId] : []));
  await Promise.all(
    grantIds.flatMap((grantId) => [
      provider.AccessToken.revokeByGrantId(grantId),
      provider.AuthorizationCode.revokeByGrantId(grantId),
      provider.Grant.adapter.destroy(grantId),
    ]),
  );
  await session.destroy();
  ctx.oidc.cookies.set(provider.cookieName('session'), null, SESSION_COOKIE_OPTIONS);
  const back = typeof params?.post_logout_redirect_uri === 'string' ? params.post_logout_redirect_uri : null;
  const state = typeof params?.state === 'string' ? params.state : null;
  const to = back ? new URL(back) : new URL(ctx.oidc.urlFor('end_session_success'));
  if (back && state !== null) to.searchParams.set('state', state);
  provider.emit('end_session.success', ctx);
  ctx.status = 303;
  ctx.redirect(to.href);
  return true;
}

export async function createIdentityProvider(db: Kysely<Database>, options: IdpOptions): Promise<Provider> {
  const { publicUrl, clientId, pages } = options;
  const sessionSeconds = options.sessionHours * 3600;
  const provider = new Provider(idpIssuer(publicUrl), {
    adapter: (model: string) => new KyselyAdapter(db, model),
    jwks: await signingKeys(db),
    cookies: {
      keys: await cookieKeys(db),
      // Named so that a person looking at their cookies can tell what they are for.
      names: {
        session: 'govdx_idp_session',
        interaction: 'govdx_idp_interaction',
        resume: 'govdx_idp_resume',
      },
    },
    // The authorization code flow only: nothing else is needed, so nothing else is offered.
    responseTypes: ['code'],
    clients: [
      {
        client_id: clientId,
        client_secret: await idpClientSecret(db),
        client_name: 'govdx',
        redirect_uris: [`${publicUrl}/auth/callback`],
        post_logout_redirect_uris: [`${publicUrl}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
      national_id: ['national_id'],
    },
    pkce: { required: () => true },
    findAccount: async (_ctx, id) => {
      const claims = await idpClaims(db, id);
      return claims ? { accountId: id, claims: () => claims } : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/idp/interaction/${interaction.uid}` },
    loadExistingGrant: (ctx) => firstPartyGrant(ctx, clientId),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          if (await endOwnSession(ctx, clientId)) return;
          ctx.type = 'html';
          ctx.body = pages.logout(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = pages.loggedOut();
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = pages.error(out);
    },
    // Only govdx signs in here, from its own pages: no browser scripts on other sites call the provider.
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 900,
      Session: sessionSeconds,
      Grant: sessionSeconds,
    },
  });
  // Behind a TLS-terminating load balancer, trust its X-Forwarded-Proto so cookies are marked Secure.
  provider.proxy = publicUrl.startsWith('https:');
  provider.on('server_error', (_ctx: unknown, error: Error) => options.onServerError(error));
  return provider;
}
