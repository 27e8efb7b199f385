import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Issue 18, part 2: imports of records into a hosted dataset, and the change log of every record.
 *
 * record_changes is written in the same transaction as every write to records, so the two never disagree;
 * change feeds and golden records read it. It is append-only: no row is ever deleted or changed (not even
 * with its dataset, so it names the dataset by id without a foreign key, a check on every row written that
 * slowed imports more than it guards: a dataset is only ever removed right after it was made). Its sequence is SQLite's `integer primary key` (the rowid: one
 * past the largest, which is never deleted, so never reused; SQLite has one writer at a time) and an
 * identity `bigint` on PostgreSQL, where writers
 * of records take one transaction-level advisory lock first (registry/records.ts), so the sequence is also
 * the order in which changes become visible: a reader that remembers the last sequence it saw misses none.
 *
 * record_imports holds each import's outcome and progress; committed_rows is the last row of the file
 * whose batch is committed, where a resumed import picks up. record_import_errors keeps the rows refused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('record_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('committed_rows', 'integer', (c) => c.notNull())
    .addColumn('created', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addColumn('refused', 'integer', (c) => c.notNull())
    .addColumn('failure', 'text')
    .execute();
  await db.schema
    .createIndex('record_imports_by_dataset')
    .on('record_imports')
    .columns(['dataset_id', 'started_at', 'id'])
    .execute();

  await db.schema
    .createTable('record_import_errors')
    .addColumn('import_id', 'text', (c) => c.notNull().references('record_imports.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_import_errors_pk', ['import_id', 'row_number'])
    .execute();

  await db.schema
    .createTable('record_changes')
    .addColumn('seq', postgres ? sql`bigint generated always as identity` : 'integer', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('record_changes_by_dataset')
    .on('record_changes')
    .columns(['dataset_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('record_changes').execute();
  await db.schema.dropTable('record_import_errors').execute();
  await db.schema.dropTable('record_imports').execute();
}
