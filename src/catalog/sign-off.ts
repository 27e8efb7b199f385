/**
 * Changes to datasets and services, each on the ledger, and the ones that could let data flow with less
 * protection or hide whose data it is waiting for the data protection officer (issue 14, finding 5).
 *
 * A change whose rules (src/domain/sign-off.ts) find a reason for sign-off is kept whole as a pending
 * change; the owning organization's data protection officer approves it (then it is applied) or rejects
 * it, with a reason. The person who proposed it never decides it, and a platform administrator is not a
 * data protection officer. Every proposal, decision and applied change is recorded by the rule of
 * src/governance/: committed, then recorded, or undone.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Static } from 'typebox';
import {
  type DatasetDifference,
  type DatasetShape,
  datasetDifference,
  datasetSignOffReasons,
  describeSignOffReason,
  GovdxError,
  holdsOwnRole,
  isEmptyDifference,
  notFound,
  onlyProtectsMore,
  type Principal,
  type SignOffReason,
  serviceSignOffReasons,
} from '../domain/index.ts';
import { recordChange } from '../governance/index.ts';
import type { JsonValue, Ledger, LedgerEvent } from '../ledger/index.ts';
import {
  type CatalogChangeTable,
  type Database,
  keysetPage,
  now,
  type Page,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import {
  checkDatasetChanges,
  createDataset,
  type DatasetView,
  datasetShape,
  findDataset,
  removeNewDataset,
  restoreDataset,
  snapshotDataset,
  updateDataset,
} from './datasets.ts';
import type { CatalogChange, DatasetChanges, NewDataset, NewService, ServiceChanges } from './schemas.ts';
import { checkServiceChanges, createService, type ServiceView, updateService } from './services.ts';

export type CatalogChangeView = Static<typeof CatalogChange>;
export type Outcome<T> = { applied: T } | { waiting: CatalogChangeView };

export interface CatalogContext {
  db: Kysely<Database>;
  ledger: Ledger;
  /** Tells the exchange that the catalog changed, so that the next call sees it (or its undoing). */
  changed(): Promise<void>;
}
type Owner = { id: string; slug: string };

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as JsonValue;

function differenceDetail(difference: DatasetDifference): Record<string, JsonValue> {
  return {
    fieldsAdded: json(difference.added),
    fieldsRemoved: json(difference.removed),
    sensitivityChanged: json(difference.sensitivity),
    keyField: json(difference.keyField),
    aboutPeople: json(difference.aboutPeople),
  };
}

export async function registerDataset(
  ctx: CatalogContext,
  owner: Owner,
  input: Static<typeof NewDataset>,
  by: string,
): Promise<DatasetView> {
  const dataset = await createDataset(ctx.db, owner, input);
  await recordChange(
    ctx.ledger,
    [
      {
        kind: 'dataset.created',
        organization: owner.slug,
        dataset: dataset.slug,
        datasetId: dataset.id,
        fields: dataset.fields.map((f) => ({ name: f.name, sensitivity: f.sensitivity })),
        keyField: dataset.keyField,
        aboutPeople: dataset.aboutPeople,
        by,
      },
    ],
    {
      undo: async () => {
        await removeNewDataset(ctx.db, dataset.id);
        return true;
      },
      notMade:
        'The dataset could not be recorded on the ledger, so it was not registered. Try again shortly.',
    },
  );
  return dataset;
}

export async function registerService(
  ctx: CatalogContext,
  owner: Owner,
  input: Static<typeof NewService>,
  by: string,
): Promise<ServiceView> {
  const service = await createService(ctx.db, owner, input);
  await recordChange(
    ctx.ledger,
    [
      {
        kind: 'service.created',
        organization: owner.slug,
        service: service.slug,
        serviceId: service.id,
        dataset: service.dataset,
        serviceKind: service.kind,
        baseUrl: service.baseUrl,
        by,
      },
    ],
    {
      undo: async () => {
        await ctx.db.deleteFrom('services').where('id', '=', service.id).execute();
        await ctx.changed();
        return true;
      },
      notMade: 'The service could not be recorded on the ledger, so it was not published. Try again shortly.',
    },
  );
  return service;
}

/** Makes a change of a dataset, or keeps it for the data protection officer when it needs sign-off. */
export async function changeDataset(
  ctx: CatalogContext,
  owner: Owner,
  slug: string,
  changes: Static<typeof DatasetChanges>,
  by: string,
): Promise<Outcome<DatasetView>> {
  const current = await findDataset(ctx.db, owner.id, slug);
  const before = await datasetShape(ctx.db, current);
  const after = await checkDatasetChanges(ctx.db, owner, current, changes);
  const reasons = datasetSignOffReasons(before, after);
  if (reasons.length > 0) {
    return { waiting: await propose(ctx, owner, { dataset: current }, changes, reasons, by) };
  }
  return { applied: await applyDatasetChange(ctx, owner, current, before, changes, { by }) };
}

/** Makes a change of a service, or keeps it for the data protection officer when it needs sign-off. */
export async function changeService(
  ctx: CatalogContext,
  owner: Owner,
  slug: string,
  changes: Static<typeof ServiceChanges>,
  by: string,
): Promise<Outcome<ServiceView>> {
  const current = await serviceRow(ctx.db, owner.id, slug);
  const after = await checkServiceChanges(ctx.db, current, changes);
  const reasons = serviceSignOffReasons({ baseUrl: current.base_url }, after);
  if (reasons.length > 0) {
    return { waiting: await propose(ctx, owner, { service: current }, changes, reasons, by) };
  }
  // Its title, description and how its requests are signed decide nothing; they are not governance events.
  const applied = await updateService(ctx.db, owner, slug, changes);
  if (changes.requestAssertion !== undefined) await ctx.changed();
  return { applied };
}

async function serviceRow(db: Kysely<Database>, organizationId: string, slug: string) {
  const row = await db
    .selectFrom('services')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('service', slug);
  return row;
}

async function applyDatasetChange(
  ctx: CatalogContext,
  owner: Owner,
  current: Selectable<Database['datasets']>,
  before: DatasetShape,
  changes: Static<typeof DatasetChanges>,
  approval: { by: string; approvedBy?: string; changeId?: string },
  alsoRecord: LedgerEvent[] = [],
  undoAlso: () => Promise<void> = async () => {},
): Promise<DatasetView> {
  const snapshot = await snapshotDataset(ctx.db, current);
  const updated = await updateDataset(ctx.db, owner, current.slug, changes);
  const difference = datasetDifference(before, {
    fields: updated.fields,
    keyField: updated.keyField,
    aboutPeople: updated.aboutPeople,
  });
  const events = [...alsoRecord];
  if (!isEmptyDifference(difference)) {
    events.push({
      kind: 'dataset.changed',
      organization: owner.slug,
      dataset: updated.slug,
      datasetId: updated.id,
      ...differenceDetail(difference),
      ...approval,
    });
  }
  await recordChange(ctx.ledger, events, {
    // A change that only protects more stands (and the exchange already sees it); anything else is undone.
    undo: async () => {
      const undone = alsoRecord.length > 0 || !onlyProtectsMore(difference);
      if (undone) {
        await restoreDataset(ctx.db, snapshot);
        await undoAlso();
      }
      await ctx.changed();
      return undone;
    },
    notMade:
      'The change could not be recorded on the ledger, so it was not made (anything that only protects more stands). Try again shortly.',
  });
  return updated;
}

async function propose(
  ctx: CatalogContext,
  owner: Owner,
  target: { dataset: Selectable<Database['datasets']> } | { service: Selectable<Database['services']> },
  changes: object,
  reasons: SignOffReason[],
  by: string,
): Promise<CatalogChangeView> {
  const row: CatalogChangeTable = {
    id: crypto.randomUUID(),
    organization_id: owner.id,
    target: 'dataset' in target ? 'dataset' : 'service',
    dataset_id: 'dataset' in target ? target.dataset.id : null,
    service_id: 'service' in target ? target.service.id : null,
    changes: JSON.stringify(changes),
    reasons: JSON.stringify(reasons),
    based_on: 'dataset' in target ? target.dataset.updated_at : target.service.updated_at,
    status: 'pending',
    proposed_by: by,
    proposed_at: now(),
    decided_by: null,
    decided_at: null,
    decision_reason: null,
  };
  await ctx.db.insertInto('catalog_changes').values(row).execute();
  const about =
    'dataset' in target
      ? { dataset: target.dataset.slug, datasetId: target.dataset.id }
      : { service: target.service.slug, serviceId: target.service.id };
  await recordChange(
    ctx.ledger,
    [
      {
        kind: `${row.target}.change_proposed`,
        organization: owner.slug,
        ...about,
        changeId: row.id,
        reasons: json(reasons),
        changes: json(changes),
        by,
      },
    ],
    {
      undo: async () => {
        await ctx.db.deleteFrom('catalog_changes').where('id', '=', row.id).execute();
        return true;
      },
      notMade: 'The change could not be recorded on the ledger, so it was not proposed. Try again shortly.',
    },
  );
  return getCatalogChange(ctx.db, owner.id, row.id);
}

function changes(db: Kysely<Database>) {
  return db
    .selectFrom('catalog_changes')
    .innerJoin('organizations', 'organizations.id', 'catalog_changes.organization_id')
    .leftJoin('datasets', 'datasets.id', 'catalog_changes.dataset_id')
    .leftJoin('services', 'services.id', 'catalog_changes.service_id')
    .leftJoin('people as proposer', 'proposer.id', 'catalog_changes.proposed_by')
    .leftJoin('people as decider', 'decider.id', 'catalog_changes.decided_by')
    .selectAll('catalog_changes')
    .select([
      'organizations.slug as organization_slug',
      'datasets.slug as dataset_slug',
      'datasets.title as dataset_title',
      'services.slug as service_slug',
      'services.title as service_title',
      'proposer.name as proposer_name',
      'decider.name as decider_name',
    ]);
}
type ChangeRow = CatalogChangeTable & {
  organization_slug: string;
  dataset_slug: string | null;
  dataset_title: string | null;
  service_slug: string | null;
  service_title: string | null;
  proposer_name: string | null;
  decider_name: string | null;
};

function toChange(row: ChangeRow): CatalogChangeView {
  const reasons = JSON.parse(row.reasons) as SignOffReason[];
  return {
    id: row.id,
    organization: row.organization_slug,
    target: row.target,
    dataset: row.dataset_slug,
    service: row.service_slug,
    title: row.dataset_title ?? row.service_title ?? '',
    changes: JSON.parse(row.changes) as Record<string, unknown>,
    reasons: reasons.map((reason) => ({ ...reason, text: describeSignOffReason(reason) })),
    status: row.status,
    proposedBy:
      row.proposed_by && row.proposer_name ? { id: row.proposed_by, name: row.proposer_name } : null,
    proposedAt: row.proposed_at,
    decidedBy: row.decided_by && row.decider_name ? { id: row.decided_by, name: row.decider_name } : null,
    decidedAt: row.decided_at,
    reason: row.decision_reason,
  };
}

export async function getCatalogChange(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<CatalogChangeView> {
  const row = await changes(db)
    .where('catalog_changes.organization_id', '=', organizationId)
    .where('catalog_changes.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('change', id);
  return toChange(row);
}

/** The organization's changes, newest first; the cursor is "<proposedAt> <id>". */
export async function listCatalogChanges(
  db: Kysely<Database>,
  filter: { organizationId: string; status?: CatalogChangeTable['status'] | undefined },
  limit: number,
  after: string | null,
): Promise<Page<CatalogChangeView>> {
  let query = changes(db).where('catalog_changes.organization_id', '=', filter.organizationId);
  if (filter.status) query = query.where('catalog_changes.status', '=', filter.status);
  const order = { time: 'catalog_changes.proposed_at', id: 'catalog_changes.id', direction: 'desc' } as const;
  const rows = await keysetPage(query, order, after, limit).execute();
  return toPage(rows, limit, (r) => timeIdKey(r.proposed_at, r.id), toChange);
}

/** Whether the person is a data protection officer of the organization (held there, not as platform admin). */
function isDataProtectionOfficer(principal: Principal, organizationId: string): boolean {
  return holdsOwnRole(principal, 'data_protection_officer', organizationId);
}

/**
 * The data protection officer's decision. An approval applies the change, if the dataset or service
 * has not changed since it was proposed; a rejection leaves everything as it is.
 */
export async function decideCatalogChange(
  ctx: CatalogContext,
  owner: Owner,
  id: string,
  decision: 'approved' | 'rejected',
  reason: string,
  principal: Principal,
): Promise<CatalogChangeView> {
  const change = await ctx.db
    .selectFrom('catalog_changes')
    .selectAll()
    .where('organization_id', '=', owner.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!change) throw notFound('change', id);
  if (!isDataProtectionOfficer(principal, owner.id)) {
    throw new GovdxError(
      'FORBIDDEN',
      `Only a data protection officer of ${owner.slug} can sign this change off.`,
      { requiredRoles: ['data_protection_officer'] },
    );
  }
  if (change.proposed_by === principal.personId) {
    throw new GovdxError(
      'FORBIDDEN',
      'You proposed this change, so another data protection officer must decide it.',
    );
  }
  if (change.status !== 'pending') {
    throw new GovdxError('CONFLICT', `This change is already ${change.status}.`, { status: change.status });
  }
  const at = now();
  const decided = await ctx.db
    .updateTable('catalog_changes')
    .set({ status: decision, decided_by: principal.personId, decided_at: at, decision_reason: reason })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(decided.numUpdatedRows) !== 1) {
    throw new GovdxError('CONFLICT', 'This change was decided a moment ago by someone else.');
  }
  const backToPending = async () => {
    await ctx.db
      .updateTable('catalog_changes')
      .set({ status: 'pending', decided_by: null, decided_at: null, decision_reason: null })
      .where('id', '=', id)
      .execute();
  };
  const decisionEvent: LedgerEvent = {
    kind: `${change.target}.change_${decision}`,
    organization: owner.slug,
    changeId: id,
    ...(change.dataset_id ? { datasetId: change.dataset_id } : { serviceId: change.service_id }),
    proposedBy: change.proposed_by,
    reason,
    by: principal.personId,
  };
  try {
    if (decision === 'rejected') {
      await recordChange(ctx.ledger, [decisionEvent], {
        undo: async () => {
          await backToPending();
          return true;
        },
        notMade:
          'The rejection could not be recorded on the ledger, so the change still waits. Try again shortly.',
      });
    } else {
      await applyApproved(ctx, owner, change, decisionEvent, backToPending);
    }
  } catch (error) {
    // A change that cannot be applied (or recorded) stays waiting, as it was.
    if (!(error instanceof GovdxError && error.code === 'LEDGER_UNAVAILABLE')) await backToPending();
    throw error;
  }
  return getCatalogChange(ctx.db, owner.id, id);
}

const STALE =
  'has changed since this change was proposed, so it cannot be applied as it was. Reject it, and the steward can propose it again.';

async function applyApproved(
  ctx: CatalogContext,
  owner: Owner,
  change: Selectable<CatalogChangeTable>,
  decisionEvent: LedgerEvent,
  backToPending: () => Promise<void>,
): Promise<void> {
  const approval = {
    by: change.proposed_by ?? '',
    approvedBy: String(decisionEvent.by),
    changeId: change.id,
  };
  if (change.target === 'dataset') {
    const current = await ctx.db
      .selectFrom('datasets')
      .selectAll()
      .where('id', '=', change.dataset_id ?? '')
      .executeTakeFirstOrThrow();
    if (current.updated_at !== change.based_on) throw new GovdxError('CONFLICT', `The dataset ${STALE}`);
    const before = await datasetShape(ctx.db, current);
    await applyDatasetChange(
      ctx,
      owner,
      current,
      before,
      JSON.parse(change.changes) as Static<typeof DatasetChanges>,
      approval,
      [decisionEvent],
      backToPending,
    );
    await ctx.changed();
    return;
  }
  const current = await ctx.db
    .selectFrom('services')
    .selectAll()
    .where('id', '=', change.service_id ?? '')
    .executeTakeFirstOrThrow();
  if (current.updated_at !== change.based_on) throw new GovdxError('CONFLICT', `The service ${STALE}`);
  const changes = JSON.parse(change.changes) as Static<typeof ServiceChanges>;
  const updated = await updateService(ctx.db, owner, current.slug, changes);
  await recordChange(
    ctx.ledger,
    [
      decisionEvent,
      {
        kind: 'service.changed',
        organization: owner.slug,
        service: updated.slug,
        serviceId: updated.id,
        baseUrl: { from: current.base_url, to: updated.baseUrl },
        ...approval,
      },
    ],
    {
      undo: async () => {
        await ctx.db
          .updateTable('services')
          .set({
            title: current.title,
            description: current.description,
            base_url: current.base_url,
            updated_at: current.updated_at,
          })
          .where('id', '=', current.id)
          .execute();
        await backToPending();
        await ctx.changed();
        return true;
      },
      notMade:
        'The approval could not be recorded on the ledger, so the change was not made and still waits. Try again shortly.',
    },
  );
  await ctx.changed();
}
