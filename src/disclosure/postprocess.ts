/**
 * Post-processing of a noisy table: no negative counts, and totals that equal the sum of their cells.
 * Post-processing spends no privacy (Dwork, Roth, "The Algorithmic Foundations of Differential
 * Privacy", 2014, Proposition 2.1); what it can cost is accuracy, so each step says what it keeps.
 *
 * - `clampNegative`: a cell below 0 becomes 0. For a true count x ≥ 0, |max(0, y) - x| ≤ |y - x|
 *   for every y, so no cell's error grows, the mean absolute error (MAE) cannot rise, and a true value
 *   inside y ± b is inside max(0, y) ± b: the 95 % bounds stay valid.
 * - `consistentTotals`: totals of clamped cells would be biased upward (every clamp adds), so the
 *   totals are instead the raw noisy sums of their cells (floored at 0), and the cells are moved to
 *   the non-negative integers closest to them that add up to that total: c_i = max(0, y_i - μ),
 *   rounded by largest remainder. A total's error is then never above the raw sum's. A cell's error
 *   can rise (a shift μ ≥ 0 moves every positive cell down), so this step does not prove that the
 *   cells' MAE never rises; test/disclosure/postprocess.test.ts measures it over simulated releases.
 */
import type { NoisyCell, NoisyTable } from './statistics.ts';

/** A table post-processing cannot treat: values that may truly be negative, or an unknown column. */
export class PostProcessError extends Error {
  readonly code: 'MAY_BE_NEGATIVE' | 'UNKNOWN_COLUMN';

  constructor(code: 'MAY_BE_NEGATIVE' | 'UNKNOWN_COLUMN', message: string) {
    super(message);
    this.name = 'PostProcessError';
    this.code = code;
  }
}

/** Clamping at 0 only helps when the truth is never negative: counts, or sums of values clamped at ≥ 0. */
function requireNonNegativeTruth(table: NoisyTable): void {
  if (table.statistic === 'sum' && (table.clamp?.lower ?? -1) < 0) {
    throw new PostProcessError(
      'MAY_BE_NEGATIVE',
      `The sums of "${table.column}" may truly be negative (clamp from ${table.clamp?.lower}); they are left as they are.`,
    );
  }
}

export interface NoisyTotal {
  /** The grouping columns the total keeps, e.g. ["municipality"]; empty for the grand total. */
  readonly by: readonly string[];
  /** One value per column of `by`. */
  readonly values: readonly string[];
  readonly value: number;
  /** The true total lies within value ± errorBound with probability at least 95 %. */
  readonly errorBound: number;
}

export interface ConsistentTable {
  readonly table: NoisyTable;
  readonly totals: readonly NoisyTotal[];
}

/** The table with every negative cell set to 0; bounds unchanged. */
export function clampNegative(table: NoisyTable): NoisyTable {
  requireNonNegativeTruth(table);
  return { ...table, cells: table.cells.map((cell) => ({ ...cell, value: Math.max(0, cell.value) })) };
}

/**
 * The non-negative integers c with Σc = total closest to y: first the Euclidean projection
 * c_i = max(0, y_i - μ) onto {c ≥ 0, Σc = total} (μ found from the sorted values, as in Duchi,
 * Shalev-Shwartz, Singer, Chandra, "Efficient Projections onto the ℓ1-Ball", ICML 2008, Figure 1),
 * then floors with the remaining units given to the largest fractional parts.
 */
export function projectOntoTotal(values: readonly number[], total: number): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`A total of ${total} is not a count.`);
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => b - a);
  let running = 0;
  let shift = 0;
  for (let k = 0; k < sorted.length; k++) {
    running += sorted[k]!;
    const candidate = (running - total) / (k + 1);
    if (k + 1 === sorted.length || sorted[k + 1]! <= candidate) {
      shift = candidate;
      break;
    }
  }
  const real = values.map((value) => Math.max(0, value - shift));
  const floors = real.map(Math.floor);
  let remaining = total - floors.reduce((sum, value) => sum + value, 0);
  const order = real
    .map((value, i) => ({ i, fraction: value - floors[i]! }))
    .sort((a, b) => b.fraction - a.fraction);
  for (const { i } of order) {
    if (remaining <= 0) break;
    floors[i]! += 1;
    remaining -= 1;
  }
  return floors;
}

/**
 * log E[e^(λX)] for X discrete Laplace with scale t, α = e^(-1/t), 0 ≤ λ < 1/t:
 * E[e^(λX)] = (1-α)² / ((1-α·e^λ)(1-α·e^(-λ))), from the pmf's two geometric series.
 */
function logMomentGenerating(alpha: number, lambda: number): number {
  return (
    2 * Math.log1p(-alpha) - Math.log1p(-alpha * Math.exp(lambda)) - Math.log1p(-alpha * Math.exp(-lambda))
  );
}

/**
 * A 95 % bound on |X_1 + … + X_n| for independent discrete Laplace X_i with scale t, by the Chernoff
 * bound P(|S| > b) ≤ 2·min_λ E[e^(λX)]^n · e^(-λ(b+1)) (Boucheron, Lugosi, Massart, "Concentration
 * Inequalities", 2013, Section 2.2): valid for every n, somewhat wider than the exact quantile.
 */
export function sumOfDiscreteLaplaceErrorBound(scale: number, n: number, confidence = 0.95): number {
  const alpha = Math.exp(-1 / scale);
  const tailAt = (b: number): number => {
    let low = 0;
    let high = 1 / scale;
    const f = (lambda: number) => n * logMomentGenerating(alpha, lambda) - lambda * (b + 1);
    for (let i = 0; i < 200; i++) {
      const a = low + (high - low) / 3;
      const c = high - (high - low) / 3;
      if (f(a) < f(c)) high = c;
      else low = a;
    }
    return Math.min(1, 2 * Math.exp(f((low + high) / 2)));
  };
  let high = 1;
  while (tailAt(high) > 1 - confidence) high *= 2;
  let low = -1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (tailAt(middle) > 1 - confidence) low = middle;
    else high = middle;
  }
  return high;
}

function scaleOf(table: NoisyTable): number {
  const [num, den = '1'] = table.scale.split('/');
  return Number(num) / Number(den);
}

/**
 * Totals over the columns `by` (all other grouping columns summed out), each equal to the sum of its
 * published cells, with no negative cell: see the module comment for what this keeps and what it may not.
 */
export function consistentTotals(table: NoisyTable, by: readonly string[]): ConsistentTable {
  requireNonNegativeTruth(table);
  const positions = by.map((column) => {
    const position = table.groupBy.indexOf(column);
    if (position < 0) {
      throw new PostProcessError('UNKNOWN_COLUMN', `"${column}" is not a grouping column of the table.`);
    }
    return position;
  });
  const groups = new Map<string, { values: string[]; members: number[] }>();
  table.cells.forEach((cell, index) => {
    const values = positions.map((position) => cell.values[position]!);
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? { values, members: [] };
    group.members.push(index);
    groups.set(key, group);
  });
  const cells: NoisyCell[] = [...table.cells];
  const totals: NoisyTotal[] = [];
  const scale = scaleOf(table);
  for (const { values, members } of groups.values()) {
    const raw = members.map((index) => table.cells[index]!.value);
    const total = Math.max(
      0,
      raw.reduce((sum, value) => sum + value, 0),
    );
    const projected = projectOntoTotal(raw, total);
    members.forEach((index, k) => {
      cells[index] = { ...table.cells[index]!, value: projected[k]! };
    });
    const errorBound =
      members.length === 1
        ? table.cells[members[0]!]!.errorBound
        : sumOfDiscreteLaplaceErrorBound(scale, members.length);
    totals.push({ by: [...by], values, value: total, errorBound });
  }
  return { table: { ...table, cells }, totals };
}
