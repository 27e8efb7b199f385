import type { Kysely } from 'kysely';

/**
 * How the exchange tells a provider's API who asks, for whom and why (issue 22): `jws`, one ES256 JWT per
 * request, as every provider has verified so far (the default, so that no provider breaks on upgrade); or
 * `batch`, the calls in flight at one moment sharing one signature over a Merkle root, each request carrying
 * its inclusion path (docs/integrating.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('services')
    .addColumn('request_assertion', 'text', (c) => c.notNull().defaultTo('jws'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('services').dropColumn('request_assertion').execute();
}
