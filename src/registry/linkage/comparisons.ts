/**
 * How two records are compared, column by column: each comparison sorts a pair into one of a few levels,
 * from "exactly the same" down to "different", and the model learns how often each level happens for the
 * same person (m) and for two different people (u). Level 0 is always "missing on one side or both": it
 * says nothing, so it weighs 0. The last level is always "different".
 *
 * The levels are written as SQL predicates over `l` and `r` for DuckDB, which has Jaro–Winkler and
 * (Damerau–)Levenshtein built in; a predicate may assume both values are present (level 0 comes first).
 */
import type { ColumnKind, LinkColumn } from './columns.ts';
import { swappableNames } from './columns.ts';

export interface LevelSpec {
  /** Stable key, saved in models: `exact`, `jw90`, … */
  key: string;
  /** Plain words for an explanation. */
  label: string;
  /** Absent for level 0 (missing) and the last level (different). */
  sql?: (l: string, r: string) => string;
}

export interface ComparisonSpec {
  /** The column compared (also the comparison's name). */
  column: string;
  kind: ColumnKind;
  /** Plain words: "Given name". */
  label: string;
  levels: LevelSpec[];
  /** Whether an exact match weighs by how common the value is (term-frequency adjustment). */
  termFrequency: boolean;
}

/** Quotes an identifier for DuckDB. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

const MISSING: LevelSpec = { key: 'missing', label: 'Missing on one side or both' };
const DIFFERENT: LevelSpec = { key: 'different', label: 'Different' };
const exact: LevelSpec = { key: 'exact', label: 'Exactly the same', sql: (l, r) => `${l} = ${r}` };
const edits = (n: number): LevelSpec => ({
  key: `dl${n}`,
  label: n === 1 ? 'One character different' : `${n} characters different`,
  sql: (l, r) => damerauAtMost(l, r, n),
});

/**
 * Damerau–Levenshtein distance ≤ n, computed only where it can differ from plain Levenshtein (which is ten
 * times faster in DuckDB): each transposition costs 2 in Levenshtein, so Damerau ≤ n needs Levenshtein ≤ 2n.
 */
export const damerauAtMost = (l: string, r: string, n: number) =>
  `(levenshtein(${l}, ${r}) <= ${n} OR (levenshtein(${l}, ${r}) <= ${2 * n} AND damerau_levenshtein(${l}, ${r}) <= ${n}))`;
const jaroWinkler = (threshold: number, words: string): LevelSpec => ({
  key: `jw${Math.round(threshold * 100)}`,
  label: `${words} (Jaro–Winkler ≥ ${threshold})`,
  sql: (l, r) => `jaro_winkler_similarity(${l}, ${r}) >= ${threshold}`,
});

/** Plain words for a column name: `date_of_birth` → "Date of birth". */
export function columnLabel(column: string): string {
  const words = column.replace(/[_-]+/g, ' ').trim();
  const known: Record<string, string> = {
    'soc sec id': 'Social security number',
    'address 1': 'Address, first line',
    'address 2': 'Address, second line',
  };
  const text = known[words.toLowerCase()] ?? words;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function levelsFor(kind: ColumnKind, partner: string | null): LevelSpec[] {
  switch (kind) {
    case 'name':
      return [
        MISSING,
        exact,
        ...(partner
          ? [
              {
                key: 'swapped',
                label: `Same as the other record's ${columnLabel(partner).toLowerCase()} (swapped)`,
                sql: (l: string, r: string) => `${l} = r.${ident(partner)} AND ${r} = l.${ident(partner)}`,
              },
            ]
          : []),
        jaroWinkler(0.94, 'Almost the same'),
        jaroWinkler(0.88, 'Very similar'),
        jaroWinkler(0.8, 'Similar'),
        DIFFERENT,
      ];
    case 'text':
      return [
        MISSING,
        exact,
        jaroWinkler(0.94, 'Almost the same'),
        jaroWinkler(0.88, 'Very similar'),
        jaroWinkler(0.8, 'Similar'),
        DIFFERENT,
      ];
    case 'number':
      return [MISSING, exact, edits(1), DIFFERENT];
    case 'postcode':
      return [
        MISSING,
        exact,
        edits(1),
        {
          key: 'prefix2',
          label: 'Same first two characters (nearby)',
          sql: (l, r) => `left(${l}, 2) = left(${r}, 2)`,
        },
        DIFFERENT,
      ];
    case 'category':
      return [MISSING, exact, DIFFERENT];
    case 'date':
      return [
        MISSING,
        exact,
        { key: 'dl1', label: 'One digit different', sql: (l, r) => damerauAtMost(l, r, 1) },
        {
          key: 'day_month_swapped',
          label: 'Day and month swapped',
          sql: (l, r) =>
            `length(${l}) = 8 AND length(${r}) = 8 AND left(${l}, 4) = left(${r}, 4) AND substr(${l}, 5, 2) = substr(${r}, 7, 2) AND substr(${l}, 7, 2) = substr(${r}, 5, 2)`,
        },
        {
          key: 'year_off_by_one',
          label: 'Same day and month, year one apart',
          sql: (l, r) =>
            `length(${l}) = 8 AND length(${r}) = 8 AND right(${l}, 4) = right(${r}, 4) AND abs(TRY_CAST(left(${l}, 4) AS INTEGER) - TRY_CAST(left(${r}, 4) AS INTEGER)) = 1`,
        },
        { key: 'lev2', label: 'Two digits different', sql: (l, r) => `levenshtein(${l}, ${r}) <= 2` },
        DIFFERENT,
      ];
    case 'identifier':
      return [
        MISSING,
        exact,
        edits(1),
        { key: 'lev2', label: 'Two characters different', sql: (l, r) => `levenshtein(${l}, ${r}) <= 2` },
        DIFFERENT,
      ];
    case 'ignore':
      return [MISSING, DIFFERENT];
  }
}

/** One comparison per compared column, in the input's order. */
export function comparisonsFor(columns: readonly LinkColumn[]): ComparisonSpec[] {
  const swap = swappableNames(columns);
  return columns.map((c) => {
    const partner = swap ? (swap[0] === c.name ? swap[1] : swap[1] === c.name ? swap[0] : null) : null;
    return {
      column: c.name,
      kind: c.kind,
      label: columnLabel(c.name),
      levels: levelsFor(c.kind, partner),
      termFrequency: c.kind === 'name' || c.kind === 'text',
    };
  });
}

/** The SQL that sorts a pair (records `l` and `r`) into its level's index for one comparison. */
export function levelSql(spec: ComparisonSpec): string {
  const l = `l.${ident(spec.column)}`;
  const r = `r.${ident(spec.column)}`;
  const whens = spec.levels
    .slice(1, -1)
    .map((level, i) => `WHEN ${level.sql!(l, r)} THEN ${i + 1}`)
    .join(' ');
  return `CASE WHEN ${l} IS NULL OR ${r} IS NULL THEN 0 ${whens} ELSE ${spec.levels.length - 1} END`;
}
