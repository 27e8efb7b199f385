/**
 * Usage of the exchange over a range of days (the usage API): a chart of calls per day, answered,
 * without a record, refused and failed, with the same numbers as a table for anyone who does not see
 * the chart; a table per service, consumer and purpose with refusals by reason and how fast; and the
 * days as CSV.
 */
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageCount, UsageReport } from './api.ts';
import { withQuery } from './api.ts';
import { DateField } from './form.tsx';
import { ErrorAlert, Status } from './page.tsx';
import { useApi } from './use-api.ts';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Each colour has at least 3:1 contrast with white (WCAG 1.4.11); the legend and the table name them. */
const SERIES = [
  { key: 'answered', label: 'Answered', colour: '#1d70b8' },
  { key: 'notFound', label: 'No record', colour: '#505a5f' },
  { key: 'refused', label: 'Refused', colour: '#d4351c' },
  { key: 'failed', label: 'Failed', colour: '#912b88' },
] as const;

interface DayTotals {
  day: string;
  calls: number;
  answered: number;
  notFound: number;
  refused: number;
  failed: number;
}

/** Every day of the range, oldest first, with the calls of all rows added up (0 on days without). */
export function callsPerDay(report: UsageReport): DayTotals[] {
  const byDay = new Map<string, DayTotals>();
  for (let ms = Date.parse(report.from); ms <= Date.parse(report.to); ms += DAY_MS) {
    const day = isoDay(ms);
    byDay.set(day, { day, calls: 0, answered: 0, notFound: 0, refused: 0, failed: 0 });
  }
  for (const row of report.days) {
    const totals = byDay.get(row.day);
    if (!totals) continue;
    totals.calls += row.calls;
    totals.answered += row.answered;
    totals.notFound += row.notFound;
    totals.refused += row.refused;
    totals.failed += row.failed;
  }
  return [...byDay.values()];
}

/** What the chart shows, in words: its accessible name. */
export function chartSummary(days: DayTotals[], from: string, to: string): string {
  const sum = (key: keyof Omit<DayTotals, 'day'>) => days.reduce((n, d) => n + d[key], 0);
  const busiest = days.reduce<DayTotals | null>(
    (best, d) => (best && best.calls >= d.calls ? best : d),
    null,
  );
  return (
    `Bar chart of calls per day from ${from} to ${to}: ${sum('calls')} calls, ${sum('answered')} answered, ` +
    `${sum('notFound')} without a record, ${sum('refused')} refused, ${sum('failed')} failed.` +
    (busiest && busiest.calls > 0
      ? ` The busiest day was ${busiest.day}, with ${busiest.calls} calls.`
      : '') +
    ' The table below gives each day with calls.'
  );
}

const milliseconds = (ms: number | null) =>
  ms === null ? '—' : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

/** Codes, most frequent first, in one cell: "NO_AGREEMENT 3, CONSENT_REVOKED 1". */
export function codeSummary(codes: Record<string, number>): string {
  const entries = Object.entries(codes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? 'None' : entries.map(([code, n]) => `${code} ${n}`).join(', ');
}

function UsageChart({
  days,
  from,
  to,
  title,
}: {
  days: DayTotals[];
  from: string;
  to: string;
  title: string;
}) {
  return (
    <figure className="usage-chart">
      <figcaption className="usage-chart__caption">{title}: calls per day</figcaption>
      <div className="usage-chart__chart" role="img" aria-label={chartSummary(days, from, to)}>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={days} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="#dbdad9" />
            <XAxis
              dataKey="day"
              tickFormatter={(day: string) => day.slice(5)}
              tick={{ fontSize: 13, fill: '#0b0c0c' }}
              minTickGap={12}
            />
            <YAxis allowDecimals={false} width={48} tick={{ fontSize: 13, fill: '#0b0c0c' }} />
            <Tooltip />
            <Legend wrapperStyle={{ color: '#0b0c0c' }} />
            {SERIES.map((series) => (
              <Bar
                key={series.key}
                dataKey={series.key}
                name={series.label}
                stackId="calls"
                fill={series.colour}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/**
 * A table that scrolls inside its own region at narrow widths, so the page itself never scrolls
 * sideways (WCAG 1.4.10); the region is named by the caption and takes focus, for keyboard scrolling.
 */
function ScrollingTable({ caption, children }: { caption: ReactNode; children: ReactNode }) {
  const captionId = useId();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: keyboard users scroll the region by focusing it (WCAG 2.1.1)
    <section className="table-scroll" aria-labelledby={captionId} tabIndex={0}>
      <table className="table">
        <caption className="table__caption" id={captionId}>
          {caption}
        </caption>
        {children}
      </table>
    </section>
  );
}

function DaysTable({ days, title }: { days: DayTotals[]; title: string }) {
  const withCalls = days.filter((d) => d.calls > 0);
  return (
    <ScrollingTable
      caption={
        <>
          {title}: calls per day <span className="hint">Days without calls are left out.</span>
        </>
      }
    >
      <thead>
        <tr>
          <th scope="col">Day</th>
          <th scope="col">Calls</th>
          {SERIES.map((series) => (
            <th scope="col" key={series.key}>
              {series.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {withCalls.map((d) => (
          <tr key={d.day}>
            <th scope="row">{d.day}</th>
            <td>{d.calls}</td>
            {SERIES.map((series) => (
              <td key={series.key}>{d[series.key]}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}

/** Which names tell the rows apart: the consumer for a provider, the service for a consumer, both for the auditor. */
export type UsageColumns = 'consumer' | 'service' | 'both';

function TotalsTable({
  totals,
  title,
  columns,
}: {
  totals: UsageCount[];
  title: string;
  columns: UsageColumns;
}) {
  return (
    <ScrollingTable caption={`${title}: by ${columns === 'consumer' ? 'consumer' : 'service'} and purpose`}>
      <thead>
        <tr>
          {columns !== 'consumer' ? <th scope="col">Service</th> : null}
          {columns !== 'service' ? <th scope="col">Consumer</th> : null}
          <th scope="col">Purpose</th>
          <th scope="col">Calls</th>
          {SERIES.map((series) => (
            <th scope="col" key={series.key}>
              {series.label}
            </th>
          ))}
          <th scope="col">Refusals and failures by reason</th>
          <th scope="col">
            Median time <span className="visually-hidden">(50th percentile)</span>
          </th>
          <th scope="col">
            Slowest 5% from <span className="visually-hidden">(95th percentile)</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {totals.map((row) => {
          const service = `${row.serviceTitle ?? row.service} (${row.providerName})`;
          return (
            <tr key={`${row.provider} ${row.service} ${row.consumer} ${row.purpose}`}>
              {columns !== 'consumer' ? <th scope="row">{service}</th> : null}
              {columns === 'consumer' ? (
                <th scope="row">{row.consumerName}</th>
              ) : columns === 'both' ? (
                <td>{row.consumerName}</td>
              ) : null}
              <td>{row.purposeTitle ?? <code>{row.purpose}</code>}</td>
              <td>{row.calls}</td>
              {SERIES.map((series) => (
                <td key={series.key}>{row[series.key]}</td>
              ))}
              <td>{codeSummary({ ...row.refusals, ...row.failures })}</td>
              <td>{milliseconds(row.p50Ms)}</td>
              <td>{milliseconds(row.p95Ms)}</td>
            </tr>
          );
        })}
      </tbody>
    </ScrollingTable>
  );
}

/** The range form: the last 30 days until someone picks others. */
function RangeForm({
  range,
  onChange,
}: {
  range: { from: string; to: string } | null;
  onChange(range: { from: string; to: string }): void;
}) {
  const id = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = String(form.get('from') ?? '');
    const to = String(form.get('to') ?? '');
    if (from && to) onChange({ from, to });
  }
  return (
    <form className="usage-range" onSubmit={submit}>
      <DateField id={`${id}-from`} label="First day" name="from" defaultValue={range?.from} required />
      <DateField id={`${id}-to`} label="Last day" name="to" defaultValue={range?.to} required />
      <button type="submit" className="button button--secondary">
        Show these days
      </button>
    </form>
  );
}

export interface UsageViewProps {
  /** GET address of the usage API, without a query. */
  path: string;
  title: string;
  columns: UsageColumns;
  /** Said when there were no calls in the range. */
  none: string;
}

/** Usage from one of the usage API's addresses, with a range form, a chart, its table, and a CSV link. */
export function UsageView({ path, title, columns, none }: UsageViewProps) {
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const address = withQuery(path, range ?? {});
  const usage = useApi<UsageReport>(address);
  const report = usage.data;
  const days = report ? callsPerDay(report) : [];
  const shown = range ?? report ?? null;
  return (
    <div className="usage">
      <RangeForm key={shown ? `${shown.from} ${shown.to}` : 'loading'} range={shown} onChange={setRange} />
      <Status loading={usage.loading} label={`Loading ${title.toLowerCase()}…`} />
      {usage.error ? <ErrorAlert error={usage.error} /> : null}
      {report ? (
        <>
          <p>
            From {report.from} to {report.to} (UTC).{' '}
            <a href={withQuery(path, { from: report.from, to: report.to, format: 'csv' })} download>
              Download these days as CSV<span className="visually-hidden"> ({title})</span>
            </a>
          </p>
          {report.days.length === 0 ? (
            <p>{none}</p>
          ) : (
            <>
              <UsageChart days={days} from={report.from} to={report.to} title={title} />
              <DaysTable days={days} title={title} />
              <TotalsTable totals={report.totals} title={title} columns={columns} />
            </>
          )}
        </>
      ) : null}
    </div>
  );
}
