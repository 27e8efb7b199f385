/**
 * The public register, for anyone without signing in: every agreement that is or was in force (who
 * gives whom which fields, why, under which law, for how long), emergencies in force, how long
 * sharing takes, and each agreement as a machine-readable ODRL policy.
 */

import { type FormEvent, useId } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { daysInWords, LEGAL_BASES, secondsInWords } from '../../../src/domain/index.ts';
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
  type PublicAgreement,
  type Purpose,
  type RegisterEntry,
  type TimeToShare,
  withQuery,
} from '../api.ts';
import { ErrorAlert, formatDate, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useApi, usePaged } from '../use-api.ts';

/** The statuses of agreements that are or were in force: the register lists only these. */
const REGISTER_STATUSES = ['active', 'suspended', 'expired', 'revoked', 'superseded'] as const;

const FILTERS = ['q', 'provider', 'consumer', 'status', 'legalBasis', 'purpose'] as const;
type Filter = Record<(typeof FILTERS)[number], string>;

export function RegisterPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ''])) as Filter;
  // An older link may name either party.
  const organization = params.get('organization') ?? '';
  const entries = usePaged<RegisterEntry>(withQuery('/agreements/register', { ...filter, organization }), 20);
  const organizations = useApi<ApiPage<Organization>>('/api/v1/organizations?limit=200');
  const purposes = useApi<ApiPage<Purpose>>('/api/v1/purposes?limit=200');
  const emergencies = useApi<Emergency[]>('/api/v1/emergencies?inForce=true');
  const base = useId();
  const id = (key: string) => `${base}-${key}`;

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of FILTERS) {
      const value = form.get(key);
      if (typeof value === 'string' && value.trim()) next.set(key, value.trim());
    }
    setParams(next);
  }

  const choice = (
    key: (typeof FILTERS)[number],
    label: string,
    any: string,
    options: Array<[string, string]>,
    loaded: boolean,
  ) => (
    <div className="form-group">
      <label className="label" htmlFor={id(key)}>
        {label}
      </label>
      <select
        className="select"
        id={id(key)}
        name={key}
        defaultValue={filter[key]}
        key={`${key}-${filter[key]}-${loaded ? 1 : 0}`}
      >
        <option value="">{any}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
  const organizationOptions = (organizations.data?.items ?? []).map(
    (o) => [o.slug, o.name] as [string, string],
  );
  const filtered = FILTERS.some((key) => filter[key]) || organization !== '';

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
      <form className="filters" onSubmit={apply} aria-label="Search and filter agreements">
        <div className="form-group">
          <label className="label" htmlFor={id('q')}>
            Search
          </label>
          <p className="hint" id={`${id('q')}-hint`}>
            Words in the purpose, the service or the names of the organizations
          </p>
          <input
            className="input"
            id={id('q')}
            name="q"
            type="search"
            defaultValue={filter.q}
            key={`q-${filter.q}`}
            aria-describedby={`${id('q')}-hint`}
            maxLength={200}
          />
        </div>
        {choice(
          'provider',
          'Who gives the data',
          'Any organization',
          organizationOptions,
          !!organizations.data,
        )}
        {choice(
          'consumer',
          'Who receives the data',
          'Any organization',
          organizationOptions,
          !!organizations.data,
        )}
        {choice(
          'status',
          'Status',
          'Any status',
          REGISTER_STATUSES.map((s) => [s, AGREEMENT_STATUS_LABELS[s]]),
          true,
        )}
        {choice(
          'legalBasis',
          'Legal basis',
          'Any legal basis',
          Object.entries(LEGAL_BASES) as Array<[string, string]>,
          true,
        )}
        {choice(
          'purpose',
          'Purpose',
          'Any purpose',
          (purposes.data?.items ?? []).map((p) => [p.slug, p.title]),
          !!purposes.data,
        )}
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <p>
        <a href={withQuery('/agreements/register.csv', { ...filter, organization })} download>
          Download {filtered ? 'these agreements' : 'the register'} as CSV
        </a>{' '}
        <span className="hint">A spreadsheet file: one row per agreement</span>
      </p>
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
      <h3 className="results__title">
        <Link to={`/agreements/register/${encodeURIComponent(entry.id)}`}>{entry.purposeTitle}</Link>
      </h3>
      <p className="results__meta">
        <AgreementStatusTag status={entry.status} /> {parties}: {entry.serviceTitle}
        {entry.version > 1 ? `, version ${entry.version}` : ''}
      </p>
      {entry.emergency ? <EmergencyBanner emergency={entry.emergency} /> : null}
      <SummaryList>
        <SummaryRow term="Legal basis">
          {legalBasisText(entry.legalBasis, entry.specialCategoryBasis)}
        </SummaryRow>
        <SummaryRow term="Details shared">
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

/** One agreement, in plain words, for anyone: who shares what with whom, why, under which law, until when. */
export function RegisterAgreementPage() {
  const { id = '' } = useParams();
  const agreement = useApi<PublicAgreement>(`/agreements/register/${encodeURIComponent(id)}`);
  const a = agreement.data;
  return (
    <Page title={a ? a.purposeTitle : 'Agreement'} caption="Register of data-sharing agreements">
      <p>
        <Link to="/agreements/register">Back to the register</Link>
      </p>
      <Status loading={agreement.loading} label="Loading the agreement…" />
      {agreement.error ? <ErrorAlert error={agreement.error} /> : null}
      {a ? (
        <>
          <p className="lead">
            {a.providerName} gives {a.consumerName} {a.fields.length}{' '}
            {a.fields.length === 1 ? 'detail' : 'details'} about people from its {a.serviceTitle}, for this
            purpose: {a.purposeTitle.toLowerCase()}.
          </p>
          {a.emergency ? <EmergencyBanner emergency={a.emergency} /> : null}
          <SummaryList>
            <SummaryRow term="Status">
              <AgreementStatusTag status={a.status} />
            </SummaryRow>
            <SummaryRow term="Who gives the data">{a.providerName}</SummaryRow>
            <SummaryRow term="Who receives it">{a.consumerName}</SummaryRow>
            <SummaryRow term="Why">{a.purposeDescription || a.purposeTitle}</SummaryRow>
            <SummaryRow term="Legal basis">{legalBasisText(a.legalBasis, a.specialCategoryBasis)}</SummaryRow>
            <SummaryRow term="Details shared">
              <ul className="list list--inline">
                {a.fields.map((field) => (
                  <li key={field}>
                    <code>{field}</code>
                  </li>
                ))}
              </ul>
            </SummaryRow>
            <SummaryRow term="In force">
              From {formatDate(a.activatedAt ?? a.validFrom)}{' '}
              {a.endedAt ? `until ${formatDate(a.endedAt)} (ended)` : `until ${formatDate(a.validUntil)}`}
            </SummaryRow>
            <SummaryRow term="Data may be kept for">{daysInWords(a.retentionDays)}</SummaryRow>
            <SummaryRow term="Passing the data on">{a.onwardSharing ? 'Allowed' : 'Not allowed'}</SummaryRow>
            {a.version > 1 ? <SummaryRow term="Version">{a.version}</SummaryRow> : null}
          </SummaryList>
          <h2>Sign-offs</h2>
          {a.signOffs.length === 0 ? (
            <p>No sign-off was needed.</p>
          ) : (
            <ul className="list list--bullet">
              {a.signOffs.map((s) => (
                <li key={s.party}>
                  {s.label} at {s.organizationName}:{' '}
                  {s.decision === 'approved'
                    ? `signed off on ${formatDate(s.decidedAt)}`
                    : s.decision === 'rejected'
                      ? `turned it down on ${formatDate(s.decidedAt)}`
                      : 'not yet signed'}
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href={`/agreements/${encodeURIComponent(a.id)}/odrl`} type="application/ld+json">
              The agreement as an ODRL policy
            </a>{' '}
            <span className="hint">Machine-readable (JSON-LD)</span>
          </p>
        </>
      ) : null}
    </Page>
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
