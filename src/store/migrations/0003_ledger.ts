import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The ledger: entries (event, salt, commitment), the tree's stored hashes, and published checkpoints.
 *
 * Positions are `integer primary key` on SQLite (the table's own rowid: appends go to the end of one
 * B-tree) and `bigint` on PostgreSQL (past 2^31 entries; pg returns them as text, the storage converts).
 * Hashes, salts and commitments are raw bytes (`blob` / `bytea`): half the size of hex text, and measured
 * faster to insert on SQLite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const position = postgres ? sql`bigint` : sql`integer`;
  const bytes = postgres ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('ledger_entries')
    .addColumn('entry_index', position, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('salt', bytes, (c) => c.notNull())
    .addColumn('commitment', bytes, (c) => c.notNull())
    .execute();
  // A citizen's tracker lists the events about them, in order; most events name no subject.
  await sql`create index ledger_entries_by_subject on ledger_entries (subject, entry_index) where subject is not null`.execute(
    db,
  );

  await db.schema
    .createTable('ledger_hashes')
    .addColumn('id', position, (c) => c.primaryKey())
    .addColumn('hash', bytes, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger_checkpoints')
    .addColumn('tree_size', position, (c) => c.primaryKey())
    .addColumn('root_hash', bytes, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ledger_checkpoints').execute();
  await db.schema.dropTable('ledger_hashes').execute();
  await db.schema.dropTable('ledger_entries').execute();
}
