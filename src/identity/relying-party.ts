/**
 * govdx signing people in through OpenID Connect (openid-client): authorization code flow with PKCE,
 * state and nonce, against the embedded provider or an external issuer. An external issuer's
 * people are linked to people of govdx on their first sign-in, by a verified e-mail address.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import { type Database, now, settingOnce } from '../store/index.ts';
import { newSecret } from './secrets.ts';

/** Why a sign-in did not complete; the HTTP layer turns each into a page. */
export type SignInErrorCode =
  /** The sign-in began in another window, took too long, or its state does not match. */
  | 'SIGN_IN_EXPIRED'
  /** The person, or the identity provider, refused. */
  | 'SIGN_IN_DENIED'
  /** The identity provider vouched for someone govdx does not know. */
  | 'NOT_REGISTERED'
  /** The identity provider could not be reached or answered something invalid. */
  | 'SIGN_IN_FAILED';

export class SignInError extends Error {
  constructor(
    readonly code: SignInErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SignInError';
  }
}

/** What the browser carries between /auth/login and /auth/callback, sealed in a cookie. */
interface LoginState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

/** As long as the provider keeps a sign-in open (its Interaction lifetime). */
const LOGIN_MINUTES = 15;
export const LOGIN_COOKIE = 'govdx_login';
export const LOGIN_COOKIE_MAX_AGE = LOGIN_MINUTES * 60;

/**
 * The address to return to after sign-in: a path on this site, or `/`. Anything that a browser could
 * read as another site (`//evil`, `https://…`, `/\evil`, control characters that browsers strip) is refused.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  const base = 'http://govdx.invalid';
  return new URL(value, base).origin === base ? value : '/';
}

export interface RelyingPartyOptions {
  publicUrl: string;
  issuer: string;
  /** True for the embedded provider, whose subjects are govdx person ids. */
  embedded: boolean;
  clientId: string;
  clientSecret: () => Promise<string>;
}

export class RelyingParty {
  #configuration: Promise<oidc.Configuration> | undefined;
  #stateKey: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: RelyingPartyOptions,
  ) {}

  /**
   * Discovers the issuer on first use, not at start-up: the embedded issuer is served by this very
   * process and is not listening yet while the app is being built. A failed discovery is retried.
   */
  private configuration(): Promise<oidc.Configuration> {
    this.#configuration ??= (async () => {
      const { issuer, clientId } = this.options;
      const insecure = issuer.startsWith('http:');
      return oidc.discovery(
        new URL(issuer),
        clientId,
        undefined,
        oidc.ClientSecretBasic(await this.options.clientSecret()),
        insecure ? { execute: [oidc.allowInsecureRequests] } : {},
      );
    })().catch((error: unknown) => {
      this.#configuration = undefined;
      throw new SignInError('SIGN_IN_FAILED', `Cannot reach the identity provider ${this.options.issuer}.`, {
        cause: error,
      });
    });
    return this.#configuration;
  }

  private get redirectUri(): string {
    return `${this.options.publicUrl}/auth/callback`;
  }

  /** Starts a sign-in: where to send the browser, and the sealed state for the login cookie. */
  async begin(returnTo: string | undefined): Promise<{ url: string; cookie: string }> {
    const configuration = await this.configuration();
    const login: LoginState = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      returnTo: safeReturnTo(returnTo),
      expiresAt: Date.now() + LOGIN_MINUTES * 60_000,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid profile email national_id',
      state: login.state,
      nonce: login.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(login.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, cookie: await this.seal(login) };
  }

  /**
   * Completes a sign-in from the callback's query string and the login cookie: checks state, trades
   * the code (with the PKCE verifier), validates the ID token (signature, issuer, audience, nonce),
   * and finds the person.
   */
  async finish(
    query: string,
    cookie: string | undefined,
  ): Promise<{ personId: string; idToken: string; returnTo: string }> {
    const login = cookie ? await this.open(cookie) : null;
    if (!login) throw new SignInError('SIGN_IN_EXPIRED', 'The login cookie is missing, altered or expired.');
    const currentUrl = new URL(`${this.redirectUri}?${query}`);
    if (currentUrl.searchParams.get('state') !== login.state) {
      throw new SignInError('SIGN_IN_EXPIRED', 'The state does not match the one this browser was given.');
    }
    const configuration = await this.configuration();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied') {
        throw new SignInError('SIGN_IN_DENIED', error.error_description ?? 'Access was denied.', {
          cause: error,
        });
      }
      throw new SignInError('SIGN_IN_FAILED', 'The identity provider did not complete the sign-in.', {
        cause: error,
      });
    }
    const claims = tokens.claims();
    const idToken = tokens.id_token;
    if (!claims || !idToken) throw new SignInError('SIGN_IN_FAILED', 'No ID token was returned.');
    const personId = await this.personFor(configuration, claims, tokens.access_token);
    if (!personId) throw new SignInError('NOT_REGISTERED', `No person of govdx matches ${claims.sub}.`);
    return { personId, idToken, returnTo: login.returnTo };
  }

  /** The issuer's address for ending its own session too (RP-initiated logout), if it has one. */
  async logoutUrl(idToken: string): Promise<string | null> {
    try {
      const configuration = await this.configuration();
      if (!configuration.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(configuration, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${this.options.publicUrl}/`,
      }).href;
    } catch {
      // Signing out of govdx has happened already; an unreachable issuer must not undo that.
      return null;
    }
  }

  /**
   * The person of govdx for the (issuer, subject) pair. Known pairs are in person_identities; a new
   * pair is linked when the embedded provider vouches for a person id, or an external issuer for a
   * verified e-mail address that a person of govdx has.
   */
  private async personFor(
    configuration: oidc.Configuration,
    claims: oidc.IDToken,
    accessToken: string,
  ): Promise<string | null> {
    const { db } = this;
    const issuer = configuration.serverMetadata().issuer;
    const known = await db
      .selectFrom('person_identities')
      .select('person_id')
      .where('issuer', '=', issuer)
      .where('subject', '=', claims.sub)
      .executeTakeFirst();
    if (known) return known.person_id;

    let person: { id: string } | undefined;
    if (this.options.embedded) {
      person = await db.selectFrom('people').select('id').where('id', '=', claims.sub).executeTakeFirst();
    } else {
      // ID tokens often carry only `sub`; the e-mail address then comes from the UserInfo endpoint.
      const about =
        typeof claims.email === 'string'
          ? claims
          : await oidc.fetchUserInfo(configuration, accessToken, claims.sub).catch(() => null);
      if (about && typeof about.email === 'string' && about.email_verified === true) {
        const email = about.email.toLowerCase();
        person = await db
          .selectFrom('people')
          .select('id')
          .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
          .executeTakeFirst();
      }
    }
    if (!person) return null;
    await db
      .insertInto('person_identities')
      .values({ issuer, subject: claims.sub, person_id: person.id, created_at: now() })
      .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
      .execute();
    return person.id;
  }

  private stateKey(): Promise<string> {
    this.#stateKey ??= settingOnce(this.db, 'auth.login_state_key', () => newSecret());
    return this.#stateKey;
  }

  /** Signs the login state, so that neither the return address nor the checks can be altered. */
  private async seal(login: LoginState): Promise<string> {
    const body = Buffer.from(JSON.stringify(login)).toString('base64url');
    return `${body}.${createHmac('sha256', await this.stateKey())
      .update(body)
      .digest('base64url')}`;
  }

  private async open(cookie: string): Promise<LoginState | null> {
    const [body, mac] = cookie.split('.');
    if (!body || !mac) return null;
    const expected = createHmac('sha256', await this.stateKey())
      .update(body)
      .digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const login = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LoginState;
    return login.expiresAt > Date.now() ? login : null;
  }
}
