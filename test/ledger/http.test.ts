import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { accessToken } from '../../src/exchange/index.ts';
import {
  auditExport,
  checkReceipt,
  decodeEntryBundle,
  type EntryReceipt,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/index.ts';
import { publicJwks } from '../support/fixtures.ts';
import { breakLedgerWrites } from '../support/ledger.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

for (const dialect of DIALECTS) {
  describe(`ledger over HTTP (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let auditor: string;
    let admin: string;
    let citizen: string;
    let size: number;

    before(async () => {
      server = await startTestServer(dialect);
      auditor = (await server.user([{ role: 'auditor', organization: 'data-protection-authority' }])).token;
      admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
      citizen = await server.session((await server.user([], { nationalId: '38001010042' })).personId);
      const ledger = server.node.app.ledger;
      await Promise.all(
        Array.from({ length: 600 }, (_, i) =>
          ledger.append({ kind: 'access', subject: i % 100 === 42 ? '38001010042' : `390${i}`, n: i }),
        ),
      );
      size = 600;
    });
    after(() => server?.close());

    test('the checkpoint is a signed note: origin, size, base64 root, signature by the served key', async () => {
      const response = await fetch(`${server.url}/ledger/checkpoint`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      const note = await response.text();
      const origin = `${new URL(server.url).host}/ledger`;
      assert.match(
        note,
        new RegExp(`^${origin}\\n600\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 ${origin} [A-Za-z0-9+/]+=*\\n$`),
      );
      const key = (await call(server.url, 'GET', '/ledger/key')).text.trim();
      assert.equal(openCheckpoint(note, [parseVerifierKey(key)]).size, 600);
    });

    test('tiles and entry bundles are served as tlog-tiles, with long caching only for full ones', async () => {
      const full = await fetch(`${server.url}/ledger/tile/0/000`);
      assert.equal(full.status, 200);
      assert.equal(full.headers.get('content-type'), 'application/octet-stream');
      assert.equal(full.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const leaves = await bytes(full);
      assert.equal(leaves.length, 256 * 32);

      const bundle = decodeEntryBundle(await bytes(await fetch(`${server.url}/ledger/tile/entries/000`)));
      assert.equal(bundle.length, 256);
      for (const [i, entry] of bundle.entries()) {
        assert.ok(leafHash(entry).equals(leaves.subarray(i * 32, i * 32 + 32)));
      }

      const partial = await fetch(`${server.url}/ledger/tile/0/002.p/88`);
      assert.equal(partial.status, 200);
      assert.equal(partial.headers.get('cache-control'), 'public, max-age=60');
      assert.equal((await bytes(partial)).length, 88 * 32);

      const level1 = await bytes(await fetch(`${server.url}/ledger/tile/1/000.p/2`));
      assert.ok(
        level1
          .subarray(0, 32)
          .equals(rootOf(Array.from({ length: 256 }, (_, i) => leaves.subarray(i * 32, i * 32 + 32)))),
      );
    });

    test('tiles not there yet are 404; malformed tile paths are refused', async () => {
      const expected: Array<[string, number]> = [
        ['/ledger/tile/0/002', 404],
        ['/ledger/tile/0/002.p/89', 404],
        ['/ledger/tile/entries/003.p/1', 404],
        ['/ledger/tile/1/000', 404],
        ['/ledger/tile/7/000', 404],
        ['/ledger/tile/0/x000/002', 404],
        ['/ledger/tile/0/000.p/256', 404],
        ['/ledger/tile/00/000', 400],
        ['/ledger/tile/0/2', 400],
      ];
      for (const [path, status] of expected) {
        const response = await call(server.url, 'GET', path);
        assert.equal(response.status, status, path);
        assert.equal(response.body.error.code, status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', path);
      }
    });

    test('inclusion and consistency proofs verify against the checkpoint', async () => {
      const checkpoint = openCheckpoint(await (await fetch(`${server.url}/ledger/checkpoint`)).text(), [
        parseVerifierKey((await call(server.url, 'GET', '/ledger/key')).text),
      ]);
      const inclusion = await call(server.url, 'GET', `/ledger/proof/inclusion?index=321&size=${size}`);
      assert.equal(inclusion.status, 200, inclusion.text);
      const b = (s: string) => Buffer.from(s, 'base64');
      assert.ok(
        verifyInclusion(
          b(inclusion.body.leafHash),
          321,
          size,
          inclusion.body.hashes.map(b),
          checkpoint.rootHash,
        ),
      );
      const consistency = await call(server.url, 'GET', `/ledger/proof/consistency?from=100&to=${size}`);
      assert.equal(consistency.status, 200, consistency.text);
      assert.ok(
        verifyConsistency(
          100,
          size,
          b(consistency.body.fromRootHash),
          checkpoint.rootHash,
          consistency.body.hashes.map(b),
        ),
      );
      const beyond = await call(server.url, 'GET', `/ledger/proof/inclusion?index=1&size=${size + 1}`);
      assert.equal(beyond.status, 400);
      assert.equal(beyond.body.error.code, 'PROOF_OUT_OF_RANGE');
      const backwards = await call(server.url, 'GET', '/ledger/proof/consistency?from=9&to=3');
      assert.equal(backwards.body.error.code, 'PROOF_OUT_OF_RANGE');
      const text = await call(server.url, 'GET', '/ledger/proof/inclusion?index=one&size=3');
      assert.equal(text.body.error.code, 'VALIDATION_FAILED');
    });

    test('a citizen reads an event about them, with a receipt that checks out; not one about somebody else', async () => {
      const key = parseVerifierKey((await call(server.url, 'GET', '/ledger/key')).text);
      const own = await call<EntryReceipt>(server.url, 'GET', '/ledger/entries/142', { session: citizen });
      assert.equal(own.status, 200, own.text);
      assert.equal(own.body.event.subject, '38001010042');
      assert.equal(checkReceipt(own.body, key).ok, true);
      const other = await call(server.url, 'GET', '/ledger/entries/143', { session: citizen });
      assert.equal(other.status, 403);
      assert.equal(other.body.error.code, 'FORBIDDEN');
      assert.equal((await call(server.url, 'GET', '/ledger/entries/143')).status, 401);
      assert.equal((await call(server.url, 'GET', '/ledger/entries/143', { token: auditor })).status, 200);
      assert.equal((await call(server.url, 'GET', '/ledger/entries/143', { token: admin })).status, 403);
      assert.equal((await call(server.url, 'GET', '/ledger/entries/99999', { token: auditor })).status, 404);
    });

    test('an auditor exports every event with its salt, and the export audits clean', async () => {
      const response = await fetch(`${server.url}/ledger/export`, {
        headers: { authorization: `Bearer ${auditor}` },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
      const lines = (await response.text()).split('\n').filter(Boolean);
      const header = JSON.parse(lines[0]!);
      assert.equal(lines.length, header.treeSize + 1);
      const key = parseVerifierKey((await call(server.url, 'GET', '/ledger/key')).text);
      const report = await auditExport(
        (async function* () {
          yield* lines;
        })(),
        { verifier: key, prefix: `${server.url}/ledger` },
      );
      assert.deepEqual(report.problems, []);
      assert.equal(report.entries, header.treeSize);
    });

    test('the export is refused to platform admins, citizens and anonymous callers', async () => {
      for (const [caller, status] of [
        [{ token: admin }, 403],
        [{ session: citizen }, 403],
        [{}, 401],
      ] as const) {
        const response = await call(server.url, 'GET', '/ledger/export', caller);
        assert.equal(response.status, status);
      }
    });

    test("rotating a system's keys is recorded on the ledger", async () => {
      const { token } = await server.user([{ role: 'organization_admin', organization: 'tax-agency' }]);
      const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/systems', {
        token,
        body: { slug: 'benefits', name: 'Benefits', jwks: await publicJwks('k1') },
      });
      assert.equal(created.status, 201, created.text);
      const before = (await server.node.app.ledger.treeHead()).size;
      const renamed = await call(server.url, 'PATCH', '/api/v1/organizations/tax-agency/systems/benefits', {
        token,
        body: { name: 'Benefits system' },
      });
      assert.equal(renamed.status, 200);
      assert.equal(
        JSON.parse((await server.node.app.ledger.entry(before)).event).kind,
        'system.changed',
        'a rename is recorded, and is not a key rotation',
      );
      const rotated = await call(server.url, 'PATCH', '/api/v1/organizations/tax-agency/systems/benefits', {
        token,
        body: { jwks: await publicJwks('k2') },
      });
      assert.equal(rotated.status, 200, rotated.text);
      const entry = await server.node.app.ledger.entry(before + 1);
      const event = JSON.parse(entry.event);
      assert.equal(event.kind, 'system.key_rotated');
      assert.equal(event.system, 'benefits');
      assert.deepEqual(event.keyIds, ['k2']);
      assert.equal(entry.subject, null);
    });

    test("without the ledger a system's new keys are not taken, and a removed key is gone at once", async () => {
      const { token } = await server.user([{ role: 'organization_admin', organization: 'tax-agency' }]);
      const pair = async (kid: string) => {
        const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
        const jwk = { kid, alg: 'ES256' };
        return {
          public: { ...(await exportJWK(publicKey)), ...jwk, use: 'sig' },
          private: { ...(await exportJWK(privateKey)), ...jwk },
        };
      };
      const [k1, k2, k3] = [await pair('k1'), await pair('k2'), await pair('k3')];
      const path = '/api/v1/organizations/tax-agency/systems/payroll';
      const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/systems', {
        token,
        body: { slug: 'payroll', name: 'Payroll', jwks: { keys: [k1.public, k2.public] } },
      });
      assert.equal(created.status, 201, created.text);
      const keyIds = async () =>
        (await call(server.url, 'GET', path, { token })).body.jwks.keys.map((k: { kid: string }) => k.kid);
      const restore = await breakLedgerWrites(server.fresh.store);
      try {
        const added = await call(server.url, 'PATCH', path, { token, body: { jwks: { keys: [k3.public] } } });
        assert.equal(added.status, 503, added.text);
        assert.equal(added.body.error.code, 'LEDGER_UNAVAILABLE');
        assert.deepEqual(await keyIds(), ['k1', 'k2'], 'the new key was not taken');
        const removed = await call(server.url, 'PATCH', path, {
          token,
          body: { jwks: { keys: [k2.public] } },
        });
        assert.equal(removed.status, 503, removed.text);
        assert.match(removed.body.error.message, /The change is made/);
        assert.deepEqual(await keyIds(), ['k2']);
      } finally {
        await restore();
      }
      // The exchange forgot the removed key at once: it no longer gets the system a token; the kept one does.
      await assert.rejects(accessToken(k1.private, 'tax-agency/payroll', server.url), /refused/);
      assert.ok(await accessToken(k2.private, 'tax-agency/payroll', server.url));
      await assert.rejects(accessToken(k3.private, 'tax-agency/payroll', server.url), /refused/);
    });

    test('disabling and enabling a system are recorded; without the ledger a disabling stands, an enabling does not', async () => {
      const { token } = await server.user([{ role: 'organization_admin', organization: 'tax-agency' }]);
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const key = { kid: 'only', alg: 'ES256' };
      const path = '/api/v1/organizations/tax-agency/systems/archive';
      const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/systems', {
        token,
        body: {
          slug: 'archive',
          name: 'Archive',
          jwks: { keys: [{ ...(await exportJWK(publicKey)), ...key }] },
        },
      });
      assert.equal(created.status, 201, created.text);
      const ledger = server.node.app.ledger;
      const status = async (value: string) =>
        call(server.url, 'PATCH', path, { token, body: { status: value } });
      const recorded = async (expected: string) => {
        const size = (await ledger.treeHead()).size;
        assert.equal(JSON.parse((await ledger.entry(size - 1)).event).kind, expected);
      };
      assert.equal((await status('disabled')).status, 200);
      await recorded('system.disabled');
      assert.equal((await status('active')).status, 200);
      await recorded('system.enabled');
      const signingKey = { ...(await exportJWK(privateKey)), ...key };
      assert.ok(await accessToken(signingKey, 'tax-agency/archive', server.url));

      const restore = await breakLedgerWrites(server.fresh.store);
      try {
        const disabled = await status('disabled');
        assert.equal(disabled.status, 503, disabled.text);
        assert.match(disabled.body.error.message, /The change is made/);
        const enabled = await status('active');
        assert.equal(enabled.status, 503, enabled.text);
        assert.match(enabled.body.error.message, /were not taken/);
      } finally {
        await restore();
      }
      assert.equal((await call(server.url, 'GET', path, { token })).body.status, 'disabled');
      await assert.rejects(accessToken(signingKey, 'tax-agency/archive', server.url), /refused/);
    });

    test('the ledger routes are in the OpenAPI document', async () => {
      const doc = (await call(server.url, 'GET', '/openapi.json')).body;
      for (const path of [
        '/ledger/checkpoint',
        '/ledger/proof/inclusion',
        '/ledger/proof/consistency',
        '/ledger/export',
      ]) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
}
