/**
 * What the consent tests stand on: the demo testbed (test/exchange/support.ts), a service registered
 * as a consent client of the Housing Agency with its own keys, and a citizen's browser that signs in
 * at govdx and answers the consent page.
 */
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { GovdxConsentClient } from '../../src/demo/housing-app/govdx-client.ts';
import { DEMO_PASSWORD } from '../../src/demo/index.ts';
import type { Testbed } from '../exchange/support.ts';
import { Browser, formAction, type Step } from '../identity/browser.ts';
import { call } from '../support/server.ts';

export const PURPOSE = 'housing-benefit-application';
export const REDIRECT_URI = 'https://housing.example/callback';

export interface TestService {
  clientId: string;
  signingKey: JWK;
  decryptionKey: JWK | undefined;
  /** A client of it asking for `scopes` (default: name, address, income) for `purpose`. */
  client(options?: { scopes?: string[]; purpose?: string; redirectUri?: string }): GovdxConsentClient;
}

let counter = 0;

/** Registers a consent client of the Housing Agency; `encrypted` adds an encryption key to its JWKS. */
export async function registerService(
  testbed: Testbed,
  options: { preview?: boolean; encrypted?: boolean; purposes?: string[] } = {},
): Promise<TestService> {
  const clientId = `test-service-${++counter}-${process.pid}`;
  const signing = await generateKeyPair('ES256', { extractable: true });
  const signingKey = { ...(await exportJWK(signing.privateKey)), kid: `${clientId}-sig`, alg: 'ES256' };
  const keys: JWK[] = [
    { ...(await exportJWK(signing.publicKey)), kid: signingKey.kid, alg: 'ES256', use: 'sig' },
  ];
  let decryptionKey: JWK | undefined;
  if (options.encrypted) {
    const enc = await generateKeyPair('ECDH-ES+A256KW', { extractable: true });
    decryptionKey = { ...(await exportJWK(enc.privateKey)), kid: `${clientId}-enc`, alg: 'ECDH-ES+A256KW' };
    keys.push({
      ...(await exportJWK(enc.publicKey)),
      kid: decryptionKey.kid,
      alg: 'ECDH-ES+A256KW',
      use: 'enc',
    });
  }
  const steward = await testbed.steward('housing-agency');
  const response = await call(testbed.url, 'POST', '/api/v1/organizations/housing-agency/consent-clients', {
    token: steward,
    body: {
      clientId,
      name: 'Housing benefit application (test)',
      redirectUris: [REDIRECT_URI],
      jwks: { keys },
      purposes: options.purposes ?? [PURPOSE],
      preview: options.preview ?? false,
    },
  });
  if (response.status !== 201) throw new Error(`Registering the service failed: ${response.text}`);
  return {
    clientId,
    signingKey,
    decryptionKey,
    client: (o = {}) =>
      new GovdxConsentClient({
        issuer: `${testbed.url}/consent`,
        clientId,
        redirectUri: o.redirectUri ?? REDIRECT_URI,
        purpose: o.purpose ?? PURPOSE,
        scopes: o.scopes ?? ['name', 'address', 'income'],
        signingKey: () => signingKey,
        decryptionKey: () => decryptionKey,
      }),
  };
}

/** Follows redirects until a page answers, or the browser is sent off govdx (to the service). */
export function untilService(browser: Browser, base: string, url: string, form?: Record<string, string>) {
  const origin = new URL(base).origin;
  return browser.follow(url, form ? { form } : {}, (u) => u.origin !== origin);
}

/**
 * The citizen at govdx: from the authorization URL through sign-in (unless already signed in) to the
 * consent page. Returns that page.
 */
export async function reachConsentPage(
  browser: Browser,
  base: string,
  authorizationUrl: string,
  username = 'citizen',
): Promise<Step> {
  let result = await untilService(browser, base, authorizationUrl);
  if (result.last.status === 200 && result.last.text.includes('/login"')) {
    result = await untilService(browser, base, formAction(result.last, '/login'), {
      username,
      password: DEMO_PASSWORD,
    });
  }
  return result.last;
}

/** Answers the consent page (or the preview) and returns where govdx sends the browser (the service's redirect URI). */
export async function answer(browser: Browser, base: string, page: Step, form: Record<string, string>) {
  const action = formAction(page, '/consent/interaction/');
  const result = await untilService(browser, base, action, form);
  return result;
}

/** A client assertion (RFC 7523) of the service for the consent server, signed with `key`. */
export async function clientAssertion(testbed: Testbed, clientId: string, key: JWK): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.kid! })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(`${testbed.url}/consent`)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(crypto.randomUUID())
    .sign(await importJWK(key, 'ES256'));
}

/**
 * Pushes an authorization request by hand (RFC 9126), so that each parameter can be left out or wrong:
 * `params` replace the defaults, and a parameter set to null is left out. `auth` says how the service
 * authenticates: its own key (the default), another key, or not at all.
 */
export async function pushRequest(
  testbed: Testbed,
  service: TestService,
  params: Record<string, string | null> = {},
  auth: 'assertion' | 'wrong-key' | 'none' = 'assertion',
): Promise<{ status: number; body: { error?: string; error_description?: string; request_uri?: string } }> {
  const defaults: Record<string, string> = {
    client_id: service.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid name',
    purpose: PURPOSE,
    state: 'state-1',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  };
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...defaults, ...params }))
    if (value !== null) form.set(name, value);
  if (auth !== 'none') {
    let key = service.signingKey;
    if (auth === 'wrong-key') {
      const other = await generateKeyPair('ES256', { extractable: true });
      key = { ...(await exportJWK(other.privateKey)), kid: service.signingKey.kid };
    }
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', await clientAssertion(testbed, service.clientId, key));
  }
  const response = await fetch(`${testbed.url}/consent/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** The whole flow for one authorization: the service pushes its request, the citizen signs in and answers. */
export async function consentTo(
  testbed: Testbed,
  service: TestService,
  options: { scopes?: string[]; decision?: 'approve' | 'decline'; browser?: Browser; username?: string } = {},
) {
  const client = service.client(options.scopes ? { scopes: options.scopes } : {});
  const { url, pending } = await client.begin();
  const browser = options.browser ?? new Browser();
  const page = await reachConsentPage(browser, testbed.url, url.href, options.username);
  if (page.status !== 200) throw new Error(`No consent page: ${page.status} ${page.text}`);
  const back = await answer(browser, testbed.url, page, { decision: options.decision ?? 'approve' });
  return { client, pending, page, back, browser, callback: back.next ? new URL(back.next) : null };
}
