/**
 * Usage of each service by consumer and purpose: calls by outcome and refusal code, and latency, as
 * Prometheus metrics (`govdx_exchange_…` at /metrics) and as the summary the agency console shows.
 * Counted by this node since it started; Prometheus adds up the nodes.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { type AccessOutcome, usageOutcome } from '../domain/index.ts';

/** Label values come from the index (registered services, organizations, purposes), never from raw input. */
export interface UsageLabels {
  provider: string;
  service: string;
  consumer: string;
  purpose: string;
}

export type Outcome = AccessOutcome;

const LABELS = ['provider', 'service', 'consumer', 'purpose'] as const;
const BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30];

export interface UsageRow {
  consumer: string;
  purpose: string;
  /** answered + notFound + refused + failed */
  calls: number;
  answered: number;
  /** Allowed, but there was no such record: neither answered nor refused. */
  notFound: number;
  refused: number;
  failed: number;
  refusals: Record<string, number>;
  failures: Record<string, number>;
  /** Estimated from the histogram's buckets (as Prometheus' histogram_quantile does). */
  p50Ms: number | null;
  p99Ms: number | null;
}

export class ExchangeUsage {
  readonly since = new Date().toISOString();
  readonly #calls: Counter<'provider' | 'service' | 'consumer' | 'purpose' | 'outcome' | 'code'>;
  readonly #latency: Histogram<(typeof LABELS)[number]>;

  constructor(registry: Registry) {
    this.#calls = new Counter({
      name: 'govdx_exchange_calls_total',
      help: 'Exchange calls by service, consumer, purpose, outcome (allowed, denied, failed) and refusal code',
      labelNames: [...LABELS, 'outcome', 'code'],
      registers: [registry],
    });
    this.#latency = new Histogram({
      name: 'govdx_exchange_call_duration_seconds',
      help: 'Time from request to answer of exchange calls, by service, consumer and purpose',
      labelNames: LABELS,
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** Children of the metrics by label values: prom-client hashes the labels of every call otherwise. */
  readonly #children = new Map<
    string,
    { calls: { inc(): void }; latency: { observe(value: number): void } }
  >();

  record(labels: UsageLabels, outcome: Outcome, code: string, seconds: number): void {
    const key = `${labels.provider} ${labels.service} ${labels.consumer} ${labels.purpose} ${outcome} ${code}`;
    let child = this.#children.get(key);
    if (!child) {
      // Label values come from the index, so the number of children is bounded by what is registered.
      child = {
        calls: this.#calls.labels({ ...labels, outcome, code }),
        latency: this.#latency.labels({ ...labels }),
      };
      this.#children.set(key, child);
    }
    child.calls.inc();
    child.latency.observe(seconds);
  }

  /** The usage of one service, a row per consumer and purpose. */
  async ofService(provider: string, service: string): Promise<UsageRow[]> {
    const rows = new Map<string, UsageRow>();
    const row = (consumer: string, purpose: string) => {
      const key = `${consumer} ${purpose}`;
      let r = rows.get(key);
      if (!r) {
        r = {
          consumer,
          purpose,
          calls: 0,
          answered: 0,
          notFound: 0,
          refused: 0,
          failed: 0,
          refusals: {},
          failures: {},
          p50Ms: null,
          p99Ms: null,
        };
        rows.set(key, r);
      }
      return r;
    };
    const mine = (l: Record<string, unknown>) => l.provider === provider && l.service === service;
    for (const { labels, value } of (await this.#calls.get()).values) {
      if (!mine(labels) || value === 0) continue;
      const r = row(String(labels.consumer), String(labels.purpose));
      r.calls += value;
      const code = String(labels.code ?? '');
      const counted = usageOutcome(labels.outcome as Outcome, code);
      if (counted === 'answered') r.answered += value;
      else if (counted === 'not_found') r.notFound += value;
      else {
        const byCode = counted === 'refused' ? r.refusals : r.failures;
        if (counted === 'refused') r.refused += value;
        else r.failed += value;
        byCode[code] = (byCode[code] ?? 0) + value;
      }
    }
    const buckets = new Map<string, Array<{ le: number; count: number }>>();
    for (const { labels: l, value, metricName } of (await this.#latency.get()).values) {
      const labels = l as Record<string, string | number | undefined>;
      if (!metricName?.endsWith('_bucket') || !mine(labels)) continue;
      const key = `${labels.consumer} ${labels.purpose}`;
      const list = buckets.get(key) ?? [];
      list.push({ le: labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le), count: value });
      buckets.set(key, list);
    }
    for (const [key, list] of buckets) {
      const r = rows.get(key);
      if (!r) continue;
      list.sort((a, b) => a.le - b.le);
      r.p50Ms = quantileMs(list, 0.5);
      r.p99Ms = quantileMs(list, 0.99);
    }
    return [...rows.values()].sort(
      (a, b) => a.consumer.localeCompare(b.consumer) || a.purpose.localeCompare(b.purpose),
    );
  }
}

/** Linear interpolation inside the bucket holding the quantile, as Prometheus' histogram_quantile. */
export function quantileMs(buckets: ReadonlyArray<{ le: number; count: number }>, q: number): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower * 1000;
      const inBucket = count - below;
      const share = inBucket === 0 ? 0 : (rank - below) / inBucket;
      return Math.round((lower + (le - lower) * share) * 1000 * 100) / 100;
    }
    lower = le;
    below = count;
  }
  return lower * 1000;
}
