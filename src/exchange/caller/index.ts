/**
 * The caller's side of the exchange: what a system does before it calls (RFC 7523 private_key_jwt).
 * It reads its private key, signs a client assertion, and asks the token endpoint for an access token.
 * The CLI (`govdx exchange`), the demo's services, the benchmarks and the tests all call through here.
 * It imports nothing of govdx, so that `govdx exchange assertion` starts without loading the server.
 */
import { readFileSync } from 'node:fs';
import { importJWK, type JWK, SignJWT } from 'jose';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The private JWK in the file at `path`; throws when the file holds only a public key (it has no "d"). */
export function readPrivateJwk(path: string): JWK {
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  if (!jwk.d) throw new Error(`${path} is not a private key (it has no "d")`);
  return jwk;
}

/** A client assertion (RFC 7523) for the token endpoint of `baseUrl`, valid for one minute and one use. */
export async function clientAssertion(jwk: JWK, clientId: string, baseUrl: string): Promise<string> {
  const alg = jwk.alg ?? 'ES256';
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(`${baseUrl.replace(/\/+$/, '')}/oauth/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(crypto.randomUUID())
    .sign(await importJWK(jwk, alg));
}

/** Asks the token endpoint for an access token with a fresh client assertion. */
export async function accessToken(jwk: JWK, clientId: string, baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await clientAssertion(jwk, clientId, baseUrl),
    }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(`The token endpoint refused: ${body.error_description ?? response.status}`);
  }
  return body.access_token;
}
