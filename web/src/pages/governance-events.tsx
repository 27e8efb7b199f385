/**
 * The auditor's list of governance events: every change to who may see or do what, as the ledger holds
 * it, filtered by kind, organization and the person who made it (GET /api/v1/governance-events).
 */
import { type FormEvent, useId } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { withQuery } from '../api.ts';
import { ErrorAlert, Page, Pager, Status } from '../page.tsx';
import { usePaged } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

interface GovernanceEvent {
  index: number;
  kind: string;
  at: string | null;
  organizations: string[];
  actor: { id: string; name: string | null } | null;
  event: Record<string, unknown>;
  indexProblem: string | null;
}

/** Kinds govdx records, in plain words; other kinds are shown as recorded. */
export const GOVERNANCE_KIND_LABELS: Record<string, string> = {
  'system.registered': 'System registered',
  'system.changed': 'System renamed or described',
  'system.key_rotated': "System's keys changed",
  'system.disabled': 'System disabled',
  'system.enabled': 'System enabled',
  'purpose.registered': 'Purpose registered',
  'purpose.changed': 'Purpose changed',
  'organization.registered': 'Organization registered',
  'organization.changed': 'Organization renamed or changed',
  'person.registered': 'Person registered',
  'person.changed': "Person's name, email or national ID changed",
  'consent_client.registered': 'Consent client registered',
  'consent_client.changed': 'Consent client changed',
  'consent.given': 'Consent given',
  'consent.revoked': 'Consent withdrawn',
  'consent.expired': 'Consent expired',
  'agreement.requested': 'Agreement requested',
  'agreement.submitted': 'Agreement submitted',
  'agreement.approved': 'Agreement approved by a party',
  'agreement.activated': 'Agreement in force',
  'agreement.rejected': 'Agreement rejected',
  'agreement.withdrawn': 'Agreement withdrawn',
  'agreement.suspended': 'Agreement suspended',
  'agreement.resumed': 'Agreement resumed',
  'agreement.revoked': 'Agreement revoked',
  'agreement.expired': 'Agreement expired',
  'agreement.amended': 'Agreement amendment requested',
  'agreement.superseded': 'Agreement replaced by a new version',
};

const FILTERS = ['kind', 'organization', 'actor'] as const;

function formatTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}

/** What changed, in a few words, from the event's own details. */
function detailOf(event: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['system', 'purpose', 'client', 'agreement', 'person', 'name', 'status']) {
    const value = event[key];
    if (typeof value === 'string' && value !== '') parts.push(`${key} ${value}`);
  }
  const changed = event.changed;
  if (Array.isArray(changed) && changed.length > 0) parts.push(`changed: ${changed.join(', ')}`);
  return parts.join(' · ') || '—';
}

export function GovernanceEventsPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? '']));
  const events = usePaged<GovernanceEvent>(withQuery('/api/v1/governance-events', filter), 50);
  const ids = { kind: useId(), organization: useId(), actor: useId() };

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const key of FILTERS) {
      const value = form.get(key);
      if (typeof value === 'string' && value.trim() !== '') next[key] = value.trim();
    }
    setParams(next);
  }

  const filtered = FILTERS.some((key) => filter[key]);
  return (
    <Page title="Governance events" caption="Auditor">
      <p className="lead">
        Every change to who may see or do what, as the ledger records it: systems and their keys, purposes,
        agreements, consents, consent clients and roles. Each names the organization concerned and the person
        who made it.
      </p>
      <p>
        <Link to="/auditor">Back to organizations</Link>
      </p>
      <form className="filters" onSubmit={apply} aria-label="Filter governance events">
        <div className="form-group">
          <label className="label" htmlFor={ids.kind}>
            Kind of change
          </label>
          <select className="select" id={ids.kind} name="kind" defaultValue={filter.kind} key={filter.kind}>
            <option value="">Any kind</option>
            {Object.entries(GOVERNANCE_KIND_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label className="label" htmlFor={ids.organization}>
            Organization
          </label>
          <p className="hint" id={`${ids.organization}-hint`}>
            Its short name, as in its address, for example tax-agency
          </p>
          <input
            className="input"
            id={ids.organization}
            name="organization"
            defaultValue={filter.organization}
            key={filter.organization}
            aria-describedby={`${ids.organization}-hint`}
            autoComplete="off"
          />
        </div>
        <div className="form-group">
          <label className="label" htmlFor={ids.actor}>
            Made by
          </label>
          <p className="hint" id={`${ids.actor}-hint`}>
            The person's identifier, shown under their name in the list
          </p>
          <input
            className="input"
            id={ids.actor}
            name="actor"
            defaultValue={filter.actor}
            key={filter.actor}
            aria-describedby={`${ids.actor}-hint`}
            autoComplete="off"
          />
        </div>
        <button type="submit" className="button">
          Apply filter
        </button>
      </form>
      <Status loading={events.loading} label="Loading governance events…" />
      {events.error && events.pageNumber === 1 && events.error.status === 403 ? (
        <Refusal error={events.error} />
      ) : events.error ? (
        <ErrorAlert error={events.error} />
      ) : null}
      {events.data ? (
        events.data.items.length === 0 ? (
          <p>
            {filtered
              ? 'No governance event matches these filters on this page.'
              : 'The ledger holds no governance event yet.'}
          </p>
        ) : (
          <table className="table">
            <caption className="table__caption">Governance events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Entry and time (UTC)</th>
                <th scope="col">Change</th>
                <th scope="col">Organization</th>
                <th scope="col">Made by</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((e) => (
                <tr key={e.index}>
                  <th scope="row">
                    Entry {e.index}
                    <span className="hint">{formatTime(e.at)}</span>
                  </th>
                  <td>
                    {GOVERNANCE_KIND_LABELS[e.kind] ?? e.kind}
                    <span className="hint">{detailOf(e.event)}</span>
                    {e.indexProblem ? (
                      <p className="error-message">
                        <strong>The ledger's index disagrees:</strong> {e.indexProblem}
                      </p>
                    ) : null}
                  </td>
                  <td>{e.organizations.join(', ') || '—'}</td>
                  <td>
                    {e.actor ? (
                      <>
                        {e.actor.name ?? 'Unknown person'}
                        <span className="hint">
                          <code>{e.actor.id}</code>
                        </span>
                      </>
                    ) : (
                      'govdx itself'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <Pager paged={events} label="governance events" />
    </Page>
  );
}
