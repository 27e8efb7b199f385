/**
 * Exchange usage kept in the store, by day (UTC): each node adds its tallies to `usage_daily` with an
 * upsert that adds counts, so every node reads the same numbers and they survive restarts. Read back
 * per day, service, consumer and purpose, with refusals and failures by code and latency percentiles
 * from the summed histograms.
 */
import { stringify } from 'csv-stringify/sync';
import { type Kysely, sql } from 'kysely';
import { LATENCY_BUCKETS, latencyQuantile, type UsageOutcome } from '../domain/index.ts';
import { type Database, USAGE_LATENCY_COLUMNS } from '../store/index.ts';

/** What one node counted for one cell of `usage_daily` since its last flush. */
export interface Tally {
  day: string;
  provider: string;
  service: string;
  consumer: string;
  purpose: string;
  outcome: UsageOutcome;
  code: string;
  calls: number;
  /** Calls per latency bucket (domain/usage.ts). */
  latency: number[];
}

export const tallyKey = (t: Omit<Tally, 'calls' | 'latency'>) =>
  `${t.day} ${t.provider} ${t.service} ${t.consumer} ${t.purpose} ${t.outcome} ${t.code}`;

/** Tallies of the same cell added together: one upsert may not touch a row twice (PostgreSQL). */
export function mergeTallies(tallies: Iterable<Tally>): Map<string, Tally> {
  const merged = new Map<string, Tally>();
  for (const tally of tallies) {
    const key = tallyKey(tally);
    const into = merged.get(key);
    if (!into) {
      merged.set(key, { ...tally, latency: [...tally.latency] });
      continue;
    }
    into.calls += tally.calls;
    for (let i = 0; i < LATENCY_BUCKETS; i++) into.latency[i]! += tally.latency[i] ?? 0;
  }
  return merged;
}

/** Rows per statement: 23 parameters each, well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500;
const KEY = ['day', 'provider', 'service', 'consumer', 'purpose', 'outcome', 'code'] as const;

/** Adds the tallies to `usage_daily`, all or none (one transaction). */
export async function addTallies(db: Kysely<Database>, tallies: readonly Tally[]): Promise<void> {
  if (tallies.length === 0) return;
  const rows = tallies.map((t) => {
    const row: Record<string, string | number> = {
      day: t.day,
      provider: t.provider,
      service: t.service,
      consumer: t.consumer,
      purpose: t.purpose,
      outcome: t.outcome,
      code: t.code,
      calls: t.calls,
    };
    USAGE_LATENCY_COLUMNS.forEach((column, i) => {
      row[column] = t.latency[i] ?? 0;
    });
    return row as unknown as Database['usage_daily'];
  });
  const added = Object.fromEntries(
    ['calls', ...USAGE_LATENCY_COLUMNS].map((column) => [
      column,
      sql`${sql.ref(`usage_daily.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
    ]),
  );
  await db.transaction().execute(async (tx) => {
    for (let start = 0; start < rows.length; start += CHUNK) {
      await tx
        .insertInto('usage_daily')
        .values(rows.slice(start, start + CHUNK))
        .onConflict((c) => c.columns([...KEY]).doUpdateSet(added))
        .execute();
    }
  });
}

export interface UsageFilter {
  /** First and last day, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
  provider?: string;
  service?: string;
  consumer?: string;
}

/** Usage of one day, service, consumer and purpose (or, in totals, of the whole range). */
export interface UsageCount {
  provider: string;
  service: string;
  consumer: string;
  purpose: string;
  /** answered + notFound + refused + failed */
  calls: number;
  answered: number;
  /** Allowed, but there was no such record (NOT_FOUND): neither answered nor refused. */
  notFound: number;
  refused: number;
  failed: number;
  refusals: Record<string, number>;
  failures: Record<string, number>;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface UsageDay extends UsageCount {
  day: string;
}

export interface UsageReport {
  /** A row per day, service, consumer and purpose with calls, by day then names. */
  days: UsageDay[];
  /** A row per service, consumer and purpose over the whole range. */
  totals: UsageCount[];
}

interface Accumulator {
  count: UsageCount;
  latency: number[];
}

function accumulator(provider: string, service: string, consumer: string, purpose: string): Accumulator {
  return {
    count: {
      provider,
      service,
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
      p95Ms: null,
    },
    latency: new Array(LATENCY_BUCKETS).fill(0),
  };
}

function add(into: Accumulator, outcome: UsageOutcome, code: string, calls: number, latency: number[]) {
  const c = into.count;
  c.calls += calls;
  if (outcome === 'answered') c.answered += calls;
  else if (outcome === 'not_found') c.notFound += calls;
  else if (outcome === 'refused') {
    c.refused += calls;
    c.refusals[code] = (c.refusals[code] ?? 0) + calls;
  } else {
    c.failed += calls;
    c.failures[code] = (c.failures[code] ?? 0) + calls;
  }
  for (let i = 0; i < LATENCY_BUCKETS; i++) into.latency[i]! += latency[i]!;
}

function finished({ count, latency }: Accumulator): UsageCount {
  return { ...count, p50Ms: latencyQuantile(latency, 0.5), p95Ms: latencyQuantile(latency, 0.95) };
}

const byNames = (a: UsageCount, b: UsageCount) =>
  a.provider.localeCompare(b.provider) ||
  a.service.localeCompare(b.service) ||
  a.consumer.localeCompare(b.consumer) ||
  a.purpose.localeCompare(b.purpose);

/** Usage in the filter's range, per day and over the range. */
export async function readUsage(db: Kysely<Database>, filter: UsageFilter): Promise<UsageReport> {
  let query = db
    .selectFrom('usage_daily')
    .selectAll()
    .where('day', '>=', filter.from)
    .where('day', '<=', filter.to);
  if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
  if (filter.service !== undefined) query = query.where('service', '=', filter.service);
  if (filter.consumer !== undefined) query = query.where('consumer', '=', filter.consumer);
  const days = new Map<string, Accumulator & { day: string }>();
  const totals = new Map<string, Accumulator>();
  for (const row of await query.execute()) {
    const calls = Number(row.calls);
    const latency = USAGE_LATENCY_COLUMNS.map((column) => Number(row[column]));
    const names = `${row.provider} ${row.service} ${row.consumer} ${row.purpose}`;
    const dayKey = `${row.day} ${names}`;
    let day = days.get(dayKey);
    if (!day) {
      day = { ...accumulator(row.provider, row.service, row.consumer, row.purpose), day: row.day };
      days.set(dayKey, day);
    }
    add(day, row.outcome, row.code, calls, latency);
    let total = totals.get(names);
    if (!total) {
      total = accumulator(row.provider, row.service, row.consumer, row.purpose);
      totals.set(names, total);
    }
    add(total, row.outcome, row.code, calls, latency);
  }
  return {
    days: [...days.values()]
      .map((d) => ({ day: d.day, ...finished(d) }))
      .sort((a, b) => a.day.localeCompare(b.day) || byNames(a, b)),
    totals: [...totals.values()].map(finished).sort(byNames),
  };
}

/**
 * The days as CSV (RFC 4180, CRLF line ends): one line per day, service, consumer and purpose, a column
 * per refusal and failure code that occurs (`refused NO_AGREEMENT`, `failed PROVIDER_TIMEOUT`). Every
 * cell is a slug, a code, a day or a number, so none can be read as a spreadsheet formula.
 */
export function usageCsv(days: readonly UsageDay[]): string {
  const codes = (pick: (d: UsageDay) => Record<string, number>) =>
    [...new Set(days.flatMap((d) => Object.keys(pick(d))))].sort();
  const refusals = codes((d) => d.refusals);
  const failures = codes((d) => d.failures);
  const header = [
    'day',
    'provider',
    'service',
    'consumer',
    'purpose',
    'calls',
    'answered',
    'not_found',
    'refused',
    'failed',
    ...refusals.map((code) => `refused ${code}`),
    ...failures.map((code) => `failed ${code}`),
    'p50_ms',
    'p95_ms',
  ];
  const lines = days.map((d) => [
    d.day,
    d.provider,
    d.service,
    d.consumer,
    d.purpose,
    d.calls,
    d.answered,
    d.notFound,
    d.refused,
    d.failed,
    ...refusals.map((code) => d.refusals[code] ?? 0),
    ...failures.map((code) => d.failures[code] ?? 0),
    d.p50Ms ?? '',
    d.p95Ms ?? '',
  ]);
  return stringify([header, ...lines], { record_delimiter: 'windows' });
}
