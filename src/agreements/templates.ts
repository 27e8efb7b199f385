/**
 * Templates: terms an organization offers for one of its services (purpose, fields, legal basis,
 * maximum duration, retention). A request from a template that changes none of them needs only the
 * provider's data steward's sign-off (domain/agreement.ts: requiredApprovals).
 */
import type { Static } from 'typebox';
import { GovdxError, type LegalBasis, notFound, type SpecialCategoryBasis } from '../domain/index.ts';
import { governed, type Recorder } from '../governance/index.ts';
import { EVENT_KINDS, type LedgerEvent } from '../ledger/index.ts';
import type { AgreementTemplateTable } from '../store/index.ts';
import { isUniqueViolation, now } from '../store/index.ts';
import { type Db, declaredFields, fieldTerms } from './agreements.ts';
import { checkFields, serviceOf } from './request.ts';
import type { NewTemplate, Template } from './schemas.ts';

export type TemplateView = Static<typeof Template>;

function templateRows(db: Db) {
  return db
    .selectFrom('agreement_templates')
    .innerJoin('organizations', 'organizations.id', 'agreement_templates.organization_id')
    .innerJoin('services', 'services.id', 'agreement_templates.service_id')
    .innerJoin('purposes', 'purposes.id', 'agreement_templates.purpose_id')
    .selectAll('agreement_templates')
    .select([
      'organizations.slug as provider_slug',
      'organizations.name as provider_name',
      'services.slug as service_slug',
      'services.title as service_title',
      'services.dataset_id as dataset_id',
      'purposes.slug as purpose_slug',
      'purposes.title as purpose_title',
    ]);
}

async function toTemplates(
  db: Db,
  rows: Awaited<ReturnType<ReturnType<typeof templateRows>['execute']>>,
): Promise<TemplateView[]> {
  const declared = new Map<string, Awaited<ReturnType<typeof declaredFields>>>();
  for (const id of new Set(rows.map((r) => r.dataset_id))) declared.set(id, await declaredFields(db, id));
  return rows.map((row) => {
    const fields = JSON.parse(row.fields) as string[];
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      provider: row.provider_slug,
      providerName: row.provider_name,
      service: row.service_slug,
      serviceTitle: row.service_title,
      purpose: row.purpose_slug,
      purposeTitle: row.purpose_title,
      fields,
      fieldTerms: fieldTerms(fields, declared.get(row.dataset_id)!),
      legalBasis: row.legal_basis as LegalBasis,
      specialCategoryBasis: row.special_category_basis as SpecialCategoryBasis | null,
      maxDurationDays: row.max_duration_days,
      retentionDays: row.retention_days,
      onwardSharing: row.onward_sharing === 1,
      safeguards: row.safeguards,
      emergency: row.emergency === 1,
      status: row.status,
      createdAt: row.created_at,
    };
  });
}

/** Published templates, of one provider and service when given; an organization's own include retired ones. */
export async function listTemplates(
  db: Db,
  filter: { provider?: string | undefined; service?: string | undefined; organizationId?: string },
): Promise<TemplateView[]> {
  let query = templateRows(db);
  if (filter.organizationId)
    query = query.where('agreement_templates.organization_id', '=', filter.organizationId);
  else query = query.where('agreement_templates.status', '=', 'published');
  if (filter.provider) query = query.where('organizations.slug', '=', filter.provider);
  if (filter.service) query = query.where('services.slug', '=', filter.service);
  const rows = await query
    .orderBy('organizations.slug')
    .orderBy('agreement_templates.slug')
    .limit(500)
    .execute();
  return toTemplates(db, rows);
}

export async function createTemplate(
  db: Db,
  provider: { id: string; name: string },
  input: Static<typeof NewTemplate>,
  createdBy: string,
): Promise<TemplateView> {
  const service = await serviceOf(db, provider, input.service);
  const purpose = await db
    .selectFrom('purposes')
    .select(['id', 'legal_basis', 'special_category_basis'])
    .where('slug', '=', input.purpose)
    .executeTakeFirst();
  if (!purpose) {
    throw new GovdxError('INVALID_REFERENCE', `There is no registered purpose "${input.purpose}".`, {
      purpose: input.purpose,
    });
  }
  const special =
    input.specialCategoryBasis !== undefined ? input.specialCategoryBasis : purpose.special_category_basis;
  await checkFields(db, service, input.fields, special as SpecialCategoryBasis | null);
  const at = now();
  const row: AgreementTemplateTable = {
    id: crypto.randomUUID(),
    organization_id: provider.id,
    slug: input.slug,
    title: input.title,
    description: input.description,
    service_id: service.id,
    purpose_id: purpose.id,
    fields: JSON.stringify(input.fields),
    legal_basis: input.legalBasis ?? purpose.legal_basis,
    special_category_basis: special,
    max_duration_days: input.maxDurationDays,
    retention_days: input.retentionDays,
    onward_sharing: input.onwardSharing ? 1 : 0,
    safeguards: input.safeguards,
    emergency: input.emergency ? 1 : 0,
    status: 'published',
    created_by: createdBy,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.insertInto('agreement_templates').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new GovdxError('ALREADY_EXISTS', `${provider.name} already has a template "${input.slug}".`, {
        slug: input.slug,
      });
    }
    throw error;
  }
  return (
    await toTemplates(db, await templateRows(db).where('agreement_templates.id', '=', row.id).execute())
  )[0]!;
}

/** Retires a template: no new requests from it; agreements made from it are not touched. */
export async function retireTemplate(db: Db, organizationId: string, slug: string): Promise<TemplateView> {
  const result = await db
    .updateTable('agreement_templates')
    .set({ status: 'retired', updated_at: now() })
    .where('organization_id', '=', organizationId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw notFound('template', slug);
  return (
    await toTemplates(
      db,
      await templateRows(db)
        .where('agreement_templates.organization_id', '=', organizationId)
        .where('agreement_templates.slug', '=', slug)
        .execute(),
    )
  )[0]!;
}

/**
 * A template decides what a request needs to be signed (an emergency template's requests activate at once
 * while an emergency is declared): publishing one is on the ledger, or it is not published. Retiring one
 * only takes away, so it stands even when the ledger cannot record it.
 */
export async function createRecordedTemplate(
  effects: { db: Db; ledger: Recorder },
  provider: { id: string; slug: string; name: string },
  input: Static<typeof NewTemplate>,
  by: string,
): Promise<TemplateView> {
  const { made } = await governed(effects.ledger, {
    apply: () => createTemplate(effects.db, provider, input, by),
    events: (template) => [templateEvent(EVENT_KINDS.agreementTemplatePublished, template, by)],
    undo: async (template) => {
      await effects.db.deleteFrom('agreement_templates').where('id', '=', template.id).execute();
    },
    notMade: 'The template could not be recorded on the ledger, so it was not published. Try again shortly.',
  });
  return made;
}

export async function retireRecordedTemplate(
  effects: { db: Db; ledger: Recorder },
  provider: { id: string; slug: string },
  slug: string,
  by: string,
): Promise<TemplateView> {
  const before = await effects.db
    .selectFrom('agreement_templates')
    .select('status')
    .where('organization_id', '=', provider.id)
    .where('slug', '=', slug)
    .executeTakeFirst();
  const { made } = await governed(effects.ledger, {
    apply: () => retireTemplate(effects.db, provider.id, slug),
    // Retiring a retired template changes nothing and records nothing.
    events: (template) =>
      before?.status === 'retired' ? [] : [templateEvent(EVENT_KINDS.agreementTemplateRetired, template, by)],
    takesAway: () => true,
    undo: async () => {},
    stands:
      'The template is retired, but this could not be recorded on the ledger. Tell the platform operators.',
  });
  return made;
}

function templateEvent(kind: string, template: TemplateView, by: string): LedgerEvent {
  return {
    kind,
    organization: template.provider,
    template: template.slug,
    templateId: template.id,
    service: template.service,
    purpose: template.purpose,
    fields: template.fields,
    legalBasis: template.legalBasis,
    specialCategoryBasis: template.specialCategoryBasis,
    maxDurationDays: template.maxDurationDays,
    retentionDays: template.retentionDays,
    onwardSharing: template.onwardSharing,
    emergency: template.emergency,
    by,
  };
}
