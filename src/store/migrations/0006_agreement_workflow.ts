import { type Kysely, sql } from 'kysely';

/**
 * The agreements workflow: versions of an agreement (an amendment is a new version of the same
 * lineage), the sign-offs each version needs, the trail of every transition, templates that
 * organizations publish, emergencies that fast-track template requests, and organizations' webhooks
 * with the deliveries still owed to them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite adds one column per ALTER TABLE statement.
  const agreements = () => db.schema.alterTable('agreements');
  await agreements()
    .addColumn('lineage_id', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await agreements()
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await agreements().addColumn('supersedes_id', 'text').execute();
  await agreements()
    .addColumn('onward_sharing', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await agreements()
    .addColumn('safeguards', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await agreements().addColumn('template_id', 'text').execute();
  await agreements().addColumn('emergency_id', 'text').execute();
  await agreements().addColumn('submitted_at', 'text').execute();
  await agreements().addColumn('activated_at', 'text').execute();
  await agreements().addColumn('ended_at', 'text').execute();
  await agreements().addColumn('expiry_notified_at', 'text').execute();
  // Agreements made before the workflow were active from their creation: each is its own lineage.
  await sql`update agreements set lineage_id = id`.execute(db);
  await sql`update agreements set submitted_at = created_at, activated_at = created_at where status <> 'draft'`.execute(
    db,
  );
  await db.schema
    .createIndex('agreements_by_lineage')
    .on('agreements')
    .columns(['lineage_id', 'version'])
    .execute();
  await db.schema
    .createIndex('agreements_by_status')
    .on('agreements')
    .columns(['status', 'valid_until'])
    .execute();

  await db.schema
    .createTable('agreement_approvals')
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id').onDelete('cascade'))
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('decided_by', 'text', (c) => c.references('people.id'))
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('agreement_approvals_pk', ['agreement_id', 'party'])
    .execute();
  await db.schema
    .createIndex('agreement_approvals_pending')
    .on('agreement_approvals')
    .columns(['organization_id', 'role', 'decision'])
    .execute();

  await db.schema
    .createTable('agreement_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('people.id'))
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('ledger_index', 'integer')
    .execute();
  await db.schema
    .createIndex('agreement_events_by_agreement')
    .on('agreement_events')
    .columns(['agreement_id', 'at'])
    .execute();

  await db.schema
    .createTable('agreement_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('special_category_basis', 'text')
    .addColumn('max_duration_days', 'integer', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('onward_sharing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('safeguards', 'text', (c) => c.notNull())
    .addColumn('emergency', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('people.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('agreement_templates_slug', ['organization_id', 'slug'])
    .execute();

  await db.schema
    .createTable('emergencies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('declared_by', 'text', (c) => c.references('people.id'))
    .addColumn('ended_early_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('people.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_by_webhook')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'webhook_deliveries',
    'webhooks',
    'emergencies',
    'agreement_templates',
    'agreement_events',
    'agreement_approvals',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('agreements_by_status').execute();
  await db.schema.dropIndex('agreements_by_lineage').execute();
  for (const column of [
    'expiry_notified_at',
    'ended_at',
    'activated_at',
    'submitted_at',
    'emergency_id',
    'template_id',
    'safeguards',
    'onward_sharing',
    'supersedes_id',
    'version',
    'lineage_id',
  ]) {
    await db.schema.alterTable('agreements').dropColumn(column).execute();
  }
}
