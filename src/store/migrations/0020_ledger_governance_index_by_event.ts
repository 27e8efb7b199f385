import { type Kysely, sql } from 'kysely';

/**
 * The governance events' index (0017) chose its rows by the `kind` column alone, which the database's
 * operator can rewrite: an event filed as `access` left the auditor's list. It now also holds every row
 * whose committed event is not an access event, whatever its `kind` column says, so that the list
 * (src/governance/events.ts) reads it and flags the disagreement. Canonical JSON has no spaces, so an
 * access event's text always holds `"kind":"access"`; the event itself cannot be rewritten unseen (its
 * commitment is in the tree).
 */
export const GOVERNANCE_ROWS = sql<boolean>`(kind <> 'access' or event not like '%"kind":"access"%')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index ledger_entries_governance`.execute(db);
  await sql`create index ledger_entries_governance on ledger_entries (entry_index) where ${GOVERNANCE_ROWS}`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index ledger_entries_governance`.execute(db);
  await sql`create index ledger_entries_governance on ledger_entries (entry_index) where kind <> 'access'`.execute(
    db,
  );
}
