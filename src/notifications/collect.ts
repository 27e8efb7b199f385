/**
 * Making notifications. They are derived, in this one place, from the governance events on the ledger:
 * a job reads the entries after a cursor (kept in `settings`, migration 0024) and writes what each event
 * means for whom (domain/notification.ts says what). Why a cursor over the ledger rather than a call
 * from each part after it records:
 * - nothing is missed: an event is on the ledger before its part answers, and a node that stops between
 *   recording and notifying leaves the entry for the next run, on whichever node;
 * - the request that caused it never waits for notifications, nor for email;
 * - each notification is made once: the unique (person, key) makes a second writer's insert do nothing,
 *   and ledger entries become visible in index order (one writer on SQLite, the sequencer's advisory lock
 *   held to commit on PostgreSQL), so a cursor never steps over one committed later.
 * Agreements ending within 30 days are no ledger event (the expiry sweep tells webhooks); the same job
 * finds them in the agreements table, keyed once per agreement.
 */
import type { Kysely } from 'kysely';
import { expiryNoticeUntil, type NoticePlan, noticeBody, noticeTitle, planNotices } from '../domain/index.ts';
import { type Database, GOVERNANCE_ROWS, NOTIFICATION_CURSOR } from '../store/index.ts';
import { linkOf, recipientsOf, roleWords, wordsOf } from './recipients.ts';

type Db = Kysely<Database>;

/** Ledger entries read per batch. */
const BATCH = 200;

export interface CollectOptions {
  db: Db;
  /** Whether notifications are to be emailed (an SMTP server is configured): they then wait in the outbox. */
  emailing: boolean;
  at?: Date;
}

async function readCursor(db: Db): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', NOTIFICATION_CURSOR)
    .executeTakeFirst();
  return row ? Number(row.value) : -1;
}

/** Makes the notifications of one plan; resolves with how many were new. */
async function make(
  db: Db,
  plan: Pick<NoticePlan, 'kind' | 'audience' | 'subject' | 'key' | 'reason'>,
  ledgerIndex: number | null,
  options: CollectOptions,
): Promise<number> {
  const recipients = await recipientsOf(db, plan.audience);
  if (recipients.length === 0) return 0;
  const words = await wordsOf(db, plan.subject);
  if (words === null) return 0;
  const emails = new Map(
    (
      await db
        .selectFrom('people')
        .select(['id', 'email'])
        .where(
          'id',
          'in',
          recipients.map((r) => r.personId),
        )
        .execute()
    ).map((p) => [p.id, p.email]),
  );
  const at = (options.at ?? new Date()).toISOString();
  let made = 0;
  for (const recipient of recipients) {
    if (!emails.has(recipient.personId)) continue;
    const these = { thing: words.thing, reason: plan.reason, ...roleWords(recipient.party) };
    const email = options.emailing && (emails.get(recipient.personId) ?? '') !== '';
    const inserted = await db
      .insertInto('notifications')
      .values({
        id: crypto.randomUUID(),
        person_id: recipient.personId,
        key: plan.key,
        kind: plan.kind,
        title: noticeTitle(plan.kind, plan.subject, these),
        body: noticeBody(plan.kind, these, words.endsAt),
        link: linkOf(plan.subject, recipient.organization),
        ledger_index: ledgerIndex,
        created_at: at,
        read_at: null,
        email_status: email ? 'pending' : 'none',
        email_attempts: 0,
        email_next_at: email ? at : null,
        email_error: null,
        emailed_at: null,
      })
      .onConflict((oc) => oc.columns(['person_id', 'key']).doNothing())
      .executeTakeFirst();
    made += Number(inserted.numInsertedOrUpdatedRows ?? 0);
  }
  return made;
}

/** Reads the governance events after the cursor and makes their notifications; moves the cursor on. */
async function fromLedger(options: CollectOptions): Promise<number> {
  const { db } = options;
  let made = 0;
  for (;;) {
    const cursor = await readCursor(db);
    const rows = await db
      .selectFrom('ledger_entries')
      .select(['entry_index', 'event'])
      .where(GOVERNANCE_ROWS)
      .where('entry_index', '>', cursor)
      .orderBy('entry_index')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return made;
    for (const row of rows) {
      const index = Number(row.entry_index);
      for (const plan of planNotices(index, JSON.parse(row.event) as Record<string, unknown>)) {
        made += await make(db, plan, index, options);
      }
    }
    const last = Number(rows.at(-1)!.entry_index);
    // Another node may have moved it meanwhile; then it made the same notifications (the key keeps one).
    await db
      .updateTable('settings')
      .set({ value: String(last), updated_at: new Date().toISOString() })
      .where('key', '=', NOTIFICATION_CURSOR)
      .where('value', '=', String(cursor))
      .execute();
    if (rows.length < BATCH) return made;
  }
}

/** Agreements in force that end within 30 days: their organizations' admins and data stewards are told once. */
async function endingAgreements(options: CollectOptions): Promise<number> {
  const { db } = options;
  const at = options.at ?? new Date();
  const ending = await db
    .selectFrom('agreements')
    .innerJoin('organizations as provider', 'provider.id', 'agreements.provider_organization_id')
    .innerJoin('organizations as consumer', 'consumer.id', 'agreements.consumer_organization_id')
    .select(['agreements.id', 'provider.slug as provider', 'consumer.slug as consumer'])
    .where('agreements.status', '=', 'active')
    .where('agreements.valid_until', '>', at.toISOString())
    .where('agreements.valid_until', '<=', expiryNoticeUntil(at))
    .execute();
  let made = 0;
  for (const agreement of ending) {
    for (const organization of [agreement.provider, agreement.consumer]) {
      const plan = {
        kind: 'agreement_ending' as const,
        audience: { stewardsAndAdminsOf: organization },
        subject: { agreement: agreement.id },
        key: `agreement_ending:${agreement.id}`,
        reason: null,
      };
      made += await make(db, plan, null, options);
    }
  }
  return made;
}

/** One run of the job: the ledger's new governance events, then the agreements ending soon. */
export async function collectNotifications(options: CollectOptions): Promise<number> {
  return (await fromLedger(options)) + (await endingAgreements(options));
}
