/**
 * A small, fast, seedable pseudo-random generator (sfc32, from Chris Doty-Humphrey's PractRand) that
 * also serves as faker's `Randomizer`. Synthetic records are generated one entity at a time from a
 * seed derived from (data set seed, entity, duplicate), so any row can be made again on its own without
 * replaying the rows before it; faker's own Mersenne Twister takes ~30 µs to reseed, sfc32 well under 1 µs.
 */
import type { Randomizer } from '@faker-js/faker';

/** Mixes 32-bit words into one (the finaliser of MurmurHash3), so nearby seeds give unrelated streams. */
function mix(h: number, word: number): number {
  let k = Math.imul(word | 0, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Prng implements Randomizer {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number | readonly number[] = 0) {
    this.seed(seed);
  }

  seed(seed: number | readonly number[] = 0): void {
    const words = typeof seed === 'number' ? [seed] : seed;
    let h = 0x9e3779b9;
    for (const w of words) h = mix(h, w);
    this.a = h;
    this.b = mix(h, 1);
    this.c = mix(h, 2);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1); an arrow function because faker calls it unbound. */
  readonly next = (): number => this.nextUint32() / 4294967296;

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/**
 * Draws from a fixed discrete distribution in O(log n): the cumulative weights are kept and searched.
 * Used for the skewed frequencies of names and suburbs, so common values repeat as they do in a register.
 */
export class WeightedTable<T> {
  private readonly cumulative: Float64Array;

  constructor(
    readonly values: readonly T[],
    weights: readonly number[],
  ) {
    if (values.length === 0 || values.length !== weights.length)
      throw new RangeError('A weighted table needs as many weights as values, and at least one.');
    this.cumulative = new Float64Array(values.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i]!;
      this.cumulative[i] = sum;
    }
  }

  /** Zipf-like weights 1/(rank + 1 + offset)^exponent over the values in the given order. */
  static zipf<T>(values: readonly T[], exponent: number, offset = 0): WeightedTable<T> {
    return new WeightedTable(
      values,
      values.map((_, rank) => 1 / (rank + 1 + offset) ** exponent),
    );
  }

  draw(rng: Prng): T {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }
}
