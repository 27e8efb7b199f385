/**
 * Issue 14, finding 3: server-side request forgery. An organization could make govdx call inside the
 * network it runs in, through a system's JWKS URL or a service's provider address, and read from the
 * errors what answered there. Now every call out goes through the outbound guard; provider addresses
 * come from the platform admin's allow-list (each change on the ledger); and errors name no host.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { CLIENT_ASSERTION_TYPE, clientAssertion } from '../../src/exchange/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

/** A server inside the network: counts the calls it gets, answers every one with `status`. */
async function insider(status: number) {
  let calls = 0;
  const server: Server = createServer((_request, response) => {
    calls++;
    response.writeHead(status, { 'content-type': 'application/json' }).end('{"inside":"SECRET"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get calls() {
      return calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Insider = Awaited<ReturnType<typeof insider>>;

/** Nothing in `text` tells what answered inside: no host, no port, no status, no error text. */
function saysNothingOf(text: string, inside: Insider) {
  for (const telltale of ['127.0.0.1', String(inside.port), 'SECRET', '200 OK', 'ECONNREFUSED', 'private']) {
    assert.ok(!text.includes(telltale), `the answer mentions "${telltale}": ${text}`);
  }
}

async function lastEvents(server: TestServer, count: number) {
  const rows = await server.fresh.store.db
    .selectFrom('ledger_entries')
    .select('event')
    .orderBy('entry_index', 'desc')
    .limit(count)
    .execute();
  return rows.map((row) => JSON.parse(row.event) as Record<string, unknown>);
}

/** Registers a system of the tax agency whose keys are at `jwksUri`, and asks for a token as it. */
async function tokenAt(server: TestServer, orgAdmin: string, slug: string, jwksUri: string) {
  const registered = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/systems', {
    token: orgAdmin,
    body: { slug, name: slug, jwksUri },
  });
  assert.equal(registered.status, 201, registered.text);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' };
  return call(server.url, 'POST', '/oauth/token', {
    rawBody: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await clientAssertion(jwk, `tax-agency/${slug}`, server.url),
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

describe('a JWKS URL inside an allowed private network', () => {
  let server: TestServer;
  let failing: Insider;
  let orgAdmin: string;
  before(async () => {
    server = await startTestServer('sqlite', { outboundPrivateNetworks: 'true' });
    failing = await insider(500);
    orgAdmin = (await server.user([{ role: 'organization_admin', organization: 'tax-agency' }])).token;
  });
  after(async () => {
    await server?.close();
    await failing?.close();
  });

  test('that fails is reported only as keys that could not be fetched, not what answered', async () => {
    const response = await tokenAt(server, orgAdmin, 'probe-jwks-failing', `${failing.url}/jwks.json`);
    assert.equal(response.status, 401, response.text);
    assert.equal(response.body.code, 'ASSERTION_INVALID');
    assert.equal(failing.calls, 1, 'allowed, the address was called');
    saysNothingOf(response.text, failing);
    assert.match(response.body.error_description, /could not be fetched/);
  });
});

for (const dialect of DIALECTS) {
  describe(`server-side request forgery (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let ok: Insider;
    let failing: Insider;
    let admin: string;
    let orgAdmin: string;
    let steward: string;

    before(async () => {
      server = await startTestServer(dialect, { outboundPrivateNetworks: 'false' });
      ok = await insider(200);
      failing = await insider(500);
      admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
      orgAdmin = (await server.user([{ role: 'organization_admin', organization: 'tax-agency' }])).token;
      steward = (await server.user([{ role: 'data_steward', organization: 'tax-agency' }])).token;
      const dataset = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/datasets', {
        token: steward,
        body: {
          slug: 'income',
          title: 'Income',
          classification: 'confidential',
          keyField: 'national_id',
          fields: [{ name: 'national_id', type: 'string', sensitivity: 'personal' }],
        },
      });
      assert.equal(dataset.status, 201, dataset.text);
    });
    after(async () => {
      await server?.close();
      await ok?.close();
      await failing?.close();
    });

    /** Registers a system whose keys are at `jwksUri` and asks for a token as it; returns the answer. */
    function tokenFor(slug: string, jwksUri: string) {
      return tokenAt(server, orgAdmin, slug, jwksUri);
    }

    test('a JWKS URL inside the network is never fetched, and the refusal names nothing of it', async () => {
      const before = ok.calls;
      const response = await tokenFor('probe-jwks', `${ok.url}/jwks.json`);
      assert.equal(response.status, 401, response.text);
      assert.equal(response.body.code, 'ASSERTION_INVALID');
      assert.equal(ok.calls, before, 'govdx did not call the address inside the network');
      saysNothingOf(response.text, ok);
    });

    test('a steward cannot point a service at an address the platform admin has not allowed', async () => {
      const before = ok.calls;
      const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/services', {
        token: steward,
        body: {
          slug: 'probe',
          dataset: 'income',
          title: 'Probe',
          kind: 'proxied',
          baseUrl: `${ok.url}/admin`,
        },
      });
      assert.equal(created.status, 403, created.text);
      assert.equal(created.body.error.code, 'PROVIDER_NOT_ALLOWED');
      const listed = await call(server.url, 'GET', '/api/v1/organizations/tax-agency/services');
      assert.deepEqual(listed.body.items, [], 'nothing was registered');
      assert.equal(ok.calls, before);
    });

    test('only the platform admin keeps the allow-list, and each change is on the ledger', async () => {
      const origin = { origin: ok.url, privateNetwork: true, note: 'The tax agency API, inside our network' };
      for (const token of [steward, orgAdmin]) {
        const refused = await call(server.url, 'POST', '/api/v1/provider-origins', { token, body: origin });
        assert.equal(refused.status, 403, refused.text);
      }
      const added = await call(server.url, 'POST', '/api/v1/provider-origins', {
        token: admin,
        body: origin,
      });
      assert.equal(added.status, 201, added.text);
      assert.equal(added.body.origin, ok.url);
      const [addedEvent] = await lastEvents(server, 1);
      assert.equal(addedEvent!.kind, 'provider_origin.added');
      assert.equal(addedEvent!.origin, ok.url);
      assert.equal(addedEvent!.privateNetwork, true);

      const listed = await call(server.url, 'GET', '/api/v1/provider-origins', { token: admin });
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(
        listed.body.items.map((item: { origin: string }) => item.origin),
        [ok.url],
      );

      const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/services', {
        token: steward,
        body: {
          slug: 'allowed',
          dataset: 'income',
          title: 'Allowed',
          kind: 'proxied',
          baseUrl: `${ok.url}/income`,
        },
      });
      assert.equal(created.status, 201, created.text);
      const moved = await call(server.url, 'PATCH', '/api/v1/organizations/tax-agency/services/allowed', {
        token: steward,
        body: { baseUrl: `${failing.url}/income` },
      });
      assert.equal(moved.status, 403, moved.text);
      assert.equal(moved.body.error.code, 'PROVIDER_NOT_ALLOWED');

      const removed = await call(server.url, 'DELETE', `/api/v1/provider-origins/${added.body.id}`, {
        token: admin,
      });
      assert.equal(removed.status, 204, removed.text);
      const [removedEvent] = await lastEvents(server, 1);
      assert.equal(removedEvent!.kind, 'provider_origin.removed');
      assert.equal(removedEvent!.origin, ok.url);
    });
  });
}
