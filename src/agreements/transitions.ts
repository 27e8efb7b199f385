/**
 * The moves of an agreement version once it exists: submit, approve, reject, withdraw, suspend,
 * resume, revoke, expire (domain/agreement.ts says which applies and who may). Each is one
 * transaction on the store (commit), then recorded on the ledger, told to the exchange and queued for
 * the parties' webhooks (finish). Requests and amendments (request.ts) and the expiry sweep (expiry.ts)
 * make their changes through these too.
 *
 * A transition is undone when the ledger cannot record it, except one that stops data flowing (or
 * ends a request), which takes effect at once and stands even then (the caller is told). One that
 * lets data flow reaches the exchange's index only once recorded.
 */
import {
  type ActorStanding,
  type AgreementAction,
  type AgreementStatus,
  approvalSlotFor,
  checkAgreementAction,
  checkAgreementActor,
  checkAgreementReason,
  checkSignatory,
  emergencyEnd,
  FINAL_AGREEMENT_STATUSES,
  GovdxError,
  nextAgreementStatus,
  type Principal,
  type Role,
  STOPPING_AGREEMENT_STATUSES,
} from '../domain/index.ts';
import { type Recorder, recordChange } from '../governance/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import type { AgreementApprovalTable, AgreementTable } from '../store/index.ts';
import { now } from '../store/index.ts';
import {
  type AgreementRow,
  type AgreementView,
  agreementRow,
  agreementView,
  authorsOf,
  type Db,
} from './agreements.ts';
import { emergencyInForce } from './emergencies.ts';
import { isWebhookEventType } from './webhooks.ts';

/** The name recorded for what govdx does by itself (expiry, supersession). */
export const GOVDX_ACTOR = 'govdx';

export interface WorkflowDeps {
  db: Db;
  /** The ledger, where every transition is recorded (src/governance: recorded, or undone). */
  ledger: Recorder;
  /** Tells the exchange that the agreement changed (its index, and through the store other nodes). */
  changed(agreementId: string): Promise<void>;
  /** Queues webhook messages for the organizations' subscriptions. */
  notify(organizationIds: string[], type: string, data: Record<string, unknown>): Promise<void>;
  onError(error: unknown, what: string): void;
}

export interface Actor {
  personId: string | null;
  name: string;
  standing: ActorStanding | null;
}

/** The roles the principal holds on each side of an agreement. */
export function standingOf(
  principal: Principal,
  row: Pick<AgreementTable, 'provider_organization_id' | 'consumer_organization_id'>,
): ActorStanding {
  const rolesIn = (organizationId: string): Role[] =>
    principal.grants.filter((g) => g.organizationId === organizationId).map((g) => g.role);
  return {
    personId: principal.personId,
    provider: rolesIn(row.provider_organization_id),
    consumer: rolesIn(row.consumer_organization_id),
    platformAdmin: principal.grants.some((g) => g.role === 'platform_admin'),
  };
}

export function actorOf(principal: Principal): Actor {
  return { personId: principal.personId, name: principal.name, standing: null };
}

/** What one committed transition changed, to record, announce and perhaps undo. */
export interface Transition {
  kind: string;
  agreementId: string;
  /** Rows as they were before, for the undo. */
  before: AgreementTable[];
  approvalsBefore: AgreementApprovalTable[];
  eventId: string;
  /** Other agreements the transition changed (the version it superseded, amendments it withdrew). */
  alsoChanged: string[];
  /** Trail entries written for those other agreements. */
  alsoEvents: string[];
  /** It lets data flow: the exchange hears of it only once it is recorded. */
  enables: boolean;
  /** It stops data flowing or ends a request: it stands even when the ledger cannot record it. */
  stops: boolean;
  party?: string;
  reason: string | null;
  actor: Actor;
}

/** The transition that creates an agreement version (a request, an amendment): undone by deleting it. */
export function created(
  kind: string,
  agreementId: string,
  eventId: string,
  reason: string | null,
  actor: Actor,
): Transition {
  return {
    kind,
    agreementId,
    before: [],
    approvalsBefore: [],
    eventId,
    alsoChanged: [],
    alsoEvents: [],
    enables: false,
    stops: false,
    reason,
    actor,
  };
}

export const EVENT_KIND: Record<AgreementAction | 'request' | 'activate' | 'supersede', string> = {
  request: 'agreement.requested',
  submit: 'agreement.submitted',
  approve: 'agreement.approved',
  activate: 'agreement.activated',
  reject: 'agreement.rejected',
  withdraw: 'agreement.withdrawn',
  suspend: 'agreement.suspended',
  resume: 'agreement.resumed',
  revoke: 'agreement.revoked',
  expire: 'agreement.expired',
  amend: 'agreement.amended',
  supersede: 'agreement.superseded',
};

export function baseRow(row: AgreementRow): AgreementTable {
  const {
    provider_slug: _ps,
    provider_name: _pn,
    consumer_slug: _cs,
    consumer_name: _cn,
    service_slug: _ss,
    service_title: _st,
    dataset_id: _d,
    purpose_slug: _pu,
    purpose_title: _pt,
    template_slug: _t,
    template_title: _tt,
    emergency_name: _en,
    emergency_ends_at: _ee,
    ...table
  } = row;
  return table;
}

/**
 * Takes `action` on agreement `id` as the principal, for the organization `organizationId` that is
 * party to it. Approvals and rejections fill the sign-off the person may give (approvalSlotFor).
 */
export async function act(
  deps: WorkflowDeps,
  organizationId: string | null,
  id: string,
  action: Exclude<AgreementAction, 'amend'>,
  principal: Principal,
  reason: string | null,
): Promise<AgreementView> {
  const db = deps.db;
  const actor = actorOf(principal);
  const transition = await db.transaction().execute(async (trx) => {
    const row = await agreementRow(trx, id, organizationId);
    const standing = standingOf(principal, row);
    actor.standing = standing;
    // Who may act is checked before the state: a stranger learns nothing of where the agreement is.
    if (action !== 'approve' && action !== 'reject') checkAgreementActor(action, standing);
    const approvals = await trx
      .selectFrom('agreement_approvals')
      .selectAll()
      .where('agreement_id', '=', id)
      .execute();
    const slots = approvals.map((a) => ({
      party: a.party as never,
      decision: a.decision,
      decidedBy: a.decided_by,
    }));
    if (action === 'approve' || action === 'reject') checkSignatory(slots, standing);
    checkAgreementAction(row.status, action);
    const at = now();
    const set: Partial<AgreementTable> = { updated_at: at };
    let party: string | undefined;
    let to: AgreementStatus;

    if (action === 'approve' || action === 'reject') {
      party = approvalSlotFor(slots, standing, await authorsOf(trx, row));
      if (action === 'reject') checkAgreementReason(action, reason);
      await trx
        .updateTable('agreement_approvals')
        .set({
          decision: action === 'approve' ? 'approved' : 'rejected',
          decided_by: principal.personId,
          decided_at: at,
          reason,
        })
        .where('agreement_id', '=', id)
        .where('party', '=', party)
        .execute();
      const allApproved = slots.every((s) => s.party === party || s.decision === 'approved');
      to = nextAgreementStatus(row.status, action, { allApproved });
    } else {
      let emergency = false;
      if (action === 'submit') {
        const own = slots.find((s) => s.party === 'consumer_steward' && s.decision === null);
        if (own && standing.consumer.includes('data_steward')) {
          await trx
            .updateTable('agreement_approvals')
            .set({
              decision: 'approved',
              decided_by: principal.personId,
              decided_at: at,
              reason: 'Sent the request',
            })
            .where('agreement_id', '=', id)
            .where('party', '=', 'consumer_steward')
            .execute();
          own.decision = 'approved';
        }
        const template = row.template_id
          ? await trx
              .selectFrom('agreement_templates')
              .selectAll()
              .where('id', '=', row.template_id)
              .executeTakeFirst()
          : undefined;
        const inForce = template?.emergency === 1 ? await emergencyInForce(trx, at) : undefined;
        if (inForce) {
          emergency = true;
          set.emergency_id = inForce.id;
          set.valid_until = emergencyEnd(row.valid_until, inForce.ends_at);
        }
        set.submitted_at = at;
        to = nextAgreementStatus(row.status, action, {
          emergency,
          allApproved: slots.every((s) => s.decision === 'approved'),
        });
      } else {
        to = nextAgreementStatus(row.status, action);
      }
      checkAgreementReason(action, reason);
    }
    return commit(trx, row, to, set, { action, actor, reason, party, at }, approvals);
  });
  await finish(deps, transition);
  return agreementView(db, await agreementRow(db, id, null));
}

/**
 * Moves the row to `to` if nobody changed it meanwhile; supersedes the version it amends when it
 * becomes active, and withdraws pending amendments when it ends.
 */
export async function commit(
  trx: Db,
  row: AgreementRow,
  to: AgreementStatus,
  set: Partial<AgreementTable>,
  what: { action: string; actor: Actor; reason: string | null; party?: string | undefined; at: string },
  /** The sign-offs as they were before this transition changed any (read before the change). */
  approvalsBefore?: AgreementApprovalTable[],
): Promise<Transition> {
  const before = [baseRow(row)];
  approvalsBefore ??= await trx
    .selectFrom('agreement_approvals')
    .selectAll()
    .where('agreement_id', '=', row.id)
    .execute();
  const becomesActive = to === 'active' && row.status !== 'active';
  if (becomesActive && row.activated_at === null) set.activated_at = what.at;
  if (FINAL_AGREEMENT_STATUSES.includes(to)) set.ended_at = what.at;
  if (what.reason !== null && what.action !== 'approve') set.status_reason = what.reason;
  const updated = await trx
    .updateTable('agreements')
    .set({ ...set, status: to })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .where('updated_at', '=', row.updated_at)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    throw new GovdxError(
      'CONFLICT',
      'Someone changed this agreement at the same moment. Reload it and try again.',
    );
  }
  const eventId = await insertEvent(trx, row.id, what.action, row.status, to, what.actor, what.reason);
  const alsoChanged: string[] = [];
  const alsoEvents: string[] = [];
  if (becomesActive && row.supersedes_id) {
    const old = await trx
      .selectFrom('agreements')
      .selectAll()
      .where('id', '=', row.supersedes_id)
      .executeTakeFirst();
    if (old && (old.status === 'active' || old.status === 'suspended')) {
      before.push(old);
      await trx
        .updateTable('agreements')
        .set({
          status: 'superseded',
          ended_at: what.at,
          updated_at: what.at,
          status_reason: `Replaced by version ${row.version}.`,
        })
        .where('id', '=', old.id)
        .execute();
      const supersession = await insertEvent(
        trx,
        old.id,
        'supersede',
        old.status,
        'superseded',
        { personId: null, name: GOVDX_ACTOR, standing: null },
        `Replaced by version ${row.version}.`,
      );
      alsoChanged.push(old.id);
      alsoEvents.push(supersession);
    }
  }
  if (to === 'revoked' || to === 'expired') {
    const pending = await trx
      .selectFrom('agreements')
      .selectAll()
      .where('lineage_id', '=', row.lineage_id)
      .where('status', 'in', ['draft', 'submitted'])
      .where('id', '<>', row.id)
      .execute();
    for (const amendment of pending) {
      before.push(amendment);
      const why = `The agreement it would amend was ${to}.`;
      await trx
        .updateTable('agreements')
        .set({ status: 'withdrawn', ended_at: what.at, updated_at: what.at, status_reason: why })
        .where('id', '=', amendment.id)
        .execute();
      const withdrawal = await insertEvent(
        trx,
        amendment.id,
        'withdraw',
        amendment.status,
        'withdrawn',
        { personId: null, name: GOVDX_ACTOR, standing: null },
        why,
      );
      alsoChanged.push(amendment.id);
      alsoEvents.push(withdrawal);
    }
  }
  return {
    kind:
      becomesActive && what.action !== 'resume'
        ? EVENT_KIND.activate
        : (EVENT_KIND[what.action as keyof typeof EVENT_KIND] ?? `agreement.${what.action}`),
    agreementId: row.id,
    before,
    approvalsBefore,
    eventId,
    alsoChanged,
    alsoEvents,
    enables: becomesActive,
    stops: STOPPING_AGREEMENT_STATUSES.includes(to),
    party: what.party,
    reason: what.reason,
    actor: what.actor,
  };
}

/** Records the transition on the ledger, then tells the exchange and the parties' webhooks. */
export async function finish(deps: WorkflowDeps, transition: Transition): Promise<void> {
  const db = deps.db;
  const changed = [transition.agreementId, ...transition.alsoChanged];
  if (!transition.enables) for (const id of changed) await deps.changed(id);
  const view = await agreementView(db, await agreementRow(db, transition.agreementId, null));
  // What stops data flowing stands even when the ledger cannot record it; anything else is undone.
  const [index] = await recordChange(deps.ledger, [ledgerEvent(transition, view)], {
    undo: async () => {
      if (transition.stops) return false;
      await undo(deps, transition);
      for (const id of changed) await deps.changed(id);
      return true;
    },
  });
  if (transition.enables) for (const id of changed) await deps.changed(id);
  await db
    .updateTable('agreement_events')
    .set({ ledger_index: index! })
    .where('id', '=', transition.eventId)
    .execute();
  try {
    const data = {
      agreement: view,
      party: transition.party ?? null,
      reason: transition.reason,
      by: transition.actor.name,
    };
    const organizations = [
      ...new Set([
        (await agreementRow(db, view.id, null)).provider_organization_id,
        (await agreementRow(db, view.id, null)).consumer_organization_id,
      ]),
    ];
    if (isWebhookEventType(transition.kind)) await deps.notify(organizations, transition.kind, data);
    if (transition.enables && transition.kind !== EVENT_KIND.activate) {
      await deps.notify(organizations, EVENT_KIND.activate, data);
    }
    // The versions it replaced and the amendments it withdrew are news of their own.
    for (const id of transition.alsoChanged) {
      const other = await agreementView(db, await agreementRow(db, id, null));
      const kind = other.status === 'superseded' ? EVENT_KIND.supersede : EVENT_KIND.withdraw;
      await deps.notify(organizations, kind, {
        agreement: other,
        reason: other.statusReason,
        by: GOVDX_ACTOR,
      });
    }
  } catch (error) {
    deps.onError(error, 'queueing webhooks');
  }
}

/** Puts every row the transition touched back as it was. */
async function undo(deps: WorkflowDeps, transition: Transition): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (transition.before.length === 0) {
      await trx.deleteFrom('agreements').where('id', '=', transition.agreementId).execute();
      return;
    }
    await trx
      .deleteFrom('agreement_events')
      .where('id', 'in', [transition.eventId, ...transition.alsoEvents])
      .execute();
    for (const row of transition.before) {
      const { id, ...rest } = row;
      await trx.updateTable('agreements').set(rest).where('id', '=', id).execute();
    }
    await trx.deleteFrom('agreement_approvals').where('agreement_id', '=', transition.agreementId).execute();
    if (transition.approvalsBefore.length > 0) {
      await trx.insertInto('agreement_approvals').values(transition.approvalsBefore).execute();
    }
  });
}

export async function insertEvent(
  db: Db,
  agreementId: string,
  action: string,
  from: AgreementStatus | null,
  to: AgreementStatus,
  actor: Actor,
  reason: string | null,
): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .insertInto('agreement_events')
    .values({
      id,
      agreement_id: agreementId,
      at: now(),
      action,
      from_status: from,
      to_status: to,
      actor_id: actor.personId,
      actor_name: actor.name,
      reason,
      ledger_index: null,
    })
    .execute();
  return id;
}

function ledgerEvent(transition: Transition, agreement: AgreementView): LedgerEvent {
  return {
    kind: transition.kind,
    agreement: agreement.id,
    lineage: agreement.lineageId,
    version: agreement.version,
    provider: agreement.provider,
    consumer: agreement.consumer,
    service: agreement.service,
    purpose: agreement.purpose,
    fields: agreement.fields,
    legalBasis: agreement.legalBasis,
    specialCategoryBasis: agreement.specialCategoryBasis,
    validFrom: agreement.validFrom,
    validUntil: agreement.validUntil,
    retentionDays: agreement.retentionDays,
    onwardSharing: agreement.onwardSharing,
    emergency: agreement.emergency?.id ?? null,
    status: agreement.status,
    party: transition.party ?? null,
    reason: transition.reason,
    by: transition.actor.personId ?? GOVDX_ACTOR,
  };
}
