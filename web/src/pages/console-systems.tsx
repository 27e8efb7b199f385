/**
 * An organization's systems in the agency console, for its administrators: register one with its public
 * keys, see them, add and revoke keys, disable and enable it again. Every change goes through the API,
 * which records it in the ledger.
 */
import { type FormEvent, useId, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { SLUG_PATTERN } from '../../../src/domain/index.ts';
import { type ApiError, request, type System } from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { ConsoleNav, consolePath, useConsoleOrganization } from '../console-nav.tsx';
import { InputField, RadioGroup, TextareaField } from '../form.tsx';
import { useConfirmedAction, useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, formatDate, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import {
  changeKeys,
  type Jwk,
  KeysField,
  KeysTable,
  parseKeys,
  withKeyRevoked,
  withKeysAdded,
} from '../public-keys.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

const SLUG = new RegExp(SLUG_PATTERN);

function systemsApi(org: string): string {
  return `/api/v1/organizations/${encodeURIComponent(org)}/systems`;
}

export function systemPath(org: string, slug: string): string {
  return `${consolePath(org, 'systems')}/${encodeURIComponent(slug)}`;
}

/** What a system is and what its key is for, in the words of the person who registers one. */
export function SystemsExplained({ name }: { name: string }) {
  return (
    <>
      <p className="lead">
        A system is a computer program of {name}, such as a case-management system, that asks other
        organizations for data through the exchange.
      </p>
      <p>
        Each system proves who it is with a private key that stays on its own server. govdx keeps only the
        public half of the key, and checks every request against it: a request signed with another key is
        refused. Citizens see the system&rsquo;s name when they look at who used their data. Registering a
        system, changing its keys and disabling it are recorded in the ledger.
      </p>
    </>
  );
}

/** The section of the console that lists the organization's systems, with the form to register one. */
export function SystemsSection({ org, name }: { org: string; name: string }) {
  const systems = usePaged<System>(systemsApi(org), 50);
  const [notice, setNotice] = useState('');
  return (
    <>
      <SystemsExplained name={name} />
      <p role="status" className="notice">
        {notice}
      </p>
      <h2>Registered systems</h2>
      <Status loading={systems.loading} label="Loading systems…" />
      {systems.error ? <ErrorAlert error={systems.error} /> : null}
      {systems.data && systems.data.items.length === 0 ? <p>{name} has no systems yet.</p> : null}
      {systems.data && systems.data.items.length > 0 ? (
        <table className="table">
          <caption className="table__caption">Systems of {name}</caption>
          <thead>
            <tr>
              <th scope="col">System</th>
              <th scope="col">Status</th>
              <th scope="col">Keys</th>
            </tr>
          </thead>
          <tbody>
            {systems.data.items.map((system) => (
              <tr key={system.id}>
                <th scope="row">
                  <Link to={systemPath(org, system.slug)}>{system.name}</Link>
                  <span className="hint">
                    Signs in as <code>{clientIdOf(system)}</code>
                  </span>
                </th>
                <td>
                  <SystemStatus system={system} />
                </td>
                <td>{keysSummary(system)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paged={systems} label={`systems of ${name}`} />
      <RegisterSystem
        org={org}
        onRegistered={(system) => {
          setNotice(`${system.name} is registered. Open it to see its keys.`);
          systems.reload();
        }}
      />
    </>
  );
}

/** How the system names itself to the exchange (the client_id of its assertions). */
function clientIdOf(system: System): string {
  return `${system.organization}/${system.slug}`;
}

function keysSummary(system: System): string {
  if (system.jwksUri) return 'Published at its own address';
  const count = system.jwks?.keys.length ?? 0;
  return count === 1 ? '1 key' : `${count} keys`;
}

function SystemStatus({ system }: { system: System }) {
  return system.status === 'active' ? (
    <strong className="tag tag--open">Active</strong>
  ) : (
    <strong className="tag tag--grey">Disabled</strong>
  );
}

type RegisterErrors = Partial<Record<'name' | 'slug' | 'description' | 'keys' | 'jwksUri', string>>;

/** The API's refusal beside the field it concerns; null when it concerns none. */
function registerFieldErrors(error: ApiError): RegisterErrors | null {
  if (error.code === 'ALREADY_EXISTS') return { slug: error.message };
  if (error.code === 'INVALID_JWKS') return { keys: error.message };
  return issuesByField(error, {
    name: 'Enter a name of at most 200 characters',
    slug: 'Use only lower-case letters, digits and dashes, at most 64 of them',
    description: 'Keep the description under 5,000 characters',
    jwksUri: 'Enter an address starting with https:// or http://',
  });
}

/**
 * A schema refusal's issues, each beside the field the issue's path names, in the words given for that
 * field; null when no issue names one of them.
 */
export function issuesByField<K extends string>(
  error: ApiError,
  words: Partial<Record<K, string>>,
): Partial<Record<K, string>> | null {
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return null;
  const found: Partial<Record<K, string>> = {};
  for (const issue of issues as Array<{ path?: unknown }>) {
    const field = (String(issue.path ?? '').split('/')[1] ?? '') as K;
    if (words[field] && !found[field]) found[field] = words[field];
  }
  return Object.keys(found).length > 0 ? found : null;
}

function RegisterSystem({ org, onRegistered }: { org: string; onRegistered(system: System): void }) {
  const { errors, problem, busy, submit } = useFormSubmit<RegisterErrors>();
  const [source, setSource] = useState<'keys' | 'address'>('keys');
  const [keysText, setKeysText] = useState('');
  const id = useId();

  async function register(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const slug = String(data.get('slug') ?? '').trim();
    const description = String(data.get('description') ?? '').trim();
    const jwksUri = String(data.get('jwksUri') ?? '').trim();
    const found: RegisterErrors = {};
    if (!name) found.name = 'Enter the name of the system, as citizens and other organizations will read it';
    if (!slug) found.slug = 'Enter a short name, for example case-management';
    else if (!SLUG.test(slug))
      found.slug =
        'Use only lower-case letters, digits and dashes, starting and ending with a letter or digit';
    const parsed = source === 'keys' ? parseKeys(keysText) : null;
    if (parsed && 'error' in parsed) found.keys = parsed.error;
    if (source === 'address' && !/^https?:\/\/\S+$/.test(jwksUri))
      found.jwksUri = 'Enter the address where the system publishes its keys, starting with https://';
    await submit(form, found, {
      send: () =>
        request<System>('POST', systemsApi(org), {
          body: {
            name,
            slug,
            ...(description ? { description } : {}),
            ...(parsed && 'keys' in parsed ? { jwks: { keys: parsed.keys } } : { jwksUri }),
          },
        }),
      reset: true,
      done: (system) => {
        setKeysText('');
        onRegistered(system);
      },
      failed: 'The system was not registered.',
      fieldErrors: registerFieldErrors,
    });
  }

  return (
    <form className="form console-form" onSubmit={register} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Register a system</h2>
      {problem ? <ErrorAlert error={problem} title="The system was not registered" /> : null}
      <InputField
        id={`${id}-name`}
        label="Name"
        hint="As citizens will read it when they see who used their data, for example “Housing benefit case management”."
        name="name"
        maxLength={200}
        autoComplete="off"
        error={errors.name}
      />
      <InputField
        id={`${id}-slug`}
        label="Short name"
        hint={
          <>
            Lower-case letters, digits and dashes, for example <code>case-management</code>. The system signs
            in with it as <code>{org}/short-name</code>; it cannot be changed later.
          </>
        }
        name="slug"
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
        error={errors.slug}
      />
      <TextareaField
        id={`${id}-description`}
        label="What it does (optional)"
        name="description"
        maxLength={5000}
        error={errors.description}
      />
      <RadioGroup
        id={`${id}-source`}
        legend="How govdx gets its public keys"
        name="source"
        value={source}
        onChange={(value) => setSource(value as 'keys' | 'address')}
        options={[
          { value: 'keys', label: 'I paste them here, or choose the file' },
          {
            value: 'address',
            label: 'The system publishes them at an address',
            hint: 'govdx reads them there, so the system can change its keys itself.',
          },
        ]}
      />
      {source === 'keys' ? (
        <KeysField
          id={`${id}-keys`}
          label="Public keys (JWKS)"
          hint={
            <>
              The public half of the system&rsquo;s key, as a JSON Web Key Set (
              <code>{'{"keys": [...]}'}</code>) or one key. Your technical team makes the key pair; the
              private half stays on the system and is never pasted here.
            </>
          }
          error={errors.keys}
          value={keysText}
          onChange={setKeysText}
        />
      ) : (
        <InputField
          id={`${id}-jwksUri`}
          label="Address of its public keys"
          hint="For example https://case-management.housing.example/.well-known/jwks.json"
          name="jwksUri"
          type="url"
          maxLength={2048}
          autoComplete="off"
          spellCheck={false}
          error={errors.jwksUri}
        />
      )}
      <button type="submit" className="button" disabled={busy}>
        Register the system
      </button>
    </form>
  );
}

type Confirming = { kind: 'revoke'; key: Jwk } | { kind: 'disable' };

/** One system: what it is, its keys, and what its administrator can change. */
export function SystemPage() {
  const { org = '', slug = '' } = useParams();
  const { name, roles } = useConsoleOrganization(org);
  const path = `${systemsApi(org)}/${encodeURIComponent(slug)}`;
  const system = useApi<System>(path);
  const { confirming, setConfirming, notice, setNotice, problem, setProblem, busy, act } =
    useConfirmedAction<Confirming>();
  const s = system.data;
  const admin = roles.includes('organization_admin');

  async function change(body: Partial<System>, done: string, failed: string) {
    await act(() => request<System>('PATCH', path, { body }), {
      done,
      failed,
      refresh: system.reload,
      // A removal of a key or a disabling stands even when the ledger could not record it.
      refreshAfterFailure: system.reload,
    });
  }

  function ask(what: Confirming) {
    setNotice('');
    setProblem(null);
    setConfirming(what);
  }

  return (
    <Page title={s?.name ?? 'System'} caption={`Systems of ${name}`}>
      {roles.length > 0 ? <ConsoleNav org={org} name={name} roles={roles} current="systems" inside /> : null}
      <p>
        <Link to={consolePath(org, 'systems')}>All systems of {name}</Link>
      </p>
      <Status loading={system.loading} label="Loading the system…" />
      {system.error ? <Refusal error={system.error} /> : null}
      <p role="status" className="notice">
        {notice}
      </p>
      {problem ? <ErrorAlert error={problem} title="The change was not made" /> : null}
      {s ? (
        <>
          {s.description ? <p className="lead">{s.description}</p> : null}
          <SummaryList>
            <SummaryRow term="Status">
              <SystemStatus system={s} />
            </SummaryRow>
            <SummaryRow term="Signs in as">
              <code>{clientIdOf(s)}</code>
            </SummaryRow>
            <SummaryRow term="Registered">{formatDate(s.createdAt)}</SummaryRow>
            <SummaryRow term="Last changed">{formatDate(s.updatedAt)}</SummaryRow>
          </SummaryList>

          {confirming?.kind === 'disable' ? (
            <ConfirmPanel
              heading={<>Disable {s.name}?</>}
              level={2}
              confirmLabel="Yes, disable it"
              busy={busy}
              onConfirm={() =>
                void change(
                  { status: 'disabled' },
                  `${s.name} is disabled. The exchange refuses its requests until you enable it again.`,
                  'The system was not disabled.',
                )
              }
              onCancel={() => setConfirming(null)}
            >
              <p>
                The exchange refuses its requests from the next one on, and it cannot get new access. Its keys
                stay registered, and you can enable it again.
              </p>
            </ConfirmPanel>
          ) : null}
          {admin ? (
            <div className="button-group">
              {s.status === 'active' ? (
                <button
                  type="button"
                  className="button button--warning"
                  onClick={() => ask({ kind: 'disable' })}
                >
                  Disable this system
                </button>
              ) : (
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() =>
                    void change(
                      { status: 'active' },
                      `${s.name} is active again. The exchange answers its requests under its agreements.`,
                      'The system was not enabled.',
                    )
                  }
                >
                  Enable this system again
                </button>
              )}
            </div>
          ) : null}

          <h2>Its public keys</h2>
          {s.jwksUri ? (
            <p>
              The system publishes its keys at <code>{s.jwksUri}</code>, and govdx reads them there: to add or
              revoke a key, change what is published.
            </p>
          ) : (
            <>
              <p>
                The system signs each request with the private half of one of these keys. Revoke a key that is
                lost, leaked or no longer used: requests signed with it are refused from the next one on. To
                change keys without a break, add the new key, move the system to it, then revoke the old.
              </p>
              {confirming?.kind === 'revoke' ? (
                <ConfirmPanel
                  key={confirming.key.kid}
                  heading={<>Revoke the key “{confirming.key.kid}”?</>}
                  level={3}
                  confirmLabel="Yes, revoke it"
                  busy={busy}
                  onConfirm={() =>
                    void act(() => changeKeys(path, (keys) => withKeyRevoked(keys, confirming.key.kid)), {
                      done: `The key “${confirming.key.kid}” is revoked. Requests signed with it are refused.`,
                      failed: 'The key was not revoked.',
                      refresh: system.reload,
                      refreshAfterFailure: system.reload,
                    })
                  }
                  onCancel={() => setConfirming(null)}
                >
                  <p>
                    {s.name} can no longer sign in with this key. This cannot be undone: to use the key again,
                    add it again.
                  </p>
                </ConfirmPanel>
              ) : null}
              <KeysTable
                keys={s.jwks?.keys ?? []}
                caption={`Public keys of ${s.name}`}
                {...(admin ? { onRevoke: (key: Jwk) => ask({ kind: 'revoke', key }) } : {})}
              />
              {admin ? (
                <AddKeys
                  path={path}
                  current={s.jwks?.keys ?? []}
                  onAdded={(added) => {
                    setNotice(
                      added.length === 1
                        ? `The key “${added[0]?.kid}” is added. ${s.name} can sign in with it now.`
                        : `${added.length} keys are added. ${s.name} can sign in with them now.`,
                    );
                    system.reload();
                  }}
                />
              ) : null}
            </>
          )}
          {admin ? (
            <ChangeDescription
              path={path}
              system={s}
              onChanged={() => {
                setNotice('The name and description are saved.');
                system.reload();
              }}
            />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

/** A form that adds keys to a key set: the API takes the whole set, the old keys with the new. */
export function AddKeys({
  path,
  current,
  onAdded,
}: {
  path: string;
  current: Jwk[];
  onAdded(added: Jwk[]): void;
}) {
  const { errors, problem, busy, submit } = useFormSubmit<{ keys?: string }>();
  const [text, setText] = useState('');
  const id = useId();

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseKeys(text);
    const combined = 'keys' in parsed ? withKeysAdded(current, parsed.keys) : parsed;
    await submit(event.currentTarget, 'error' in combined ? { keys: combined.error } : {}, {
      send: () => changeKeys(path, (keys) => withKeysAdded(keys, 'keys' in parsed ? parsed.keys : [])),
      done: () => {
        setText('');
        if ('keys' in parsed) onAdded(parsed.keys);
      },
      failed: 'The key was not added.',
      fieldErrors: (error) => (error.code === 'INVALID_JWKS' ? { keys: error.message } : null),
    });
  }

  return (
    <form className="form console-form" onSubmit={add} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Add a key</h3>
      {problem ? <ErrorAlert error={problem} title="The key was not added" /> : null}
      <KeysField
        id={`${id}-keys`}
        label="New public key"
        hint="One key, or a key set with several. Give each a key id (“kid”) that no other key here has."
        error={errors.keys}
        value={text}
        onChange={setText}
      />
      <button type="submit" className="button" disabled={busy}>
        Add the key
      </button>
    </form>
  );
}

function ChangeDescription({ path, system, onChanged }: { path: string; system: System; onChanged(): void }) {
  const { errors, problem, busy, submit } = useFormSubmit<{ name?: string; description?: string }>();
  const id = useId();

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = String(data.get('name') ?? '').trim();
    const description = String(data.get('description') ?? '').trim();
    await submit(event.currentTarget, name ? {} : { name: 'Enter the name of the system' }, {
      send: () => request<System>('PATCH', path, { body: { name, description } }),
      done: onChanged,
      failed: 'The name and description were not saved.',
      fieldErrors: (error) =>
        issuesByField(error, {
          name: 'Enter a name of at most 200 characters',
          description: 'Keep the description under 5,000 characters',
        }),
    });
  }

  return (
    <form
      className="form"
      onSubmit={save}
      noValidate
      aria-labelledby={`${id}-heading`}
      key={system.updatedAt}
    >
      <h2 id={`${id}-heading`}>Name and description</h2>
      {problem ? <ErrorAlert error={problem} title="The change was not saved" /> : null}
      <InputField
        id={`${id}-name`}
        label="Name"
        hint="Citizens read it when they see who used their data."
        name="name"
        maxLength={200}
        defaultValue={system.name}
        error={errors.name}
      />
      <TextareaField
        id={`${id}-description`}
        label="What it does"
        name="description"
        maxLength={5000}
        defaultValue={system.description}
        error={errors.description}
      />
      <button type="submit" className="button button--secondary" disabled={busy}>
        Save name and description
      </button>
    </form>
  );
}
