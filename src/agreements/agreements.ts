/**
 * Agreements as the store holds them, read as API views: the terms, the sign-offs each version needs
 * and has, and the trail of what happened to it. The workflow that changes them is in workflow.ts
 * (request.ts, transitions.ts, expiry.ts).
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import {
  type AgreementStatus,
  APPROVAL_PARTIES,
  type ApprovalParty,
  endsSoon,
  expiryNoticeUntil,
  type LegalBasis,
  notFound,
  type Sensitivity,
  type SpecialCategoryBasis,
  sensitivityOf,
} from '../domain/index.ts';
import type { AgreementTable, Database, Page } from '../store/index.ts';
import { keysetPage, timeIdKey, toPage } from '../store/index.ts';
import type { Agreement, AgreementDetail, AgreementEvent, Approval } from './schemas.ts';

export type AgreementView = Static<typeof Agreement>;
export type ApprovalView = Static<typeof Approval>;
export type AgreementDetailView = Static<typeof AgreementDetail>;
export type Db = Kysely<Database>;

export function agreementRows(db: Db) {
  return db
    .selectFrom('agreements')
    .innerJoin('organizations as provider', 'provider.id', 'agreements.provider_organization_id')
    .innerJoin('organizations as consumer', 'consumer.id', 'agreements.consumer_organization_id')
    .innerJoin('services', 'services.id', 'agreements.service_id')
    .innerJoin('purposes', 'purposes.id', 'agreements.purpose_id')
    .leftJoin('agreement_templates', 'agreement_templates.id', 'agreements.template_id')
    .leftJoin('emergencies', 'emergencies.id', 'agreements.emergency_id')
    .selectAll('agreements')
    .select([
      'provider.slug as provider_slug',
      'provider.name as provider_name',
      'consumer.slug as consumer_slug',
      'consumer.name as consumer_name',
      'services.slug as service_slug',
      'services.title as service_title',
      'services.dataset_id as dataset_id',
      'purposes.slug as purpose_slug',
      'purposes.title as purpose_title',
      'agreement_templates.slug as template_slug',
      'agreement_templates.title as template_title',
      'emergencies.name as emergency_name',
      'emergencies.ends_at as emergency_ends_at',
    ]);
}
export type AgreementRow = AgreementTable & {
  provider_slug: string;
  provider_name: string;
  consumer_slug: string;
  consumer_name: string;
  service_slug: string;
  service_title: string;
  dataset_id: string;
  purpose_slug: string;
  purpose_title: string;
  template_slug: string | null;
  template_title: string | null;
  emergency_name: string | null;
  emergency_ends_at: string | null;
};

/** The emergency an agreement was made under, if any. */
export function emergencyRef(row: AgreementRow): { id: string; name: string; endsAt: string } | null {
  return row.emergency_id && row.emergency_name && row.emergency_ends_at
    ? { id: row.emergency_id, name: row.emergency_name, endsAt: row.emergency_ends_at }
    : null;
}

/** The fields a dataset declares, with their sensitivity. */
export async function declaredFields(db: Db, datasetId: string): Promise<Map<string, Sensitivity>> {
  const rows = await db
    .selectFrom('fields')
    .select(['name', 'sensitivity'])
    .where('dataset_id', '=', datasetId)
    .execute();
  return new Map(rows.map((r) => [r.name, r.sensitivity]));
}

export function fieldTerms(fields: readonly string[], declared: ReadonlyMap<string, Sensitivity>) {
  return fields.map((name) => ({ name, sensitivity: sensitivityOf(name, declared) ?? 'unknown' }));
}

async function approvalsOf(db: Db, ids: readonly string[]): Promise<Map<string, ApprovalView[]>> {
  const byAgreement = new Map<string, ApprovalView[]>();
  if (ids.length === 0) return byAgreement;
  const rows = await db
    .selectFrom('agreement_approvals')
    .innerJoin('organizations', 'organizations.id', 'agreement_approvals.organization_id')
    .leftJoin('people', 'people.id', 'agreement_approvals.decided_by')
    .selectAll('agreement_approvals')
    .select(['organizations.slug as organization_slug', 'people.name as decided_by_name'])
    .where('agreement_approvals.agreement_id', 'in', ids)
    .execute();
  const order = Object.keys(APPROVAL_PARTIES);
  rows.sort((a, b) => order.indexOf(a.party) - order.indexOf(b.party));
  for (const row of rows) {
    const party = row.party as ApprovalParty;
    const list = byAgreement.get(row.agreement_id) ?? [];
    list.push({
      party,
      label: APPROVAL_PARTIES[party].label,
      organization: row.organization_slug,
      role: row.role,
      decision: row.decision,
      decidedBy: row.decided_by_name,
      decidedAt: row.decided_at,
      reason: row.reason,
    });
    byAgreement.set(row.agreement_id, list);
  }
  return byAgreement;
}

/** Field sensitivities per dataset, read once for a page of agreements. */
async function declaredByDataset(db: Db, datasetIds: readonly string[]) {
  const byDataset = new Map<string, Map<string, Sensitivity>>();
  for (const id of new Set(datasetIds)) byDataset.set(id, await declaredFields(db, id));
  return byDataset;
}

function toAgreement(
  row: AgreementRow,
  approvals: ApprovalView[],
  declared: ReadonlyMap<string, Sensitivity>,
  at: number,
): AgreementView {
  const fields = JSON.parse(row.fields) as string[];
  return {
    id: row.id,
    lineageId: row.lineage_id,
    version: row.version,
    supersedes: row.supersedes_id,
    provider: row.provider_slug,
    providerName: row.provider_name,
    consumer: row.consumer_slug,
    consumerName: row.consumer_name,
    service: row.service_slug,
    serviceTitle: row.service_title,
    purpose: row.purpose_slug,
    purposeTitle: row.purpose_title,
    fields,
    fieldTerms: fieldTerms(fields, declared),
    legalBasis: row.legal_basis as LegalBasis,
    specialCategoryBasis: row.special_category_basis as SpecialCategoryBasis | null,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    retentionDays: row.retention_days,
    onwardSharing: row.onward_sharing === 1,
    safeguards: row.safeguards,
    status: row.status,
    statusReason: row.status_reason,
    rateLimitPerMinute: row.rate_limit_per_minute,
    quotaPerDay: row.quota_per_day,
    template: row.template_slug,
    templateTitle: row.template_title,
    emergency: emergencyRef(row),
    approvals,
    submittedAt: row.submitted_at,
    activatedAt: row.activated_at,
    endedAt: row.ended_at,
    timeToShareSeconds:
      row.submitted_at && row.activated_at
        ? Math.max(0, Math.round((Date.parse(row.activated_at) - Date.parse(row.submitted_at)) / 1000))
        : null,
    endsSoon: endsSoon(row.status, row.valid_until, at),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Views of the rows, with their approvals and field sensitivities. */
export async function toAgreements(db: Db, rows: AgreementRow[]): Promise<AgreementView[]> {
  const approvals = await approvalsOf(
    db,
    rows.map((r) => r.id),
  );
  const declared = await declaredByDataset(
    db,
    rows.map((r) => r.dataset_id),
  );
  const at = Date.now();
  return rows.map((r) => toAgreement(r, approvals.get(r.id) ?? [], declared.get(r.dataset_id)!, at));
}

export async function agreementView(db: Db, row: AgreementRow): Promise<AgreementView> {
  return (await toAgreements(db, [row]))[0]!;
}

/** The row of agreement `id`; NOT_FOUND unless `organizationId` (when given) is party to it. */
export async function agreementRow(db: Db, id: string, organizationId: string | null): Promise<AgreementRow> {
  const row = await agreementRows(db).where('agreements.id', '=', id).executeTakeFirst();
  if (
    !row ||
    (organizationId !== null &&
      row.provider_organization_id !== organizationId &&
      row.consumer_organization_id !== organizationId)
  ) {
    throw notFound('agreement', id);
  }
  return row;
}

/** Agreements the organization is party to, as provider or consumer, oldest first. */
export async function listAgreements(
  db: Db,
  organizationId: string,
  options: { limit: number; after: string | null; status?: AgreementStatus | undefined },
): Promise<Page<AgreementView>> {
  let query = agreementRows(db).where((eb) =>
    eb.or([
      eb('agreements.provider_organization_id', '=', organizationId),
      eb('agreements.consumer_organization_id', '=', organizationId),
    ]),
  );
  if (options.status) query = query.where('agreements.status', '=', options.status);
  const order = { time: 'agreements.created_at', id: 'agreements.id', direction: 'asc' } as const;
  const rows = await keysetPage(query, order, options.after, options.limit).execute();
  const page = toPage(
    rows,
    options.limit,
    (r) => timeIdKey(r.created_at, r.id),
    (r) => r,
  );
  return { items: await toAgreements(db, page.items), nextCursor: page.nextCursor };
}

/** The agreement, if the organization is party to it. */
export async function getAgreement(
  db: Db,
  organizationId: string | null,
  id: string,
): Promise<AgreementView> {
  return agreementView(db, await agreementRow(db, id, organizationId));
}

/** The agreement with its trail and every version of its lineage. */
export async function getAgreementDetail(
  db: Db,
  organizationId: string,
  id: string,
): Promise<AgreementDetailView> {
  const agreement = await getAgreement(db, organizationId, id);
  const events = await db
    .selectFrom('agreement_events')
    .innerJoin('agreements', 'agreements.id', 'agreement_events.agreement_id')
    .selectAll('agreement_events')
    .select('agreements.version')
    .where('agreements.lineage_id', '=', agreement.lineageId)
    .orderBy('agreement_events.at')
    .orderBy('agreement_events.id')
    .execute();
  const versions = await db
    .selectFrom('agreements')
    .select(['id', 'version', 'status', 'created_at'])
    .where('lineage_id', '=', agreement.lineageId)
    .orderBy('version')
    .execute();
  return {
    agreement,
    history: events.map(
      (e): Static<typeof AgreementEvent> => ({
        at: e.at,
        action: versions.length > 1 ? `${e.action} (version ${e.version})` : e.action,
        fromStatus: e.from_status as AgreementStatus | null,
        toStatus: e.to_status as AgreementStatus,
        actor: e.actor_name,
        reason: e.reason,
        ledgerIndex: e.ledger_index === null ? null : Number(e.ledger_index),
      }),
    ),
    versions: versions.map((v) => ({
      id: v.id,
      version: v.version,
      status: v.status,
      createdAt: v.created_at,
    })),
  };
}

/** What makes a person an author of an agreement version (domain/agreement.ts: checkNotAuthor). */
const AUTHORING = ['request', 'submit', 'amend'] as const;

/** The people who requested, sent or amended this agreement version: none of them signs it off. */
export async function authorsOf(db: Db, row: Pick<AgreementTable, 'id' | 'created_by'>): Promise<string[]> {
  const events = await db
    .selectFrom('agreement_events')
    .select('actor_id')
    .where('agreement_id', '=', row.id)
    .where('action', 'in', AUTHORING)
    .execute();
  return [row.created_by, ...events.map((e) => e.actor_id)].filter((id): id is string => id !== null);
}

/**
 * The approver's queue in one organization: agreements waiting for a sign-off the person can give
 * there (not ones they already signed, nor ones they requested, sent or amended), and agreements in
 * force that end within 30 days.
 */
export async function approvalQueue(
  db: Db,
  organizationId: string,
  principal: { personId: string; grants: readonly { role: string; organizationId: string | null }[] },
): Promise<{
  waiting: { agreement: AgreementView; party: ApprovalParty; label: string }[];
  endingSoon: AgreementView[];
}> {
  const roles = new Set(
    principal.grants.filter((g) => g.organizationId === organizationId).map((g) => g.role),
  );
  const pending = await db
    .selectFrom('agreement_approvals')
    .innerJoin('agreements', 'agreements.id', 'agreement_approvals.agreement_id')
    .select(['agreement_approvals.agreement_id', 'agreement_approvals.party', 'agreement_approvals.role'])
    .where('agreement_approvals.organization_id', '=', organizationId)
    .where('agreement_approvals.decision', 'is', null)
    .where('agreements.status', 'in', ['submitted', 'active'])
    .execute();
  const signed = new Set([
    ...(
      await db
        .selectFrom('agreement_approvals')
        .select('agreement_id')
        .where('decided_by', '=', principal.personId)
        .execute()
    ).map((r) => r.agreement_id),
    ...(
      await db
        .selectFrom('agreement_events')
        .select('agreement_id')
        .where('actor_id', '=', principal.personId)
        .where('action', 'in', AUTHORING)
        .execute()
    ).map((r) => r.agreement_id),
    ...(
      await db.selectFrom('agreements').select('id').where('created_by', '=', principal.personId).execute()
    ).map((r) => r.id),
  ]);
  const order = Object.keys(APPROVAL_PARTIES);
  const partyFor = new Map<string, ApprovalParty>();
  for (const p of pending.sort((a, b) => order.indexOf(a.party) - order.indexOf(b.party))) {
    if (!roles.has(p.role) || signed.has(p.agreement_id) || partyFor.has(p.agreement_id)) continue;
    partyFor.set(p.agreement_id, p.party as ApprovalParty);
  }
  const waitingRows =
    partyFor.size === 0
      ? []
      : await agreementRows(db)
          .where('agreements.id', 'in', [...partyFor.keys()])
          .orderBy('agreements.submitted_at')
          .execute();
  const soon = expiryNoticeUntil(new Date());
  const endingRows = await agreementRows(db)
    .where((eb) =>
      eb.or([
        eb('agreements.provider_organization_id', '=', organizationId),
        eb('agreements.consumer_organization_id', '=', organizationId),
      ]),
    )
    .where('agreements.status', '=', 'active')
    .where('agreements.valid_until', '<=', soon)
    .orderBy('agreements.valid_until')
    .limit(200)
    .execute();
  const waiting = await toAgreements(db, waitingRows);
  return {
    waiting: waiting.map((agreement) => {
      const party = partyFor.get(agreement.id)!;
      return { agreement, party, label: APPROVAL_PARTIES[party].label };
    }),
    endingSoon: await toAgreements(db, endingRows),
  };
}
