/** Making the ledger fail for real, in the database, for the fail-closed tests. */
import { sql } from 'kysely';
import type { Store } from '../../src/store/index.ts';

/**
 * Makes the database refuse every insert into the ledger, on every connection (the ledger writer's own
 * included): a trigger on SQLite, a constraint on PostgreSQL. Resolves with the repair.
 */
export async function breakLedgerWrites(store: Store): Promise<() => Promise<void>> {
  if (store.dialect === 'sqlite') {
    await sql`create trigger ledger_refused_by_test before insert on ledger_entries begin select raise(abort, 'refused by the test'); end`.execute(
      store.db,
    );
    return async () => {
      await sql`drop trigger ledger_refused_by_test`.execute(store.db);
    };
  }
  await sql`alter table ledger_entries add constraint ledger_refused_by_test check (entry_index < 0) not valid`.execute(
    store.db,
  );
  return async () => {
    await sql`alter table ledger_entries drop constraint ledger_refused_by_test`.execute(store.db);
  };
}
