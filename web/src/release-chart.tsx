/**
 * What more protection costs: the information a microdata release loses at each k, as a line chart with
 * the chosen k marked, and beside it the same numbers as a table, for anyone who does not see the chart.
 */
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { MicrodataReport } from './api.ts';
import { chanceWords, countWords, percentWords } from './release-labels.tsx';

type Point = MicrodataReport['curve'][number];

const LOSS_SENTENCE =
  'Information lost is the share of detail taken out by generalising: 0 % publishes every value as recorded, 100 % publishes nothing.';

/** What the chart shows, in words: its accessible name. */
export function lossSummary(report: MicrodataReport): string {
  const possible = report.curve.filter((p) => p.possible && p.loss !== null);
  const points = possible.map((p) => `k ${p.k}: ${percentWords(p.loss!)}`).join('; ');
  const impossible = report.curve.filter((p) => !p.possible).map((p) => p.k);
  return (
    `Line chart of the information lost at each k, the chosen k of ${report.k} marked. ${points}.` +
    (impossible.length > 0 ? ` Not possible at k ${impossible.join(', ')}.` : '') +
    ' The table below gives the same numbers.'
  );
}

export function LossChart({ report }: { report: MicrodataReport }) {
  const data = report.curve.map((p) => ({
    k: String(p.k),
    loss: p.possible && p.loss !== null ? Math.round(p.loss * 1000) / 10 : null,
  }));
  return (
    <figure className="waterfall">
      <figcaption className="waterfall__caption">
        Information lost at each k. A higher k protects people more and keeps less detail; the dashed line is
        the k you chose.
      </figcaption>
      <div className="waterfall__chart" role="img" aria-label={lossSummary(report)}>
        <ResponsiveContainer width="100%" height={320}>
          <LineChart
            data={data}
            margin={{ top: 16, right: 16, bottom: 24, left: 8 }}
            accessibilityLayer={false}
          >
            <CartesianGrid stroke="#dbdad9" />
            <XAxis
              dataKey="k"
              tick={{ fontSize: 13, fill: '#0b0c0c' }}
              label={{ value: 'k', position: 'insideBottom', offset: -12, fontSize: 13, fill: '#0b0c0c' }}
            />
            <YAxis
              domain={[0, 100]}
              ticks={[0, 25, 50, 75, 100]}
              tickFormatter={(value: number) => `${value}%`}
              tick={{ fontSize: 13, fill: '#0b0c0c' }}
              width={56}
              label={{
                value: 'Information lost',
                angle: -90,
                position: 'insideLeft',
                offset: 4,
                style: { textAnchor: 'middle', fontSize: 13, fill: '#0b0c0c' },
              }}
            />
            <ReferenceLine
              x={String(report.k)}
              stroke="#0b0c0c"
              strokeWidth={2}
              strokeDasharray="6 3"
              label={{ value: `your k: ${report.k}`, position: 'top', fontSize: 13, fill: '#0b0c0c' }}
            />
            <Line
              type="linear"
              dataKey="loss"
              stroke="#1d70b8"
              strokeWidth={3}
              dot={{ r: 5, fill: '#1d70b8' }}
              isAnimationActive={false}
              connectNulls={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="hint">{LOSS_SENTENCE}</p>
    </figure>
  );
}

function Cells({ point }: { point: Point }) {
  if (!point.possible) return <td colSpan={3}>Not possible: too many people would have to be left out.</td>;
  return (
    <>
      <td>{point.loss === null ? '—' : percentWords(point.loss)}</td>
      <td>{point.suppressedRecords === null ? '—' : countWords(point.suppressedRecords)}</td>
      <td>{point.highestProsecutorRisk === null ? '—' : chanceWords(point.highestProsecutorRisk)}</td>
    </>
  );
}

export function LossTable({ report }: { report: MicrodataReport }) {
  return (
    <table className="table table--explanation">
      <caption className="table__caption">
        Information lost, people left out and highest chance of being recognised at each k
      </caption>
      <thead>
        <tr>
          <th scope="col">k</th>
          <th scope="col">Information lost</th>
          <th scope="col">People left out</th>
          <th scope="col">Highest chance of being recognised</th>
        </tr>
      </thead>
      <tbody>
        {report.curve.map((point) => (
          <tr key={point.k} className={point.k === report.k ? 'table__row--chosen' : undefined}>
            <th scope="row">
              {point.k}
              {point.k === report.k ? <span className="hint">your choice</span> : null}
            </th>
            <Cells point={point} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
