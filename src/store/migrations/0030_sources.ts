import { type Kysely, sql } from 'kysely';

/**
 * Issue 18, parts 1 and 3: sources, linkage jobs and the steward's review.
 *
 * A source is an organization's own copy of people, addresses or businesses: one of its datasets (its
 * records imported like any other), linked to an authoritative register (another dataset), which it never
 * changes. A linkage job compares the two; `source_links` gives a source record the register's entity
 * identifier (the register record's key: the common identifier), and `link_pairs` keeps the pairs the
 * steward reviews with their decisions, which later jobs respect. At most one job of a source runs at a
 * time: the partial unique index refuses a second, whichever node starts it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('dataset_id', 'text', (c) =>
      c.notNull().unique().references('datasets.id').onDelete('cascade'),
    )
    .addColumn('register_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('lower_threshold', 'double precision', (c) => c.notNull())
    .addColumn('upper_threshold', 'double precision', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sources_by_register').on('sources').columns(['register_id']).execute();
  await db.schema
    .createIndex('sources_by_organization')
    .on('sources')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('linkage_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text')
    .addColumn('started_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source_records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('register_records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('linked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('queued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('kept', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure', 'text')
    .execute();
  await db.schema
    .createIndex('linkage_jobs_by_source')
    .on('linkage_jobs')
    .columns(['source_id', 'started_at', 'id'])
    .execute();
  await sql`create unique index linkage_jobs_one_running on linkage_jobs (source_id) where status = 'running'`.execute(
    db,
  );

  await db.schema
    .createTable('source_links')
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('probability', 'double precision')
    .addColumn('job_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_links_pk', ['source_id', 'record_key'])
    .execute();
  await db.schema
    .createIndex('source_links_by_entity')
    .on('source_links')
    .columns(['source_id', 'entity_id'])
    .execute();

  await db.schema
    .createTable('link_pairs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('probability', 'double precision')
    .addColumn('weight', 'double precision')
    .addColumn('explanation', 'text')
    .addColumn('job_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addUniqueConstraint('link_pairs_once', ['source_id', 'record_key', 'entity_id'])
    .execute();
  await db.schema
    .createIndex('link_pairs_queue')
    .on('link_pairs')
    .columns(['source_id', 'status', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('link_pairs').execute();
  await db.schema.dropTable('source_links').execute();
  await db.schema.dropTable('linkage_jobs').execute();
  await db.schema.dropTable('sources').execute();
}
