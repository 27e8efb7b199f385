import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cryptoRandom,
  discreteLaplaceErrorBound,
  integerSquareRoot,
  NoiseParameterError,
  sampleBernoulliExp,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  seededTestRandom,
} from '../../src/disclosure/noise.ts';
import { chiSquareAgainst, chiSquareCritical } from './chi-square.ts';

const SAMPLES = 20_000;
const ALPHA = 0.001;

/** Exact pmf of the discrete Laplace with scale t (Canonne, Kamath, Steinke 2020, Definition 1). */
const laplacePmf = (t: number) => (x: number) =>
  ((1 - Math.exp(-1 / t)) / (1 + Math.exp(-1 / t))) * Math.exp(-Math.abs(x) / t);

/** Exact pmf of the discrete Gaussian with variance parameter σ², normalized by direct summation. */
function gaussianPmf(sigma2: number): (x: number) => number {
  const limit = Math.ceil(40 * Math.sqrt(sigma2)) + 10;
  let normalizer = 0;
  for (let x = -limit; x <= limit; x++) normalizer += Math.exp(-(x * x) / (2 * sigma2));
  return (x) => Math.exp(-(x * x) / (2 * sigma2)) / normalizer;
}

function draw(count: number, sample: () => bigint): bigint[] {
  return Array.from({ length: count }, sample);
}

describe('chi-square reference', () => {
  test('critical values match the published table (α = 0.001: df 5 → 20.515, df 10 → 29.588, df 20 → 45.315)', () => {
    assert.equal(chiSquareCritical(5, ALPHA).toFixed(3), '20.515');
    assert.equal(chiSquareCritical(10, ALPHA).toFixed(3), '29.588');
    assert.equal(chiSquareCritical(20, ALPHA).toFixed(3), '45.315');
  });
});

describe('uniform integers', () => {
  test('a seeded test random source repeats itself for the same seed and differs for another', () => {
    const sequence = (seed: string) => {
      const rng = seededTestRandom(seed);
      return Array.from({ length: 20 }, () => rng.uniformBelow(1000n));
    };
    assert.deepEqual(sequence('a'), sequence('a'));
    assert.notDeepEqual(sequence('a'), sequence('b'));
  });

  test('uniformBelow(6) is uniform on 0..5 (chi-square, α = 0.001)', () => {
    const rng = seededTestRandom('dice');
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[Number(rng.uniformBelow(6n))] += 1;
    const statistic = counts.reduce((sum, c) => sum + (c - 10_000) ** 2 / 10_000, 0);
    assert.ok(statistic < chiSquareCritical(5, ALPHA), `χ² = ${statistic}`);
  });

  test('uniformBelow a number wider than 64 bits stays below it and fills its range evenly', () => {
    const rng = seededTestRandom('wide');
    const n = 3n * 2n ** 64n + 5n;
    const thirds = [0, 0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const u = rng.uniformBelow(n);
      assert.ok(u >= 0n && u < n);
      thirds[Number(u / 2n ** 64n)]! += 1;
    }
    assert.ok(thirds[3]! <= 1, 'values ≥ 3·2^64 are almost impossible');
    const statistic = thirds.slice(0, 3).reduce((sum, c) => sum + (c - 10_000) ** 2 / 10_000, 0);
    assert.ok(statistic < chiSquareCritical(2, ALPHA), `χ² = ${statistic}`);
  });

  test('the crypto source draws within range', () => {
    for (let i = 0; i < 1000; i++) {
      const u = cryptoRandom.uniformBelow(7n);
      assert.ok(u >= 0n && u < 7n);
    }
    assert.equal(cryptoRandom.kind, 'crypto');
  });

  test('integerSquareRoot is the floor of the square root', () => {
    for (const [n, root] of [
      [0n, 0n],
      [1n, 1n],
      [3n, 1n],
      [4n, 2n],
      [99n, 9n],
      [10n ** 40n, 10n ** 20n],
      [10n ** 40n - 1n, 10n ** 20n - 1n],
    ] as const) {
      assert.equal(integerSquareRoot(n), root, `⌊√${n}⌋`);
    }
  });
});

describe('Bernoulli(exp(-γ)), Canonne–Kamath–Steinke Algorithm 1', () => {
  for (const [num, den] of [
    [1n, 3n],
    [1n, 1n],
    [5n, 2n],
  ] as const) {
    test(`γ = ${num}/${den}: the share of true is exp(-γ) within 3.29 standard errors`, () => {
      const rng = seededTestRandom(`bernoulli ${num}/${den}`);
      const p = Math.exp(-Number(num) / Number(den));
      let hits = 0;
      for (let i = 0; i < SAMPLES; i++) if (sampleBernoulliExp(num, den, rng)) hits += 1;
      const z = (hits - SAMPLES * p) / Math.sqrt(SAMPLES * p * (1 - p));
      assert.ok(Math.abs(z) < 3.29, `share ${hits / SAMPLES}, expected ${p}, z = ${z}`);
    });
  }

  test('γ = 0 is always true', () => {
    const rng = seededTestRandom('gamma zero');
    for (let i = 0; i < 100; i++) assert.equal(sampleBernoulliExp(0n, 7n, rng), true);
  });

  test('a negative γ or a zero denominator is refused with BAD_NOISE_PARAMETER', () => {
    assert.throws(
      () => sampleBernoulliExp(-1n, 2n),
      (e) => e instanceof NoiseParameterError && e.code === 'BAD_NOISE_PARAMETER',
    );
    assert.throws(() => sampleBernoulliExp(1n, 0n), NoiseParameterError);
  });
});

describe('discrete Laplace, Canonne–Kamath–Steinke Algorithm 2', () => {
  for (const [num, den] of [
    [3n, 2n],
    [10n, 1n],
    [1n, 3n],
  ] as const) {
    test(`scale ${num}/${den}: samples fit the exact pmf (chi-square below its α = 0.001 critical value)`, () => {
      const rng = seededTestRandom(`laplace ${num}/${den}`);
      const samples = draw(SAMPLES, () => sampleDiscreteLaplace(num, den, rng));
      const { statistic, degreesOfFreedom } = chiSquareAgainst(
        samples,
        laplacePmf(Number(num) / Number(den)),
      );
      const critical = chiSquareCritical(degreesOfFreedom, ALPHA);
      assert.ok(statistic < critical, `χ² = ${statistic} with ${degreesOfFreedom} df, critical ${critical}`);
    });
  }

  test('the same test rejects samples against a scale 10 % larger (the test has power)', () => {
    const rng = seededTestRandom('laplace 3/2');
    const samples = draw(SAMPLES, () => sampleDiscreteLaplace(3n, 2n, rng));
    const { statistic, degreesOfFreedom } = chiSquareAgainst(samples, laplacePmf(1.65));
    assert.ok(statistic > chiSquareCritical(degreesOfFreedom, ALPHA), `χ² = ${statistic}`);
  });

  test('rounded textbook floating-point Laplace noise is not what it samples (scale 1/3 fits only the discrete pmf)', () => {
    const rng = seededTestRandom('laplace 1/3');
    const samples = draw(SAMPLES, () => sampleDiscreteLaplace(1n, 3n, rng));
    const roundedContinuous = (x: number) =>
      x === 0
        ? 1 - Math.exp(-1.5)
        : 0.5 * (Math.exp(-3 * (Math.abs(x) - 0.5)) - Math.exp(-3 * (Math.abs(x) + 0.5)));
    const { statistic, degreesOfFreedom } = chiSquareAgainst(samples, roundedContinuous);
    assert.ok(statistic > chiSquareCritical(degreesOfFreedom, ALPHA), `χ² = ${statistic}`);
  });

  test('a zero or negative scale is refused', () => {
    assert.throws(() => sampleDiscreteLaplace(0n, 1n), NoiseParameterError);
    assert.throws(() => sampleDiscreteLaplace(1n, -2n), NoiseParameterError);
  });
});

describe('discrete Gaussian, Canonne–Kamath–Steinke Algorithm 3', () => {
  for (const [num, den] of [
    [5n, 2n],
    [1n, 4n],
    [100n, 1n],
  ] as const) {
    test(`σ² = ${num}/${den}: samples fit the exact pmf (chi-square below its α = 0.001 critical value)`, () => {
      const rng = seededTestRandom(`gaussian ${num}/${den}`);
      const samples = draw(SAMPLES, () => sampleDiscreteGaussian(num, den, rng));
      const { statistic, degreesOfFreedom } = chiSquareAgainst(
        samples,
        gaussianPmf(Number(num) / Number(den)),
      );
      const critical = chiSquareCritical(degreesOfFreedom, ALPHA);
      assert.ok(statistic < critical, `χ² = ${statistic} with ${degreesOfFreedom} df, critical ${critical}`);
    });
  }

  test('the same test rejects σ² = 5/2 samples against σ² = 3 (the test has power)', () => {
    const rng = seededTestRandom('gaussian 5/2');
    const samples = draw(SAMPLES, () => sampleDiscreteGaussian(5n, 2n, rng));
    const { statistic, degreesOfFreedom } = chiSquareAgainst(samples, gaussianPmf(3));
    assert.ok(statistic > chiSquareCritical(degreesOfFreedom, ALPHA), `χ² = ${statistic}`);
  });
});

describe('the 95 % error bound of discrete Laplace noise', () => {
  /** P(|X| ≤ b) by summing the pmf, independently of the closed-form tail in noise.ts. */
  const inside = (t: number, b: number) => {
    const pmf = laplacePmf(t);
    let sum = 0;
    for (let x = -b; x <= b; x++) sum += pmf(x);
    return sum;
  };

  test('values worked by hand: scale 1 → 3, scale 10 → 30, scale 1/10 → 0, scale 2 → 6', () => {
    assert.equal(discreteLaplaceErrorBound(1n, 1n), 3);
    assert.equal(discreteLaplaceErrorBound(10n, 1n), 30);
    assert.equal(discreteLaplaceErrorBound(1n, 10n), 0);
    assert.equal(discreteLaplaceErrorBound(2n, 1n), 6);
  });

  for (const [num, den] of [
    [1n, 1n],
    [10n, 1n],
    [3n, 7n],
    [1000n, 3n],
    [123n, 10n],
  ] as const) {
    test(`scale ${num}/${den}: the bound holds with ≥ 95 % and one less would not`, () => {
      const t = Number(num) / Number(den);
      const b = discreteLaplaceErrorBound(num, den);
      assert.ok(inside(t, b) >= 0.95, `P(|X| ≤ ${b}) = ${inside(t, b)}`);
      if (b > 0) assert.ok(inside(t, b - 1) < 0.95, `P(|X| ≤ ${b - 1}) = ${inside(t, b - 1)}`);
    });
  }
});
