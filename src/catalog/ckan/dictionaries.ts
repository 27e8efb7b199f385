/**
 * CKAN's dictionaries for what govdx keeps: a package for an open dataset, a resource for each of its
 * distributions, an organization for its publisher and a group for each EU data theme (see ckan/index.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.ts';
import { THEME_LABELS, type Theme } from '../authority-tables.ts';
import type { DatasetView } from '../datasets.ts';
import { downloadTotals } from '../downloads.ts';
import { licenceLabel } from '../search.ts';

const LICENCE_AUTHORITY = 'http://publications.europa.eu/resource/authority/licence/';
/** Licences of the EU authority table that meet the Open Definition (CKAN's `isopen`). */
const OPEN_LICENCES = new Set([
  'CC_BY_4_0',
  'CC_BYSA_4_0',
  'CC0',
  'CC_BY_3_0',
  'CC_BYSA_3_0',
  'ODC_BY',
  'ODC_ODBL',
  'ODC_PDDL',
  'OGL_3_0',
  'DL_DE_BY_2_0',
  'DL_DE_ZERO_2_0',
  'ETALAB_2_0',
  'IODL_2_0',
  'NLOD_2_0',
]);

export const licenceId = (iri: string) =>
  iri.startsWith(LICENCE_AUTHORITY) ? iri.slice(LICENCE_AUTHORITY.length) : iri;
export const licenceIri = (id: string) => (id.includes(':') ? id : `${LICENCE_AUTHORITY}${id}`);

/** CKAN writes its timestamps in UTC without a zone designator. */
const ckanTime = (iso: string) => iso.replace(/Z$/, '');

/** The publisher's own modification date when there is one (package_search sorts by it), else the record's. */
export const metadataModified = (view: DatasetView) =>
  view.modified ? `${view.modified.slice(0, 10)}T00:00:00` : ckanTime(view.updatedAt);

export const packageName = (organization: string, slug: string) => `${organization}_${slug}`;

/** The organization and slug of a package name; undefined for a name that is not one. */
export function splitName(name: string): { organization: string; slug: string } | undefined {
  const at = name.indexOf('_');
  if (at <= 0 || at === name.length - 1) return undefined;
  return { organization: name.slice(0, at), slug: name.slice(at + 1) };
}

export interface OrganizationRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  created_at: string;
}

export function organizationDict(org: OrganizationRow) {
  return {
    id: org.id,
    name: org.slug,
    title: org.name,
    display_name: org.name,
    type: 'organization',
    description: org.description,
    image_url: '',
    image_display_url: '',
    created: ckanTime(org.created_at),
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
  };
}

function groupDict(theme: Theme) {
  return {
    id: theme.toLowerCase(),
    name: theme.toLowerCase(),
    title: THEME_LABELS[theme],
    display_name: THEME_LABELS[theme],
    description: '',
    image_display_url: '',
  };
}

export function resourceDict(view: DatasetView, index: number) {
  const d = view.distributions[index]!;
  return {
    id: d.id,
    package_id: view.id,
    url: d.downloadUrl ?? d.accessUrl,
    name: d.title,
    description: d.description,
    format: d.format ?? '',
    mimetype: d.mediaType,
    position: index,
    created: ckanTime(d.createdAt),
    last_modified: null,
    state: 'active',
    url_type: null,
    resource_type: d.kind === 'download' ? 'file' : 'api',
  };
}

export type PackageDict = ReturnType<typeof packageDict>;

export function packageDict(
  view: DatasetView,
  org: OrganizationRow,
  usage: { total: number; recent: number },
) {
  const extras: Array<{ key: string; value: string }> = [];
  const extra = (key: string, value: string | null) => {
    if (value) extras.push({ key, value });
  };
  extra('access_rights', view.accessRights);
  extra('frequency', view.updateFrequency);
  extra('spatial_uri', view.spatial);
  extra('temporal_start', view.temporalStart);
  extra('temporal_end', view.temporalEnd);
  extra('issued', view.issued);
  extra('modified', view.modified);
  return {
    id: view.id,
    name: packageName(view.organization, view.slug),
    title: view.title,
    notes: view.description,
    type: 'dataset',
    state: 'active',
    private: false,
    url: null,
    version: null,
    author: org.name,
    author_email: null,
    maintainer: view.contactPoint?.name ?? null,
    maintainer_email: view.contactPoint?.email ?? null,
    license_id: view.license ? licenceId(view.license) : null,
    license_title: view.license ? licenceLabel(view.license) : null,
    license_url: view.license,
    isopen: view.license !== null && OPEN_LICENCES.has(licenceId(view.license)),
    metadata_created: ckanTime(view.createdAt),
    metadata_modified: metadataModified(view),
    owner_org: org.id,
    organization: organizationDict(org),
    num_tags: view.keywords.length,
    tags: view.keywords.map((k) => ({ name: k, display_name: k, state: 'active', vocabulary_id: null })),
    groups: view.themes.map(groupDict),
    num_resources: view.distributions.length,
    resources: view.distributions.map((_, i) => resourceDict(view, i)),
    extras,
    tracking_summary: usage,
    relationships_as_object: [],
    relationships_as_subject: [],
  };
}

export async function organizationsBySlug(
  db: Kysely<Database>,
  slugs: readonly string[],
): Promise<Map<string, OrganizationRow>> {
  if (slugs.length === 0) return new Map();
  const rows = await db
    .selectFrom('organizations')
    .select(['id', 'slug', 'name', 'description', 'created_at'])
    .where('slug', 'in', [...new Set(slugs)])
    .execute();
  return new Map(rows.map((r) => [r.slug, r]));
}

/** Package dicts for open datasets, in the order given. */
export async function packageDicts(
  db: Kysely<Database>,
  views: DatasetView[],
  today: Date,
): Promise<PackageDict[]> {
  const orgs = await organizationsBySlug(
    db,
    views.map((v) => v.organization),
  );
  const usage = await downloadTotals(
    db,
    views.map((v) => v.id),
    today,
  );
  return views.map((v) =>
    packageDict(v, orgs.get(v.organization)!, usage.get(v.id) ?? { total: 0, recent: 0 }),
  );
}

/** CKAN sorts names by their UTF-16 code units. */
export const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
