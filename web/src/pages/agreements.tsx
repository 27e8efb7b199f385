/**
 * An organization's data-sharing agreements in the agency console: what waits for the person's
 * sign-off, what ends soon, every agreement it is party to, its templates, and how fast it shares.
 */
import { type FormEvent, useId } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { AGREEMENT_STATUSES, type Role, secondsInWords } from '../../../src/domain/index.ts';
import { AGREEMENT_STATUS_LABELS, AgreementStatusTag } from '../agreement-labels.tsx';
import type { Agreement, ApprovalQueue, Organization, TimeToShare } from '../api.ts';
import { ConsoleNav } from '../console-nav.tsx';
import { ErrorAlert, formatDate, Page, Pager, Status } from '../page.tsx';
import { consoleOrganizations } from '../roles.ts';
import { useSession } from '../session.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { AgreementTemplates } from './agreement-templates.tsx';
import { Refusal } from './refusal.tsx';

/** Roles that may ask another organization for data (the API's REQUESTERS). */
export const REQUESTER_ROLES: readonly Role[] = ['data_steward', 'organization_admin'];

export function agreementsPath(org: string): string {
  return `/agency-console/${encodeURIComponent(org)}/agreements`;
}

export function agreementPath(org: string, id: string): string {
  return `${agreementsPath(org)}/${encodeURIComponent(id)}`;
}

/** The roles the signed-in person holds in the organization `org` (console roles only). */
export function useRolesIn(org: string): Role[] | undefined {
  const { session } = useSession();
  if (session === undefined) return undefined;
  return session.signedIn ? (consoleOrganizations(session.roles).get(org) ?? []) : [];
}

/** The link to an agreement: its purpose, with the service under it. */
function AgreementLink({ org, agreement }: { org: string; agreement: Agreement }) {
  return (
    <>
      <Link to={agreementPath(org, agreement.id)}>{agreement.purposeTitle}</Link>
      <span className="hint">
        {agreement.serviceTitle}
        {agreement.version > 1 ? `, version ${agreement.version}` : ''}
      </span>
    </>
  );
}

export function AgreementTable({
  org,
  agreements,
  caption,
}: {
  org: string;
  agreements: Agreement[];
  caption: string;
}) {
  return (
    <table className="table">
      <caption className="table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Agreement</th>
          <th scope="col">Data from</th>
          <th scope="col">Data to</th>
          <th scope="col">Status</th>
          <th scope="col">Ends</th>
        </tr>
      </thead>
      <tbody>
        {agreements.map((agreement) => (
          <tr key={agreement.id}>
            <th scope="row">
              <AgreementLink org={org} agreement={agreement} />
            </th>
            <td>{agreement.providerName}</td>
            <td>{agreement.consumerName}</td>
            <td>
              <AgreementStatusTag status={agreement.status} />
            </td>
            <td>
              {agreement.endedAt
                ? `Ended on ${formatDate(agreement.endedAt)}`
                : formatDate(agreement.validUntil)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WaitingTable({ org, waiting }: { org: string; waiting: ApprovalQueue['waiting'] }) {
  if (waiting.length === 0) return <p>Nothing is waiting for your approval.</p>;
  return (
    <table className="table">
      <caption className="table__caption">Agreements waiting for your approval</caption>
      <thead>
        <tr>
          <th scope="col">Agreement</th>
          <th scope="col">Data from</th>
          <th scope="col">Data to</th>
          <th scope="col">You approve as</th>
          <th scope="col">Sent</th>
        </tr>
      </thead>
      <tbody>
        {waiting.map(({ agreement, label }) => (
          <tr key={agreement.id}>
            <th scope="row">
              <AgreementLink org={org} agreement={agreement} />
            </th>
            <td>{agreement.providerName}</td>
            <td>{agreement.consumerName}</td>
            <td>{label}</td>
            <td>{formatDate(agreement.submittedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EndingSoonTable({ org, agreements }: { org: string; agreements: Agreement[] }) {
  if (agreements.length === 0) return <p>No agreement in force ends within 30 days.</p>;
  return <AgreementTable org={org} agreements={agreements} caption="Agreements ending within 30 days" />;
}

/** The agreements part of an organization's section in the agency console. */
export function AgreementsOverview({ slug, name }: { slug: string; name: string }) {
  const queue = useApi<ApprovalQueue>(`/api/v1/organizations/${encodeURIComponent(slug)}/approvals`);
  return (
    <>
      <h3>Data-sharing agreements</h3>
      <p>
        <Link to={agreementsPath(slug)}>Agreements of {name}</Link>: request data from another organization,
        answer requests, and publish templates.
      </p>
      <h4>Waiting for you</h4>
      <Status loading={queue.loading} label="Loading what waits for you…" />
      {queue.error ? <ErrorAlert error={queue.error} /> : null}
      {queue.data ? <WaitingTable org={slug} waiting={queue.data.waiting} /> : null}
      {queue.data && queue.data.endingSoon.length > 0 ? (
        <p>
          {queue.data.endingSoon.length === 1
            ? '1 agreement ends'
            : `${queue.data.endingSoon.length} agreements end`}{' '}
          within 30 days: see <Link to={agreementsPath(slug)}>the agreements of {name}</Link>.
        </p>
      ) : null}
    </>
  );
}

export function OrganizationAgreementsPage() {
  const { org = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const base = `/api/v1/organizations/${encodeURIComponent(org)}`;
  const organization = useApi<Organization>(base);
  const roles = useRolesIn(org) ?? [];
  const queue = useApi<ApprovalQueue>(`${base}/approvals`);
  const agreements = usePaged<Agreement>(
    `${base}/agreements${status ? `?status=${encodeURIComponent(status)}` : ''}`,
    50,
  );
  const name = organization.data?.name ?? org;
  const statusLabel = AGREEMENT_STATUS_LABELS[status as Agreement['status']] ?? status;
  // Someone who may read agreements but sign none (an auditor) has no queue: that is no problem to show.
  const hasQueue = !(queue.error && queue.error.status === 403);
  const ids = { status: useId() };

  function filter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get('status');
    setParams(typeof value === 'string' && value ? { status: value } : {});
  }

  return (
    <Page title={`Agreements of ${name}`} caption="Agency console">
      {roles.length > 0 ? <ConsoleNav org={org} name={name} roles={roles} current="agreements" /> : null}
      <Status loading={organization.loading} label="Loading the organization…" />
      {organization.error ? <ErrorAlert error={organization.error} /> : null}
      {agreements.error && agreements.pageNumber === 1 ? (
        <Refusal error={agreements.error} />
      ) : (
        <>
          <p className="lead">
            Every agreement under which {name} gives or receives data, and what waits for you.
          </p>
          {roles.some((r) => REQUESTER_ROLES.includes(r)) ? (
            <p>
              <Link className="button button--start" to={`${agreementsPath(org)}/new`}>
                Request data from another organization
              </Link>
            </p>
          ) : null}

          {hasQueue ? (
            <>
              <h2>Waiting for you</h2>
              <Status loading={queue.loading} label="Loading what waits for you…" />
              {queue.error ? <ErrorAlert error={queue.error} /> : null}
              {queue.data ? <WaitingTable org={org} waiting={queue.data.waiting} /> : null}

              <h2>Ending within 30 days</h2>
              {queue.data ? <EndingSoonTable org={org} agreements={queue.data.endingSoon} /> : null}
            </>
          ) : null}

          <h2>All agreements</h2>
          <form className="filters" onSubmit={filter} aria-label="Filter agreements">
            <div className="form-group">
              <label className="label" htmlFor={ids.status}>
                Status
              </label>
              <select className="select" id={ids.status} name="status" defaultValue={status} key={status}>
                <option value="">Any status</option>
                {AGREEMENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {AGREEMENT_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button">
              Apply filter
            </button>
          </form>
          <Status loading={agreements.loading} label="Loading agreements…" />
          {agreements.error ? <ErrorAlert error={agreements.error} /> : null}
          {agreements.data ? (
            agreements.data.items.length === 0 ? (
              <p>
                {status
                  ? `${name} has no agreements with the status “${statusLabel}”.`
                  : `${name} is not party to any agreement yet.`}
              </p>
            ) : (
              <AgreementTable
                org={org}
                agreements={agreements.data.items}
                caption={status ? `Agreements of ${name}: ${statusLabel}` : `Agreements of ${name}`}
              />
            )
          ) : null}
          <Pager paged={agreements} label={`agreements of ${name}`} />

          <AgreementTemplates org={org} name={name} roles={roles} />
          <OrganizationTimeToShare org={org} name={name} />
        </>
      )}
    </Page>
  );
}

function OrganizationTimeToShare({ org, name }: { org: string; name: string }) {
  const figures = useApi<TimeToShare>('/agreements/time-to-share');
  const mine = figures.data?.organizations.find((o) => o.organization === org);
  return (
    <>
      <h2>How long sharing takes</h2>
      <Status loading={figures.loading} label="Loading the time to share…" />
      {figures.error ? <ErrorAlert error={figures.error} /> : null}
      {figures.data ? (
        mine && mine.medianSeconds !== null ? (
          <p>
            Half of the agreements of {name} were in force within{' '}
            <strong>{secondsInWords(mine.medianSeconds)}</strong> of being sent for approval (the median of{' '}
            {mine.agreements} {mine.agreements === 1 ? 'agreement' : 'agreements'}).
            {figures.data.overall.medianSeconds !== null
              ? ` Across government it is ${secondsInWords(figures.data.overall.medianSeconds)}.`
              : ''}{' '}
            <Link to="/agreements/register">See the public register</Link>.
          </p>
        ) : (
          <p>No agreement of {name} has gone from request to in force yet.</p>
        )
      ) : null}
    </>
  );
}
