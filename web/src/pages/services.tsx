import { Link, useParams } from 'react-router-dom';
import type { Service } from '../api.ts';
import { SERVICE_KIND_LABELS } from '../labels.tsx';
import { ErrorAlert, formatDate, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { UsageView } from '../usage-view.tsx';
import { useApi, usePaged } from '../use-api.ts';

export function servicePath(service: Pick<Service, 'organization' | 'slug'>): string {
  return `/organizations/${service.organization}/services/${service.slug}`;
}

export function ServiceTable({ services, caption }: { services: Service[]; caption: string }) {
  if (services.length === 0) return <p>No services are published yet.</p>;
  return (
    <table className="table">
      <caption className="table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Organization</th>
          <th scope="col">How it works</th>
          <th scope="col">Dataset</th>
        </tr>
      </thead>
      <tbody>
        {services.map((service) => (
          <tr key={service.id}>
            <th scope="row">
              <Link to={servicePath(service)}>{service.title}</Link>
            </th>
            <td>{service.organizationName}</td>
            <td>{SERVICE_KIND_LABELS[service.kind].label}</td>
            <td>
              <Link to={`/organizations/${service.organization}/datasets/${service.dataset}`}>
                {service.dataset}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ServicesPage() {
  const services = usePaged<Service>('/api/v1/services');
  return (
    <Page title="Services">
      <p className="lead">
        A service is how an organization lets others reach one of its datasets through the exchange, under an
        agreement.
      </p>
      <Status loading={services.loading} label="Loading services…" />
      {services.error ? <ErrorAlert error={services.error} /> : null}
      {services.data ? <ServiceTable services={services.data.items} caption="All services" /> : null}
      <Pager paged={services} label="services" />
    </Page>
  );
}

export function ServicePage() {
  const { org = '', slug = '' } = useParams();
  const service = useApi<Service>(
    `/api/v1/organizations/${encodeURIComponent(org)}/services/${encodeURIComponent(slug)}`,
  );
  const s = service.data;
  return (
    <Page title={s?.title ?? 'Service'} caption={s?.organizationName}>
      <Status loading={service.loading} label="Loading the service…" />
      {service.error ? <ErrorAlert error={service.error} /> : null}
      {s ? (
        <>
          {s.description ? <p className="lead">{s.description}</p> : null}
          <SummaryList>
            <SummaryRow term="Organization">
              <Link to={`/organizations/${s.organization}`}>{s.organizationName}</Link>
            </SummaryRow>
            <SummaryRow term="Dataset">
              <Link to={`/organizations/${s.organization}/datasets/${s.dataset}`}>{s.dataset}</Link>
            </SummaryRow>
            <SummaryRow term="How it works">
              <strong>{SERVICE_KIND_LABELS[s.kind].label}.</strong> {SERVICE_KIND_LABELS[s.kind].meaning}
            </SummaryRow>
            <SummaryRow term="Exchange address">
              <code>{s.exchangePath}</code>
            </SummaryRow>
            {s.kind === 'proxied' ? (
              <SummaryRow term="Provider system">
                {s.baseUrl ? <code>{s.baseUrl}</code> : 'Not given'}
              </SummaryRow>
            ) : null}
            <SummaryRow term="Last changed">{formatDate(s.updatedAt)}</SummaryRow>
          </SummaryList>
          <h2>Using this service</h2>
          <p>
            A system of another organization calls the exchange address with its own credentials. The exchange
            releases data only under an active agreement for a registered purpose, only the agreed fields, and
            records every request in the log.
          </p>
        </>
      ) : null}
    </Page>
  );
}

/**
 * Who called a service through the exchange, why, with what outcome and how fast, by day: kept in the
 * store, the same on every govdx node.
 */
export function ServiceUsagePanel({ service }: { service: Service }) {
  return (
    <div className="console-usage">
      <h4>{service.title}</h4>
      <UsageView
        path={`/api/v1/organizations/${encodeURIComponent(service.organization)}/services/${encodeURIComponent(service.slug)}/usage`}
        title={`Use of ${service.title}`}
        columns="consumer"
        none={`No calls to ${service.title} in these days.`}
      />
    </div>
  );
}
