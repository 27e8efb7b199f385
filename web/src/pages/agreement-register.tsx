/**
 * The public register, for anyone without signing in: every agreement that is or was in force (who
 * gives whom which fields, why, under which law, for how long), emergencies in force, how long
 * sharing takes, and each agreement as a machine-readable ODRL policy.
 */

import { type FormEvent, useId } from 'react';
import { useSearchParams } from 'react-router-dom';
import { daysInWords, secondsInWords } from '../../../src/domain/index.ts';
import {
  AGREEMENT_STATUS_LABELS,
  AgreementStatusTag,
  EmergencyBanner,
  legalBasisText,
} from '../agreement-labels.tsx';
import {
  type Page as ApiPage,
  type Emergency,
  type Organization,
  type RegisterEntry,
  type TimeToShare,
  withQuery,
} from '../api.ts';
import { ErrorAlert, formatDate, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useApi, usePaged } from '../use-api.ts';

/** The statuses of agreements that are or were in force: the register lists only these. */
const REGISTER_STATUSES = ['active', 'suspended', 'expired', 'revoked', 'superseded'] as const;

export function RegisterPage() {
  const [params, setParams] = useSearchParams();
  const filter = { status: params.get('status') ?? '', organization: params.get('organization') ?? '' };
  const entries = usePaged<RegisterEntry>(withQuery('/agreements/register', filter), 20);
  const organizations = useApi<ApiPage<Organization>>('/api/v1/organizations?limit=200');
  const emergencies = useApi<Emergency[]>('/api/v1/emergencies?inForce=true');
  const ids = { status: useId(), organization: useId() };

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['status', 'organization']) {
      const value = form.get(key);
      if (typeof value === 'string' && value) next.set(key, value);
    }
    setParams(next);
  }

  return (
    <Page title="Register of data-sharing agreements">
      <p className="lead">
        Every agreement under which one organization gives another people's data through govdx, in force now
        or in the past.
      </p>
      <p>
        It says who shares which details, why, under which law and for how long. It never shows anyone's data.
      </p>
      {emergencies.error ? <ErrorAlert error={emergencies.error} /> : null}
      {emergencies.data?.map((emergency) => (
        <EmergencyBanner key={emergency.id} emergency={emergency}>
          <p>{emergency.reason}</p>
          <p>
            An emergency is declared until {formatDate(emergency.endsAt)}. Until then, requests made with
            emergency templates are in force at once and approved afterwards. They are marked below, and they
            end with the emergency.
          </p>
        </EmergencyBanner>
      ))}

      <TimeToShareFigures />

      <h2>Agreements</h2>
      <form className="filters" onSubmit={apply} aria-label="Filter agreements">
        <div className="form-group">
          <label className="label" htmlFor={ids.status}>
            Status
          </label>
          <select
            className="select"
            id={ids.status}
            name="status"
            defaultValue={filter.status}
            key={`s-${filter.status}`}
          >
            <option value="">Any status</option>
            {REGISTER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {AGREEMENT_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label className="label" htmlFor={ids.organization}>
            Organization
          </label>
          <select
            className="select"
            id={ids.organization}
            name="organization"
            defaultValue={filter.organization}
            key={`o-${filter.organization}-${organizations.data ? 1 : 0}`}
          >
            <option value="">All organizations</option>
            {organizations.data?.items.map((o) => (
              <option key={o.slug} value={o.slug}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Apply filters
        </button>
      </form>
      <Status loading={entries.loading} label="Loading the register…" />
      {entries.error ? <ErrorAlert error={entries.error} /> : null}
      {entries.data ? (
        entries.data.items.length === 0 ? (
          <p>No agreements match.</p>
        ) : (
          <ul className="results">
            {entries.data.items.map((entry) => (
              <RegisterItem key={entry.id} entry={entry} />
            ))}
          </ul>
        )
      ) : null}
      <Pager paged={entries} label="the register" />
    </Page>
  );
}

function RegisterItem({ entry }: { entry: RegisterEntry }) {
  const parties = `${entry.providerName} to ${entry.consumerName}`;
  return (
    <li className="results__item">
      <h3 className="results__title">{entry.purposeTitle}</h3>
      <p className="results__meta">
        <AgreementStatusTag status={entry.status} /> {parties}: {entry.serviceTitle}
        {entry.version > 1 ? `, version ${entry.version}` : ''}
      </p>
      {entry.emergency ? <EmergencyBanner emergency={entry.emergency} /> : null}
      <SummaryList>
        <SummaryRow term="Legal basis">
          {legalBasisText(entry.legalBasis, entry.specialCategoryBasis)}
        </SummaryRow>
        <SummaryRow term="Fields">
          <ul className="list list--inline">
            {entry.fields.map((field) => (
              <li key={field}>
                <code>{field}</code>
              </li>
            ))}
          </ul>
        </SummaryRow>
        <SummaryRow term="In force">
          From {formatDate(entry.activatedAt ?? entry.validFrom)}{' '}
          {entry.endedAt ? `until ${formatDate(entry.endedAt)}` : `until ${formatDate(entry.validUntil)}`}
        </SummaryRow>
        <SummaryRow term="Data may be kept for">{daysInWords(entry.retentionDays)}</SummaryRow>
        <SummaryRow term="Passing the data on">{entry.onwardSharing ? 'Allowed' : 'Not allowed'}</SummaryRow>
      </SummaryList>
      <p>
        <a href={`/agreements/${encodeURIComponent(entry.id)}/odrl`} type="application/ld+json">
          The agreement as an ODRL policy
          <span className="visually-hidden">
            : {entry.purposeTitle}, {parties}
          </span>
        </a>{' '}
        <span className="hint">Machine-readable (JSON-LD)</span>
      </p>
    </li>
  );
}

function TimeToShareFigures() {
  const figures = useApi<TimeToShare>('/agreements/time-to-share');
  const measured = figures.data?.organizations.filter((o) => o.medianSeconds !== null) ?? [];
  return (
    <>
      <h2>How long sharing takes</h2>
      <Status loading={figures.loading} label="Loading the time to share…" />
      {figures.error ? <ErrorAlert error={figures.error} /> : null}
      {figures.data ? (
        figures.data.overall.medianSeconds === null ? (
          <p>No agreement has gone from request to in force yet.</p>
        ) : (
          <>
            <p>
              From the request to the agreement being in force, half of all agreements took at most
              <span className="figure">{secondsInWords(figures.data.overall.medianSeconds)}</span>
              <span className="hint">
                The median of {figures.data.overall.agreements}{' '}
                {figures.data.overall.agreements === 1 ? 'agreement' : 'agreements'}.
              </span>
            </p>
            <table className="table">
              <caption className="table__caption">Time from request to in force, by organization</caption>
              <thead>
                <tr>
                  <th scope="col">Organization</th>
                  <th scope="col">Agreements</th>
                  <th scope="col">Median time</th>
                </tr>
              </thead>
              <tbody>
                {measured.map((o) => (
                  <tr key={o.organization}>
                    <th scope="row">{o.name}</th>
                    <td>{o.agreements}</td>
                    <td>{secondsInWords(o.medianSeconds!)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      ) : null}
      {figures.data && figures.data.emergencyAgreements > 0 ? (
        <p>
          Not counted: {figures.data.emergencyAgreements}{' '}
          {figures.data.emergencyAgreements === 1 ? 'agreement' : 'agreements'} made under an emergency, in
          force as soon as requested, with the sign-offs collected afterwards.
        </p>
      ) : null}
    </>
  );
}
