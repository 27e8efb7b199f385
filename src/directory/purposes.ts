/** Purposes: registered, human-readable reasons for using data, each with its legal basis. */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import {
  GovdxError,
  LEGAL_BASES,
  type LegalBasis,
  notFound,
  SPECIAL_CATEGORY_BASES,
  type SpecialCategoryBasis,
} from '../domain/index.ts';
import {
  type Database,
  isUniqueViolation,
  now,
  type Page,
  type PurposeTable,
  toPage,
} from '../store/index.ts';
import type { NewPurpose, Purpose, PurposeChanges } from './schemas.ts';

export type PurposeView = Static<typeof Purpose>;

function toPurpose(row: PurposeTable & { organization_slug: string }): PurposeView {
  const special = row.special_category_basis as SpecialCategoryBasis | null;
  return {
    id: row.id,
    slug: row.slug,
    organization: row.organization_slug,
    title: row.title,
    description: row.description,
    legalBasis: row.legal_basis as LegalBasis,
    legalBasisText: LEGAL_BASES[row.legal_basis as LegalBasis],
    specialCategoryBasis: special,
    specialCategoryBasisText: special ? SPECIAL_CATEGORY_BASES[special] : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function purposes(db: Kysely<Database>) {
  return db
    .selectFrom('purposes')
    .innerJoin('organizations', 'organizations.id', 'purposes.organization_id')
    .selectAll('purposes')
    .select('organizations.slug as organization_slug');
}

export async function listPurposes(
  db: Kysely<Database>,
  filter: { organizationId?: string },
  limit: number,
  after: string | null,
): Promise<Page<PurposeView>> {
  let query = purposes(db);
  if (filter.organizationId) query = query.where('purposes.organization_id', '=', filter.organizationId);
  if (after) query = query.where('purposes.slug', '>', after);
  const rows = await query
    .orderBy('purposes.slug')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => r.slug, toPurpose);
}

export async function getPurpose(db: Kysely<Database>, slug: string): Promise<PurposeView> {
  const row = await purposes(db).where('purposes.slug', '=', slug).executeTakeFirst();
  if (!row) throw notFound('purpose', slug);
  return toPurpose(row);
}

export async function createPurpose(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  input: Static<typeof NewPurpose>,
): Promise<PurposeView> {
  const at = now();
  const row: PurposeTable = {
    id: crypto.randomUUID(),
    slug: input.slug,
    organization_id: organization.id,
    title: input.title,
    description: input.description,
    legal_basis: input.legalBasis,
    special_category_basis: input.specialCategoryBasis ?? null,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.insertInto('purposes').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GovdxError('ALREADY_EXISTS', `A purpose "${input.slug}" already exists.`, {
        slug: input.slug,
      });
    throw error;
  }
  return toPurpose({ ...row, organization_slug: organization.slug });
}

export async function updatePurpose(
  db: Kysely<Database>,
  organization: { id: string; slug: string },
  slug: string,
  changes: Static<typeof PurposeChanges>,
): Promise<PurposeView> {
  const current = await db
    .selectFrom('purposes')
    .selectAll()
    .where('slug', '=', slug)
    .where('organization_id', '=', organization.id)
    .executeTakeFirst();
  if (!current) throw notFound('purpose', slug);
  const next: PurposeTable = {
    ...current,
    title: changes.title ?? current.title,
    description: changes.description ?? current.description,
    legal_basis: changes.legalBasis ?? current.legal_basis,
    special_category_basis:
      changes.specialCategoryBasis !== undefined
        ? changes.specialCategoryBasis
        : current.special_category_basis,
    updated_at: now(),
  };
  await db.updateTable('purposes').set(next).where('id', '=', current.id).execute();
  return toPurpose({ ...next, organization_slug: organization.slug });
}
