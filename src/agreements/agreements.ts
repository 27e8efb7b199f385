/**
 * Agreements in the store. For now an agreement is created active by the provider's data steward (or
 * a platform admin) and then suspended, resumed, revoked or expired; the approval trail comes with the
 * agreements part's workflow.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import {
  type AgreementAction,
  GovdxError,
  type LegalBasis,
  nextAgreementStatus,
  notFound,
  type Sensitivity,
  type SpecialCategoryBasis,
  sensitivityOf,
} from '../domain/index.ts';
import { type AgreementTable, type Database, now, type Page, toPage } from '../store/index.ts';
import type { Agreement, NewAgreement } from './schemas.ts';

export type AgreementView = Static<typeof Agreement>;
type Owner = { id: string; slug: string };

function agreements(db: Kysely<Database>) {
  return db
    .selectFrom('agreements')
    .innerJoin('organizations as provider', 'provider.id', 'agreements.provider_organization_id')
    .innerJoin('organizations as consumer', 'consumer.id', 'agreements.consumer_organization_id')
    .innerJoin('services', 'services.id', 'agreements.service_id')
    .innerJoin('purposes', 'purposes.id', 'agreements.purpose_id')
    .selectAll('agreements')
    .select([
      'provider.slug as provider_slug',
      'provider.name as provider_name',
      'consumer.slug as consumer_slug',
      'consumer.name as consumer_name',
      'services.slug as service_slug',
      'services.title as service_title',
      'purposes.slug as purpose_slug',
      'purposes.title as purpose_title',
    ]);
}
type AgreementRow = AgreementTable & {
  provider_slug: string;
  provider_name: string;
  consumer_slug: string;
  consumer_name: string;
  service_slug: string;
  service_title: string;
  purpose_slug: string;
  purpose_title: string;
};

function toAgreement(row: AgreementRow): AgreementView {
  return {
    id: row.id,
    provider: row.provider_slug,
    providerName: row.provider_name,
    consumer: row.consumer_slug,
    consumerName: row.consumer_name,
    service: row.service_slug,
    serviceTitle: row.service_title,
    purpose: row.purpose_slug,
    purposeTitle: row.purpose_title,
    fields: JSON.parse(row.fields) as string[],
    legalBasis: row.legal_basis as LegalBasis,
    specialCategoryBasis: row.special_category_basis as SpecialCategoryBasis | null,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    retentionDays: row.retention_days,
    status: row.status,
    statusReason: row.status_reason,
    rateLimitPerMinute: row.rate_limit_per_minute,
    quotaPerDay: row.quota_per_day,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Agreements the organization is party to, as provider or consumer, oldest first. */
export async function listAgreements(
  db: Kysely<Database>,
  organizationId: string,
  limit: number,
  after: string | null,
): Promise<Page<AgreementView>> {
  let query = agreements(db).where((eb) =>
    eb.or([
      eb('agreements.provider_organization_id', '=', organizationId),
      eb('agreements.consumer_organization_id', '=', organizationId),
    ]),
  );
  // The cursor is "<created_at> <id>": timestamps contain no space.
  if (after) {
    const [at = '', id = ''] = after.split(' ');
    query = query.where((eb) =>
      eb.or([
        eb('agreements.created_at', '>', at),
        eb.and([eb('agreements.created_at', '=', at), eb('agreements.id', '>', id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('agreements.created_at')
    .orderBy('agreements.id')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => `${r.created_at} ${r.id}`, toAgreement);
}

/** The agreement, if the organization is party to it. */
export async function getAgreement(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<AgreementView> {
  const row = await agreements(db).where('agreements.id', '=', id).executeTakeFirst();
  if (
    !row ||
    (row.provider_organization_id !== organizationId && row.consumer_organization_id !== organizationId)
  ) {
    throw notFound('agreement', id);
  }
  return toAgreement(row);
}

async function declaredFields(db: Kysely<Database>, datasetId: string): Promise<Map<string, Sensitivity>> {
  const rows = await db
    .selectFrom('fields')
    .select(['name', 'sensitivity'])
    .where('dataset_id', '=', datasetId)
    .execute();
  return new Map(rows.map((r) => [r.name, r.sensitivity]));
}

/** Creates an agreement, active from `validFrom`, for a service of the provider organization. */
export async function createAgreement(
  db: Kysely<Database>,
  provider: Owner,
  input: Static<typeof NewAgreement>,
  createdBy: string | null,
): Promise<AgreementView> {
  const service = await db
    .selectFrom('services')
    .select(['id', 'dataset_id', 'title'])
    .where('organization_id', '=', provider.id)
    .where('slug', '=', input.service)
    .executeTakeFirst();
  if (!service) {
    throw new GovdxError('INVALID_REFERENCE', `${provider.slug} publishes no service "${input.service}".`, {
      service: input.service,
    });
  }
  const consumer = await db
    .selectFrom('organizations')
    .select('id')
    .where('slug', '=', input.consumer)
    .executeTakeFirst();
  if (!consumer) {
    throw new GovdxError('INVALID_REFERENCE', `There is no organization "${input.consumer}".`, {
      consumer: input.consumer,
    });
  }
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
  const legalBasis = input.legalBasis ?? (purpose.legal_basis as LegalBasis);
  const special =
    input.specialCategoryBasis !== undefined
      ? input.specialCategoryBasis
      : (purpose.special_category_basis as SpecialCategoryBasis | null);

  const declared = await declaredFields(db, service.dataset_id);
  for (const field of input.fields) {
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
  }

  const at = now();
  const validFrom = input.validFrom ? new Date(input.validFrom).toISOString() : at;
  const validUntil = new Date(input.validUntil).toISOString();
  if (validUntil <= validFrom) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'An agreement must end after it starts ("validUntil" after "validFrom").',
    );
  }
  const row: AgreementTable = {
    id: crypto.randomUUID(),
    provider_organization_id: provider.id,
    consumer_organization_id: consumer.id,
    service_id: service.id,
    purpose_id: purpose.id,
    fields: JSON.stringify(input.fields),
    legal_basis: legalBasis,
    special_category_basis: special,
    valid_from: validFrom,
    valid_until: validUntil,
    retention_days: input.retentionDays,
    status: 'active',
    status_reason: null,
    rate_limit_per_minute: input.rateLimitPerMinute ?? null,
    quota_per_day: input.quotaPerDay ?? null,
    created_by: createdBy,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('agreements').values(row).execute();
  return getAgreement(db, provider.id, row.id);
}

/** Moves the agreement (of a service the provider publishes) to the status the action leads to. */
export async function changeAgreement(
  db: Kysely<Database>,
  provider: Owner,
  id: string,
  action: AgreementAction,
  reason: string,
): Promise<{ before: AgreementView; after: AgreementView }> {
  const before = await getAgreement(db, provider.id, id);
  if (before.provider !== provider.slug) {
    throw new GovdxError(
      'FORBIDDEN',
      `Only ${before.providerName}, which provides the data, can change this agreement.`,
    );
  }
  const status = nextAgreementStatus(before.status, action);
  await db
    .updateTable('agreements')
    .set({ status, status_reason: reason, updated_at: now() })
    .where('id', '=', id)
    .where('status', '=', before.status)
    .execute();
  return { before, after: await getAgreement(db, provider.id, id) };
}

/** Puts an agreement back as it was (when its change could not be recorded on the ledger). */
export async function restoreAgreement(db: Kysely<Database>, before: AgreementView): Promise<void> {
  await db
    .updateTable('agreements')
    .set({ status: before.status, status_reason: before.statusReason, updated_at: now() })
    .where('id', '=', before.id)
    .execute();
}

export async function deleteAgreement(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('agreements').where('id', '=', id).execute();
}
