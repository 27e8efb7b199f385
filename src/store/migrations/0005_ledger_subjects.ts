import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Which ledger entries are about whom, in a table of its own keyed (subject, entry_index), in place of the
 * index on ledger_entries (subject, entry_index). The writer inserts a batch's pairs sorted by subject,
 * which a separate table allows and an index maintained row by row with the entries does not: the B-tree
 * is then walked once in order instead of once per entry at random, which took a third of the cost of a
 * durable append on SQLite (`npm run bench -- ledger`). On SQLite the table is WITHOUT ROWID: the pair is
 * the key, stored once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const position = postgres ? sql`bigint` : sql`integer`;
  await sql`create table ledger_subject_entries (
    subject text not null,
    entry_index ${position} not null,
    primary key (subject, entry_index)
  )${postgres ? sql`` : sql` without rowid`}`.execute(db);
  await sql`insert into ledger_subject_entries (subject, entry_index)
    select subject, entry_index from ledger_entries where subject is not null`.execute(db);
  await sql`drop index ledger_entries_by_subject`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index ledger_entries_by_subject on ledger_entries (subject, entry_index) where subject is not null`.execute(
    db,
  );
  await db.schema.dropTable('ledger_subject_entries').execute();
}
