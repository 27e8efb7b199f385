/**
 * An organization's sources (issue 18): its own copies of registers, and the copies other organizations
 * keep of its registers. A steward starts a linkage job here and follows it; the register's steward goes
 * on to the review queue (docs/registers.md).
 */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, type LinkageJob, request, type Source } from '../api.ts';
import { ErrorAlert, Page, Pager, Status } from '../page.tsx';
import { usePaged } from '../use-api.ts';

const JOB_WORDS: Record<LinkageJob['status'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted: start it again',
};

const STAGE_WORDS: Record<string, string> = {
  reading: 'Reading the records',
  blocking: 'Finding records worth comparing',
  comparing: 'Comparing them',
  training: 'Learning how much each comparison tells',
  scoring: 'Scoring each pair',
  writing: 'Saving the links',
};

const percent = (p: number) => `${Math.round(p * 1000) / 10}%`;

function JobRunner({ source, onDone }: { source: Source; onDone: () => void }) {
  const [job, setJob] = useState<LinkageJob | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const base = `/api/v1/sources/${encodeURIComponent(source.id)}/linkage-jobs`;

  useEffect(() => {
    if (job?.status !== 'running') return;
    const timer = setTimeout(async () => {
      try {
        const next = await request<LinkageJob>('GET', `${base}/${encodeURIComponent(job.id)}`);
        setJob(next);
        if (next.status !== 'running') onDone();
      } catch (error) {
        setProblem(
          error instanceof ApiError ? error : new ApiError('UNEXPECTED', 'The job could not be read.', 0),
        );
      }
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, base, onDone]);

  async function start() {
    setProblem(null);
    try {
      setJob(await request<LinkageJob>('POST', base, { body: {} }));
    } catch (error) {
      setProblem(error instanceof ApiError ? error : new ApiError('UNEXPECTED', 'The job did not start.', 0));
    }
  }
  async function cancel() {
    if (!job) return;
    try {
      setJob(await request<LinkageJob>('POST', `${base}/${encodeURIComponent(job.id)}/cancel`, { body: {} }));
    } catch (error) {
      setProblem(
        error instanceof ApiError ? error : new ApiError('UNEXPECTED', 'The job was not cancelled.', 0),
      );
    }
  }

  const running = job?.status === 'running';
  return (
    <div className="linkage-job">
      {running ? (
        <button
          type="button"
          className="button button--secondary"
          onClick={cancel}
          disabled={job.cancelRequested}
        >
          {job.cancelRequested ? 'Stopping…' : 'Cancel the linkage'}
        </button>
      ) : (
        <button type="button" className="button" onClick={start}>
          Link to the register now
        </button>
      )}
      <p role="status">
        {job
          ? running
            ? `${STAGE_WORDS[job.stage ?? 'reading'] ?? 'Working'}…`
            : `${JOB_WORDS[job.status]}${job.status === 'completed' ? `: ${job.linked} records linked, ${job.queued} pairs for review, ${job.kept} decisions kept.` : job.failure ? `: ${job.failure}` : '.'}`
          : ''}
      </p>
      {problem ? <ErrorAlert error={problem} title="The linkage job" /> : null}
    </div>
  );
}

export function SourcesPage() {
  const { org = '' } = useParams();
  const sources = usePaged<Source>(`/api/v1/organizations/${encodeURIComponent(org)}/sources`, 20);
  return (
    <Page title="Sources and their links to registers">
      <p>
        <Link to="/agency-console">Back to the agency console</Link>
      </p>
      <p>
        A source is an organization's own copy of people, addresses or businesses, such as a city's client
        list. Linking it to the register gives each of its records the register's identifier when the match is
        sure; pairs that are not sure wait for the register's steward, who decides. The register itself is
        never changed by a source.
      </p>
      <Status loading={sources.loading} label="Loading the sources…" />
      {sources.error ? <ErrorAlert error={sources.error} /> : null}
      {sources.data?.items.length === 0 ? <p>There are no sources here yet.</p> : null}
      {sources.data?.items.map((source) => (
        <section className="source" key={source.id} aria-labelledby={`source-${source.id}`}>
          <h2 id={`source-${source.id}`}>
            {source.datasetTitle} <span className="hint">{source.organizationName}</span>
          </h2>
          <dl className="summary-list">
            <div className="summary-list__row">
              <dt>Copy of</dt>
              <dd>
                {source.register.title}, {source.register.organizationName}
              </dd>
            </div>
            <div className="summary-list__row">
              <dt>Records</dt>
              <dd>{source.records}</dd>
            </div>
            <div className="summary-list__row">
              <dt>Linked to the register</dt>
              <dd>{source.linked}</dd>
            </div>
            <div className="summary-list__row">
              <dt>Waiting for review</dt>
              <dd>{source.pending}</dd>
            </div>
            <div className="summary-list__row">
              <dt>Sure enough to link</dt>
              <dd>
                {percent(source.upperThreshold)} or more; review from {percent(source.lowerThreshold)}
              </dd>
            </div>
          </dl>
          {source.mayReview ? (
            <p>
              <Link to={`/sources/${source.id}/review`}>
                Review the links of {source.datasetTitle} ({source.pending} waiting)
              </Link>
            </p>
          ) : null}
          {source.mayRun ? <JobRunner source={source} onDone={sources.reload} /> : null}
        </section>
      ))}
      <Pager paged={sources} label="sources" />
    </Page>
  );
}
