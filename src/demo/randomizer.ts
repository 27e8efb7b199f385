/**
 * A randomizer for faker that is cheap to reseed. The demo reseeds once per household and per
 * business; faker's default Mersenne Twister spends ~45 µs initialising its 624-word state each
 * time, which alone would cost seconds for a population of 100,000. This one seeds in constant
 * time: SplitMix32 mixes the seed words into the four words of an SFC32 generator
 * (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand). Pure 32-bit integer
 * arithmetic, so the sequence is the same on every machine.
 */
import type { Randomizer } from '@faker-js/faker';

function splitmix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

export function sfc32Randomizer(): Randomizer {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 1;

  function next32(): number {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }

  return {
    seed(seed: number | number[]) {
      let state = 0;
      let word = 0;
      for (const part of Array.isArray(seed) ? seed : [seed]) {
        [state, word] = splitmix32((state ^ Math.imul(part | 0, 0x27d4eb2d)) | 0);
        state = (state ^ word) | 0;
      }
      [state, a] = splitmix32(state);
      [state, b] = splitmix32(state);
      [state, c] = splitmix32(state);
      d = 1;
      // The first outputs after seeding still show the seed's structure; discard them.
      for (let i = 0; i < 12; i++) next32();
    },
    next() {
      // 53 random bits, as faker's own generator gives: 27 from one output, 26 from the next.
      return ((next32() >>> 5) * 67_108_864 + (next32() >>> 6)) / 9_007_199_254_740_992;
    },
  };
}
