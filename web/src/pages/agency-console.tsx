import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { type Grant, grantableRoles, type Role } from '../../../src/domain/index.ts';
import {
  type AccessToken,
  ApiError,
  type ConsentClient,
  type Dataset,
  type Me,
  request,
  type Service,
  type System,
} from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { CLASSIFICATION_LABELS, FieldsTable, SensitivityKey, sensitivitySummary } from '../labels.tsx';
import { ErrorAlert, formatDate, Page, Pager, Status } from '../page.tsx';
import { consoleOrganizations, roleLabel } from '../roles.ts';
import { UsageView } from '../usage-view.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { AgreementsOverview } from './agreements.tsx';
import { SystemTable } from './auditor.tsx';
import { CatalogChanges } from './catalog-changes.tsx';
import { datasetPath } from './datasets.tsx';
import { Refusal } from './refusal.tsx';
import { ServiceTable, ServiceUsagePanel } from './services.tsx';

export function AgencyConsolePage() {
  const me = useApi<Me>('/api/v1/me');
  const organizations = me.data ? [...consoleOrganizations(me.data.roles)] : [];
  const nameOf = (slug: string) =>
    me.data?.person.memberships.find((m) => m.organization === slug)?.organizationName ?? slug;
  // Organizations are addressed by slug throughout the API, so grants are compared by slug here too.
  const grants: Grant[] = me.data?.roles.map((r) => ({ role: r.role, organizationId: r.organization })) ?? [];

  return (
    <Page title="Agency console">
      <Status loading={me.loading} label="Loading your organizations…" />
      {me.error ? <Refusal error={me.error} /> : null}
      {me.data && organizations.length === 0 ? (
        <p>
          You do not hold a role in an organization that manages data here. Your organization's administrator
          can give you one.
        </p>
      ) : null}
      {organizations.length > 1 ? (
        <nav aria-label="Your organizations" className="contents">
          <h2 className="contents__title">Your organizations</h2>
          <ul className="list">
            {organizations.map(([slug]) => (
              <li key={slug}>
                <a href={`#org-${slug}`}>{nameOf(slug)}</a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {organizations.map(([slug, roles]) => (
        <OrganizationConsole
          key={slug}
          slug={slug}
          name={nameOf(slug)}
          roles={roles}
          grants={grants}
          personId={me.data?.person.id}
        />
      ))}
    </Page>
  );
}

function OrganizationConsole({
  slug,
  name,
  roles,
  grants,
  personId,
}: {
  slug: string;
  name: string;
  roles: Role[];
  grants: Grant[];
  personId: string | undefined;
}) {
  const base = `/api/v1/organizations/${encodeURIComponent(slug)}`;
  const datasets = usePaged<Dataset>(`${base}/datasets`, 20);
  const services = usePaged<Service>(`${base}/services`, 50);
  const isAdmin = roles.includes('organization_admin');
  // A legal reviewer only signs agreements off; the use of services is for those who run them.
  const seesUsage = roles.some((r) => r !== 'legal_reviewer');
  return (
    <section className="console-organization" aria-labelledby={`org-${slug}`}>
      <h2 id={`org-${slug}`}>{name}</h2>
      <p>
        Your {roles.length === 1 ? 'role' : 'roles'} here: {roles.map(roleLabel).join(', ')}.{' '}
        <Link to={`/organizations/${slug}`}>Public page of {name}</Link>
      </p>

      <AgreementsOverview slug={slug} name={name} />
      {roles.includes('organization_admin') || roles.includes('data_steward') ? (
        <p>
          <Link to={`/agency-console/${slug}/corrections`}>
            Requests from people to correct {name}’s registers
          </Link>
        </p>
      ) : null}

      {roles.some((r) => CATALOG_CHANGE_READERS.includes(r)) ? (
        <CatalogChanges
          base={base}
          name={name}
          canDecide={roles.includes('data_protection_officer')}
          personId={personId}
        />
      ) : null}

      <h3>Datasets</h3>
      <SensitivityKey />
      <Status loading={datasets.loading} label="Loading datasets…" />
      {datasets.error ? <ErrorAlert error={datasets.error} /> : null}
      {datasets.data?.items.length === 0 ? <p>{name} has no datasets yet.</p> : null}
      {datasets.data?.items.map((dataset) => (
        <div className="console-dataset" key={dataset.id}>
          <h4>
            <Link to={datasetPath(dataset)}>{dataset.title}</Link>
          </h4>
          <p className="results__meta">
            {CLASSIFICATION_LABELS[dataset.classification]} · Data steward:{' '}
            {dataset.steward?.name ?? 'not named'} · {sensitivitySummary(dataset.fields)}
          </p>
          <FieldsTable fields={dataset.fields} caption={`Fields of ${dataset.title}`} />
        </div>
      ))}
      <Pager paged={datasets} label={`datasets of ${name}`} />

      <h3>Services</h3>
      <Status loading={services.loading} label="Loading services…" />
      {services.error ? <ErrorAlert error={services.error} /> : null}
      {services.data ? <ServiceTable services={services.data.items} caption={`Services of ${name}`} /> : null}
      <Pager paged={services} label={`services of ${name}`} />

      {seesUsage && services.data && services.data.items.length > 0 ? (
        <>
          <h3>Use of your services</h3>
          <p>
            Who called each service through the exchange, for which purpose, what they got and how fast, day
            by day (UTC). These are statistics, the same on every govdx node and up to a few seconds behind;
            the ledger records every call itself.
          </p>
          {services.data.items.map((service) => (
            <ServiceUsagePanel key={service.id} service={service} />
          ))}
        </>
      ) : null}

      {seesUsage ? (
        <>
          <h3>Your calls through the exchange</h3>
          <p>
            What the systems of {name} asked other organizations for, for which purpose, and what they got,
            day by day (UTC).
          </p>
          <UsageView
            path={`${base}/usage`}
            title={`Calls by ${name}`}
            columns="service"
            none={`${name} made no calls through the exchange in these days.`}
          />
        </>
      ) : null}

      {roles.some((r) => CONSENT_CLIENT_READERS.includes(r)) ? (
        <ConsentClients base={base} name={name} />
      ) : null}

      {isAdmin ? (
        <>
          <Systems base={base} name={name} />
          <AccessTokens base={base} slug={slug} name={name} grants={grants} />
        </>
      ) : null}
    </section>
  );
}

/** Who sees the changes waiting for the data protection officer (the API's readers in the organization). */
const CATALOG_CHANGE_READERS: readonly Role[] = [
  'organization_admin',
  'data_steward',
  'data_protection_officer',
];

/** Who may see an organization's consent clients (the API's readers in the organization). */
const CONSENT_CLIENT_READERS: readonly Role[] = [
  'organization_admin',
  'data_steward',
  'data_protection_officer',
];

/** The organization's services that ask citizens for consent, as registered: what citizens see and are sent back to. */
function ConsentClients({ base, name }: { base: string; name: string }) {
  const clients = usePaged<ConsentClient>(`${base}/consent-clients`, 50);
  const caption = `Services of ${name} that ask citizens for consent`;
  return (
    <>
      <h3>Services that ask citizens for consent</h3>
      <p>
        Online services of {name} that send citizens to govdx to agree to share facts about themselves.
        Citizens see the service&rsquo;s name on the consent page and are sent back only to the addresses
        listed here. Your technical team changes them through <a href="/docs">govdx&rsquo;s API</a>; every
        change of an address or a key is recorded in the ledger.
      </p>
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
              <th scope="col">Keys</th>
              <th scope="col">Citizens see the facts first</th>
              <th scope="col">Last changed</th>
            </tr>
          </thead>
          <tbody>
            {clients.data.items.map((client) => (
              <tr key={client.clientId}>
                <th scope="row">
                  {client.name}
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
                <td>
                  {client.jwks.keys.length} {client.jwks.keys.length === 1 ? 'key' : 'keys'}
                </td>
                <td>{client.preview ? 'Yes' : 'No'}</td>
                <td>{formatDate(client.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paged={clients} label={`services of ${name} that ask for consent`} />
    </>
  );
}

function Systems({ base, name }: { base: string; name: string }) {
  const systems = usePaged<System>(`${base}/systems`, 50);
  return (
    <>
      <h3>Systems</h3>
      <p>The machines of {name} that call the exchange, each with its own keys.</p>
      <Status loading={systems.loading} label="Loading systems…" />
      {systems.error ? <ErrorAlert error={systems.error} /> : null}
      {systems.data ? <SystemTable systems={systems.data.items} caption={`Systems of ${name}`} /> : null}
      <Pager paged={systems} label={`systems of ${name}`} />
    </>
  );
}

const EXPIRY_CHOICES: Array<[string, string]> = [
  ['30', 'In 30 days'],
  ['90', 'In 90 days'],
  ['365', 'In 1 year'],
  ['730', 'In 2 years'],
  ['never', 'Never (not recommended)'],
];

function tokenStatus(token: AccessToken): { label: string; tone: string } {
  if (token.revokedAt) return { label: 'Revoked', tone: 'grey' };
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return { label: 'Expired', tone: 'grey' };
  return { label: 'Active', tone: 'open' };
}

function AccessTokens({
  base,
  slug,
  name,
  grants,
}: {
  base: string;
  slug: string;
  name: string;
  grants: Grant[];
}) {
  const tokens = usePaged<AccessToken>(`${base}/tokens`, 50);
  const allowed = grantableRoles(grants, slug);
  const [created, setCreated] = useState<(AccessToken & { secret: string }) | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ name?: string; roles?: string }>({});
  const [confirming, setConfirming] = useState<AccessToken | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), expiry: useId(), roles: useId() };

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const tokenName = String(form.get('name') ?? '').trim();
    const roles = form.getAll('roles').map(String);
    const expiry = String(form.get('expiry') ?? '90');
    const errors: { name?: string; roles?: string } = {};
    if (!tokenName) errors.name = 'Enter a name that says what the token is for';
    if (roles.length === 0) errors.roles = 'Choose at least one role';
    setFieldErrors(errors);
    setProblem(null);
    setNotice('');
    if (errors.name || errors.roles) return;
    setBusy(true);
    try {
      const token = await request<AccessToken & { secret: string }>('POST', `${base}/tokens`, {
        body: { name: tokenName, roles, expiresInDays: expiry === 'never' ? null : Number(expiry) },
      });
      setCreated(token);
      formElement.reset();
      tokens.reload();
    } catch (error) {
      setProblem(
        error instanceof ApiError ? error : new ApiError('UNEXPECTED', 'The token was not created.', 0),
      );
    } finally {
      setBusy(false);
    }
  }

  async function revoke(token: AccessToken) {
    setBusy(true);
    setProblem(null);
    try {
      await request('DELETE', `${base}/tokens/${encodeURIComponent(token.id)}`);
      setConfirming(null);
      setNotice(`The token “${token.name}” is revoked. Scripts using it can no longer sign in.`);
      tokens.reload();
    } catch (error) {
      setProblem(
        error instanceof ApiError ? error : new ApiError('UNEXPECTED', 'The token was not revoked.', 0),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h3>Personal access tokens</h3>
      <p>
        A token lets a script use the govdx API on your behalf, with the roles you choose. It stops working
        when it expires, when it is revoked, or when you no longer hold those roles.
      </p>
      <p role="status" className="notice">
        {notice}
      </p>
      {problem ? <ErrorAlert error={problem} /> : null}
      {created ? <NewSecret token={created} onDone={() => setCreated(null)} /> : null}

      <Status loading={tokens.loading} label="Loading tokens…" />
      {tokens.error ? <ErrorAlert error={tokens.error} /> : null}
      {confirming ? (
        <ConfirmRevoke
          key={confirming.id}
          token={confirming}
          busy={busy}
          onConfirm={revoke}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
      {tokens.data ? (
        tokens.data.items.length === 0 ? (
          <p>{name} has no tokens yet.</p>
        ) : (
          <table className="table">
            <caption className="table__caption">Tokens of {name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((token) => {
                const status = tokenStatus(token);
                return (
                  <tr key={token.id}>
                    <th scope="row">{token.name}</th>
                    <td>{token.roles.map(roleLabel).join(', ')}</td>
                    <td>{formatDate(token.createdAt)}</td>
                    <td>{token.expiresAt ? formatDate(token.expiresAt) : 'Never'}</td>
                    <td>{token.lastUsedAt ? formatDate(token.lastUsedAt) : 'Not yet'}</td>
                    <td>
                      <strong className={`tag tag--${status.tone}`}>{status.label}</strong>
                    </td>
                    <td>
                      {status.label === 'Active' ? (
                        <button
                          type="button"
                          className="button button--warning button--small"
                          onClick={() => setConfirming(token)}
                        >
                          Revoke<span className="visually-hidden"> token {token.name}</span>
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      ) : null}
      <Pager paged={tokens} label={`tokens of ${name}`} />

      <form className="form" onSubmit={create} noValidate>
        <h4>Create a token</h4>
        <div className={`form-group${fieldErrors.name ? ' form-group--error' : ''}`}>
          <label className="label" htmlFor={ids.name}>
            Name
          </label>
          <p className="hint" id={`${ids.name}-hint`}>
            What the token is for, for example “nightly dataset export”.
          </p>
          {fieldErrors.name ? (
            <p className="error-message" id={`${ids.name}-error`}>
              <span className="visually-hidden">Error:</span> {fieldErrors.name}
            </p>
          ) : null}
          <input
            className="input"
            id={ids.name}
            name="name"
            type="text"
            maxLength={100}
            autoComplete="off"
            aria-describedby={`${ids.name}-hint${fieldErrors.name ? ` ${ids.name}-error` : ''}`}
            aria-invalid={fieldErrors.name ? true : undefined}
          />
        </div>
        <fieldset
          className={`form-group fieldset${fieldErrors.roles ? ' form-group--error' : ''}`}
          aria-describedby={`${ids.roles}-hint${fieldErrors.roles ? ` ${ids.roles}-error` : ''}`}
        >
          <legend className="label">Roles</legend>
          <p className="hint" id={`${ids.roles}-hint`}>
            The token can do only what these roles allow. You can give only roles you hold in {name}.
          </p>
          {fieldErrors.roles ? (
            <p className="error-message" id={`${ids.roles}-error`}>
              <span className="visually-hidden">Error:</span> {fieldErrors.roles}
            </p>
          ) : null}
          {allowed.map((role) => (
            <div className="checkbox" key={role}>
              <input id={`${ids.roles}-${role}`} type="checkbox" name="roles" value={role} />
              <label htmlFor={`${ids.roles}-${role}`}>{roleLabel(role)}</label>
            </div>
          ))}
        </fieldset>
        <div className="form-group">
          <label className="label" htmlFor={ids.expiry}>
            Expires
          </label>
          <select className="select" id={ids.expiry} name="expiry" defaultValue="90">
            {EXPIRY_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button" disabled={busy}>
          Create token
        </button>
      </form>
    </>
  );
}

function NewSecret({ token, onDone }: { token: AccessToken & { secret: string }; onDone(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  const id = useId();
  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(token.secret);
      setCopied('Copied. Paste it into your script’s settings now.');
    } catch {
      input.current?.select();
      setCopied('Your browser did not let us copy. The token is selected: copy it with your keyboard.');
    }
  }

  return (
    <div className="panel panel--secret">
      <h4 ref={heading} tabIndex={-1}>
        Token “{token.name}” created
      </h4>
      <p>
        <strong>Copy it now. You will not be able to see it again.</strong> Keep it as secret as a password.
      </p>
      <label className="label" htmlFor={id}>
        Your new token
      </label>
      <input ref={input} className="input input--code" id={id} type="text" readOnly value={token.secret} />
      <div className="button-group">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy token
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          I have copied it
        </button>
      </div>
      <p role="status">{copied}</p>
    </div>
  );
}

function ConfirmRevoke({
  token,
  busy,
  onConfirm,
  onCancel,
}: {
  token: AccessToken;
  busy: boolean;
  onConfirm(token: AccessToken): void;
  onCancel(): void;
}) {
  return (
    <ConfirmPanel
      heading={<>Revoke the token “{token.name}”?</>}
      level={4}
      confirmLabel="Yes, revoke it"
      busy={busy}
      onConfirm={() => onConfirm(token)}
      onCancel={onCancel}
    >
      <p>Scripts using it stop working at once. This cannot be undone.</p>
    </ConfirmPanel>
  );
}
