/**
 * A citizen's receipts, to read, print or save as PDF: one for each time their data was released (or asked
 * for) and one for each consent. Each names its ledger entry and how to check it; the browser can check it
 * here. Only the person themself sees their receipts: anyone else is told there is no such receipt.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { daysInWords, fieldLabel, LEGAL_BASES, SPECIAL_CATEGORY_BASES } from '../../../src/domain/index.ts';
import type { AccessReceipt, Consent } from '../api.ts';
import { checkRecord, type RecordCheck } from '../ledger-proof.ts';
import { formatDate, formatDateTime, Page, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useApi } from '../use-api.ts';
import { CheckResult, outcomeOf, whatOf } from './my-data.tsx';
import { Refusal } from './refusal.tsx';

function PrintButton() {
  return (
    <div className="button-group receipt__actions">
      <button type="button" className="button" onClick={() => window.print()}>
        Print or save as PDF
      </button>
      <Link className="button button--secondary" to="/my-data">
        Back to My data
      </Link>
    </div>
  );
}

/** "Check it now": the browser proves the entry is in the signed ledger, and says so. */
function CheckEntry({ index, when }: { index: number; when: string }) {
  const [check, setCheck] = useState<{ busy: boolean; result?: RecordCheck; error?: string }>({
    busy: false,
  });
  const run = () => {
    setCheck({ busy: true });
    checkRecord(index).then(
      (result) => setCheck({ busy: false, result }),
      (error: unknown) => setCheck({ busy: false, error: (error as Error).message }),
    );
  };
  return (
    <div className="receipt__check">
      <button
        type="button"
        className="button button--secondary button--small receipt__actions"
        disabled={check.busy}
        onClick={run}
      >
        Check ledger entry {index} now
      </button>
      <div role="status">
        {check.busy ? <p>Checking…</p> : null}
        {check.result ? <CheckResult index={index} when={when} check={check.result} /> : null}
        {check.error ? <p>The record could not be checked: {check.error}</p> : null}
      </div>
    </div>
  );
}

function HowToCheck({ indexes }: { indexes: number[] }) {
  return (
    <section aria-labelledby="check-heading">
      <h2 id="check-heading">How to check this receipt</h2>
      <p>
        Every release of your data and every consent is written in govdx’s public ledger, which nobody can
        quietly change or delete. This receipt names its {indexes.length === 1 ? 'entry' : 'entries'} in that
        ledger: {indexes.map((i) => `entry ${i}`).join(', ')}.
      </p>
      <ol className="list list--number">
        <li>
          On this page, press “Check ledger entry … now”: your browser proves the entry is in the signed
          ledger, without trusting this page.
        </li>
        <li>
          Or download the proof of {indexes.length === 1 ? 'the entry' : 'each entry'} (a file for software:{' '}
          {indexes.map((i, n) => (
            <span key={i}>
              {n > 0 ? ', ' : ''}
              <a href={`/api/v1/me/access-events/${i}/receipt`} download={`ledger-entry-${i}.json`}>
                proof of entry {i}
              </a>
            </span>
          ))}
          ) and have it checked by anyone you trust, with the ledger’s public key published at{' '}
          <code>/ledger/key</code>.
        </li>
        <li>Keep this receipt: the entry number lets the data protection authority find the record.</li>
      </ol>
    </section>
  );
}

const basisWords = (basis: AccessReceipt['legalBasis']) => basis?.text ?? 'Not recorded';

export function AccessReceiptPage() {
  const { index = '' } = useParams();
  const valid = /^\d{1,15}$/.test(index);
  const receipt = useApi<AccessReceipt>(valid ? `/api/v1/me/access-events/${index}` : null);
  const event = receipt.data?.event;
  return (
    <Page title="Receipt: a record about you" caption="My data">
      <Status loading={receipt.loading} label="Loading the receipt…" />
      {receipt.error ? <Refusal error={receipt.error} /> : null}
      {valid ? null : <p>There is no such receipt. Receipts are listed on your My data page.</p>}
      {receipt.data && event ? (
        <article className="receipt" aria-labelledby="receipt-what">
          <PrintButton />
          <h2 id="receipt-what">What happened</h2>
          <SummaryList>
            <SummaryRow term="When">{formatDateTime(event.at)}</SummaryRow>
            <SummaryRow term="Outcome">{outcomeOf(event)}</SummaryRow>
            <SummaryRow term="Who asked">
              {event.consumer
                ? `${event.consumer.name}${event.system ? `, through its ${event.system.name}` : ''}`
                : event.kind.startsWith('consent.') && event.event.bySubject === true
                  ? 'You'
                  : 'Not recorded'}
            </SummaryRow>
            {event.official ? <SummaryRow term="The official asking">{event.official}</SummaryRow> : null}
            <SummaryRow term="What">{whatOf(event)}</SummaryRow>
            {event.provider ? <SummaryRow term="From">{event.provider.name}</SummaryRow> : null}
            {event.fields.length > 0 ? (
              <SummaryRow term="Which details">
                <ul className="list">
                  {event.fields.map((field, i) => (
                    <li key={field}>{event.fieldLabels[i] ?? fieldLabel({ name: field })}</li>
                  ))}
                </ul>
              </SummaryRow>
            ) : null}
          </SummaryList>
          <h2>Why</h2>
          <SummaryList>
            <SummaryRow term="Purpose">
              {event.purpose
                ? `${event.purpose.name}${receipt.data.purposeDescription ? `: ${receipt.data.purposeDescription}` : ''}`
                : 'None given'}
            </SummaryRow>
            <SummaryRow term="Legal basis">
              {basisWords(receipt.data.legalBasis)}
              {receipt.data.specialCategoryBasis ? `, and ${receipt.data.specialCategoryBasis.text}` : ''}
            </SummaryRow>
            <SummaryRow term="Under">
              {receipt.data.agreement
                ? `A data-sharing agreement (reference ${receipt.data.agreement.id}) in force from ${formatDate(receipt.data.agreement.validFrom)} to ${formatDate(receipt.data.agreement.validUntil)}`
                : event.consent
                  ? `Your consent (reference ${event.consent})`
                  : 'No agreement'}
            </SummaryRow>
            {receipt.data.agreement ? (
              <SummaryRow term="How long they may keep it">
                {daysInWords(receipt.data.agreement.retentionDays)}
              </SummaryRow>
            ) : null}
            {event.consent ? (
              <SummaryRow term="Your consent">
                <Link to={`/my-data/consents/${encodeURIComponent(event.consent)}/receipt`}>
                  The receipt of your consent
                </Link>
              </SummaryRow>
            ) : null}
          </SummaryList>
          <SummaryList>
            <SummaryRow term="Ledger entry">{event.index}</SummaryRow>
          </SummaryList>
          <CheckEntry index={event.index} when={formatDateTime(event.at)} />
          <HowToCheck indexes={[event.index]} />
        </article>
      ) : null}
    </Page>
  );
}

const HISTORY: Record<Consent['history'][number]['event'], string> = {
  given: 'Given',
  renewed: 'Given again (renewed)',
  revoked: 'Withdrawn',
  expired: 'Ended',
};

export function ConsentReceiptPage() {
  const { id = '' } = useParams();
  const consent = useApi<Consent>(`/api/v1/me/consents/${encodeURIComponent(id)}`);
  const c = consent.data;
  const recorded = (c?.history ?? []).filter((h) => h.ledgerIndex !== null);
  return (
    <Page title="Receipt: your consent" caption="My data">
      <Status loading={consent.loading} label="Loading the receipt…" />
      {consent.error ? <Refusal error={consent.error} /> : null}
      {c ? (
        <article className="receipt" aria-labelledby="consent-what">
          <PrintButton />
          <h2 id="consent-what">
            {c.consumerName}: {c.purposeTitle}
          </h2>
          <SummaryList>
            <SummaryRow term="Who receives it">{c.recipients.map((r) => r.name).join(', ')}</SummaryRow>
            <SummaryRow term="Why">{c.purposeDescription || c.purposeTitle}</SummaryRow>
            <SummaryRow term="Legal basis">
              {LEGAL_BASES[c.legalBasis as keyof typeof LEGAL_BASES] ?? c.legalBasis}
              {c.specialCategoryBasis
                ? `, and ${SPECIAL_CATEGORY_BASES[c.specialCategoryBasis as keyof typeof SPECIAL_CATEGORY_BASES] ?? c.specialCategoryBasis}`
                : ''}
            </SummaryRow>
            <SummaryRow term="Which details">
              {c.piiCategories.length === 0 ? (
                'Everything their agreement lists'
              ) : (
                <ul className="list">
                  {c.piiCategories.map((p) => (
                    <li key={`${p.field}-${p.source?.organization ?? ''}`}>
                      {p.label ?? fieldLabel({ name: p.field })}
                      {p.source ? ` (from the ${p.source.datasetTitle ?? p.source.organizationName})` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </SummaryRow>
            <SummaryRow term="How long they keep it">
              {c.retentionDays === null ? 'Not stated' : daysInWords(c.retentionDays)}
            </SummaryRow>
            <SummaryRow term="Given on">{formatDateTime(c.givenAt)}</SummaryRow>
            <SummaryRow term="Ends">
              {c.expiresAt ? formatDate(c.expiresAt) : 'When you withdraw it'}
            </SummaryRow>
            <SummaryRow term="Reference">{c.id}</SummaryRow>
          </SummaryList>
          <h2>Its history</h2>
          <ul className="list">
            {c.history.map((h) => (
              <li key={`${h.event}-${h.at}`}>
                <strong>{HISTORY[h.event]}</strong> on {formatDateTime(h.at)}
                {h.event === 'revoked' ? (h.bySubject ? ', by you' : ', for you') : ''}
                {h.reason ? `. Reason: ${h.reason}` : ''}
                {h.ledgerIndex === null
                  ? '. It has no entry in the ledger.'
                  : `. Ledger entry ${h.ledgerIndex}.`}
              </li>
            ))}
          </ul>
          {recorded.map((h) => (
            <CheckEntry key={h.ledgerIndex} index={h.ledgerIndex!} when={formatDateTime(h.at)} />
          ))}
          {recorded.length > 0 ? <HowToCheck indexes={recorded.map((h) => h.ledgerIndex!)} /> : null}
          <p className="receipt__actions">
            <a href={`/api/v1/me/consents/${encodeURIComponent(c.id)}/receipt`} download>
              Download the signed consent receipt (JSON, for software)
            </a>
          </p>
        </article>
      ) : null}
    </Page>
  );
}
