/**
 * Usage of each service by consumer and purpose: calls by outcome and refusal code, and latency.
 *
 * Two records of it. Prometheus metrics (`govdx_exchange_…` at /metrics), counted by this node since it
 * started, for operators' dashboards. And usage by day in the store (`usage_daily`, usage-daily.ts),
 * the same on every node and across restarts, for the usage API and pages.
 *
 * The store is not written on each call: the hot path adds to a tally in memory (no hashing beyond the
 * metric's own child lookup, no I/O), and the node adds its tallies to the store every few seconds
 * (`GOVDX_USAGE_FLUSH_SECONDS`) with an upsert that adds counts, and once more when it shuts down. A
 * failed flush keeps its tallies for the next one. A crash (or a kill without shutdown) loses at most
 * the calls of the last flush interval from these statistics. That is acceptable because they are
 * statistics, read as trends: the ledger remains the record of every access, appended before each
 * answer, and anyone who needs an exact count of accesses counts ledger events.
 */

import type { Kysely } from 'kysely';
import { Counter, Histogram, type Registry } from 'prom-client';
import {
  type AccessOutcome,
  LATENCY_BUCKETS,
  latencyBucket,
  type UsageOutcome,
  usageOutcome,
} from '../domain/index.ts';
import type { Database } from '../store/index.ts';
import { addTallies, mergeTallies, type Tally } from './usage-daily.ts';

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
const DAY_MS = 86_400_000;

export interface UsageStoreOptions {
  db: Kysely<Database>;
  /** How often this node adds its tallies to the store. */
  flushMs: number;
  onError?: (error: unknown, what: string) => void;
}

/** One combination of labels, outcome and code: its metric children and its tally of the current flush. */
interface Child {
  calls: { inc(): void };
  latency: { observe(value: number): void };
  outcome: UsageOutcome;
  code: string;
  labels: UsageLabels;
  tally: Tally | null;
  /** The flush round the tally belongs to. */
  round: number;
}

export class ExchangeUsage {
  readonly #calls: Counter<'provider' | 'service' | 'consumer' | 'purpose' | 'outcome' | 'code'>;
  readonly #latency: Histogram<(typeof LABELS)[number]>;
  readonly #store: UsageStoreOptions | null;
  /** Children of the metrics by label values: prom-client hashes the labels of every call otherwise. */
  readonly #children = new Map<string, Child>();
  #pending: Tally[] = [];
  #round = 0;
  #day = '';
  #dayEnds = 0;
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(registry: Registry, store: UsageStoreOptions | null = null) {
    this.#store = store;
    this.#calls = new Counter({
      name: 'govdx_exchange_calls_total',
      help: 'Exchange calls by service, consumer, purpose, outcome (allowed, denied, failed, as on the ledger) and code',
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

  record(labels: UsageLabels, outcome: Outcome, code: string, seconds: number): void {
    const key = `${labels.provider} ${labels.service} ${labels.consumer} ${labels.purpose} ${outcome} ${code}`;
    let child = this.#children.get(key);
    if (!child) {
      // Label values come from the index, so the number of children is bounded by what is registered.
      child = {
        calls: this.#calls.labels({ ...labels, outcome, code }),
        latency: this.#latency.labels({ ...labels }),
        outcome: usageOutcome(outcome, code),
        code,
        labels: { ...labels },
        tally: null,
        round: -1,
      };
      this.#children.set(key, child);
    }
    child.calls.inc();
    child.latency.observe(seconds);
    if (!this.#store) return;
    const day = this.#today();
    let tally = child.tally;
    if (tally === null || child.round !== this.#round || tally.day !== day) {
      tally = {
        day,
        ...child.labels,
        outcome: child.outcome,
        code: child.code,
        calls: 0,
        latency: new Array(LATENCY_BUCKETS).fill(0),
      };
      child.tally = tally;
      child.round = this.#round;
      this.#pending.push(tally);
    }
    tally.calls++;
    tally.latency[latencyBucket(seconds * 1000)]!++;
  }

  /** Today (UTC), as YYYY-MM-DD, worked out once a day. */
  #today(): string {
    const now = Date.now();
    if (now >= this.#dayEnds) {
      this.#day = new Date(now).toISOString().slice(0, 10);
      this.#dayEnds = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    }
    return this.#day;
  }

  /** Adds this node's tallies to the store; flushes run one at a time. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    const store = this.#store;
    if (!store || this.#pending.length === 0) return;
    const tallies = [...mergeTallies(this.#pending).values()];
    this.#pending = [];
    this.#round++;
    try {
      await addTallies(store.db, tallies);
    } catch (error) {
      // Kept for the next flush (merged, so at most one tally per cell waits).
      this.#pending.unshift(...tallies);
      store.onError?.(error, 'adding usage to the store');
    }
  }

  /** Flushes every `flushMs` until close(). */
  start(): void {
    if (!this.#store || this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), this.#store.flushMs);
    this.#timer.unref();
  }

  /** Stops the timer and adds what is left: called when the node shuts down. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
