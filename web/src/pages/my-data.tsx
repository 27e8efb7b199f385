/**
 * "My data", for every citizen: what the registers hold about them, who looked at it and why (each record
 * checkable against the public, signed ledger, here in the browser), what they have agreed to share, and
 * all of it as one download.
 */
import { useId, useState } from 'react';
import { Link } from 'react-router-dom';
import type { AccessEvent, Me, MyData, RegisterRecord } from '../api.ts';
import { checkRecord, type RecordCheck } from '../ledger-proof.ts';
import { formatDate, formatDateTime, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { roleLabel } from '../roles.ts';
import { useApi, usePaged } from '../use-api.ts';
import { MyCorrections } from './corrections.tsx';
import { MyConsents } from './my-consents.tsx';
import { Refusal } from './refusal.tsx';

export function MyDataPage() {
  const me = useApi<Me>('/api/v1/me');
  const person = me.data?.person;
  const citizen = Boolean(person?.nationalId);
  return (
    <Page title="My data">
      <Status loading={me.loading} label="Loading your details…" />
      {me.error ? <Refusal error={me.error} /> : null}
      {person ? (
        <>
          <p className="lead">
            What the government’s registers hold about you, who has looked at it and why, and what you have
            agreed to share.
          </p>
          <h2>Your details</h2>
          <SummaryList>
            <SummaryRow term="Name">{person.name}</SummaryRow>
            <SummaryRow term="Email">{person.email ?? 'Not given'}</SummaryRow>
            <SummaryRow term="National ID number">{person.nationalId ?? 'Not given'}</SummaryRow>
          </SummaryList>
          {person.memberships.length > 0 ? (
            <>
              <h3>Your roles at work</h3>
              <ul className="list list--bullet">
                {me.data?.roles
                  .filter((r) => r.role !== 'citizen')
                  .map((r) => {
                    const where = person.memberships.find((m) => m.organization === r.organization);
                    return (
                      <li key={`${r.role}-${r.organization ?? ''}`}>
                        {roleLabel(r.role)}
                        {where ? ` at ${where.organizationName}` : ''}
                      </li>
                    );
                  })}
              </ul>
            </>
          ) : null}
          {citizen ? (
            <>
              <HeldAboutMe />
              <WhoLooked />
              <MyConsents />
              <MyCorrections />
              <DownloadAll />
            </>
          ) : (
            <p>
              Your account has no national ID number, so there is no data about you as a citizen to show here.
            </p>
          )}
        </>
      ) : null}
    </Page>
  );
}

function HeldAboutMe() {
  const data = useApi<MyData>('/api/v1/me/data');
  return (
    <section aria-labelledby="held-heading">
      <h2 id="held-heading">What the registers hold about you</h2>
      <Status loading={data.loading} label="Loading what the registers hold…" />
      {data.error ? <Refusal error={data.error} /> : null}
      {data.data ? (
        <>
          {data.data.records.length === 0 ? (
            <p>The registers govdx keeps hold nothing about you.</p>
          ) : (
            data.data.records.map((record) => (
              <RecordTable key={`${record.dataset}-${record.key}`} record={record} all={data.data!.records} />
            ))
          )}
          {data.data.elsewhere.length > 0 ? (
            <>
              <h3>Registers kept elsewhere</h3>
              <p>
                These registers may also hold data about you. Their keepers answer from their own systems, so
                govdx does not keep a copy; each time an organization asks them about you, it is listed under
                “Who looked at your data”.
              </p>
              <ul className="list list--bullet">
                {data.data.elsewhere.map((register) => (
                  <li key={`${register.organization}-${register.dataset}`}>
                    <strong>{register.datasetTitle}</strong> ({register.organizationName}):{' '}
                    {register.description}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function RecordTable({ record, all }: { record: RegisterRecord; all: RegisterRecord[] }) {
  const linkedFrom = record.linkedBy
    ? all.find((r) => r.dataset === record.linkedBy?.dataset && r.linkedBy === null)
    : undefined;
  return (
    <>
      <h3>{record.datasetTitle}</h3>
      <p>
        Kept by {record.organizationName}. Last changed on {formatDate(record.updatedAt)}.
        {record.linkedBy && linkedFrom
          ? ` It is about you because your entry in the ${linkedFrom.datasetTitle.toLowerCase()} points to it.`
          : ''}
      </p>
      <table className="table">
        <caption className="table__caption">
          What the {record.datasetTitle.toLowerCase()} holds
          {record.linkedBy ? ' (linked to you)' : ' about you'}
        </caption>
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {record.facts.map((fact) => (
            <tr key={fact.field}>
              <th scope="row">{fact.label}</th>
              <td>{fact.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <Link
          to={`/my-data/corrections/new?${new URLSearchParams({ organization: record.organization, dataset: record.dataset, key: record.key })}`}
        >
          Ask for a correction
          <span className="visually-hidden"> of the {record.datasetTitle.toLowerCase()}</span>
        </Link>
      </p>
    </>
  );
}

/** Refusal codes in plain words; any other code is shown as it is. */
const REFUSALS: Record<string, string> = {
  NO_AGREEMENT: 'they have no agreement to see this',
  PURPOSE_NOT_AGREED: 'this reason is not in their agreement',
  PURPOSE_UNKNOWN: 'the reason they gave is not registered',
  AGREEMENT_NOT_ACTIVE: 'their agreement is not in force',
  AGREEMENT_EXPIRED: 'their agreement has ended',
  AGREEMENT_REVOKED: 'their agreement was revoked',
  AGREEMENT_NOT_YET_VALID: 'their agreement has not started yet',
  CONSENT_REQUIRED: 'it needs your consent, which they do not have',
  CONSENT_REVOKED: 'you had withdrawn your consent',
  CONSENT_EXPIRED: 'your consent had ended',
  SUBJECT_MISMATCH: 'they asked for one person’s record in another person’s name',
  OFFICIAL_REQUIRED: 'they did not say which official was asking',
  SPECIAL_CATEGORY_NOT_AGREED: 'their agreement does not cover sensitive data',
  RATE_LIMITED: 'they asked too often',
  QUOTA_EXCEEDED: 'they had used up their daily allowance',
  NOT_FOUND: 'there was no such record',
};

export function outcomeOf(event: AccessEvent): string {
  if (event.kind !== 'access') return 'Recorded';
  if (event.outcome === 'allowed' && event.code === null) return 'Shared';
  if (event.outcome === 'allowed') return `Nothing shared: ${REFUSALS[event.code ?? ''] ?? event.code}`;
  if (event.outcome === 'denied') return `Refused: ${REFUSALS[event.code ?? ''] ?? event.code}`;
  return `Failed (${event.code ?? 'unknown'}): nothing was shared`;
}

export function whatOf(event: AccessEvent): string {
  if (event.kind === 'consent.given' || event.kind === 'consent.renewed') {
    const evidence = typeof event.event.evidence === 'string' ? event.event.evidence : null;
    const what = event.kind === 'consent.given' ? 'Your consent was recorded' : 'Your consent was renewed';
    return evidence === null
      ? what
      : `${what} for you by an official, with the proof kept under the reference ${evidence}`;
  }
  if (event.kind === 'consent.revoked')
    return event.event.bySubject === true ? 'You withdrew your consent' : 'Your consent was withdrawn';
  if (event.kind === 'person.registered' || event.kind === 'person.changed')
    return 'An account on govdx was given your national ID, or changed';
  if (event.kind === 'correction.requested') return 'You asked for your data to be corrected';
  if (event.kind === 'correction.answered')
    return event.event.outcome === 'corrected'
      ? 'Your data was corrected, as you asked'
      : 'Your request to correct your data was answered: not corrected';
  if (event.kind === 'unknown') return 'A record filed under you that is about someone else';
  if (event.kind !== 'access') return event.kind;
  const what = event.service
    ? `${event.service.name}${event.provider ? ` at ${event.provider.name}` : ''}`
    : '—';
  return event.fieldLabels.length > 0 ? `${what}: ${event.fieldLabels.join(', ')}` : what;
}

/** The official who asked, by name; or, plainly, that none did and which service asked by itself. */
function officialOf(event: AccessEvent): string {
  if (event.official) return event.official;
  if (event.automatic) return `No official: ${event.automatic.name} asked automatically`;
  return event.kind === 'access' ? 'No official named' : '—';
}

function WhoLooked() {
  const events = usePaged<AccessEvent>('/api/v1/me/access-events', 20);
  const [announcement, setAnnouncement] = useState('');
  const caption = 'Who looked at your data, newest first';
  return (
    <section aria-labelledby="looked-heading">
      <h2 id="looked-heading">Who looked at your data</h2>
      <p>
        Every time an organization asks for your data through govdx, the request is written in a public ledger
        that nobody can quietly change, whether it was allowed or refused. “Check this record” makes your
        browser prove that the record is in that ledger, without trusting this page.
      </p>
      <Status loading={events.loading} label="Loading who looked at your data…" />
      {events.error ? <Refusal error={events.error} /> : null}
      <p role="status" className="notice">
        {announcement}
      </p>
      {events.data ? (
        events.data.items.length === 0 ? (
          <p>Nobody has asked for your data through govdx yet.</p>
        ) : (
          <>
            <table className="table">
              <caption className="table__caption">{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Official</th>
                  <th scope="col">What</th>
                  <th scope="col">Why</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">
                    <span className="visually-hidden">Check</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.map((event) => (
                  <EventRow key={event.index} event={event} onChecked={setAnnouncement} />
                ))}
              </tbody>
            </table>
            <Pager paged={events} label="who looked at your data" />
          </>
        )
      ) : null}
    </section>
  );
}

const COLUMNS = 7;

function EventRow({ event, onChecked }: { event: AccessEvent; onChecked(message: string): void }) {
  const whenId = useId();
  const [check, setCheck] = useState<{ busy: boolean; result?: RecordCheck; error?: string }>({
    busy: false,
  });
  const when = formatDateTime(event.at);
  const run = () => {
    setCheck({ busy: true });
    onChecked(`Checking the record of ${when}…`);
    checkRecord(event.index).then(
      (result) => {
        setCheck({ busy: false, result });
        onChecked(`Record of ${when}: ${verdict(result)}`);
      },
      (error: unknown) => {
        const message = (error as Error).message;
        setCheck({ busy: false, error: message });
        onChecked(`The record of ${when} could not be checked: ${message}`);
      },
    );
  };
  const who = event.consumer
    ? `${event.consumer.name}${event.system ? ` (${event.system.name})` : ''}`
    : event.kind.startsWith('consent.') && event.event.bySubject === true
      ? 'You'
      : '—';
  const why = event.purpose
    ? `${event.purpose.name}${event.consent ? ', with your consent' : event.agreement ? ', under an agreement' : ''}`
    : '—';
  return (
    <>
      <tr>
        <th scope="row" id={whenId}>
          {when}
        </th>
        <td>{who}</td>
        <td>{officialOf(event)}</td>
        <td>{whatOf(event)}</td>
        <td>{why}</td>
        <td>{outcomeOf(event)}</td>
        <td>
          {event.kind === 'unknown' ? null : (
            <Link className="receipt-link" to={`/my-data/receipts/${event.index}`} aria-describedby={whenId}>
              Receipt
            </Link>
          )}
          {event.kind === 'unknown' ? null : (
            <button
              type="button"
              className="button button--secondary button--small"
              aria-describedby={whenId}
              disabled={check.busy}
              onClick={run}
            >
              Check this record
            </button>
          )}
        </td>
      </tr>
      {event.indexProblem ? (
        <tr>
          <td colSpan={COLUMNS}>
            <p className="error-message">
              <strong>Something is wrong with this record's place in the ledger.</strong> {event.indexProblem}
            </p>
          </td>
        </tr>
      ) : null}
      {check.result || check.error ? (
        <tr>
          <td colSpan={COLUMNS} className="proof">
            {check.result ? (
              <CheckResult index={event.index} when={when} check={check.result} />
            ) : (
              <p>
                The record of {when} could not be checked: {check.error}
              </p>
            )}
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function verdict(check: RecordCheck): string {
  return check.ok
    ? 'Verified: this record is in the public, signed ledger.'
    : 'Not verified: this record could not be proved to be in the public ledger.';
}

export function CheckResult({ index, when, check }: { index: number; when: string; check: RecordCheck }) {
  return (
    <>
      <p>
        <strong>
          The record of {when}. {verdict(check)}
        </strong>
      </p>
      <details className="details">
        <summary>How your browser checked it</summary>
        <ol className="list">
          {check.steps.map((step) => (
            <li key={step.step}>
              {step.ok ? '✓' : '✗'} {step.step}. <span className="hint">{step.detail}</span>
            </li>
          ))}
        </ol>
        <p className="hint">
          Ledger entry {index}, checked with the ledger key <code>{check.key}</code>. Compare it with the key
          the platform’s operators publish elsewhere.
        </p>
      </details>
    </>
  );
}

function DownloadAll() {
  return (
    <section aria-labelledby="download-heading">
      <h2 id="download-heading">Download all of it</h2>
      <p>
        One file (JSON) with everything on this page: what the registers hold, every record of who looked at
        your data with the proof that it is in the ledger, and your consents.
      </p>
      <p>
        <a className="button" href="/api/v1/me/export" download>
          Download all of it (JSON)
        </a>
      </p>
    </section>
  );
}
