/**
 * `govdx exchange assertion|token`: what a system does to call the exchange, from the command line,
 * so that curl can do the rest (see docs/integrating.md).
 */
import type { JWK } from 'jose';
// The caller's side alone: it loads neither the server nor the store.
import { accessToken, clientAssertion, readPrivateJwk } from '../exchange/caller/index.ts';

export interface ClientOptions {
  /** Path of the system's private JWK. */
  key: string;
  /** `<organization>/<system>`; by default read from the key's kid (`<organization>.<system>.<n>`). */
  clientId?: string | undefined;
  /** The govdx node, e.g. http://localhost:8080. */
  url: string;
}

function clientIdOf(jwk: JWK, explicit: string | undefined): string {
  if (explicit) return explicit;
  const [organization, system] = (jwk.kid ?? '').split('.');
  if (!organization || !system) {
    throw new Error('Say which system this is with --client-id <organization>/<system>.');
  }
  return `${organization}/${system}`;
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
