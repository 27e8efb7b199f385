import { Link, useParams } from 'react-router-dom';
import type { Dataset, Organization, OrganizationQuality, OrganizationRanking, Service } from '../api.ts';
import { pointsText, RATING_MEANINGS, RatingTag } from '../catalog-labels.tsx';
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
  const quality = useApi<OrganizationQuality>(`/catalog/quality/organizations/${encodeURIComponent(org)}`);
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

          <h2>How well it describes its data</h2>
          <p>
            Every dataset's description is scored for how easily people can find, understand and reuse the
            data. This is the average over the organization's datasets.
          </p>
          <Status loading={quality.loading} label="Loading the quality score…" />
          {quality.error ? (
            <ErrorAlert error={quality.error} title="The quality score is not available" />
          ) : null}
          {quality.data ? <OrganizationScore quality={quality.data} /> : null}
          <p>
            <Link to="/open-data/quality">Compare all organizations</Link>
          </p>

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

/** Organizations ranked by the average quality of their datasets' descriptions. */
export function QualityLeaderboardPage() {
  const ranking = useApi<{ items: OrganizationRanking[] }>('/catalog/quality/organizations');
  const items = [...(ranking.data?.items ?? [])].sort(
    (a, b) => b.score - a.score || a.organizationName.localeCompare(b.organizationName, 'en'),
  );
  return (
    <Page title="How well organizations describe their data">
      <p className="lead">
        A good description helps people find data, understand it and know what they may do with it.
      </p>
      <p>
        Each dataset's description is scored the way the European data portal scores it, out of 405 points. An
        organization's score is the average over its datasets, open or not.
      </p>
      <Status loading={ranking.loading} label="Loading the scores…" />
      {ranking.error ? <ErrorAlert error={ranking.error} /> : null}
      {ranking.data ? (
        items.length === 0 ? (
          <p>No organization has datasets to score yet.</p>
        ) : (
          <table className="table">
            <caption className="table__caption">Organizations, best described first</caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Organization</th>
                <th scope="col">Datasets</th>
                <th scope="col">Average score</th>
                <th scope="col">Rating</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.organization}>
                  {/* Equal scores share a rank: one more than the number of organizations scoring higher. */}
                  <td>{items.findIndex((other) => other.score === item.score) + 1}</td>
                  <th scope="row">
                    <Link to={`/organizations/${item.organization}`}>{item.organizationName}</Link>
                  </th>
                  <td>{item.datasets}</td>
                  <td>{pointsText(item.score, item.max)}</td>
                  <td>
                    <RatingTag rating={item.rating} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <p>
        <Link to="/open-data">Back to open data</Link>
      </p>
    </Page>
  );
}

function OrganizationScore({ quality }: { quality: OrganizationQuality }) {
  if (quality.score === null || quality.rating === null) return <p>It has no datasets to score yet.</p>;
  const n = quality.datasets.length;
  return (
    <>
      <p className="quality-summary">
        <span className="figure">{pointsText(quality.score, quality.max)}</span>
        On average, over {n} {n === 1 ? 'dataset' : 'datasets'}. Rated <RatingTag rating={quality.rating} />.{' '}
        {RATING_MEANINGS[quality.rating]}
      </p>
      <details className="details">
        <summary>The score of each dataset, lowest first</summary>
        <table className="table">
          <caption className="visually-hidden">
            The score of each dataset of {quality.organizationName}
          </caption>
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Score</th>
              <th scope="col">Rating</th>
            </tr>
          </thead>
          <tbody>
            {[...quality.datasets]
              .sort((a, b) => a.score - b.score || a.title.localeCompare(b.title, 'en'))
              .map((d) => (
                <tr key={d.slug}>
                  <th scope="row">
                    <Link to={`/organizations/${quality.organization}/datasets/${d.slug}`}>{d.title}</Link>
                  </th>
                  <td>{pointsText(d.score, quality.max)}</td>
                  <td>
                    <RatingTag rating={d.rating} />
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
