/** The citizen's consents: what each lets an organization receive, its receipt, and withdrawing it. */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { daysInWords, fieldLabel, LEGAL_BASES } from '../../../src/domain/index.ts';
import { ApiError, type Consent, request } from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { ErrorAlert, formatDate, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { usePaged } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

const STATES: Record<Consent['state'], { label: string; tone: string }> = {
  active: { label: 'In force', tone: 'open' },
  revoked: { label: 'Withdrawn', tone: 'grey' },
  expired: { label: 'Ended', tone: 'grey' },
};

const METHODS: Record<string, string> = {
  'admin-recorded': 'Recorded for you by an administrator',
  'oauth-consent-page': 'You gave it on govdx’s consent page',
  assisted: 'You gave it to an official, who recorded it for you',
  paper: 'You gave it on a signed paper form, which an official recorded for you',
};

/** Other consents in force that let the same organization get the data for the same purpose. */
function othersInForce(consent: Consent, all: readonly Consent[]): Consent[] {
  return all.filter(
    (c) =>
      c.id !== consent.id &&
      c.state === 'active' &&
      c.consumer === consent.consumer &&
      c.purpose === consent.purpose,
  );
}

export function MyConsents() {
  const consents = usePaged<Consent>('/api/v1/me/consents', 20);
  const [confirming, setConfirming] = useState<Consent | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const [failure, setFailure] = useState<ApiError | null>(null);

  const withdraw = (consent: Consent) => {
    setBusy(true);
    setFailure(null);
    request<Consent>('POST', `/api/v1/me/consents/${consent.id}/revoke`, { body: {} }).then(
      (withdrawn) => {
        setBusy(false);
        setConfirming(null);
        // Say it only if it is true: another consent for the same purpose would still let them.
        const others = othersInForce(withdrawn, consents.data?.items ?? []);
        setDone(
          others.length === 0
            ? `You withdrew your consent. ${withdrawn.consumerName} can no longer get your data for “${withdrawn.purposeTitle}”.`
            : `You withdrew this consent. ${withdrawn.consumerName} can still get your data for “${withdrawn.purposeTitle}” under your other consent listed here, until you withdraw that one too.`,
        );
        consents.reload();
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(
          error instanceof ApiError ? error : new ApiError('UNEXPECTED', 'Something went wrong.', 0),
        );
      },
    );
  };

  return (
    <section aria-labelledby="consents-heading">
      <h2 id="consents-heading">What you have agreed to share</h2>
      <p>
        Some organizations may use your data only with your consent. You can withdraw it at any time: they are
        refused from the very next request.
      </p>
      <p role="status" className="notice">
        {done}
      </p>
      {failure ? <ErrorAlert error={failure} title="Your consent was not withdrawn" /> : null}
      <Status loading={consents.loading} label="Loading your consents…" />
      {consents.error ? <Refusal error={consents.error} /> : null}
      {consents.data ? (
        consents.data.items.length === 0 ? (
          <p>You have not given any organization consent to use your data.</p>
        ) : (
          <>
            {consents.data.items.map((consent) => (
              <ConsentCard
                key={consent.id}
                consent={consent}
                confirming={confirming?.id === consent.id}
                busy={busy}
                onWithdraw={() => {
                  setDone('');
                  setConfirming(consent);
                }}
                others={othersInForce(consent, consents.data?.items ?? []).length}
                onConfirm={() => withdraw(consent)}
                onCancel={() => setConfirming(null)}
              />
            ))}
            <Pager paged={consents} label="your consents" />
          </>
        )
      ) : null}
    </section>
  );
}

function ConsentCard({
  consent,
  confirming,
  busy,
  others,
  onWithdraw,
  onConfirm,
  onCancel,
}: {
  consent: Consent;
  confirming: boolean;
  busy: boolean;
  /** How many other consents in force let the same organization get the data for the same purpose. */
  others: number;
  onWithdraw(): void;
  onConfirm(): void;
  onCancel(): void;
}) {
  const state = STATES[consent.state];
  const ended = consent.history.find((h) => h.event === consent.state);
  const renewed = consent.history.filter((h) => h.event === 'renewed').at(-1);
  return (
    <div className="panel">
      <h3>
        {consent.consumerName}: {consent.purposeTitle}
      </h3>
      <p>
        <strong className={`tag tag--${state.tone}`}>{state.label}</strong>
        {ended && consent.state !== 'active' ? ` since ${formatDate(ended.at)}` : ''}
      </p>
      <SummaryList>
        <SummaryRow term="Why">{consent.purposeDescription || consent.purposeTitle}</SummaryRow>
        <SummaryRow term="Legal basis">
          {LEGAL_BASES[consent.legalBasis as keyof typeof LEGAL_BASES] ?? consent.legalBasis}
        </SummaryRow>
        <SummaryRow term="What they may receive">
          {consent.piiCategories.length === 0 ? (
            'Everything their agreement lists'
          ) : (
            <ul className="list">
              {consent.piiCategories.map((p) => (
                <li key={`${p.field}-${p.source?.organization ?? ''}`}>
                  {p.label ?? fieldLabel({ name: p.field })}
                  {p.source ? ` (from the ${p.source.datasetTitle ?? p.source.organizationName})` : ''}
                </li>
              ))}
            </ul>
          )}
        </SummaryRow>
        <SummaryRow term="Who receives it">{consent.recipients.map((r) => r.name).join(', ')}</SummaryRow>
        <SummaryRow term="How long they keep it">
          {consent.retentionDays === null ? 'Not stated' : daysInWords(consent.retentionDays)}
        </SummaryRow>
        <SummaryRow term="Given on">{formatDate(consent.givenAt)}</SummaryRow>
        {renewed ? (
          <SummaryRow term="Renewed on">
            {formatDate(renewed.at)} (you gave it again; these are the terms now)
          </SummaryRow>
        ) : null}
        <SummaryRow term="Ends">
          {consent.expiresAt ? formatDate(consent.expiresAt) : 'When you withdraw it'}
        </SummaryRow>
        <SummaryRow term="How it was given">
          {METHODS[consent.collectionMethod] ?? consent.collectionMethod}
        </SummaryRow>
        {consent.recordedBy ? (
          <SummaryRow term="Recorded for you by">
            {consent.recordedBy.name ?? 'An official'} of {consent.recordedBy.organizationName}
          </SummaryRow>
        ) : null}
        {consent.evidence ? (
          <SummaryRow term="Proof of your consent">
            Kept by {consent.recordedBy?.organizationName ?? consent.consumerName} under the reference{' '}
            <code>{consent.evidence}</code>. You may ask them to see it.
          </SummaryRow>
        ) : null}
      </SummaryList>
      <div className="button-group">
        <Link className="button button--secondary" to={`/my-data/consents/${consent.id}/receipt`}>
          Receipt to print
          <span className="visually-hidden">
            {' '}
            of your consent to {consent.consumerName} for {consent.purposeTitle}
          </span>
        </Link>
        <a
          className="button button--secondary"
          href={`/api/v1/me/consents/${consent.id}/receipt`}
          download={`consent-receipt-${consent.id}.json`}
        >
          Download the receipt
          <span className="visually-hidden">
            {' '}
            of your consent to {consent.consumerName} for {consent.purposeTitle}
          </span>
        </a>
        {consent.state === 'active' && !confirming ? (
          <button type="button" className="button button--warning" onClick={onWithdraw}>
            Withdraw
            <span className="visually-hidden">
              {' '}
              your consent to {consent.consumerName} for {consent.purposeTitle}
            </span>
          </button>
        ) : null}
      </div>
      {confirming ? (
        <ConfirmWithdraw
          consent={consent}
          others={others}
          busy={busy}
          onConfirm={onConfirm}
          onCancel={onCancel}
        />
      ) : null}
    </div>
  );
}

function ConfirmWithdraw({
  consent,
  others,
  busy,
  onConfirm,
  onCancel,
}: {
  consent: Consent;
  others: number;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  return (
    <ConfirmPanel
      heading={<>Withdraw your consent to {consent.consumerName}?</>}
      level={4}
      confirmLabel="Yes, withdraw it"
      cancelLabel="Keep it"
      busy={busy}
      cancelWhileBusy={false}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        {others === 0
          ? `${consent.consumerName} will no longer be able to get your data for “${consent.purposeTitle}”.`
          : `You have another consent that lets ${consent.consumerName} get your data for “${consent.purposeTitle}”: it stays in force until you withdraw it too.`}{' '}
        Withdrawing does not undo what they have already received.
      </p>
    </ConfirmPanel>
  );
}
