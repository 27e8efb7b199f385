/**
 * How an exchange call is counted in usage statistics, and the latency histogram they keep. Pure: the
 * exchange counts with it, the usage API and the web app read with it.
 */
import { GovdxError } from './errors.ts';

/** The ledger's outcome of an access event: the decision, and whether the call could be carried out. */
export type AccessOutcome = 'allowed' | 'denied' | 'failed';

/**
 * Each call is exactly one of these. A call the rules allowed but that found no record (`NOT_FOUND`,
 * recorded on the ledger as allowed) was neither answered nor refused: it is `not_found`, so that
 * calls = answered + not_found + refused + failed, and refusals by reason list refusals only.
 */
export const USAGE_OUTCOMES = ['answered', 'not_found', 'refused', 'failed'] as const;
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];

export function usageOutcome(outcome: AccessOutcome, code: string | null): UsageOutcome {
  if (outcome === 'denied') return 'refused';
  if (outcome === 'failed') return 'failed';
  return code ? 'not_found' : 'answered';
}

/**
 * Upper bounds of the latency buckets, in milliseconds; a last bucket holds everything slower. Counts
 * are kept per bucket (not cumulative), so that adding two histograms is adding their counts.
 */
export const LATENCY_BOUNDS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000,
] as const;
/** How many buckets a histogram has: one per bound, and one above the last. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The bucket a call of `ms` milliseconds falls in. */
export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms <= LATENCY_BOUNDS_MS[i]!) return i;
  return LATENCY_BOUNDS_MS.length;
}

/**
 * The `q` quantile of a histogram of per-bucket counts, in milliseconds: linear interpolation inside the
 * bucket that holds it, as Prometheus' histogram_quantile does. Null without calls; the last bound when
 * the quantile falls above it.
 */
export function latencyQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
    const inBucket = counts[i] ?? 0;
    if (below + inBucket >= rank && inBucket > 0) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BOUNDS_MS[i]!;
      return Math.round((lower + ((upper - lower) * (rank - below)) / inBucket) * 100) / 100;
    }
    below += inBucket;
  }
  return LATENCY_BOUNDS_MS.at(-1)!;
}

/** The longest range of days one usage query covers. */
export const MAX_USAGE_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * The days a usage query covers, inclusive: `to` today (UTC) by default, `from` 29 days before `to`.
 * Throws VALIDATION_FAILED for a range that ends before it starts or is longer than MAX_USAGE_DAYS.
 */
export function usageRange(query: { from?: string; to?: string }, today: Date): { from: string; to: string } {
  const to = query.to ?? today.toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
  if (from > to) {
    throw new GovdxError('VALIDATION_FAILED', `The range starts (${from}) after it ends (${to}).`);
  }
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days > MAX_USAGE_DAYS) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      `Ask for at most ${MAX_USAGE_DAYS} days at a time; ${from} to ${to} is ${days} days.`,
    );
  }
  return { from, to };
}
