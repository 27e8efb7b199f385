import { Link, useParams } from 'react-router-dom';
import { AgreementStatusTag } from '../agreement-labels.tsx';
import type { Agreement, ConsentClient, Member, Organization, System } from '../api.ts';
import { withQuery } from '../api.ts';
import { ErrorAlert, formatDate, Page, Pager, Status } from '../page.tsx';
import { roleLabel } from '../roles.ts';
import { UsageView } from '../usage-view.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { GOVERNANCE_KIND_LABELS } from './governance-events.tsx';
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
        <Link to="/auditor/ledger/events">
          Search the ledger: every call through the exchange and every change, by organization, system,
          purpose and date, with downloads
        </Link>
      </p>
      <p>
        <Link to="/auditor/ledger/check">
          Check the whole ledger against its signed checkpoint, in this browser
        </Link>
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
      <nav aria-label="On this page">
        <ul className="list list--inline">
          <li>
            <a href="#agreements">Agreements</a>
          </li>
          <li>
            <a href="#systems">Systems and keys</a>
          </li>
          <li>
            <a href="#consent-services">Consent services</a>
          </li>
          <li>
            <a href="#changes">Changes</a>
          </li>
          <li>
            <a href="#people">People</a>
          </li>
        </ul>
      </nav>
      <AuditorAgreements org={org} name={name} />
      <h2 id="systems">Systems and their keys</h2>
      <Status loading={systems.loading} label="Loading systems…" />
      {systems.error ? <Refusal error={systems.error} /> : null}
      {systems.data ? <SystemTable systems={systems.data.items} caption={`Systems of ${name}`} /> : null}
      <Pager paged={systems} label="systems" />
      {systems.data?.items.map((system) => (
        <SystemKeys key={system.id} org={org} system={system} />
      ))}
      <AuditorConsentServices org={org} name={name} />
      <AuditorChanges org={org} name={name} />
      <h2 id="people">People with roles</h2>
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

interface KeyChange {
  at: string | null;
  index: number;
  by: { id: string; name: string | null } | null;
}

interface SystemKeyHistory {
  system: string;
  jwksUri: string | null;
  keys: Array<{
    kid: string;
    alg: string | null;
    kty: string | null;
    current: boolean;
    added: KeyChange | null;
    removed: KeyChange | null;
  }>;
}

function changeText(change: KeyChange | null): string {
  if (!change) return 'Not on the ledger';
  const by = change.by ? ` by ${change.by.name ?? change.by.id}` : '';
  return `${formatDate(change.at)}${by} (entry ${change.index})`;
}

/** A system's keys as the ledger recorded them: when each came and went, and who made the change. */
function SystemKeys({ org, system }: { org: string; system: System }) {
  const history = useApi<SystemKeyHistory>(
    `/api/v1/organizations/${encodeURIComponent(org)}/systems/${encodeURIComponent(system.slug)}/keys`,
  );
  return (
    <section aria-labelledby={`keys-${system.id}`}>
      <h3 id={`keys-${system.id}`}>Keys of {system.name}</h3>
      <Status loading={history.loading} label={`Loading the keys of ${system.name}…`} />
      {history.error ? <ErrorAlert error={history.error} /> : null}
      {history.data ? (
        history.data.keys.length === 0 ? (
          <p>
            {history.data.jwksUri
              ? `Its keys are fetched from ${history.data.jwksUri}; the ledger records the address, not the keys.`
              : 'No keys are recorded.'}
          </p>
        ) : (
          <table className="table">
            <caption className="table__caption">Keys of {system.name}, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Added</th>
                <th scope="col">Removed</th>
              </tr>
            </thead>
            <tbody>
              {history.data.keys.map((key) => (
                <tr key={key.kid}>
                  <th scope="row">
                    <code>{key.kid}</code>
                    {key.current ? <span className="hint">In use</span> : null}
                  </th>
                  <td>{key.alg ?? (key.current ? 'Not stated' : 'Not known (no longer held)')}</td>
                  <td>{changeText(key.added)}</td>
                  <td>{key.current ? '—' : changeText(key.removed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </section>
  );
}

function AuditorAgreements({ org, name }: { org: string; name: string }) {
  const agreements = usePaged<Agreement>(`/api/v1/organizations/${encodeURIComponent(org)}/agreements`, 20);
  return (
    <>
      <h2 id="agreements">Agreements</h2>
      <Status loading={agreements.loading} label="Loading agreements…" />
      {agreements.error ? <Refusal error={agreements.error} /> : null}
      {agreements.data ? (
        agreements.data.items.length === 0 ? (
          <p>{name} is party to no agreement.</p>
        ) : (
          <table className="table">
            <caption className="table__caption">Agreements {name} is party to</caption>
            <thead>
              <tr>
                <th scope="col">Purpose</th>
                <th scope="col">Gives or receives</th>
                <th scope="col">Status</th>
                <th scope="col">Until</th>
              </tr>
            </thead>
            <tbody>
              {agreements.data.items.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    <Link
                      to={`/agency-console/${encodeURIComponent(org)}/agreements/${encodeURIComponent(a.id)}`}
                    >
                      {a.purposeTitle}
                    </Link>
                    <span className="hint">{a.serviceTitle}</span>
                  </th>
                  <td>
                    {a.provider === org ? `Gives to ${a.consumerName}` : `Receives from ${a.providerName}`}
                  </td>
                  <td>
                    <AgreementStatusTag status={a.status} />
                  </td>
                  <td>{formatDate(a.endedAt ?? a.validUntil)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <Pager paged={agreements} label="agreements" />
    </>
  );
}

function AuditorConsentServices({ org, name }: { org: string; name: string }) {
  const clients = usePaged<ConsentClient>(
    `/api/v1/organizations/${encodeURIComponent(org)}/consent-clients`,
    20,
  );
  return (
    <>
      <h2 id="consent-services">Consent services</h2>
      <p>Services of {name} that ask citizens for consent, and the purposes they may ask it for.</p>
      <Status loading={clients.loading} label="Loading consent services…" />
      {clients.error ? <Refusal error={clients.error} /> : null}
      {clients.data ? (
        clients.data.items.length === 0 ? (
          <p>{name} has no consent service.</p>
        ) : (
          <table className="table">
            <caption className="table__caption">Consent services of {name}</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Purposes</th>
                <th scope="col">Keys</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {clients.data.items.map((c) => (
                <tr key={c.clientId}>
                  <th scope="row">
                    {c.name}
                    <span className="hint">
                      <code>{c.clientId}</code>
                    </span>
                  </th>
                  <td>{c.purposes.join(', ') || '—'}</td>
                  <td>{c.jwks.keys.map((k) => k.kid).join(', ') || 'None'}</td>
                  <td>{formatDate(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <Pager paged={clients} label="consent services" />
    </>
  );
}

interface GovernanceChange {
  index: number;
  kind: string;
  at: string | null;
  actor: { id: string; name: string | null } | null;
  event: Record<string, unknown>;
}

function AuditorChanges({ org, name }: { org: string; name: string }) {
  const changes = usePaged<GovernanceChange>(
    withQuery('/api/v1/ledger-events', { type: 'governance', organization: org }),
    20,
  );
  return (
    <>
      <h2 id="changes">Changes to who may see or do what</h2>
      <p>
        <Link to={withQuery('/auditor/ledger/events', { type: 'governance', organization: org })}>
          Search all of {name}'s ledger entries
        </Link>
      </p>
      <Status loading={changes.loading} label="Loading changes…" />
      {changes.error ? <Refusal error={changes.error} /> : null}
      {changes.data ? (
        changes.data.items.length === 0 ? (
          <p>
            {changes.data.nextCursor ? 'None on this page; go to the next page.' : 'No changes are recorded.'}
          </p>
        ) : (
          <table className="table">
            <caption className="table__caption">Changes concerning {name}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">What changed</th>
                <th scope="col">Who</th>
              </tr>
            </thead>
            <tbody>
              {changes.data.items.map((c) => (
                <tr key={c.index}>
                  <th scope="row">
                    {formatDate(c.at)}
                    <span className="hint">Entry {c.index}</span>
                  </th>
                  <td>
                    {GOVERNANCE_KIND_LABELS[c.kind] ?? c.kind}
                    <span className="hint">{changeDetail(c.event)}</span>
                  </td>
                  <td>{c.actor ? (c.actor.name ?? c.actor.id) : 'govdx itself'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <Pager paged={changes} label="changes" />
    </>
  );
}

/** The thing changed, in a few words, from the event's own details. */
function changeDetail(event: Record<string, unknown>): string {
  for (const key of ['system', 'purpose', 'client', 'service', 'dataset', 'name']) {
    const value = event[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}
