/**
 * `govdx catalog reindex` run as an operator runs it, against the database of a running node: an index
 * emptied behind the API's back is written anew, words and facets, and search finds the datasets again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { govdx } from '../support/cli.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

type Found = {
  total: number;
  items: Array<{ slug: string }>;
  facets: Record<string, Array<{ value: string }>>;
};

for (const dialect of DIALECTS) {
  describe(`govdx catalog reindex (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    const search = async (query: string) => {
      const response = await call<Found>(server.url, 'GET', `/catalog/search?${query}`);
      assert.equal(response.status, 200, response.text);
      return response.body;
    };

    before(async () => {
      server = await startTestServer(dialect);
      await server.organization('roads-agency', 'Roads Agency');
      const token = (await server.user([{ role: 'data_steward', organization: 'roads-agency' }])).token;
      for (const [slug, title, sensitivity] of [
        ['traffic-counts', 'Traffic counts', 'open'],
        ['driver-licences', 'Driver licences', 'personal'],
        ['road-works', 'Road works', 'internal'],
      ] as const) {
        const created = await call(server.url, 'POST', '/api/v1/organizations/roads-agency/datasets', {
          token,
          body: {
            slug,
            title,
            classification: 'internal',
            themes: ['TRAN'],
            fields: [{ name: 'id', type: 'string', sensitivity, description: '' }],
          },
        });
        assert.equal(created.status, 201, created.text);
      }
    });
    after(() => server?.close());

    test('an emptied search index is written anew, words and facets', async () => {
      assert.equal((await search('q=licences')).total, 1);
      const db = server.node.app.store.db;
      await db.deleteFrom('catalog_facets').execute();
      await db.deleteFrom('catalog_search').execute();
      assert.equal((await search('q=licences')).total, 0, 'the index is empty');

      const location =
        dialect === 'sqlite'
          ? ['--data-dir', server.fresh.dataDir]
          : ['--database-url', server.fresh.databaseUrl!];
      const result = await govdx(['catalog', 'reindex', ...location]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Indexed 3 dataset\(s\) for search in \d+\.\d s\.$/m);

      assert.deepEqual(
        (await search('q=licences')).items.map((i) => i.slug),
        ['driver-licences'],
      );
      const all = await search('');
      assert.equal(all.total, 3);
      assert.deepEqual(
        all.facets.theme!.map((f) => f.value),
        ['TRAN'],
      );
      assert.deepEqual(
        (await search('sensitivity=personal')).items.map((i) => i.slug),
        ['driver-licences'],
      );
    });
  });
}
