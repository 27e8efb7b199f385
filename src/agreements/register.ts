/**
 * The public register: every agreement that is or was in force (parties, service, purpose, legal
 * basis, field names, dates), never personal data; and the time each took from request to active.
 */
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import type { Static } from 'typebox';
import {
  type AgreementStatus,
  APPROVAL_PARTIES,
  type ApprovalParty,
  type LegalBasis,
  notFound,
  type SpecialCategoryBasis,
  timeToShare,
} from '../domain/index.ts';
import type { Page } from '../store/index.ts';
import { decodeCursor, keysetPage, timeIdKey, toPage } from '../store/index.ts';
import { type AgreementRow, agreementRows, type Db, emergencyRef } from './agreements.ts';
import type { PublicAgreement, RegisterEntry, TimeToShare } from './schemas.ts';

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

export interface RegisterFilter {
  status?: AgreementStatus | undefined;
  /** Either party. */
  organization?: string | undefined;
  provider?: string | undefined;
  consumer?: string | undefined;
  purpose?: string | undefined;
  legalBasis?: LegalBasis | undefined;
  /** Words in the purpose, the service or the parties' names, each of them somewhere. */
  q?: string | undefined;
}

/** `%word%` for LIKE, its own wildcards escaped. */
const containing = (word: string) => `%${word.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered(db: Db, filter: RegisterFilter) {
  let query = agreementRows(db).where(
    'agreements.status',
    'in',
    filter.status ? [filter.status] : [...REGISTER_STATUSES],
  );
  const { organization, provider, consumer, purpose, legalBasis, q } = filter;
  if (organization) {
    query = query.where((eb) =>
      eb.or([eb('provider.slug', '=', organization), eb('consumer.slug', '=', organization)]),
    );
  }
  if (provider) query = query.where('provider.slug', '=', provider);
  if (consumer) query = query.where('consumer.slug', '=', consumer);
  if (purpose) query = query.where('purposes.slug', '=', purpose);
  if (legalBasis) query = query.where('agreements.legal_basis', '=', legalBasis);
  for (const word of (q ?? '').split(/\s+/).filter((w) => w !== '')) {
    const pattern = containing(word);
    query = query.where((eb) =>
      eb.or(
        ['purposes.title', 'services.title', 'provider.name', 'consumer.name'].map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  return query;
}

/** Newest first (by when they became active). */
export async function listRegister(
  db: Db,
  options: RegisterFilter & { limit: number; after: string | null },
): Promise<Page<RegisterEntryView>> {
  const order = { time: 'agreements.activated_at', id: 'agreements.id', direction: 'desc' } as const;
  const rows = await keysetPage(filtered(db, options), order, options.after, options.limit).execute();
  return toPage(rows, options.limit, (r) => timeIdKey(r.activated_at, r.id), toEntry);
}

const CSV_HEADER = [
  'id',
  'version',
  'status',
  'provider',
  'consumer',
  'service',
  'purpose',
  'legal_basis',
  'special_category_basis',
  'fields',
  'valid_from',
  'valid_until',
  'in_force_from',
  'ended_at',
  'retention_days',
  'onward_sharing',
  'emergency',
  'odrl_policy',
];

/** The whole register as CSV (RFC 4180), newest first, read page by page. */
export async function* registerCsv(
  db: Db,
  filter: RegisterFilter,
  publicUrl: string,
): AsyncGenerator<string> {
  const lines = (rows: unknown[][]) =>
    stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  yield lines([CSV_HEADER]);
  let after: string | null = null;
  do {
    const page = await listRegister(db, { ...filter, limit: 200, after });
    yield lines(
      page.items.map((e) => [
        e.id,
        e.version,
        e.status,
        e.providerName,
        e.consumerName,
        e.serviceTitle,
        e.purposeTitle,
        e.legalBasis,
        e.specialCategoryBasis ?? '',
        e.fields.join(' '),
        e.validFrom,
        e.validUntil,
        e.activatedAt ?? '',
        e.endedAt ?? '',
        e.retentionDays,
        e.onwardSharing ? 'yes' : 'no',
        e.emergency?.name ?? '',
        `${publicUrl.replace(/\/$/, '')}/agreements/${encodeURIComponent(e.id)}/odrl`,
      ]),
    );
    after = page.nextCursor === null ? null : decodeCursor(page.nextCursor);
  } while (after !== null);
}

/** One agreement as the public sees it: its register entry, the purpose in words, and its sign-offs. */
export async function publicAgreement(db: Db, id: string): Promise<Static<typeof PublicAgreement>> {
  const entry = await registerEntry(db, id);
  const purpose = await db
    .selectFrom('purposes')
    .select('description')
    .where('slug', '=', entry.purpose)
    .executeTakeFirst();
  const rows = await db
    .selectFrom('agreement_approvals')
    .innerJoin('organizations', 'organizations.id', 'agreement_approvals.organization_id')
    .select([
      'agreement_approvals.party',
      'agreement_approvals.decision',
      'agreement_approvals.decided_at',
      'organizations.slug',
      'organizations.name',
    ])
    .where('agreement_approvals.agreement_id', '=', id)
    .execute();
  const order = Object.keys(APPROVAL_PARTIES);
  rows.sort((a, b) => order.indexOf(a.party) - order.indexOf(b.party));
  return {
    ...entry,
    purposeDescription: purpose?.description ?? '',
    signOffs: rows.map((row) => ({
      party: row.party,
      label: APPROVAL_PARTIES[row.party as ApprovalParty].label,
      organization: row.slug,
      organizationName: row.name,
      decision: row.decision,
      decidedAt: row.decided_at,
    })),
  };
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
