import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The provider origins the exchange may call (issue 14, finding 3), kept by the platform admin. A proxied
 * service's address must be on this list, at registration and at every call. `private_network` says the
 * origin is inside the platform's own network, so that its private address is called. On PostgreSQL a
 * change tells every node, like the other tables the exchange decides on (migration 0004).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('provider_origins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('origin', 'text', (c) => c.notNull().unique())
    .addColumn('private_network', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('added_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create trigger provider_origins_notify_exchange after insert or update or delete or truncate on provider_origins
      for each statement execute function govdx_exchange_table_changed()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('provider_origins').execute();
}
