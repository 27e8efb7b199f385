import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, safe to print (no password). */
  location: string;
  /**
   * The better-sqlite3 handle under `db`, on SQLite only: for hot paths (the ledger's tiles, proofs and
   * group commit) that cannot afford a query builder per row. Never open a transaction on it while one is
   * open through `db`.
   */
  sqlite?: SQLite.Database;
  /**
   * The PostgreSQL pool under `db`, on PostgreSQL only: for hot paths (a hosted record read on every
   * exchange call) that use a named prepared statement, parsed and planned once per connection.
   */
  pg?: pg.Pool;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; unset for the embedded SQLite file under dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Largest number of PostgreSQL connections this process opens. */
  poolSize?: number;
}

export function openStore(options: StoreOptions): Store {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options.poolSize ?? 10);
  if (url && url !== 'sqlite') {
    throw new Error(
      `GOVDX_DATABASE_URL must start with postgres:// (or be unset for SQLite), got "${redact(url)}"`,
    );
  }
  return openSqlite(options.dataDir);
}

function openSqlite(dataDir: string): Store {
  const file = dataDir === ':memory:' ? ':memory:' : join(dataDir, 'govdx.sqlite');
  if (file !== ':memory:') mkdirSync(dataDir, { recursive: true });
  const database = new SQLite(file);
  // WAL lets readers proceed while the single writer commits; FULL makes each commit survive power loss.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', location: file, sqlite: database, close: () => db.destroy() };
}

function openPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: redact(url), pg: pool, close: () => db.destroy() };
}

/** Hides the password in a connection URL. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export interface MigrationReport {
  applied: string[];
  latest: string | undefined;
}

/** Brings the schema to the latest migration. Each migration runs in its own transaction. */
export async function migrateToLatest(store: Store): Promise<MigrationReport> {
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const names = Object.keys(MIGRATIONS).sort();
  return { applied, latest: names.at(-1) };
}

/** Names of migrations not yet applied; empty when the schema is current. */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => MIGRATIONS } });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
