import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest, pendingMigrations } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { DIALECTS, freshStore, skipUnless } from '../support/stores.ts';

const EXPECTED_TABLES = [
  'access_tokens',
  'datasets',
  'fields',
  'idp_accounts',
  'memberships',
  'organizations',
  'people',
  'person_identities',
  'purposes',
  'records',
  'services',
  'sessions',
  'settings',
  'systems',
  'usage_daily',
];

async function tables(fresh: Awaited<ReturnType<typeof freshStore>>): Promise<string[]> {
  const result =
    fresh.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
          fresh.store.db,
        )
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(
          fresh.store.db,
        );
  return result.rows.map((r) => r.name);
}

for (const dialect of DIALECTS) {
  describe(`migrations (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    test('an empty database is brought to the latest schema, and a second run changes nothing', async () => {
      const fresh = await freshStore(dialect, { migrate: false });
      try {
        assert.deepEqual(await pendingMigrations(fresh.store), Object.keys(MIGRATIONS).sort());
        const first = await migrateToLatest(fresh.store);
        assert.deepEqual(first.applied, Object.keys(MIGRATIONS).sort());
        const present = await tables(fresh);
        for (const table of EXPECTED_TABLES) assert.ok(present.includes(table), `table ${table} exists`);
        assert.deepEqual(await pendingMigrations(fresh.store), []);
        const second = await migrateToLatest(fresh.store);
        assert.deepEqual(second.applied, []);
      } finally {
        await fresh.drop();
      }
    });

    test('constraints hold on this dialect: unique slugs, foreign keys, cascades', async () => {
      const fresh = await freshStore(dialect);
      const db = fresh.store.db;
      const at = new Date().toISOString();
      try {
        const org = {
          id: 'o1',
          slug: 'one',
          name: 'One',
          kind: 'agency' as const,
          description: '',
          website: null,
          contact_email: null,
          created_at: at,
          updated_at: at,
        };
        await db.insertInto('organizations').values(org).execute();
        await assert.rejects(
          db
            .insertInto('organizations')
            .values({ ...org, id: 'o2' })
            .execute(),
          'duplicate slug',
        );
        await assert.rejects(
          db
            .insertInto('memberships')
            .values({ person_id: 'nobody', organization_id: 'o1', role: 'data_steward', created_at: at })
            .execute(),
          'membership of an unknown person',
        );
        await db
          .insertInto('people')
          .values({ id: 'p1', name: 'P', email: null, national_id: null, created_at: at, updated_at: at })
          .execute();
        await db
          .insertInto('memberships')
          .values({ person_id: 'p1', organization_id: 'o1', role: 'data_steward', created_at: at })
          .execute();
        await db.deleteFrom('people').where('id', '=', 'p1').execute();
        const left = await db.selectFrom('memberships').selectAll().execute();
        assert.equal(left.length, 0, 'memberships go with the person');
      } finally {
        await fresh.drop();
      }
    });

    test('a transaction that fails half-way leaves nothing behind', async () => {
      const fresh = await freshStore(dialect);
      const db = fresh.store.db;
      const at = new Date().toISOString();
      try {
        await assert.rejects(
          db.transaction().execute(async (tx) => {
            await tx
              .insertInto('organizations')
              .values({
                id: 'o1',
                slug: 'one',
                name: 'One',
                kind: 'agency',
                description: '',
                website: null,
                contact_email: null,
                created_at: at,
                updated_at: at,
              })
              .execute();
            await tx
              .insertInto('organizations')
              .values({
                id: 'o2',
                slug: 'one',
                name: 'Clash',
                kind: 'agency',
                description: '',
                website: null,
                contact_email: null,
                created_at: at,
                updated_at: at,
              })
              .execute();
          }),
        );
        assert.equal((await db.selectFrom('organizations').selectAll().execute()).length, 0);
      } finally {
        await fresh.drop();
      }
    });
  });
}
