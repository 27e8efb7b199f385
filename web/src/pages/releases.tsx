/**
 * An organization's releases of open data: what its data stewards prepared from its registers, and where
 * each one stands with its data protection officer. A person in several organizations picks one.
 */
import { type FormEvent, useId } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Me, ReleaseSummary } from '../api.ts';
import { ErrorAlert, formatDate, Page, Pager, Status } from '../page.tsx';
import {
  K_SENTENCE,
  newReleasePath,
  preparesReleases,
  ReleaseStatusTag,
  releasePath,
  useReleaseOrganizations,
} from '../release-labels.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

const METHOD_SHORT: Record<ReleaseSummary['method'], string> = {
  microdata: 'Records, generalised',
  statistics: 'Counts with noise',
};

export function ReleasesPage() {
  const me = useApi<Me>('/api/v1/me');
  const [params, setParams] = useSearchParams();
  const organizations = useReleaseOrganizations(me.data?.roles, me.data?.person.memberships ?? []);
  const asked = params.get('organization');
  const chosen = organizations?.find((o) => o.slug === asked) ?? organizations?.[0];
  const roles = me.data?.roles.filter((r) => r.organization === chosen?.slug).map((r) => r.role) ?? [];
  const id = useId();

  function pick(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get('organization');
    if (typeof value === 'string' && value) setParams({ organization: value });
  }

  return (
    <Page title={chosen ? `Releases of open data: ${chosen.name}` : 'Releases of open data'}>
      <p className="lead">
        A release publishes data from a register as open data without exposing the people in it. A data
        steward prepares it; a data protection officer who did not prepare it approves it before it is
        published.
      </p>
      <p>
        There are two ways to publish. Records about people can be generalised (ages in bands instead of dates
        of birth, for example) until nobody stands out: {K_SENTENCE} Or only counts are published, each with a
        little random noise, so that no count gives away one person.
      </p>
      <Status loading={me.loading} label="Loading your organizations…" />
      {me.error ? <Refusal error={me.error} /> : null}
      {organizations && organizations.length === 0 ? (
        <p>
          You do not hold a role that reads releases (data steward, organization administrator, data
          protection officer or auditor).
        </p>
      ) : null}
      {organizations && organizations.length > 1 ? (
        <form className="filters" onSubmit={pick} aria-label="Choose an organization">
          <div className="form-group">
            <label className="label" htmlFor={id}>
              Organization
            </label>
            <select
              className="select"
              id={id}
              name="organization"
              defaultValue={chosen?.slug}
              key={chosen?.slug}
            >
              {organizations.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            Show releases
          </button>
        </form>
      ) : null}
      {chosen ? (
        <OrganizationReleases slug={chosen.slug} name={chosen.name} prepares={preparesReleases(roles)} />
      ) : null}
    </Page>
  );
}

function OrganizationReleases({ slug, name, prepares }: { slug: string; name: string; prepares: boolean }) {
  const releases = usePaged<ReleaseSummary>(`/api/v1/organizations/${encodeURIComponent(slug)}/releases`, 50);
  return (
    <>
      {prepares ? (
        <p>
          <Link className="button button--start" to={newReleasePath(slug)}>
            Prepare a release
          </Link>
        </p>
      ) : null}
      <h2>Releases</h2>
      <Status loading={releases.loading} label="Loading releases…" />
      {releases.error ? <ErrorAlert error={releases.error} /> : null}
      {releases.data?.items.length === 0 ? <p>{name} has not prepared any release yet.</p> : null}
      {releases.data && releases.data.items.length > 0 ? (
        <table className="table">
          <caption className="table__caption">Releases of {name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Release</th>
              <th scope="col">How</th>
              <th scope="col">Status</th>
              <th scope="col">Prepared</th>
            </tr>
          </thead>
          <tbody>
            {releases.data.items.map((release) => (
              <tr key={release.id}>
                <th scope="row">
                  <Link to={releasePath(slug, release.id)}>{release.title}</Link>
                  <span className="hint">From {release.dataset}</span>
                </th>
                <td>
                  {METHOD_SHORT[release.method]}
                  {release.epsilon ? <span className="hint">ε = {release.epsilon}</span> : null}
                </td>
                <td>
                  <ReleaseStatusTag status={release.status} />
                </td>
                <td>{formatDate(release.preparedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paged={releases} label={`releases of ${name}`} />
    </>
  );
}
