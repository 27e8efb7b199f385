/**
 * Sources (issue 18): an organization's own copy of people, addresses or businesses (a city's client list),
 * kept as one of its datasets and linked to an authoritative register, which the source never changes.
 * Records come into the source's dataset through the ordinary imports (./imports.ts); a linkage job
 * (./linkage-jobs.ts) gives each of them the register's entity identifier, and the register's steward
 * reviews the doubtful pairs (./link-review.ts).
 *
 * Who may do what:
 * - register a source: the administrators of its organization, or the steward of its dataset;
 * - read a source and start or cancel its jobs: those, and the register's own (administrators, steward);
 * - decide about its pairs and links: the register's administrators and steward only.
 */
import type { Kysely, Selectable } from 'kysely';
import { GovdxError, holdsOwnRole, notFound, type Principal } from '../domain/index.ts';
import { governed, type Recorder } from '../governance/index.ts';
import {
  type Database,
  type DatasetTable,
  isUniqueViolation,
  keysetPage,
  now,
  type Page,
  type SourceTable,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import { mayImport } from './imports.ts';
import { type ColumnKind, recognisedKind } from './linkage/columns.ts';

export interface SourceContext {
  db: Kysely<Database>;
  ledger: Recorder;
}

type Owner = { id: string; slug: string };

/** Default thresholds: at or above UPPER links by itself; from LOWER up to UPPER goes to review. */
export const DEFAULT_LOWER_THRESHOLD = 0.5;
export const DEFAULT_UPPER_THRESHOLD = 0.99;

/** A source with its dataset and its register, each with its organization. */
export interface LoadedSource {
  row: Selectable<SourceTable>;
  organization: { id: string; slug: string; name: string };
  dataset: Selectable<DatasetTable>;
  registerOrganization: { id: string; slug: string; name: string };
  register: Selectable<DatasetTable>;
}

export interface SourceView {
  id: string;
  organization: string;
  organizationName: string;
  dataset: string;
  datasetTitle: string;
  register: { organization: string; organizationName: string; dataset: string; title: string };
  lowerThreshold: number;
  upperThreshold: number;
  createdAt: string;
  /** Records in the source's dataset. */
  records: number;
  /** Source records that hold the register's entity identifier. */
  linked: number;
  /** Pairs waiting for the register's steward. */
  pending: number;
  /** What the caller may do: start jobs, review. */
  mayRun: boolean;
  mayReview: boolean;
}

export interface NewSourceInput {
  dataset: string;
  register: { organization: string; dataset: string };
  lowerThreshold?: number | undefined;
  upperThreshold?: number | undefined;
}

/** A field both datasets hold, and how the linkage engine compares it. */
export interface ComparedField {
  name: string;
  kind: ColumnKind;
}

/**
 * The fields a source and its register have in common that the linkage engine can compare: by name
 * (given_name, date_of_birth, postcode…), a date by its type, and an identifier of another register
 * (`address_id`, `registry_code`) as an identifier.
 */
export function comparedFields(
  source: ReadonlyArray<{ name: string; type: string }>,
  register: ReadonlyArray<{ name: string; type: string }>,
): ComparedField[] {
  const held = new Set(register.map((f) => f.name));
  const compared: ComparedField[] = [];
  for (const field of source) {
    if (!held.has(field.name)) continue;
    const kind =
      recognisedKind(field.name) ??
      (field.type === 'date'
        ? 'date'
        : /(_id|_code)$/.test(field.name) && field.type === 'string'
          ? 'identifier'
          : undefined);
    if (kind !== undefined && kind !== 'ignore') compared.push({ name: field.name, kind });
  }
  return compared;
}

export async function fieldsOf(db: Kysely<Database>, datasetId: string) {
  return db
    .selectFrom('fields')
    .select(['name', 'type'])
    .where('dataset_id', '=', datasetId)
    .orderBy('position')
    .execute();
}

async function organizationBy(db: Kysely<Database>, column: 'id' | 'slug', value: string) {
  const row = await db
    .selectFrom('organizations')
    .select(['id', 'slug', 'name'])
    .where(column, '=', value)
    .executeTakeFirst();
  if (!row) throw notFound('organization', value);
  return row;
}

async function datasetBy(db: Kysely<Database>, organizationId: string, slug: string) {
  const row = await db
    .selectFrom('datasets')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('dataset', slug);
  return row;
}

export async function loadSource(db: Kysely<Database>, id: string): Promise<LoadedSource> {
  const row = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('source', id);
  const dataset = await db
    .selectFrom('datasets')
    .selectAll()
    .where('id', '=', row.dataset_id)
    .executeTakeFirstOrThrow();
  const register = await db
    .selectFrom('datasets')
    .selectAll()
    .where('id', '=', row.register_id)
    .executeTakeFirstOrThrow();
  return {
    row,
    dataset,
    register,
    organization: await organizationBy(db, 'id', row.organization_id),
    registerOrganization: await organizationBy(db, 'id', register.organization_id),
  };
}

/** The register's administrators and steward: they decide which source records are which entity. */
export function mayReview(principal: Principal, source: LoadedSource): boolean {
  return mayImport(principal, source.registerOrganization, source.register);
}

/** The source's administrators and steward, and the register's: they start and cancel jobs. */
export function mayRun(principal: Principal, source: LoadedSource): boolean {
  return mayReview(principal, source) || mayImport(principal, source.organization, source.dataset);
}

const name = (s: LoadedSource) => `${s.organization.slug}/${s.dataset.slug}`;
const registerName = (s: LoadedSource) => `${s.registerOrganization.slug}/${s.register.slug}`;

export function requireRunner(principal: Principal, source: LoadedSource): void {
  if (!mayRun(principal, source))
    throw new GovdxError(
      'FORBIDDEN',
      `Only the stewards and administrators of the source ${name(source)} and of the register ${registerName(source)} see this source and run its linkage.`,
      { requiredRoles: ['data_steward', 'organization_admin'] },
    );
}

export function requireReviewer(principal: Principal, source: LoadedSource): void {
  if (!mayReview(principal, source))
    throw new GovdxError(
      'FORBIDDEN',
      `Only the steward and the administrators of the register ${registerName(source)} decide which records of ${name(source)} are which of its entities.`,
      { requiredRoles: ['data_steward', 'organization_admin'] },
    );
}

async function countWhere(
  db: Kysely<Database>,
  table: 'records' | 'source_links' | 'link_pairs',
  where: Record<string, string>,
): Promise<number> {
  let query = db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n'));
  for (const [column, value] of Object.entries(where))
    query = query.where(column as never, '=', value as never);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function toSourceView(
  db: Kysely<Database>,
  source: LoadedSource,
  principal: Principal,
): Promise<SourceView> {
  return {
    id: source.row.id,
    organization: source.organization.slug,
    organizationName: source.organization.name,
    dataset: source.dataset.slug,
    datasetTitle: source.dataset.title,
    register: {
      organization: source.registerOrganization.slug,
      organizationName: source.registerOrganization.name,
      dataset: source.register.slug,
      title: source.register.title,
    },
    lowerThreshold: source.row.lower_threshold,
    upperThreshold: source.row.upper_threshold,
    createdAt: source.row.created_at,
    records: await countWhere(db, 'records', { dataset_id: source.dataset.id }),
    linked: await countWhere(db, 'source_links', { source_id: source.row.id }),
    pending: await countWhere(db, 'link_pairs', { source_id: source.row.id, status: 'pending' }),
    mayRun: mayRun(principal, source),
    mayReview: mayReview(principal, source),
  };
}

/** Registers one of the organization's datasets as a source of a register; recorded on the ledger. */
export async function registerSource(
  ctx: SourceContext,
  owner: Owner,
  principal: Principal,
  input: NewSourceInput,
): Promise<SourceView> {
  const { db } = ctx;
  const organization = await organizationBy(db, 'id', owner.id);
  const dataset = await datasetBy(db, owner.id, input.dataset);
  if (!mayImport(principal, owner, dataset))
    throw new GovdxError(
      'FORBIDDEN',
      `Only the steward of ${owner.slug}/${dataset.slug} and the administrators of ${owner.slug} register it as a source.`,
      { requiredRoles: ['data_steward', 'organization_admin'] },
    );
  const registerOrganization = await organizationBy(db, 'slug', input.register.organization);
  const register = await datasetBy(db, registerOrganization.id, input.register.dataset);
  const lower = input.lowerThreshold ?? DEFAULT_LOWER_THRESHOLD;
  const upper = input.upperThreshold ?? DEFAULT_UPPER_THRESHOLD;
  if (!(lower < upper))
    throw new GovdxError(
      'VALIDATION_FAILED',
      `The lower threshold (${lower}) must be below the upper one (${upper}): pairs between them go to review.`,
    );
  if (register.id === dataset.id)
    throw new GovdxError('CONFLICT', `${dataset.slug} cannot be a source of itself.`);
  if (dataset.key_field === null || register.key_field === null)
    throw new GovdxError(
      'CONFLICT',
      `Both ${dataset.slug} and ${register.slug} need a key field, so that their records can be told apart.`,
    );
  const registerIsSource = await db
    .selectFrom('sources')
    .select('id')
    .where('dataset_id', '=', register.id)
    .executeTakeFirst();
  if (registerIsSource)
    throw new GovdxError(
      'CONFLICT',
      `${input.register.organization}/${register.slug} is itself a source; link to the register it copies.`,
    );
  const compared = comparedFields(await fieldsOf(db, dataset.id), await fieldsOf(db, register.id));
  if (compared.length === 0)
    throw new GovdxError(
      'NO_COMMON_FIELDS',
      `${dataset.slug} and ${register.slug} have no field in common that can be compared (such as given_name, family_name, date_of_birth, postcode); name the source's fields as the register names them.`,
    );
  const row: Selectable<SourceTable> = {
    id: crypto.randomUUID(),
    organization_id: owner.id,
    dataset_id: dataset.id,
    register_id: register.id,
    lower_threshold: lower,
    upper_threshold: upper,
    created_by: principal.personId,
    created_at: now(),
  };
  await governed(ctx.ledger, {
    apply: async () => {
      try {
        await db.insertInto('sources').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new GovdxError('ALREADY_EXISTS', `${owner.slug}/${dataset.slug} is already a source.`);
        throw error;
      }
      return row;
    },
    events: () => [
      {
        kind: 'source.registered',
        organization: owner.slug,
        sourceId: row.id,
        dataset: dataset.slug,
        register: `${registerOrganization.slug}/${register.slug}`,
        registerOrganization: registerOrganization.slug,
        lowerThreshold: lower,
        upperThreshold: upper,
        comparedFields: compared.map((f) => f.name),
        by: principal.personId,
      },
    ],
    undo: async () => {
      await db.deleteFrom('sources').where('id', '=', row.id).execute();
    },
  });
  return toSourceView(db, { row, organization, dataset, register, registerOrganization }, principal);
}

/** A source, to its stewards and administrators and the register's. */
export async function getSource(db: Kysely<Database>, id: string, principal: Principal): Promise<SourceView> {
  const source = await loadSource(db, id);
  requireRunner(principal, source);
  return toSourceView(db, source, principal);
}

/**
 * The sources an organization holds, and those linked to its registers, newest first; for its
 * administrators and stewards (each source then says what the caller may do with it).
 */
export async function listSources(
  db: Kysely<Database>,
  owner: Owner,
  principal: Principal,
  limit: number,
  after: string | null,
): Promise<Page<SourceView>> {
  if (
    !holdsOwnRole(principal, 'organization_admin', owner.id) &&
    !holdsOwnRole(principal, 'data_steward', owner.id)
  )
    throw new GovdxError(
      'FORBIDDEN',
      `Only the administrators and data stewards of ${owner.slug} see its sources.`,
      { requiredRoles: ['data_steward', 'organization_admin'] },
    );
  const query = db
    .selectFrom('sources')
    .innerJoin('datasets as register', 'register.id', 'sources.register_id')
    .select(['sources.id', 'sources.created_at'])
    .where((eb) =>
      eb.or([eb('sources.organization_id', '=', owner.id), eb('register.organization_id', '=', owner.id)]),
    );
  const rows = await keysetPage(
    query,
    { time: 'sources.created_at', id: 'sources.id', direction: 'desc' },
    after,
    limit,
  ).execute();
  const page = toPage(
    rows,
    limit,
    (r) => timeIdKey(r.created_at, r.id),
    (r) => r.id,
  );
  const items: SourceView[] = [];
  for (const id of page.items) items.push(await toSourceView(db, await loadSource(db, id), principal));
  return { items, nextCursor: page.nextCursor };
}
