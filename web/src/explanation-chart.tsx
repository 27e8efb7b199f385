/**
 * One linked pair's match weight, step by step: a waterfall chart from "before comparing" through each
 * comparison to the total, and beside it the same steps as a table, for anyone who does not see the chart.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  ReferenceLine,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import {
  bitsText,
  type ComparisonStep,
  chanceText,
  type PairExplanation,
  percentText,
  type WaterfallStep,
  waterfallSteps,
} from './linkage-explanation.ts';

/** Each colour has at least 3:1 contrast with white (WCAG 1.4.11); the direction of a bar says the same. */
const COLOURS: Record<WaterfallStep['kind'], string> = {
  prior: '#505a5f',
  for: '#00703c',
  against: '#d4351c',
  total: '#1d70b8',
};

const AXIS_LABEL = 'Evidence, in bits: each +1 doubles the odds';

/** What the chart shows, in words: its accessible name. */
export function waterfallSummary(pair: PairExplanation): string {
  const steps = pair.comparisons.map((step) => `${step.label}: ${bitsText(step.weight)}`).join('; ');
  return (
    `Waterfall chart of the evidence, in bits. Before comparing: ${bitsText(pair.prior.weight)}. ` +
    `${steps ? `${steps}. ` : ''}Total: ${bitsText(pair.match_weight)} bits, ` +
    `a ${chanceText(pair.match_probability)} chance that they are the same person. The table below gives each step.`
  );
}

/** Ticks at a round step (1, 2 or 5 times a power of ten) from below everything to above it, through 0. */
function ticksOf(steps: WaterfallStep[]): number[] {
  const ends = steps.flatMap((step) => [step.from, step.to]);
  const [low, high] = [Math.min(0, ...ends), Math.max(0, ...ends)];
  const rough = Math.max(high - low, 1) / 6;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((n) => n * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = Math.floor(low / step) * step; tick <= Math.ceil(high / step) * step; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

export function WaterfallChart({ pair }: { pair: PairExplanation }) {
  const steps = waterfallSteps(pair);
  const ticks = ticksOf(steps);
  return (
    <figure className="waterfall">
      <figcaption className="waterfall__caption">
        How the evidence adds up, from before comparing to the total. Above the dashed line at 0, the records
        are more likely the same person than not.
      </figcaption>
      <div className="waterfall__chart" role="img" aria-label={waterfallSummary(pair)}>
        <ResponsiveContainer width="100%" height={420}>
          <BarChart
            data={steps}
            margin={{ top: 24, right: 8, bottom: 8, left: 8 }}
            accessibilityLayer={false}
            barCategoryGap="15%"
          >
            <CartesianGrid vertical={false} stroke="#dbdad9" />
            <XAxis
              dataKey="name"
              interval={0}
              angle={-40}
              textAnchor="end"
              height={110}
              tick={{ fontSize: 13, fill: '#0b0c0c' }}
            />
            <YAxis
              domain={[ticks[0] ?? 0, ticks[ticks.length - 1] ?? 0]}
              ticks={ticks}
              tickFormatter={(value: number) =>
                value === 0 ? '0\u00a0(50%)' : value < 0 ? `\u2212${-value}` : String(value)
              }
              tick={{ fontSize: 13, fill: '#0b0c0c' }}
              width={72}
              label={{
                value: AXIS_LABEL,
                angle: -90,
                position: 'insideLeft',
                offset: 4,
                style: { textAnchor: 'middle', fontSize: 13, fill: '#0b0c0c' },
              }}
            />
            <ReferenceLine y={0} stroke="#0b0c0c" strokeWidth={2} strokeDasharray="6 3" />
            <Bar
              dataKey={(step: WaterfallStep) => [Math.min(step.from, step.to), Math.max(step.from, step.to)]}
              isAnimationActive={false}
              minPointSize={2}
            >
              {steps.map((step, index) => (
                // A step's position is its identity: two comparisons may share a label.
                // biome-ignore lint/suspicious/noArrayIndexKey: the steps never move
                <Cell key={index} fill={COLOURS[step.kind]} />
              ))}
              <LabelList
                dataKey="weight"
                position="top"
                formatter={(value) => (typeof value === 'number' ? bitsText(value) : '')}
                fontSize={12}
                fill="#0b0c0c"
              />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function valueText(value: string | null): string {
  return value === null ? 'missing' : `“${value}”`;
}

function howOften(step: ComparisonStep): string {
  if (step.m === null || step.u === null) return 'Not counted: a value is missing.';
  return `Same person: ${percentText(step.m)} of the time; different people: ${percentText(step.u)} of the time.`;
}

function Evidence({ bits, adjustment = 0 }: { bits: number; adjustment?: number }) {
  const direction = bits > 0 ? 'for' : bits < 0 ? 'against' : 'neither way';
  return (
    <>
      {bitsText(bits)} <span className="hint">{direction}</span>
      {adjustment !== 0 ? (
        <span className="hint">
          includes {bitsText(adjustment)} because this value is {adjustment > 0 ? 'rare' : 'common'}
        </span>
      ) : null}
    </>
  );
}

/** The chart's steps as a table, ending with a total row that is the match weight. */
export function ExplanationTable({ pair }: { pair: PairExplanation }) {
  return (
    <table className="table table--explanation">
      <caption className="table__caption">
        Each step for records {pair.left_id} and {pair.right_id}, in bits
      </caption>
      <thead>
        <tr>
          <th scope="col">What was compared</th>
          <th scope="col">Outcome</th>
          <th scope="col">Evidence, in bits</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">
            Before comparing
            <span className="hint">Any two records</span>
          </th>
          <td>
            Two records picked at random are the same person {percentText(pair.prior.probability)} of the
            time.
          </td>
          <td>
            <Evidence bits={pair.prior.weight} />
          </td>
        </tr>
        {pair.comparisons.map((step, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the steps never move, and two may share a name
          <tr key={index}>
            <th scope="row">
              {step.label}
              <span className="hint">
                {pair.left_id}: {valueText(step.left)}
              </span>
              <span className="hint">
                {pair.right_id}: {valueText(step.right)}
              </span>
            </th>
            <td>
              {step.level}
              <span className="hint">{howOften(step)}</span>
            </td>
            <td>
              <Evidence bits={step.weight} adjustment={step.term_frequency_adjustment} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total: the match weight</th>
          <td>Chance that they are the same person: {chanceText(pair.match_probability)}</td>
          <td>
            <Evidence bits={pair.match_weight} />
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
