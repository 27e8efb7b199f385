/**
 * The agreement workflow: a consumer requests (from a template or from scratch) and submits; every
 * required party signs off; the version is active; it may be suspended, resumed, amended (a new
 * version that replaces it once approved), revoked, or it expires by itself. The rules are pure, in
 * domain/agreement.ts; this file applies them to the store, one transaction per transition, and then
 * records the transition on the ledger, tells the exchange and queues the parties' webhooks.
 *
 * A transition is undone when the ledger cannot record it, except one that stops data flowing (or
 * ends a request), which takes effect at once and stands even then (the caller is told). One that
 * lets data flow reaches the exchange's index only once recorded.
 */
import type { Static } from 'typebox';
import {
  type ActorStanding,
  type AgreementAction,
  type AgreementStatus,
  approvalSlotFor,
  checkAgreementAction,
  checkAgreementActor,
  checkAgreementParties,
  checkSignatory,
  EXPIRY_NOTICE_DAYS,
  emergencyEnd,
  FINAL_AGREEMENT_STATUSES,
  GovdxError,
  type LegalBasis,
  nextAgreementStatus,
  type Principal,
  type Role,
  requiredApprovals,
  type SpecialCategoryBasis,
  sensitivityOf,
} from '../domain/index.ts';
import { type Recorder, recordChange } from '../governance/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import type { AgreementApprovalTable, AgreementTable } from '../store/index.ts';
import { now } from '../store/index.ts';
import {
  type AgreementRow,
  type AgreementView,
  agreementRow,
  agreementRows,
  agreementView,
  authorsOf,
  type Db,
  declaredFields,
} from './agreements.ts';
import { emergencyInForce } from './emergencies.ts';
import type { AgreementAmendment, AgreementRequest } from './schemas.ts';
import { isWebhookEventType } from './webhooks.ts';

const DAY_MS = 86_400_000;
/** Statuses that stop data flowing (or end a request): reached even when the ledger is down. */
const STOPPING: readonly AgreementStatus[] = ['suspended', 'rejected', 'withdrawn', 'revoked', 'expired'];
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

interface Actor {
  personId: string | null;
  name: string;
  standing: ActorStanding | null;
}

interface Owner {
  id: string;
  slug: string;
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

function actorOf(principal: Principal): Actor {
  return { personId: principal.personId, name: principal.name, standing: null };
}

/** What one committed transition changed, to record, announce and perhaps undo. */
interface Transition {
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
function created(
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

const EVENT_KIND: Record<AgreementAction | 'request' | 'activate' | 'supersede', string> = {
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

function baseRow(row: AgreementRow): AgreementTable {
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
    emergency_name: _en,
    emergency_ends_at: _ee,
    ...table
  } = row;
  return table;
}

export class AgreementWorkflow {
  readonly #deps: WorkflowDeps;
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<unknown> | null = null;

  constructor(deps: WorkflowDeps) {
    this.#deps = deps;
  }

  /** A consumer organization asks for an agreement: a draft, or submitted at once with `submit`. */
  async request(
    consumer: Owner,
    input: Static<typeof AgreementRequest>,
    principal: Principal,
  ): Promise<AgreementView> {
    const db = this.#deps.db;
    const provider = await db
      .selectFrom('organizations')
      .select(['id', 'slug', 'name'])
      .where('slug', '=', input.provider)
      .executeTakeFirst();
    if (!provider) {
      throw new GovdxError('INVALID_REFERENCE', `There is no organization "${input.provider}".`, {
        provider: input.provider,
      });
    }
    checkAgreementParties(provider.id, consumer.id);
    const service = await serviceOf(db, provider, input.service);
    const template = input.template
      ? await db
          .selectFrom('agreement_templates')
          .selectAll()
          .where('organization_id', '=', provider.id)
          .where('slug', '=', input.template)
          .where('status', '=', 'published')
          .executeTakeFirst()
      : undefined;
    if (input.template && (!template || template.service_id !== service.id)) {
      throw new GovdxError(
        'INVALID_REFERENCE',
        `${provider.name} publishes no template "${input.template}" for ${service.title}.`,
        { template: input.template },
      );
    }
    const purposeQuery = db
      .selectFrom('purposes')
      .select(['id', 'slug', 'legal_basis', 'special_category_basis']);
    const purpose = input.purpose
      ? await purposeQuery.where('slug', '=', input.purpose).executeTakeFirst()
      : template
        ? await purposeQuery.where('id', '=', template.purpose_id).executeTakeFirst()
        : undefined;
    if (!purpose) {
      throw new GovdxError(
        input.purpose ? 'INVALID_REFERENCE' : 'VALIDATION_FAILED',
        input.purpose
          ? `There is no registered purpose "${input.purpose}".`
          : 'Name the purpose ("purpose"), or start from a template that names one.',
        { purpose: input.purpose ?? null },
      );
    }

    const fields = input.fields ?? (template ? (JSON.parse(template.fields) as string[]) : undefined);
    const retentionDays = input.retentionDays ?? template?.retention_days;
    const at = now();
    const validFrom = input.validFrom ? new Date(input.validFrom).toISOString() : at;
    const validUntil = input.validUntil
      ? new Date(input.validUntil).toISOString()
      : template
        ? new Date(Date.parse(validFrom) + template.max_duration_days * DAY_MS).toISOString()
        : undefined;
    if (!fields || retentionDays === undefined || validUntil === undefined) {
      throw new GovdxError(
        'VALIDATION_FAILED',
        'Without a template, say which fields ("fields"), until when ("validUntil") and how long the data may be kept ("retentionDays").',
      );
    }
    const legalBasis =
      input.legalBasis ??
      (template?.legal_basis as LegalBasis | undefined) ??
      (purpose.legal_basis as LegalBasis);
    const special =
      input.specialCategoryBasis !== undefined
        ? input.specialCategoryBasis
        : ((template
            ? template.special_category_basis
            : purpose.special_category_basis) as SpecialCategoryBasis | null);
    const onwardSharing = input.onwardSharing ?? template?.onward_sharing === 1;
    const safeguards = input.safeguards ?? template?.safeguards ?? '';

    const sensitivities = await checkFields(db, service, fields, special);
    checkWindow(validFrom, validUntil);

    // "Changes nothing": the template's terms or stricter ones (fewer fields, shorter retention and
    // duration, no onward sharing where it allowed some), the same purpose and legal basis.
    const unchangedTemplate =
      template !== undefined &&
      purpose.id === template.purpose_id &&
      fields.every((f) => (JSON.parse(template.fields) as string[]).includes(f)) &&
      legalBasis === template.legal_basis &&
      special === template.special_category_basis &&
      retentionDays <= template.retention_days &&
      (!onwardSharing || template.onward_sharing === 1) &&
      (input.safeguards === undefined || input.safeguards === template.safeguards) &&
      Date.parse(validUntil) - Date.parse(validFrom) <= template.max_duration_days * DAY_MS;

    const id = crypto.randomUUID();
    const row: AgreementTable = {
      id,
      provider_organization_id: provider.id,
      consumer_organization_id: consumer.id,
      service_id: service.id,
      purpose_id: purpose.id,
      fields: JSON.stringify(fields),
      legal_basis: legalBasis,
      special_category_basis: special,
      valid_from: validFrom,
      valid_until: validUntil,
      retention_days: retentionDays,
      status: 'draft',
      status_reason: null,
      rate_limit_per_minute: input.rateLimitPerMinute ?? null,
      quota_per_day: input.quotaPerDay ?? null,
      created_by: principal.personId,
      created_at: at,
      updated_at: at,
      lineage_id: id,
      version: 1,
      supersedes_id: null,
      onward_sharing: onwardSharing ? 1 : 0,
      safeguards,
      template_id: template?.id ?? null,
      emergency_id: null,
      submitted_at: null,
      activated_at: null,
      ended_at: null,
      expiry_notified_at: null,
    };
    const parties = requiredApprovals(sensitivities, unchangedTemplate);
    const actor = actorOf(principal);
    const eventId = await db.transaction().execute(async (trx) => {
      await trx.insertInto('agreements').values(row).execute();
      await trx
        .insertInto('agreement_approvals')
        .values(
          parties.map((party) => ({
            agreement_id: id,
            party,
            organization_id: party.startsWith('consumer') ? consumer.id : provider.id,
            role: APPROVAL_ROLE[party],
            decision: null,
            decided_by: null,
            decided_at: null,
            reason: null,
          })),
        )
        .execute();
      return insertEvent(trx, id, 'request', null, 'draft', actor, null);
    });
    await this.#finish(created(EVENT_KIND.request, id, eventId, null, actor));
    if (input.submit) return this.act(consumer.id, id, 'submit', principal, null);
    return agreementView(db, await agreementRow(db, id, null));
  }

  /**
   * Takes `action` on agreement `id` as the principal, for the organization `organizationId` that is
   * party to it. Approvals and rejections fill the sign-off the person may give (approvalSlotFor).
   */
  async act(
    organizationId: string | null,
    id: string,
    action: Exclude<AgreementAction, 'amend'>,
    principal: Principal,
    reason: string | null,
  ): Promise<AgreementView> {
    const db = this.#deps.db;
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
        if (action === 'reject' && !reason) {
          throw new GovdxError('VALIDATION_FAILED', 'Say why the agreement is turned down ("reason").');
        }
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
        if (action !== 'submit' && reason === null) {
          throw new GovdxError('VALIDATION_FAILED', `Say why you ${action} the agreement ("reason").`);
        }
      }
      return this.#commit(trx, row, to, set, { action, actor, reason, party, at }, approvals);
    });
    await this.#finish(transition);
    return agreementView(db, await agreementRow(db, id, null));
  }

  /** A new version of an active or suspended agreement, submitted for approval; it replaces the old once active. */
  async amend(
    organizationId: string,
    id: string,
    principal: Principal,
    input: Static<typeof AgreementAmendment>,
  ): Promise<AgreementView> {
    const db = this.#deps.db;
    const actor = actorOf(principal);
    const { transition, newId } = await db.transaction().execute(async (trx) => {
      const row = await agreementRow(trx, id, organizationId);
      const standing = standingOf(principal, row);
      actor.standing = standing;
      checkAgreementAction(row.status, 'amend');
      checkAgreementActor('amend', standing);
      const open = await trx
        .selectFrom('agreements')
        .select('id')
        .where('lineage_id', '=', row.lineage_id)
        .where('status', 'in', ['draft', 'submitted'])
        .executeTakeFirst();
      if (open) {
        throw new GovdxError('CONFLICT', 'An amendment of this agreement is already waiting for approval.', {
          amendment: open.id,
        });
      }
      const fields = input.fields ?? (JSON.parse(row.fields) as string[]);
      const validUntil = emergencyEnd(
        input.validUntil ? new Date(input.validUntil).toISOString() : row.valid_until,
        row.emergency_ends_at,
      );
      const sensitivities = await checkFields(
        trx,
        { dataset_id: row.dataset_id, title: row.service_title },
        fields,
        row.special_category_basis as SpecialCategoryBasis | null,
      );
      const at = now();
      checkWindow(row.valid_from, validUntil);
      const latest = await trx
        .selectFrom('agreements')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('lineage_id', '=', row.lineage_id)
        .executeTakeFirstOrThrow();
      const newId = crypto.randomUUID();
      const version: AgreementTable = {
        ...baseRow(row),
        id: newId,
        version: Number(latest.version) + 1,
        supersedes_id: row.id,
        fields: JSON.stringify(fields),
        valid_until: validUntil,
        retention_days: input.retentionDays ?? row.retention_days,
        onward_sharing: input.onwardSharing === undefined ? row.onward_sharing : input.onwardSharing ? 1 : 0,
        safeguards: input.safeguards ?? row.safeguards,
        rate_limit_per_minute:
          input.rateLimitPerMinute === undefined ? row.rate_limit_per_minute : input.rateLimitPerMinute,
        quota_per_day: input.quotaPerDay === undefined ? row.quota_per_day : input.quotaPerDay,
        status: 'submitted',
        status_reason: input.reason,
        template_id: null,
        // An agreement made under an emergency still ends with it when amended.
        emergency_id: row.emergency_id,
        created_by: principal.personId,
        created_at: at,
        updated_at: at,
        submitted_at: at,
        activated_at: null,
        ended_at: null,
        expiry_notified_at: null,
      };
      await trx.insertInto('agreements').values(version).execute();
      const parties = requiredApprovals(sensitivities, false);
      // The person amending signs for their own side, as a consumer's steward does when requesting.
      const own = standing.provider.includes('data_steward')
        ? 'provider_steward'
        : standing.consumer.includes('data_steward')
          ? 'consumer_steward'
          : null;
      await trx
        .insertInto('agreement_approvals')
        .values(
          parties.map((party) => ({
            agreement_id: newId,
            party,
            organization_id: party.startsWith('consumer')
              ? row.consumer_organization_id
              : row.provider_organization_id,
            role: APPROVAL_ROLE[party],
            decision: party === own ? ('approved' as const) : null,
            decided_by: party === own ? principal.personId : null,
            decided_at: party === own ? at : null,
            reason: party === own ? 'Proposed the amendment' : null,
          })),
        )
        .execute();
      const eventId = await insertEvent(trx, newId, 'amend', null, 'submitted', actor, input.reason);
      return { transition: created(EVENT_KIND.amend, newId, eventId, input.reason, actor), newId };
    });
    await this.#finish(transition);
    return agreementView(db, await agreementRow(db, newId, null));
  }

  /**
   * Moves the row to `to` if nobody changed it meanwhile; supersedes the version it amends when it
   * becomes active, and withdraws pending amendments when it ends.
   */
  async #commit(
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
      stops: STOPPING.includes(to),
      party: what.party,
      reason: what.reason,
      actor: what.actor,
    };
  }

  /** Records the transition on the ledger, then tells the exchange and the parties' webhooks. */
  async #finish(transition: Transition): Promise<void> {
    const db = this.#deps.db;
    const changed = [transition.agreementId, ...transition.alsoChanged];
    if (!transition.enables) for (const id of changed) await this.#deps.changed(id);
    const view = await agreementView(db, await agreementRow(db, transition.agreementId, null));
    // What stops data flowing stands even when the ledger cannot record it; anything else is undone.
    const [index] = await recordChange(this.#deps.ledger, [ledgerEvent(transition, view)], {
      undo: async () => {
        if (transition.stops) return false;
        await this.#undo(transition);
        for (const id of changed) await this.#deps.changed(id);
        return true;
      },
    });
    if (transition.enables) for (const id of changed) await this.#deps.changed(id);
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
      if (isWebhookEventType(transition.kind)) await this.#deps.notify(organizations, transition.kind, data);
      if (transition.enables && transition.kind !== EVENT_KIND.activate) {
        await this.#deps.notify(organizations, EVENT_KIND.activate, data);
      }
      // The versions it replaced and the amendments it withdrew are news of their own.
      for (const id of transition.alsoChanged) {
        const other = await agreementView(db, await agreementRow(db, id, null));
        const kind = other.status === 'superseded' ? EVENT_KIND.supersede : EVENT_KIND.withdraw;
        await this.#deps.notify(organizations, kind, {
          agreement: other,
          reason: other.statusReason,
          by: GOVDX_ACTOR,
        });
      }
    } catch (error) {
      this.#deps.onError(error, 'queueing webhooks');
    }
  }

  /** Puts every row the transition touched back as it was. */
  async #undo(transition: Transition): Promise<void> {
    await this.#deps.db.transaction().execute(async (trx) => {
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
      await trx
        .deleteFrom('agreement_approvals')
        .where('agreement_id', '=', transition.agreementId)
        .execute();
      if (transition.approvalsBefore.length > 0) {
        await trx.insertInto('agreement_approvals').values(transition.approvalsBefore).execute();
      }
    });
  }

  /**
   * Ends what is past its end date (recorded as govdx's own transition), and tells the parties of
   * agreements ending within EXPIRY_NOTICE_DAYS, once. Several nodes may sweep at once: each row
   * changes once, by whichever node wins.
   */
  async sweep(at: Date = new Date()): Promise<{ expired: number; flagged: number }> {
    const db = this.#deps.db;
    const iso = at.toISOString();
    const due = await agreementRows(db)
      .where('agreements.status', 'in', ['active', 'suspended'])
      .where('agreements.valid_until', '<=', iso)
      .execute();
    let expired = 0;
    const govdx: Actor = { personId: null, name: GOVDX_ACTOR, standing: null };
    for (const row of due) {
      try {
        const reason = row.emergency_id
          ? 'The emergency it was made under has ended.'
          : 'Its end date has passed.';
        const transition = await db
          .transaction()
          .execute((trx) =>
            this.#commit(
              trx,
              row,
              'expired',
              { updated_at: iso },
              { action: 'expire', actor: govdx, reason, at: iso },
            ),
          );
        await this.#finish(transition);
        expired++;
      } catch (error) {
        if (!(error instanceof GovdxError && error.code === 'CONFLICT'))
          this.#deps.onError(error, `expiring agreement ${row.id}`);
      }
    }
    const soon = new Date(at.getTime() + EXPIRY_NOTICE_DAYS * DAY_MS).toISOString();
    const ending = await agreementRows(db)
      .where('agreements.status', '=', 'active')
      .where('agreements.valid_until', '<=', soon)
      .where('agreements.expiry_notified_at', 'is', null)
      .execute();
    let flagged = 0;
    for (const row of ending) {
      const claimed = await db
        .updateTable('agreements')
        .set({ expiry_notified_at: iso })
        .where('id', '=', row.id)
        .where('expiry_notified_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      flagged++;
      try {
        const view = await agreementView(db, row);
        await this.#deps.notify(
          [row.provider_organization_id, row.consumer_organization_id],
          'agreement.expiring',
          {
            agreement: view,
            endsAt: row.valid_until,
          },
        );
      } catch (error) {
        this.#deps.onError(error, 'queueing webhooks');
      }
    }
    return { expired, flagged };
  }

  /** Sweeps now and then every `intervalMs`. */
  start(intervalMs = 60_000): void {
    const run = () => {
      if (this.#sweeping) return;
      this.#sweeping = this.sweep()
        .catch((error) => this.#deps.onError(error, 'sweeping agreements'))
        .finally(() => {
          this.#sweeping = null;
        });
    };
    run();
    this.#timer = setInterval(run, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#sweeping;
  }
}

const APPROVAL_ROLE = {
  provider_steward: 'data_steward',
  provider_dpo: 'data_protection_officer',
  consumer_dpo: 'data_protection_officer',
  legal_reviewer: 'legal_reviewer',
  consumer_steward: 'data_steward',
} as const;

async function insertEvent(
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

/** The provider's service `slug`; INVALID_REFERENCE when it publishes none by that name. */
export async function serviceOf(db: Db, provider: { id: string; name: string }, slug: string) {
  const service = await db
    .selectFrom('services')
    .select(['id', 'dataset_id', 'title'])
    .where('organization_id', '=', provider.id)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!service) {
    throw new GovdxError('INVALID_REFERENCE', `${provider.name} publishes no service "${slug}".`, {
      service: slug,
    });
  }
  return service;
}

/** Every field must be in the service's schema; special-category ones need an Art. 9(2) condition. */
export async function checkFields(
  db: Db,
  service: { dataset_id: string; title: string },
  fields: readonly string[],
  special: SpecialCategoryBasis | null,
) {
  const declared = await declaredFields(db, service.dataset_id);
  return fields.map((field) => {
    const sensitivity = sensitivityOf(field, declared);
    if (sensitivity === undefined) {
      throw new GovdxError(
        'VALIDATION_FAILED',
        `"${field}" is not a field of the dataset behind ${service.title}.`,
        {
          field,
        },
      );
    }
    if (sensitivity === 'special' && special === null) {
      throw new GovdxError(
        'VALIDATION_FAILED',
        `"${field}" is special-category data (GDPR Art. 9): name the Art. 9(2) condition in "specialCategoryBasis".`,
        { field },
      );
    }
    return sensitivity;
  });
}

function checkWindow(validFrom: string, validUntil: string): void {
  if (validUntil <= validFrom) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'An agreement must end after it starts ("validUntil" after "validFrom").',
    );
  }
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
