import { Link, useParams } from 'react-router-dom';
import type { Member, Organization, System } from '../api.ts';
import { ErrorAlert, formatDate, Page, Pager, Status } from '../page.tsx';
import { roleLabel } from '../roles.ts';
import { UsageView } from '../usage-view.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { KIND_LABELS } from './organizations.tsx';
import { Refusal } from './refusal.tsx';

export function AuditorPage() {
  const organizations = usePaged<Organization>('/api/v1/organizations', 50);
  return (
    <Page title="Auditor">
      <p className="lead">
        Every organization on govdx, with the systems that call the exchange and the people who hold roles.
      </p>
      <p>
        <Link to="/auditor/ledger/governance-events">
          Governance events: every change to who may see or do what, by kind, organization and person
        </Link>
      </p>
      <p>
        <Link to="/auditor/usage">
          Use of the exchange: calls and refusals per day, across all organizations
        </Link>
      </p>
      <p>
        <Link to="/provider-addresses">
          Provider addresses: the only addresses the exchange calls on behalf of a service
        </Link>
      </p>
      <Status loading={organizations.loading} label="Loading organizations…" />
      {organizations.error ? <ErrorAlert error={organizations.error} /> : null}
      {organizations.data ? (
        <table className="table">
          <caption className="table__caption">Organizations</caption>
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Kind</th>
              <th scope="col">Registered</th>
            </tr>
          </thead>
          <tbody>
            {organizations.data.items.map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  <Link to={`/auditor/${o.slug}`}>{o.name}</Link>
                </th>
                <td>{KIND_LABELS[o.kind]}</td>
                <td>{formatDate(o.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paged={organizations} label="organizations" />
    </Page>
  );
}

export function SystemTable({ systems, caption }: { systems: System[]; caption: string }) {
  if (systems.length === 0) return <p>No systems are registered.</p>;
  return (
    <table className="table">
      <caption className="table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">System</th>
          <th scope="col">Status</th>
          <th scope="col">Keys</th>
          <th scope="col">Registered</th>
        </tr>
      </thead>
      <tbody>
        {systems.map((system) => (
          <tr key={system.id}>
            <th scope="row">
              {system.name}
              <span className="hint">
                <code>{system.slug}</code>
              </span>
            </th>
            <td>
              <strong className={system.status === 'active' ? 'tag tag--open' : 'tag tag--grey'}>
                {system.status === 'active' ? 'Active' : 'Disabled'}
              </strong>
            </td>
            <td>
              {system.jwksUri ? (
                <>
                  Published at <code>{system.jwksUri}</code>
                </>
              ) : system.jwks ? (
                `${system.jwks.keys.length} ${system.jwks.keys.length === 1 ? 'key' : 'keys'}`
              ) : (
                'None'
              )}
            </td>
            <td>{formatDate(system.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AuditorOrganizationPage() {
  const { org = '' } = useParams();
  const base = `/api/v1/organizations/${encodeURIComponent(org)}`;
  const organization = useApi<Organization>(base);
  const systems = usePaged<System>(`${base}/systems`, 50);
  const members = usePaged<Member>(`${base}/members`, 50);
  const name = organization.data?.name ?? org;
  return (
    <Page title={organization.data?.name ?? 'Organization'} caption="Auditor">
      <Status loading={organization.loading} label="Loading the organization…" />
      {organization.error ? <ErrorAlert error={organization.error} /> : null}
      <h2>Systems</h2>
      <Status loading={systems.loading} label="Loading systems…" />
      {systems.error ? <Refusal error={systems.error} /> : null}
      {systems.data ? <SystemTable systems={systems.data.items} caption={`Systems of ${name}`} /> : null}
      <Pager paged={systems} label="systems" />
      <h2>People with roles</h2>
      <Status loading={members.loading} label="Loading people…" />
      {members.error ? <Refusal error={members.error} /> : null}
      {members.data ? (
        members.data.items.length === 0 ? (
          <p>Nobody holds a role here.</p>
        ) : (
          <table className="table">
            <caption className="table__caption">People with roles at {name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Roles</th>
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((m) => (
                <tr key={m.personId}>
                  <th scope="row">{m.name}</th>
                  <td>{m.email ?? '—'}</td>
                  <td>{m.roles.map(roleLabel).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <Pager paged={members} label="people" />
    </Page>
  );
}

export function AuditorUsagePage() {
  return (
    <Page title="Use of the exchange">
      <p className="lead">
        Calls between all organizations through the exchange, day by day (UTC): answered, without a record,
        refused and failed, with the reasons and how fast. These are statistics; the ledger records every
        call.
      </p>
      <UsageView
        path="/api/v1/usage"
        title="Use of the exchange"
        columns="both"
        none="No calls through the exchange in these days."
      />
    </Page>
  );
}
