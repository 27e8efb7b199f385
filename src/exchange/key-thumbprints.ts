/**
 * JWK thumbprints (RFC 7638 §3): SHA-256 over the key's required members, in lexicographic order, as JSON
 * without whitespace. An access token names the thumbprint of the system key that obtained it, so that a key
 * taken off the system's registered keys ends the tokens it obtained, on the next call.
 */
import { createHash, KeyObject } from 'node:crypto';

/** RFC 7638 §3.2: the required members of each key type (RFC 7518 §6, RFC 8037 §2). */
const REQUIRED: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/** The base64url SHA-256 thumbprint of a public JWK; null for a key type without one. */
export function jwkThumbprint(jwk: Record<string, unknown>): string | null {
  const members = REQUIRED[String(jwk.kty)];
  if (!members || members.some((m) => typeof jwk[m] !== 'string')) return null;
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The thumbprint of a verified key (a KeyObject, or the CryptoKey jose resolves a JWKS to). */
export function keyThumbprint(key: KeyObject | CryptoKey): string | null {
  const object = key instanceof KeyObject ? key : KeyObject.from(key);
  return jwkThumbprint(object.export({ format: 'jwk' }) as Record<string, unknown>);
}
