/**
 * The register steward's review queue (issue 18): each pair a linkage job was not sure of, with the two
 * records side by side and the explanation of its match weight (the waterfall chart and its table), to
 * accept or reject; and the records already linked, each of which can be split back out. Every decision
 * is recorded on the ledger.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  ApiError,
  type LinkPair,
  type LinkPairDetail,
  request,
  type Source,
  type SourceLink,
} from '../api.ts';
import { ExplanationTable, WaterfallChart } from '../explanation-chart.tsx';
import { chanceText } from '../linkage-explanation.ts';
import { ErrorAlert, Page, Pager, Status } from '../page.tsx';
import { useApi, usePaged } from '../use-api.ts';

const ORIGIN_WORDS: Record<SourceLink['origin'], string> = {
  job: 'Linked by the job: the match was sure',
  accepted: 'Accepted by a steward',
  merged: 'Linked by hand by a steward',
};

function asProblem(error: unknown, fallback: string): ApiError {
  return error instanceof ApiError ? error : new ApiError('UNEXPECTED', fallback, 0);
}

function PairReview({
  base,
  pairId,
  onDecided,
}: {
  base: string;
  pairId: string;
  onDecided: (message: string) => void;
}) {
  const pair = useApi<LinkPairDetail>(`${base}/review/${encodeURIComponent(pairId)}`);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);

  async function decide(decision: 'accept' | 'reject') {
    setBusy(true);
    setProblem(null);
    try {
      await request<LinkPair>('POST', `${base}/review/${encodeURIComponent(pairId)}`, {
        body: reason.trim() ? { decision, reason: reason.trim() } : { decision },
      });
      const p = pair.data!;
      onDecided(
        decision === 'accept'
          ? `Accepted: record ${p.recordKey} is now linked to ${p.entityId}.`
          : `Rejected: record ${p.recordKey} will not be linked to ${p.entityId}.`,
      );
    } catch (error) {
      setProblem(asProblem(error, 'The decision was not saved. Try again.'));
    }
    setBusy(false);
  }

  if (pair.loading) return <Status loading label="Loading the pair…" />;
  if (pair.error) return <ErrorAlert error={pair.error} />;
  const p = pair.data;
  if (!p) return null;
  return (
    <section aria-labelledby="pair-heading" className="pair-review">
      <h2 id="pair-heading">
        Record {p.recordKey} and {p.entityId}
      </h2>
      <p>
        Chance that they are the same: {p.probability === null ? 'not scored' : chanceText(p.probability)}.
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: keyboard users scroll the region by focusing it (WCAG 2.1.1) */}
      <section className="table-scroll" aria-labelledby="side-by-side" tabIndex={0}>
        <table className="table">
          <caption className="table__caption" id="side-by-side">
            The two records side by side
          </caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">In {p.source.title}</th>
              <th scope="col">In {p.register.title}</th>
            </tr>
          </thead>
          <tbody>
            {p.fields.map((f) => (
              <tr
                key={f.name}
                className={
                  f.source !== null && f.register !== null && f.source !== f.register ? 'differs' : undefined
                }
              >
                <th scope="row">{f.name.replaceAll('_', ' ')}</th>
                <td>{f.source ?? <span className="hint">not held</span>}</td>
                <td>{f.register ?? <span className="hint">not held</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {p.explanation ? (
        <>
          <WaterfallChart pair={p.explanation} />
          <ExplanationTable pair={p.explanation} />
        </>
      ) : null}
      <div className="form-group">
        <label className="label" htmlFor="decision-reason">
          Reason (optional)
        </label>
        <p className="hint" id="decision-reason-hint">
          Recorded with your decision, for whoever checks it later.
        </p>
        <textarea
          id="decision-reason"
          className="textarea"
          rows={2}
          aria-describedby="decision-reason-hint"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
      </div>
      {problem ? <ErrorAlert error={problem} title="The decision was not saved" /> : null}
      <div className="button-group">
        <button type="button" className="button" disabled={busy} onClick={() => decide('accept')}>
          Accept: the same {p.register.title === 'Population register' ? 'person' : 'entity'}
        </button>
        <button
          type="button"
          className="button button--warning"
          disabled={busy}
          onClick={() => decide('reject')}
        >
          Reject: not the same
        </button>
      </div>
    </section>
  );
}

function LinkedRecords({ base, onSplit }: { base: string; onSplit: (m: string) => void }) {
  const links = usePaged<SourceLink>(`${base}/links`, 20);
  const [problem, setProblem] = useState<ApiError | null>(null);
  async function split(link: SourceLink) {
    setProblem(null);
    try {
      await request('POST', `${base}/links/${encodeURIComponent(link.recordKey)}/split`, { body: {} });
      onSplit(
        `Split: record ${link.recordKey} is no longer linked to ${link.entityId}, and will not be again.`,
      );
    } catch (error) {
      setProblem(asProblem(error, 'The record was not split out. Try again.'));
    }
  }
  return (
    <section aria-labelledby="linked-heading">
      <h2 id="linked-heading">Records linked to the register</h2>
      <Status loading={links.loading} label="Loading the linked records…" />
      {links.error ? <ErrorAlert error={links.error} /> : null}
      {problem ? <ErrorAlert error={problem} title="The record was not split out" /> : null}
      {links.data?.items.length === 0 ? <p>No record is linked yet.</p> : null}
      {links.data && links.data.items.length > 0 ? (
        <ul className="link-list">
          {links.data.items.map((link) => (
            <li key={link.recordKey}>
              Record {link.recordKey} is {link.entityId}{' '}
              <span className="hint">{ORIGIN_WORDS[link.origin]}</span>
              <button type="button" className="button button--secondary" onClick={() => split(link)}>
                Split out record {link.recordKey}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <Pager paged={links} label="linked records" />
    </section>
  );
}

export function SourceReviewPage() {
  const { id = '' } = useParams();
  const base = `/api/v1/sources/${encodeURIComponent(id)}`;
  const source = useApi<Source>(base);
  const [generation, setGeneration] = useState(0);
  const queue = usePaged<LinkPair>(`${base}/review`, 20);
  const [chosen, setChosen] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const done = (text: string) => {
    setMessage(text);
    setChosen(null);
    setGeneration((g) => g + 1);
    queue.reload();
    source.reload();
  };
  const title = source.data ? `Review the links of ${source.data.datasetTitle}` : 'Review the links';
  return (
    <Page title={title} caption={source.data?.register.organizationName}>
      <p>
        {source.data ? (
          <Link to={`/agency-console/${source.data.register.organization}/sources`}>Back to the sources</Link>
        ) : null}
      </p>
      <Status loading={source.loading} label="Loading the source…" />
      {source.error ? <ErrorAlert error={source.error} /> : null}
      {source.data ? (
        <p>
          {source.data.organizationName} keeps {source.data.datasetTitle}, a copy of{' '}
          {source.data.register.title}. These pairs were neither sure nor unlikely enough to decide by
          themselves. Your decision holds when the linkage runs again.
        </p>
      ) : null}
      <p role="status" className="notice">
        {message}
      </p>
      <h2>Waiting for your decision</h2>
      <Status loading={queue.loading} label="Loading the review queue…" />
      {queue.error ? <ErrorAlert error={queue.error} /> : null}
      {queue.data?.items.length === 0 ? <p>Nothing is waiting for review.</p> : null}
      {queue.data && queue.data.items.length > 0 ? (
        <ul className="link-list">
          {queue.data.items.map((pair) => (
            <li key={pair.id}>
              <button
                type="button"
                className="button button--secondary"
                aria-pressed={chosen === pair.id}
                onClick={() => setChosen(pair.id)}
              >
                Record {pair.recordKey} and {pair.entityId}
              </button>{' '}
              <span className="hint">
                {pair.probability === null ? '' : `${chanceText(pair.probability)} chance`}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <Pager paged={queue} label="pairs waiting for review" />
      {chosen ? <PairReview key={chosen} base={base} pairId={chosen} onDecided={done} /> : null}
      <LinkedRecords key={generation} base={base} onSplit={done} />
    </Page>
  );
}
