import { type Kysely, sql } from 'kysely';

/**
 * Two indexes for reading the ledger other than by position or by person:
 *
 * - ledger_entries_governance: the governance events (every kind but `access`), newest first, for the
 *   auditor's list of them by kind, organization and actor (src/governance/events.ts). Partial, so the
 *   exchange's access events, nearly all of the ledger, add nothing to it.
 * - ledger_subject_entries_by_entry: the (subject, entry) pairs by entry, so that an export can say under
 *   whom the tracker files each entry and `govdx ledger audit` can compare that with the committed event.
 *   Runs of pairs are added in entry order, so this index only grows at its end.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index ledger_entries_governance on ledger_entries (entry_index) where kind <> 'access'`.execute(
    db,
  );
  await sql`create index ledger_subject_entries_by_entry on ledger_subject_entries (entry_index)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index ledger_subject_entries_by_entry`.execute(db);
  await sql`drop index ledger_entries_governance`.execute(db);
}
