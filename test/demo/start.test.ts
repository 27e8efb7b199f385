import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { DEMO_ACCOUNTS, startDemo } from '../../src/demo/index.ts';
import { accessToken, readPrivateJwk } from '../../src/exchange/index.ts';
import { freePort } from '../../src/node/index.ts';
import { call } from '../support/server.ts';
import { DIALECTS, freshDatabase, freshStore, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`govdx demo (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    test('starts govdx and the provider APIs on a seeded store, and reseeds without duplicating', async () => {
      const database = await freshDatabase(dialect);
      const config = loadConfig({
        env: {},
        flags: {
          host: '127.0.0.1',
          port: await freePort('127.0.0.1'),
          dataDir: database.dataDir,
          logLevel: 'silent',
          demoPopulation: 200,
          demoProviderPort: 0,
          demoServicePort: 0,
        },
      });
      const settings = { ...config, databaseUrl: database.databaseUrl };
      try {
        for (const reseed of [false, true]) {
          const demo = await startDemo(settings, { reseed });
          try {
            const organizations = await call(demo.node.url, 'GET', '/api/v1/organizations?limit=50');
            assert.equal(organizations.status, 200, organizations.text);
            assert.equal(organizations.body.items.length, 9);

            // The housing benefit application runs beside govdx, registered at its consent server.
            const housing = demo.urls.find(([label]) => label.startsWith('Housing benefit application'))![1];
            const form = await fetch(housing);
            assert.equal(form.status, 200);
            assert.match(await form.text(), /Apply for housing benefit/);
            const start = await fetch(`${housing}start`, { redirect: 'manual' });
            assert.equal(start.status, 303, 'its pushed authorization request is accepted');
            const location = new URL(start.headers.get('location')!);
            assert.equal(`${location.origin}${location.pathname}`, `${demo.node.url}/consent/auth`);
            assert.match(
              location.searchParams.get('request_uri') ?? '',
              /^urn:ietf:params:oauth:request_uri:/,
            );

            const income = demo.urls.find(([label]) => label.startsWith('Tax agency'))![1];
            const citizen = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!;
            assert.ok(income.endsWith(`/income/${citizen.nationalId}`), income);
            const direct = await call(income, 'GET', '');
            assert.equal(direct.status, 401, 'the provider answers only requests that passed the exchange');
            // Through the exchange, as the Housing Agency's system, with the key the demo wrote for it.
            const keyFolder = demo.urls.find(([label]) => label === 'Demo system keys')![1].split(' ')[0]!;
            const systemKey = readPrivateJwk(join(keyFolder, 'housing-agency-benefit-system.private.jwk'));
            const token = await accessToken(systemKey, 'housing-agency/benefit-system', demo.node.url);
            const answer = await call(
              demo.node.url,
              'GET',
              `/exchange/v1/tax-agency/income/${citizen.nationalId}`,
              {
                token,
                headers: {
                  'data-purpose': 'housing-benefit-eligibility',
                  'data-subject': citizen.nationalId!,
                  'on-behalf-of': 'caseworker.17@housing.example',
                },
              },
            );
            assert.equal(answer.status, 200, answer.text);
            assert.equal(answer.body.national_id, citizen.nationalId);
            assert.equal(answer.body.employer, undefined, 'only the agreed fields');

            const services = await demo.node.store.db
              .selectFrom('services')
              .select('base_url')
              .where('slug', '=', 'income')
              .executeTakeFirstOrThrow();
            assert.equal(`${services.base_url}/${citizen.nationalId}`, income);
            const people = await demo.node.store.db
              .selectFrom('records')
              .innerJoin('datasets', 'datasets.id', 'records.dataset_id')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('datasets.slug', '=', 'population')
              .executeTakeFirstOrThrow();
            assert.equal(Number(people.n), 200);

            // After the first start, spoil a record: a reseed must write it afresh, a plain restart would not.
            const key = citizen.nationalId!;
            const record = () =>
              demo.node.store.db
                .selectFrom('records')
                .select('data')
                .where('key', '=', key)
                .executeTakeFirstOrThrow();
            if (!reseed) {
              await demo.node.store.db
                .updateTable('records')
                .set({ data: '{}' })
                .where('key', '=', key)
                .execute();
            } else {
              assert.equal(JSON.parse((await record()).data).national_id, key);
            }
          } finally {
            await demo.close();
          }
        }
      } finally {
        await database.remove();
      }
    });
  });
}

describe('govdx demo --reseed on PostgreSQL', { skip: await skipUnless('postgres') }, () => {
  test('refuses to empty a database that holds organizations other than the demo', async () => {
    const fresh = await freshStore('postgres');
    try {
      await fresh.store.db
        .insertInto('organizations')
        .values({
          id: crypto.randomUUID(),
          slug: 'real-ministry',
          name: 'A real ministry',
          kind: 'ministry',
          description: '',
          website: null,
          contact_email: null,
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        })
        .execute();
      const config = loadConfig({
        env: {},
        flags: {
          port: await freePort('127.0.0.1'),
          logLevel: 'silent',
          demoPopulation: 50,
          demoProviderPort: 0,
          demoServicePort: 0,
        },
      });
      await assert.rejects(
        startDemo({ ...config, dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl }, { reseed: true }),
        /Refusing to reseed.*real-ministry/,
      );
      const left = await fresh.store.db.selectFrom('organizations').select('slug').execute();
      assert.deepEqual(left, [{ slug: 'real-ministry' }]);
    } finally {
      await fresh.drop();
    }
  });
});
