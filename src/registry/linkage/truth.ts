/**
 * Ground truth for FEBRL-style data and the scoring of a linkage against it. In FEBRL files a record's
 * entity is written in its id: `rec-12-org` and `rec-12-dup-3` are the same person, so the true pairs
 * are all pairs of records with the same entity (dedupe), or all pairs of a left and a right record with
 * the same entity (two-file linkage). Records are numbered once; pairs are handled as numbers, never as
 * strings, so a million records and millions of predicted pairs fit in a few tens of megabytes.
 */
import { GovdxError } from '../../domain/index.ts';

const REC_ID = /^rec-(\d+)-(?:org|dup-\d+)$/;

/** The entity a FEBRL record id stands for: `rec-12-org` and `rec-12-dup-3` → `12`. */
export function entityOf(recId: string): string {
  const match = REC_ID.exec(recId);
  if (!match)
    throw new GovdxError(
      'VALIDATION_FAILED',
      `"${recId}" is not a FEBRL record id (rec-N-org or rec-N-dup-K).`,
      { recId },
    );
  return match[1]!;
}

/** The true pairs of one data set (dedupe) or of two files (linkage). */
export interface PairTruth {
  readonly kind: 'dedupe' | 'link';
  /** How many true pairs there are: Σ n(n−1)/2 over entities (dedupe), Σ nLeft·nRight (linkage). */
  readonly count: number;
  /** Every true pair once; dedupe pairs in the order the records were given, linkage pairs as (left, right). */
  pairs(): Generator<[string, string]>;
  /** Whether two records (linkage: left, then right) are the same entity; throws on an unknown id. */
  isMatch(a: string, b: string): boolean;
  /** A number that names the pair: equal for (a, b) and (b, a) in dedupe. Throws on an unknown id. */
  pairCode(a: string, b: string): number;
  /** Whether the pair a number from {@link pairCode} names is a true pair. */
  isMatchCode(code: number): boolean;
}

export interface PairScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** truePositives / predicted pairs; 0 when nothing was predicted. */
  precision: number;
  /** truePositives / true pairs; 0 when there are no true pairs. */
  recall: number;
  /** The harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
}

/** The true pairs among the records of one file (dedupe): any two records of the same entity. */
export function truePairs(ids: Iterable<string>): PairTruth;
/** The true pairs between two files (linkage): a left and a right record of the same entity. */
export function truePairs(left: Iterable<string>, right: Iterable<string>): PairTruth;
export function truePairs(ids: Iterable<string>, right?: Iterable<string>): PairTruth {
  const entities = new Map<string, number>();
  return right === undefined
    ? dedupeTruth(new RecordSet(ids, entities))
    : linkTruth(new RecordSet(ids, entities), new RecordSet(right, entities));
}

/**
 * Counts true positives, false positives and false negatives of predicted pairs. Dedupe pairs are
 * unordered and linkage pairs are (left, right); a pair predicted twice (in dedupe, also as (b, a))
 * counts once. A pair that names an unknown record, or a record with itself, is an error.
 */
export function scorePairs(predicted: Iterable<readonly [string, string]>, truth: PairTruth): PairScore {
  let codes = new Float64Array(1 << 16);
  let n = 0;
  for (const [a, b] of predicted) {
    if (n === codes.length) {
      const grown = new Float64Array(codes.length * 2);
      grown.set(codes);
      codes = grown;
    }
    codes[n++] = truth.pairCode(a, b);
  }
  const sorted = codes.subarray(0, n).sort();
  let truePositives = 0;
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    distinct++;
    if (truth.isMatchCode(sorted[i]!)) truePositives++;
  }
  const falsePositives = distinct - truePositives;
  const falseNegatives = truth.count - truePositives;
  const precision = distinct === 0 ? 0 : truePositives / distinct;
  const recall = truth.count === 0 ? 0 : truePositives / truth.count;
  // The harmonic mean of precision and recall, written so that it is computed from counts alone.
  const f1 =
    truePositives === 0 ? 0 : (2 * truePositives) / (2 * truePositives + falsePositives + falseNegatives);
  return { truePositives, falsePositives, falseNegatives, precision, recall, f1 };
}

/** Records numbered in the order given, each with the number of its entity (shared across files). */
class RecordSet {
  readonly ids: string[] = [];
  readonly index = new Map<string, number>();
  readonly entity: Int32Array;

  constructor(ids: Iterable<string>, entities: Map<string, number>) {
    const entityOfRecord: number[] = [];
    for (const id of ids) {
      if (this.index.has(id))
        throw new GovdxError('VALIDATION_FAILED', `The record id "${id}" appears twice.`, { recId: id });
      const key = entityOf(id);
      let e = entities.get(key);
      if (e === undefined) {
        e = entities.size;
        entities.set(key, e);
      }
      this.index.set(id, this.ids.length);
      this.ids.push(id);
      entityOfRecord.push(e);
    }
    this.entity = Int32Array.from(entityOfRecord);
  }

  numberOf(id: string): number {
    const i = this.index.get(id);
    if (i === undefined)
      throw new GovdxError('VALIDATION_FAILED', `The record id "${id}" is not in the data.`, { recId: id });
    return i;
  }

  /** Record numbers grouped by entity: records of one entity are adjacent, in the order given. */
  byEntity(): Int32Array {
    const order = Int32Array.from(this.ids, (_, i) => i);
    return order.sort((x, y) => this.entity[x]! - this.entity[y]! || x - y);
  }

  sizes(): Map<number, number> {
    const sizes = new Map<number, number>();
    for (const e of this.entity) sizes.set(e, (sizes.get(e) ?? 0) + 1);
    return sizes;
  }
}

function dedupeTruth(records: RecordSet): PairTruth {
  const n = records.ids.length;
  let count = 0;
  for (const size of records.sizes().values()) count += (size * (size - 1)) / 2;
  const decode = (code: number) => [Math.floor(code / n), code % n] as const;
  const truth: PairTruth = {
    kind: 'dedupe',
    count,
    *pairs() {
      const order = records.byEntity();
      for (let start = 0; start < order.length; ) {
        let end = start + 1;
        while (end < order.length && records.entity[order[end]!] === records.entity[order[start]!]) end++;
        for (let i = start; i < end; i++)
          for (let j = i + 1; j < end; j++) yield [records.ids[order[i]!]!, records.ids[order[j]!]!];
        start = end;
      }
    },
    isMatch: (a, b) => truth.isMatchCode(truth.pairCode(a, b)),
    pairCode(a, b) {
      const i = records.numberOf(a);
      const j = records.numberOf(b);
      if (i === j)
        throw new GovdxError('VALIDATION_FAILED', `A record is paired with itself: "${a}".`, { recId: a });
      return i < j ? i * n + j : j * n + i;
    },
    isMatchCode(code) {
      const [i, j] = decode(code);
      return records.entity[i] === records.entity[j];
    },
  };
  return truth;
}

function linkTruth(left: RecordSet, right: RecordSet): PairTruth {
  const m = right.ids.length;
  const rightSizes = right.sizes();
  let count = 0;
  for (const [e, size] of left.sizes()) count += size * (rightSizes.get(e) ?? 0);
  const truth: PairTruth = {
    kind: 'link',
    count,
    *pairs() {
      const rightOf = new Map<number, number[]>();
      for (const r of right.byEntity()) {
        const e = right.entity[r]!;
        const list = rightOf.get(e);
        if (list) list.push(r);
        else rightOf.set(e, [r]);
      }
      for (let l = 0; l < left.ids.length; l++)
        for (const r of rightOf.get(left.entity[l]!) ?? []) yield [left.ids[l]!, right.ids[r]!];
    },
    isMatch: (a, b) => truth.isMatchCode(truth.pairCode(a, b)),
    pairCode: (a, b) => left.numberOf(a) * m + right.numberOf(b),
    isMatchCode: (code) => left.entity[Math.floor(code / m)] === right.entity[code % m],
  };
  return truth;
}
