/** Datasets an organization is the authoritative source for, with their schema of fields. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Static } from 'typebox';
import { type DatasetShape, GovdxError, isPersonal, notFound, type Sensitivity } from '../domain/index.ts';
import {
  type Database,
  type DatasetTable,
  type DistributionTable,
  type FieldTable,
  isUniqueViolation,
  now,
  type Page,
  slugPairKey,
  slugPairPage,
  toPage,
} from '../store/index.ts';
import type { AccessRights, Frequency, Theme } from './authority-tables.ts';
import type { Dataset, DatasetChanges, Field, NewDataset, NewDistribution } from './schemas.ts';
import { indexDatasets } from './search-index.ts';

export type DatasetView = Static<typeof Dataset>;
type FieldInput = Static<typeof Field>;
type DistributionInput = Static<typeof NewDistribution>;
type MetadataInput = Omit<
  Static<typeof DatasetChanges>,
  'title' | 'description' | 'classification' | 'stewardId' | 'keyField' | 'aboutPeople' | 'fields'
>;
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
type DatasetRow = Selectable<DatasetTable> & {
  organization_slug: string;
  organization_name: string;
  steward_name: string | null;
};

/** Rows grouped by their dataset, in the order given. */
function byDataset<Row extends { dataset_id: string }>(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const list = groups.get(row.dataset_id) ?? [];
    list.push(row);
    groups.set(row.dataset_id, list);
  }
  return groups;
}

async function fieldsOf(db: Kysely<Database>, datasetIds: string[]): Promise<Map<string, FieldTable[]>> {
  if (datasetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('fields')
    .selectAll()
    .where('dataset_id', 'in', datasetIds)
    .orderBy('dataset_id')
    .orderBy('position')
    .execute();
  return byDataset(rows);
}

async function distributionsOf(
  db: Kysely<Database>,
  datasetIds: string[],
): Promise<Map<string, DistributionTable[]>> {
  if (datasetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('distributions')
    .selectAll()
    .where('dataset_id', 'in', datasetIds)
    .orderBy('dataset_id')
    .orderBy('position')
    .execute();
  return byDataset(rows);
}

function toDataset(row: DatasetRow, fields: FieldTable[], distributions: DistributionTable[]): DatasetView {
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
    aboutPeople: row.about_people === 1,
    fields: fields.map((f) => ({
      name: f.name,
      type: f.type,
      sensitivity: f.sensitivity,
      description: f.description,
      label: f.label,
    })),
    keywords: JSON.parse(row.keywords) as string[],
    themes: JSON.parse(row.themes) as Theme[],
    spatial: row.spatial,
    temporalStart: row.temporal_start,
    temporalEnd: row.temporal_end,
    license: row.license,
    accessRights: row.access_rights as AccessRights | null,
    updateFrequency: row.update_frequency as Frequency | null,
    contactPoint:
      row.contact_point_name && row.contact_point_email
        ? { name: row.contact_point_name, email: row.contact_point_email }
        : null,
    issued: row.issued,
    modified: row.modified,
    distributions: distributions.map((d) => ({
      id: d.id,
      title: d.title,
      description: d.description,
      kind: d.kind,
      format: d.format as DatasetView['distributions'][number]['format'],
      mediaType: d.media_type,
      accessUrl: d.access_url,
      downloadUrl: d.download_url,
      createdAt: d.created_at,
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
  const order = { owner: 'organizations.slug', slug: 'datasets.slug' } as const;
  const rows = await slugPairPage(query, order, after, limit).execute();
  const ids = rows.slice(0, limit).map((r) => r.id);
  const fields = await fieldsOf(db, ids);
  const distributions = await distributionsOf(db, ids);
  return toPage(
    rows,
    limit,
    (r) => slugPairKey(r.organization_slug, r.slug),
    (r) => toDataset(r, fields.get(r.id) ?? [], distributions.get(r.id) ?? []),
  );
}

export async function findDataset(
  db: Kysely<Database>,
  organizationId: string,
  slug: string,
): Promise<Selectable<DatasetTable>> {
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
  return toDataset(
    row,
    (await fieldsOf(db, [row.id])).get(row.id) ?? [],
    (await distributionsOf(db, [row.id])).get(row.id) ?? [],
  );
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
        label: f.label?.trim() || null,
      })),
    )
    .execute();
}

async function replaceDistributions(
  tx: Transaction<Database>,
  datasetId: string,
  distributions: DistributionInput[],
): Promise<void> {
  await tx.deleteFrom('distributions').where('dataset_id', '=', datasetId).execute();
  if (distributions.length === 0) return;
  const at = now();
  await tx
    .insertInto('distributions')
    .values(
      distributions.map((d, position) => ({
        id: crypto.randomUUID(),
        dataset_id: datasetId,
        position,
        title: d.title,
        description: d.description ?? '',
        kind: d.kind,
        format: d.format ?? null,
        media_type: d.mediaType ?? null,
        access_url: d.accessUrl,
        download_url: d.downloadUrl ?? null,
        created_at: at,
      })),
    )
    .execute();
}

/** The metadata columns an input sets; a member left out leaves its column as it is. */
function metadataColumns(input: MetadataInput) {
  const columns: Partial<
    Omit<DatasetTable, 'keywords' | 'themes' | 'about_people'> & { keywords: string; themes: string }
  > = {};
  if (input.keywords !== undefined) columns.keywords = JSON.stringify(input.keywords);
  if (input.themes !== undefined) columns.themes = JSON.stringify(input.themes);
  if (input.spatial !== undefined) columns.spatial = input.spatial;
  if (input.temporalStart !== undefined) columns.temporal_start = input.temporalStart;
  if (input.temporalEnd !== undefined) columns.temporal_end = input.temporalEnd;
  if (input.license !== undefined) columns.license = input.license;
  if (input.accessRights !== undefined) columns.access_rights = input.accessRights;
  if (input.updateFrequency !== undefined) columns.update_frequency = input.updateFrequency;
  if (input.contactPoint !== undefined) {
    columns.contact_point_name = input.contactPoint?.name ?? null;
    columns.contact_point_email = input.contactPoint?.email ?? null;
  }
  if (input.issued !== undefined) columns.issued = input.issued;
  if (input.modified !== undefined) columns.modified = input.modified;
  return columns;
}

/**
 * Whether the records are about people: as declared, and always when the key field holds personal or
 * special-category data (declaring otherwise is refused, so the catalog never says less than the exchange).
 */
function checkAboutPeople(
  fields: ReadonlyArray<{ name: string; sensitivity: Sensitivity }>,
  keyField: string | null,
  declared: boolean | undefined,
): boolean {
  const keyIsPersonal = isPersonal(fields.find((f) => f.name === keyField)?.sensitivity);
  if (declared === false && keyIsPersonal)
    throw new GovdxError(
      'VALIDATION_FAILED',
      `Records looked up by "${keyField}", which is personal data, are about people: "aboutPeople" cannot be false.`,
      { keyField },
    );
  return declared ?? keyIsPersonal;
}

function checkTemporal(start: string | null | undefined, end: string | null | undefined): void {
  if (start && end && start > end)
    throw new GovdxError('VALIDATION_FAILED', 'The temporal coverage ends before it starts.', {
      temporalStart: start,
      temporalEnd: end,
    });
}

export async function createDataset(
  db: Kysely<Database>,
  owner: Owner,
  input: Static<typeof NewDataset>,
): Promise<DatasetView> {
  const keyField = input.keyField ?? null;
  checkFields(input.fields, keyField);
  const aboutPeople = checkAboutPeople(input.fields, keyField, input.aboutPeople);
  checkTemporal(input.temporalStart, input.temporalEnd);
  if (input.stewardId) await checkSteward(db, owner.id, input.stewardId);
  const at = now();
  const row = {
    id: crypto.randomUUID(),
    organization_id: owner.id,
    slug: input.slug,
    title: input.title,
    description: input.description ?? '',
    classification: input.classification,
    steward_id: input.stewardId ?? null,
    key_field: keyField,
    about_people: aboutPeople ? 1 : 0,
    ...metadataColumns(input),
    created_at: at,
    updated_at: at,
  };
  try {
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('datasets').values(row).execute();
      await replaceFields(tx, row.id, input.fields);
      await replaceDistributions(tx, row.id, input.distributions ?? []);
      await indexDatasets(tx, [row.id]);
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

/** A dataset's fields, key field and whom its records are about, as stored. */
export async function datasetShape(
  db: Kysely<Database>,
  dataset: Selectable<DatasetTable>,
): Promise<DatasetShape> {
  const fields = (await fieldsOf(db, [dataset.id])).get(dataset.id) ?? [];
  return {
    fields: fields.map((f) => ({ name: f.name, sensitivity: f.sensitivity })),
    keyField: dataset.key_field,
    aboutPeople: dataset.about_people === 1,
  };
}

/**
 * Checks a change against the dataset as it is, without making it; resolves with the shape the dataset
 * would have. Refuses what updateDataset would refuse, so that a change waiting for sign-off is one
 * that can be made.
 */
export async function checkDatasetChanges(
  db: Kysely<Database>,
  owner: Owner,
  current: Selectable<DatasetTable>,
  changes: Static<typeof DatasetChanges>,
): Promise<DatasetShape> {
  const keyField = changes.keyField !== undefined ? changes.keyField : current.key_field;
  const fields = changes.fields ?? (await fieldsOf(db, [current.id])).get(current.id) ?? [];
  checkFields(fields, keyField);
  const aboutPeople = checkAboutPeople(fields, keyField, changes.aboutPeople ?? current.about_people === 1);
  checkTemporal(
    changes.temporalStart !== undefined ? changes.temporalStart : current.temporal_start,
    changes.temporalEnd !== undefined ? changes.temporalEnd : current.temporal_end,
  );
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
  return {
    fields: fields.map((f) => ({ name: f.name, sensitivity: f.sensitivity })),
    keyField,
    aboutPeople,
  };
}

export async function updateDataset(
  db: Kysely<Database>,
  owner: Owner,
  slug: string,
  changes: Static<typeof DatasetChanges>,
): Promise<DatasetView> {
  const current = await findDataset(db, owner.id, slug);
  const shape = await checkDatasetChanges(db, owner, current, changes);
  const stewardId = changes.stewardId !== undefined ? changes.stewardId : current.steward_id;
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('datasets')
      .set({
        title: changes.title ?? current.title,
        description: changes.description ?? current.description,
        classification: changes.classification ?? current.classification,
        steward_id: stewardId,
        key_field: shape.keyField,
        about_people: shape.aboutPeople ? 1 : 0,
        ...metadataColumns(changes),
        updated_at: now(),
      })
      .where('id', '=', current.id)
      .execute();
    if (changes.fields) await replaceFields(tx, current.id, changes.fields);
    if (changes.distributions) await replaceDistributions(tx, current.id, changes.distributions);
    await indexDatasets(tx, [current.id]);
  });
  return getDataset(db, owner.id, slug);
}

/** Everything stored of one dataset: what a change that could not be recorded is undone to. */
export interface DatasetSnapshot {
  row: Selectable<DatasetTable>;
  fields: FieldTable[];
  distributions: DistributionTable[];
}

export async function snapshotDataset(
  db: Kysely<Database>,
  row: Selectable<DatasetTable>,
): Promise<DatasetSnapshot> {
  return {
    row,
    fields: (await fieldsOf(db, [row.id])).get(row.id) ?? [],
    distributions: (await distributionsOf(db, [row.id])).get(row.id) ?? [],
  };
}

/** Puts a dataset back as it was in the snapshot, in one transaction. */
export async function restoreDataset(db: Kysely<Database>, snapshot: DatasetSnapshot): Promise<void> {
  const { id, ...columns } = snapshot.row;
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('datasets').set(columns).where('id', '=', id).execute();
    await tx.deleteFrom('fields').where('dataset_id', '=', id).execute();
    if (snapshot.fields.length > 0) await tx.insertInto('fields').values(snapshot.fields).execute();
    await tx.deleteFrom('distributions').where('dataset_id', '=', id).execute();
    if (snapshot.distributions.length > 0)
      await tx.insertInto('distributions').values(snapshot.distributions).execute();
    await indexDatasets(tx, [id]);
  });
}

/** Removes a dataset that was just registered (and has nothing that refers to it yet). */
export async function removeNewDataset(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('catalog_facets').where('dataset_id', '=', id).execute();
    await tx.deleteFrom('catalog_search').where('dataset_id', '=', id).execute();
    await tx.deleteFrom('fields').where('dataset_id', '=', id).execute();
    await tx.deleteFrom('distributions').where('dataset_id', '=', id).execute();
    await tx.deleteFrom('datasets').where('id', '=', id).execute();
  });
}

/** Datasets by position in the catalog's stable order (organization, then slug), for numbered pages. */
export async function datasetsAt(
  db: Kysely<Database>,
  offset: number,
  limit: number,
): Promise<DatasetView[]> {
  const rows = await datasets(db)
    .orderBy('organizations.slug')
    .orderBy('datasets.slug')
    .limit(limit)
    .offset(offset)
    .execute();
  const ids = rows.map((r) => r.id);
  const fields = await fieldsOf(db, ids);
  const distributions = await distributionsOf(db, ids);
  return rows.map((r) => toDataset(r, fields.get(r.id) ?? [], distributions.get(r.id) ?? []));
}

/** Datasets by id, in the order of the ids given; ids of no dataset are left out. */
export async function datasetsById(db: Kysely<Database>, ids: string[]): Promise<DatasetView[]> {
  if (ids.length === 0) return [];
  const [rows, fields, distributions] = await Promise.all([
    datasets(db).where('datasets.id', 'in', ids).execute(),
    fieldsOf(db, ids),
    distributionsOf(db, ids),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toDataset(row, fields.get(id) ?? [], distributions.get(id) ?? [])] : [];
  });
}

export async function countDatasets(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('datasets')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
