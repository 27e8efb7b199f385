import type { Kysely } from 'kysely';

/**
 * Issue 20: releases of open data made from a register with a disclosure method (k-anonymous microdata
 * or differentially private statistics), prepared by a steward, signed off by the data protection
 * officer and published in the catalog. datasets.privacy_budget is the total ε that differentially
 * private releases of a dataset may spend, set by its data protection officer (null: none may be made).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('datasets').addColumn('privacy_budget', 'text').execute();
  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('output', 'text')
    .addColumn('epsilon', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('prepared_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('prepared_at', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('submitted_at', 'text')
    .addColumn('decided_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('published_dataset_id', 'text', (c) => c.references('datasets.id').onDelete('set null'))
    .addColumn('published_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('releases_by_organization')
    .on('releases')
    .columns(['organization_id', 'prepared_at', 'id'])
    .execute();
  await db.schema
    .createIndex('releases_by_dataset')
    .on('releases')
    .columns(['dataset_id', 'status'])
    .execute();
  await db.schema
    .createIndex('releases_by_published_dataset')
    .on('releases')
    .column('published_dataset_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('releases').execute();
  await db.schema.alterTable('datasets').dropColumn('privacy_budget').execute();
}
