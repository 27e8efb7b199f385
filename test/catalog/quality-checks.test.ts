/**
 * Data-quality checks of a hosted dataset's records, through the admin API on both dialects: exact
 * completeness and validity per field, duplicate key values, freshness, history, and who may ask.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDataset } from '../../src/catalog/index.ts';
import { putRecords } from '../../src/registry/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const CHECKS = '/api/v1/organizations/registry/datasets/people/quality-checks';
const FIELDS = [
  { name: 'id', type: 'string', sensitivity: 'internal' },
  { name: 'name', type: 'string', sensitivity: 'personal' },
  { name: 'age', type: 'integer', sensitivity: 'personal' },
  { name: 'born', type: 'date', sensitivity: 'personal' },
  { name: 'active', type: 'boolean', sensitivity: 'internal' },
  { name: 'address.postcode', type: 'string', sensitivity: 'personal' },
] as const;

/**
 * Five records with known defects, and what a check must find in them (counted by hand):
 *   id       present 5 (A, B, B, C, C), all text                     → 100 %, 100 %
 *   name     k2 is blank                  → present 4, valid 4       →  80 %, 100 %
 *   age      k4 has none; "31" and 40.5 are no integers → 4, 2      →  80 %,  50 %
 *   born     k4 is null; 1990-02-30 and 2001-13-01 are no dates → 4, 2 → 80 %, 50 %
 *   active   "yes" is no boolean          → present 5, valid 4       → 100 %,  80 %
 *   postcode k3 has no address; k4's is a number → present 4, valid 3 → 80 %,  75 %
 * All cells: 26 of 30 present = 86.67 %; 20 of 26 valid = 76.92 %.
 * Key field id: B and C are each held by two records → 4 duplicate records, 2 duplicate values.
 */
const RECORDS = [
  {
    key: 'k1',
    data: { id: 'A', name: 'Ann', age: 30, born: '1990-02-28', active: true, address: { postcode: '10115' } },
  },
  {
    key: 'k2',
    data: {
      id: 'B',
      name: '  ',
      age: '31',
      born: '1990-02-30',
      active: false,
      address: { postcode: '10117' },
    },
  },
  { key: 'k3', data: { id: 'B', name: 'Bo', age: 40.5, born: '1985-07-01', active: 'yes', address: null } },
  { key: 'k4', data: { id: 'C', name: 'Cy', born: null, active: true, address: { postcode: 10119 } } },
  {
    key: 'k5',
    data: { id: 'C', name: 'Di', age: 22, born: '2001-13-01', active: true, address: { postcode: '10120' } },
  },
];
const EXPECTED_FIELDS = [
  { name: 'id', type: 'string', present: 5, valid: 5, completeness: 100, validity: 100 },
  { name: 'name', type: 'string', present: 4, valid: 4, completeness: 80, validity: 100 },
  { name: 'age', type: 'integer', present: 4, valid: 2, completeness: 80, validity: 50 },
  { name: 'born', type: 'date', present: 4, valid: 2, completeness: 80, validity: 50 },
  { name: 'active', type: 'boolean', present: 5, valid: 4, completeness: 100, validity: 80 },
  { name: 'address.postcode', type: 'string', present: 4, valid: 3, completeness: 80, validity: 75 },
];

for (const dialect of DIALECTS) {
  describe(`data-quality checks of hosted datasets (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};

    const asSteward = (method: string, path: string, body?: unknown) =>
      call(server.url, method, path, { token: tokens.steward!, ...(body !== undefined ? { body } : {}) });
    const datasetId = async (slug: string) =>
      (
        await server.fresh.store.db
          .selectFrom('datasets')
          .select('id')
          .where('slug', '=', slug)
          .executeTakeFirstOrThrow()
      ).id;

    before(async () => {
      server = await startTestServer(dialect, { qualityCheckHours: 0 });
      tokens.steward = (await server.user([{ role: 'data_steward', organization: 'registry' }])).token;
      tokens.orgAdmin = (await server.user([{ role: 'organization_admin', organization: 'registry' }])).token;
      tokens.otherSteward = (await server.user([{ role: 'data_steward', organization: 'elsewhere' }])).token;
      tokens.citizen = (await server.user([], { nationalId: 'EX100000017' })).token;
      tokens.admin = (await server.user([{ role: 'platform_admin', organization: 'operator' }])).token;
      for (const [slug, classification] of [
        ['people', 'public'],
        ['secret', 'restricted'],
      ] as const) {
        const created = await asSteward('POST', '/api/v1/organizations/registry/datasets', {
          slug,
          title: slug,
          classification,
          keyField: 'id',
          updateFrequency: 'DAILY',
          fields: FIELDS,
        });
        assert.equal(created.status, 201, created.text);
        ids[slug] = created.body.id;
      }
      // Stale on purpose: written long ago, for a dataset that says it changes every day.
      await server.fresh.store.db
        .insertInto('records')
        .values(
          RECORDS.map((r) => ({
            dataset_id: ids.people!,
            key: r.key,
            data: JSON.stringify(r.data),
            updated_at: '2020-01-01T00:00:00.000Z',
          })),
        )
        .execute();
    });
    after(() => server?.close());

    test('a check counts completeness, validity and duplicate keys exactly, and finds stale data', async () => {
      const run = await asSteward('POST', CHECKS, {});
      assert.equal(run.status, 201, run.text);
      assert.equal(run.body.records, 5);
      assert.deepEqual(run.body.fields, EXPECTED_FIELDS);
      assert.equal(run.body.keyField, 'id');
      assert.equal(run.body.duplicateRecords, 4);
      assert.equal(run.body.duplicateValues, 2);
      assert.deepEqual(run.body.freshness, {
        status: 'stale',
        lastUpdated: '2020-01-01T00:00:00.000Z',
        updateFrequency: 'DAILY',
        periodDays: 1,
      });
      assert.equal(run.body.summary.completeness, 86.67);
      assert.equal(run.body.summary.validity, 76.92);
      assert.equal(run.body.trigger, 'person');
      assert.equal(run.body.triggeredBy.name.length > 0, true);
      // One finding per defect: 4 incomplete fields, 4 fields with invalid values, duplicates, staleness.
      assert.equal(run.body.summary.findings.length, 10, run.body.summary.findings.join('\n'));
      assert.ok(
        run.body.summary.findings.some((f: string) =>
          f.includes('"age" is not a valid integer in 2 of the 4'),
        ),
      );
    });

    test('fresh data within its period is fresh; a dataset without a frequency is unknown', async () => {
      await server.fresh.store.db
        .updateTable('records')
        .set({ updated_at: new Date().toISOString() })
        .where('dataset_id', '=', ids.people!)
        .execute();
      const annual = await asSteward('PATCH', '/api/v1/organizations/registry/datasets/people', {
        updateFrequency: 'ANNUAL',
      });
      assert.equal(annual.status, 200, annual.text);
      const fresh = await asSteward('POST', CHECKS, {});
      assert.equal(fresh.body.freshness.status, 'fresh');
      assert.equal(fresh.body.freshness.periodDays, 366);
      await asSteward('PATCH', '/api/v1/organizations/registry/datasets/people', { updateFrequency: null });
      const unknown = await asSteward('POST', CHECKS, {});
      assert.equal(unknown.body.freshness.status, 'unknown');
      assert.ok(!unknown.body.summary.findings.some((f: string) => f.includes('last updated')));
    });

    test('every run is kept: the history lists them newest first, a page at a time', async () => {
      const before = await asSteward('GET', `${CHECKS}?limit=200`);
      const made = await asSteward('POST', CHECKS, {});
      const history = await asSteward('GET', `${CHECKS}?limit=200`);
      assert.equal(history.status, 200, history.text);
      assert.equal(history.body.items.length, before.body.items.length + 1);
      assert.equal(history.body.items[0].id, made.body.id);
      assert.equal(history.body.items.length, 4);
      const first = await asSteward('GET', `${CHECKS}?limit=3`);
      const second = await asSteward(
        'GET',
        `${CHECKS}?limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      assert.deepEqual(
        [...first.body.items, ...second.body.items].map((r: { id: string }) => r.id),
        history.body.items.map((r: { id: string }) => r.id),
      );
      assert.equal(second.body.nextCursor, null);
    });

    test('records are read in batches: 2,500 records with 3 shared keys are all counted', async () => {
      const big = await asSteward('POST', '/api/v1/organizations/registry/datasets', {
        slug: 'big',
        title: 'Big',
        classification: 'internal',
        keyField: 'code',
        fields: [{ name: 'code', type: 'integer', sensitivity: 'open' }],
      });
      assert.equal(big.status, 201, big.text);
      // Codes 0..2496 once, and 7, 8, 9 a second time: 2,500 records, 6 sharing 3 values.
      const records = Array.from({ length: 2500 }, (_, i) => ({
        key: `r${String(i).padStart(5, '0')}`,
        data: { code: i < 2497 ? i : i - 2490 },
      }));
      await putRecords(server.fresh.store.db, big.body.id, records);
      const run = await asSteward('POST', '/api/v1/organizations/registry/datasets/big/quality-checks', {});
      assert.equal(run.status, 201, run.text);
      assert.equal(run.body.records, 2500);
      assert.deepEqual(run.body.fields[0], {
        name: 'code',
        type: 'integer',
        present: 2500,
        valid: 2500,
        completeness: 100,
        validity: 100,
      });
      assert.equal(run.body.duplicateRecords, 6);
      assert.equal(run.body.duplicateValues, 3);
    });

    test('a dataset another node is checking is refused with CONFLICT; a lapsed claim is taken over', async () => {
      const db = server.fresh.store.db;
      await db
        .insertInto('quality_check_claims')
        .values({ dataset_id: ids.people!, claim_id: 'other-node', expires_at: '2999-01-01T00:00:00.000Z' })
        .execute();
      const busy = await asSteward('POST', CHECKS, {});
      assert.equal(busy.status, 409, busy.text);
      assert.equal(busy.body.error.code, 'CONFLICT');
      await db
        .updateTable('quality_check_claims')
        .set({ expires_at: '2000-01-01T00:00:00.000Z' })
        .where('claim_id', '=', 'other-node')
        .execute();
      const taken = await asSteward('POST', CHECKS, {});
      assert.equal(taken.status, 201, taken.text);
      const claims = await db.selectFrom('quality_check_claims').selectAll().execute();
      assert.deepEqual(claims, [], 'the claim is released after the run');
    });

    test('only the stewards and administrators of the organization may see or run checks', async () => {
      for (const who of ['citizen', 'otherSteward']) {
        for (const method of ['GET', 'POST']) {
          const refused = await call(server.url, method, CHECKS, {
            token: tokens[who]!,
            ...(method === 'POST' ? { body: {} } : {}),
          });
          assert.equal(refused.status, 403, `${who} ${method}: ${refused.text}`);
          assert.equal(refused.body.error.code, 'FORBIDDEN');
        }
      }
      const anonymous = await call(server.url, 'GET', CHECKS);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error.code, 'UNAUTHENTICATED');
      for (const who of ['orgAdmin', 'admin']) {
        const allowed = await call(server.url, 'POST', CHECKS, { token: tokens[who]!, body: {} });
        assert.equal(allowed.status, 201, `${who}: ${allowed.text}`);
      }
      const unknownField = await asSteward('POST', CHECKS, { now: true });
      assert.equal(unknownField.status, 400);
      assert.equal(unknownField.body.error.code, 'VALIDATION_FAILED');
      const missing = await asSteward(
        'GET',
        '/api/v1/organizations/registry/datasets/nothing/quality-checks',
      );
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'NOT_FOUND');
    });

    test('the public sees the latest check of open datasets only', async () => {
      const history = await asSteward('GET', `${CHECKS}?limit=1`);
      const open = await call(server.url, 'GET', '/catalog/quality/datasets/registry/people');
      assert.equal(open.status, 200, open.text);
      assert.equal(open.body.checks.id, history.body.items[0].id);
      const run = await asSteward(
        'POST',
        '/api/v1/organizations/registry/datasets/secret/quality-checks',
        {},
      );
      assert.equal(run.status, 201, run.text);
      const closed = await call(server.url, 'GET', '/catalog/quality/datasets/registry/secret');
      assert.equal(closed.status, 200, closed.text);
      assert.equal(closed.body.checks, null);
      assert.equal(await datasetId('secret'), ids.secret);
    });
  });

  describe(`scheduled data-quality checks (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(
        dialect,
        { qualityCheckHours: 1 },
        {
          prepare: async (fresh) => {
            const id = crypto.randomUUID();
            const now = new Date().toISOString();
            await fresh.store.db
              .insertInto('organizations')
              .values({
                id,
                slug: 'registry',
                name: 'Registry',
                kind: 'agency',
                description: '',
                website: null,
                contact_email: null,
                created_at: now,
                updated_at: now,
              })
              .execute();
            const dataset = await createDataset(
              fresh.store.db,
              { id, slug: 'registry' },
              {
                slug: 'towns',
                title: 'Towns',
                classification: 'public',
                keyField: 'name',
                fields: [{ name: 'name', type: 'string', sensitivity: 'open' }],
              },
            );
            await putRecords(fresh.store.db, dataset.id, [
              { key: 'a', data: { name: 'Aton' } },
              { key: 'b', data: { name: 'Aton' } },
            ]);
          },
        },
      );
    });
    after(() => server?.close());

    test('a node checks each hosted dataset when it starts, and records the run as scheduled', async () => {
      let checks: { trigger: string; records: number; duplicateRecords: number } | null = null;
      for (let attempt = 0; attempt < 100 && !checks; attempt++) {
        const quality = await call(server.url, 'GET', '/catalog/quality/datasets/registry/towns');
        checks = quality.body.checks;
        if (!checks) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(checks, 'a scheduled run appeared');
      assert.equal(checks.trigger, 'schedule');
      assert.equal(checks.records, 2);
      assert.equal(checks.duplicateRecords, 2);
    });
  });
}
