/**
 * Generalisation hierarchies described by a few parameters instead of an uploaded table, as ARX's
 * hierarchy builders do (arx-deidentifier/arx `HierarchyBuilderRedactionBased`, `…IntervalBased`,
 * `…Date`), and the categories of a statistics dimension computed from the query alone.
 *
 * A built hierarchy gives each value a chain of labels in which every label is computed from the label
 * below it (a band of a band, a mask of a mask), never from the value again: two values that agree at
 * one level then agree at every level above, which is the tree parseHierarchy requires and the lattice
 * search relies on. Every chain ends in the single top value `*`, so full generalisation always exists.
 *
 * Dimensions serve differentially private tables, whose categories must come from the query, never from
 * the records (statistics.ts): dimensionDomain reads only the parameters, and a value without a category
 * is answered with null, not an error, because an error naming the value would publish it.
 */
import { DisclosureError } from './errors.ts';
import { type Hierarchy, parseHierarchy } from './hierarchy.ts';

type Rows = readonly (readonly string[])[];

export type DateLevel = 'month' | 'year' | 'decade';

export type HierarchyBuilder =
  /** value → `*`. */
  | { kind: 'suppress' }
  /** One more character masked from the right per level, at most `length` of them, then `*`. */
  | { kind: 'mask'; length?: number }
  /** Numeric bands, each width a multiple of the one before: 43 → 40-44 → 40-49 → 40-59 → `*`. */
  | { kind: 'intervals'; widths: readonly number[] }
  /** YYYY-MM-DD → YYYY-MM → YYYY → decade → `*`, any of the three levels, in that order. */
  | { kind: 'dates'; levels: readonly DateLevel[] }
  /** A date of birth → its age at `at` in bands of the widths, as intervals → `*`. */
  | { kind: 'age'; at: string; widths: readonly number[] }
  /** Explicit ARX rows: value, level 1, …, `*`. */
  | { kind: 'table'; rows: Rows };

export type Dimension =
  /** The listed categories, then `other` for every value not listed, when given. */
  | { field: string; kind: 'categories'; categories: readonly string[]; other?: string }
  /** `under min`, min … max − 1 in bands of `width`, `max and over`. */
  | { field: string; kind: 'bands'; width: number; min: number; max: number }
  /** The age at `at` of a date of birth: 0 … max − 1 in bands of `width`, `max and over`. */
  | { field: string; kind: 'age-bands'; at: string; width: number; max: number };

const TOP = '*';
/** More bands than a published table could usefully show; it also bounds the memory a query can ask for. */
const MAX_BANDS = 10_000;
const DATE_LEVELS: readonly DateLevel[] = ['month', 'year', 'decade'];

const bad = (sentence: string) => new DisclosureError('BAD_INPUT', sentence);

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A decimal number as written in a CSV cell; Number() alone would also take '', ' 7', '0x1f' and 'Infinity'. */
function parseNumber(text: string): number | null {
  const n = NUMBER.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

type CalendarDate = { readonly year: number; readonly month: number; readonly day: number };
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) =>
  month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

function parseDate(text: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) ? { year, month, day } : null;
}

/**
 * Whole years from birth to `at`: one less while that year's birthday is still to come. Someone born on
 * 29 February has their birthday on 1 March in a non-leap year, the first day on which a leap year's
 * 29 February would have passed (some jurisdictions use 28 February; ages then differ on that one day).
 */
function ageAt(birth: CalendarDate, at: CalendarDate): number {
  const leapling = birth.month === 2 && birth.day === 29 && !isLeap(at.year);
  const [month, day] = leapling ? [3, 1] : [birth.month, birth.day];
  const beforeBirthday = at.month < month || (at.month === month && at.day < day);
  return at.year - birth.year - (beforeBirthday ? 1 : 0);
}

/** The start of the band [start, start + width) holding v, corrected when v / width rounds across a bound. */
function bandStart(v: number, width: number): number {
  const start = Math.floor(v / width) * width;
  return start > v ? start - width : start + width <= v ? start + width : start;
}

const bandLabel = (start: number, width: number, whole: boolean) =>
  !whole ? `[${start}, ${start + width})` : width === 1 ? `${start}` : `${start}-${start + width - 1}`;

/** Each band is computed from the band below it, so the chain is a tree even where doubles round. */
function bandChain(v: number, widths: readonly number[], whole: boolean): string[] {
  let start = v;
  return widths.map((width) => {
    start = bandStart(start, width);
    return bandLabel(start, width, whole);
  });
}

/** Whole widths keep band bounds exact; each a multiple of the one before puts every band in one wider band. */
function checkWidths(widths: readonly number[]): void {
  if (widths.length === 0) throw bad('A banded hierarchy needs at least one width.');
  widths.forEach((width, i) => {
    if (!Number.isSafeInteger(width) || width < 1)
      throw bad(`Band widths must be whole numbers above 0; got ${width}.`);
    const previous = widths[i - 1];
    if (previous !== undefined && width <= previous)
      throw bad(`Band widths must increase from one level to the next; ${width} follows ${previous}.`);
    if (previous !== undefined && width % previous !== 0)
      throw bad(
        `Each band width must be a multiple of the one before it, so that every band lies inside one ` +
          `wider band; ${width} is not a multiple of ${previous}.`,
      );
  });
}

function checkDate(text: string, what: string): CalendarDate {
  const date = parseDate(text);
  if (!date) throw bad(`${what} "${text}" is not a calendar date written YYYY-MM-DD.`);
  return date;
}

/** The labels between a value and `*`, for every builder but 'table'. */
function chainOf(
  attribute: string,
  builder: Exclude<HierarchyBuilder, { kind: 'table' }>,
  values: readonly string[],
): (value: string) => string[] {
  const ofValue = `of "${attribute}"`;
  // A blank cell is a missing value, not a number or a date: it stays its own category up to `*`, so a
  // register with gaps needs no cleaning first, and k-anonymity still counts the blanks as a class.
  const orMissing = (levels: number, chain: (value: string) => string[]) => (value: string) =>
    value === '' ? Array<string>(levels).fill('') : chain(value);
  switch (builder.kind) {
    case 'suppress':
      return () => [];
    case 'mask': {
      const { length } = builder;
      if (length !== undefined && (!Number.isSafeInteger(length) || length < 1))
        throw bad(`The mask length must be a whole number of characters above 0; got ${length}.`);
      // Short values are padded with the mask character, which also hides how short they were.
      const width = values.reduce((longest, v) => Math.max(longest, [...v].length), 0);
      const steps = Math.max(0, Math.min(length ?? width, width - 1));
      return (value) => {
        const chars = [...value, ...Array<string>(width - [...value].length).fill(TOP)];
        return Array.from({ length: steps }, (_, i) => {
          chars[width - 1 - i] = TOP;
          return chars.join('');
        });
      };
    }
    case 'intervals': {
      checkWidths(builder.widths);
      const widest = builder.widths[builder.widths.length - 1]!;
      const numbers = new Map<string, number>();
      for (const value of values) {
        if (value === '') continue;
        const n = parseNumber(value);
        if (n === null) throw bad(`The value "${value}" ${ofValue} is not a number, so it has no band.`);
        numbers.set(value, n);
      }
      // One label style for the whole hierarchy: '40-44' and '[40, 45)' for the same band would split a class.
      const whole = [...numbers.values()].every(
        (n) => Number.isSafeInteger(n) && Number.isSafeInteger(bandStart(n, widest) + widest),
      );
      return orMissing(builder.widths.length, (value) =>
        bandChain(numbers.get(value)!, builder.widths, whole),
      );
    }
    case 'dates': {
      const order = builder.levels.map((level) => DATE_LEVELS.indexOf(level));
      if (order.length === 0 || order.some((o, i) => o < 0 || (i > 0 && o <= order[i - 1]!)))
        throw bad(
          `Date levels must be one or more of month, year, decade, in that order; got [${builder.levels.join(', ')}].`,
        );
      return orMissing(builder.levels.length, (value) => {
        const { year } = checkDate(value, `The value ${ofValue}`);
        const decade = String(year - (year % 10))
          .padStart(4, '0')
          .slice(0, 3);
        const label = { month: value.slice(0, 7), year: value.slice(0, 4), decade: `${decade}0-${decade}9` };
        return builder.levels.map((level) => label[level]);
      });
    }
    case 'age': {
      const at = checkDate(builder.at, `The reference date ${ofValue}`);
      checkWidths(builder.widths);
      return orMissing(builder.widths.length, (value) => {
        const age = ageAt(checkDate(value, `The date of birth ${ofValue}`), at);
        if (age < 0)
          throw bad(`The date of birth "${value}" ${ofValue} is after the reference date ${builder.at}.`);
        return bandChain(age, builder.widths, true);
      });
    }
  }
}

/** An explicit table, which must end in `*` and list every value of the data. */
function fromTable(attribute: string, rows: Rows, values: readonly string[]): Hierarchy {
  const hierarchy = parseHierarchy(attribute, rows);
  const top = hierarchy.labels[hierarchy.height - 1]!;
  if (hierarchy.height < 2 || top.length !== 1 || top[0] !== TOP)
    throw new DisclosureError(
      'BAD_HIERARCHY',
      `The hierarchy for "${attribute}" must end in the single value "*" in every row, above the value itself.`,
    );
  for (const value of values)
    if (!hierarchy.leafIds.has(value))
      throw new DisclosureError(
        'VALUE_NOT_IN_HIERARCHY',
        `The value "${value}" of "${attribute}" is not in its hierarchy table.`,
      );
  return hierarchy;
}

/**
 * The hierarchy a builder describes, over the distinct values given (the data's). A 'table' keeps every
 * row it lists, as an uploaded ARX file would, since its rows are the domain the steward declared.
 */
export function buildHierarchy(
  attribute: string,
  builder: HierarchyBuilder,
  values: readonly string[],
): Hierarchy {
  if (builder.kind === 'table') return fromTable(attribute, builder.rows, values);
  const distinct = [...new Set(values)];
  if (distinct.length === 0) throw bad(`There are no values of "${attribute}" to build a hierarchy over.`);
  const chain = chainOf(attribute, builder, distinct);
  const rows = distinct.map((value) => [value, ...chain(value), TOP]);
  return parseHierarchy(attribute, rows);
}

/** The hierarchy in ARX's layout, one row per original value from level 0 to the top, to publish it. */
export function hierarchyRows(hierarchy: Hierarchy): string[][] {
  return Array.from({ length: hierarchy.domainSize }, (_, row) =>
    hierarchy.labels.map((labels, level) => labels[hierarchy.up[level]![row]!]!),
  );
}

/** from, from + width, … in `count` bands, then `${to} and over`; a value is placed by its band's index. */
function bands(from: number, width: number, to: number, field: string) {
  if (!Number.isSafeInteger(width) || width < 1)
    throw bad(`The band width of "${field}" must be a whole number above 0; got ${width}.`);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to <= from || (to - from) % width !== 0)
    throw bad(
      `The bands of "${field}" must run between whole numbers from ${from} up to ${to}, a whole number of ` +
        `bands of width ${width} apart.`,
    );
  const count = (to - from) / width;
  if (count > MAX_BANDS) throw bad(`"${field}" would have ${count} bands; at most ${MAX_BANDS} are allowed.`);
  const labels = Array.from({ length: count }, (_, i) => bandLabel(from + i * width, width, true));
  const over = `${to} and over`;
  // The index is clamped so that a double rounding at a bound still lands in a published band.
  const place = (n: number) =>
    n >= to ? over : labels[Math.min(count - 1, Math.max(0, Math.floor((n - from) / width)))]!;
  return { labels: [...labels, over], place };
}

function compile(d: Dimension): { domain: readonly string[]; categorize: (value: string) => string | null } {
  switch (d.kind) {
    case 'categories': {
      if (d.categories.length === 0) throw bad(`The dimension "${d.field}" lists no categories.`);
      const domain = d.other === undefined ? [...d.categories] : [...d.categories, d.other];
      const seen = new Set<string>();
      for (const category of domain) {
        if (seen.has(category))
          throw bad(`The dimension "${d.field}" lists the category "${category}" twice (counting "other").`);
        seen.add(category);
      }
      const listed = new Set(d.categories);
      return { domain, categorize: (value) => (listed.has(value) ? value : (d.other ?? null)) };
    }
    case 'bands': {
      const { labels, place } = bands(d.min, d.width, d.max, d.field);
      const under = `under ${d.min}`;
      return {
        domain: [under, ...labels],
        categorize: (value) => {
          const n = parseNumber(value);
          return n === null ? null : n < d.min ? under : place(n);
        },
      };
    }
    case 'age-bands': {
      const at = checkDate(d.at, `The reference date of "${d.field}"`);
      const { labels, place } = bands(0, d.width, d.max, d.field);
      return {
        domain: labels,
        categorize: (value) => {
          const birth = parseDate(value);
          const age = birth ? ageAt(birth, at) : -1;
          return age < 0 ? null : place(age);
        },
      };
    }
  }
}

/** The categories of a dimension in publication order, from its parameters only, never from the data. */
export function dimensionDomain(d: Dimension): string[] {
  return [...compile(d).domain];
}

/**
 * The category of one value; null when it has none (not listed and no `other`, a malformed number or
 * date, a birth after the reference date). Never throws on the value, so nothing about it is disclosed.
 */
export function categorize(d: Dimension, value: string): string | null {
  return compile(d).categorize(value);
}

/**
 * The categories of a column, and how many values had none: the caller refuses the release on that
 * count alone, without naming any value.
 */
export function categorizeColumn(
  d: Dimension,
  values: readonly string[],
): { categories: (string | null)[]; outside: number } {
  const { categorize: of } = compile(d);
  const categories = values.map(of);
  return { categories, outside: categories.filter((c) => c === null).length };
}
