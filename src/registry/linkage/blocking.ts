/**
 * Blocking: which pairs are compared at all. Comparing every record with every other is n², so pairs are
 * drawn only from records that agree exactly on some key; the union of several keys keeps recall, since a
 * true match would have to differ on every one of them to be missed. Keys come from the columns' kinds,
 * and a key that would make too many pairs (a common value) is dropped: the others still cover its pairs.
 */
import type { LinkColumn } from './columns.ts';
import { swappableNames } from './columns.ts';
import { ident } from './comparisons.ts';

/** A blocking rule: the columns that must be equal. `a~b` means l.a = r.b (a swapped pair). */
export type BlockingRule = string[];

/** The candidate rules for these columns, most selective first. */
export function candidateRules(columns: readonly LinkColumn[]): BlockingRule[] {
  const of = (...kinds: string[]) => columns.filter((c) => kinds.includes(c.kind)).map((c) => c.name);
  const rules: BlockingRule[] = [];
  for (const id of of('identifier')) rules.push([id]);
  for (const date of of('date')) rules.push([date]);
  const swap = swappableNames(columns);
  if (swap) rules.push([...swap], [`${swap[0]}~${swap[1]}`, `${swap[1]}~${swap[0]}`]);
  // Any two of the descriptive columns: a record that keeps two of them unchanged is found.
  const descriptive = of('name', 'text', 'number', 'postcode');
  for (let i = 0; i < descriptive.length; i += 1) {
    for (let j = i + 1; j < descriptive.length; j += 1) {
      const rule = [descriptive[i]!, descriptive[j]!];
      if (!rules.some((r) => r.length === 2 && r.every((c) => rule.includes(c)))) rules.push(rule);
    }
  }
  // With few descriptive columns, one is a key on its own.
  if (descriptive.length < 3) for (const c of descriptive) rules.push([c]);
  if (rules.length === 0) for (const c of columns) rules.push([c.name]);
  return rules;
}

/** The left and right expressions of one part of a rule. */
function sides(part: string): [string, string] {
  const [left, right] = part.includes('~') ? (part.split('~') as [string, string]) : [part, part];
  return [left, right];
}

/** The rule as an SQL condition on `l` and `r` (null values never agree). */
export function ruleSql(rule: BlockingRule): string {
  return rule
    .map((part) => {
      const [left, right] = sides(part);
      return `l.${ident(left)} = r.${ident(right)}`;
    })
    .join(' AND ');
}

/** The key expression of one side of the rule, to count how many pairs it makes. */
export function ruleKeys(rule: BlockingRule): { left: string[]; right: string[] } {
  const parts = rule.map(sides);
  return { left: parts.map(([l]) => ident(l)), right: parts.map(([, r]) => ident(r)) };
}

/** Human words for a rule: "given_name and surname", "given_name = surname and surname = given_name". */
export function describeRule(rule: BlockingRule): string {
  return rule.map((part) => (part.includes('~') ? part.replace('~', ' = other ') : part)).join(' and ');
}
