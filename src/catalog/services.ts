/**
 * Services: how consumers reach a dataset through the exchange. Hosted services answer from govdx's
 * own store (base registries); proxied services forward to the provider's API at baseUrl, whose origin
 * must be on the platform admin's list (src/directory/provider-origins.ts).
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { checkProviderAddress } from '../directory/index.ts';
import { GovdxError, notFound } from '../domain/index.ts';
import {
  type Database,
  isUniqueViolation,
  now,
  type Page,
  type ServiceTable,
  slugPairKey,
  slugPairPage,
  toPage,
} from '../store/index.ts';
import { findDataset } from './datasets.ts';
import type { NewService, Service, ServiceChanges } from './schemas.ts';

export type ServiceView = Static<typeof Service>;
type Owner = { id: string; slug: string };

function services(db: Kysely<Database>) {
  return db
    .selectFrom('services')
    .innerJoin('organizations', 'organizations.id', 'services.organization_id')
    .innerJoin('datasets', 'datasets.id', 'services.dataset_id')
    .selectAll('services')
    .select([
      'organizations.slug as organization_slug',
      'organizations.name as organization_name',
      'datasets.slug as dataset_slug',
    ]);
}
type ServiceRow = ServiceTable & {
  organization_slug: string;
  organization_name: string;
  dataset_slug: string;
};

function toService(row: ServiceRow): ServiceView {
  return {
    id: row.id,
    slug: row.slug,
    organization: row.organization_slug,
    organizationName: row.organization_name,
    dataset: row.dataset_slug,
    title: row.title,
    description: row.description,
    kind: row.kind,
    baseUrl: row.base_url,
    requestAssertion: row.request_assertion,
    exchangePath: `/exchange/v1/${row.organization_slug}/${row.slug}`,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listServices(
  db: Kysely<Database>,
  filter: { organizationId?: string | undefined },
  limit: number,
  after: string | null,
): Promise<Page<ServiceView>> {
  let query = services(db);
  if (filter.organizationId) query = query.where('services.organization_id', '=', filter.organizationId);
  const order = { owner: 'organizations.slug', slug: 'services.slug' } as const;
  const rows = await slugPairPage(query, order, after, limit).execute();
  return toPage(rows, limit, (r) => slugPairKey(r.organization_slug, r.slug), toService);
}

export async function getService(
  db: Kysely<Database>,
  organizationId: string,
  slug: string,
): Promise<ServiceView> {
  const row = await services(db)
    .where('services.organization_id', '=', organizationId)
    .where('services.slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('service', slug);
  return toService(row);
}

function checkKind(kind: ServiceTable['kind'], baseUrl: string | null, keyField: string | null): void {
  if (kind === 'proxied' && !baseUrl) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'A proxied service needs "baseUrl": the address of the provider\'s own API.',
    );
  }
  if (kind === 'hosted' && baseUrl) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'A hosted service is answered from govdx\'s own store; leave "baseUrl" out.',
    );
  }
  if (kind === 'hosted' && !keyField) {
    throw new GovdxError(
      'INVALID_REFERENCE',
      'A hosted service needs a dataset with a key field, so that records can be looked up.',
    );
  }
}

export async function createService(
  db: Kysely<Database>,
  owner: Owner,
  input: Static<typeof NewService>,
): Promise<ServiceView> {
  let dataset: Awaited<ReturnType<typeof findDataset>>;
  try {
    dataset = await findDataset(db, owner.id, input.dataset);
  } catch {
    throw new GovdxError(
      'INVALID_REFERENCE',
      `${owner.slug} has no dataset "${input.dataset}"; a service can only serve its own organization's data.`,
      {
        dataset: input.dataset,
      },
    );
  }
  const baseUrl = input.baseUrl ?? null;
  checkKind(input.kind, baseUrl, dataset.key_field);
  if (baseUrl) await checkProviderAddress(db, baseUrl);
  const at = now();
  const row: ServiceTable = {
    id: crypto.randomUUID(),
    organization_id: owner.id,
    dataset_id: dataset.id,
    slug: input.slug,
    title: input.title,
    description: input.description ?? '',
    kind: input.kind,
    base_url: baseUrl,
    request_assertion: input.requestAssertion ?? 'jws',
    created_at: at,
    updated_at: at,
  };
  try {
    await db.insertInto('services').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GovdxError('ALREADY_EXISTS', `${owner.slug} already has a service "${input.slug}".`, {
        slug: input.slug,
      });
    throw error;
  }
  return getService(db, owner.id, row.slug);
}

/** Checks a change against the service as it is, without making it; resolves with its provider address after. */
export async function checkServiceChanges(
  db: Kysely<Database>,
  current: ServiceTable,
  changes: Static<typeof ServiceChanges>,
): Promise<{ baseUrl: string | null }> {
  const baseUrl = changes.baseUrl !== undefined ? changes.baseUrl : current.base_url;
  const dataset = await db
    .selectFrom('datasets')
    .select('key_field')
    .where('id', '=', current.dataset_id)
    .executeTakeFirstOrThrow();
  checkKind(current.kind, baseUrl, dataset.key_field);
  if (baseUrl && baseUrl !== current.base_url) await checkProviderAddress(db, baseUrl);
  return { baseUrl };
}

export async function updateService(
  db: Kysely<Database>,
  owner: Owner,
  slug: string,
  changes: Static<typeof ServiceChanges>,
): Promise<ServiceView> {
  const current = await db
    .selectFrom('services')
    .selectAll()
    .where('organization_id', '=', owner.id)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!current) throw notFound('service', slug);
  const { baseUrl } = await checkServiceChanges(db, current, changes);
  await db
    .updateTable('services')
    .set({
      title: changes.title ?? current.title,
      description: changes.description ?? current.description,
      base_url: baseUrl,
      request_assertion: changes.requestAssertion ?? current.request_assertion,
      updated_at: now(),
    })
    .where('id', '=', current.id)
    .execute();
  return getService(db, owner.id, slug);
}
