/**
 * An organization's consent services in the agency console: the online services that send citizens to
 * govdx to agree to share facts about themselves (consent clients of the consent server). Its
 * administrators and data stewards register one and change where it sends citizens back, which purposes
 * it may ask for, and its keys; every change goes through the API, which records it in the ledger.
 */
import { type FormEvent, useId, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { SLUG_PATTERN } from '../../../src/domain/index.ts';
import { type ApiError, type Page as ApiPage, type ConsentClient, type Purpose, request } from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { ConsoleNav, consolePath, useConsoleOrganization } from '../console-nav.tsx';
import { ErrorMessage, InputField, TextareaField } from '../form.tsx';
import { useConfirmedAction, useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, formatDate, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { changeKeys, type Jwk, KeysField, KeysTable, parseKeys, withKeyRevoked } from '../public-keys.tsx';
import { roleLabel } from '../roles.ts';
import { useApi, usePaged } from '../use-api.ts';
import { AddKeys, issuesByField } from './console-systems.tsx';
import { Refusal } from './refusal.tsx';

const SLUG = new RegExp(SLUG_PATTERN);
/** Who may register and change consent services (the API's writers in the organization). */
const WRITERS = ['organization_admin', 'data_steward'] as const;

function clientsApi(org: string): string {
  return `/api/v1/organizations/${encodeURIComponent(org)}/consent-clients`;
}

export function consentServicePath(org: string, clientId: string): string {
  return `${consolePath(org, 'consent-services')}/${encodeURIComponent(clientId)}`;
}

export function ConsentServicesSection({
  org,
  name,
  canChange,
}: {
  org: string;
  name: string;
  /** An administrator or data steward of the organization. */
  canChange: boolean;
}) {
  const clients = usePaged<ConsentClient>(clientsApi(org), 50);
  const [notice, setNotice] = useState('');
  const caption = `Services of ${name} that ask citizens for consent`;
  return (
    <>
      <p className="lead">
        Online services of {name} that send citizens to govdx to agree to share facts about themselves, such
        as an application form that fills itself in.
      </p>
      <p>
        Citizens see the service&rsquo;s name on the consent page, and are sent back only to the addresses
        listed here. The service may ask only for the purposes listed, and proves who it is with its own key,
        as a system does. Every change of an address, a purpose or a key is recorded in the ledger.
      </p>
      {canChange ? null : (
        <p>Your organization&rsquo;s administrators and data stewards register and change these services.</p>
      )}
      <p role="status" className="notice">
        {notice}
      </p>
      <h2>Registered services</h2>
      <Status loading={clients.loading} label="Loading services…" />
      {clients.error ? <ErrorAlert error={clients.error} /> : null}
      {clients.data?.items.length === 0 ? <p>{name} has no such services.</p> : null}
      {clients.data && clients.data.items.length > 0 ? (
        <table className="table">
          <caption className="table__caption">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Purposes it may ask for</th>
              <th scope="col">Sends citizens back to</th>
            </tr>
          </thead>
          <tbody>
            {clients.data.items.map((client) => (
              <tr key={client.clientId}>
                <th scope="row">
                  <Link to={consentServicePath(org, client.clientId)}>{client.name}</Link>
                  <span className="hint">
                    <code>{client.clientId}</code>
                  </span>
                </th>
                <td>{client.purposes.join(', ')}</td>
                <td>
                  {client.redirectUris.map((uri) => (
                    <div key={uri}>
                      <code>{uri}</code>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paged={clients} label={`services of ${name} that ask for consent`} />
      {canChange ? (
        <RegisterConsentService
          org={org}
          onRegistered={(client) => {
            setNotice(
              `${client.name} is registered. Citizens can be asked for consent from its next request.`,
            );
            clients.reload();
          }}
        />
      ) : null}
    </>
  );
}

type ServiceErrors = Partial<
  Record<'name' | 'clientId' | 'redirectUris' | 'purposes' | 'keys' | 'preview', string>
>;

const SCHEMA_WORDS: ServiceErrors = {
  name: 'Enter a name of at most 200 characters',
  clientId: 'Use only lower-case letters, digits and dashes, at most 64 of them',
  redirectUris: 'Enter up to 10 different addresses, each starting with https:// or http://',
  purposes: 'Choose between 1 and 20 purposes',
};

/** The API's refusal beside the field it concerns; null when it concerns none. */
function serviceFieldErrors(error: ApiError): ServiceErrors | null {
  if (error.code === 'ALREADY_EXISTS') return { clientId: error.message };
  if (error.code === 'INVALID_JWKS') return { keys: error.message };
  if (error.code === 'INVALID_REFERENCE') return { purposes: error.message };
  if (error.code === 'VALIDATION_FAILED' && /redirect URI/i.test(error.message))
    return { redirectUris: error.message };
  return issuesByField(error, SCHEMA_WORDS);
}

/** The addresses typed one per line, or what is wrong with them. */
function readRedirectUris(text: string): { uris: string[] } | { error: string } {
  const uris = [...new Set(text.split(/\s+/).filter(Boolean))];
  if (uris.length === 0)
    return {
      error:
        'Enter the address citizens are sent back to, for example https://apply.housing.example/callback',
    };
  const wrong = uris.find((uri) => !/^https?:\/\/[^\s#]+$/.test(uri));
  if (wrong) {
    return {
      error: wrong.includes('#')
        ? `${wrong} has a part after #: enter the address without it`
        : `${wrong} is not a web address: it must start with https:// or http://`,
    };
  }
  if (uris.length > 10) return { error: 'Enter at most 10 addresses' };
  return { uris };
}

/** The terms of a consent service as its form holds them: the same fields register and change it. */
function ServiceTerms({
  org,
  id,
  errors,
  client,
}: {
  org: string;
  id: string;
  errors: ServiceErrors;
  client?: ConsentClient;
}) {
  return (
    <>
      <InputField
        id={`${id}-name`}
        label="Name"
        hint="As citizens know the service: they read it on the consent page."
        name="name"
        maxLength={200}
        autoComplete="off"
        defaultValue={client?.name}
        error={errors.name}
      />
      <TextareaField
        id={`${id}-redirectUris`}
        label="Addresses citizens are sent back to"
        hint="One per line, each exactly as the service sends it: govdx sends citizens back to no other address."
        name="redirectUris"
        spellCheck={false}
        defaultValue={client?.redirectUris.join('\n')}
        error={errors.redirectUris}
      />
      <PurposeChoices
        org={org}
        id={`${id}-purposes`}
        chosen={client?.purposes ?? []}
        error={errors.purposes}
      />
      <div className="form-group">
        <div className="choice">
          <input
            id={`${id}-preview`}
            type="checkbox"
            name="preview"
            defaultChecked={client?.preview ?? false}
            aria-describedby={`${id}-preview-hint`}
          />
          <label htmlFor={`${id}-preview`}>Show citizens the facts before they are sent</label>
          <span className="hint choice__hint" id={`${id}-preview-hint`}>
            The consent page shows each value from the registers, so the citizen knows exactly what the
            service will receive.
          </span>
        </div>
      </div>
    </>
  );
}

/** The organization's registered purposes to tick, and any other the service already has. */
function PurposeChoices({
  org,
  id,
  chosen,
  error,
}: {
  org: string;
  id: string;
  chosen: string[];
  error: string | undefined;
}) {
  const purposes = useApi<ApiPage<Purpose>>(
    `/api/v1/purposes?organization=${encodeURIComponent(org)}&limit=200`,
  );
  const own = purposes.data?.items ?? [];
  const others = chosen.filter((slug) => !own.some((p) => p.slug === slug));
  return (
    <fieldset
      className={`form-group fieldset${error ? ' form-group--error' : ''}`}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
    >
      <legend className="label">Purposes it may ask consent for</legend>
      <p className="hint" id={`${id}-hint`}>
        The service names one of them in each request; citizens read its reason and legal basis on the consent
        page.
      </p>
      <ErrorMessage id={id} error={error} />
      <Status loading={purposes.loading} label="Loading purposes…" />
      {purposes.error ? <ErrorAlert error={purposes.error} /> : null}
      {purposes.data && own.length === 0 && others.length === 0 ? (
        <p>Your organization has no registered purposes yet: register one first.</p>
      ) : null}
      {own.map((purpose) => (
        <div className="choice" key={purpose.slug}>
          <input
            id={`${id}-${purpose.slug}`}
            type="checkbox"
            name="purposes"
            value={purpose.slug}
            defaultChecked={chosen.includes(purpose.slug)}
            aria-describedby={`${id}-${purpose.slug}-hint`}
          />
          <label htmlFor={`${id}-${purpose.slug}`}>{purpose.title}</label>
          <span className="hint choice__hint" id={`${id}-${purpose.slug}-hint`}>
            <code>{purpose.slug}</code>
          </span>
        </div>
      ))}
      {others.map((slug) => (
        <div className="choice" key={slug}>
          <input id={`${id}-${slug}`} type="checkbox" name="purposes" value={slug} defaultChecked />
          <label htmlFor={`${id}-${slug}`}>
            <code>{slug}</code> (of another organization)
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/** What the terms' fields hold, checked; `found` gets what is wrong. */
function readTerms(data: FormData, found: ServiceErrors) {
  const name = String(data.get('name') ?? '').trim();
  const purposes = data.getAll('purposes').map(String).sort();
  const uris = readRedirectUris(String(data.get('redirectUris') ?? ''));
  if (!name) found.name = 'Enter the name of the service, as citizens know it';
  if ('error' in uris) found.redirectUris = uris.error;
  if (purposes.length === 0) found.purposes = 'Choose at least one purpose';
  return {
    name,
    purposes,
    redirectUris: 'uris' in uris ? uris.uris : [],
    preview: data.get('preview') === 'on',
  };
}

function RegisterConsentService({
  org,
  onRegistered,
}: {
  org: string;
  onRegistered(client: ConsentClient): void;
}) {
  const { errors, problem, busy, submit } = useFormSubmit<ServiceErrors>();
  const [keysText, setKeysText] = useState('');
  const [generation, setGeneration] = useState(0);
  const id = useId();

  async function register(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const found: ServiceErrors = {};
    const terms = readTerms(data, found);
    const clientId = String(data.get('clientId') ?? '').trim();
    if (!clientId) found.clientId = 'Enter the client id, for example housing-benefit-app';
    else if (!SLUG.test(clientId))
      found.clientId =
        'Use only lower-case letters, digits and dashes, starting and ending with a letter or digit';
    const keys = parseKeys(keysText);
    if ('error' in keys) found.keys = keys.error;
    await submit(form, found, {
      send: () =>
        request<ConsentClient>('POST', clientsApi(org), {
          body: { clientId, ...terms, jwks: { keys: 'keys' in keys ? keys.keys : [] } },
        }),
      reset: true,
      done: (client) => {
        setKeysText('');
        // The purposes' checkboxes start again unticked.
        setGeneration((g) => g + 1);
        onRegistered(client);
      },
      failed: 'The service was not registered.',
      fieldErrors: serviceFieldErrors,
    });
  }

  return (
    <form
      className="form console-form"
      onSubmit={register}
      noValidate
      aria-labelledby={`${id}-heading`}
      key={generation}
    >
      <h2 id={`${id}-heading`}>Register a service that asks for consent</h2>
      {problem ? <ErrorAlert error={problem} title="The service was not registered" /> : null}
      <InputField
        id={`${id}-clientId`}
        label="Client id"
        hint="What the service calls itself when it sends citizens to govdx (its OAuth client_id): lower-case letters, digits and dashes, not used by any other service. It cannot be changed later."
        name="clientId"
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
        error={errors.clientId}
      />
      <ServiceTerms org={org} id={id} errors={errors} />
      <KeysField
        id={`${id}-keys`}
        label="Public keys (JWKS)"
        hint={
          <>
            The public half of the service&rsquo;s key, as a JSON Web Key Set (
            <code>{'{"keys": [...]}'}</code>) or one key: the service signs in with it. A key marked{' '}
            <code>"use": "enc"</code> gets the facts encrypted to it. The private half stays with the service
            and is never pasted here.
          </>
        }
        error={errors.keys}
        value={keysText}
        onChange={setKeysText}
      />
      <button type="submit" className="button" disabled={busy}>
        Register the service
      </button>
    </form>
  );
}

/** One consent service: its terms to change, and its keys to add and revoke. */
export function ConsentServicePage() {
  const { org = '', clientId = '' } = useParams();
  const { name, roles } = useConsoleOrganization(org);
  const path = `${clientsApi(org)}/${encodeURIComponent(clientId)}`;
  const client = useApi<ConsentClient>(path);
  const { confirming, setConfirming, notice, setNotice, problem, setProblem, busy, act } =
    useConfirmedAction<Jwk>();
  const c = client.data;
  const canChange = roles.some((role) => (WRITERS as readonly string[]).includes(role));

  async function revoke(key: Jwk) {
    await act(() => changeKeys(path, (keys) => withKeyRevoked(keys, key.kid)), {
      done: `The key “${key.kid}” is revoked. The service can no longer sign in with it.`,
      failed: 'The key was not revoked.',
      refresh: client.reload,
      // Taking a key away stands even when the ledger could not record it.
      refreshAfterFailure: client.reload,
    });
  }

  return (
    <Page title={c?.name ?? 'Consent service'} caption={`Consent services of ${name}`}>
      {roles.length > 0 ? (
        <ConsoleNav org={org} name={name} roles={roles} current="consent-services" inside />
      ) : null}
      <p>
        <Link to={consolePath(org, 'consent-services')}>All consent services of {name}</Link>
      </p>
      <Status loading={client.loading} label="Loading the service…" />
      {client.error ? <Refusal error={client.error} /> : null}
      <p role="status" className="notice">
        {notice}
      </p>
      {problem ? <ErrorAlert error={problem} title="The change was not made" /> : null}
      {c ? (
        <>
          <SummaryList>
            <SummaryRow term="Client id">
              <code>{c.clientId}</code>
            </SummaryRow>
            <SummaryRow term="Purposes it may ask for">{c.purposes.join(', ')}</SummaryRow>
            <SummaryRow term="Sends citizens back to">
              {c.redirectUris.map((uri) => (
                <div key={uri}>
                  <code>{uri}</code>
                </div>
              ))}
            </SummaryRow>
            <SummaryRow term="Citizens see the facts first">{c.preview ? 'Yes' : 'No'}</SummaryRow>
            <SummaryRow term="Registered">{formatDate(c.createdAt)}</SummaryRow>
            <SummaryRow term="Last changed">{formatDate(c.updatedAt)}</SummaryRow>
          </SummaryList>
          {canChange ? null : (
            <p>
              Only {roleLabel('organization_admin').toLowerCase()}s and{' '}
              {roleLabel('data_steward').toLowerCase()}s of {name} change it.
            </p>
          )}

          <h2>Its public keys</h2>
          <p>
            The service signs in with the private half of one of these keys. Revoke a key that is lost, leaked
            or no longer used: the service can no longer sign in with it. To change keys without a break, add
            the new key, move the service to it, then revoke the old.
          </p>
          {confirming ? (
            <ConfirmPanel
              key={confirming.kid}
              heading={<>Revoke the key “{confirming.kid}”?</>}
              level={3}
              confirmLabel="Yes, revoke it"
              busy={busy}
              onConfirm={() => void revoke(confirming)}
              onCancel={() => setConfirming(null)}
            >
              <p>
                {c.name} can no longer sign in with this key, from its next request. This cannot be undone: to
                use the key again, add it again.
              </p>
            </ConfirmPanel>
          ) : null}
          <KeysTable
            keys={c.jwks.keys}
            caption={`Public keys of ${c.name}`}
            {...(canChange
              ? {
                  onRevoke: (key: Jwk) => {
                    setNotice('');
                    setProblem(null);
                    setConfirming(key);
                  },
                }
              : {})}
          />
          {canChange ? (
            <>
              <AddKeys
                path={path}
                current={c.jwks.keys}
                onAdded={(added) => {
                  setNotice(
                    added.length === 1
                      ? `The key “${added[0]?.kid}” is added. ${c.name} can sign in with it now.`
                      : `${added.length} keys are added. ${c.name} can sign in with them now.`,
                  );
                  client.reload();
                }}
              />
              <ChangeConsentService
                key={c.updatedAt}
                org={org}
                path={path}
                client={c}
                onChanged={(changed) => {
                  setNotice(`The changes to ${changed.name} are saved. They apply from its next request.`);
                  client.reload();
                }}
              />
            </>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

function ChangeConsentService({
  org,
  path,
  client,
  onChanged,
}: {
  org: string;
  path: string;
  client: ConsentClient;
  onChanged(client: ConsentClient): void;
}) {
  const { errors, problem, busy, submit } = useFormSubmit<ServiceErrors>();
  const id = useId();

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const found: ServiceErrors = {};
    const terms = readTerms(new FormData(form), found);
    // Only what changed is sent, so that the ledger records what the person changed.
    const changes = Object.fromEntries(
      Object.entries(terms).filter(
        ([key, value]) => JSON.stringify(value) !== JSON.stringify(client[key as keyof typeof terms]),
      ),
    );
    const nothing = Object.keys(changes).length === 0;
    await submit(form, found, {
      send: () =>
        nothing ? Promise.resolve(client) : request<ConsentClient>('PATCH', path, { body: changes }),
      done: onChanged,
      failed: 'The changes were not saved.',
      fieldErrors: serviceFieldErrors,
    });
  }

  return (
    <form className="form console-form" onSubmit={save} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Change the service</h2>
      {problem ? <ErrorAlert error={problem} title="The changes were not saved" /> : null}
      <ServiceTerms org={org} id={id} errors={errors} client={client} />
      <button type="submit" className="button" disabled={busy}>
        Save the changes
      </button>
    </form>
  );
}
