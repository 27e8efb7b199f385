import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { GovdxError, notFound } from '../domain/index.ts';
import {
  type Database,
  isUniqueViolation,
  now,
  type OrganizationTable,
  type Page,
  toPage,
} from '../store/index.ts';
import type { NewOrganization, Organization, OrganizationChanges } from './schemas.ts';

export type OrganizationView = Static<typeof Organization>;

export function toOrganization(row: OrganizationTable): OrganizationView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind,
    description: row.description,
    website: row.website,
    contactEmail: row.contact_email,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listOrganizations(
  db: Kysely<Database>,
  limit: number,
  after: string | null,
): Promise<Page<OrganizationView>> {
  let query = db.selectFrom('organizations').selectAll();
  if (after) query = query.where('slug', '>', after);
  const rows = await query
    .orderBy('slug')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => r.slug, toOrganization);
}

export async function findOrganization(db: Kysely<Database>, slug: string): Promise<OrganizationTable> {
  const row = await db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!row) throw notFound('organization', slug);
  return row;
}

export async function createOrganization(
  db: Kysely<Database>,
  input: Static<typeof NewOrganization>,
): Promise<OrganizationView> {
  const at = now();
  const row: OrganizationTable = {
    id: crypto.randomUUID(),
    slug: input.slug,
    name: input.name,
    kind: input.kind,
    description: input.description ?? '',
    website: input.website ?? null,
    contact_email: input.contactEmail ?? null,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.insertInto('organizations').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GovdxError('ALREADY_EXISTS', `An organization "${input.slug}" already exists.`, {
        slug: input.slug,
      });
    throw error;
  }
  return toOrganization(row);
}

export async function updateOrganization(
  db: Kysely<Database>,
  slug: string,
  changes: Static<typeof OrganizationChanges>,
): Promise<OrganizationView> {
  const current = await findOrganization(db, slug);
  const next: OrganizationTable = {
    ...current,
    name: changes.name ?? current.name,
    kind: changes.kind ?? current.kind,
    description: changes.description ?? current.description,
    website: changes.website !== undefined ? changes.website : current.website,
    contact_email: changes.contactEmail !== undefined ? changes.contactEmail : current.contact_email,
    updated_at: now(),
  };
  await db.updateTable('organizations').set(next).where('id', '=', current.id).execute();
  return toOrganization(next);
}
