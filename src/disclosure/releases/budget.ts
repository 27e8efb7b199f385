/**
 * The privacy budget of a dataset: the total ε that its differentially private releases may spend, set by
 * its data protection officer. Sequential composition: k releases spending ε₁ … εₖ together spend their sum
 * (Dwork, Roth, "The Algorithmic Foundations of Differential Privacy", 2014, Theorem 3.16). Amounts are
 * exact fractions, so "0.1" ten times is exactly 1.
 */
import { parseEpsilon, type Rational, reduced } from '../index.ts';

export const ZERO: Rational = { num: 0n, den: 1n };

/** An amount of ε as written by formatAmount or a person: "0", "0.35", "1/3", "-0.5" (a budget overspent while claimed). */
export function epsilonOf(text: string): Rational {
  const negative = text.startsWith('-');
  const magnitude = negative ? text.slice(1) : text;
  if (/^0+(?:\.0*)?$/.test(magnitude)) return ZERO;
  const r = parseEpsilon(magnitude);
  return negative ? { num: -r.num, den: r.den } : r;
}

export function add(a: Rational, b: Rational): Rational {
  return reduced(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function subtract(a: Rational, b: Rational): Rational {
  return reduced(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function compare(a: Rational, b: Rational): number {
  const difference = a.num * b.den - b.num * a.den;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** As a decimal when it has a finite one ("0.35"), else as a fraction ("1/3"). */
export function formatAmount(r: Rational): string {
  if (r.den === 1n) return `${r.num}`;
  let den = r.den;
  let twos = 0;
  let fives = 0;
  while (den % 2n === 0n) {
    den /= 2n;
    twos += 1;
  }
  while (den % 5n === 0n) {
    den /= 5n;
    fives += 1;
  }
  if (den !== 1n) return `${r.num}/${r.den}`;
  const digits = Math.max(twos, fives);
  const scaled = (r.num * 10n ** BigInt(digits)) / r.den;
  const sign = scaled < 0n ? '-' : '';
  const text = (scaled < 0n ? -scaled : scaled).toString().padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
