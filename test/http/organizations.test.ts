import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`organizations API (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let admin: string;
    let orgAdmin: string;
    let steward: string;

    before(async () => {
      server = await startTestServer(dialect);
      admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
      orgAdmin = (await server.user([{ role: 'organization_admin', organization: 'tax-agency' }])).token;
      steward = (await server.user([{ role: 'data_steward', organization: 'tax-agency' }])).token;
    });
    after(() => server?.close());

    test('a platform admin registers an organization and anyone signed in reads it', async () => {
      const created = await call(server.url, 'POST', '/api/v1/organizations', {
        token: admin,
        body: {
          slug: 'housing-agency',
          name: 'Housing Agency',
          kind: 'agency',
          contactEmail: 'info@housing.example',
        },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.slug, 'housing-agency');
      assert.equal(created.body.contactEmail, 'info@housing.example');

      const read = await call(server.url, 'GET', '/api/v1/organizations/housing-agency', { token: steward });
      assert.equal(read.status, 200);
      assert.equal(read.body.name, 'Housing Agency');
    });

    test('registering the same slug twice is refused with ALREADY_EXISTS and keeps the first', async () => {
      const body = { slug: 'twice', name: 'First', kind: 'agency' };
      assert.equal(
        (await call(server.url, 'POST', '/api/v1/organizations', { token: admin, body })).status,
        201,
      );
      const again = await call(server.url, 'POST', '/api/v1/organizations', {
        token: admin,
        body: { ...body, name: 'Second' },
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'ALREADY_EXISTS');
      const read = await call(server.url, 'GET', '/api/v1/organizations/twice', { token: admin });
      assert.equal(read.body.name, 'First');
    });

    test('an organization admin changes their own organization but not another', async () => {
      const own = await call(server.url, 'PATCH', '/api/v1/organizations/tax-agency', {
        token: orgAdmin,
        body: { name: 'Tax and Customs Board' },
      });
      assert.equal(own.status, 200, own.text);
      assert.equal(own.body.name, 'Tax and Customs Board');
      const other = await call(server.url, 'PATCH', '/api/v1/organizations/digital-agency', {
        token: orgAdmin,
        body: { name: 'Mine now' },
      });
      assert.equal(other.status, 403);
      assert.equal(other.body.error.code, 'FORBIDDEN');
    });

    test('a data steward cannot register organizations', async () => {
      const response = await call(server.url, 'POST', '/api/v1/organizations', {
        token: steward,
        body: { slug: 'nope', name: 'Nope', kind: 'agency' },
      });
      assert.equal(response.status, 403);
      assert.equal(response.body.error.code, 'FORBIDDEN');
    });

    test('anyone may read the directory of organizations, but changing it needs credentials', async () => {
      const read = await call(server.url, 'GET', '/api/v1/organizations');
      assert.equal(read.status, 200);
      const write = await call(server.url, 'POST', '/api/v1/organizations', {
        body: { slug: 'anon', name: 'Anon', kind: 'agency' },
      });
      assert.equal(write.status, 401);
      assert.equal(write.body.error.code, 'UNAUTHENTICATED');
    });

    test('pages walk every organization exactly once, in slug order', async () => {
      for (let i = 0; i < 7; i += 1) {
        await call(server.url, 'POST', '/api/v1/organizations', {
          token: admin,
          body: { slug: `page-org-${i}`, name: `Page org ${i}`, kind: 'municipality' },
        });
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
        const page = await call(server.url, 'GET', `/api/v1/organizations${query}`, { token: admin });
        assert.equal(page.status, 200, page.text);
        assert.ok(page.body.items.length <= 3);
        seen.push(...page.body.items.map((o: { slug: string }) => o.slug));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 50);
      const all = await call(server.url, 'GET', '/api/v1/organizations?limit=200', { token: admin });
      assert.deepEqual(
        seen,
        all.body.items.map((o: { slug: string }) => o.slug),
      );
      assert.deepEqual(seen, [...seen].sort());
      assert.equal(new Set(seen).size, seen.length);
      assert.ok(seen.includes('page-org-6'));
    });
  });
}
