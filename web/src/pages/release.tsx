/**
 * One release of open data: where it stands and who did what, how well it protects people and what it
 * keeps (generalised records: who shares each combination, the chance of being recognised, the information
 * lost at each k, the first rows; counts with noise: the cells, ε, the margin of error and the register's
 * privacy budget), and what the person may do next: the steward sends it or changes it, the data protection
 * officer approves or rejects it with a reason, and sets the register's privacy budget.
 */
import { type FormEvent, useId, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import {
  ApiError,
  type HierarchyBuilder,
  type MicrodataReport,
  type PrivacyBudget,
  type Release,
  request,
  type StatisticsReport,
} from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { focusFirstError, InputField, TextareaField } from '../form.tsx';
import { ErrorAlert, formatDate, formatDateTime, Page, Status, SummaryList, SummaryRow } from '../page.tsx';
import { LossChart, LossTable } from '../release-chart.tsx';
import {
  chanceWords,
  changeReleasePath,
  countWords,
  EPSILON_SENTENCE,
  fieldWords,
  generalisationWords,
  K_SENTENCE,
  levelWords,
  listWords,
  METHOD_LABELS,
  peopleWords,
  percentWords,
  preparesReleases,
  ReleaseStatusTag,
  releasesPath,
} from '../release-labels.tsx';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { useRolesIn } from './agreements.tsx';
import { datasetPath } from './datasets.tsx';
import { Refusal } from './refusal.tsx';

export function ReleasePage() {
  const { org = '', id = '' } = useParams();
  const location = useLocation();
  const { session } = useSession();
  const base = `/api/v1/organizations/${encodeURIComponent(org)}/releases/${encodeURIComponent(id)}`;
  const loaded = useApi<Release>(base);
  const [changed, setChanged] = useState<Release | null>(null);
  const [notice, setNotice] = useState<string>((location.state as { notice?: string } | null)?.notice ?? '');
  const release = changed ?? loaded.data;
  const roles = useRolesIn(org) ?? [];
  const personId = session?.signedIn ? session.person.id : undefined;

  const done = (next: Release, text: string) => {
    setChanged(next);
    setNotice(text);
  };

  return (
    <Page title={release?.title ?? 'Release'} caption="Release of open data">
      <Status loading={loaded.loading} label="Loading the release…" />
      {loaded.error ? <Refusal error={loaded.error} /> : null}
      <p role="status" className="notice">
        {notice}
      </p>
      {release ? (
        <>
          <ReleaseFacts release={release} />
          <Actions
            base={base}
            org={org}
            release={release}
            steward={preparesReleases(roles)}
            officer={roles.includes('data_protection_officer')}
            personId={personId}
            onDone={done}
          />
          {release.published ? <Published release={release} /> : null}
          {release.method === 'microdata' ? (
            <MicrodataSection release={release} report={release.report as unknown as MicrodataReport} />
          ) : (
            <StatisticsSection
              org={org}
              release={release}
              report={release.report as unknown as StatisticsReport}
              officer={roles.includes('data_protection_officer')}
            />
          )}
          <p>
            <Link to={releasesPath(org)}>All releases of this organization</Link>
          </p>
        </>
      ) : null}
    </Page>
  );
}

function ReleaseFacts({ release }: { release: Release }) {
  const who = (person: Release['preparedBy'], at: string | null) =>
    `${person?.name ?? 'someone no longer registered'} on ${formatDateTime(at)}`;
  return (
    <SummaryList>
      <SummaryRow term="Status">
        <ReleaseStatusTag status={release.status} />
      </SummaryRow>
      <SummaryRow term="Made from">{release.datasetTitle}</SummaryRow>
      <SummaryRow term="Published as">
        <code>{release.slug}</code>
      </SummaryRow>
      <SummaryRow term="How people are protected">{METHOD_LABELS[release.method]}</SummaryRow>
      {release.description ? <SummaryRow term="Description">{release.description}</SummaryRow> : null}
      <SummaryRow term="Prepared by">{who(release.preparedBy, release.preparedAt)}</SummaryRow>
      {release.submittedAt ? (
        <SummaryRow term="Sent for sign-off by">{who(release.submittedBy, release.submittedAt)}</SummaryRow>
      ) : null}
      {release.decidedAt ? (
        <SummaryRow term={release.status === 'rejected' ? 'Rejected by' : 'Approved by'}>
          {who(release.decidedBy, release.decidedAt)}
        </SummaryRow>
      ) : null}
      {release.reason ? (
        <SummaryRow term="The data protection officer’s reason">{release.reason}</SummaryRow>
      ) : null}
    </SummaryList>
  );
}

function Actions({
  base,
  org,
  release,
  steward,
  officer,
  personId,
  onDone,
}: {
  base: string;
  org: string;
  release: Release;
  steward: boolean;
  officer: boolean;
  personId: string | undefined;
  onDone(release: Release, notice: string): void;
}) {
  const changeable = release.status === 'draft' || release.status === 'rejected';
  const own = personId !== undefined && [release.preparedBy?.id, release.submittedBy?.id].includes(personId);
  const showsOfficer = officer && release.status === 'submitted';
  if (!(steward && changeable) && !showsOfficer) return null;
  return (
    <section aria-labelledby="next-step">
      <h2 id="next-step">What happens next</h2>
      {steward && release.status === 'rejected' ? (
        <p>The data protection officer rejected this release. Change it, then send it again.</p>
      ) : null}
      {steward && release.status === 'draft' ? (
        <Submit base={base} release={release} onDone={onDone} />
      ) : null}
      {steward && changeable ? (
        <p>
          <Link to={changeReleasePath(org, release.id)}>Change the release</Link>
          <span className="hint">It is computed again and becomes a draft.</span>
        </p>
      ) : null}
      {showsOfficer ? (
        own ? (
          <p>
            You prepared or sent this release, so another data protection officer of the organization approves
            or rejects it.
          </p>
        ) : (
          <Decide base={base} onDone={onDone} />
        )
      ) : null}
    </section>
  );
}

function problemOf(error: unknown, fallback: string): ApiError {
  return error instanceof ApiError ? error : new ApiError('UNEXPECTED', fallback, 0);
}

function Submit({
  base,
  release,
  onDone,
}: {
  base: string;
  release: Release;
  onDone(release: Release, notice: string): void;
}) {
  const id = useId();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const note = String(new FormData(event.currentTarget).get('note') ?? '').trim();
    setProblem(null);
    setBusy(true);
    try {
      const next = await request<Release>('POST', `${base}/submit`, { body: note ? { note } : {} });
      onDone(next, 'The release was sent to the data protection officer.');
    } catch (error) {
      setProblem(problemOf(error, 'The release was not sent. Try again.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Send it to the data protection officer</h3>
      <p>
        A data protection officer of the organization who did not prepare it checks the release and approves
        or rejects it. Once approved, it is published as open data at once.
      </p>
      {problem ? <ErrorAlert error={problem} title="The release was not sent" /> : null}
      <TextareaField
        id={`${id}-note`}
        name="note"
        label="A note for the data protection officer (optional)"
        hint="Recorded on the ledger with the request."
        maxLength={2000}
      />
      <button type="submit" className="button" disabled={busy || release.status !== 'draft'}>
        Send to the data protection officer
      </button>
    </form>
  );
}

function Decide({ base, onDone }: { base: string; onDone(release: Release, notice: string): void }) {
  const id = useId();
  const [deciding, setDeciding] = useState<'approve' | 'reject' | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function decide(action: 'approve' | 'reject') {
    if (!reason.trim()) {
      setError(`Say why you ${action} this release`);
      document.getElementById(`${id}-reason`)?.focus();
      return;
    }
    setError(undefined);
    setProblem(null);
    setBusy(true);
    try {
      const next = await request<Release>('POST', `${base}/${action}`, { body: { reason: reason.trim() } });
      setDeciding(null);
      onDone(
        next,
        action === 'approve'
          ? 'You approved the release. It is published as open data now.'
          : 'You rejected the release. It goes back to the data steward.',
      );
    } catch (caught) {
      setProblem(problemOf(caught, 'Your decision was not saved. Try again.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p>
        Check how the release protects people, below, then approve it (it is published as open data at once)
        or reject it (it goes back to the data steward). Your reason is recorded on the ledger.
      </p>
      {problem ? <ErrorAlert error={problem} title="Your decision was not saved" /> : null}
      {deciding ? (
        <ConfirmPanel
          key={deciding}
          heading={deciding === 'approve' ? 'Approve and publish this release?' : 'Reject this release?'}
          level={3}
          confirmLabel={deciding === 'approve' ? 'Yes, approve and publish it' : 'Yes, reject it'}
          busy={busy}
          onConfirm={() => void decide(deciding)}
          onCancel={() => {
            setDeciding(null);
            setError(undefined);
          }}
        >
          <p>
            {deciding === 'approve'
              ? 'Anyone can download it as soon as it is published, with its method and risk report.'
              : 'Nothing is published. The data steward sees your reason and can change the release.'}
          </p>
          <TextareaField
            id={`${id}-reason`}
            name="reason"
            label="Your reason"
            hint="Recorded on the ledger with your name and decision."
            maxLength={2000}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            error={error}
          />
        </ConfirmPanel>
      ) : (
        <div className="button-group">
          <button type="button" className="button" onClick={() => setDeciding('approve')}>
            Approve and publish
          </button>
          <button type="button" className="button button--warning" onClick={() => setDeciding('reject')}>
            Reject
          </button>
        </div>
      )}
    </>
  );
}

function Published({ release }: { release: Release }) {
  const published = release.published!;
  const dataset = { organization: published.organization, slug: published.dataset };
  return (
    <section aria-labelledby="published">
      <h2 id="published">Published</h2>
      <p>
        Published as open data on {formatDate(published.at)}:{' '}
        <Link to={datasetPath(dataset)}>the open dataset {release.title}</Link>.
      </p>
      <ul className="list">
        <li>
          <a href={`/catalog/datasets/${published.organization}/${published.dataset}.csv`}>
            Download the data (CSV)
          </a>
        </li>
        <li>
          <a href={`/catalog/releases/${release.id}.json`}>Its method and risk report (JSON)</a>
        </li>
      </ul>
    </section>
  );
}

function MicrodataSection({ release, report }: { release: Release; report: MicrodataReport }) {
  const params = release.parameters as {
    microdata?: { quasiIdentifiers: Array<{ field: string; hierarchy: HierarchyBuilder }> };
  };
  const builders = new Map((params.microdata?.quasiIdentifiers ?? []).map((q) => [q.field, q.hierarchy]));
  const fields = report.transformation.map((t) => fieldWords(t.field));
  const risk = report.risk.prosecutor;
  return (
    <section aria-labelledby="protection">
      <h2 id="protection">How it protects people</h2>
      <p className="lead">
        Every combination of {listWords(fields)} is shared by at least {report.k} people;{' '}
        {countWords(report.suppressedRecords)} of {peopleWords(report.records)} are left out.
      </p>
      <p>{K_SENTENCE}</p>
      <SummaryList>
        <SummaryRow term="Highest chance of being recognised">
          {chanceWords(risk.highest)}
          <span className="hint">
            For someone who knows a person is in the data and knows their {listWords(fields)}.
          </span>
        </SummaryRow>
        <SummaryRow term="Average chance of being recognised">{chanceWords(risk.average)}</SummaryRow>
        <SummaryRow term="People published">
          {peopleWords(report.releasedRecords)} of {countWords(report.records)}
        </SummaryRow>
        <SummaryRow term="Information lost">{percentWords(report.informationLoss.loss)}</SummaryRow>
      </SummaryList>

      <h3>Protection against detail</h3>
      <LossChart report={report} />
      <LossTable report={report} />

      <h3>What each field was generalised to</h3>
      <table className="table table--explanation">
        <caption className="table__caption">Each field that could identify someone, as published</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Published as</th>
            <th scope="col">You allowed</th>
          </tr>
        </thead>
        <tbody>
          {report.transformation.map((t) => {
            const builder = builders.get(t.field);
            return (
              <tr key={t.field}>
                <th scope="row">{fieldWords(t.field)}</th>
                <td>{levelWords(builder, t.level, t.levels)}</td>
                <td>{builder ? generalisationWords(builder) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Sample
        release={release}
        intro={`${release.published ? 'As published' : 'As they will be published'}. A * stands for a value removed; a person left out has * in every field that could identify them.`}
      />
    </section>
  );
}

function Sample({ release, intro }: { release: Release; intro: string }) {
  if (!release.sample || !release.header || release.sample.length === 0) return null;
  return (
    <>
      <h3>The first rows</h3>
      <p>{intro}</p>
      <table className="table table--explanation">
        <caption className="table__caption">
          The first {release.sample.length} rows of {release.title}
        </caption>
        <thead>
          <tr>
            {release.header.map((name) => (
              <th scope="col" key={name}>
                {fieldWords(name)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {release.sample.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows never move, and two may be the same
            <tr key={index}>
              {row.map((cell, column) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a cell's column is its identity
                <td key={column}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function StatisticsSection({
  org,
  release,
  report,
  officer,
}: {
  org: string;
  release: Release;
  report: StatisticsReport;
  officer: boolean;
}) {
  return (
    <section aria-labelledby="protection">
      <h2 id="protection">How it protects people</h2>
      <p className="lead">
        A table of {countWords(report.cells)} counts: one for every combination of{' '}
        {listWords(report.dimensions.map((d) => fieldWords(d.field)))}, empty ones included.{' '}
        {release.published
          ? 'Each count had random noise added when the release was approved.'
          : 'Each count has random noise added when the release is approved.'}
      </p>
      <SummaryList>
        <SummaryRow term="ε (epsilon)">
          {report.epsilon}
          <span className="hint">{EPSILON_SENTENCE}</span>
        </SummaryRow>
        <SummaryRow term="Margin of error">
          ± {report.errorBound95}
          <span className="hint">
            Each published count is within {report.errorBound95} of the true count 95 % of the time (19 times
            out of 20).
          </span>
        </SummaryRow>
        {report.recordsOutside !== undefined ? (
          <SummaryRow term="People not counted">
            {peopleWords(report.recordsOutside)}
            <span className="hint">Their value is in none of the categories.</span>
          </SummaryRow>
        ) : null}
      </SummaryList>
      <table className="table">
        <caption className="table__caption">Categories of each dimension</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Categories</th>
          </tr>
        </thead>
        <tbody>
          {report.dimensions.map((d) => (
            <tr key={d.field}>
              <th scope="row">{fieldWords(d.field)}</th>
              <td>{d.categories.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Sample
        release={release}
        intro="The published counts, each with its noise, and the margin of error of each."
      />
      {/* Read again when the release changes: publishing it spends the budget. */}
      <Budget key={release.status} org={org} dataset={release.dataset} officer={officer} />
    </section>
  );
}

function Budget({ org, dataset, officer }: { org: string; dataset: string; officer: boolean }) {
  const path = `/api/v1/organizations/${encodeURIComponent(org)}/datasets/${encodeURIComponent(dataset)}/privacy-budget`;
  const budget = useApi<PrivacyBudget>(path);
  const [changed, setChanged] = useState<PrivacyBudget | null>(null);
  const [notice, setNotice] = useState('');
  const shown = changed ?? budget.data;
  return (
    <section aria-labelledby="budget">
      <h3 id="budget">The register’s privacy budget</h3>
      <p>
        Every table of counts from a register spends some of its ε; together they may spend no more than the
        budget its data protection officer sets, so that no series of tables gives people away.
      </p>
      <p role="status" className="notice">
        {notice}
      </p>
      <Status loading={budget.loading} label="Loading the privacy budget…" />
      {budget.error ? <ErrorAlert error={budget.error} /> : null}
      {shown ? (
        shown.total === null ? (
          <p>
            <strong>This register has no privacy budget yet.</strong> No table of counts can be sent for
            sign-off until its data protection officer sets one.
          </p>
        ) : (
          <SummaryList>
            <SummaryRow term="Budget">ε = {shown.total}</SummaryRow>
            <SummaryRow term="Spent">
              ε = {shown.spent}
              {shown.releases.length > 0 ? (
                <span className="hint">
                  By {listWords(shown.releases.map((r) => `${r.title} (${r.epsilon})`))}
                </span>
              ) : null}
            </SummaryRow>
            <SummaryRow term="Left">ε = {shown.left}</SummaryRow>
          </SummaryList>
        )
      ) : null}
      {officer && shown ? (
        <SetBudget
          path={path}
          onSet={(next) => {
            setChanged(next);
            setNotice(`The privacy budget is now ε = ${next.total}.`);
          }}
        />
      ) : null}
    </section>
  );
}

function SetBudget({ path, onSet }: { path: string; onSet(budget: PrivacyBudget): void }) {
  const id = useId();
  const [errors, setErrors] = useState<{ total?: string; reason?: string }>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const total = String(data.get('total') ?? '').trim();
    const reason = String(data.get('reason') ?? '').trim();
    const found: typeof errors = {};
    if (!/^(?:\d+(?:\.\d+)?|\d+\/\d+)$/.test(total))
      found.total = 'Enter the budget as a number like 2 or 1.5, or a fraction like 1/3';
    if (!reason) found.reason = 'Say why the budget is this size';
    setErrors(found);
    setProblem(null);
    if (found.total || found.reason) {
      focusFirstError(form);
      return;
    }
    setBusy(true);
    try {
      onSet(await request<PrivacyBudget>('PUT', path, { body: { total, reason } }));
      form.reset();
    } catch (error) {
      setProblem(problemOf(error, 'The budget was not set. Try again.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={save} noValidate aria-labelledby={`${id}-heading`}>
      <h4 id={`${id}-heading`}>Set the privacy budget</h4>
      {problem ? <ErrorAlert error={problem} title="The budget was not set" /> : null}
      <InputField
        id={`${id}-total`}
        name="total"
        label="Total ε for this register"
        hint="For example 2 for two yearly tables at ε = 1. It can never be less than what is already spent."
        type="text"
        inputMode="decimal"
        className="input input--short"
        autoComplete="off"
        error={errors.total}
      />
      <TextareaField
        id={`${id}-reason`}
        name="reason"
        label="Why this budget"
        hint="Recorded on the ledger with your name."
        maxLength={2000}
        error={errors.reason}
      />
      <button type="submit" className="button" disabled={busy}>
        Set the budget
      </button>
    </form>
  );
}
