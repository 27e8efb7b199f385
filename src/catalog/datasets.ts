/** Datasets an organization is the authoritative source for, with their schema of fields. */
import type { Kysely, Transaction } from 'kysely';
import type { Static } from 'typebox';
import { GovdxError, notFound, type Sensitivity } from '../domain/index.ts';
import {
  type Database,
  type DatasetTable,
  type FieldTable,
  isUniqueViolation,
  now,
  type Page,
  toPage,
} from '../store/index.ts';
import type { Dataset, DatasetChanges, Field, NewDataset } from './schemas.ts';

export type DatasetView = Static<typeof Dataset>;
type FieldInput = Static<typeof Field>;
type Owner = { id: string; slug: string };

function datasets(db: Kysely<Database>) {
  return db
    .selectFrom('datasets')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .leftJoin('people', 'people.id', 'datasets.steward_id')
    .selectAll('datasets')
    .select([
      'organizations.slug as organization_slug',
      'organizations.name as organization_name',
      'people.name as steward_name',
    ]);
}
type DatasetRow = DatasetTable & {
  organization_slug: string;
  organization_name: string;
  steward_name: string | null;
};

async function fieldsOf(db: Kysely<Database>, datasetIds: string[]): Promise<Map<string, FieldTable[]>> {
  const byDataset = new Map<string, FieldTable[]>();
  if (datasetIds.length === 0) return byDataset;
  const rows = await db
    .selectFrom('fields')
    .selectAll()
    .where('dataset_id', 'in', datasetIds)
    .orderBy('dataset_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = byDataset.get(row.dataset_id) ?? [];
    list.push(row);
    byDataset.set(row.dataset_id, list);
  }
  return byDataset;
}

function toDataset(row: DatasetRow, fields: FieldTable[]): DatasetView {
  return {
    id: row.id,
    slug: row.slug,
    organization: row.organization_slug,
    organizationName: row.organization_name,
    title: row.title,
    description: row.description,
    classification: row.classification,
    steward: row.steward_id && row.steward_name ? { id: row.steward_id, name: row.steward_name } : null,
    keyField: row.key_field,
    fields: fields.map((f) => ({
      name: f.name,
      type: f.type,
      sensitivity: f.sensitivity,
      description: f.description,
    })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface DatasetQuery {
  organizationId?: string | undefined;
  classification?: DatasetTable['classification'] | undefined;
  sensitivity?: Sensitivity | undefined;
}

/** Lists datasets in a stable order (organization, then slug), one page at a time. */
export async function listDatasets(
  db: Kysely<Database>,
  filter: DatasetQuery,
  limit: number,
  after: string | null,
): Promise<Page<DatasetView>> {
  let query = datasets(db);
  if (filter.organizationId) query = query.where('datasets.organization_id', '=', filter.organizationId);
  if (filter.classification) query = query.where('datasets.classification', '=', filter.classification);
  if (filter.sensitivity) {
    const sensitivity = filter.sensitivity;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('fields')
          .select('fields.name')
          .whereRef('fields.dataset_id', '=', 'datasets.id')
          .where('fields.sensitivity', '=', sensitivity),
      ),
    );
  }
  // The cursor is "<organization slug>/<dataset slug>"; slugs never contain "/".
  if (after) {
    const [orgSlug = '', slug = ''] = after.split('/');
    query = query.where((eb) =>
      eb.or([
        eb('organizations.slug', '>', orgSlug),
        eb.and([eb('organizations.slug', '=', orgSlug), eb('datasets.slug', '>', slug)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('organizations.slug')
    .orderBy('datasets.slug')
    .limit(limit + 1)
    .execute();
  const fields = await fieldsOf(
    db,
    rows.slice(0, limit).map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => `${r.organization_slug}/${r.slug}`,
    (r) => toDataset(r, fields.get(r.id) ?? []),
  );
}

export async function findDataset(
  db: Kysely<Database>,
  organizationId: string,
  slug: string,
): Promise<DatasetTable> {
  const row = await db
    .selectFrom('datasets')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('dataset', slug);
  return row;
}

export async function getDataset(
  db: Kysely<Database>,
  organizationId: string,
  slug: string,
): Promise<DatasetView> {
  const row = await datasets(db)
    .where('datasets.organization_id', '=', organizationId)
    .where('datasets.slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('dataset', slug);
  return toDataset(row, (await fieldsOf(db, [row.id])).get(row.id) ?? []);
}

/** The steward must be a person holding the data steward role in the owning organization. */
async function checkSteward(db: Kysely<Database>, organizationId: string, stewardId: string): Promise<void> {
  const membership = await db
    .selectFrom('memberships')
    .select('person_id')
    .where('person_id', '=', stewardId)
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'data_steward')
    .executeTakeFirst();
  if (!membership) {
    throw new GovdxError(
      'INVALID_REFERENCE',
      'The steward must be a data steward of the organization that owns the dataset.',
      { stewardId },
    );
  }
}

function checkFields(fields: FieldInput[], keyField: string | null): void {
  const names = new Set<string>();
  for (const field of fields) {
    if (names.has(field.name))
      throw new GovdxError('VALIDATION_FAILED', `Two fields are named "${field.name}".`, {
        field: field.name,
      });
    names.add(field.name);
  }
  if (keyField !== null && !names.has(keyField)) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      `The key field "${keyField}" is not one of the dataset's fields.`,
      { keyField },
    );
  }
}

async function replaceFields(
  tx: Transaction<Database>,
  datasetId: string,
  fields: FieldInput[],
): Promise<void> {
  await tx.deleteFrom('fields').where('dataset_id', '=', datasetId).execute();
  if (fields.length === 0) return;
  await tx
    .insertInto('fields')
    .values(
      fields.map((f, position) => ({
        dataset_id: datasetId,
        position,
        name: f.name,
        type: f.type,
        sensitivity: f.sensitivity,
        description: f.description ?? '',
      })),
    )
    .execute();
}

export async function createDataset(
  db: Kysely<Database>,
  owner: Owner,
  input: Static<typeof NewDataset>,
): Promise<DatasetView> {
  const keyField = input.keyField ?? null;
  checkFields(input.fields, keyField);
  if (input.stewardId) await checkSteward(db, owner.id, input.stewardId);
  const at = now();
  const row: DatasetTable = {
    id: crypto.randomUUID(),
    organization_id: owner.id,
    slug: input.slug,
    title: input.title,
    description: input.description ?? '',
    classification: input.classification,
    steward_id: input.stewardId ?? null,
    key_field: keyField,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('datasets').values(row).execute();
      await replaceFields(tx, row.id, input.fields);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GovdxError('ALREADY_EXISTS', `${owner.slug} already has a dataset "${input.slug}".`, {
        slug: input.slug,
      });
    throw error;
  }
  return getDataset(db, owner.id, row.slug);
}

export async function updateDataset(
  db: Kysely<Database>,
  owner: Owner,
  slug: string,
  changes: Static<typeof DatasetChanges>,
): Promise<DatasetView> {
  const current = await findDataset(db, owner.id, slug);
  const keyField = changes.keyField !== undefined ? changes.keyField : current.key_field;
  const fields = changes.fields ?? (await fieldsOf(db, [current.id])).get(current.id) ?? [];
  checkFields(fields, keyField);
  const stewardId = changes.stewardId !== undefined ? changes.stewardId : current.steward_id;
  if (changes.stewardId) await checkSteward(db, owner.id, changes.stewardId);
  if (keyField === null) {
    const hosted = await db
      .selectFrom('services')
      .select('slug')
      .where('dataset_id', '=', current.id)
      .where('kind', '=', 'hosted')
      .executeTakeFirst();
    if (hosted)
      throw new GovdxError(
        'CONFLICT',
        `The hosted service "${hosted.slug}" needs this dataset to keep a key field.`,
        { service: hosted.slug },
      );
  }
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('datasets')
      .set({
        title: changes.title ?? current.title,
        description: changes.description ?? current.description,
        classification: changes.classification ?? current.classification,
        steward_id: stewardId,
        key_field: keyField,
        updated_at: now(),
      })
      .where('id', '=', current.id)
      .execute();
    if (changes.fields) await replaceFields(tx, current.id, changes.fields);
  });
  return getDataset(db, owner.id, slug);
}
