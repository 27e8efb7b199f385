/**
 * Data minimization (GDPR Art. 5(1)(c)): a response carries only the fields an agreement lists,
 * whatever the provider returned.
 *
 * Fields are paths: `employer.name` is the member `name` of the object `employer`. A path names a
 * whole subtree (`employer` keeps every member of it); a path through an array applies to each of its
 * elements (`chronic_conditions.code` keeps `code` of every condition).
 */
import type { Sensitivity } from './vocabulary.ts';

/** A compiled field list: each member is kept whole (`true`) or narrowed by its own tree. */
export type FieldTree = Map<string, FieldTree | true>;

/** True when `ancestor` names an object that contains `path` (`a` contains `a.b` and `a.b.c`). */
export function contains(ancestor: string, path: string): boolean {
  return path.length > ancestor.length && path.startsWith(ancestor) && path[ancestor.length] === '.';
}

export function fieldTree(fields: readonly string[]): FieldTree {
  const root: FieldTree = new Map();
  for (const field of fields) {
    const parts = field.split('.');
    let node = root;
    for (const [i, part] of parts.entries()) {
      const existing = node.get(part);
      if (existing === true) break; // an ancestor is already kept whole
      if (i === parts.length - 1) {
        node.set(part, true);
        break;
      }
      const child: FieldTree = existing ?? new Map();
      node.set(part, child);
      node = child;
    }
  }
  return root;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `value` with only the members the tree keeps; undefined when nothing of the expected shape is there
 * (a number where an object was agreed is dropped, not passed on). Null stays null: it says no more
 * than that the agreed member is empty. The result has no prototype, so a member named `__proto__`
 * is data like any other.
 */
export function minimize(value: unknown, tree: FieldTree): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (const element of value) {
      const narrowed = minimize(element, tree);
      if (narrowed !== undefined) kept.push(narrowed);
    }
    return kept;
  }
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, subtree] of tree) {
    if (!Object.hasOwn(value, key)) continue;
    const member = value[key];
    const narrowed = subtree === true ? member : minimize(member, subtree);
    if (narrowed !== undefined) out[key] = narrowed;
  }
  return out;
}

const RANK: Record<Sensitivity, number> = { open: 0, internal: 1, personal: 2, special: 3 };

/**
 * How sensitive an agreed field is, given the dataset's fields: its own sensitivity; for an object
 * (`birth_place`), the most sensitive of its members; for a path below a declared field
 * (`chronic_conditions.code`), that field's. Undefined when the dataset declares no such data.
 */
export function sensitivityOf(
  field: string,
  declared: ReadonlyMap<string, Sensitivity>,
): Sensitivity | undefined {
  const own = declared.get(field);
  if (own) return own;
  let found: Sensitivity | undefined;
  for (const [name, sensitivity] of declared) {
    if (contains(field, name) || contains(name, field)) {
      if (found === undefined || RANK[sensitivity] > RANK[found]) found = sensitivity;
    }
  }
  return found;
}

/**
 * The fields both lists allow: each agreed field the consent covers (the consent names it or an
 * object containing it), or the narrower field the consent names inside it. An empty consent list
 * covers every agreed field.
 */
export function intersectFields(agreed: readonly string[], consented: readonly string[]): string[] {
  if (consented.length === 0) return [...agreed];
  const out = new Set<string>();
  for (const a of agreed) {
    for (const c of consented) {
      if (c === a || contains(c, a)) out.add(a);
      else if (contains(a, c)) out.add(c);
    }
  }
  return [...out];
}
