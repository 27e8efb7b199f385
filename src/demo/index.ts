/**
 * The demo government, the Republic of Example: seeding it, and running govdx with it and with the
 * provider APIs of its tax agency and health ministry.
 */
import { rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../config/index.ts';
import { type RunningNode, startNode } from '../node/index.ts';
import { migrateToLatest, openStore, type Store } from '../store/index.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './accounts.ts';
import { housingAppKeyFile } from './consent-clients.ts';
import { ORGANIZATIONS } from './government.ts';
import { type HousingApp, startHousingApp } from './housing-app/index.ts';
import { type DemoProviders, startDemoProviders } from './providers.ts';
import { demoKeyDir, seedDemo } from './seed.ts';

export { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoAccount } from './accounts.ts';
export { housingAppKeyFile } from './consent-clients.ts';
export { type DemoFeed, FEEDS } from './feeds.ts';
export {
  AGREEMENT_STORIES,
  AGREEMENTS,
  CONSENTS,
  DATASETS,
  ORGANIZATIONS,
  PURPOSES,
  SERVICES,
  SYSTEMS,
  systemClientId,
  TEMPLATES,
} from './government.ts';
export { HOUSING_APP, type HousingApp, startHousingApp } from './housing-app/index.ts';
export { demoCitizens, nationalIdAt, personIndexOf } from './population.ts';
export {
  DEMO_PROVIDER_SERVICES,
  type DemoProviders,
  type DemoProvidersOptions,
  healthOf,
  incomeOf,
  startDemoProviders,
} from './providers.ts';
export { demoKeyDir, demoKeyFile, type SeedOptions, seedDemo } from './seed.ts';

/** Deletes the embedded SQLite database (with its write-ahead log) in the data folder. */
function removeSqliteDatabase(dataDir: string): void {
  if (dataDir === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `govdx.sqlite${suffix}`), { force: true });
}

/**
 * Empties every govdx table on PostgreSQL: the same as deleting the SQLite file. Refuses when the
 * database holds organizations the demo did not create, since then it is not a demo database.
 */
async function emptyPostgres(store: Store): Promise<void> {
  const demo = ORGANIZATIONS.map((o) => o.slug);
  const foreign = await store.db
    .selectFrom('organizations')
    .select('slug')
    .where('slug', 'not in', demo)
    .limit(3)
    .execute();
  if (foreign.length > 0) {
    throw new Error(
      `Refusing to reseed: the database holds organizations that are not the demo's (${foreign.map((o) => o.slug).join(', ')}…). Use an empty database for the demo.`,
    );
  }
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = current_schema() and tablename not like 'kysely_migration%'`.execute(store.db);
  if (tables.rows.length === 0) return;
  await sql`truncate table ${sql.join(tables.rows.map((t) => sql.id(t.tablename)))} cascade`.execute(
    store.db,
  );
}

export interface RunningDemo {
  node: RunningNode;
  /** Extra lines for the start-up banner: the provider APIs and the demo sign-in. */
  urls: Array<[label: string, url: string]>;
  close(): Promise<void>;
}

/**
 * Starts the demo provider APIs and the housing benefit application, opens and migrates the store,
 * seeds the Republic of Example (with a progress bar on a terminal) and starts a govdx node on it.
 */
export async function startDemo(config: Config, options: { reseed: boolean }): Promise<RunningDemo> {
  const providers: DemoProviders = await startDemoProviders({
    host: config.host,
    port: config.demoProviderPort,
    population: config.demoPopulation,
    exchange: { issuer: config.publicUrl, jwksUrl: `${config.publicUrl}/exchange/jwks.json` },
  });
  let store: Store | undefined;
  let housing: HousingApp | undefined;
  try {
    housing = await startHousingApp({
      host: config.host,
      port: config.demoServicePort,
      govdxUrl: config.publicUrl,
      keyFile: housingAppKeyFile(demoKeyDir(config)),
    });
    if (options.reseed && !config.databaseUrl) removeSqliteDatabase(config.dataDir);
    store = openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
    });
    await migrateToLatest(store);
    if (options.reseed && store.dialect === 'postgres') await emptyPostgres(store);
    const { summary, keyDir } = await seedDemo(store, config, {
      progress: process.stdout.isTTY === true,
      providerUrl: providers.url,
      serviceUrl: housing.url,
    });
    process.stdout.write(`${summary}\n`);
    const node = await startNode(config, { store });
    const citizen = DEMO_ACCOUNTS.find((a) => a.nationalId !== null)!;
    const openedStore = store;
    const service = housing;
    let closed = false;
    return {
      node,
      urls: [
        ['Exchange', `${node.url}/exchange/v1/{provider}/{service}/… (token at ${node.url}/oauth/token)`],
        ['Housing benefit application (demo service)', `${housing.url}/`],
        ['Demo system keys', `${keyDir}${sep} (private JWKs; see docs/integrating.md)`],
        ['Tax agency API (demo)', `${providers.url}/income/${citizen.nationalId}`],
        ['Health API (demo)', `${providers.url}/health/${citizen.nationalId}`],
        ['Demo sign-in', `admin, steward.population, dpo.housing, auditor, citizen … / ${DEMO_PASSWORD}`],
      ],
      async close() {
        if (closed) return;
        closed = true;
        try {
          await node.close();
          await providers.close();
          await service.close();
        } finally {
          await openedStore.close();
        }
      },
    };
  } catch (error) {
    await providers.close();
    await housing?.close();
    await store?.close();
    throw error;
  }
}
