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
import { signCompactEs256 } from './jws.ts';
import { SIGNING_ALG } from './keys.ts';

export const REQUEST_ASSERTION_TYPE = 'govdx-request+jwt';
const LIFETIME_S = 60;

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

/** The assertion for one request (made on every proxied call, hence jws.ts rather than jose). */
export function signRequestAssertion(
  key: { kid: string; privateKey: KeyObject },
  issuer: string,
  claims: RequestAssertionClaims,
): string {
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
  return signCompactEs256({ kid: key.kid, typ: REQUEST_ASSERTION_TYPE }, payload, key.privateKey);
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
    maxTokenAge: LIFETIME_S + 5,
    clockTolerance: 5,
  });
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
