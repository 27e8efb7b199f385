/**
 * Why were these records linked? A data steward opens the explanation file that record linkage wrote
 * (`govdx registry link|dedupe … --explain FILE`) and sees, for any linked pair, how the evidence of each
 * comparison adds up to its match weight. The file is read in the browser and never leaves it, so the page
 * asks nobody to sign in: it shows only what the person already holds.
 */
import { useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ExplanationTable, WaterfallChart } from '../explanation-chart.tsx';
import {
  bitsText,
  chanceText,
  type ExplanationFile,
  type PairExplanation,
  type PairOrder,
  type PairSummary,
  pairMatches,
  readExplanationFile,
  sortPairs,
} from '../linkage-explanation.ts';
import { ErrorAlert, Page } from '../page.tsx';

const PAGE_SIZE = 25;
const COUNT = new Intl.NumberFormat('en-GB');

function plural(count: number, one: string, many: string): string {
  return `${COUNT.format(count)} ${count === 1 ? one : many}`;
}

export function LinkageExplanationsPage() {
  const id = useId();
  const [reading, setReading] = useState<{ name: string; lines: number } | null>(null);
  const [file, setFile] = useState<{ name: string; found: ExplanationFile; opened: number } | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const [chosen, setChosen] = useState<PairSummary | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  async function open(picked: File | undefined) {
    abort.current?.abort();
    setFile(null);
    setChosen(null);
    setFailure(null);
    if (!picked) return;
    const controller = new AbortController();
    abort.current = controller;
    setReading({ name: picked.name, lines: 0 });
    try {
      const found = await readExplanationFile(picked, {
        signal: controller.signal,
        onProgress: (lines) => setReading({ name: picked.name, lines }),
      });
      setFile({ name: picked.name, found, opened: Date.now() });
    } catch (error) {
      if (controller.signal.aborted) return;
      setFailure(
        new Error(`${picked.name} could not be read: ${error instanceof Error ? error.message : error}`),
      );
    } finally {
      if (abort.current === controller) setReading(null);
    }
  }

  return (
    <Page title="Why were these records linked?" caption="Record linkage">
      <p className="lead">
        When govdx links records that stand for the same person, it can write down why: how much each
        comparison of the two records counted for or against a link.
      </p>
      <p>
        Open the explanation file that <code>govdx registry link</code> or <code>govdx registry dedupe</code>{' '}
        wrote with <code>--explain</code>. Choose a pair of records to see how the evidence adds up.
      </p>
      <div className="form-group">
        <label className="label" htmlFor={`${id}-file`}>
          Explanation file
        </label>
        <p className="hint" id={`${id}-file-hint`}>
          A JSON Lines file (.jsonl), one linked pair on each line. Your browser reads it on this computer:
          nothing is uploaded, and the file does not leave this page.
        </p>
        <input
          id={`${id}-file`}
          className="file-input"
          type="file"
          accept=".jsonl,.ndjson,.json,application/x-ndjson,application/json"
          aria-describedby={`${id}-file-hint`}
          onChange={(event) => void open(event.currentTarget.files?.[0])}
        />
      </div>

      <p role="status" className="notice">
        {reading
          ? `Reading ${reading.name}: ${plural(reading.lines, 'line', 'lines')} so far…`
          : file
            ? `Read ${file.name}: ${plural(file.found.pairs.length, 'pair', 'pairs')}, ${plural(file.found.problemCount, 'line', 'lines')} with problems.`
            : ''}
      </p>
      {failure ? <ErrorAlert error={failure} title="The file could not be read" /> : null}
      {file && file.found.problemCount > 0 ? <LineProblems found={file.found} /> : null}
      {file ? (
        file.found.pairs.length === 0 ? (
          <p>There are no pairs to show: no line of the file explains a linked pair.</p>
        ) : (
          <PairList key={file.opened} pairs={file.found.pairs} chosen={chosen} onChoose={setChosen} />
        )
      ) : null}
      {chosen ? <Explanation key={chosen.line} summary={chosen} /> : null}
    </Page>
  );
}

function LineProblems({ found }: { found: ExplanationFile }) {
  const id = useId();
  const unlisted = found.problemCount - found.problems.length;
  return (
    <div className="error-summary" role="alert" aria-labelledby={id}>
      <h2 id={id} className="error-summary__title">
        {found.problemCount === 1
          ? '1 line of the file could not be used'
          : `${COUNT.format(found.problemCount)} lines of the file could not be used`}
      </h2>
      <ul className="list list--bullet line-problems">
        {found.problems.map((problem) => (
          <li key={problem.line}>{problem.message}</li>
        ))}
      </ul>
      {unlisted > 0 ? <p>And {plural(unlisted, 'more line', 'more lines')} with problems.</p> : null}
      <p>
        {found.pairs.length > 0
          ? 'The pairs on the other lines are listed below.'
          : 'No other line explains a pair.'}
      </p>
    </div>
  );
}

function PairList({
  pairs,
  chosen,
  onChoose,
}: {
  pairs: PairSummary[];
  chosen: PairSummary | null;
  onChoose(pair: PairSummary): void;
}) {
  const id = useId();
  const [order, setOrder] = useState<PairOrder>('weakest');
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(1);
  const wanted = useDeferredValue(filter);
  const sorted = useMemo(() => sortPairs(pairs, order), [pairs, order]);
  const shown = useMemo(() => sorted.filter((pair) => pairMatches(pair, wanted)), [sorted, wanted]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const first = (current - 1) * PAGE_SIZE;
  const rows = shown.slice(first, first + PAGE_SIZE);

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Linked pairs</h2>
      <form className="filters" aria-label="Filter pairs" onSubmit={(event) => event.preventDefault()}>
        <div className="form-group">
          <label className="label" htmlFor={`${id}-filter`}>
            Record ID contains
          </label>
          <input
            id={`${id}-filter`}
            className="input"
            type="search"
            autoComplete="off"
            spellCheck={false}
            value={filter}
            onChange={(event) => {
              setFilter(event.currentTarget.value);
              setPage(1);
            }}
          />
        </div>
        <div className="form-group">
          <label className="label" htmlFor={`${id}-order`}>
            Order
          </label>
          <select
            id={`${id}-order`}
            className="select"
            value={order}
            onChange={(event) => {
              setOrder(event.currentTarget.value as PairOrder);
              setPage(1);
            }}
          >
            <option value="weakest">Weakest evidence first</option>
            <option value="strongest">Strongest evidence first</option>
          </select>
        </div>
      </form>
      <p>Choose a record to see why it was linked.</p>
      <p role="status" className="pair-count">
        {shown.length === 0
          ? 'No pair has a record ID containing that.'
          : `Showing ${COUNT.format(first + 1)} to ${COUNT.format(first + rows.length)} of ${plural(shown.length, 'pair', 'pairs')}.`}
      </p>
      {rows.length > 0 ? (
        <table className="table table--pairs">
          <caption className="visually-hidden">
            Linked pairs, {order === 'weakest' ? 'weakest' : 'strongest'} evidence first
          </caption>
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Linked to</th>
              <th scope="col">Chance they are the same person</th>
              <th scope="col">Weight, in bits</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((pair) => (
              <tr key={pair.line} className={chosen?.line === pair.line ? 'table__row--chosen' : undefined}>
                <th scope="row">
                  {/* The record's own identifier is what a steward looks for, so it is what they choose. */}
                  <button type="button" className="link-button" onClick={() => onChoose(pair)}>
                    {pair.left_id}
                    <span className="visually-hidden"> and {pair.right_id}: why were they linked?</span>
                  </button>
                  <span className="hint">
                    Line {COUNT.format(pair.line)}
                    {chosen?.line === pair.line ? ', shown below' : ''}
                  </span>
                </th>
                <td>{pair.right_id}</td>
                <td>{chanceText(pair.match_probability)}</td>
                <td>{bitsText(pair.match_weight)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {pages > 1 ? (
        <nav className="pager" aria-label="Pages of linked pairs">
          {current > 1 ? (
            <button type="button" className="button button--secondary" onClick={() => setPage(current - 1)}>
              Previous page
            </button>
          ) : null}
          <span className="pager__current">
            Page {COUNT.format(current)} of {COUNT.format(pages)}
          </span>
          {current < pages ? (
            <button type="button" className="button button--secondary" onClick={() => setPage(current + 1)}>
              Next page
            </button>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

function Explanation({ summary }: { summary: PairSummary }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The line was checked when the file was read; it is parsed again only now, to keep large files small.
  const pair = useMemo(() => JSON.parse(summary.text) as PairExplanation, [summary.text]);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <section aria-labelledby="explanation-heading" className="explanation">
      <h2 id="explanation-heading" ref={heading} tabIndex={-1}>
        Why {pair.left_id} and {pair.right_id} were linked
      </h2>
      <p>
        The evidence comes to <strong>{bitsText(pair.match_weight)} bits</strong>: a{' '}
        <strong>{chanceText(pair.match_probability)}</strong> chance that they are the same person.
      </p>
      <h3>How to read this</h3>
      <p>
        Before looking at the two records, any two records picked at random are very unlikely to be the same
        person: that is where the chart starts, “Before comparing”. Each comparison then adds evidence. If
        what was found (say, the same date of birth) happens far more often for the same person than for two
        different people, its bar goes up; if it happens more often for different people, its bar goes down.
        Evidence is counted in bits: each bit up doubles the odds that the records are the same person, and
        each bit down halves them. The last bar is the total, the match weight. Above the 0 line the records
        are more likely the same person than not; at 0 the chance is 50%.
      </p>
      <WaterfallChart pair={pair} />
      <ExplanationTable pair={pair} />
    </section>
  );
}
