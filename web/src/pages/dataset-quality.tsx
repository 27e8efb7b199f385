/**
 * How good a dataset is: the metadata quality score (after the EU's MQA) with what to do about each
 * lost point, and the checks of its records (completeness, validity, duplicates, freshness).
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  ApiError,
  type Page as ApiPage,
  type Dataset,
  type DatasetQuality,
  type QualityCheckRun,
  request,
} from '../api.ts';
import { pointsText, RATING_MEANINGS, RatingTag } from '../catalog-labels.tsx';
import { ErrorAlert, Page, Status } from '../page.tsx';
import { canSteward } from '../roles.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

export function QualitySummary({ quality }: { quality: DatasetQuality }) {
  return (
    <p className="quality-summary">
      <span className="figure">{pointsText(quality.score, quality.max)}</span>
      Rated <RatingTag rating={quality.rating} />. {RATING_MEANINGS[quality.rating]}
    </p>
  );
}

/** Each dimension with its points, and for every indicator the reason it earned its points or not. */
export function QualityBreakdown({
  quality,
  headingLevel,
}: {
  quality: DatasetQuality;
  headingLevel: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className="quality">
      {quality.dimensions.map((dimension) => (
        <section key={dimension.id} aria-labelledby={`dimension-${dimension.id}`}>
          <Heading id={`dimension-${dimension.id}`} className="quality__dimension">
            {dimension.label}: {pointsText(dimension.score, dimension.max)}
          </Heading>
          <table className="table table--quality">
            <caption className="visually-hidden">
              {dimension.label}: what earns points, and what to do
            </caption>
            <thead>
              <tr>
                <th scope="col">What is checked</th>
                <th scope="col">Points</th>
                <th scope="col">Why, and what to do</th>
              </tr>
            </thead>
            <tbody>
              {dimension.indicators.map((indicator) => (
                <tr key={indicator.id}>
                  <th scope="row">{indicator.label}</th>
                  <td>
                    {indicator.points} of {indicator.max}{' '}
                    <span className={`tag ${indicator.met ? 'tag--open' : 'tag--grey'}`}>
                      {indicator.met ? 'Done' : indicator.applies ? 'To do' : 'Does not apply'}
                    </span>
                  </td>
                  <td>{indicator.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}

function percentText(value: number | null): string {
  return value === null ? 'Not known' : `${value}%`;
}

const FRESHNESS: Record<QualityCheckRun['freshness']['status'], string> = {
  fresh: 'Yes: changed as often as its description promises',
  stale: 'No: not changed as often as its description promises',
  unknown: 'Not known: the description does not say how often it changes, or nothing shows when it did',
};

function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' });
}

/** The latest check of a dataset's records, in a few lines, with what it found. */
export function CheckRunSummary({ run }: { run: QualityCheckRun | null }) {
  if (!run) {
    return <p>Its records have not been checked yet. Only datasets whose records govdx keeps are checked.</p>;
  }
  return (
    <>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>Checked on</dt>
          <dd>{dateTime(run.finishedAt)}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Records</dt>
          <dd>{run.records}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Values filled in</dt>
          <dd>{percentText(run.summary.completeness)}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Values of the right type</dt>
          <dd>{percentText(run.summary.validity)}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Duplicates</dt>
          <dd>
            {run.keyField === null
              ? 'Not checked: the dataset has no key field'
              : run.duplicateRecords === 0
                ? 'None found'
                : `${run.duplicateRecords} records share ${run.duplicateValues} values of ${run.keyField}`}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Up to date?</dt>
          <dd>{FRESHNESS[run.freshness.status]}</dd>
        </div>
      </dl>
      {run.summary.findings.length > 0 ? (
        <>
          <p>What the check found:</p>
          <ul className="list list--bullet findings">
            {run.summary.findings.map((finding) => (
              <li key={finding}>{finding}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>The check found nothing to put right.</p>
      )}
    </>
  );
}

/** Why someone outside its stewards sees no checks of a dataset that is not open. */
export function ChecksForStewardsOnly({ organizationName }: { organizationName: string }) {
  return (
    <p>
      The records of this dataset are not open, so the results of their checks are shown only to the data
      stewards of {organizationName}.
    </p>
  );
}

/** The steward's page: the quality score in full, and the record checks with their history. */
export function DatasetQualityPage() {
  const { org = '', slug = '' } = useParams();
  const path = `/organizations/${org}/datasets/${slug}`;
  const api = `/api/v1/organizations/${encodeURIComponent(org)}/datasets/${encodeURIComponent(slug)}`;
  const dataset = useApi<Dataset>(api);
  const quality = useApi<DatasetQuality>(
    `/catalog/quality/datasets/${encodeURIComponent(org)}/${encodeURIComponent(slug)}`,
  );
  const { session } = useSession();
  const steward = session?.signedIn === true && canSteward(session.roles, org);
  // Only the organization's stewards see the check history and run checks; others see the last check.
  const history = useApi<ApiPage<QualityCheckRun>>(steward ? `${api}/quality-checks?limit=20` : null);
  const [running, setRunning] = useState(false);
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState<ApiError | null>(null);
  const title = dataset.data ? `Quality of ${dataset.data.title}` : 'Quality of the dataset';

  async function runNow() {
    setRunning(true);
    setProblem(null);
    setNotice('');
    try {
      const run = await request<QualityCheckRun>('POST', `${api}/quality-checks`, { body: {} });
      setNotice(
        `The records are checked: ${run.records} ${run.records === 1 ? 'record' : 'records'}, ${
          run.summary.findings.length === 0
            ? 'nothing to put right'
            : `${run.summary.findings.length} ${run.summary.findings.length === 1 ? 'thing' : 'things'} to put right`
        }.`,
      );
      history.reload();
      quality.reload();
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error
          : new ApiError('UNEXPECTED', 'The checks did not run. Try again.', 0),
      );
    }
    setRunning(false);
  }

  return (
    <Page title={title} caption={dataset.data?.organizationName}>
      <p>
        <Link to={path}>Back to the dataset</Link>
      </p>
      <Status loading={dataset.loading || quality.loading} label="Loading the quality score…" />
      {dataset.error ? <ErrorAlert error={dataset.error} /> : null}
      <h2>How complete its description is</h2>
      <p>
        The description is scored the way the European data portal scores it: points for what helps people
        find the data, reach it, read it, know what they may do with it, and understand it. Each row says what
        to do to earn the points.
      </p>
      {quality.error ? <ErrorAlert error={quality.error} title="The quality score is not available" /> : null}
      {quality.data ? (
        <>
          <QualitySummary quality={quality.data} />
          <p>
            <Link to={`${path}/edit`}>Edit the description</Link>
          </p>
          <QualityBreakdown quality={quality.data} headingLevel={3} />
        </>
      ) : null}

      <h2>Checks of its records</h2>
      <p>
        The checks count how many values are filled in and of the right type, look for duplicate records and
        see whether the records change as often as the description says.
      </p>
      {steward ? (
        <>
          <p role="status" className="notice">
            {notice}
          </p>
          {problem ? <ErrorAlert error={problem} title="The checks did not run" /> : null}
          <button type="button" className="button" onClick={runNow} disabled={running}>
            Run checks now
          </button>
          <Status loading={history.loading} label="Loading the earlier checks…" />
          {history.error ? <Refusal error={history.error} /> : null}
          {history.data ? <CheckHistory runs={history.data.items} /> : null}
        </>
      ) : (
        <>
          {quality.data && dataset.data ? (
            dataset.data.classification === 'public' ? (
              <CheckRunSummary run={quality.data.checks} />
            ) : (
              <ChecksForStewardsOnly organizationName={dataset.data.organizationName} />
            )
          ) : null}
          <p className="hint">
            The data stewards of the organization see every earlier check here and can run the checks again.
          </p>
        </>
      )}
    </Page>
  );
}

function CheckHistory({ runs }: { runs: QualityCheckRun[] }) {
  if (runs.length === 0) return <p>Its records have not been checked yet.</p>;
  const latest = runs[0]!;
  return (
    <>
      <h3>The latest check</h3>
      <CheckRunSummary run={latest} />
      {latest.fields.length > 0 ? (
        <table className="table">
          <caption className="table__caption">Each field in the latest check</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Filled in</th>
              <th scope="col">Of the right type</th>
            </tr>
          </thead>
          <tbody>
            {latest.fields.map((f) => (
              <tr key={f.name}>
                <th scope="row">
                  <code>{f.name}</code>
                </th>
                <td>
                  {f.present} of {latest.records} ({percentText(f.completeness)})
                </td>
                <td>
                  {f.valid} of {f.present} ({percentText(f.validity)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <table className="table">
        <caption className="table__caption">All checks, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Checked on</th>
            <th scope="col">Started by</th>
            <th scope="col">Records</th>
            <th scope="col">Filled in</th>
            <th scope="col">Things to put right</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <th scope="row">{dateTime(run.finishedAt)}</th>
              <td>{run.trigger === 'person' ? (run.triggeredBy?.name ?? 'A person') : 'On schedule'}</td>
              <td>{run.records}</td>
              <td>{percentText(run.summary.completeness)}</td>
              <td>{run.summary.findings.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
