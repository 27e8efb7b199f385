/**
 * The rule for every change to who may see or do what (roles, systems and keys, services, datasets and
 * their fields, purposes, agreements, consents, consent clients, access-relevant settings): the change is
 * committed, then recorded on the ledger; when the ledger cannot record it, what it added is undone, and
 * what it only took away stands, since stopping data or removing a leaked key must not wait for the
 * ledger. Either way the caller is refused with LEDGER_UNAVAILABLE, told which happened.
 *
 * Every governance event names the organization concerned (`organization`, or an agreement's `provider`
 * and `consumer`) and the person who made the change (`by`: a person's id; `govdx` or null for what govdx
 * does by itself), so that an auditor can list them by kind, organization and actor (./events.ts).
 */
import { GovdxError } from '../domain/index.ts';
import { canonicalJson, type LedgerEvent } from '../ledger/index.ts';

/** What the rule needs of the ledger: an append that resolves once the event is durable. */
export interface Recorder {
  append(event: LedgerEvent): Promise<{ index: number }>;
}

const UNDONE = 'The change could not be recorded on the ledger, so it was not made. Try again shortly.';
const STANDS = 'The change is made, but it could not be recorded on the ledger. Tell the platform operators.';

export interface GovernedChange<T> {
  /** Makes the change and commits it; resolves with what it made. */
  apply(): Promise<T>;
  /** The events that record what was made; none when nothing changed (then nothing is recorded). */
  events(made: T): readonly LedgerEvent[];
  /** Whether what was made only takes away: then it stands when the ledger cannot record it. */
  takesAway?(made: T): boolean;
  /** Undoes what was made (called only when it does not only take away). */
  undo(made: T): Promise<void>;
  /** What the caller is told when the change was undone, and when it stands. */
  notMade?: string;
  stands?: string;
}

/** Makes a governance change and records it, or undoes it: the rule above, for a change not yet made. */
export async function governed<T>(
  ledger: Recorder,
  change: GovernedChange<T>,
): Promise<{ made: T; indexes: number[] }> {
  const made = await change.apply();
  const indexes = await recordChange(ledger, change.events(made), {
    undo: async () => {
      if (change.takesAway?.(made)) return false;
      await change.undo(made);
      return true;
    },
    notMade: change.notMade,
    stands: change.stands,
  });
  return { made, indexes };
}

/**
 * Records a governance change already made (committed), or undoes it: the rule above, for callers whose
 * change is made in steps of their own (the agreement workflow's transitions). Resolves with the indexes
 * of the entries, in the order of `events`.
 */
export async function recordChange(
  ledger: Recorder,
  events: readonly LedgerEvent[],
  unrecorded: {
    /** Undoes what the change added; resolves with whether there was anything to undo. */
    undo(): Promise<boolean>;
    /** What the caller is told when something was undone. */
    notMade?: string | undefined;
    /** What the caller is told when the change stands. */
    stands?: string | undefined;
  },
): Promise<number[]> {
  try {
    return (await Promise.all(events.map((event) => ledger.append(event)))).map((a) => a.index);
  } catch (cause) {
    const undone = await unrecorded.undo();
    const error = new GovdxError(
      'LEDGER_UNAVAILABLE',
      undone ? (unrecorded.notMade ?? UNDONE) : (unrecorded.stands ?? STANDS),
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

/** The keys of `keys` whose values differ between `before` and `after` (compared as canonical JSON). */
export function changedKeys<T extends object, K extends keyof T>(
  before: T,
  after: T,
  keys: readonly K[],
): K[] {
  return keys.filter((key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null));
}
