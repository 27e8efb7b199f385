/**
 * Exact samplers for the noise of differentially private statistics.
 *
 * Source: C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian for Differential Privacy",
 * NeurIPS 2020, arXiv:2004.00010, Section 5 ("Sampling"): Algorithm 1 (Bernoulli(exp(-γ))),
 * Algorithm 2 (discrete Laplace), Algorithm 3 (discrete Gaussian). OpenDP samples the same way.
 *
 * Why not `scale * Math.log(Math.random())`: textbook floating-point Laplace leaks the input through
 * the gaps and rounding of doubles (I. Mironov, "On Significance of the Least Significant Bits for
 * Differential Privacy", CCS 2012). Here every parameter is a rational num/den of BigInts, every coin
 * is a uniform integer from a random source, and no floating point enters the sampling path.
 */
import { createCipheriv, createHash, randomFillSync } from 'node:crypto';

/** A source of uniform random integers. */
export interface RandomSource {
  /** A uniform integer in [0, n), for n ≥ 1. */
  uniformBelow(n: bigint): bigint;
}

/** The operating system's cryptographically secure generator (node:crypto): the one releases use. */
export interface CryptoRandom extends RandomSource {
  readonly kind: 'crypto';
}

/** A deterministic generator for tests only: its noise is predictable and protects nobody. */
export interface SeededTestRandom extends RandomSource {
  readonly kind: 'seeded-test';
  readonly seed: string;
}

/** A noise parameter that is not a positive (or, for γ, non-negative) rational. */
export class NoiseParameterError extends Error {
  readonly code = 'BAD_NOISE_PARAMETER' as const;

  constructor(message: string) {
    super(message);
    this.name = 'NoiseParameterError';
  }
}

const POOL_BYTES = 4096;
const TWO_32 = 2n ** 32n;

/**
 * Turns a stream of uniform bytes into uniform integers below n by rejection: draw just enough bits,
 * discard draws ≥ n. Never `x % n` on a raw draw, which favours small values.
 */
function uniformIntegers(fill: (buffer: Buffer) => void): (n: bigint) => bigint {
  const pool = Buffer.alloc(POOL_BYTES);
  let position = POOL_BYTES;
  const take = (count: number): Buffer => {
    if (position + count > POOL_BYTES) {
      fill(pool);
      position = 0;
    }
    const bytes = pool.subarray(position, position + count);
    position += count;
    return bytes;
  };
  return (n: bigint): bigint => {
    if (n < 1n) throw new NoiseParameterError(`A uniform integer below ${n} does not exist.`);
    if (n === 1n) return 0n;
    if (n <= TWO_32) {
      const range = Number(n);
      const limit = 2 ** 32 - (2 ** 32 % range);
      for (;;) {
        const u = take(4).readUInt32LE(0);
        if (u < limit) return BigInt(u % range);
      }
    }
    const bits = (n - 1n).toString(2).length;
    const byteCount = Math.ceil(bits / 8);
    const topMask = (1 << (bits - 8 * (byteCount - 1))) - 1;
    for (;;) {
      const bytes = Buffer.from(take(byteCount));
      bytes[0]! &= topMask;
      const u = BigInt(`0x${bytes.toString('hex')}`);
      if (u < n) return u;
    }
  };
}

/** The default random source: node:crypto's CSPRNG (`randomFillSync`), with rejection sampling. */
export const cryptoRandom: CryptoRandom = Object.freeze({
  kind: 'crypto' as const,
  uniformBelow: uniformIntegers((buffer) => randomFillSync(buffer)),
});

/**
 * For tests only: the ChaCha20 keystream under a key derived from the seed, so a test's noise is the
 * same on every run. Release functions accept it only through an option named for it, and mark
 * what they release with it as `noiseSource: 'seeded-test'`.
 */
export function seededTestRandom(seed: string | number): SeededTestRandom {
  const key = createHash('sha256').update(`govdx seeded test random\0${seed}`).digest();
  const cipher = createCipheriv('chacha20', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(POOL_BYTES);
  return {
    kind: 'seeded-test',
    seed: String(seed),
    uniformBelow: uniformIntegers((buffer) => {
      cipher.update(zeros).copy(buffer);
    }),
  };
}

/** The greatest common divisor, never negative (0 for 0 and 0). */
export function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** floor(√n) for n ≥ 0, by Newton's method on integers. */
export function integerSquareRoot(n: bigint): bigint {
  if (n < 0n) throw new NoiseParameterError('A negative number has no square root.');
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/** Bernoulli(num/den): true with probability num/den, for 0 ≤ num ≤ den. */
function sampleBernoulli(num: bigint, den: bigint, rng: RandomSource): boolean {
  return rng.uniformBelow(den) < num;
}

/** Algorithm 1 for γ = num/den in [0, 1] (von Neumann's method). */
function sampleBernoulliExpAtMostOne(num: bigint, den: bigint, rng: RandomSource): boolean {
  let k = 1n;
  while (sampleBernoulli(num, den * k, rng)) k += 1n;
  return k % 2n === 1n;
}

/**
 * A sample of Bernoulli(exp(-γ)) for γ = num/den ≥ 0: Canonne, Kamath, Steinke 2020, Algorithm 1.
 * For γ > 1, the product of ⌊γ⌋ samples of Bernoulli(exp(-1)) and one of Bernoulli(exp(-(γ-⌊γ⌋))).
 */
export function sampleBernoulliExp(num: bigint, den: bigint, rng: RandomSource = cryptoRandom): boolean {
  if (den <= 0n || num < 0n)
    throw new NoiseParameterError(`γ = ${num}/${den} is not a non-negative rational.`);
  const whole = num / den;
  for (let i = 0n; i < whole; i += 1n) {
    if (!sampleBernoulliExpAtMostOne(1n, 1n, rng)) return false;
  }
  return sampleBernoulliExpAtMostOne(num - whole * den, den, rng);
}

/**
 * A sample of the discrete Laplace distribution with scale t = scaleNum/scaleDen > 0:
 * P(X = x) = (1 - e^(-1/t)) / (1 + e^(-1/t)) · e^(-|x|/t) for every integer x.
 * Canonne, Kamath, Steinke 2020, Algorithm 2 (with their t = scaleNum and s = scaleDen).
 */
export function sampleDiscreteLaplace(
  scaleNum: bigint,
  scaleDen: bigint,
  rng: RandomSource = cryptoRandom,
): bigint {
  if (scaleNum <= 0n || scaleDen <= 0n) {
    throw new NoiseParameterError(`The scale ${scaleNum}/${scaleDen} is not a positive rational.`);
  }
  const divisor = gcd(scaleNum, scaleDen);
  const t = scaleNum / divisor;
  const s = scaleDen / divisor;
  for (;;) {
    const u = rng.uniformBelow(t);
    if (!sampleBernoulliExp(u, t, rng)) continue;
    let v = 0n;
    while (sampleBernoulliExp(1n, 1n, rng)) v += 1n;
    const y = (u + t * v) / s;
    const negative = rng.uniformBelow(2n) === 1n;
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

/**
 * A sample of the discrete Gaussian with variance parameter σ² = sigma2Num/sigma2Den > 0:
 * P(X = x) ∝ e^(-x²/(2σ²)) for every integer x.
 * Canonne, Kamath, Steinke 2020, Algorithm 3: a discrete Laplace proposal with scale ⌊σ⌋+1, accepted
 * with probability exp(-(|Y| - σ²/t)² / (2σ²)), which for σ² = n/d is the rational
 * (|Y|·d·t - n)² / (2·n·d·t²).
 */
export function sampleDiscreteGaussian(
  sigma2Num: bigint,
  sigma2Den: bigint,
  rng: RandomSource = cryptoRandom,
): bigint {
  if (sigma2Num <= 0n || sigma2Den <= 0n) {
    throw new NoiseParameterError(`σ² = ${sigma2Num}/${sigma2Den} is not a positive rational.`);
  }
  const n = sigma2Num;
  const d = sigma2Den;
  const t = integerSquareRoot(n / d) + 1n; // ⌊σ⌋ + 1, since ⌊√x⌋ = ⌊√⌊x⌋⌋
  for (;;) {
    const y = sampleDiscreteLaplace(t, 1n, rng);
    const magnitude = y < 0n ? -y : y;
    const difference = magnitude * d * t - n;
    if (sampleBernoulliExp(difference * difference, 2n * n * d * t * t, rng)) return y;
  }
}

/**
 * P(|X| > k) for X discrete Laplace with scale t: summing the pmf's two geometric tails,
 * 2 · Σ_{x>k} C·e^(-x/t) = 2·e^(-(k+1)/t) / (1 + e^(-1/t)), with C = (1-e^(-1/t))/(1+e^(-1/t))
 * (Canonne, Kamath, Steinke 2020, Definition 1 for the pmf). Floating point is fine here: this
 * describes the published error, it draws no noise.
 */
export function discreteLaplaceTail(scale: number, k: number): number {
  if (k < 0) return 1;
  return (2 * Math.exp(-(k + 1) / scale)) / (1 + Math.exp(-1 / scale));
}

/**
 * The smallest integer b ≥ 0 with P(|X| ≤ b) ≥ confidence for X discrete Laplace with scale
 * scaleNum/scaleDen: a published count lies within ±b of the true count with at least that probability.
 * Solving 2·e^(-(b+1)/t)/(1+e^(-1/t)) ≤ 1 - confidence gives b ≥ t·ln(2/((1-confidence)(1+e^(-1/t)))) - 1;
 * the estimate is then checked against the tail itself.
 */
export function discreteLaplaceErrorBound(scaleNum: bigint, scaleDen: bigint, confidence = 0.95): number {
  if (scaleNum <= 0n || scaleDen <= 0n) {
    throw new NoiseParameterError(`The scale ${scaleNum}/${scaleDen} is not a positive rational.`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new NoiseParameterError(`A confidence of ${confidence} is not strictly between 0 and 1.`);
  }
  const t = Number(scaleNum) / Number(scaleDen);
  const alpha = 1 - confidence;
  let b = Math.max(0, Math.ceil(t * Math.log(2 / (alpha * (1 + Math.exp(-1 / t)))) - 1));
  while (b > 0 && discreteLaplaceTail(t, b - 1) <= alpha) b -= 1;
  while (discreteLaplaceTail(t, b) > alpha) b += 1;
  return b;
}
