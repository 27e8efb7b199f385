/**
 * Change feeds (issue 18): which changes of a register a subscribed system is told of, and what of them.
 * Pure: the exchange reads the change log and the records, decides with decide(), and asks these rules
 * what the change may say.
 *
 * A change names the fields that changed. The system is told only of the changed fields its agreement
 * releases, and a created or updated record none of whose released fields changed is not delivered at
 * all: that a person's health record changed is itself something a housing agency must not learn.
 */
import { contains } from './minimize.ts';

export const CHANGE_KINDS = ['created', 'updated', 'deleted'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What a subscription asks for; an empty list asks for everything its agreement allows. */
export interface FeedFilter {
  kinds: readonly ChangeKind[];
  fields: readonly string[];
}

/** Whether `a` and `b` name the same data or one lies inside the other (`address`, `address.postcode`). */
function overlaps(a: string, b: string): boolean {
  return a === b || contains(a, b) || contains(b, a);
}

/**
 * The changed fields the system may be told of: each changed field inside a released one, and each
 * released field inside a changed object (`address` changed, `address.postcode` released: the postcode
 * may have changed). Never a field the agreement does not release.
 */
export function releasedChanges(changed: readonly string[], released: readonly string[]): string[] {
  const told = new Set<string>();
  for (const c of changed) {
    for (const r of released) {
      if (c === r || contains(r, c)) told.add(c);
      else if (contains(c, r)) told.add(r);
    }
  }
  return [...told];
}

/**
 * Whether a change goes to a subscriber: its kind is one asked for, and (for a created or updated record)
 * a released field changed, one of those asked for when the subscription names fields. A deletion (a
 * death, a business struck off) concerns the whole record, so it passes any field filter.
 */
export function feedWants(filter: FeedFilter, kind: ChangeKind, told: readonly string[]): boolean {
  if (filter.kinds.length > 0 && !filter.kinds.includes(kind)) return false;
  if (kind === 'deleted') return true;
  if (told.length === 0) return false;
  return filter.fields.length === 0 || told.some((f) => filter.fields.some((w) => overlaps(w, f)));
}

/** The fields of `asked` that no released field covers (a subscription may ask only for released ones). */
export function unreleasedFields(asked: readonly string[], released: readonly string[]): string[] {
  return asked.filter((a) => !released.some((r) => a === r || contains(r, a)));
}
