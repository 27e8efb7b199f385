/** Registering consent clients: who may, and what a registration must hold. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { privateJwk, publicJwks } from '../support/fixtures.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`consent clients (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let steward: string;
    let otherSteward: string;
    let auditor: string;
    let jwks: Awaited<ReturnType<typeof publicJwks>>;
    let n = 0;
    const body = (changes: Record<string, unknown> = {}) => ({
      clientId: `service-${++n}`,
      name: 'Benefit application',
      redirectUris: ['https://apply.consumer.example/callback'],
      jwks,
      purposes: ['prefill'],
      ...changes,
    });
    const register = (changes: Record<string, unknown> = {}, token = steward) =>
      call(server.url, 'POST', '/api/v1/organizations/consumer/consent-clients', {
        token,
        body: body(changes),
      });

    before(async () => {
      server = await startTestServer(dialect);
      steward = (await server.user([{ role: 'data_steward', organization: 'consumer' }])).token;
      otherSteward = (await server.user([{ role: 'data_steward', organization: 'elsewhere' }])).token;
      auditor = (await server.user([{ role: 'auditor', organization: 'dpa' }])).token;
      const dpo = (await server.user([{ role: 'data_protection_officer', organization: 'consumer' }])).token;
      const purpose = await call(server.url, 'POST', '/api/v1/organizations/consumer/purposes', {
        token: dpo,
        body: {
          slug: 'prefill',
          title: 'Pre-filling',
          description: 'With your consent.',
          legalBasis: 'gdpr-6-1-a',
        },
      });
      assert.equal(purpose.status, 201, purpose.text);
      jwks = await publicJwks();
    });
    after(() => server?.close());

    test('a data steward registers a service; it is listed and read back as registered', async () => {
      const created = await register({ preview: true });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.organization, 'consumer');
      assert.deepEqual(created.body.purposes, ['prefill']);
      assert.equal(created.body.preview, true);
      const read = await call(
        server.url,
        'GET',
        `/api/v1/organizations/consumer/consent-clients/${created.body.clientId}`,
        {
          token: auditor,
        },
      );
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, created.body);
      const list = await call(server.url, 'GET', '/api/v1/organizations/consumer/consent-clients', {
        token: steward,
      });
      assert.ok(list.body.items.some((c: any) => c.clientId === created.body.clientId));
    });

    test('another organization’s steward can neither register for it nor read its services', async () => {
      const created = await register({}, otherSteward);
      assert.equal(created.status, 403);
      assert.equal(created.body.error.code, 'FORBIDDEN');
      const listed = await call(server.url, 'GET', '/api/v1/organizations/consumer/consent-clients', {
        token: otherSteward,
      });
      assert.equal(listed.status, 403);
    });

    test('a client ID is taken once across govdx', async () => {
      const first = await register({ clientId: 'unique-service' });
      assert.equal(first.status, 201, first.text);
      const again = await register({ clientId: 'unique-service' });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'ALREADY_EXISTS');
    });

    test('an unknown purpose is refused with INVALID_REFERENCE', async () => {
      const response = await register({ purposes: ['prefill', 'no-such-purpose'] });
      assert.equal(response.status, 422);
      assert.equal(response.body.error.code, 'INVALID_REFERENCE');
      assert.match(response.body.error.message, /no-such-purpose/);
    });

    test('private key material and key sets without a signing key are refused with INVALID_JWKS', async () => {
      const leaked = await register({ jwks: { keys: [await privateJwk()] } });
      assert.equal(leaked.status, 422);
      assert.equal(leaked.body.error.code, 'INVALID_JWKS');
      assert.match(leaked.body.error.message, /private key material/);
      const encryptionOnly = await register({
        jwks: { keys: [{ ...jwks.keys[0], use: 'enc', alg: 'ECDH-ES+A256KW' }] },
      });
      assert.equal(encryptionOnly.status, 422);
      assert.equal(encryptionOnly.body.error.code, 'INVALID_JWKS');
      assert.match(encryptionOnly.body.error.message, /no signing key/);
    });

    test('a redirect URI with a fragment, or not http(s), is refused', async () => {
      const fragment = await register({ redirectUris: ['https://apply.consumer.example/callback#x'] });
      assert.equal(fragment.status, 400);
      assert.equal(fragment.body.error.code, 'VALIDATION_FAILED');
      const scheme = await register({ redirectUris: ['javascript:alert(1)'] });
      assert.equal(scheme.status, 400);
      assert.equal(scheme.body.error.code, 'VALIDATION_FAILED');
    });
  });
}
