/**
 * System authentication with `private_key_jwt` (RFC 7523 §2.2, §3; OpenID Connect Core §9): the
 * system signs a short JWT with its private key; the exchange checks it against the public keys the
 * system registered (its JWKS, or its JWKS URL, fetched and cached), and accepts each assertion once.
 * The IDs of assertions already used are kept in the database until they expire, so a replay is refused
 * by every node.
 */

import type { KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  errors,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { Kysely } from 'kysely';
import { GovdxError } from '../domain/index.ts';
import { outboundFetch } from '../outbound/index.ts';
import { type Database, isUniqueViolation } from '../store/index.ts';
import { CLIENT_ASSERTION_TYPE } from './caller/index.ts';
import type { DecisionIndex, IndexedSystem } from './decision-index.ts';
import { keyThumbprint } from './key-thumbprints.ts';

export { CLIENT_ASSERTION_TYPE };

/** Asymmetric algorithms only: a system's JWKS holds public keys, never a shared secret. */
const ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
];
/** An assertion may be valid for at most this long, which bounds how long its ID must be remembered. */
export const MAX_ASSERTION_SECONDS = 600;
const CLOCK_TOLERANCE_S = 30;
const SWEEP_EVERY_MS = 60_000;

const invalid = (message: string) => new GovdxError('ASSERTION_INVALID', message);

export interface ClientAssertionOptions {
  db: Kysely<Database>;
  index: DecisionIndex;
  /** Accepted `aud` values: the token endpoint URL and the exchange's issuer identifier. */
  audiences: string[];
  /** Whether a JWKS URL may be at a private, loopback or link-local address (config outboundPrivateNetworks). */
  allowPrivateNetworks: boolean;
  /** Where the reason a JWKS URL could not be fetched goes (the log); the caller is told only that it could not. */
  onError?: ((error: unknown, what: string) => void) | undefined;
}

export class ClientAssertions {
  readonly #options: ClientAssertionOptions;
  readonly #local = new Map<string, { version: string; keys: JWTVerifyGetKey }>();
  readonly #remote = new Map<string, JWTVerifyGetKey>();
  #sweptAt = 0;

  constructor(options: ClientAssertionOptions) {
    this.#options = options;
  }

  #keysOf(system: IndexedSystem): JWTVerifyGetKey {
    if (system.jwksUri) {
      let keys = this.#remote.get(system.jwksUri);
      if (!keys) {
        // jose caches the fetched set (10 min) and fetches again when an unknown kid appears (30 s cool-down).
        // Fetched through the outbound guard: a JWKS URL inside the platform's network is not called.
        const allowPrivate = this.#options.allowPrivateNetworks;
        keys = createRemoteJWKSet(new URL(system.jwksUri), {
          timeoutDuration: 5000,
          [customFetch]: (url, init) =>
            outboundFetch(
              url,
              init as Parameters<typeof outboundFetch>[1],
              allowPrivate,
            ) as unknown as Promise<Response>,
        });
        this.#remote.set(system.jwksUri, keys);
      }
      return keys;
    }
    const cached = this.#local.get(system.id);
    if (cached && cached.version === system.version) return cached.keys;
    const keys = createLocalJWKSet(system.jwks ?? { keys: [] });
    this.#local.set(system.id, { version: system.version, keys });
    return keys;
  }

  /**
   * The system that signed `assertion`, and the thumbprint of the key it signed with (null when the key has
   * no thumbprint); ASSERTION_INVALID, ASSERTION_REPLAYED or SYSTEM_DISABLED otherwise.
   */
  async authenticate(
    assertion: string,
    clientId: string | undefined,
  ): Promise<{ system: IndexedSystem; keyThumbprint: string | null }> {
    let unverified: { iss?: unknown };
    try {
      unverified = decodeJwt(assertion);
    } catch {
      throw invalid('The client assertion is not a JWT.');
    }
    const issuer = typeof unverified.iss === 'string' ? unverified.iss : '';
    if (clientId !== undefined && clientId !== issuer) {
      throw invalid('The client_id does not match the issuer of the client assertion.');
    }
    const system = this.#options.index.system(issuer);
    if (!system) {
      throw invalid(
        `"${issuer}" is not a registered system. The assertion's iss and sub are the client ID, "<organization>/<system>".`,
      );
    }
    if (system.status !== 'active') {
      throw new GovdxError(
        'SYSTEM_DISABLED',
        `The system ${system.clientId} is disabled by its organization.`,
      );
    }

    let payload: { exp?: number; jti?: string };
    let key: KeyObject | CryptoKey | Uint8Array;
    try {
      ({ payload, key } = await jwtVerify(assertion, this.#keysOf(system), {
        algorithms: ALGORITHMS,
        issuer: system.clientId,
        subject: system.clientId,
        audience: this.#options.audiences,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (error) {
      const problem = assertionProblem(error);
      if (problem !== null) throw invalid(problem);
      if (!system.jwksUri) {
        throw invalid(
          error instanceof errors.JOSEError
            ? `The client assertion could not be verified: ${error.message}.`
            : 'The client assertion could not be verified.',
        );
      }
      // What answered at the JWKS URL (or did not) is for the log, never for the caller.
      this.#options.onError?.(error, `fetching the keys of ${system.clientId} from ${system.jwksUri}`);
      throw invalid(
        "The system's public keys could not be fetched from its registered JWKS URL. Its organization can check the URL; the platform's operators can see why in their log.",
      );
    }
    const exp = payload.exp!;
    if (exp - Date.now() / 1000 > MAX_ASSERTION_SECONDS + CLOCK_TOLERANCE_S) {
      throw invalid(`A client assertion may be valid for at most ${MAX_ASSERTION_SECONDS} seconds.`);
    }
    await this.#acceptOnce(system.clientId, String(payload.jti), exp);
    return { system, keyThumbprint: key instanceof Uint8Array ? null : keyThumbprint(key) };
  }

  async #acceptOnce(clientId: string, jti: string, exp: number): Promise<void> {
    const db = this.#options.db;
    const now = Date.now();
    if (now - this.#sweptAt > SWEEP_EVERY_MS) {
      this.#sweptAt = now;
      await db
        .deleteFrom('exchange_assertions')
        .where('expires_at', '<', new Date(now).toISOString())
        .execute();
    }
    const expiresAt = new Date((exp + CLOCK_TOLERANCE_S) * 1000).toISOString();
    try {
      await db
        .insertInto('exchange_assertions')
        .values({ client_id: clientId, jti, expires_at: expiresAt })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new GovdxError(
          'ASSERTION_REPLAYED',
          'This client assertion has been used already. Sign a new one, with a new jti, for every token request.',
        );
      }
      throw error;
    }
  }
}

/** What is wrong with the assertion itself; null when its keys could not be had (fetched, parsed). */
function assertionProblem(error: unknown): string | null {
  if (error instanceof errors.JWTExpired) return 'The client assertion has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud')
      return 'The client assertion is for another audience: use the token endpoint URL.';
    return `The client assertion's "${error.claim}" claim is not valid: ${error.message}.`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return "No registered key of the system matches the assertion's kid and algorithm.";
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The client assertion is not signed by a key the system registered.';
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'The client assertion must be signed with an asymmetric algorithm.';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'The client assertion is not a well-formed signed JWT.';
  }
  return null;
}
