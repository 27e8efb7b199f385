/**
 * ES256 compact JWS (RFC 7515 §7.1) signed with node:crypto, for the one signature the exchange makes on
 * every call: the request assertion to the provider.
 *
 * jose signs through WebCrypto, which on Node 20 spends 2–4 times the CPU of the signature itself per ES256
 * signature (about 130 µs against 45 µs, measured on the benchmark machine); at thousands of calls a second
 * that is a large share of the gateway's cost. The signature is OpenSSL's ECDSA either way; this only lays
 * out the JWS. Everything that verifies these assertions (providers, the tests) uses jose.
 *
 * The signature is made synchronously, on the calling thread: crypto.sign with a callback (libuv's thread
 * pool) cost the gateway about five times the CPU of the synchronous call under load (the job's set-up on
 * the event loop alone took longer than the signature), measured with `npm run bench -- exchange`.
 */
import { type KeyObject, sign } from 'node:crypto';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature)`, header and payload as JSON. */
export function signCompactEs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${encode({ ...header, alg: 'ES256' })}.${encode(payload)}`;
  // RFC 7518 §3.4: the signature is R ‖ S, 32 bytes each (IEEE P1363), not DER.
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
