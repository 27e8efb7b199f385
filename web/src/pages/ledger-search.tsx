/**
 * The auditor's search of the ledger: access events (the exchange's decisions) and governance events, by
 * kind, organization, system, purpose and day, page by page, and what was found as CSV or JSON Lines
 * (GET /api/v1/ledger-events and its export).
 */
import { type FormEvent, useId } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { withQuery } from '../api.ts';
import { ErrorAlert, Page, Pager, Status } from '../page.tsx';
import { usePaged } from '../use-api.ts';
import { GOVERNANCE_KIND_LABELS } from './governance-events.tsx';
import { Refusal } from './refusal.tsx';

interface LedgerEvent {
  index: number;
  type: 'access' | 'governance';
  kind: string;
  at: string | null;
  organizations: string[];
  system: string | null;
  purpose: string | null;
  outcome: string | null;
  actor: { id: string; name: string | null } | null;
  event: Record<string, unknown>;
  indexProblem: string | null;
}

const FILTERS = ['type', 'kind', 'organization', 'system', 'purpose', 'from', 'to'] as const;
type Filter = Record<(typeof FILTERS)[number], string>;

const OUTCOME_LABELS: Record<string, string> = {
  allowed: 'Answered',
  denied: 'Refused',
  failed: 'Failed',
};

function formatTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}

/** What happened, in a few words. */
function whatHappened(e: LedgerEvent): string {
  if (e.type === 'access') {
    const outcome = OUTCOME_LABELS[e.outcome ?? ''] ?? e.outcome ?? 'Call';
    const service = typeof e.event.service === 'string' ? ` to ${e.event.provider}/${e.event.service}` : '';
    const code = typeof e.event.code === 'string' ? ` (${e.event.code})` : '';
    return `Exchange call${service}: ${outcome.toLowerCase()}${code}`;
  }
  return GOVERNANCE_KIND_LABELS[e.kind] ?? e.kind;
}

function whoActed(e: LedgerEvent): string {
  if (e.type === 'access') {
    const official = typeof e.event.official === 'string' ? `, for ${e.event.official}` : '';
    return e.system ? `System ${e.system}${official}` : 'Unknown system';
  }
  return e.actor ? (e.actor.name ?? e.actor.id) : 'govdx itself';
}

export function LedgerSearchPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ''])) as Filter;
  const events = usePaged<LedgerEvent>(withQuery('/api/v1/ledger-events', filter), 50);
  const base = useId();
  const id = (key: string) => `${base}-${key}`;

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

  const text = (key: 'organization' | 'system' | 'purpose', label: string, hint: string) => (
    <div className="form-group">
      <label className="label" htmlFor={id(key)}>
        {label}
      </label>
      <p className="hint" id={`${id(key)}-hint`}>
        {hint}
      </p>
      <input
        className="input"
        id={id(key)}
        name={key}
        defaultValue={filter[key]}
        key={filter[key]}
        aria-describedby={`${id(key)}-hint`}
        autoComplete="off"
        pattern="[a-z0-9][a-z0-9\-]*"
      />
    </div>
  );
  const day = (key: 'from' | 'to', label: string) => (
    <div className="form-group">
      <label className="label" htmlFor={id(key)}>
        {label}
      </label>
      <input
        className="input"
        id={id(key)}
        name={key}
        type="date"
        defaultValue={filter[key]}
        key={filter[key]}
      />
    </div>
  );

  const filtered = FILTERS.some((key) => filter[key]);
  const exportQuery = Object.fromEntries(FILTERS.map((key) => [key, filter[key]]));
  return (
    <Page title="Search the ledger" caption="Auditor">
      <p className="lead">
        Every entry of the ledger: each call through the exchange, answered or refused, and each change to who
        may see or do what. Newest first.
      </p>
      <p>
        <Link to="/auditor">Back to the auditor's workbench</Link>
      </p>
      <form className="filters ledger-search__filters" onSubmit={apply} aria-label="Search the ledger">
        <div className="form-group">
          <label className="label" htmlFor={id('type')}>
            Entries
          </label>
          <select className="select" id={id('type')} name="type" defaultValue={filter.type} key={filter.type}>
            <option value="">Calls and changes</option>
            <option value="access">Calls through the exchange</option>
            <option value="governance">Changes to who may see or do what</option>
          </select>
        </div>
        <div className="form-group">
          <label className="label" htmlFor={id('kind')}>
            Kind of change
          </label>
          <select className="select" id={id('kind')} name="kind" defaultValue={filter.kind} key={filter.kind}>
            <option value="">Any kind</option>
            {Object.entries(GOVERNANCE_KIND_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {text('organization', 'Organization', 'Its short name, as in its address, for example tax-agency')}
        {text('system', 'System', 'Its short name, for example benefits-backend')}
        {text('purpose', 'Purpose', 'Its short name, for example housing-benefit-eligibility')}
        {day('from', 'From (UTC)')}
        {day('to', 'To (UTC), included')}
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <p className="ledger-search__export">
        Download what this search finds:{' '}
        <a href={withQuery('/api/v1/ledger-events/export', { ...exportQuery, format: 'csv' })} download>
          CSV
        </a>{' '}
        or{' '}
        <a href={withQuery('/api/v1/ledger-events/export', { ...exportQuery, format: 'jsonl' })} download>
          JSON Lines
        </a>
      </p>
      <Status loading={events.loading} label="Searching the ledger…" />
      {events.error && events.pageNumber === 1 && events.error.status === 403 ? (
        <Refusal error={events.error} />
      ) : events.error ? (
        <ErrorAlert error={events.error} />
      ) : null}
      {events.data ? (
        events.data.items.length === 0 ? (
          <p>
            {events.data.nextCursor
              ? 'Nothing on this page matches: the search read part of the ledger. Go to the next page for the rest.'
              : filtered
                ? 'No entry matches this search.'
                : 'The ledger is empty.'}
          </p>
        ) : (
          <table className="table ledger-search__table">
            <caption className="table__caption">Ledger entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Entry and time (UTC)</th>
                <th scope="col">What happened</th>
                <th scope="col">Organizations</th>
                <th scope="col">By</th>
                <th scope="col">Purpose</th>
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
                    {whatHappened(e)}
                    {e.indexProblem ? (
                      <p className="error-message">
                        <strong>The ledger's index disagrees:</strong> {e.indexProblem}
                      </p>
                    ) : null}
                  </td>
                  <td>{e.organizations.join(', ') || '—'}</td>
                  <td>{whoActed(e)}</td>
                  <td>{e.purpose ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <Pager paged={events} label="ledger entries" />
    </Page>
  );
}
