import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The exchange: agreements and consents (the tables the agreements and consent parts grow), the
 * client-assertion IDs already used (replay protection, shared by every node), and on PostgreSQL the
 * triggers that tell every node when something the exchange decides on has changed.
 */

/** The LISTEN/NOTIFY channel; payloads are `<table>` or `<table>:<id>`. */
export const EXCHANGE_CHANNEL = 'govdx_exchange';
/** Tables whose rows the exchange indexes one by one (the notification names the row). */
const ROW_TABLES = ['agreements', 'consents'];
/** Tables the exchange re-reads whole on a change (small: the catalog and the directory). */
const CATALOG_TABLES = ['organizations', 'systems', 'datasets', 'fields', 'services', 'purposes'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agreements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider_organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('consumer_organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('special_category_basis', 'text')
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('quota_per_day', 'integer')
    .addColumn('created_by', 'text', (c) => c.references('people.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('agreements_by_consumer')
    .on('agreements')
    .columns(['consumer_organization_id', 'service_id'])
    .execute();
  await db.schema
    .createIndex('agreements_by_provider')
    .on('agreements')
    .columns(['provider_organization_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('consumer_organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('given_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('created_by', 'text', (c) => c.references('people.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('consents_by_subject')
    .on('consents')
    .columns(['subject', 'consumer_organization_id', 'purpose_id'])
    .execute();

  await db.schema
    .createTable('exchange_assertions')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_assertions_pk', ['client_id', 'jti'])
    .execute();
  await sql`create index exchange_assertions_by_expiry on exchange_assertions (expires_at)`.execute(db);

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // NOTIFY is delivered at COMMIT, to every node listening, whatever process made the change.
    await sql`
      create function govdx_exchange_row_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify(${sql.lit(EXCHANGE_CHANNEL)}, tg_table_name || ':' || coalesce(new.id, old.id));
        return null;
      end $$`.execute(db);
    await sql`
      create function govdx_exchange_table_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify(${sql.lit(EXCHANGE_CHANNEL)}, tg_table_name);
        return null;
      end $$`.execute(db);
    for (const table of ROW_TABLES) {
      await sql`create trigger ${sql.id(`${table}_notify_exchange`)} after insert or update or delete on ${sql.id(table)}
        for each row execute function govdx_exchange_row_changed()`.execute(db);
    }
    for (const table of CATALOG_TABLES) {
      await sql`create trigger ${sql.id(`${table}_notify_exchange`)} after insert or update or delete or truncate on ${sql.id(table)}
        for each statement execute function govdx_exchange_table_changed()`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of [...ROW_TABLES, ...CATALOG_TABLES]) {
      await sql`drop trigger if exists ${sql.id(`${table}_notify_exchange`)} on ${sql.id(table)}`.execute(db);
    }
    await sql`drop function if exists govdx_exchange_row_changed()`.execute(db);
    await sql`drop function if exists govdx_exchange_table_changed()`.execute(db);
  }
  await db.schema.dropTable('exchange_assertions').execute();
  await db.schema.dropTable('consents').execute();
  await db.schema.dropTable('agreements').execute();
}
