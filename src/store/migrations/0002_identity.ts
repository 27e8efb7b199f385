import { type Kysely, sql } from 'kysely';

/**
 * State of the embedded identity provider (oidc-provider): sessions, interactions, grants, codes,
 * tokens and dynamically registered clients, as JSON payloads. It lives in the shared database,
 * not in memory, so that a sign-in started on one node can finish on another.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('consumed_at', 'text')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  // Plain CREATE INDEX statements, accepted by both dialects.
  await sql`create index oidc_payloads_by_grant on oidc_payloads (grant_id)`.execute(db);
  await sql`create index oidc_payloads_by_uid on oidc_payloads (model, uid)`.execute(db);
  await sql`create index oidc_payloads_by_user_code on oidc_payloads (model, user_code)`.execute(db);
  await sql`create index oidc_payloads_by_expiry on oidc_payloads (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_payloads').execute();
}
