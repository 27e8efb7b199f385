import { type Kysely, sql } from 'kysely';

/**
 * Notifications (issue 16): each person's inbox, with its read state, and the email outbox in the same
 * rows. `key` makes each notification once per person, whichever node writes it. The notifications part
 * reads governance events from the ledger after a cursor kept in `settings`; it starts at the ledger's
 * current end, so that a platform upgrading to this version is not flooded with its history.
 */
export const NOTIFICATION_CURSOR = 'notifications.ledger_cursor';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('ledger_index', 'bigint')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('email_status', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('email_next_at', 'text')
    .addColumn('email_error', 'text')
    .addColumn('emailed_at', 'text')
    .addUniqueConstraint('notifications_once', ['person_id', 'key'])
    .execute();
  await db.schema
    .createIndex('notifications_inbox')
    .on('notifications')
    .columns(['person_id', 'created_at', 'id'])
    .execute();
  await sql`create index notifications_outbox on notifications (email_next_at) where email_status = 'pending'`.execute(
    db,
  );
  const end = await sql<{
    last: number | string | null;
  }>`select max(entry_index) as last from ledger_entries`.execute(db);
  const last = end.rows[0]?.last ?? null;
  await sql`insert into settings (key, value, updated_at) values (${NOTIFICATION_CURSOR}, ${String(last === null ? -1 : Number(last))}, ${new Date().toISOString()})`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from settings where key = ${NOTIFICATION_CURSOR}`.execute(db);
  await db.schema.dropTable('notifications').execute();
}
