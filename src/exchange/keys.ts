/**
 * The exchange's own signing key (ES256): it signs the access tokens systems receive and the request
 * assertions providers receive. Made once and kept in the `settings` table, so every node signs with
 * the same key and a token from one node is good at another; its public half is published at
 * /exchange/jwks.json.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import { type Database, settingOnce } from '../store/index.ts';

export const SIGNING_KEY_SETTING = 'exchange.signing_key';
export const SIGNING_ALG = 'ES256';

export interface ExchangeKeys {
  kid: string;
  /** Node KeyObjects: jose signs and verifies with them faster than with WebCrypto keys. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwks: { keys: JWK[] };
}

async function newSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return JSON.stringify({ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: SIGNING_ALG });
}

export async function loadExchangeKeys(db: Kysely<Database>): Promise<ExchangeKeys> {
  const jwk = JSON.parse(await settingOnce(db, SIGNING_KEY_SETTING, newSigningKey)) as JWK & { kid: string };
  const privateKey = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const { kty, crv, x, y } = jwk;
  return {
    kid: jwk.kid,
    privateKey,
    publicKey,
    jwks: { keys: [{ kty, crv, x, y, kid: jwk.kid, alg: SIGNING_ALG, use: 'sig' } as JWK] },
  };
}
