/** CKAN's get actions over the open datasets: package, resource and organization show and list, and help. */
import type { Kysely } from 'kysely';
import type { Database, Dialect } from '../../store/index.ts';
import { type DatasetView, datasetsById } from '../datasets.ts';
import { searchDatasets } from '../search.ts';
import {
  byCodeUnits,
  type OrganizationRow,
  organizationDict,
  type PackageDict,
  packageDicts,
  packageName,
  resourceDict,
  splitName,
} from './dictionaries.ts';
import { ckanInvalid, ckanNotFound } from './errors.ts';

export function openDatasets(db: Kysely<Database>) {
  return db
    .selectFrom('datasets')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .where('datasets.classification', '=', 'public');
}

/** The open dataset with this id or package name, or Not Found. */
async function findPackage(db: Kysely<Database>, id: string): Promise<DatasetView> {
  const split = splitName(id);
  let query = openDatasets(db).select('datasets.id');
  query = split
    ? query.where((eb) =>
        eb.or([
          eb('datasets.id', '=', id),
          eb.and([eb('organizations.slug', '=', split.organization), eb('datasets.slug', '=', split.slug)]),
        ]),
      )
    : query.where('datasets.id', '=', id);
  const row = await query.executeTakeFirst();
  const view = row ? (await datasetsById(db, [row.id]))[0] : undefined;
  if (!view) throw ckanNotFound();
  return view;
}

export async function packageShow(db: Kysely<Database>, id: string, today: Date): Promise<PackageDict> {
  const view = await findPackage(db, id);
  return (await packageDicts(db, [view], today))[0]!;
}

/** Names of the open datasets, sorted by name as CKAN sorts them. */
export async function packageList(
  db: Kysely<Database>,
  limit: number | undefined,
  offset: number,
): Promise<string[]> {
  const rows = await openDatasets(db)
    .select(['organizations.slug as organization', 'datasets.slug'])
    .execute();
  const names = rows.map((r) => packageName(r.organization, r.slug)).sort(byCodeUnits);
  return names.slice(offset, limit === undefined ? undefined : offset + limit);
}

export async function resourceShow(db: Kysely<Database>, id: string) {
  const row = await openDatasets(db)
    .innerJoin('distributions', 'distributions.dataset_id', 'datasets.id')
    .select('datasets.id')
    .where('distributions.id', '=', id)
    .executeTakeFirst();
  const view = row ? (await datasetsById(db, [row.id]))[0] : undefined;
  const index = view?.distributions.findIndex((d) => d.id === id) ?? -1;
  if (!view || index < 0) throw ckanNotFound('Resource was not found.');
  return resourceDict(view, index);
}

/** Organizations that publish open data, each with how many open datasets it has. */
async function publishers(db: Kysely<Database>): Promise<Array<OrganizationRow & { count: number }>> {
  const rows = await openDatasets(db)
    .select([
      'organizations.id',
      'organizations.slug',
      'organizations.name',
      'organizations.description',
      'organizations.created_at',
      (eb) => eb.fn.count<number | string>('datasets.id').as('count'),
    ])
    .groupBy([
      'organizations.id',
      'organizations.slug',
      'organizations.name',
      'organizations.description',
      'organizations.created_at',
    ])
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

export const ORGANIZATION_SORTS = ['name', 'title', 'package_count'] as const;
/** CKAN's caps on organization_list: 1,000 names, or 25 organizations with all their fields. */
export const ORGANIZATION_LIST_MAX = 1000;
export const ORGANIZATION_LIST_ALL_FIELDS_MAX = 25;

export async function organizationList(
  db: Kysely<Database>,
  options: { allFields: boolean; limit?: number | undefined; offset: number; sort?: string | undefined },
) {
  const [field = 'title', direction = 'asc', ...rest] = (options.sort ?? 'title asc').trim().split(/\s+/);
  if (
    rest.length > 0 ||
    !(ORGANIZATION_SORTS as readonly string[]).includes(field) ||
    !['asc', 'desc'].includes(direction.toLowerCase())
  ) {
    throw ckanInvalid({
      sort: [`Sort by name, title or package_count, then asc or desc, e.g. "title asc".`],
    });
  }
  const key = (o: OrganizationRow & { count: number }) =>
    field === 'name' ? o.slug : field === 'title' ? o.name.toLowerCase() : o.count;
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  const all = (await publishers(db)).sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return sign * (x < y ? -1 : x > y ? 1 : 0) || byCodeUnits(a.slug, b.slug);
  });
  const max = options.allFields ? ORGANIZATION_LIST_ALL_FIELDS_MAX : ORGANIZATION_LIST_MAX;
  const limit = Math.min(options.limit ?? max, max);
  const page = all.slice(options.offset, options.offset + limit);
  return options.allFields
    ? page.map((o) => ({ ...organizationDict(o), package_count: o.count }))
    : page.map((o) => o.slug);
}

/** CKAN lists at most this many packages in organization_show (ckan.search.rows_max). */
export const ORGANIZATION_SHOW_PACKAGES_MAX = 1000;

export async function organizationShow(
  db: Kysely<Database>,
  dialect: Dialect,
  id: string,
  includeDatasets: boolean,
  today: Date,
) {
  const org = (await publishers(db)).find((o) => o.id === id || o.slug === id);
  if (!org) throw ckanNotFound();
  const dict = { ...organizationDict(org), package_count: org.count };
  if (!includeDatasets) return dict;
  const found = await searchDatasets(db, dialect, {
    filters: { classification: ['public'], publisher: [org.slug] },
    sort: 'title',
    offset: 0,
    limit: ORGANIZATION_SHOW_PACKAGES_MAX,
    facetLimit: 0,
  });
  return { ...dict, packages: await packageDicts(db, found.items, today) };
}

/** What help_show answers for each action: what it does, in a sentence. */
export const CKAN_ACTIONS: Record<string, string> = {
  package_search:
    'Searches the open datasets. Parameters: q (words), fq (filters such as organization:<name>, tags:<tag>, groups:<theme>, res_format:<format>, license_id:<id>), rows (default 10, at most 1000), start, sort, facet.field (JSON list), facet.limit.',
  package_show: 'Returns one open dataset. Parameters: id (its id or name).',
  package_list: 'Returns the names of the open datasets. Parameters: limit, offset.',
  organization_list:
    'Returns the organizations that publish open data. Parameters: all_fields, limit, offset, sort (name, title or package_count, asc or desc).',
  organization_show: 'Returns one organization. Parameters: id (its id or name), include_datasets.',
  resource_show: 'Returns one resource (a download) of an open dataset. Parameters: id.',
  help_show: 'Returns the help text of an action. Parameters: name.',
};
