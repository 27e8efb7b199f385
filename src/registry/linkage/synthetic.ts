/**
 * Synthetic person records in the FEBRL layout, for benchmarking and testing record linkage at sizes the
 * real FEBRL files (1,000 to 10,000 records) do not reach. It follows FEBRL's data set generator: a set
 * of originals, a number of duplicates of some of them drawn from a uniform, Poisson or Zipf distribution
 * (dataset3: 2,000 originals, 3,000 duplicates, at most 5 of one original, Zipf), each duplicate
 * corrupted as in ./corruption.ts, all rows shuffled.
 *
 * Values come from faker's en_AU and en word lists, lower-cased as in FEBRL, with names drawn from a
 * skewed (Zipf-like) distribution so that common names repeat as in a register. As in FEBRL, suburb,
 * postcode and state are drawn independently of one another (real registers tie them; a model that
 * counts each as separate evidence would be too sure of an address, see docs/linkage.md). Every row is a function of (seed, entity, duplicate), so
 * rows are made one at a time, in any order, and the same seed always gives the same file.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { base, de, en, en_AU, Faker, it } from '@faker-js/faker';
import { GovdxError } from '../../domain/index.ts';
import { type CorruptionOptions, corrupt, DEFAULT_CORRUPTION, type Modification } from './corruption.ts';
import { FEBRL_HEADER, formatLine, type PersonField, type Row } from './febrl.ts';
import { Prng, WeightedTable } from './prng.ts';

export type DuplicateDistribution = 'uniform' | 'poisson' | 'zipf';

export interface DuplicateOptions {
  /** How many duplicate records in all; default 1.5 × originals, as dataset3's 3,000 for 2,000. */
  count: number;
  /** At most this many duplicates of one original (dataset3: 5; at most 255). */
  max: number;
  /** How the number of duplicates of an original that has any is distributed over 1…max. */
  distribution: DuplicateDistribution;
}

export interface SyntheticOptions {
  seed: number;
  /** How many distinct people (originals). */
  originals: number;
  duplicates?: Partial<DuplicateOptions>;
  corruption?: Partial<CorruptionOptions>;
}

/** Rows that can be iterated more than once (each pass makes them anew) and whose number is known. */
export interface SyntheticRows extends Iterable<Row> {
  readonly count: number;
}

const MAX_ENTITIES = 2 ** 24;
const WRITE_BATCH = 4096;

/**
 * FEBRL's dedupe case: originals (`rec-N-org`) and their duplicates (`rec-N-dup-K`) in one shuffled
 * file. The shuffle is over an array of 4 bytes per row; the rows themselves are made as they are read.
 */
export function generateDedupe(options: SyntheticOptions): SyntheticRows {
  const population = new SyntheticPopulation(options);
  const duplicates = resolveDuplicates(options);
  return {
    count: options.originals + duplicates.count,
    *[Symbol.iterator]() {
      const slots = planDedupe(options.seed, options.originals, duplicates);
      for (const slot of slots) {
        const entity = slot >>> 8;
        const tag = slot & 0xff;
        yield tag === 0 ? population.original(entity) : population.duplicate(entity, tag - 1).row;
      }
    },
  };
}

/**
 * FEBRL4's two-file case: every original once in `left`, exactly one corrupted duplicate of each
 * (`rec-N-dup-0`) in `right`, each file in its own random order.
 */
export function generateLinkPair(options: SyntheticOptions): { left: SyntheticRows; right: SyntheticRows } {
  const population = new SyntheticPopulation(options);
  const side = (salt: number, row: (entity: number) => Row): SyntheticRows => ({
    count: options.originals,
    *[Symbol.iterator]() {
      for (const entity of permutation(options.originals, new Prng([options.seed, salt]))) yield row(entity);
    },
  });
  return {
    left: side(0x6c656674, (e) => population.original(e)),
    right: side(0x72696768, (e) => population.duplicate(e, 0).row),
  };
}

/** Writes rows as a FEBRL file (header, ", " separators); resolves to the number of rows written. */
export async function writeCsv(
  rows: Iterable<Row> | AsyncIterable<Row>,
  path: string,
  progress?: (written: number) => void,
): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  // Awaited below; marked handled so that a write error while rows are still being made is not also
  // reported as an unhandled rejection.
  closed.catch(() => {});
  let written = 0;
  let chunk = `${FEBRL_HEADER}\n`;
  const flush = async () => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), closed]);
    chunk = '';
    progress?.(written);
  };
  try {
    // A synchronous source is read with `for…of`: `for await` would cost a promise for every row.
    if (Symbol.iterator in rows)
      for (const row of rows) {
        chunk += `${formatLine(row)}\n`;
        if (++written % WRITE_BATCH === 0) await flush();
      }
    else
      for await (const row of rows) {
        chunk += `${formatLine(row)}\n`;
        if (++written % WRITE_BATCH === 0) await flush();
      }
    out.end(chunk);
    await closed;
  } catch (error) {
    out.destroy();
    throw error;
  }
  progress?.(written);
  return written;
}

/**
 * The people behind a synthetic data set: entity N's original, and its K-th duplicate with the list
 * of modifications that made it, each computed on demand from (seed, N, K).
 */
export class SyntheticPopulation {
  private readonly rng = new Prng();
  private readonly vocabulary: Vocabulary;
  private readonly corruption: CorruptionOptions;

  constructor(private readonly options: SyntheticOptions) {
    if (!Number.isInteger(options.originals) || options.originals < 1 || options.originals > MAX_ENTITIES)
      throw invalid(`originals must be a whole number from 1 to ${MAX_ENTITIES}`, options.originals);
    this.vocabulary = buildVocabulary(options.seed);
    this.corruption = {
      ...DEFAULT_CORRUPTION,
      ...options.corruption,
      fieldWeights: { ...DEFAULT_CORRUPTION.fieldWeights, ...options.corruption?.fieldWeights },
      kindWeights: { ...DEFAULT_CORRUPTION.kindWeights, ...options.corruption?.kindWeights },
    };
  }

  original(entity: number): Row {
    this.rng.seed([this.options.seed, entity, 0]);
    return makeOriginal(`rec-${entity}-org`, this.vocabulary, this.rng);
  }

  duplicate(entity: number, k: number): { row: Row; modifications: Modification[] } {
    const original = this.original(entity);
    this.rng.seed([this.options.seed, entity, k + 1]);
    const result = corrupt(original, this.rng, this.corruption, (field, rng) =>
      replacementValue(field, this.vocabulary, rng),
    );
    result.row.rec_id = `rec-${entity}-dup-${k}`;
    return result;
  }
}

function invalid(what: string, value: unknown): GovdxError {
  return new GovdxError('VALIDATION_FAILED', `Synthetic data: ${what}.`, { value });
}

function resolveDuplicates(options: SyntheticOptions): DuplicateOptions {
  const resolved: DuplicateOptions = {
    count: Math.round(options.originals * 1.5),
    max: 5,
    distribution: 'zipf',
    ...options.duplicates,
  };
  if (!Number.isInteger(resolved.max) || resolved.max < 1 || resolved.max > 255)
    throw invalid('duplicates.max must be a whole number from 1 to 255', resolved.max);
  if (
    !Number.isInteger(resolved.count) ||
    resolved.count < 0 ||
    resolved.count > options.originals * resolved.max
  )
    throw invalid(
      `duplicates.count must be from 0 to originals × max (${options.originals * resolved.max})`,
      resolved.count,
    );
  return resolved;
}

/**
 * Probability of 1…max duplicates for an original that has any, as FEBRL's generator computes it:
 * uniform; Poisson with mean 1 + duplicates/originals; Zipf with θ = 0.5, that is ∝ 1/√k.
 */
export function duplicateCountWeights(duplicates: DuplicateOptions, originals: number): number[] {
  const ks = Array.from({ length: duplicates.max }, (_, i) => i);
  switch (duplicates.distribution) {
    case 'uniform':
      return ks.map(() => 1);
    case 'poisson': {
      const mean = 1 + duplicates.count / originals;
      let factorial = 1;
      return ks.map((i) => {
        if (i > 0) factorial *= i;
        return (Math.exp(-mean) * mean ** i) / factorial;
      });
    }
    case 'zipf':
      return ks.map((i) => 1 / Math.sqrt(i + 1));
  }
}

/**
 * Which row comes where: each slot is entity × 256 + (0 for the original, K + 1 for duplicate K). As in
 * FEBRL, originals are visited in random order and each given a drawn number of duplicates until the
 * requested count is reached; the slots are then shuffled (Fisher–Yates).
 */
function planDedupe(seed: number, originals: number, duplicates: DuplicateOptions): Uint32Array {
  const rng = new Prng([seed, 0x706c616e]);
  const counts = new Uint8Array(originals);
  const perOriginal = new WeightedTable(
    Array.from({ length: duplicates.max }, (_, i) => i + 1),
    duplicateCountWeights(duplicates, originals),
  );
  let remaining = duplicates.count;
  for (const entity of permutation(originals, rng)) {
    if (remaining === 0) break;
    const n = Math.min(perOriginal.draw(rng), remaining);
    counts[entity] = n;
    remaining -= n;
  }
  // Too few originals drew enough duplicates: top up those below the maximum, in order.
  for (let entity = 0; remaining > 0 && entity < originals; entity++) {
    const add = Math.min(duplicates.max - counts[entity]!, remaining);
    counts[entity]! += add;
    remaining -= add;
  }
  const slots = new Uint32Array(originals + duplicates.count);
  let i = 0;
  for (let entity = 0; entity < originals; entity++) {
    slots[i++] = entity * 256;
    for (let k = 0; k < counts[entity]!; k++) slots[i++] = entity * 256 + k + 1;
  }
  shuffle(slots, rng);
  return slots;
}

function permutation(n: number, rng: Prng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffle(order, rng);
  return order;
}

function shuffle(items: Uint32Array, rng: Prng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

// --- Values --------------------------------------------------------------------------------------

interface Suburb {
  name: string;
  state: string;
  postcode: string;
}

interface Vocabulary {
  givenNames: WeightedTable<string>;
  surnames: WeightedTable<string>;
  streetWords: readonly string[];
  streetTypes: WeightedTable<string>;
  complexWords: readonly string[];
  suburbs: WeightedTable<Suburb>;
  states: WeightedTable<string>;
}

/** Share of each state in dataset3's originals (nsw 32 %, vic 26 %, qld 18 %…). */
const STATE_WEIGHTS: Record<string, number> = {
  nsw: 0.32,
  vic: 0.26,
  qld: 0.18,
  wa: 0.095,
  sa: 0.09,
  tas: 0.026,
  act: 0.017,
  nt: 0.012,
};

/** Australia Post's postcode ranges by state (the main ranges; PO-box ranges left out). */
const POSTCODE_RANGES: Record<string, readonly [number, number][]> = {
  nsw: [
    [2000, 2599],
    [2620, 2899],
    [2921, 2999],
  ],
  act: [
    [2600, 2618],
    [2900, 2920],
  ],
  vic: [[3000, 3999]],
  qld: [[4000, 4999]],
  sa: [[5000, 5799]],
  wa: [[6000, 6797]],
  tas: [[7000, 7799]],
  nt: [[800, 899]],
};

/** Street types as they appear in FEBRL's address_1, the commonest first. */
const STREET_TYPES = [
  'street',
  'road',
  'place',
  'avenue',
  'crescent',
  'court',
  'drive',
  'circuit',
  'close',
  'lane',
  'parade',
  'way',
  'terrace',
  'grove',
  'highway',
  'square',
  'boulevard',
];

const COMPLEX_TYPES = [
  'village',
  'vlge',
  'estate',
  'lodge',
  'gardens',
  'park',
  'cottages',
  'house',
  'hostel',
  'centre',
  'homestead',
  'farm',
  'stud',
  'plaza',
  'retirement village',
  'caravan park',
  'court',
  'flats',
];

const TREES = [
  'willows',
  'oaks',
  'pines',
  'elms',
  'gums',
  'wattles',
  'palms',
  'ferns',
  'cedars',
  'laurels',
  'poplars',
  'myrtles',
  'banksias',
  'grevilleas',
];

const SUBURB_PREFIXES = ['st', 'mount', 'port', 'north', 'south', 'east', 'west', 'lake', 'glen', 'upper'];
const SUBURB_SUFFIXES = [
  'ton',
  'ville',
  'wood',
  'field',
  'dale',
  'vale',
  'hill',
  'bury',
  'ford',
  'brook',
  'leigh',
  ' park',
  ' heights',
  ' beach',
  ' creek',
  ' valley',
  ' point',
  ' downs',
];

/**
 * Sizes and Zipf exponents of the name lists, fitted so that 2,000 originals hold about as many distinct
 * names as dataset3's and repeat the commonest about as often: ≈ 570 given names, the commonest 2 %;
 * ≈ 980 surnames, the commonest 2.9 % (expected counts under these weights: 571, 2.0 %; 993, 2.9 %).
 */
const GIVEN_NAMES = { size: 800, exponent: 0.98, offset: 10 };
const SURNAMES = { size: 2000, exponent: 0.67, offset: 0 };

/** Missing values already in FEBRL's originals (dataset3's share of empty fields among originals). */
const ORIGINAL_MISSING: Partial<Record<PersonField, number>> = {
  given_name: 0.02,
  surname: 0.008,
  street_number: 0.03,
  address_1: 0.02,
  address_2: 0.09,
  suburb: 0.01,
  state: 0.011,
  date_of_birth: 0.022,
};

function buildVocabulary(seed: number): Vocabulary {
  const faker = new Faker({ locale: [en_AU, en, base], randomizer: new Prng([seed, 0x766f6361]) });
  const words = (...lists: (readonly string[] | null | undefined)[]) => [
    ...new Set(
      lists
        .flatMap((l) => l ?? [])
        .map((w) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase())
        .filter((w) => /^[a-z][a-z' -]*[a-z]$/.test(w)),
    ),
  ];
  // Australian lists first and shuffled within, so the commonest (most weighted) names are Australian.
  const ranked = (common: string[], rest: string[]) => {
    const seen = new Set(common);
    return [...faker.helpers.shuffle(common), ...faker.helpers.shuffle(rest.filter((w) => !seen.has(w)))];
  };
  const au = en_AU.person?.first_name;
  const enFirst = en.person?.first_name;
  const givenNames = ranked(
    words(au?.female, au?.male),
    words(enFirst?.female, enFirst?.male, enFirst?.generic),
  ).slice(0, GIVEN_NAMES.size);
  // Australia's surnames are also Irish, Italian, German…: faker's Italian and German lists fill the tail.
  const surnames = ranked(
    words(en_AU.person?.last_name?.generic),
    words(en.person?.last_name?.generic, it.person?.last_name?.generic, de.person?.last_name?.generic),
  ).slice(0, SURNAMES.size);
  // Streets, suburbs and buildings are named after people and places, as in FEBRL ("hurley street",
  // "brentwood vlge"); faker's Australian lists and its list of (American) city names supply them.
  const auNames = words(en_AU.person?.last_name?.generic, au?.female, au?.male);
  const places = words(en.location?.city_name).filter((w) => !w.includes(' '));
  const streetWords = [...auNames, ...places];
  const states = new WeightedTable(Object.keys(STATE_WEIGHTS), Object.values(STATE_WEIGHTS));

  const suburbRng = new Prng([seed, 0x73756262]);
  const suburbNames = new Set<string>();
  while (suburbNames.size < 3000) {
    const stem = suburbRng.pick(streetWords);
    const form = suburbRng.below(10);
    suburbNames.add(
      form < 3
        ? stem
        : form < 7
          ? `${stem}${suburbRng.pick(SUBURB_SUFFIXES)}`
          : `${suburbRng.pick(SUBURB_PREFIXES)} ${stem}`,
    );
  }
  const suburbs = [...suburbNames].map((name) => {
    const state = states.draw(suburbRng);
    const [lo, hi] = suburbRng.pick(POSTCODE_RANGES[state]!);
    return { name, state, postcode: String(suburbRng.between(lo, hi)).padStart(4, '0') };
  });

  return {
    givenNames: WeightedTable.zipf(givenNames, GIVEN_NAMES.exponent, GIVEN_NAMES.offset),
    surnames: WeightedTable.zipf(surnames, SURNAMES.exponent, SURNAMES.offset),
    streetWords,
    streetTypes: WeightedTable.zipf(STREET_TYPES, 1.2),
    complexWords: streetWords,
    suburbs: WeightedTable.zipf(suburbs, 0.5),
    states,
  };
}

function makeOriginal(recId: string, v: Vocabulary, rng: Prng): Row {
  const suburb = v.suburbs.draw(rng);
  const row: Row = {
    rec_id: recId,
    given_name: v.givenNames.draw(rng),
    surname: v.surnames.draw(rng),
    street_number: streetNumber(rng),
    address_1: `${rng.pick(v.streetWords)} ${v.streetTypes.draw(rng)}`,
    address_2: complexName(v, rng),
    suburb: suburb.name,
    postcode: v.suburbs.draw(rng).postcode,
    state: v.states.draw(rng),
    date_of_birth: dateOfBirth(rng),
    soc_sec_id: String(rng.between(1_000_000, 9_999_999)),
  };
  for (const [field, p] of Object.entries(ORIGINAL_MISSING) as [PersonField, number][])
    if (rng.chance(p)) row[field] = '';
  return row;
}

function replacementValue(field: PersonField, v: Vocabulary, rng: Prng): string {
  switch (field) {
    case 'given_name':
      return v.givenNames.draw(rng);
    case 'surname':
      return v.surnames.draw(rng);
    case 'street_number':
      return streetNumber(rng);
    case 'address_1':
      return `${rng.pick(v.streetWords)} ${v.streetTypes.draw(rng)}`;
    case 'address_2':
      return complexName(v, rng);
    case 'suburb':
      return v.suburbs.draw(rng).name;
    case 'postcode':
      return v.suburbs.draw(rng).postcode;
    case 'state':
      return v.states.draw(rng);
    case 'date_of_birth':
      return dateOfBirth(rng);
    case 'soc_sec_id':
      return String(rng.between(1_000_000, 9_999_999));
  }
}

/** One digit 23 %, two 61 %, three 14 %, four 1 %: dataset3's street numbers. */
function streetNumber(rng: Prng): string {
  const r = rng.next();
  if (r < 0.23) return String(rng.between(1, 9));
  if (r < 0.84) return String(rng.between(10, 99));
  if (r < 0.99) return String(rng.between(100, 999));
  return String(rng.between(1000, 9999));
}

function complexName(v: Vocabulary, rng: Prng): string {
  const r = rng.next();
  if (r < 0.5) return `${rng.pick(v.complexWords)} ${rng.pick(COMPLEX_TYPES)}`;
  if (r < 0.85) return rng.pick(v.complexWords);
  return `the ${rng.pick(TREES)}`;
}

const DAY_MS = 86_400_000;
const FIRST_BIRTH = Date.UTC(1900, 0, 1);
const LAST_BIRTH = Date.UTC(2009, 11, 31);

/** A birth date from 1900 to 2009, as YYYYMMDD. */
function dateOfBirth(rng: Prng): string {
  const date = new Date(FIRST_BIRTH + rng.between(0, (LAST_BIRTH - FIRST_BIRTH) / DAY_MS) * DAY_MS);
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}`;
}
