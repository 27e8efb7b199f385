/**
 * Access tokens for systems: JWTs (RFC 9068 profile, `typ: at+jwt`) signed with the exchange's key,
 * short-lived, naming the system they were issued to. Verified on every exchange call against the key
 * held in memory; a token already verified is remembered until it expires, so a busy system's calls
 * cost one signature check per token, not per call.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { GovdxError } from '../domain/index.ts';
import { type ExchangeKeys, SIGNING_ALG } from './keys.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const EXCHANGE_SCOPE = 'exchange';
/** Tokens remembered as verified; beyond this many, the memory starts again (a bound, not a cache policy). */
const VERIFIED_LIMIT = 10_000;
const CLOCK_TOLERANCE_S = 5;

export interface AccessTokenClaims {
  /** The system's OAuth client ID, `<organization>/<system>`. */
  clientId: string;
  systemId: string;
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
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

  async issue(
    system: { clientId: string; id: string },
    lifetimeSeconds = this.#options.lifetimeSeconds,
  ): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      client_id: system.clientId,
      scope: EXCHANGE_SCOPE,
      system_id: system.id,
    })
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

  /** The claims of a token this exchange issued and that is still valid; TOKEN_INVALID / TOKEN_EXPIRED otherwise. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const remembered = this.#verified.get(token);
    if (remembered) {
      if (remembered.exp + CLOCK_TOLERANCE_S > Date.now() / 1000) return remembered;
      this.#verified.delete(token);
      throw expired();
    }
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
    };
    if (this.#verified.size >= VERIFIED_LIMIT) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }
}

function expired(): GovdxError {
  return new GovdxError('TOKEN_EXPIRED', 'The access token has expired. Get a new one at /oauth/token.');
}
