/**
 * What the exchange tells a provider with every request it forwards, signed with its key, so that the
 * provider can check that the request passed the exchange, and for whom and why: a short JWT in
 * `Authorization: Bearer`, with header `typ: govdx-request+jwt`.
 *
 *   iss  the exchange (its public URL)        aud  the service, `<provider>/<service>`
 *   sub  the data subject's national ID, when there is one
 *   act  { sub: the official acting } (RFC 8693 §4.1)   client_id  the consumer system
 *   purpose, agreement, consent, fields        htm, htu  the method and URL of this very request
 *   jti  the exchange's request ID (also in the ledger event)
 *
 * A provider verifies it with the keys at `<exchange>/exchange/jwks.json`; `verifyRequestAssertion`
 * does so with jose.
 */
import type { KeyObject } from 'node:crypto';
import { type JWTVerifyGetKey, jwtVerify } from 'jose';
import {
  HASH_SIZE,
  inclusionRanges,
  leafHash,
  nodeHash,
  splitPoint,
  verifyInclusion,
} from '../ledger/index.ts';
import { signCompactEs256 } from './jws.ts';
import { SIGNING_ALG } from './keys.ts';

export const REQUEST_ASSERTION_TYPE = 'govdx-request+jwt';
export const BATCH_ASSERTION_TYPE = 'govdx-batch+jwt';
/** The first part of a batch assertion: its format and version. */
export const BATCH_FORMAT = 'b1';
const LIFETIME_S = 60;
const CLOCK_TOLERANCE_S = 5;
/** Batch roots a verifier remembers as verified (each until it expires); beyond this many, the oldest is forgotten. */
const VERIFIED_ROOTS_LIMIT = 1000;

export interface RequestAssertionClaims {
  /** `<provider organization>/<service>`. */
  service: string;
  subject: string | null;
  official: string | null;
  /** The consumer system's client ID. */
  clientId: string;
  consumer: string;
  purpose: string;
  agreement: string;
  consent: string | null;
  fields: readonly string[];
  method: string;
  url: string;
  requestId: string;
}

/** The JWT claims of one request's assertion, in either form. */
function assertionPayload(issuer: string, claims: RequestAssertionClaims): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: issuer,
    aud: claims.service,
    iat: now,
    exp: now + LIFETIME_S,
    jti: claims.requestId,
    client_id: claims.clientId,
    consumer: claims.consumer,
    purpose: claims.purpose,
    agreement: claims.agreement,
    fields: claims.fields,
    htm: claims.method,
    htu: claims.url,
  };
  if (claims.subject) payload.sub = claims.subject;
  if (claims.official) payload.act = { sub: claims.official };
  if (claims.consent) payload.consent = claims.consent;
  return payload;
}

/** The assertion for one request (made on every proxied call, hence jws.ts rather than jose). */
export function signRequestAssertion(
  key: { kid: string; privateKey: KeyObject },
  issuer: string,
  claims: RequestAssertionClaims,
): string {
  return signCompactEs256(
    { kid: key.kid, typ: REQUEST_ASSERTION_TYPE },
    assertionPayload(issuer, claims),
    key.privateKey,
  );
}

/**
 * Request assertions in batches (X-Road's batch signatures): the requests whose assertions are asked for in
 * one turn of the event loop become the leaves of a Merkle tree (RFC 9162 §2.1.1), and one ES256 signature over
 * its root serves them all; each request carries its own claims and its inclusion path (RFC 9162 §2.1.3.1).
 * A provider checks each request alone, from the request, and the root's signature once per batch.
 *
 *   b1.<BASE64URL(claims JSON)>.<leaf index>.<BASE64URL(path: 32-byte hashes, leaf to root)>.<root JWS>
 *
 * The root JWS is ES256 with `typ: govdx-batch+jwt` and claims `iss`, `iat`, `exp`, `size` (the batch's
 * leaves) and `root` (BASE64URL of the tree's root hash); a leaf is SHA-256(0x00 ‖ the claims JSON, as bytes).
 */
export class BatchSigner {
  readonly #key: { kid: string; privateKey: KeyObject };
  readonly #issuer: string;
  #waiting: Array<{ leaf: Buffer; resolve: (assertion: string) => void; reject: (error: unknown) => void }> =
    [];

  constructor(key: { kid: string; privateKey: KeyObject }, issuer: string) {
    this.#key = key;
    this.#issuer = issuer;
  }

  /** The batch assertion for one request: resolved once the turn's batch is signed. */
  sign(claims: RequestAssertionClaims): Promise<string> {
    const leaf = Buffer.from(JSON.stringify(assertionPayload(this.#issuer, claims)));
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(() => this.#signWaiting());
      this.#waiting.push({ leaf, resolve, reject });
    });
  }

  #signWaiting(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    try {
      const assertions = signBatch(
        this.#key,
        this.#issuer,
        batch.map((b) => b.leaf),
      );
      for (const [i, b] of batch.entries()) b.resolve(assertions[i]!);
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}

/** The batch assertions of `leaves` (each a request's claims JSON, as bytes), in their order. */
export function signBatch(
  key: { kid: string; privateKey: KeyObject },
  issuer: string,
  leaves: readonly Buffer[],
): string[] {
  const tree = new BatchTree(leaves.map((leaf) => leafHash(leaf)));
  const now = Math.floor(Date.now() / 1000);
  const root = signCompactEs256(
    { kid: key.kid, typ: BATCH_ASSERTION_TYPE },
    {
      iss: issuer,
      iat: now,
      exp: now + LIFETIME_S,
      size: leaves.length,
      root: tree.root.toString('base64url'),
    },
    key.privateKey,
  );
  return leaves.map((leaf, i) =>
    [
      BATCH_FORMAT,
      leaf.toString('base64url'),
      String(i),
      Buffer.concat(tree.path(i)).toString('base64url'),
      root,
    ].join('.'),
  );
}

/** A batch's tree with every subtree hash kept: each request's path is read, not recomputed. */
class BatchTree {
  readonly #hashes = new Map<string, Buffer>();
  readonly #size: number;
  readonly root: Buffer;

  constructor(leaves: readonly Buffer[]) {
    this.#size = leaves.length;
    this.root = this.#hash(leaves, 0, leaves.length);
  }

  /** RFC 9162 §2.1.1 MTH(D[lo:hi]), remembering every subtree's. */
  #hash(leaves: readonly Buffer[], lo: number, hi: number): Buffer {
    let hash: Buffer;
    if (hi - lo === 1) hash = leaves[lo]!;
    else {
      const k = splitPoint(hi - lo);
      hash = nodeHash(this.#hash(leaves, lo, lo + k), this.#hash(leaves, lo + k, hi));
    }
    this.#hashes.set(`${lo} ${hi}`, hash);
    return hash;
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[size]): every range in it is a subtree of the recursion above. */
  path(index: number): Buffer[] {
    return inclusionRanges(index, this.#size).map(([lo, hi]) => this.#hashes.get(`${lo} ${hi}`)!);
  }
}

export interface VerifiedRequest {
  subject: string | null;
  official: string | null;
  clientId: string;
  consumer: string;
  purpose: string;
  agreement: string;
  fields: string[];
  requestId: string;
}

/**
 * For providers: checks a request assertion, in either form (a per-request JWS, or a batch assertion), and
 * that it was made for this service, method and URL, by this exchange, and is still valid. Throws when it does
 * not hold. A batch's root signature is checked once and remembered (RequestVerifier); `verifyRequestAssertion`
 * checks it every time.
 */
export class RequestVerifier {
  readonly #keys: JWTVerifyGetKey;
  /** Root JWS (as sent) → its root hash, size and expiry, once its signature has been checked. */
  readonly #roots = new Map<string, { root: Buffer; size: number; exp: number }>();

  constructor(keys: JWTVerifyGetKey) {
    this.#keys = keys;
  }

  async verify(
    assertion: string,
    expected: { issuer: string; service: string; method: string; url: string },
  ): Promise<VerifiedRequest> {
    if (!assertion.startsWith(`${BATCH_FORMAT}.`))
      return verifyRequestAssertion(assertion, this.#keys, expected);
    const parts = assertion.split('.');
    if (parts.length !== 7) throw new Error('A batch assertion has seven parts');
    const [, claims, index, path, ...jws] = parts as [string, string, string, string, string, string, string];
    const batch = await this.#root(jws.join('.'), expected.issuer);
    const hashes = Buffer.from(path, 'base64url');
    if (!/^(0|[1-9][0-9]{0,9})$/.test(index) || hashes.length % HASH_SIZE !== 0) {
      throw new Error("The batch assertion's leaf index or path is malformed");
    }
    const proof = Array.from({ length: hashes.length / HASH_SIZE }, (_, i) =>
      hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
    );
    const leaf = Buffer.from(claims, 'base64url');
    if (!verifyInclusion(leafHash(leaf), Number(index), batch.size, proof, batch.root)) {
      throw new Error('The request is not in the batch the exchange signed');
    }
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(leaf.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new Error("The batch assertion's claims are not JSON");
    }
    const now = Date.now() / 1000;
    if (payload.iss !== expected.issuer) throw new Error('The request assertion was made by another issuer');
    if (payload.aud !== expected.service)
      throw new Error('The request assertion was made for another service');
    if (typeof payload.exp !== 'number' || payload.exp + CLOCK_TOLERANCE_S < now) {
      throw new Error('The request assertion has expired');
    }
    if (typeof payload.iat !== 'number' || payload.iat - CLOCK_TOLERANCE_S > now) {
      throw new Error('The request assertion was made in the future');
    }
    return checkedRequest(payload, expected);
  }

  async #root(jws: string, issuer: string): Promise<{ root: Buffer; size: number }> {
    const now = Date.now() / 1000;
    const known = this.#roots.get(jws);
    if (known && known.exp + CLOCK_TOLERANCE_S >= now) return known;
    const { payload } = await jwtVerify(jws, this.#keys, {
      algorithms: [SIGNING_ALG],
      issuer,
      typ: BATCH_ASSERTION_TYPE,
      requiredClaims: ['exp', 'iat', 'size', 'root'],
      maxTokenAge: LIFETIME_S + CLOCK_TOLERANCE_S,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    const root = Buffer.from(String(payload.root), 'base64url');
    const size = Number(payload.size);
    if (root.length !== HASH_SIZE || !Number.isSafeInteger(size) || size < 1) {
      throw new Error("The batch's signed root is malformed");
    }
    if (this.#roots.size >= VERIFIED_ROOTS_LIMIT) this.#roots.delete(this.#roots.keys().next().value!);
    const batch = { root, size, exp: payload.exp! };
    this.#roots.set(jws, batch);
    return batch;
  }
}

/** The request the claims describe, once they are shown to be for this method and URL. */
function checkedRequest(
  payload: Record<string, unknown>,
  expected: { method: string; url: string },
): VerifiedRequest {
  if (payload.htm !== expected.method || payload.htu !== expected.url) {
    throw new Error('The request assertion was made for another request');
  }
  const act = payload.act as { sub?: unknown } | undefined;
  return {
    subject: typeof payload.sub === 'string' ? payload.sub : null,
    official: typeof act?.sub === 'string' ? act.sub : null,
    clientId: String(payload.client_id),
    consumer: String(payload.consumer),
    purpose: String(payload.purpose),
    agreement: String(payload.agreement),
    fields: Array.isArray(payload.fields) ? payload.fields.map(String) : [],
    requestId: String(payload.jti),
  };
}

/**
 * For providers: checks a request assertion's signature, issuer, audience (the service it is for),
 * type and lifetime, and that it was made for this method and URL. Throws (a jose error) when it does not hold.
 */
export async function verifyRequestAssertion(
  token: string,
  keys: JWTVerifyGetKey,
  expected: { issuer: string; service: string; method: string; url: string },
): Promise<VerifiedRequest> {
  const { payload } = await jwtVerify(token, keys, {
    algorithms: [SIGNING_ALG],
    issuer: expected.issuer,
    audience: expected.service,
    typ: REQUEST_ASSERTION_TYPE,
    requiredClaims: ['exp', 'iat', 'jti', 'htm', 'htu'],
    maxTokenAge: LIFETIME_S + CLOCK_TOLERANCE_S,
    clockTolerance: CLOCK_TOLERANCE_S,
  });
  return checkedRequest(payload, expected);
}
