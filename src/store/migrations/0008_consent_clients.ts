import type { Kysely } from 'kysely';

/**
 * Services that ask citizens for consent: each is an OAuth client of the consent authorization server
 * (src/consent/authorization-server.ts), registered by a consumer organization with its redirect URIs,
 * its public keys (it authenticates with private_key_jwt) and the purposes it may ask consent for.
 * consent_grants ties the authorization server's grants to the consent records they were issued for,
 * so that the person API releases data only under that one consent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('consent_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('jwks', 'text', (c) => c.notNull())
    .addColumn('preview', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('consent_clients_by_organization')
    .on('consent_clients')
    .columns(['organization_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('consent_client_purposes')
    .addColumn('client_id', 'text', (c) =>
      c.notNull().references('consent_clients.client_id').onDelete('cascade'),
    )
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addPrimaryKeyConstraint('consent_client_purposes_pk', ['client_id', 'purpose_id'])
    .execute();

  await db.schema
    .createTable('consent_grants')
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consent_grants').execute();
  await db.schema.dropTable('consent_client_purposes').execute();
  await db.schema.dropTable('consent_clients').execute();
}
