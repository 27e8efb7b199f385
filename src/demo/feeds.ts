/**
 * The demo's change feed (issue 18): the Housing Agency's benefit system follows the population register
 * under its housing benefit agreement, so that a move (a new address_id) reaches it without its asking for
 * each person. Seeded as a subscription that starts at the end of the register's change log.
 */
import { sql } from 'kysely';
import type { Db, Owner } from './seed.ts';

export interface DemoFeed {
  /** The subscribed system: its organization and slug. */
  organization: string;
  system: string;
  provider: string;
  service: string;
  purpose: string;
}

export const FEEDS: readonly DemoFeed[] = [
  {
    organization: 'housing-agency',
    system: 'benefit-system',
    provider: 'population-register',
    service: 'person',
    purpose: 'housing-benefit-eligibility',
  },
];

/**
 * Makes each subscription, or (when the registers were just written again) moves it to the end of the
 * change log, so that the demo's own rewriting of the registers is not delivered as changes.
 */
export async function seedFeeds(
  db: Db,
  owners: Map<string, Owner>,
  registersWritten: boolean,
): Promise<void> {
  for (const feed of FEEDS) {
    const system = await db
      .selectFrom('systems')
      .select('id')
      .where('organization_id', '=', owners.get(feed.organization)!.id)
      .where('slug', '=', feed.system)
      .executeTakeFirstOrThrow();
    const service = await db
      .selectFrom('services')
      .select(['id', 'dataset_id'])
      .where('organization_id', '=', owners.get(feed.provider)!.id)
      .where('slug', '=', feed.service)
      .executeTakeFirstOrThrow();
    const purpose = await db
      .selectFrom('purposes')
      .select('id')
      .where('slug', '=', feed.purpose)
      .executeTakeFirstOrThrow();
    const end = await sql<{ last: number | string | null }>`select max(seq) as last from record_changes
      where dataset_id = ${service.dataset_id}`.execute(db);
    const last = Number(end.rows[0]?.last ?? 0);
    const existing = await db
      .selectFrom('change_subscriptions')
      .select('id')
      .where('system_id', '=', system.id)
      .where('service_id', '=', service.id)
      .where('purpose_id', '=', purpose.id)
      .executeTakeFirst();
    if (existing) {
      if (registersWritten) {
        await db
          .updateTable('change_subscriptions')
          .set({ start_seq: last, acknowledged_seq: last })
          .where('id', '=', existing.id)
          .execute();
      }
      continue;
    }
    await db
      .insertInto('change_subscriptions')
      .values({
        id: crypto.randomUUID(),
        system_id: system.id,
        service_id: service.id,
        purpose_id: purpose.id,
        kinds: '[]',
        fields: '[]',
        start_seq: last,
        acknowledged_seq: last,
        created_by: null,
        created_at: new Date().toISOString(),
        read_at: null,
      })
      .execute();
  }
}
