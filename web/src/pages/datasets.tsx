/** A dataset in the catalog: the list of results, the full catalog search, and the dataset's own page. */
import { Link, useLocation, useParams } from 'react-router-dom';
import { fieldLabel } from '../../../src/domain/index.ts';
import {
  type Page as ApiPage,
  type Dataset,
  type DatasetPreview,
  type DatasetQuality,
  type DatasetUsage,
  type Distribution,
  type QualityCheckRun,
  type Service,
  signInUrl,
} from '../api.ts';
import {
  ACCESS_RIGHTS_LABELS,
  FREQUENCY_LABELS,
  licenceLabel,
  placeLabel,
  themeLabel,
} from '../catalog-labels.tsx';
import { CLASSIFICATION_LABELS, FieldsTable, SensitivityKey, sensitivitySummary } from '../labels.tsx';
import { ErrorAlert, formatDate, Page, Status, SummaryList, SummaryRow } from '../page.tsx';
import { CONSOLE_ROLES, canSteward, STEWARD_ROLES } from '../roles.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { CatalogSearch } from './catalog-search.tsx';
import type { SavedNotice } from './dataset-edit.tsx';
import {
  CheckRunSummary,
  ChecksForStewardsOnly,
  QualityBreakdown,
  QualitySummary,
} from './dataset-quality.tsx';
import { ServiceTable } from './services.tsx';

export function datasetPath(dataset: Pick<Dataset, 'organization' | 'slug'>): string {
  return `/organizations/${dataset.organization}/datasets/${dataset.slug}`;
}

/** Datasets as a list of results; the heading level fits the page it sits in. */
export function DatasetList({ datasets, headingLevel = 2 }: { datasets: Dataset[]; headingLevel?: 2 | 3 }) {
  if (datasets.length === 0) return <p>No datasets match.</p>;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul className="results">
      {datasets.map((dataset) => (
        <li key={dataset.id} className="results__item">
          <Heading className="results__title">
            <Link to={datasetPath(dataset)}>{dataset.title}</Link>
          </Heading>
          <p className="results__meta">
            {dataset.organizationName} · {CLASSIFICATION_LABELS[dataset.classification]} ·{' '}
            {dataset.fields.length} {dataset.fields.length === 1 ? 'field' : 'fields'} (
            {sensitivitySummary(dataset.fields)})
            {dataset.themes.length > 0 ? ` · ${dataset.themes.map(themeLabel).join(', ')}` : null}
          </p>
          {dataset.description ? <p>{dataset.description}</p> : null}
        </li>
      ))}
    </ul>
  );
}

/** Every dataset in the catalog, open or not: what exists and who is responsible for it. */
export function DatasetsPage() {
  return (
    <CatalogSearch
      title="Datasets"
      scope={{ fixed: {}, noun: 'datasets' }}
      lead={
        <p className="lead">
          The data each organization is responsible for, with its fields and how sensitive each one is. Open
          datasets can be downloaded; for the others, a civil servant can ask for access.
        </p>
      }
    />
  );
}

export function DatasetPage() {
  const { org = '', slug = '' } = useParams();
  const { session } = useSession();
  const base = `/api/v1/organizations/${encodeURIComponent(org)}`;
  const dataset = useApi<Dataset>(`${base}/datasets/${encodeURIComponent(slug)}`);
  const services = useApi<ApiPage<Service>>(`${base}/services?limit=200`);
  const quality = useApi<DatasetQuality>(
    `/catalog/quality/datasets/${encodeURIComponent(org)}/${encodeURIComponent(slug)}`,
  );
  const d = dataset.data;
  const reachable = services.data?.items.filter((s) => s.dataset === slug) ?? [];
  const steward = session?.signedIn === true && canSteward(session.roles, org);
  // Stewards see the latest check of any of their datasets, as on its quality page; others, of open ones.
  const latestCheck = useApi<ApiPage<QualityCheckRun>>(
    steward ? `${base}/datasets/${encodeURIComponent(slug)}/quality-checks?limit=1` : null,
  );
  const path = `/organizations/${org}/datasets/${slug}`;
  const notice = (useLocation().state as SavedNotice | null)?.notice ?? '';
  return (
    <Page title={d?.title ?? 'Dataset'} caption={d?.organizationName}>
      <p role="status" className="notice">
        {notice}
      </p>
      <Status loading={dataset.loading} label="Loading the dataset…" />
      {dataset.error ? <ErrorAlert error={dataset.error} /> : null}
      {d ? (
        <>
          {d.description ? <p className="lead">{d.description}</p> : null}
          {steward ? (
            <ul className="list list--inline steward-links">
              <li>
                <Link className="button button--secondary" to={`${path}/edit`}>
                  Edit description
                </Link>
              </li>
              <li>
                <Link className="button button--secondary" to={`${path}/quality`}>
                  Check its quality
                </Link>
              </li>
              {d.keyField ? (
                <li>
                  <Link className="button button--secondary" to={`${path}/imports`}>
                    Import records
                  </Link>
                </li>
              ) : null}
            </ul>
          ) : null}
          <DatasetFacts dataset={d} />

          {d.classification === 'public' ? (
            <>
              <Downloads dataset={d} />
              <Preview dataset={d} />
            </>
          ) : (
            <RequestAccess dataset={d} services={services.data ? reachable : undefined} />
          )}

          <h2>Fields</h2>
          <SensitivityKey />
          <FieldsTable fields={d.fields} caption={`Fields of ${d.title}`} />

          <h2>How to reach it through the exchange</h2>
          {services.data && reachable.length === 0 ? (
            <p>No service offers this dataset through the exchange yet.</p>
          ) : null}
          {reachable.length > 0 ? (
            <ServiceTable services={reachable} caption={`Services for ${d.title}`} />
          ) : null}

          <h2>How complete its description is</h2>
          <Status loading={quality.loading} label="Loading the quality score…" />
          {quality.error ? (
            <ErrorAlert error={quality.error} title="The quality score is not available" />
          ) : null}
          {quality.data ? (
            <>
              <QualitySummary quality={quality.data} />
              <details className="details">
                <summary>Where points were lost, and why</summary>
                <QualityBreakdown quality={quality.data} headingLevel={3} />
              </details>
              <h3>Checks of its records</h3>
              {steward ? (
                latestCheck.data ? (
                  <CheckRunSummary run={latestCheck.data.items[0] ?? null} />
                ) : null
              ) : d.classification === 'public' ? (
                <CheckRunSummary run={quality.data.checks} />
              ) : (
                <ChecksForStewardsOnly organizationName={d.organizationName} />
              )}
            </>
          ) : null}

          <h2>Machine-readable description</h2>
          <p>
            The description of this dataset in DCAT-AP, the European standard that data portals use to collect
            each other's catalogs. It never contains the records themselves.
          </p>
          <ul className="list list--bullet">
            <li>
              <a href={`/catalog/datasets/${d.organization}/${d.slug}.ttl`} type="text/turtle">
                DCAT-AP description in Turtle
              </a>
            </li>
            <li>
              <a href={`/catalog/datasets/${d.organization}/${d.slug}.jsonld`} type="application/ld+json">
                DCAT-AP description in JSON-LD
              </a>
            </li>
          </ul>
        </>
      ) : null}
    </Page>
  );
}

function DatasetFacts({ dataset: d }: { dataset: Dataset }) {
  const coverage =
    d.temporalStart || d.temporalEnd
      ? `${d.temporalStart ? `From ${formatDate(d.temporalStart)}` : 'Until'}${
          d.temporalEnd ? `${d.temporalStart ? ' to' : ''} ${formatDate(d.temporalEnd)}` : ' onwards'
        }`
      : 'Not stated';
  return (
    <SummaryList>
      <SummaryRow term="Responsible organization">
        <Link to={`/organizations/${d.organization}`}>{d.organizationName}</Link>
      </SummaryRow>
      <SummaryRow term="Who may see it">{CLASSIFICATION_LABELS[d.classification]}</SummaryRow>
      <SummaryRow term="Topics">
        {d.themes.length > 0 ? d.themes.map(themeLabel).join('; ') : 'None given'}
      </SummaryRow>
      <SummaryRow term="Keywords">{d.keywords.length > 0 ? d.keywords.join(', ') : 'None given'}</SummaryRow>
      <SummaryRow term="Area covered">{placeLabel(d.spatial)}</SummaryRow>
      <SummaryRow term="Time covered">{coverage}</SummaryRow>
      <SummaryRow term="How often it is updated">
        {d.updateFrequency ? FREQUENCY_LABELS[d.updateFrequency] : 'Not stated'}
      </SummaryRow>
      <SummaryRow term="Licence">
        {d.license ? <a href={d.license}>{licenceLabel(d.license)}</a> : licenceLabel(null)}
      </SummaryRow>
      <SummaryRow term="Conditions of access">
        {d.accessRights ? ACCESS_RIGHTS_LABELS[d.accessRights] : 'Not stated'}
      </SummaryRow>
      <SummaryRow term="Contact">
        {d.contactPoint ? (
          <>
            {d.contactPoint.name}, <a href={`mailto:${d.contactPoint.email}`}>{d.contactPoint.email}</a>
          </>
        ) : (
          'Not given'
        )}
      </SummaryRow>
      <SummaryRow term="Data steward">{d.steward?.name ?? 'Not named'}</SummaryRow>
      <SummaryRow term="First published">{formatDate(d.issued)}</SummaryRow>
      <SummaryRow term="Last updated">{formatDate(d.modified)}</SummaryRow>
      <SummaryRow term="Identified by">{d.keyField ? <code>{d.keyField}</code> : 'No key field'}</SummaryRow>
    </SummaryList>
  );
}

const FORMAT_HINTS: Record<string, string> = {
  CSV: 'a table that opens in a spreadsheet program',
  JSON: 'for programs and developers',
};

function Downloads({ dataset: d }: { dataset: Dataset }) {
  const usage = useApi<DatasetUsage>(
    `/catalog/datasets/${encodeURIComponent(d.organization)}/${encodeURIComponent(d.slug)}/usage`,
  );
  const downloads = d.distributions.filter((x) => x.kind === 'download' && x.downloadUrl);
  const others = d.distributions.filter((x) => !downloads.includes(x));
  const lastMonth = usage.data?.last30Days.reduce((sum, day) => sum + day.count, 0);
  return (
    <section aria-labelledby="downloads">
      <h2 id="downloads">Download the data</h2>
      <p>
        This is open data: anyone may download it and reuse it, also for commercial use, under its licence (
        {licenceLabel(d.license)}).
      </p>
      {downloads.length === 0 ? <p>No download is offered yet.</p> : null}
      <ul className="list downloads">
        {downloads.map((x) => (
          <li key={x.id}>
            <a href={x.downloadUrl ?? x.accessUrl} download {...(x.mediaType ? { type: x.mediaType } : {})}>
              {downloadLabel(x)}
            </a>
            {x.format && FORMAT_HINTS[x.format] ? (
              <span className="hint">{capitalise(FORMAT_HINTS[x.format]!)}</span>
            ) : null}
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <>
          <h3>Other ways to get it</h3>
          <ul className="list list--bullet">
            {others.map((x) => (
              <li key={x.id}>
                <a href={x.accessUrl}>{x.title}</a>
                {x.description ? ` – ${x.description}` : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {usage.data ? (
        <p className="downloads__usage">
          Downloaded {timesText(usage.data.total)} so far ({usage.data.byFormat.csv} as CSV,{' '}
          {usage.data.byFormat.json} as JSON), {timesText(lastMonth ?? 0)} in the last 30 days.
        </p>
      ) : null}
    </section>
  );
}

const PREVIEW_ROWS = 10;

/** A cell of the preview as the CSV download writes it: nothing for no value, JSON for a structure. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The first rows of an open dataset, to see what it holds before downloading it. */
function Preview({ dataset: d }: { dataset: Dataset }) {
  const preview = useApi<DatasetPreview>(
    `/catalog/datasets/${encodeURIComponent(d.organization)}/${encodeURIComponent(d.slug)}/preview?rows=${PREVIEW_ROWS}`,
  );
  // A dataset marked public whose access rights or fields are not all open has no preview (404): say nothing.
  if (!preview.data) return null;
  const { fields, rows, total } = preview.data;
  if (total === 0) {
    return (
      <section aria-labelledby="preview">
        <h2 id="preview">A look at the data</h2>
        <p>It holds no records yet.</p>
      </section>
    );
  }
  const caption =
    rows.length === total
      ? `All ${total} ${total === 1 ? 'record' : 'records'} of ${d.title}`
      : `The first ${rows.length} of ${total.toLocaleString('en-GB')} records of ${d.title}`;
  return (
    <section aria-labelledby="preview">
      <h2 id="preview">A look at the data</h2>
      <p>The first rows, exactly as the download starts. Download the file for all of it.</p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: keyboard users scroll the region by focusing it (WCAG 2.1.1) */}
      <section className="table-scroll" aria-labelledby="preview-caption" tabIndex={0}>
        <table className="table">
          <caption className="table__caption" id="preview-caption">
            {caption}
          </caption>
          <thead>
            <tr>
              {fields.map((f) => (
                <th key={f.name} scope="col">
                  {fieldLabel(f)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              // Rows have no identity of their own here beyond their place in key order.
              // biome-ignore lint/suspicious/noArrayIndexKey: the preview is fixed, never reordered
              <tr key={i}>
                {row.map((value, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: one cell per field, in the fields' order
                  <td key={j}>{cellText(value)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

function downloadLabel(x: Distribution): string {
  return x.format ? `Download as ${x.format}` : `Download ${x.title}`;
}

function timesText(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Access to a dataset that is not open: only a civil servant's organization can ask, by agreement. */
function RequestAccess({ dataset: d, services }: { dataset: Dataset; services: Service[] | undefined }) {
  const { session } = useSession();
  const location = useLocation();
  const roles = session?.signedIn ? session.roles : [];
  const requesters = [
    ...new Set(
      roles
        .filter((r) => r.organization && STEWARD_ROLES.includes(r.role))
        .map((r) => r.organization as string),
    ),
  ].filter((o) => o !== d.organization);
  const civilServant = roles.some((r) => r.organization !== null && CONSOLE_ROLES.includes(r.role));
  const service = services?.length === 1 ? services[0]?.slug : undefined;
  const requestPath = (org: string) =>
    `/agency-console/${org}/agreements/new?${new URLSearchParams({
      provider: d.organization,
      ...(service ? { service } : {}),
    })}`;

  return (
    <section aria-labelledby="access" className="panel">
      <h2 id="access">Getting access</h2>
      <p>
        The records of this dataset are not published. Only the description on this page is public.{' '}
        {d.organizationName} shares the records only with other government organizations, under a written
        data-sharing agreement that says why they need them.
      </p>
      {services && services.length === 0 ? (
        <p>
          No service offers this dataset through the exchange yet, so access cannot be requested here.
          {d.contactPoint ? ` Ask ${d.contactPoint.name} (${d.contactPoint.email}).` : null}
        </p>
      ) : session === undefined ? null : !session.signedIn ? (
        <p>
          If you work for a government organization, <a href={signInUrl(location.pathname)}>sign in</a> with
          your work account to ask for access. Your organization's data steward or administrator can send the
          request.
        </p>
      ) : requesters.length > 0 ? (
        <ul className="list">
          {requesters.map((org) => (
            <li key={org}>
              <Link className="button" to={requestPath(org)}>
                Request access
                {requesters.length > 1 ? (
                  <>
                    {' '}
                    for <OrganizationName slug={org} />
                  </>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      ) : roles.some((r) => r.organization === d.organization) ? (
        <p>You work for {d.organizationName}, which holds this dataset.</p>
      ) : civilServant ? (
        <p>
          Only a data steward or an administrator of your organization can ask for access. Ask one of them to
          request it.
        </p>
      ) : (
        <p>
          Only government organizations can ask for access, under an agreement. If you live here, you can{' '}
          <Link to="/my-data">see the data the government holds about you</Link>.
        </p>
      )}
    </section>
  );
}

function OrganizationName({ slug }: { slug: string }) {
  const organization = useApi<{ name: string }>(`/api/v1/organizations/${encodeURIComponent(slug)}`);
  return <>{organization.data?.name ?? slug}</>;
}
