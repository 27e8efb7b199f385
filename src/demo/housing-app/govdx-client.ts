/**
 * What a service does to pre-fill a form from govdx, with openid-client: push the authorization request
 * (PAR) with PKCE and its purpose, authenticate with private_key_jwt, trade the code, and read the
 * person API, whose answer it verifies (govdx's signature, issuer, audience, expiry) and, when it
 * registered an encryption key, decrypts first. Nothing here is specific to the demo but its names.
 */
import { compactDecrypt, createRemoteJWKSet, importJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

export interface GovdxClientOptions {
  /** govdx's consent server, e.g. http://localhost:8080/consent. */
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The registered purpose the service asks for. */
  purpose: string;
  /** The attribute scopes it asks for (`openid` is added). */
  scopes: readonly string[];
  /** Its private signing key (a JWK with `d` and `kid`), read when first needed. */
  signingKey: () => JWK;
  /** Its private decryption key, when it registered an encryption key. */
  decryptionKey?: () => JWK | undefined;
}

/** One attribute of the person API's answer. */
export interface PersonAttribute {
  value: unknown;
  source: { organization: string; organizationName: string; register: string };
  lastUpdated: string | null;
  classification: string;
  unavailable?: true;
}

export interface PersonData extends JWTPayload {
  purpose: string;
  consent: string;
  attributes: Record<string, PersonAttribute>;
  receipts: number[];
}

/** What the service keeps between sending the browser to govdx and its return. */
export interface PendingLogin {
  state: string;
  verifier: string;
}

/** govdx refused the person API call: `code` is its stable reason (CONSENT_REVOKED, TOKEN_INVALID…). */
export class PersonApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PersonApiError';
  }
}

export class GovdxConsentClient {
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(private readonly options: GovdxClientOptions) {}

  /** Discovers the consent server on first use; a failed discovery is tried again next time. */
  configuration(): Promise<oidc.Configuration> {
    this.#configuration ??= (async () => {
      const jwk = this.options.signingKey();
      const key = await importJWK(jwk, jwk.alg ?? 'ES256');
      if (!(key instanceof CryptoKey)) throw new Error('The signing key must be an asymmetric private key.');
      const insecure = this.options.issuer.startsWith('http:');
      return oidc.discovery(
        new URL(this.options.issuer),
        this.options.clientId,
        { id_token_signed_response_alg: 'ES256' },
        oidc.PrivateKeyJwt({ key, kid: jwk.kid }),
        insecure ? { execute: [oidc.allowInsecureRequests] } : {},
      );
    })().catch((error: unknown) => {
      this.#configuration = undefined;
      throw error;
    });
    return this.#configuration;
  }

  /** Pushes the authorization request (PAR); returns where to send the browser, and what to keep. */
  async begin(extra: Record<string, string> = {}): Promise<{ url: URL; pending: PendingLogin }> {
    const configuration = await this.configuration();
    const pending: PendingLogin = { state: oidc.randomState(), verifier: oidc.randomPKCECodeVerifier() };
    const url = await oidc.buildAuthorizationUrlWithPAR(configuration, {
      redirect_uri: this.options.redirectUri,
      scope: ['openid', ...this.options.scopes].join(' '),
      purpose: this.options.purpose,
      state: pending.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      ...extra,
    });
    return { url, pending };
  }

  /** Trades the code the browser came back with (checking state and PKCE); returns the access token. */
  async finish(callbackUrl: URL, pending: PendingLogin): Promise<{ accessToken: string; sub: string }> {
    const configuration = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
    });
    return { accessToken: tokens.access_token, sub: tokens.claims()?.sub ?? '' };
  }

  /** Calls the person API and returns its verified answer; throws PersonApiError when govdx refuses. */
  async person(accessToken: string): Promise<PersonData> {
    const configuration = await this.configuration();
    const url = new URL(`${this.options.issuer}/v1/person`);
    let response: Response;
    try {
      response = await oidc.fetchProtectedResource(configuration, accessToken, url, 'GET');
    } catch (error) {
      // A 401 with its WWW-Authenticate challenge: the refusal's body still says why.
      if (!(error instanceof oidc.WWWAuthenticateChallengeError)) throw error;
      response = error.response;
    }
    const text = await response.text();
    if (!response.ok) {
      let code = 'UNKNOWN';
      let message = `govdx answered HTTP ${response.status}.`;
      try {
        const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = body.error?.code ?? code;
        message = body.error?.message ?? message;
      } catch {}
      throw new PersonApiError(response.status, code, message);
    }
    return this.verify(text);
  }

  /** Verifies (after decrypting, when it is a JWE) the person API's answer. */
  async verify(answer: string): Promise<PersonData> {
    const configuration = await this.configuration();
    const server = configuration.serverMetadata();
    let jws = answer;
    if (answer.split('.').length === 5) {
      const jwk = this.options.decryptionKey?.();
      if (!jwk) throw new Error('The answer is encrypted, and this service has no decryption key.');
      const { plaintext } = await compactDecrypt(answer, await importJWK(jwk, jwk.alg ?? 'ECDH-ES+A256KW'));
      jws = new TextDecoder().decode(plaintext);
    }
    const { payload } = await jwtVerify<PersonData>(jws, this.#keys(server.jwks_uri!), {
      algorithms: ['ES256'],
      issuer: server.issuer,
      audience: this.options.clientId,
    });
    return payload;
  }

  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  #keys(uri: string) {
    this.#jwks ??= createRemoteJWKSet(new URL(uri));
    return this.#jwks;
  }
}
