/**
 * Governance changes made through the admin API (a system's keys or status, a consent client) go on the
 * ledger by the agreement workflow's rule (src/agreements/workflow.ts): the change is committed, then
 * recorded; when the ledger cannot record it, what it added is undone, and what it only took away stands,
 * since stopping data or removing a leaked key must not wait for the ledger. Either way the caller is
 * refused with LEDGER_UNAVAILABLE, told which happened.
 */
import { GovdxError } from '../domain/index.ts';
import { canonicalJson, type Ledger, type LedgerEvent } from '../ledger/index.ts';

export async function recordChange(
  ledger: Ledger,
  events: readonly LedgerEvent[],
  unrecorded: {
    /** Undoes what the change added; resolves with whether there was anything to undo. */
    undo(): Promise<boolean>;
    /** What the caller is told when something was undone. */
    notMade: string;
  },
): Promise<void> {
  try {
    await Promise.all(events.map((event) => ledger.append(event)));
  } catch (cause) {
    const undone = await unrecorded.undo();
    const error = new GovdxError(
      'LEDGER_UNAVAILABLE',
      undone
        ? unrecorded.notMade
        : 'The change is made, but it could not be recorded on the ledger. Tell the platform operators.',
    );
    error.cause = cause;
    throw error;
  }
}

/** Whether `next` holds nothing `previous` did not (items compared as canonical JSON). */
export function addsNothing(next: readonly unknown[], previous: readonly unknown[]): boolean {
  const had = new Set(previous.map((item) => canonicalJson(item)));
  return next.every((item) => had.has(canonicalJson(item)));
}
