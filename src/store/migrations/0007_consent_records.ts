import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Consents become consent records with the fields of ISO/IEC TS 27560 (and of the Kantara consent
 * receipt it grew from): the purpose as the person was told it, the legal basis, the personal data
 * concerned with where each item comes from, the recipients, how long they keep it, how the consent was
 * collected, which notice (and version) was shown, in what language, and the client that asked. Each
 * change of state (given, withdrawn) is a row of consent_events, so the record keeps its history.
 *
 * Consents recorded before this migration keep what can be known of them: the purpose's current text and
 * legal basis, the consumer as recipient, and their given and withdrawn times; the rest stays unknown
 * (null or empty), never guessed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // SQLite adds one column per ALTER TABLE statement.
  const consents = () => db.schema.alterTable('consents');
  await consents()
    .addColumn('purpose_description', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await consents()
    .addColumn('legal_basis', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await consents().addColumn('special_category_basis', 'text').execute();
  await consents()
    .addColumn('pii_categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await consents()
    .addColumn('recipients', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await consents().addColumn('retention_days', 'integer').execute();
  await consents()
    .addColumn('collection_method', 'text', (c) => c.notNull().defaultTo('admin-recorded'))
    .execute();
  await consents()
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .execute();
  await consents().addColumn('notice_url', 'text').execute();
  await consents().addColumn('notice_version', 'text').execute();
  await consents().addColumn('client_id', 'text').execute();

  await sql`update consents set
    purpose_description = (select description from purposes where purposes.id = consents.purpose_id),
    legal_basis = (select legal_basis from purposes where purposes.id = consents.purpose_id),
    special_category_basis = (select special_category_basis from purposes where purposes.id = consents.purpose_id)`.execute(
    db,
  );

  const position = postgres ? sql`bigint` : sql`integer`;
  await sql`create table consent_events (
    id text primary key,
    consent_id text not null references consents (id) on delete cascade,
    at text not null,
    event text not null,
    actor_id text references people (id) on delete set null,
    by_subject integer not null default 0,
    reason text,
    ledger_index ${position}
  )`.execute(db);
  await db.schema
    .createIndex('consent_events_by_consent')
    .on('consent_events')
    .columns(['consent_id', 'at'])
    .execute();
  await sql`insert into consent_events (id, consent_id, at, event, actor_id, by_subject)
    select id || ':given', id, given_at, 'given', created_by, 0 from consents`.execute(db);
  await sql`insert into consent_events (id, consent_id, at, event, actor_id, by_subject)
    select id || ':revoked', id, revoked_at, 'revoked', null, 0 from consents where revoked_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consent_events').execute();
  for (const column of [
    'client_id',
    'notice_version',
    'notice_url',
    'language',
    'collection_method',
    'retention_days',
    'recipients',
    'pii_categories',
    'special_category_basis',
    'legal_basis',
    'purpose_description',
  ]) {
    await db.schema.alterTable('consents').dropColumn(column).execute();
  }
}
