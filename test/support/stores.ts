/**
 * Fresh stores for tests, on both dialects. Each PostgreSQL store is a new database, dropped after.
 * Without PostgreSQL the PostgreSQL cases are skipped locally, but fail under CI=true.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Dialect, migrateToLatest, openStore, type Store } from '../../src/store/index.ts';

export const POSTGRES_ADMIN_URL =
  process.env.GOVDX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

let postgresCheck: Promise<string | null> | undefined;

/** Null when PostgreSQL can be used; otherwise why not. */
export function postgresUnavailable(): Promise<string | null> {
  postgresCheck ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return `PostgreSQL at ${POSTGRES_ADMIN_URL} cannot be used: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresCheck;
}

/**
 * The `skip` option for a test on this dialect: false to run it, a reason to skip.
 * Under CI=true it never skips: the test runs and fails with the reason.
 */
export async function skipUnless(dialect: Dialect): Promise<false | string> {
  if (dialect === 'sqlite') return false;
  const reason = await postgresUnavailable();
  if (reason === null || process.env.CI === 'true') return false;
  return reason;
}

export interface FreshStore {
  store: Store;
  dialect: Dialect;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Closes the store and deletes its database. */
  drop(): Promise<void>;
}

/** Makes an empty database (a new PostgreSQL database, or a new SQLite file) without opening a store on it. */
export async function freshDatabase(
  dialect: Dialect,
): Promise<{ databaseUrl: string | undefined; dataDir: string; remove(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'govdx-test-'));
  if (dialect === 'sqlite') {
    return {
      databaseUrl: undefined,
      dataDir,
      remove: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const reason = await postgresUnavailable();
  if (reason) throw new Error(reason);
  const name = `govdx_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    async remove() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function freshStore(dialect: Dialect, options: { migrate?: boolean } = {}): Promise<FreshStore> {
  const database = await freshDatabase(dialect);
  const store = openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 5 });
  if (options.migrate !== false) await migrateToLatest(store);
  return {
    store,
    dialect,
    databaseUrl: database.databaseUrl,
    dataDir: database.dataDir,
    async drop() {
      await store.close();
      await database.remove();
    },
  };
}
