import { Link, useParams } from 'react-router-dom';
import type { Dataset, Organization, Service } from '../api.ts';
import { ErrorAlert, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { DatasetList } from './datasets.tsx';
import { ServiceTable } from './services.tsx';

export const KIND_LABELS: Record<Organization['kind'], string> = {
  agency: 'Agency',
  ministry: 'Ministry',
  municipality: 'Municipality',
  authority: 'Authority',
  company: 'Company',
  'civil-society': 'Civil-society organization',
};

export function OrganizationsPage() {
  const organizations = usePaged<Organization>('/api/v1/organizations');
  return (
    <Page title="Organizations">
      <p className="lead">
        The agencies, ministries, municipalities and others that share data through govdx.
      </p>
      <Status loading={organizations.loading} label="Loading organizations…" />
      {organizations.error ? <ErrorAlert error={organizations.error} /> : null}
      {organizations.data ? (
        organizations.data.items.length === 0 ? (
          <p>No organizations are registered yet.</p>
        ) : (
          <ul className="results">
            {organizations.data.items.map((organization) => (
              <li key={organization.id} className="results__item">
                <h2 className="results__title">
                  <Link to={`/organizations/${organization.slug}`}>{organization.name}</Link>
                </h2>
                <p className="results__meta">{KIND_LABELS[organization.kind]}</p>
                {organization.description ? <p>{organization.description}</p> : null}
              </li>
            ))}
          </ul>
        )
      ) : null}
      <Pager paged={organizations} label="organizations" />
    </Page>
  );
}

export function OrganizationPage() {
  const { org = '' } = useParams();
  const organization = useApi<Organization>(`/api/v1/organizations/${encodeURIComponent(org)}`);
  const datasets = usePaged<Dataset>(`/api/v1/organizations/${encodeURIComponent(org)}/datasets`);
  const services = usePaged<Service>(`/api/v1/organizations/${encodeURIComponent(org)}/services`);
  const o = organization.data;
  return (
    <Page title={o?.name ?? 'Organization'} caption={o ? KIND_LABELS[o.kind] : undefined}>
      <Status loading={organization.loading} label="Loading the organization…" />
      {organization.error ? <ErrorAlert error={organization.error} /> : null}
      {o ? (
        <>
          {o.description ? <p className="lead">{o.description}</p> : null}
          <SummaryList>
            <SummaryRow term="Kind">{KIND_LABELS[o.kind]}</SummaryRow>
            <SummaryRow term="Website">
              {o.website ? <a href={o.website}>{o.website}</a> : 'Not given'}
            </SummaryRow>
            <SummaryRow term="Contact">
              {o.contactEmail ? <a href={`mailto:${o.contactEmail}`}>{o.contactEmail}</a> : 'Not given'}
            </SummaryRow>
          </SummaryList>
          <h2>Datasets</h2>
          <p>The data this organization is the authoritative source for.</p>
          <Status loading={datasets.loading} label="Loading datasets…" />
          {datasets.error ? <ErrorAlert error={datasets.error} /> : null}
          {datasets.data ? <DatasetList datasets={datasets.data.items} headingLevel={3} /> : null}
          <Pager paged={datasets} label="datasets" />

          <h2>Services</h2>
          <p>The ways other organizations can reach this data through the exchange.</p>
          <Status loading={services.loading} label="Loading services…" />
          {services.error ? <ErrorAlert error={services.error} /> : null}
          {services.data ? (
            <ServiceTable services={services.data.items} caption={`Services of ${o.name}`} />
          ) : null}
          <Pager paged={services} label="services" />
        </>
      ) : null}
    </Page>
  );
}
