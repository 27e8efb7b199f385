import type { Kysely } from 'kysely';

/**
 * A plain label per field for citizens ("Date of birth", "Country of citizenship"), beside the steward's
 * description. Null until a steward gives one; citizens' pages then show the field's name in words.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('fields').addColumn('label', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('fields').dropColumn('label').execute();
}
