/**
 * Access tokens for systems: JWTs (RFC 9068 profile, `typ: at+jwt`) signed with the exchange's key,
 * short-lived, naming the system they were issued to and the thumbprint of the system key that obtained
 * them (`key_thumbprint`). A token's signature is checked once: a verified token is remembered (a bounded
 * LRU) until it expires, so a busy system's calls cost one signature check per token, not per call. What
 * can end a token before its expiry (the system disabled, its key taken off its registered keys) is not a
 * property of the token: Exchange.authenticate checks it on every call, against the decision index.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { GovdxError } from '../domain/index.ts';
import { type ExchangeKeys, SIGNING_ALG } from './keys.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const EXCHANGE_SCOPE = 'exchange';
/** Tokens remembered as verified; beyond this many, the least recently used is forgotten (and verified again if it comes back). */
export const VERIFIED_LIMIT = 10_000;
const CLOCK_TOLERANCE_S = 5;

export interface AccessTokenClaims {
  /** The system's OAuth client ID, `<organization>/<system>`. */
  clientId: string;
  systemId: string;
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** RFC 7638 thumbprint of the system key whose client assertion obtained the token; null when not bound to one. */
  keyThumbprint: string | null;
}

export interface AccessTokenOptions {
  keys: ExchangeKeys;
  /** `iss` of the tokens: the node's public URL (shared by every node). */
  issuer: string;
  /** `aud` of the tokens: the exchange (`<public URL>/exchange`). */
  audience: string;
  lifetimeSeconds: number;
}

export class AccessTokens {
  readonly #options: AccessTokenOptions;
  readonly #verified = new Map<string, AccessTokenClaims>();

  constructor(options: AccessTokenOptions) {
    this.#options = options;
  }

  get lifetimeSeconds(): number {
    return this.#options.lifetimeSeconds;
  }

  /** Tokens remembered as verified now (at most VERIFIED_LIMIT). */
  get rememberedCount(): number {
    return this.#verified.size;
  }

  async issue(
    system: { clientId: string; id: string },
    lifetimeSeconds = this.#options.lifetimeSeconds,
    keyThumbprint: string | null = null,
  ): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      client_id: system.clientId,
      scope: EXCHANGE_SCOPE,
      system_id: system.id,
    };
    if (keyThumbprint) claims.key_thumbprint = keyThumbprint;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.#options.keys.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.#options.issuer)
      .setAudience(this.#options.audience)
      .setSubject(system.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeSeconds)
      .setJti(crypto.randomUUID())
      .sign(this.#options.keys.privateKey);
    return { token, expiresIn: lifetimeSeconds };
  }

  /**
   * The claims of a token verified before and not yet expired, without waiting; undefined when it is not
   * remembered (verify it). TOKEN_EXPIRED when it has expired since.
   */
  remembered(token: string): AccessTokenClaims | undefined {
    const remembered = this.#verified.get(token);
    if (!remembered) return undefined;
    // A Map iterates in insertion order: taking the token out and putting it back makes it the most recent.
    this.#verified.delete(token);
    if (remembered.exp + CLOCK_TOLERANCE_S <= Date.now() / 1000) throw expired();
    this.#verified.set(token, remembered);
    return remembered;
  }

  /** The claims of a token this exchange issued and that is still valid; TOKEN_INVALID / TOKEN_EXPIRED otherwise. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const remembered = this.remembered(token);
    if (remembered) return remembered;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#options.keys.publicKey, {
        algorithms: [SIGNING_ALG],
        issuer: this.#options.issuer,
        audience: this.#options.audience,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['exp', 'sub', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw expired();
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw new GovdxError(
          'TOKEN_INVALID',
          'The access token was issued for another audience. Get one for the exchange at /oauth/token.',
        );
      }
      throw new GovdxError(
        'TOKEN_INVALID',
        'The access token is not one this exchange issued, or it has been altered. Get one at /oauth/token.',
      );
    }
    const claims: AccessTokenClaims = {
      clientId: String(payload.sub),
      systemId: String(payload.system_id ?? ''),
      jti: String(payload.jti),
      exp: Number(payload.exp),
      keyThumbprint: typeof payload.key_thumbprint === 'string' ? payload.key_thumbprint : null,
    };
    if (this.#verified.size >= VERIFIED_LIMIT) {
      this.#verified.delete(this.#verified.keys().next().value as string);
    }
    this.#verified.set(token, claims);
    return claims;
  }
}

function expired(): GovdxError {
  return new GovdxError('TOKEN_EXPIRED', 'The access token has expired. Get a new one at /oauth/token.');
}
