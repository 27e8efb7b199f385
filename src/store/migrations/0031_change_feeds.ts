import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Issue 18, part 5: change feeds. A system subscribes to the changes of a hosted register under one of its
 * organization's agreements (service × purpose); it reads them from the register's change log
 * (record_changes, migration 0021) after a cursor, and each change it is given is an access event.
 *
 * `start_seq` is the end of the change log when the subscription was made: nothing before it is delivered.
 * `acknowledged_seq` is the last sequence the system said it holds (the `after` of its latest read), where
 * a read without a cursor resumes. One subscription per system, service and purpose.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const seq = postgres ? sql`bigint` : sql`integer`;
  await db.schema
    .createTable('change_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id').onDelete('cascade'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id').onDelete('cascade'))
    .addColumn('kinds', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('start_seq', seq, (c) => c.notNull())
    .addColumn('acknowledged_seq', seq, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addUniqueConstraint('change_subscriptions_once', ['system_id', 'service_id', 'purpose_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('change_subscriptions').execute();
}
