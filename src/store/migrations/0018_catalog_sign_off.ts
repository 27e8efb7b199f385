import { type Kysely, sql } from 'kysely';

/**
 * Issue 14, finding 5. Whether a dataset's records are about people is declared (datasets.about_people)
 * instead of read off its key field's label; existing datasets are about people when their key field
 * holds personal or special-category data. catalog_changes holds the changes that wait for the owning
 * organization's data protection officer: lowering a field's sensitivity, changing the key field,
 * declaring the records no longer about people, moving a proxied service to another provider address.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('datasets')
    .addColumn('about_people', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update datasets set about_people = 1 where exists (
      select 1 from fields
      where fields.dataset_id = datasets.id and fields.name = datasets.key_field
        and fields.sensitivity in ('personal', 'special'))`.execute(db);

  await db.schema
    .createTable('catalog_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('dataset_id', 'text', (c) => c.references('datasets.id').onDelete('cascade'))
    .addColumn('service_id', 'text', (c) => c.references('services.id').onDelete('cascade'))
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('based_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema
    .createIndex('catalog_changes_by_organization')
    .on('catalog_changes')
    .columns(['organization_id', 'status', 'proposed_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('catalog_changes').execute();
  await db.schema.alterTable('datasets').dropColumn('about_people').execute();
}
