/**
 * Issue 14, finding 4: every response carries the security headers, whatever answers it: the API, the
 * web app, the API documentation, the identity provider and the consent server (Koa applications
 * mounted in Fastify), errors and unknown paths. test/browser/clickjacking.test.ts shows them at work.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/server.ts';

const PATHS = [
  '/api/v1/organizations',
  '/api/v1/organizations/nowhere',
  '/',
  '/my-data',
  '/docs',
  '/docs/static/index.html',
  '/openapi.json',
  '/idp/.well-known/openid-configuration',
  '/consent/.well-known/openid-configuration',
  '/exchange/jwks.json',
  '/exchange/v1/somewhere/something',
  '/healthz',
  '/no/such/path',
];

describe('security headers', () => {
  let server: TestServer;
  let secure: TestServer;
  let secureUrl: string;
  before(async () => {
    server = await startTestServer('sqlite');
    secure = await startTestServer('sqlite', { publicUrl: 'https://govdx.gov.example' });
    secureUrl = `http://127.0.0.1:${(secure.node.app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await server?.close();
    await secure?.close();
  });

  test('every response forbids framing and sniffing, keeps referrers, and allows no inline script', async () => {
    for (const path of PATHS) {
      const response = await call(server.url, 'GET', path, { headers: { accept: 'text/html' } });
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/, `${path}: ${csp}`);
      assert.match(csp, /script-src 'self'(;|$| 'sha256-)/, `${path}: scripts from govdx only`);
      assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(response.headers.get('strict-transport-security'), null, `${path}: not over http`);
    }
  });

  test('the web app’s page has no inline script', async () => {
    const page = await call(server.url, 'GET', '/', { headers: { accept: 'text/html' } });
    if (!page.text.includes('<div id="root"')) return; // the web app is not built here
    for (const script of page.text.match(/<script\b[^>]*>/g) ?? []) {
      assert.match(script, /\bsrc="/, `a script from a file: ${script}`);
    }
  });

  test('with an https public URL, browsers are told to use https only (HSTS)', async () => {
    for (const path of ['/api/v1/organizations', '/idp/.well-known/openid-configuration', '/']) {
      const response = await fetch(`${secureUrl}${path}`);
      assert.equal(response.headers.get('strict-transport-security'), 'max-age=31536000', path);
      await response.arrayBuffer();
    }
  });
});
