/**
 * Changes to an organization's datasets and services that wait for its data protection officer: the
 * steward sees what they proposed waiting; the data protection officer approves or rejects each one with a
 * reason. Both are recorded in the ledger.
 */
import { type FormEvent, useId, useState } from 'react';
import { ApiError, type CatalogChange, request } from '../api.ts';
import { TextareaField } from '../form.tsx';
import { ErrorAlert, formatDate, Pager, Status } from '../page.tsx';
import { usePaged } from '../use-api.ts';

export function CatalogChanges({
  base,
  name,
  canDecide,
  personId,
}: {
  base: string;
  name: string;
  /** A data protection officer of the organization. */
  canDecide: boolean;
  personId: string | undefined;
}) {
  const changes = usePaged<CatalogChange>(`${base}/catalog-changes?status=pending`, 20);
  const [notice, setNotice] = useState('');
  return (
    <>
      <h3>{canDecide ? 'Waiting for your sign-off' : 'Changes waiting for the data protection officer'}</h3>
      <p>
        A change that lowers how sensitive a field is, changes how records are looked up, says the records are
        no longer about people, or sends requests to another provider address is made only when a data
        protection officer of {name} approves it. The person who proposed it cannot approve it. Every proposal
        and decision is recorded in the ledger.
      </p>
      <p role="status" className="notice">
        {notice}
      </p>
      <Status loading={changes.loading} label="Loading changes…" />
      {changes.error ? <ErrorAlert error={changes.error} /> : null}
      {changes.data?.items.length === 0 ? <p>No changes are waiting.</p> : null}
      {changes.data?.items.map((change) => (
        <WaitingChange
          key={change.id}
          base={base}
          change={change}
          canDecide={canDecide && change.proposedBy?.id !== personId}
          onDecided={(text) => {
            setNotice(text);
            changes.reload();
          }}
        />
      ))}
      <Pager paged={changes} label={`changes waiting at ${name}`} />
    </>
  );
}

function WaitingChange({
  base,
  change,
  canDecide,
  onDecided,
}: {
  base: string;
  change: CatalogChange;
  canDecide: boolean;
  onDecided(text: string): void;
}) {
  const id = useId();
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const what = change.target === 'dataset' ? `the dataset ${change.title}` : `the service ${change.title}`;

  async function decide(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const action = submitter?.value === 'reject' ? 'reject' : 'approve';
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    setProblem(null);
    if (!reason) {
      setError(`Say why you ${action} this change`);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await request('POST', `${base}/catalog-changes/${encodeURIComponent(change.id)}/${action}`, {
        body: { reason },
      });
      onDecided(
        action === 'approve'
          ? `You approved the change to ${what}. It is made now.`
          : `You rejected the change to ${what}. Nothing was changed.`,
      );
    } catch (caught) {
      setProblem(
        caught instanceof ApiError ? caught : new ApiError('UNEXPECTED', 'Your decision was not saved.', 0),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel catalog-change" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>Change to {what}</h4>
      <p className="results__meta">
        Proposed by {change.proposedBy?.name ?? 'someone no longer registered'} on{' '}
        {formatDate(change.proposedAt)}
      </p>
      <ul className="list">
        {change.reasons.map((reason) => (
          <li key={`${reason.kind} ${reason.field ?? ''}`}>{reason.text}</li>
        ))}
      </ul>
      {problem ? <ErrorAlert error={problem} /> : null}
      {canDecide ? (
        <form className="form" onSubmit={decide} noValidate>
          <TextareaField
            id={`${id}-reason`}
            name="reason"
            label="Your reason"
            hint="Recorded in the ledger with your decision."
            maxLength={2000}
            error={error}
          />
          <div className="button-group">
            <button type="submit" name="action" value="approve" className="button" disabled={busy}>
              Approve<span className="visually-hidden"> the change to {what}</span>
            </button>
            <button
              type="submit"
              name="action"
              value="reject"
              className="button button--warning"
              disabled={busy}
            >
              Reject<span className="visually-hidden"> the change to {what}</span>
            </button>
          </div>
        </form>
      ) : (
        <p>
          <strong className="tag tag--grey">Waiting for sign-off</strong>
        </p>
      )}
    </section>
  );
}
