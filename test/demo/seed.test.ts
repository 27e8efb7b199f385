import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { listDatasets } from '../../src/catalog/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, incomeOf, seedDemo } from '../../src/demo/index.ts';
import { verifyPassword } from '../../src/identity/index.ts';
import { isValidNationalId } from '../../src/registry/index.ts';
import type { Database } from '../../src/store/index.ts';
import { DIALECTS, type FreshStore, freshStore, skipUnless } from '../support/stores.ts';

const POPULATION = 500;
const PROVIDERS = 'http://127.0.0.1:9';
const config = loadConfig({ env: {}, flags: { demoPopulation: POPULATION, logLevel: 'silent' } });

async function seed(fresh: FreshStore, overrides: { population?: number; providerUrl?: string } = {}) {
  // The store's own folder, so that the demo systems' keys are not written into the checkout's data folder.
  const settings = { ...config, dataDir: fresh.dataDir, demoPopulation: overrides.population ?? POPULATION };
  return seedDemo(fresh.store, settings, {
    progress: false,
    providerUrl: overrides.providerUrl ?? PROVIDERS,
  });
}

/** Every hosted record as (dataset slug, key, data), sorted the same way on both dialects. */
async function allRecords(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('records')
    .innerJoin('datasets', 'datasets.id', 'records.dataset_id')
    .select(['datasets.slug as dataset', 'records.key', 'records.data'])
    .execute();
  const line = (r: (typeof rows)[number]) => `${r.dataset}\t${r.key}\t${r.data}`;
  return rows.map(line).sort();
}

async function digest(db: Kysely<Database>): Promise<string> {
  return createHash('sha256')
    .update((await allRecords(db)).join('\n'))
    .digest('hex');
}

async function records(db: Kysely<Database>, dataset: string): Promise<Array<Record<string, any>>> {
  const rows = await db
    .selectFrom('records')
    .innerJoin('datasets', 'datasets.id', 'records.dataset_id')
    .select(['records.key', 'records.data'])
    .where('datasets.slug', '=', dataset)
    .execute();
  return rows.map((r) => ({ key: r.key, ...JSON.parse(r.data) }));
}

const TABLES = [
  'organizations',
  'people',
  'memberships',
  'systems',
  'datasets',
  'fields',
  'services',
  'purposes',
  'records',
  'idp_accounts',
  'settings',
] as const;

/** Row counts of every table the demo writes, and the newest change in each that has updated_at. */
async function snapshot(db: Kysely<Database>) {
  const state: Record<string, unknown> = {};
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    state[table] = Number(row.n);
  }
  for (const table of ['organizations', 'people', 'systems', 'datasets', 'services', 'records'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.max('updated_at').as('latest'))
      .executeTakeFirstOrThrow();
    state[`${table}.updated_at`] = row.latest;
  }
  return state;
}

for (const dialect of DIALECTS) {
  describe(`demo seed (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let fresh: FreshStore;
    let db: Kysely<Database>;

    before(async () => {
      fresh = await freshStore(dialect);
      db = fresh.store.db;
      await seed(fresh);
    });
    after(() => fresh?.drop());

    test('the same seed writes identical records into a second, fresh store', async () => {
      const other = await freshStore(dialect);
      try {
        await seed(other);
        const mine = await allRecords(db);
        assert.equal(mine.length > POPULATION, true, 'the registers hold persons, addresses and businesses');
        assert.equal(await digest(other.store.db), await digest(db));
      } finally {
        await other.drop();
      }
    });

    test('seeding again changes nothing and duplicates nothing', async () => {
      const before = await snapshot(db);
      const digestBefore = await digest(db);
      const { summary } = await seed(fresh);
      assert.match(summary, /nothing changed/);
      assert.deepEqual(await snapshot(db), before);
      assert.equal(await digest(db), digestBefore);
    });

    test('the population register holds the configured number of persons, each with a unique valid national ID', async () => {
      const persons = await records(db, 'population');
      assert.equal(persons.length, POPULATION);
      assert.equal(new Set(persons.map((p) => p.national_id)).size, POPULATION);
      for (const person of persons) {
        assert.equal(person.key, person.national_id);
        assert.ok(isValidNationalId(person.national_id), `${person.national_id} is a valid national ID`);
      }
    });

    test("every person's address_id and every business's address_id exist in the address register", async () => {
      const addresses = new Set((await records(db, 'addresses')).map((a) => a.address_id));
      for (const person of await records(db, 'population')) {
        assert.ok(addresses.has(person.address_id), `${person.national_id} lives at ${person.address_id}`);
      }
      for (const business of await records(db, 'businesses')) {
        assert.ok(
          addresses.has(business.address_id),
          `${business.registry_code} is at ${business.address_id}`,
        );
      }
    });

    test('every board member of a business is a person in the population register', async () => {
      const residents = new Set((await records(db, 'population')).map((p) => p.national_id));
      const businesses = await records(db, 'businesses');
      assert.ok(businesses.length >= 20);
      for (const business of businesses) {
        assert.ok(business.board_members.length >= 1);
        for (const member of business.board_members) assert.ok(residents.has(member), member);
      }
    });

    test("the tax agency's employers are businesses of the business register", async () => {
      const codes = new Set((await records(db, 'businesses')).map((b) => b.registry_code));
      const employers = (await records(db, 'population'))
        .map((p) => incomeOf(p.national_id, POPULATION)?.employer)
        .filter((e) => e != null);
      assert.ok(employers.length > 0);
      for (const employer of employers) assert.ok(codes.has(employer.registry_code), employer.registry_code);
    });

    test('every demo account signs in with the demo password and holds its documented roles', async () => {
      const logins = await db
        .selectFrom('idp_accounts')
        .innerJoin('people', 'people.id', 'idp_accounts.person_id')
        .select(['idp_accounts.username', 'idp_accounts.password_hash', 'people.id', 'people.national_id'])
        .execute();
      const byName = new Map(logins.map((l) => [l.username, l]));
      // The accounts share one hash (scrypt is slow by design); each distinct hash is checked once.
      const verified = new Map<string, boolean>();
      for (const account of DEMO_ACCOUNTS) {
        const login = byName.get(account.username);
        assert.ok(login, `${account.username} has an account`);
        if (!verified.has(login.password_hash)) {
          verified.set(login.password_hash, await verifyPassword(DEMO_PASSWORD, login.password_hash));
        }
        assert.equal(verified.get(login.password_hash), true, account.username);
        const roles = await db
          .selectFrom('memberships')
          .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
          .select(['organizations.slug', 'memberships.role'])
          .where('memberships.person_id', '=', login.id)
          .execute();
        assert.deepEqual(
          roles.map((r) => `${r.slug}:${r.role}`),
          account.roles.map((role) => `${account.organization}:${role}`),
          account.username,
        );
      }
      assert.equal(await verifyPassword('wrong-password', byName.get('admin')!.password_hash), false);
    });

    test("the demo citizens' national IDs are in the population register", async () => {
      const residents = new Set((await records(db, 'population')).map((p) => p.national_id));
      const citizens = DEMO_ACCOUNTS.filter((a) => a.nationalId !== null);
      assert.equal(citizens.length, 3);
      for (const citizen of citizens) assert.ok(residents.has(citizen.nationalId!), citizen.username);
    });

    test('the health dataset is listed among datasets with special-category fields', async () => {
      const page = await listDatasets(db, { sensitivity: 'special' }, 50, null);
      assert.deepEqual(
        page.items.map((d) => `${d.organization}/${d.slug}`),
        ['health-ministry/disability-and-care'],
      );
      const [health] = page.items;
      assert.equal(health!.fields.find((f) => f.name === 'disability_status')?.sensitivity, 'special');
      assert.equal(health!.steward?.name, DEMO_ACCOUNTS.find((a) => a.username === 'steward.health')!.name);
    });

    test('proxied services follow the provider URL when it changes', async () => {
      await seed(fresh, { providerUrl: 'http://127.0.0.1:4567' });
      const services = await db
        .selectFrom('services')
        .select(['slug', 'base_url'])
        .where('kind', '=', 'proxied')
        .orderBy('slug')
        .execute();
      assert.deepEqual(services, [
        { slug: 'disability-and-care', base_url: 'http://127.0.0.1:4567/health' },
        { slug: 'income', base_url: 'http://127.0.0.1:4567/income' },
      ]);
      await seed(fresh);
    });

    test('the demo catalog holds at least 50 datasets, open ones with CSV and JSON downloads', async () => {
      const { items: all, nextCursor } = await listDatasets(db, {}, 200, null);
      assert.equal(nextCursor, null);
      assert.ok(all.length >= 50, `${all.length} datasets`);
      const open = all.filter((d) => d.classification === 'public');
      assert.ok(open.length >= 40 && open.length < all.length, 'open and restricted datasets');
      for (const dataset of open) {
        assert.deepEqual(
          dataset.distributions.map((d) => d.format),
          ['CSV', 'JSON'],
          dataset.slug,
        );
        assert.ok(dataset.license && dataset.contactPoint && dataset.themes.length > 0, dataset.slug);
      }
      assert.ok(
        all.every((d) => d.fields.every((f) => f.sensitivity === 'open') || d.classification !== 'public'),
      );
    });

    test('a store seeded before datasets had catalog metadata gets the metadata on the next seed', async () => {
      await db
        .updateTable('datasets')
        .set({ keywords: '[]', themes: '[]', access_rights: null })
        .where('slug', '=', 'population')
        .execute();
      await seed(fresh);
      const row = await db
        .selectFrom('datasets')
        .select(['keywords', 'access_rights'])
        .where('slug', '=', 'population')
        .executeTakeFirstOrThrow();
      assert.notEqual(row.keywords, '[]');
      assert.equal(row.access_rights, 'NON_PUBLIC');
    });

    test('registers left half-written by an interrupted run are written again in full', async () => {
      const complete = await digest(db);
      // What a crash between two batches leaves: some records, and no mark of completion.
      const persons = await records(db, 'population');
      await db.deleteFrom('settings').where('key', '=', 'demo.registers').execute();
      await db
        .deleteFrom('records')
        .where(
          'key',
          'in',
          persons.slice(0, POPULATION / 2).map((p) => p.key),
        )
        .execute();
      const { summary } = await seed(fresh);
      assert.match(summary, /500 persons/);
      assert.equal(await digest(db), complete);
    });

    test('registers marked complete but missing records are not believed, and are rewritten', async () => {
      const complete = await digest(db);
      await db.deleteFrom('records').where('key', '=', DEMO_ACCOUNTS.at(-1)!.nationalId!).execute();
      await seed(fresh);
      assert.equal(await digest(db), complete);
    });

    test('a larger population extends the register without changing the persons already there', async () => {
      const smaller = new Map((await records(db, 'population')).map((p) => [p.key, JSON.stringify(p)]));
      await seed(fresh, { population: POPULATION + 100 });
      const larger = await records(db, 'population');
      assert.equal(larger.length, POPULATION + 100);
      const kept = larger.filter((p) => smaller.get(p.key) === JSON.stringify(p));
      assert.equal(kept.length, POPULATION);
      await seed(fresh);
      assert.equal((await records(db, 'population')).length, POPULATION);
    });
  });
}

describe('demo seed across dialects', { skip: await skipUnless('postgres') }, () => {
  test('SQLite and PostgreSQL receive byte-identical records', async () => {
    const sqlite = await freshStore('sqlite');
    const postgres = await freshStore('postgres');
    try {
      await seed(sqlite);
      await seed(postgres);
      assert.equal(await digest(postgres.store.db), await digest(sqlite.store.db));
    } finally {
      await sqlite.drop();
      await postgres.drop();
    }
  });
});
