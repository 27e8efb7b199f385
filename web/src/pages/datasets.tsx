import { type FormEvent, useId } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { CLASSIFICATIONS, SENSITIVITIES } from '../../../src/domain/index.ts';
import { type Page as ApiPage, type Dataset, type Organization, type Service, withQuery } from '../api.ts';
import {
  CLASSIFICATION_LABELS,
  FieldsTable,
  SENSITIVITY_LABELS,
  SensitivityKey,
  sensitivitySummary,
} from '../labels.tsx';
import { ErrorAlert, formatDate, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useApi, usePaged } from '../use-api.ts';
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
          </p>
          {dataset.description ? <p>{dataset.description}</p> : null}
        </li>
      ))}
    </ul>
  );
}

export function DatasetsPage() {
  const [params, setParams] = useSearchParams();
  const filter = {
    organization: params.get('organization') ?? '',
    classification: params.get('classification') ?? '',
    sensitivity: params.get('sensitivity') ?? '',
  };
  const datasets = usePaged<Dataset>(withQuery('/api/v1/datasets', filter));
  const organizations = useApi<ApiPage<Organization>>('/api/v1/organizations?limit=200');
  const ids = { organization: useId(), classification: useId(), sensitivity: useId() };

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['organization', 'classification', 'sensitivity']) {
      const value = form.get(key);
      if (typeof value === 'string' && value) next.set(key, value);
    }
    setParams(next);
  }

  return (
    <Page title="Datasets">
      <p className="lead">
        The data each organization is responsible for, with its fields and how sensitive each one is.
      </p>
      <form className="filters" onSubmit={apply} aria-label="Filter datasets">
        <div className="form-group">
          <label className="label" htmlFor={ids.organization}>
            Organization
          </label>
          <select
            className="select"
            id={ids.organization}
            name="organization"
            defaultValue={filter.organization}
            key={`o-${filter.organization}-${organizations.data ? 1 : 0}`}
          >
            <option value="">All organizations</option>
            {organizations.data?.items.map((o) => (
              <option key={o.slug} value={o.slug}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label className="label" htmlFor={ids.classification}>
            Who may see it
          </label>
          <select
            className="select"
            id={ids.classification}
            name="classification"
            defaultValue={filter.classification}
            key={`c-${filter.classification}`}
          >
            <option value="">Any</option>
            {CLASSIFICATIONS.map((c) => (
              <option key={c} value={c}>
                {CLASSIFICATION_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label className="label" htmlFor={ids.sensitivity}>
            Has a field that is
          </label>
          <select
            className="select"
            id={ids.sensitivity}
            name="sensitivity"
            defaultValue={filter.sensitivity}
            key={`s-${filter.sensitivity}`}
          >
            <option value="">Any sensitivity</option>
            {SENSITIVITIES.map((s) => (
              <option key={s} value={s}>
                {SENSITIVITY_LABELS[s].label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Apply filters
        </button>
      </form>
      <Status loading={datasets.loading} label="Loading datasets…" />
      {datasets.error ? <ErrorAlert error={datasets.error} /> : null}
      {datasets.data ? <DatasetList datasets={datasets.data.items} /> : null}
      <Pager paged={datasets} label="datasets" />
    </Page>
  );
}

export function DatasetPage() {
  const { org = '', slug = '' } = useParams();
  const base = `/api/v1/organizations/${encodeURIComponent(org)}`;
  const dataset = useApi<Dataset>(`${base}/datasets/${encodeURIComponent(slug)}`);
  const services = useApi<ApiPage<Service>>(`${base}/services?limit=200`);
  const d = dataset.data;
  const reachable = services.data?.items.filter((s) => s.dataset === slug) ?? [];
  return (
    <Page title={d?.title ?? 'Dataset'} caption={d?.organizationName}>
      <Status loading={dataset.loading} label="Loading the dataset…" />
      {dataset.error ? <ErrorAlert error={dataset.error} /> : null}
      {d ? (
        <>
          {d.description ? <p className="lead">{d.description}</p> : null}
          <SummaryList>
            <SummaryRow term="Responsible organization">
              <Link to={`/organizations/${d.organization}`}>{d.organizationName}</Link>
            </SummaryRow>
            <SummaryRow term="Who may see it">{CLASSIFICATION_LABELS[d.classification]}</SummaryRow>
            <SummaryRow term="Data steward">{d.steward?.name ?? 'Not named'}</SummaryRow>
            <SummaryRow term="Identified by">
              {d.keyField ? <code>{d.keyField}</code> : 'No key field'}
            </SummaryRow>
            <SummaryRow term="Last changed">{formatDate(d.updatedAt)}</SummaryRow>
          </SummaryList>
          <h2>Fields</h2>
          <SensitivityKey />
          <FieldsTable fields={d.fields} caption={`Fields of ${d.title}`} />
          <h2>How to reach it</h2>
          {services.data && reachable.length === 0 ? (
            <p>No service offers this dataset through the exchange yet.</p>
          ) : null}
          {reachable.length > 0 ? (
            <ServiceTable services={reachable} caption={`Services for ${d.title}`} />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
