/**
 * Pearson's chi-square goodness-of-fit test, written here independently of the code under test.
 * The chi-square survival function is 1 - P(k/2, x/2), with P the regularized lower incomplete
 * gamma function by its power series (Abramowitz and Stegun 6.5.29) and ln Γ by Lanczos' formula
 * (g = 7, n = 9, as in Numerical Recipes / Wikipedia's coefficients).
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function lowerRegularizedGamma(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * sum;
}

/** P(χ²_k > x). */
export function chiSquareSurvival(x: number, k: number): number {
  return 1 - lowerRegularizedGamma(k / 2, x / 2);
}

/** The x with P(χ²_k > x) = alpha, by bisection. */
export function chiSquareCritical(k: number, alpha: number): number {
  let low = 0;
  let high = k + 100 * Math.sqrt(2 * k) + 100;
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (chiSquareSurvival(middle, k) > alpha) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * Pearson's statistic for integer samples against a symmetric pmf on the integers: one bin per
 * value in [-m, m] and one for each tail, with m the largest for which each tail expects ≥ 5.
 */
export function chiSquareAgainst(
  samples: readonly bigint[],
  pmf: (x: number) => number,
): { statistic: number; degreesOfFreedom: number } {
  const n = samples.length;
  let m = 0;
  let inside = pmf(0);
  while (n * ((1 - inside - 2 * pmf(m + 1)) / 2) >= 5) {
    m += 1;
    inside += 2 * pmf(m);
  }
  const expected = new Map<number, number>();
  for (let x = -m; x <= m; x++) expected.set(x, n * pmf(x));
  const tail = (n * (1 - inside)) / 2;
  const observed = new Map<number, number>();
  let below = 0;
  let above = 0;
  for (const sample of samples) {
    const x = Number(sample);
    if (x < -m) below += 1;
    else if (x > m) above += 1;
    else observed.set(x, (observed.get(x) ?? 0) + 1);
  }
  let statistic = ((below - tail) ** 2 + (above - tail) ** 2) / tail;
  for (const [x, e] of expected) statistic += ((observed.get(x) ?? 0) - e) ** 2 / e;
  return { statistic, degreesOfFreedom: expected.size + 2 - 1 };
}
