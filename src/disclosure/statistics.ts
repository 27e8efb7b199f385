/**
 * Differentially private counts and sums by a set of grouping columns (population by
 * municipality × age band × sex), with discrete Laplace noise (see noise.ts) and a 95 % error bound
 * on every published cell.
 *
 * Neighbouring relation: two sets of records are neighbours when one is the other plus or minus
 * one person, and a person is at most `maxRowsPerPerson` rows (default 1). With `personColumn`
 * the bound is enforced (a person's rows beyond the first `maxRowsPerPerson` are left out);
 * without it, the caller asserts that no person has more rows.
 * Under this relation a count table changes by at most `maxRowsPerPerson` in L1 norm, and a sum
 * table whose values are clamped to [lower, upper] by at most maxRowsPerPerson · max(|lower|, |upper|).
 * Discrete Laplace noise with scale sensitivity/ε on every cell is then ε-differentially private for
 * the whole table: a shift of the table by Δ in L1 norm changes the noise density by at most a factor
 * e^(Δ/scale) = e^ε (Dwork, McSherry, Nissim, Smith, "Calibrating Noise to Sensitivity", TCC 2006;
 * the discrete Laplace is the two-sided geometric mechanism of Ghosh, Roughgarden, Sundararajan,
 * "Universally Utility-Maximizing Privacy Mechanisms", STOC 2009).
 *
 * Every cell of the cross product of the given domain is released, empty or not, so that the
 * presence of a cell says nothing about the records; the categories come from the query, never from
 * the data.
 */
import {
  cryptoRandom,
  discreteLaplaceErrorBound,
  gcd,
  type RandomSource,
  type SeededTestRandom,
  sampleDiscreteLaplace,
} from './noise.ts';

export type StatisticsErrorCode =
  | 'BAD_EPSILON'
  | 'BAD_DOMAIN'
  | 'BAD_CONTRIBUTION_BOUND'
  | 'BAD_CLAMP'
  | 'MISSING_VALUE'
  | 'VALUE_OUTSIDE_DOMAIN'
  | 'BAD_VALUE'
  | 'TOO_MANY_CELLS';

/** A refusal of a statistics query or of its records, with a stable code. */
export class StatisticsError extends Error {
  readonly code: StatisticsErrorCode;

  constructor(code: StatisticsErrorCode, message: string) {
    super(message);
    this.name = 'StatisticsError';
    this.code = code;
  }
}

/** An exact positive-denominator fraction, in lowest terms. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** num/den in lowest terms (den positive when it was). */
export function reduced(num: bigint, den: bigint): Rational {
  const divisor = gcd(num, den) || 1n;
  return { num: num / divisor, den: den / divisor };
}

export function formatRational(r: Rational): string {
  return r.den === 1n ? `${r.num}` : `${r.num}/${r.den}`;
}

const DECIMAL = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const FRACTION = /^(\d+)\/(\d+)$/;

/**
 * ε as an exact rational: "0.1" is 1/10 (not the double nearest 0.1), "1/3" is 1/3, "1e-2" is 1/100.
 * A number is read through its shortest decimal form, so 0.1 is also 1/10.
 */
export function parseEpsilon(epsilon: string | number | Rational): Rational {
  const refuse = () =>
    new StatisticsError(
      'BAD_EPSILON',
      `ε must be a positive number such as "0.1", "1" or "1/3"; got ${text}.`,
    );
  const text = typeof epsilon === 'object' ? `${epsilon.num}/${epsilon.den}` : String(epsilon).trim();
  let result: Rational;
  const fraction = FRACTION.exec(text);
  const decimal = DECIMAL.exec(text);
  if (fraction) {
    const den = BigInt(fraction[2]!);
    if (den === 0n) throw refuse();
    result = reduced(BigInt(fraction[1]!), den);
  } else if (decimal) {
    const digits = decimal[2] ?? '';
    const exponent = Number(decimal[3] ?? 0) - digits.length;
    if (Math.abs(exponent) > 1000) throw refuse();
    const mantissa = BigInt(decimal[1]! + digits);
    result =
      exponent >= 0
        ? reduced(mantissa * 10n ** BigInt(exponent), 1n)
        : reduced(mantissa, 10n ** BigInt(-exponent));
  } else {
    throw refuse();
  }
  if (result.num <= 0n) throw refuse();
  return result;
}

/** The known category values of each grouping column, in the order they are published. */
export type Domain = Readonly<Record<string, readonly string[]>>;

export interface TableQuery {
  /** The grouping columns, e.g. ["municipality", "ageBand", "sex"]. */
  readonly groupBy: readonly string[];
  /** Every value each grouping column can take; a record with another value is refused. */
  readonly domain: Domain;
  /** The privacy loss of this release, as an exact decimal or fraction ("0.1", "1/3"). */
  readonly epsilon: string | number | Rational;
  /** The most rows one person can contribute (default 1); multiplies the sensitivity. */
  readonly maxRowsPerPerson?: number;
  /** When given, the column that identifies a person; rows beyond maxRowsPerPerson are left out. */
  readonly personColumn?: string;
}

export interface SumQuery extends TableQuery {
  /** The column summed; its values are clamped to [lower, upper] and rounded to integers. */
  readonly column: string;
  readonly clamp: { readonly lower: number; readonly upper: number };
}

export interface ReleaseOptions {
  /** Tests only: deterministic noise. A release made with it is marked `noiseSource: 'seeded-test'`. */
  readonly seededTestRandom?: SeededTestRandom;
}

export interface NoisyCell {
  /** One value per grouping column, in the order of `groupBy`. */
  readonly values: readonly string[];
  /** The noisy count or sum. */
  readonly value: number;
  /** The true value lies within value ± errorBound with probability at least 95 %. */
  readonly errorBound: number;
}

export interface NoisyTable {
  readonly statistic: 'count' | 'sum';
  readonly groupBy: readonly string[];
  readonly column?: string;
  readonly clamp?: { readonly lower: number; readonly upper: number };
  /** The ε spent by this release, exactly. */
  readonly epsilon: string;
  readonly mechanism: 'discrete-laplace';
  readonly maxRowsPerPerson: number;
  readonly sensitivity: string;
  /** The discrete Laplace scale, sensitivity/ε, exactly. */
  readonly scale: string;
  readonly confidence: 0.95;
  readonly noiseSource: 'crypto' | 'seeded-test';
  readonly cells: readonly NoisyCell[];
}

const MAX_CELLS = 1_000_000;
const SEPARATOR = '\u001f';

function contributionBound(query: TableQuery): number {
  const bound = query.maxRowsPerPerson ?? 1;
  if (!Number.isSafeInteger(bound) || bound < 1) {
    throw new StatisticsError(
      'BAD_CONTRIBUTION_BOUND',
      `maxRowsPerPerson must be a whole number ≥ 1; got ${bound}.`,
    );
  }
  return bound;
}

/** Every combination of the domain's values, in the order of groupBy and of each column's values. */
function crossProduct(groupBy: readonly string[], domain: Domain): string[][] {
  let size = 1;
  for (const column of groupBy) {
    const values = domain[column];
    if (!values || values.length === 0) {
      throw new StatisticsError(
        'BAD_DOMAIN',
        `The domain gives no values for the grouping column "${column}".`,
      );
    }
    if (new Set(values).size !== values.length) {
      throw new StatisticsError('BAD_DOMAIN', `The domain of "${column}" lists a value twice.`);
    }
    size *= values.length;
    if (size > MAX_CELLS) {
      throw new StatisticsError('TOO_MANY_CELLS', `The table would have more than ${MAX_CELLS} cells.`);
    }
  }
  if (new Set(groupBy).size !== groupBy.length) {
    throw new StatisticsError('BAD_DOMAIN', 'A grouping column is listed twice.');
  }
  let combinations: string[][] = [[]];
  for (const column of groupBy) {
    combinations = combinations.flatMap((prefix) => domain[column]!.map((value) => [...prefix, value]));
  }
  return combinations;
}

function categoryOf(
  record: Readonly<Record<string, unknown>>,
  column: string,
  allowed: ReadonlySet<string>,
  row: number,
) {
  const raw = record[column];
  if (raw === undefined || raw === null || raw === '') {
    throw new StatisticsError('MISSING_VALUE', `Record ${row + 1} has no value for "${column}".`);
  }
  const value = String(raw);
  if (!allowed.has(value)) {
    throw new StatisticsError(
      'VALUE_OUTSIDE_DOMAIN',
      `Record ${row + 1} has "${value}" for "${column}", which is not in the domain given for it.`,
    );
  }
  return value;
}

/** The records that count: all of them, or at most maxRowsPerPerson per person when personColumn is set. */
function boundedRecords(
  records: readonly Readonly<Record<string, unknown>>[],
  query: TableQuery,
  bound: number,
): { record: Readonly<Record<string, unknown>>; row: number }[] {
  const rows = records.map((record, row) => ({ record, row }));
  const personColumn = query.personColumn;
  if (personColumn === undefined) return rows;
  const seen = new Map<string, number>();
  return rows.filter(({ record, row }) => {
    const person = record[personColumn];
    if (person === undefined || person === null || person === '') {
      throw new StatisticsError('MISSING_VALUE', `Record ${row + 1} has no value for "${personColumn}".`);
    }
    const key = String(person);
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return count < bound;
  });
}

function release(
  records: readonly Readonly<Record<string, unknown>>[],
  query: TableQuery,
  options: ReleaseOptions,
  statistic: 'count' | 'sum',
  rowSensitivity: bigint,
  contribution: (record: Readonly<Record<string, unknown>>, row: number) => bigint,
  extra: Pick<NoisyTable, 'column' | 'clamp'>,
): NoisyTable {
  const epsilon = parseEpsilon(query.epsilon);
  const bound = contributionBound(query);
  const combinations = crossProduct(query.groupBy, query.domain);
  const allowed = new Map(query.groupBy.map((column) => [column, new Set(query.domain[column])]));
  const totals = new Map<string, bigint>(combinations.map((values) => [values.join(SEPARATOR), 0n]));
  for (const { record, row } of boundedRecords(records, query, bound)) {
    const key = query.groupBy
      .map((column) => categoryOf(record, column, allowed.get(column)!, row))
      .join(SEPARATOR);
    totals.set(key, totals.get(key)! + contribution(record, row));
  }
  const sensitivity = rowSensitivity * BigInt(bound);
  const scale = reduced(sensitivity * epsilon.den, epsilon.num);
  const errorBound = discreteLaplaceErrorBound(scale.num, scale.den, 0.95);
  const rng: RandomSource = options.seededTestRandom ?? cryptoRandom;
  const cells = combinations.map((values) => {
    const noisy = totals.get(values.join(SEPARATOR))! + sampleDiscreteLaplace(scale.num, scale.den, rng);
    return { values, value: Number(noisy), errorBound };
  });
  return {
    statistic,
    groupBy: [...query.groupBy],
    ...extra,
    epsilon: formatRational(epsilon),
    mechanism: 'discrete-laplace',
    maxRowsPerPerson: bound,
    sensitivity: `${sensitivity}`,
    scale: formatRational(scale),
    confidence: 0.95,
    noiseSource: options.seededTestRandom ? 'seeded-test' : 'crypto',
    cells,
  };
}

/** Noisy counts of records in every cell of the domain's cross product; sensitivity maxRowsPerPerson. */
export function releaseCounts(
  records: readonly Readonly<Record<string, unknown>>[],
  query: TableQuery,
  options: ReleaseOptions = {},
): NoisyTable {
  return release(records, query, options, 'count', 1n, () => 1n, {});
}

/**
 * Noisy sums of a column in every cell of the domain's cross product. Each value is clamped to
 * [lower, upper] (whole numbers) and rounded to the nearest integer, so one row moves a sum by at
 * most max(|lower|, |upper|); the sensitivity is that times maxRowsPerPerson.
 */
export function releaseSums(
  records: readonly Readonly<Record<string, unknown>>[],
  query: SumQuery,
  options: ReleaseOptions = {},
): NoisyTable {
  const { lower, upper } = query.clamp;
  if (
    !Number.isSafeInteger(lower) ||
    !Number.isSafeInteger(upper) ||
    lower > upper ||
    (lower === 0 && upper === 0)
  ) {
    throw new StatisticsError(
      'BAD_CLAMP',
      `The clamp range must be whole numbers with lower ≤ upper, not both 0; got [${lower}, ${upper}].`,
    );
  }
  const rowSensitivity = BigInt(Math.max(Math.abs(lower), Math.abs(upper)));
  const contribution = (record: Readonly<Record<string, unknown>>, row: number): bigint => {
    const value = record[query.column];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StatisticsError('BAD_VALUE', `Record ${row + 1} has no finite number for "${query.column}".`);
    }
    return BigInt(Math.round(Math.min(upper, Math.max(lower, value))));
  };
  return release(records, query, options, 'sum', rowSensitivity, contribution, {
    column: query.column,
    clamp: { lower, upper },
  });
}
