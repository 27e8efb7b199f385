import { type Kysely, sql } from 'kysely';

/**
 * One active consent per person, consumer, purpose and service (the OAuth client; none for a consent an
 * official recorded): a consent given again renews the one in force (src/consent/consents.ts), and a
 * unique index holds that against a race between two nodes.
 *
 * Duplicates made before (each "Fill in with govdx" added one) are merged into the latest of each group:
 * the others end, withdrawn by govdx with the reason in their history (not by the person, who did not),
 * and the service's grants made under them now stand under the one kept, so that withdrawing it ends
 * them all. Nothing is deleted.
 *
 * Also: a consent recorded on the person's behalf keeps the reference to its evidence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consents').addColumn('evidence_reference', 'text').execute();

  const active = await sql<{
    id: string;
    subject: string;
    consumer_organization_id: string;
    purpose_id: string;
    client_id: string | null;
    given_at: string;
  }>`select id, subject, consumer_organization_id, purpose_id, client_id, given_at
     from consents where status = 'active' order by given_at desc, id desc`.execute(db);
  const kept = new Map<string, { id: string; given_at: string }>();
  const at = new Date().toISOString();
  for (const row of active.rows) {
    const key = JSON.stringify([row.subject, row.consumer_organization_id, row.purpose_id, row.client_id]);
    const latest = kept.get(key);
    if (!latest) {
      kept.set(key, row);
      continue;
    }
    const reason = `Replaced by the same consent given again on ${latest.given_at} (consent ${latest.id}): govdx keeps one consent per service and purpose.`;
    await sql`update consents set status = 'revoked', revoked_at = ${at}, updated_at = ${at}
              where id = ${row.id}`.execute(db);
    await sql`insert into consent_events (id, consent_id, at, event, actor_id, by_subject, reason, ledger_index)
              values (${`${row.id}:revoked`}, ${row.id}, ${at}, 'revoked', null, 0, ${reason}, null)`.execute(
      db,
    );
    await sql`update consent_grants set consent_id = ${latest.id} where consent_id = ${row.id}`.execute(db);
  }

  await sql`create unique index consents_one_active_per_service
            on consents (subject, consumer_organization_id, purpose_id, coalesce(client_id, ''))
            where status = 'active'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index consents_one_active_per_service`.execute(db);
  await db.schema.alterTable('consents').dropColumn('evidence_reference').execute();
}
