import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Which ledger entries are about whom, in a table of its own keyed (subject, entry_index), in place of the
 * index on ledger_entries (subject, entry_index). The ledger adds the pairs a run of 4096 entries at a time,
 * sorted by subject (src/ledger/storage.ts), which a separate table allows and an index maintained row by
 * row with the entries does not: the B-tree is walked once in order per run instead of once per entry at
 * random, and a small commit no longer rewrites a page per person. On SQLite the table is WITHOUT ROWID:
 * the pair is the key, stored once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const position = postgres ? sql`bigint` : sql`integer`;
  await sql`create table ledger_subject_entries (
    subject text not null,
    entry_index ${position} not null,
    primary key (subject, entry_index)
  )${postgres ? sql`` : sql` without rowid`}`.execute(db);
  // The completed runs (src/ledger/storage.ts: SUBJECT_RUN); the open run is read from ledger_entries.
  await sql`insert into ledger_subject_entries (subject, entry_index)
    select subject, entry_index from ledger_entries
    where subject is not null
      and entry_index < (select (coalesce(max(entry_index), -1) + 1) / ${sql.lit(4096)} * ${sql.lit(4096)} from ledger_entries)`.execute(
    db,
  );
  await sql`drop index ledger_entries_by_subject`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index ledger_entries_by_subject on ledger_entries (subject, entry_index) where subject is not null`.execute(
    db,
  );
  await db.schema.dropTable('ledger_subject_entries').execute();
}
