import type { Kysely } from 'kysely';

/**
 * How often each open dataset is downloaded: one row per dataset, format and day (UTC), counted up
 * with an upsert when a download starts. Days are `YYYY-MM-DD` text, so they sort and compare as dates
 * on both dialects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataset_downloads')
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('dataset_downloads_pk', ['dataset_id', 'format', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataset_downloads').execute();
}
