/** Reads what the DCAT-AP export publishes: datasets page by page, their publishers, the catalog's operator. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { countDatasets, datasetsAt, getDataset } from './datasets.ts';
import type { CatalogPage, Publisher } from './dcat.ts';

async function publishers(db: Kysely<Database>): Promise<Map<string, Publisher>> {
  const rows = await db.selectFrom('organizations').select(['slug', 'name', 'kind']).execute();
  return new Map(rows.map((r) => [r.slug, r]));
}

/** The catalog's publisher: the organization of the earliest platform administrator, which operates govdx. */
async function operator(db: Kysely<Database>, publicUrl: string): Promise<Publisher> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['organizations.slug', 'organizations.name', 'organizations.kind'])
    .where('memberships.role', '=', 'platform_admin')
    .orderBy('memberships.created_at')
    .orderBy('organizations.slug')
    .executeTakeFirst();
  return row ?? { slug: 'operator', name: new URL(publicUrl).host, kind: 'agency' };
}

function describe(publisher: Publisher) {
  return {
    title: `Data catalog of ${publisher.name}'s govdx`,
    description:
      'Every dataset shared through govdx, open or restricted, with its owner, licence, access rights and distributions.',
  };
}

export async function loadCatalogPage(
  db: Kysely<Database>,
  publicUrl: string,
  page: number,
  pageSize: number,
): Promise<CatalogPage> {
  const publisher = await operator(db, publicUrl);
  const totalItems = await countDatasets(db);
  return {
    publicUrl,
    ...describe(publisher),
    publisher,
    publishers: await publishers(db),
    datasets: await datasetsAt(db, (page - 1) * pageSize, pageSize),
    paging: { page, pageSize, totalItems },
  };
}

/** A catalog holding one dataset, so that a dataset's own document is valid DCAT-AP on its own. */
export async function loadDatasetDocument(
  db: Kysely<Database>,
  publicUrl: string,
  organizationId: string,
  slug: string,
): Promise<CatalogPage> {
  const dataset = await getDataset(db, organizationId, slug);
  const publisher = await operator(db, publicUrl);
  return {
    publicUrl,
    ...describe(publisher),
    publisher,
    publishers: await publishers(db),
    datasets: [dataset],
  };
}
