/**
 * Emergencies, for platform administrators: declare one (name, reason, end date), see them all, end
 * one now. While one is in force, requests from emergency templates are in force at once.
 */
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { endDateProblem, endOfDay } from '../../../src/domain/index.ts';
import { ApiError, type Emergency, request } from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { InputField, TextareaField } from '../form.tsx';
import { useConfirmedAction, useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, formatDate, Page, Status } from '../page.tsx';
import { isPlatformAdmin } from '../roles.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

function emergencyStatus(emergency: Emergency): { label: string; tone: string } {
  if (emergency.inForce) return { label: 'In force', tone: 'special' };
  if (emergency.endedEarly) return { label: 'Ended early', tone: 'grey' };
  return Date.parse(emergency.startsAt) > Date.now()
    ? { label: 'Not started', tone: 'grey' }
    : { label: 'Over', tone: 'grey' };
}

export function EmergenciesPage() {
  const { session } = useSession();
  const emergencies = useApi<Emergency[]>('/api/v1/emergencies');
  const admin = session?.signedIn === true && isPlatformAdmin(session.roles);
  const { confirming, setConfirming, notice, setNotice, problem, busy, act } =
    useConfirmedAction<Emergency>();

  async function end(emergency: Emergency, reason: string) {
    await act(
      () =>
        request('POST', `/api/v1/emergencies/${encodeURIComponent(emergency.id)}/end`, { body: { reason } }),
      {
        done: `The emergency “${emergency.name}” has ended. The agreements made under it have ended with it.`,
        failed: 'The emergency was not ended.',
        refresh: emergencies.reload,
      },
    );
  }

  return (
    <Page title="Emergencies">
      <p className="lead">
        In an emergency, such as a flood or a storm, organizations may need data at once. While an emergency
        is declared, requests made with emergency templates are in force at once and approved afterwards.
      </p>
      <p>
        Every agreement made under an emergency ends with it, and the{' '}
        <Link to="/agreements/register">public register</Link> shows it with a banner.
      </p>
      {session?.signedIn === false ? (
        <Refusal
          error={new ApiError('UNAUTHENTICATED', 'Only platform administrators declare emergencies.', 401)}
        />
      ) : null}
      {session?.signedIn && !admin ? <p>Only platform administrators declare and end emergencies.</p> : null}
      <p role="status" className="notice">
        {notice}
      </p>
      {problem ? <ErrorAlert error={problem} title="The emergency was not ended" /> : null}
      {confirming ? (
        <ConfirmEnd
          key={confirming.id}
          emergency={confirming}
          busy={busy}
          onConfirm={end}
          onCancel={() => setConfirming(null)}
        />
      ) : null}

      <h2>Declared emergencies</h2>
      <Status loading={emergencies.loading} label="Loading emergencies…" />
      {emergencies.error ? <ErrorAlert error={emergencies.error} /> : null}
      {emergencies.data ? (
        emergencies.data.length === 0 ? (
          <p>No emergency has been declared.</p>
        ) : (
          <table className="table">
            <caption className="table__caption">Emergencies, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Emergency</th>
                <th scope="col">From</th>
                <th scope="col">Until</th>
                <th scope="col">Status</th>
                {admin ? (
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {emergencies.data.map((emergency) => {
                const status = emergencyStatus(emergency);
                return (
                  <tr key={emergency.id}>
                    <th scope="row">
                      {emergency.name}
                      <span className="hint">{emergency.reason}</span>
                    </th>
                    <td>{formatDate(emergency.startsAt)}</td>
                    <td>{formatDate(emergency.endsAt)}</td>
                    <td>
                      <strong className={`tag tag--wraps tag--${status.tone}`}>{status.label}</strong>
                    </td>
                    {admin ? (
                      <td>
                        {emergency.inForce ? (
                          <button
                            type="button"
                            className="button button--warning button--small"
                            onClick={() => setConfirming(emergency)}
                          >
                            End now<span className="visually-hidden"> the emergency {emergency.name}</span>
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      ) : null}

      {admin ? (
        <DeclareEmergency
          onDeclared={(emergency) => {
            setNotice(
              `The emergency “${emergency.name}” is declared until ${formatDate(emergency.endsAt)}. Requests made with emergency templates are now in force at once.`,
            );
            emergencies.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

function ConfirmEnd({
  emergency,
  busy,
  onConfirm,
  onCancel,
}: {
  emergency: Emergency;
  busy: boolean;
  onConfirm(emergency: Emergency, reason: string): void;
  onCancel(): void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <ConfirmPanel
      heading={<>End the emergency “{emergency.name}” now?</>}
      level={2}
      confirmLabel="Yes, end it now"
      busy={busy}
      onConfirm={() => {
        if (!reason.trim()) {
          setError('Say why the emergency ends');
          document.getElementById(`${id}-reason`)?.focus();
          return;
        }
        setError(undefined);
        onConfirm(emergency, reason.trim());
      }}
      onCancel={onCancel}
    >
      <p>Every agreement made under it ends at once, and no data flows under them from the next call.</p>
      <TextareaField
        id={`${id}-reason`}
        label="Why does it end?"
        hint="For example “The river is back within its banks”. It is recorded on the ledger with your name."
        name="reason"
        maxLength={2000}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={error}
      />
    </ConfirmPanel>
  );
}

type DeclareErrors = Partial<Record<'name' | 'reason' | 'endsAt', string>>;

function DeclareEmergency({ onDeclared }: { onDeclared(emergency: Emergency): void }) {
  const { errors, problem, busy, submit } = useFormSubmit<DeclareErrors>();
  const id = useId();

  async function declare(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    const found: DeclareErrors = {};
    if (!text('name')) found.name = 'Enter the name of the emergency';
    if (!text('reason')) found.reason = 'Say why data must be shared at once';
    const date = text('endsAt');
    const dateProblem = endDateProblem(date, Date.now());
    if (dateProblem === 'missing' || dateProblem === 'not-a-date')
      found.endsAt = 'Enter the date the emergency ends';
    else if (dateProblem === 'past') found.endsAt = 'The end date must be in the future';
    await submit(element, found, {
      send: () =>
        request<Emergency>('POST', '/api/v1/emergencies', {
          body: { name: text('name'), reason: text('reason'), endsAt: endOfDay(date) },
        }),
      reset: true,
      done: onDeclared,
      failed: 'The emergency was not declared.',
    });
  }

  return (
    <form className="form" onSubmit={declare} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Declare an emergency</h2>
      {problem ? <ErrorAlert error={problem} title="The emergency was not declared" /> : null}
      <InputField
        id={`${id}-name`}
        label="Name"
        hint="What the public will know it by, for example “River Exe floods, March”."
        name="name"
        type="text"
        maxLength={200}
        autoComplete="off"
        error={errors.name}
      />
      <TextareaField
        id={`${id}-reason`}
        label="Reason"
        hint="Why organizations must share data before every approval is given. It is shown in the public register."
        name="reason"
        maxLength={5000}
        error={errors.reason}
      />
      <InputField
        id={`${id}-ends`}
        label="End date"
        hint="The emergency ends at the end of this day, or earlier if you end it."
        name="endsAt"
        type="date"
        className="input input--date"
        error={errors.endsAt}
      />
      <button type="submit" className="button button--warning" disabled={busy}>
        Declare the emergency
      </button>
    </form>
  );
}
