/**
 * The public register: every agreement that is or was in force (parties, service, purpose, legal
 * basis, field names, dates), never personal data; and the time each took from request to active.
 */
import type { Static } from 'typebox';
import {
  type AgreementStatus,
  type LegalBasis,
  notFound,
  type SpecialCategoryBasis,
  timeToShare,
} from '../domain/index.ts';
import type { Page } from '../store/index.ts';
import { keysetPage, timeIdKey, toPage } from '../store/index.ts';
import { type AgreementRow, agreementRows, type Db, emergencyRef } from './agreements.ts';
import type { RegisterEntry, TimeToShare } from './schemas.ts';

export type RegisterEntryView = Static<typeof RegisterEntry>;

/** Statuses of agreements that were in force at some time: the register lists these. */
export const REGISTER_STATUSES: readonly AgreementStatus[] = [
  'active',
  'suspended',
  'expired',
  'revoked',
  'superseded',
];

function toEntry(row: AgreementRow): RegisterEntryView {
  return {
    id: row.id,
    version: row.version,
    provider: row.provider_slug,
    providerName: row.provider_name,
    consumer: row.consumer_slug,
    consumerName: row.consumer_name,
    service: row.service_slug,
    serviceTitle: row.service_title,
    purpose: row.purpose_slug,
    purposeTitle: row.purpose_title,
    legalBasis: row.legal_basis as LegalBasis,
    specialCategoryBasis: row.special_category_basis as SpecialCategoryBasis | null,
    fields: JSON.parse(row.fields) as string[],
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    retentionDays: row.retention_days,
    onwardSharing: row.onward_sharing === 1,
    status: row.status,
    activatedAt: row.activated_at,
    endedAt: row.ended_at,
    emergency: emergencyRef(row),
  };
}

/** Newest first (by when they became active). */
export async function listRegister(
  db: Db,
  options: {
    limit: number;
    after: string | null;
    status?: AgreementStatus | undefined;
    organization?: string | undefined;
  },
): Promise<Page<RegisterEntryView>> {
  let query = agreementRows(db).where(
    'agreements.status',
    'in',
    options.status ? [options.status] : [...REGISTER_STATUSES],
  );
  if (options.organization) {
    const slug = options.organization;
    query = query.where((eb) => eb.or([eb('provider.slug', '=', slug), eb('consumer.slug', '=', slug)]));
  }
  const order = { time: 'agreements.activated_at', id: 'agreements.id', direction: 'desc' } as const;
  const rows = await keysetPage(query, order, options.after, options.limit).execute();
  return toPage(rows, options.limit, (r) => timeIdKey(r.activated_at, r.id), toEntry);
}

/** One register entry; NOT_FOUND for agreements never in force (drafts and requests stay private). */
export async function registerEntry(db: Db, id: string): Promise<RegisterEntryView> {
  const row = await agreementRows(db).where('agreements.id', '=', id).executeTakeFirst();
  if (!row || !REGISTER_STATUSES.includes(row.status)) throw notFound('agreement in the public register', id);
  return toEntry(row);
}

/** Time from request submitted to active, overall and for each organization party to agreements. */
export async function timeToShareFigures(db: Db): Promise<Static<typeof TimeToShare>> {
  const all = await agreementRows(db)
    .where('agreements.submitted_at', 'is not', null)
    .where('agreements.activated_at', 'is not', null)
    .execute();
  // An emergency agreement is in force on request: its 0 seconds would flatter the median, so it is counted apart.
  const emergencyAgreements = all.filter((r) => r.emergency_id !== null).length;
  const rows = all.filter((r) => r.emergency_id === null);
  const seconds = (r: AgreementRow) => (Date.parse(r.activated_at!) - Date.parse(r.submitted_at!)) / 1000;
  const byOrganization = new Map<string, { name: string; durations: number[] }>();
  for (const row of rows) {
    for (const [slug, name] of [
      [row.provider_slug, row.provider_name],
      [row.consumer_slug, row.consumer_name],
    ] as const) {
      const entry = byOrganization.get(slug) ?? { name, durations: [] };
      entry.durations.push(seconds(row));
      byOrganization.set(slug, entry);
    }
  }
  return {
    overall: timeToShare(rows.map(seconds)),
    emergencyAgreements,
    organizations: [...byOrganization]
      .map(([organization, { name, durations }]) => ({ organization, name, ...timeToShare(durations) }))
      .sort((a, b) => a.organization.localeCompare(b.organization)),
  };
}
