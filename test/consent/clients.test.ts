/** Registering consent clients: who may, and what a registration must hold. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { privateJwk, publicJwks } from '../support/fixtures.ts';
import { breakLedgerWrites } from '../support/ledger.ts';
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

    test('a steward changes a service; each change is on the ledger, a rename of nothing is not', async () => {
      const created = await register();
      assert.equal(created.status, 201, created.text);
      const path = `/api/v1/organizations/consumer/consent-clients/${created.body.clientId}`;
      const patch = (body: Record<string, unknown>, token = steward) =>
        call(server.url, 'PATCH', path, { token, body });
      const ledger = server.node.app.ledger;

      let size = (await ledger.treeHead()).size;
      const same = await patch({ name: 'Benefit application' });
      assert.equal(same.status, 200, same.text);
      assert.equal((await ledger.treeHead()).size, size, 'nothing changed, nothing recorded');

      const rotated = await publicJwks('rotated-key');
      const changed = await patch({
        name: 'Benefit application (new)',
        redirectUris: ['https://apply.consumer.example/return'],
        jwks: rotated,
        preview: true,
      });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.body.name, 'Benefit application (new)');
      assert.deepEqual(changed.body.redirectUris, ['https://apply.consumer.example/return']);
      assert.deepEqual(
        changed.body.jwks.keys.map((k: { kid: string }) => k.kid),
        ['rotated-key'],
      );
      assert.equal(changed.body.preview, true);
      assert.deepEqual(changed.body.purposes, ['prefill'], 'what the change leaves out is kept');
      const read = await call(server.url, 'GET', path, { token: auditor });
      assert.deepEqual(read.body, changed.body);

      const event = JSON.parse((await ledger.entry(size)).event);
      assert.equal(event.kind, 'consent_client.changed');
      assert.equal(event.client, created.body.clientId);
      assert.deepEqual(event.changed, ['name', 'redirectUris', 'jwks', 'preview']);
      assert.deepEqual(event.keyIds, ['rotated-key']);
      assert.deepEqual(event.redirectUris, ['https://apply.consumer.example/return']);
      size += 1;
      assert.equal((await ledger.treeHead()).size, size);
    });

    test('without the ledger, a change that adds is undone; one that only takes away stands', async () => {
      const [first, second] = [await publicJwks('first-key'), await publicJwks('second-key')];
      const created = await register({
        jwks: { keys: [...first.keys, ...second.keys] },
        redirectUris: ['https://apply.consumer.example/a', 'https://apply.consumer.example/b'],
      });
      assert.equal(created.status, 201, created.text);
      const path = `/api/v1/organizations/consumer/consent-clients/${created.body.clientId}`;
      const restore = await breakLedgerWrites(server.fresh.store);
      try {
        const added = await call(server.url, 'PATCH', path, {
          token: steward,
          body: { jwks: await publicJwks('third-key'), redirectUris: ['https://elsewhere.example/x'] },
        });
        assert.equal(added.status, 503, added.text);
        assert.equal(added.body.error.code, 'LEDGER_UNAVAILABLE');
        assert.match(added.body.error.message, /so it was not made/);
        const unchanged = await call(server.url, 'GET', path, { token: steward });
        assert.deepEqual(unchanged.body.jwks, created.body.jwks, 'the keys are as they were');
        assert.deepEqual(unchanged.body.redirectUris, created.body.redirectUris);

        // Removing a (leaked) key must not wait for the ledger.
        const removed = await call(server.url, 'PATCH', path, { token: steward, body: { jwks: second } });
        assert.equal(removed.status, 503, removed.text);
        assert.match(removed.body.error.message, /The change is made/);
        const now = await call(server.url, 'GET', path, { token: steward });
        assert.deepEqual(
          now.body.jwks.keys.map((k: { kid: string }) => k.kid),
          ['second-key'],
        );
      } finally {
        await restore();
      }
      const recorded = await call(server.url, 'PATCH', path, {
        token: steward,
        body: { name: 'Back on record' },
      });
      assert.equal(recorded.status, 200, recorded.text);
    });

    test('a change is checked as a registration is, and refused whole', async () => {
      const created = await register();
      assert.equal(created.status, 201, created.text);
      const path = `/api/v1/organizations/consumer/consent-clients/${created.body.clientId}`;
      const refusals: Array<[Record<string, unknown>, number, string]> = [
        [{ jwks: { keys: [await privateJwk()] } }, 422, 'INVALID_JWKS'],
        [{ name: 'Renamed', purposes: ['no-such-purpose'] }, 422, 'INVALID_REFERENCE'],
        [{ redirectUris: ['https://apply.consumer.example/callback#x'] }, 400, 'VALIDATION_FAILED'],
        [{ redirectUris: [] }, 400, 'VALIDATION_FAILED'],
        [
          { redirectUris: ['https://apply.consumer.example/a', 'https://other.consumer.example/b'] },
          400,
          'VALIDATION_FAILED',
        ],
        [{}, 400, 'VALIDATION_FAILED'],
        [{ clientId: 'another-id' }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [body, status, code] of refusals) {
        const response = await call(server.url, 'PATCH', path, { token: steward, body });
        assert.equal(response.status, status, JSON.stringify(body));
        assert.equal(response.body.error.code, code, JSON.stringify(body));
      }
      const read = await call(server.url, 'GET', path, { token: steward });
      assert.deepEqual(read.body, created.body, 'nothing of a refused change was kept');

      const other = await call(server.url, 'PATCH', path, {
        token: otherSteward,
        body: { name: 'Mine now' },
      });
      assert.equal(other.status, 403);
      const missing = await call(
        server.url,
        'PATCH',
        '/api/v1/organizations/consumer/consent-clients/no-such-service',
        { token: steward, body: { name: 'X' } },
      );
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'NOT_FOUND');
    });
  });
}
