/**
 * `govdx exchange assertion|token`: what a system does to call the exchange, from the command line,
 * so that curl can do the rest (see docs/integrating.md).
 */
import { readFileSync } from 'node:fs';
import { importJWK, type JWK, SignJWT } from 'jose';
import { CLIENT_ASSERTION_TYPE } from '../exchange/index.ts';

export interface ClientOptions {
  /** Path of the system's private JWK. */
  key: string;
  /** `<organization>/<system>`; by default read from the key's kid (`<organization>.<system>.<n>`). */
  clientId?: string | undefined;
  /** The govdx node, e.g. http://localhost:8080. */
  url: string;
}

export function readPrivateJwk(path: string): JWK {
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  if (!jwk.d) throw new Error(`${path} is not a private key (it has no "d")`);
  return jwk;
}

function clientIdOf(jwk: JWK, explicit: string | undefined): string {
  if (explicit) return explicit;
  const [organization, system] = (jwk.kid ?? '').split('.');
  if (!organization || !system) {
    throw new Error('Say which system this is with --client-id <organization>/<system>.');
  }
  return `${organization}/${system}`;
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

export async function printAssertion(options: ClientOptions): Promise<number> {
  const jwk = readPrivateJwk(options.key);
  process.stdout.write(`${await clientAssertion(jwk, clientIdOf(jwk, options.clientId), options.url)}\n`);
  return 0;
}

export async function printToken(options: ClientOptions): Promise<number> {
  const jwk = readPrivateJwk(options.key);
  process.stdout.write(`${await accessToken(jwk, clientIdOf(jwk, options.clientId), options.url)}\n`);
  return 0;
}
