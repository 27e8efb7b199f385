/**
 * Provider addresses, for platform administrators (auditors read them): the only addresses the exchange
 * calls on behalf of a service. Add one, see who added each and when, remove one.
 */
import { type FormEvent, useId } from 'react';
import { PROVIDER_ORIGIN_PATTERN } from '../../../src/domain/index.ts';
import { ApiError, type Person, type ProviderOrigin, request } from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { InputField, TextareaField } from '../form.tsx';
import { useConfirmedAction, useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, formatDate, Page, Status } from '../page.tsx';
import { isAuditor, isPlatformAdmin } from '../roles.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

export function ProviderOriginsPage() {
  const { session } = useSession();
  const roles = session?.signedIn ? session.roles : [];
  const admin = isPlatformAdmin(roles);
  const reader = admin || isAuditor(roles);
  const origins = useApi<{ items: ProviderOrigin[] }>(reader ? '/api/v1/provider-origins' : null);
  const { confirming, setConfirming, notice, setNotice, problem, setProblem, busy, act } =
    useConfirmedAction<ProviderOrigin>();

  async function remove(origin: ProviderOrigin) {
    await act(() => request('DELETE', `/api/v1/provider-origins/${encodeURIComponent(origin.id)}`), {
      done: `${origin.origin} is no longer on the list. Services at that address stop working.`,
      failed: 'The address was not removed.',
      refresh: origins.reload,
      // A removal stands even when the ledger could not record it: show the list as it now is.
      refreshAfterFailure: origins.reload,
    });
  }

  return (
    <Page title="Provider addresses">
      <p className="lead">
        Some services are answered by an organization's own system, at its own address. The exchange calls
        such a system only if its address is on this list.
      </p>
      <p>
        An address is the start of a web address: http or https, the server's name and, if it has one, its
        port, for example <code>https://api.tax.example.gov</code>. Every addition and removal is recorded in
        the log.
      </p>
      {session?.signedIn === false ? (
        <Refusal
          error={
            new ApiError(
              'UNAUTHENTICATED',
              'Only platform administrators and auditors see the provider addresses.',
              401,
            )
          }
        />
      ) : null}
      {session?.signedIn && !reader ? (
        <p>Only platform administrators and auditors see the provider addresses.</p>
      ) : null}
      {session?.signedIn && reader && !admin ? (
        <p>Only platform administrators add and remove addresses; you can read the list.</p>
      ) : null}
      <p role="status" className="notice">
        {notice}
      </p>
      {problem ? <ErrorAlert error={problem} title="There is a problem removing the address" /> : null}
      {confirming ? (
        <ConfirmRemove
          key={confirming.id}
          origin={confirming}
          busy={busy}
          onConfirm={remove}
          onCancel={() => setConfirming(null)}
        />
      ) : null}

      {reader ? (
        <>
          <h2>Addresses on the list</h2>
          <Status loading={origins.loading} label="Loading provider addresses…" />
          {origins.error ? <ErrorAlert error={origins.error} /> : null}
          {origins.data ? (
            origins.data.items.length === 0 ? (
              <p>No address is on the list: the exchange calls no organization's system.</p>
            ) : (
              <table className="table">
                <caption className="table__caption">Provider addresses</caption>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Added</th>
                    {admin ? (
                      <th scope="col">
                        <span className="visually-hidden">Action</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {origins.data.items.map((origin) => (
                    <tr key={origin.id}>
                      <th scope="row">
                        {origin.origin}
                        <span className="hint">
                          {origin.privateNetwork ? (
                            <strong className="tag tag--special tag--wraps">Inside our own network</strong>
                          ) : (
                            <strong className="tag tag--grey tag--wraps">On the internet</strong>
                          )}
                        </span>
                        {origin.note ? <span className="hint">{origin.note}</span> : null}
                      </th>
                      <td>
                        {formatDate(origin.addedAt)}
                        <span className="hint">
                          {origin.addedBy ? <AddedBy id={origin.addedBy} /> : 'Set up with the platform'}
                        </span>
                      </td>
                      {admin ? (
                        <td>
                          <button
                            type="button"
                            className="button button--warning button--small"
                            onClick={() => {
                              setNotice('');
                              setProblem(null);
                              setConfirming(origin);
                            }}
                          >
                            Remove<span className="visually-hidden"> {origin.origin}</span>
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          ) : null}
        </>
      ) : null}

      {admin ? (
        <AddOrigin
          onAdded={(origin) => {
            setNotice(`${origin.origin} is on the list. Services at that address can now be called.`);
            origins.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

/** The name of the person who added an address; their identifier if the name cannot be read. */
function AddedBy({ id }: { id: string }) {
  const person = useApi<Person>(`/api/v1/people/${encodeURIComponent(id)}`);
  return <>by {person.data?.name ?? id}</>;
}

function ConfirmRemove({
  origin,
  busy,
  onConfirm,
  onCancel,
}: {
  origin: ProviderOrigin;
  busy: boolean;
  onConfirm(origin: ProviderOrigin): void;
  onCancel(): void;
}) {
  return (
    <ConfirmPanel
      heading={
        <>
          Remove <code>{origin.origin}</code> from the list?
        </>
      }
      level={2}
      confirmLabel="Yes, remove it"
      busy={busy}
      onConfirm={() => onConfirm(origin)}
      onCancel={onCancel}
    >
      <p>
        Services at this address stop working on their next call: the exchange refuses to call them until the
        address is added again.
      </p>
    </ConfirmPanel>
  );
}

type AddErrors = Partial<Record<'origin' | 'note', string>>;

const ORIGIN = new RegExp(PROVIDER_ORIGIN_PATTERN);

/** The API's refusal beside the field it concerns; null when it concerns no single field. */
function fieldErrors(error: ApiError): AddErrors | null {
  if (error.code === 'ALREADY_EXISTS') return { origin: error.message };
  const issues = error.details?.issues;
  if (Array.isArray(issues)) {
    const found: AddErrors = {};
    for (const issue of issues as Array<{ path?: unknown; message?: unknown }>) {
      const field = String(issue.path ?? '').replace(/^\//, '');
      if ((field === 'origin' || field === 'note') && !found[field]) found[field] = String(issue.message);
    }
    if (Object.keys(found).length > 0) return found;
  }
  if (error.code === 'VALIDATION_FAILED') return { origin: error.message };
  return null;
}

function AddOrigin({ onAdded }: { onAdded(origin: ProviderOrigin): void }) {
  const { errors, problem, busy, submit } = useFormSubmit<AddErrors>();
  const id = useId();

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const origin = String(data.get('origin') ?? '').trim();
    const note = String(data.get('note') ?? '').trim();
    const found: AddErrors = {};
    if (!origin) found.origin = 'Enter the address, for example https://api.tax.example.gov';
    else if (!ORIGIN.test(origin))
      found.origin =
        'Enter only http:// or https://, the server’s name and its port, with no path after it: https://api.tax.example.gov';
    await submit(element, found, {
      send: () =>
        request<ProviderOrigin>('POST', '/api/v1/provider-origins', {
          body: { origin, privateNetwork: data.get('privateNetwork') === 'on', note },
        }),
      reset: true,
      done: onAdded,
      failed: 'The address was not added.',
      fieldErrors,
    });
  }

  return (
    <form className="form" onSubmit={add} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add an address</h2>
      {problem ? <ErrorAlert error={problem} title="The address was not added" /> : null}
      <InputField
        id={`${id}-origin`}
        label="Address"
        hint="http:// or https://, the server’s name and its port if it has one, and nothing after it. For example https://api.tax.example.gov or http://10.0.4.2:8081."
        name="origin"
        type="url"
        maxLength={300}
        autoComplete="off"
        spellCheck={false}
        error={errors.origin}
      />
      <div className="form-group">
        <div className="choice">
          <input
            id={`${id}-private`}
            type="checkbox"
            name="privateNetwork"
            aria-describedby={`${id}-private-hint`}
          />
          <label htmlFor={`${id}-private`}>Inside our own network</label>
          <span className="choice__hint" id={`${id}-private-hint`}>
            Tick this only if the server is in the platform’s own network, not reachable from the internet.
            Otherwise the exchange calls this address only where it leads to the internet, so that it cannot
            be used to reach the platform’s own systems.
          </span>
        </div>
      </div>
      <TextareaField
        id={`${id}-note`}
        label="Note (optional)"
        hint="Whose system this is and why it is on the list, for the next administrator."
        name="note"
        maxLength={500}
        error={errors.note}
      />
      <button type="submit" className="button" disabled={busy}>
        Add the address
      </button>
    </form>
  );
}
