import type { Kysely } from 'kysely';

/**
 * Catalog quality: what the link checker last saw at each distribution address (for the MQA
 * accessibility indicators), every data-quality check run of a hosted dataset (kept as history), and
 * the claims that keep two nodes from checking the same dataset at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('catalog_link_checks')
    .addColumn('url', 'text', (c) => c.primaryKey())
    /** HTTP status of the answer; null when no answer came (refused, timed out, bad address). */
    .addColumn('status', 'integer')
    /** 1 when the status was 200–399. */
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('problem', 'text')
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('quality_check_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('record_count', 'integer', (c) => c.notNull())
    /** JSON array: per declared field, present and valid counts. */
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('key_field', 'text')
    .addColumn('duplicate_records', 'integer', (c) => c.notNull())
    .addColumn('duplicate_values', 'integer', (c) => c.notNull())
    .addColumn('freshness', 'text', (c) => c.notNull())
    .addColumn('last_updated', 'text')
    .execute();
  await db.schema
    .createIndex('quality_check_runs_by_dataset')
    .on('quality_check_runs')
    .columns(['dataset_id', 'started_at', 'id'])
    .execute();

  await db.schema
    .createTable('quality_check_claims')
    .addColumn('dataset_id', 'text', (c) => c.primaryKey().references('datasets.id').onDelete('cascade'))
    .addColumn('claim_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('quality_check_claims').execute();
  await db.schema.dropTable('quality_check_runs').execute();
  await db.schema.dropTable('catalog_link_checks').execute();
}
