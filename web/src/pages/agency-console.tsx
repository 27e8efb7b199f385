/**
 * The agency console: one organization's work, in sections that each have their own address
 * (`/agency-console/{org}/{section}`): an overview of what waits for the person, agreements, datasets,
 * services, the use of the exchange, consent services, systems, members and access tokens, each offered
 * to the roles that may use it. `/agency-console` is the overview of a person's one organization, or the
 * list of their organizations.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { type Grant, grantableRoles, type Role } from '../../../src/domain/index.ts';
import {
  type AccessToken,
  ApiError,
  type Dataset,
  type Me,
  type Member,
  request,
  type Service,
} from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import {
  CONSOLE_SECTIONS,
  ConsoleNav,
  type ConsoleSection,
  consolePath,
  isConsoleSection,
} from '../console-nav.tsx';
import { CLASSIFICATION_LABELS, FieldsTable, SensitivityKey, sensitivitySummary } from '../labels.tsx';
import { ErrorAlert, formatDate, Page, Pager, Status } from '../page.tsx';
import { consoleOrganizations, roleLabel } from '../roles.ts';
import { UsageView } from '../usage-view.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { AgreementsOverview } from './agreements.tsx';
import { CatalogChanges } from './catalog-changes.tsx';
import { ConsentServicesSection } from './console-consent-services.tsx';
import { SystemsSection } from './console-systems.tsx';
import { datasetPath } from './datasets.tsx';
import { Refusal } from './refusal.tsx';
import { ServiceTable, ServiceUsagePanel } from './services.tsx';

export function AgencyConsolePage() {
  const { org, section = 'overview' } = useParams();
  const me = useApi<Me>('/api/v1/me');
  const organizations = me.data ? [...consoleOrganizations(me.data.roles)] : [];
  const nameOf = (slug: string) =>
    me.data?.person.memberships.find((m) => m.organization === slug)?.organizationName ?? slug;
  // Organizations are addressed by slug throughout the API, so grants are compared by slug here too.
  const grants: Grant[] = me.data?.roles.map((r) => ({ role: r.role, organizationId: r.organization })) ?? [];
  // Without an organization in the address, a person with one organization sees its overview.
  const slug = org ?? (organizations.length === 1 ? organizations[0]?.[0] : undefined);
  const roles = slug ? (organizations.find(([s]) => s === slug)?.[1] ?? []) : [];
  const offered = CONSOLE_SECTIONS.find((s) => s.id === section)?.offered(roles) ?? false;

  if (me.data && slug && roles.length > 0 && isConsoleSection(section) && offered) {
    return (
      <OrganizationConsole
        key={slug}
        slug={slug}
        name={nameOf(slug)}
        roles={roles}
        grants={grants}
        personId={me.data.person.id}
        section={section}
      />
    );
  }
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
      {me.data && organizations.length > 0 && org && roles.length === 0 ? (
        <p>
          You do not hold a role in {nameOf(org)}. <Link to="/agency-console">Go to your organizations</Link>.
        </p>
      ) : null}
      {me.data && roles.length > 0 && !offered ? (
        <p>
          The console of {nameOf(slug ?? '')} has no such section for your roles.{' '}
          <Link to={consolePath(slug ?? '')}>Go to its overview</Link>.
        </p>
      ) : null}
      {me.data && !org && organizations.length > 1 ? (
        <>
          <h2>Your organizations</h2>
          <ul className="list">
            {organizations.map(([s, held]) => (
              <li key={s}>
                <Link to={consolePath(s)}>{nameOf(s)}</Link>
                <span className="hint">{held.map(roleLabel).join(', ')}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Page>
  );
}

function sectionTitle(section: ConsoleSection, name: string): string {
  switch (section) {
    case 'overview':
    case 'agreements':
      return 'Agency console';
    case 'datasets':
      return `Datasets of ${name}`;
    case 'services':
      return `Services of ${name}`;
    case 'usage':
      return `Use of the exchange by ${name}`;
    case 'consent-services':
      return `Consent services of ${name}`;
    case 'systems':
      return `Systems of ${name}`;
    case 'members':
      return `Members of ${name}`;
    case 'tokens':
      return `Access tokens of ${name}`;
  }
}

function OrganizationConsole({
  slug,
  name,
  roles,
  grants,
  personId,
  section,
}: {
  slug: string;
  name: string;
  roles: Role[];
  grants: Grant[];
  personId: string;
  section: ConsoleSection;
}) {
  const base = `/api/v1/organizations/${encodeURIComponent(slug)}`;
  return (
    <Page title={sectionTitle(section, name)} caption={section === 'overview' ? name : 'Agency console'}>
      <ConsoleNav org={slug} name={name} roles={roles} current={section} />
      {section === 'overview' ? (
        <Overview slug={slug} base={base} name={name} roles={roles} personId={personId} />
      ) : null}
      {section === 'datasets' ? <DatasetsSection slug={slug} base={base} name={name} roles={roles} /> : null}
      {section === 'services' ? <ServicesSection base={base} name={name} /> : null}
      {section === 'usage' ? <UsageSection base={base} name={name} /> : null}
      {section === 'consent-services' ? (
        <ConsentServicesSection
          org={slug}
          name={name}
          canChange={roles.some((r) => r === 'organization_admin' || r === 'data_steward')}
        />
      ) : null}
      {section === 'systems' ? <SystemsSection org={slug} name={name} /> : null}
      {section === 'members' ? <MembersSection base={base} name={name} /> : null}
      {section === 'tokens' ? <AccessTokens base={base} slug={slug} name={name} grants={grants} /> : null}
    </Page>
  );
}

/** Who sees the changes waiting for the data protection officer (the API's readers in the organization). */
const CATALOG_CHANGE_READERS: readonly Role[] = [
  'organization_admin',
  'data_steward',
  'data_protection_officer',
];

/** What waits for the person in the organization, and where the rest of its work is. */
function Overview({
  slug,
  base,
  name,
  roles,
  personId,
}: {
  slug: string;
  base: string;
  name: string;
  roles: Role[];
  personId: string;
}) {
  return (
    <>
      <p>
        Your {roles.length === 1 ? 'role' : 'roles'} in {name}: {roles.map(roleLabel).join(', ')}.{' '}
        <Link to={`/organizations/${slug}`}>Public page of {name}</Link>
      </p>
      <h2>What waits for you</h2>
      <AgreementsOverview slug={slug} name={name} />
      {roles.includes('data_steward') || roles.includes('organization_admin') ? (
        <>
          <p>
            <Link to={`/agency-console/${slug}/corrections`}>
              Requests from people to correct {name}’s registers
            </Link>
          </p>
          <p>
            <Link to={`/agency-console/${slug}/sources`}>Sources and their links to registers</Link>: copies
            of people, addresses or businesses linked to a register, and the pairs waiting for a steward's
            review.
          </p>
        </>
      ) : null}
      {roles.some((r) => CATALOG_CHANGE_READERS.includes(r)) ? (
        <CatalogChanges
          base={base}
          name={name}
          canDecide={roles.includes('data_protection_officer')}
          personId={personId}
        />
      ) : null}
    </>
  );
}

/** Who prepares and reads the organization's releases of open data (the API's readers). */
const RELEASE_READERS: readonly Role[] = ['organization_admin', 'data_steward', 'data_protection_officer'];
const STEWARDS: readonly Role[] = ['organization_admin', 'data_steward'];

function DatasetsSection({
  slug,
  base,
  name,
  roles,
}: {
  slug: string;
  base: string;
  name: string;
  roles: Role[];
}) {
  const datasets = usePaged<Dataset>(`${base}/datasets`, 20);
  const steward = roles.some((r) => STEWARDS.includes(r));
  return (
    <>
      <p className="lead">
        The data {name} is the authoritative source for, each field with how sensitive it is.
      </p>
      {roles.some((r) => RELEASE_READERS.includes(r)) ? (
        <p>
          To publish open data made from a register without exposing the people in it, prepare a release:{' '}
          <Link to={`/releases?organization=${encodeURIComponent(slug)}`}>
            releases of open data of {name}
          </Link>
          .
        </p>
      ) : null}
      <SensitivityKey />
      <Status loading={datasets.loading} label="Loading datasets…" />
      {datasets.error ? <ErrorAlert error={datasets.error} /> : null}
      {datasets.data?.items.length === 0 ? <p>{name} has no datasets yet.</p> : null}
      {datasets.data?.items.map((dataset) => (
        <div className="console-dataset" key={dataset.id}>
          <h2>
            <Link to={datasetPath(dataset)}>{dataset.title}</Link>
          </h2>
          <p className="results__meta">
            {CLASSIFICATION_LABELS[dataset.classification]} · Data steward:{' '}
            {dataset.steward?.name ?? 'not named'} · {sensitivitySummary(dataset.fields)}
          </p>
          {steward ? (
            <ul className="list list--inline steward-links">
              <li>
                <Link to={`${datasetPath(dataset)}/edit`}>
                  Edit description<span className="visually-hidden"> of {dataset.title}</span>
                </Link>
              </li>
              <li>
                <Link to={`${datasetPath(dataset)}/quality`}>
                  Check its quality<span className="visually-hidden">: {dataset.title}</span>
                </Link>
              </li>
              {dataset.keyField ? (
                <li>
                  <Link to={`${datasetPath(dataset)}/imports`}>
                    Import records<span className="visually-hidden"> into {dataset.title}</span>
                  </Link>
                </li>
              ) : null}
            </ul>
          ) : null}
          <FieldsTable fields={dataset.fields} caption={`Fields of ${dataset.title}`} />
        </div>
      ))}
      <Pager paged={datasets} label={`datasets of ${name}`} />
    </>
  );
}

function ServicesSection({ base, name }: { base: string; name: string }) {
  const services = usePaged<Service>(`${base}/services`, 50);
  return (
    <>
      <p className="lead">The ways other organizations reach the data of {name} through the exchange.</p>
      <Status loading={services.loading} label="Loading services…" />
      {services.error ? <ErrorAlert error={services.error} /> : null}
      {services.data ? <ServiceTable services={services.data.items} caption={`Services of ${name}`} /> : null}
      <Pager paged={services} label={`services of ${name}`} />
    </>
  );
}

function UsageSection({ base, name }: { base: string; name: string }) {
  const services = usePaged<Service>(`${base}/services`, 50);
  return (
    <>
      <p className="lead">
        Who called the services of {name}, and what its own systems asked others for, day by day (UTC).
      </p>
      <Status loading={services.loading} label="Loading services…" />
      {services.error ? <ErrorAlert error={services.error} /> : null}
      {services.data && services.data.items.length > 0 ? (
        <>
          <h2>Use of your services</h2>
          <p>
            Who called each service through the exchange, for which purpose, what they got and how fast, day
            by day (UTC). These are statistics, the same on every govdx node and up to a few seconds behind;
            the ledger records every call itself.
          </p>
          {services.data.items.map((service) => (
            <ServiceUsagePanel key={service.id} service={service} />
          ))}
          <Pager paged={services} label={`services of ${name}`} />
        </>
      ) : null}
      <h2>Your calls through the exchange</h2>
      <p>
        What the systems of {name} asked other organizations for, for which purpose, and what they got, day by
        day (UTC).
      </p>
      <UsageView
        path={`${base}/usage`}
        title={`Calls by ${name}`}
        columns="service"
        none={`${name} made no calls through the exchange in these days.`}
      />
    </>
  );
}

/** The people who hold roles in the organization; an administrator changes them through the API. */
function MembersSection({ base, name }: { base: string; name: string }) {
  const members = usePaged<Member>(`${base}/members`, 50);
  return (
    <>
      <p className="lead">The people who hold roles in {name}, and what each role lets them do here.</p>
      <Status loading={members.loading} label="Loading members…" />
      {members.error ? <ErrorAlert error={members.error} /> : null}
      {members.data?.items.length === 0 ? <p>Nobody holds a role in {name}.</p> : null}
      {members.data && members.data.items.length > 0 ? (
        <table className="table">
          <caption className="table__caption">Members of {name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
            </tr>
          </thead>
          <tbody>
            {members.data.items.map((member) => (
              <tr key={member.personId}>
                <th scope="row">{member.name}</th>
                <td>{member.email ?? '—'}</td>
                <td>{member.roles.map(roleLabel).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paged={members} label={`members of ${name}`} />
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
      <h2>Personal access tokens</h2>
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
        <h2>Create a token</h2>
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
      <h2 ref={heading} tabIndex={-1}>
        Token “{token.name}” created
      </h2>
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
      level={2}
      confirmLabel="Yes, revoke it"
      busy={busy}
      onConfirm={() => onConfirm(token)}
      onCancel={onCancel}
    >
      <p>Scripts using it stop working at once. This cannot be undone.</p>
    </ConfirmPanel>
  );
}
