/**
 * How a duplicate record departs from its original, after the FEBRL data set generator
 * (Christen 2005, "Probabilistic data generation for deduplication and data linkage"; Christen and
 * Pudjijono 2009, "Accurate synthetic generation of realistic personal information", which adds the
 * OCR and phonetic modifications): each duplicate gets a number of modifications, each on a field
 * chosen by weight, each of a kind chosen by weight among the kinds that make sense for that field's
 * value, never more than a maximum per field and per record.
 */
import type { PersonField, Row } from './febrl.ts';
import type { Prng } from './prng.ts';

export const MODIFICATION_KINDS = [
  /** One keystroke wrong: a character inserted, deleted, replaced by a keyboard neighbour, or two swapped. */
  'typo',
  /** A character read wrongly by optical character recognition: `m` ↔ `rn`, `l` ↔ `1`, `0` ↔ `8`… */
  'ocr',
  /** Written as heard: `ph` ↔ `f`, `mc` ↔ `mac`, a final `ie` ↔ `y`… */
  'phonetic',
  /** The value left out: the field is made empty. */
  'missing',
  /** Another value of the same field: a different suburb, a new social security number. */
  'replace',
  /** A space inserted inside a word or one removed between words. */
  'space',
  /** Two words of a value in the other order. */
  'wordSwap',
  /** A date of birth with day and month exchanged (only where the day could be a month). */
  'dayMonthSwap',
] as const;

export type ModificationKind = (typeof MODIFICATION_KINDS)[number];

/** What one modification did, for inspection and tests; a name or address swap names both fields. */
export interface Modification {
  kind: ModificationKind | 'nameSwap' | 'addressSwap';
  field: PersonField;
  before: string;
  after: string;
}

export interface CorruptionOptions {
  /** At most this many modifications in one duplicate; the count is drawn from 1…max, 2 most likely. */
  maxPerRecord: number;
  /** At most this many modifications on one field of a duplicate. */
  maxPerField: number;
  /** Chance that a duplicate has given name and surname exchanged (FEBRL: 0.05). */
  nameSwap: number;
  /** Chance that a duplicate has address_1 and address_2 exchanged (FEBRL: 0.02). */
  addressSwap: number;
  /** How often each field is the one modified, relative to the others. */
  fieldWeights: Record<PersonField, number>;
  /** How often each kind of modification is chosen, relative to the others that apply to the value. */
  kindWeights: Record<ModificationKind, number>;
}

/**
 * Field weights are fitted so that the share of duplicates in which each field differs from its
 * original is about dataset3's (given_name 0.32, surname 0.33, street_number 0.17, address_1 0.38,
 * address_2 0.43, suburb 0.27, postcode 0.17, state 0.05, date_of_birth 0.08, soc_sec_id 0.10): synthetic
 * duplicates are about as dirty, field by field, as FEBRL's.
 */
export const DEFAULT_CORRUPTION: CorruptionOptions = {
  maxPerRecord: 5,
  maxPerField: 2,
  nameSwap: 0.05,
  addressSwap: 0.02,
  fieldWeights: {
    given_name: 0.31,
    surname: 0.33,
    street_number: 0.19,
    address_1: 0.41,
    address_2: 0.52,
    suburb: 0.27,
    postcode: 0.18,
    state: 0.05,
    date_of_birth: 0.08,
    soc_sec_id: 0.1,
  },
  kindWeights: {
    typo: 0.45,
    ocr: 0.07,
    phonetic: 0.12,
    missing: 0.08,
    replace: 0.12,
    space: 0.07,
    wordSwap: 0.04,
    dayMonthSwap: 0.3,
  },
};

type Shape = 'name' | 'text' | 'digits' | 'fixedDigits' | 'state' | 'date';

const SHAPE: Record<PersonField, Shape> = {
  given_name: 'name',
  surname: 'name',
  street_number: 'digits',
  address_1: 'text',
  address_2: 'text',
  suburb: 'text',
  postcode: 'fixedDigits',
  state: 'state',
  date_of_birth: 'date',
  soc_sec_id: 'fixedDigits',
};

const isNumeric = (shape: Shape) => shape === 'digits' || shape === 'fixedDigits' || shape === 'date';

const KINDS_BY_SHAPE: Record<Shape, readonly ModificationKind[]> = {
  name: ['typo', 'ocr', 'phonetic', 'missing', 'replace', 'space'],
  text: ['typo', 'ocr', 'phonetic', 'missing', 'replace', 'space', 'wordSwap'],
  digits: ['typo', 'ocr', 'missing', 'replace'],
  fixedDigits: ['typo', 'ocr', 'missing', 'replace'],
  state: ['typo', 'missing', 'replace'],
  date: ['typo', 'ocr', 'missing', 'replace', 'dayMonthSwap'],
};

/** A fresh value for a field, for the `replace` modification. */
export type ReplacementSource = (field: PersonField, rng: Prng) => string;

/**
 * Makes one duplicate of `original` (the rec_id is the caller's) and lists what was done. The number of
 * modifications is drawn as in {@link drawModificationCount}. A swap of given name and
 * surname, or of the two address lines, counts as one of the record's modifications and one of each
 * field's. A chosen modification that would not change the value is drawn again, a few times at most.
 */
export function corrupt(
  original: Row,
  rng: Prng,
  options: CorruptionOptions,
  replacement: ReplacementSource,
): { row: Row; modifications: Modification[] } {
  const row = { ...original };
  const modifications: Modification[] = [];
  const perField = new Map<PersonField, number>();
  const count = (field: PersonField) => perField.get(field) ?? 0;
  const note = (m: Modification) => {
    modifications.push(m);
    perField.set(m.field, count(m.field) + 1);
  };
  let budget = drawModificationCount(rng, options.maxPerRecord);

  for (const [swap, a, b] of [
    ['nameSwap', 'given_name', 'surname'],
    ['addressSwap', 'address_1', 'address_2'],
  ] as const) {
    if (budget > 0 && row[a] !== row[b] && rng.chance(options[swap])) {
      note({ kind: swap, field: a, before: row[a], after: row[b] });
      note({ kind: swap, field: b, before: row[b], after: row[a] });
      [row[a], row[b]] = [row[b], row[a]];
      budget--;
    }
  }

  for (let attempts = 0; budget > 0 && attempts < 20; attempts++) {
    const field = drawField(rng, options.fieldWeights, (f) => count(f) < options.maxPerField);
    if (field === undefined) break;
    const before = row[field];
    const kind = drawKind(rng, options.kindWeights, field, before);
    if (kind === undefined) continue;
    const after = modify(kind, field, before, rng, replacement);
    if (after === before) continue;
    row[field] = after;
    note({ kind, field, before, after });
    budget--;
  }
  return { row, modifications };
}

/**
 * 1 + Poisson(1.6), at most max: dataset3's duplicates differ from their originals in 1, 2, 3, 4 and 5
 * fields in 28, 34, 24, 10 and 3 % of cases, which is 1 + Poisson(1.3); a little more because some
 * modifications fall on a field already modified.
 */
function drawModificationCount(rng: Prng, max: number): number {
  if (max < 1) return 0;
  // Knuth's method: count uniform draws until their product falls below e^−λ.
  const limit = Math.exp(-1.6);
  let extra = 0;
  for (let product = rng.next(); product > limit && extra < max - 1; product *= rng.next()) extra++;
  return 1 + extra;
}

function drawField(
  rng: Prng,
  weights: Record<PersonField, number>,
  allowed: (field: PersonField) => boolean,
): PersonField | undefined {
  const fields = (Object.keys(weights) as PersonField[]).filter((f) => weights[f] > 0 && allowed(f));
  return drawWeighted(rng, fields, (f) => weights[f]);
}

function drawKind(
  rng: Prng,
  weights: Record<ModificationKind, number>,
  field: PersonField,
  value: string,
): ModificationKind | undefined {
  const kinds = KINDS_BY_SHAPE[SHAPE[field]].filter((k) => weights[k] > 0 && applies(k, field, value));
  return drawWeighted(rng, kinds, (k) => weights[k]);
}

function drawWeighted<T>(rng: Prng, items: readonly T[], weight: (item: T) => number): T | undefined {
  let total = 0;
  for (const item of items) total += weight(item);
  let target = rng.next() * total;
  for (const item of items) {
    target -= weight(item);
    if (target < 0) return item;
  }
  return items.at(-1);
}

function applies(kind: ModificationKind, field: PersonField, value: string): boolean {
  if (value === '') return kind === 'replace';
  switch (kind) {
    case 'wordSwap':
      return value.includes(' ');
    case 'dayMonthSwap':
      return swapDayMonth(value) !== value;
    case 'ocr':
      return isNumeric(SHAPE[field])
        ? OCR_DIGITS.some(([a, b]) => value.includes(a) || value.includes(b))
        : OCR_LETTERS.some(([a, b]) => value.includes(a) || value.includes(b));
    case 'phonetic':
      return PHONETIC.some(([pattern]) => pattern.test(value));
    default:
      return true;
  }
}

function modify(
  kind: ModificationKind,
  field: PersonField,
  value: string,
  rng: Prng,
  replacement: ReplacementSource,
): string {
  const shape = SHAPE[field];
  switch (kind) {
    case 'typo':
      // Fixed-width numbers and dates keep their width: FEBRL gives them no insertions or deletions.
      return typo(
        value,
        rng,
        shape === 'fixedDigits' || shape === 'date' ? ['substitute', 'transpose'] : TYPO_OPS,
      );
    case 'ocr':
      return ocr(value, rng, isNumeric(shape) ? OCR_DIGITS : OCR_LETTERS);
    case 'phonetic':
      return phonetic(value, rng);
    case 'missing':
      return '';
    case 'replace':
      return replacement(field, rng);
    case 'space':
      return space(value, rng);
    case 'wordSwap':
      return swapWords(value, rng);
    case 'dayMonthSwap':
      return swapDayMonth(value);
  }
}

const TYPO_OPS = ['substitute', 'substitute', 'delete', 'insert', 'transpose'] as const;
type TypoOp = (typeof TYPO_OPS)[number];

const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Keys next to each key on a QWERTY keyboard: same row left and right, and the rows above and below. */
const NEIGHBOURS: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  KEYBOARD_ROWS.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      let near = (row[c - 1] ?? '') + (row[c + 1] ?? '');
      for (const other of [KEYBOARD_ROWS[r - 1], KEYBOARD_ROWS[r + 1]])
        if (other) near += (other[c - 1] ?? '') + (other[c] ?? '') + (other[c + 1] ?? '');
      // Digits stay digits and letters stay letters, as FEBRL keeps a field's character range.
      const sameRange = [...near].filter((k) => /\d/.test(k) === /\d/.test(row[c]!));
      map.set(row[c]!, sameRange.join(''));
    }
  });
  return map;
})();

function typo(value: string, rng: Prng, ops: readonly TypoOp[]): string {
  const op = rng.pick(ops);
  const at = rng.below(value.length);
  const c = value[at]!;
  const digits = /^\d+$/.test(value);
  const randomChar = () => (digits ? String(rng.below(10)) : String.fromCharCode(97 + rng.below(26)));
  switch (op) {
    case 'substitute': {
      const near = NEIGHBOURS.get(c);
      const to = near && rng.chance(0.7) ? rng.pick([...near]) : randomChar();
      return value.slice(0, at) + to + value.slice(at + 1);
    }
    case 'delete':
      return value.length > 1 ? value.slice(0, at) + value.slice(at + 1) : value;
    case 'insert': {
      const near = NEIGHBOURS.get(c);
      const to = near && rng.chance(0.5) ? rng.pick([...near]) : randomChar();
      const where = rng.below(value.length + 1);
      return value.slice(0, where) + to + value.slice(where);
    }
    case 'transpose': {
      if (value.length < 2) return value;
      const i = Math.min(at, value.length - 2);
      return value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2);
    }
  }
}

/** Pairs a scanner confuses, each read either way. */
const OCR_LETTERS: readonly (readonly [string, string])[] = [
  ['m', 'rn'],
  ['w', 'vv'],
  ['d', 'cl'],
  ['h', 'b'],
  ['e', 'c'],
  ['o', 'c'],
  ['i', 'l'],
  ['u', 'v'],
  ['n', 'h'],
  ['g', 'q'],
  ['l', '1'],
  ['o', '0'],
  ['s', '5'],
  ['z', '2'],
  ['b', '8'],
];
const OCR_DIGITS: readonly (readonly [string, string])[] = [
  ['1', '7'],
  ['0', '8'],
  ['3', '8'],
  ['5', '6'],
  ['6', '8'],
  ['1', '4'],
  ['2', '7'],
  ['9', '4'],
];

function ocr(value: string, rng: Prng, pairs: readonly (readonly [string, string])[]): string {
  const candidates: [number, string, string][] = [];
  for (const [a, b] of pairs)
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (let i = value.indexOf(from); i >= 0; i = value.indexOf(from, i + 1))
        candidates.push([i, from, to]);
    }
  if (candidates.length === 0) return value;
  const [at, from, to] = rng.pick(candidates);
  const result = value.slice(0, at) + to + value.slice(at + from.length);
  // A fixed-width number must keep its width: a one-to-two character confusion is not applied there.
  return /^\d+$/.test(value) && result.length !== value.length ? value : result;
}

/** Spelling variants that sound alike in English; each rule is applied at one place where it matches. */
const PHONETIC: readonly (readonly [RegExp, string])[] = [
  [/ph/g, 'f'],
  [/f/g, 'ph'],
  [/ck/g, 'k'],
  [/c(?=[aou])/g, 'k'],
  [/k/g, 'c'],
  [/ie\b/g, 'y'],
  [/y\b/g, 'ie'],
  [/ee/g, 'ea'],
  [/ea/g, 'ee'],
  [/ou/g, 'ow'],
  [/\bmc/g, 'mac'],
  [/\bmac/g, 'mc'],
  [/th/g, 't'],
  [/s/g, 'z'],
  [/z/g, 's'],
  [/ei/g, 'ie'],
  [/ie/g, 'ei'],
  [/([lnrtsmp])\1/g, '$1'],
  [/([aeiou])([lnrtm])([aeiou])/g, '$1$2$2$3'],
  [/son\b/g, 'sen'],
  [/sen\b/g, 'son'],
  [/gh/g, ''],
  [/\bwr/g, 'r'],
  [/\bkn/g, 'n'],
  [/ae/g, 'e'],
  [/ay\b/g, 'ey'],
  [/ey\b/g, 'ay'],
  [/x/g, 'ks'],
];

function phonetic(value: string, rng: Prng): string {
  const matches: [RegExpExecArray, string][] = [];
  for (const [pattern, replacement] of PHONETIC) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(value); m; m = pattern.exec(value)) {
      matches.push([m, replacement]);
    }
  }
  if (matches.length === 0) return value;
  const [match, replacement] = rng.pick(matches);
  const replaced = replacement.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? '');
  return value.slice(0, match.index) + replaced + value.slice(match.index + match[0].length);
}

function space(value: string, rng: Prng): string {
  const spaces: number[] = [];
  for (let i = value.indexOf(' '); i >= 0; i = value.indexOf(' ', i + 1)) spaces.push(i);
  if (spaces.length > 0 && rng.chance(0.5)) {
    const at = rng.pick(spaces);
    return value.slice(0, at) + value.slice(at + 1);
  }
  if (value.length < 2) return value;
  const at = 1 + rng.below(value.length - 1);
  if (value[at] === ' ' || value[at - 1] === ' ') return value;
  return `${value.slice(0, at)} ${value.slice(at)}`;
}

function swapWords(value: string, rng: Prng): string {
  const words = value.split(' ');
  if (words.length < 2) return value;
  const i = rng.below(words.length - 1);
  [words[i], words[i + 1]] = [words[i + 1]!, words[i]!];
  return words.join(' ');
}

/** `YYYYMMDD` → `YYYYDDMM` when the day is 1–12 and differs from the month; otherwise unchanged. */
export function swapDayMonth(date: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!m) return date;
  const [, year, month, day] = m;
  return Number(day) >= 1 && Number(day) <= 12 && day !== month ? `${year}${day}${month}` : date;
}
