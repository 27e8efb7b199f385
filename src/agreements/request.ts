/**
 * Requests and amendments: the two ways an agreement version comes to exist. A consumer requests one
 * (from a template or from scratch) as a draft, or submitted at once; either side proposes new terms
 * for one in force, a new version that replaces it once approved. The rules (which terms a template
 * fills, which sign-offs are needed, the validity window) are in domain/agreement.ts; the moves that
 * follow are in transitions.ts.
 */
import type { Static } from 'typebox';
import {
  APPROVAL_PARTIES,
  amendingSignOff,
  checkAgreementAction,
  checkAgreementActor,
  checkAgreementParties,
  checkWindow,
  daysAfter,
  emergencyEnd,
  GovdxError,
  type LegalBasis,
  type Principal,
  requiredApprovals,
  type SpecialCategoryBasis,
  sensitivityOf,
  unchangedTemplate,
} from '../domain/index.ts';
import type { AgreementTable } from '../store/index.ts';
import { now } from '../store/index.ts';
import { type AgreementView, agreementRow, agreementView, type Db, declaredFields } from './agreements.ts';
import type { AgreementAmendment, AgreementRequest } from './schemas.ts';
import {
  act,
  actorOf,
  baseRow,
  created,
  EVENT_KIND,
  finish,
  insertEvent,
  standingOf,
  type WorkflowDeps,
} from './transitions.ts';

/** The organization that asks for an agreement (it receives the data). */
export interface Owner {
  id: string;
  slug: string;
}

/** A consumer organization asks for an agreement: a draft, or submitted at once with `submit`. */
export async function request(
  deps: WorkflowDeps,
  consumer: Owner,
  input: Static<typeof AgreementRequest>,
  principal: Principal,
): Promise<AgreementView> {
  const db = deps.db;
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
      ? daysAfter(validFrom, template.max_duration_days)
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

  const unchanged = unchangedTemplate(
    template && {
      purposeId: template.purpose_id,
      fields: JSON.parse(template.fields) as string[],
      legalBasis: template.legal_basis,
      specialCategoryBasis: template.special_category_basis,
      retentionDays: template.retention_days,
      onwardSharing: template.onward_sharing === 1,
      safeguards: template.safeguards,
      maxDurationDays: template.max_duration_days,
    },
    {
      purposeId: purpose.id,
      fields,
      legalBasis,
      specialCategoryBasis: special,
      retentionDays,
      onwardSharing,
      safeguards: input.safeguards,
      validFrom,
      validUntil,
    },
  );

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
  const parties = requiredApprovals(sensitivities, unchanged);
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
          role: APPROVAL_PARTIES[party].role,
          decision: null,
          decided_by: null,
          decided_at: null,
          reason: null,
        })),
      )
      .execute();
    return insertEvent(trx, id, 'request', null, 'draft', actor, null);
  });
  await finish(deps, created(EVENT_KIND.request, id, eventId, null, actor));
  if (input.submit) return act(deps, consumer.id, id, 'submit', principal, null);
  return agreementView(db, await agreementRow(db, id, null));
}

/** A new version of an active or suspended agreement, submitted for approval; it replaces the old once active. */
export async function amend(
  deps: WorkflowDeps,
  organizationId: string,
  id: string,
  principal: Principal,
  input: Static<typeof AgreementAmendment>,
): Promise<AgreementView> {
  const db = deps.db;
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
    const own = amendingSignOff(standing);
    await trx
      .insertInto('agreement_approvals')
      .values(
        parties.map((party) => ({
          agreement_id: newId,
          party,
          organization_id: party.startsWith('consumer')
            ? row.consumer_organization_id
            : row.provider_organization_id,
          role: APPROVAL_PARTIES[party].role,
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
  await finish(deps, transition);
  return agreementView(db, await agreementRow(db, newId, null));
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
