import type { Kysely } from 'kysely';

/**
 * Correction requests (issue 16): a citizen asks the steward of a register to correct their entry (which
 * field, what is wrong, what it should be), and the organization's stewards answer: corrected, or declined
 * with a reason. The ledger records each request and answer (`correction.requested`, `correction.answered`);
 * the free text stays here, with the person and the register's organization.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('correction_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id'))
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('recorded_value', 'text', (c) => c.notNull())
    .addColumn('problem', 'text', (c) => c.notNull())
    .addColumn('proposed', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('correction_requests_person')
    .on('correction_requests')
    .columns(['person_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('correction_requests_queue')
    .on('correction_requests')
    .columns(['organization_id', 'status', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('correction_requests').execute();
}
