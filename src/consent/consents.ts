/**
 * Consent records in the store: given (active), withdrawn (revoked), past their end (expired), each with
 * the fields of ISO/IEC TS 27560 and the history of its state. An administrator records consents on a
 * person's behalf (`admin-recorded`); the consent page records those the person gives themselves.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { fieldLabelsOf } from '../catalog/index.ts';
import {
  type ConsentStatus,
  GovdxError,
  intersectFields,
  notFound,
  type Sensitivity,
  sensitivityOf,
} from '../domain/index.ts';
import {
  type ConsentEventTable,
  type ConsentTable,
  type Database,
  isUniqueViolation,
  keysetPage,
  now,
  type Page,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import type {
  Consent,
  ConsentHistoryEvent,
  ConsentPiiCategory,
  ConsentRecipient,
  NewConsent,
} from './schemas.ts';

export type ConsentView = Static<typeof Consent>;
/** A consent to record: the admin API's body, and for one recorded on the person's behalf, its evidence. */
export type NewConsentInput = Static<typeof NewConsent> & { evidence?: string | null };
export type ConsentPii = Static<typeof ConsentPiiCategory>;
export type ConsentRecipientView = Static<typeof ConsentRecipient>;
export type ConsentHistoryView = Static<typeof ConsentHistoryEvent>;

/** Collection methods govdx itself uses. */
export const COLLECTION_METHODS = {
  /** Recorded by a platform administrator, before govdx left that to the consumer's officials. */
  adminRecorded: 'admin-recorded',
  consentPage: 'oauth-consent-page',
  /** Given to an official of the consumer who recorded it (at a desk, on the phone). */
  assisted: 'assisted',
  /** Given on a signed paper form that an official of the consumer recorded. */
  paper: 'paper',
} as const;

/** Ways in which an official records a consent on the person's behalf. */
export const ON_BEHALF_METHODS: ReadonlySet<string> = new Set([
  COLLECTION_METHODS.adminRecorded,
  COLLECTION_METHODS.assisted,
  COLLECTION_METHODS.paper,
]);

/** Who made a change to a consent: a person (null for govdx itself), and whether they are its subject. */
export interface ConsentActor {
  personId: string | null;
  bySubject: boolean;
  reason?: string | null;
}

/** The state as it stands at `at`: an active consent past its end date has expired. */
export function consentState(status: ConsentStatus, expiresAt: string | null, at: string): ConsentStatus {
  return status === 'active' && expiresAt !== null && expiresAt <= at ? 'expired' : status;
}

function consents(db: Kysely<Database>) {
  return db
    .selectFrom('consents')
    .innerJoin('organizations', 'organizations.id', 'consents.consumer_organization_id')
    .innerJoin('purposes', 'purposes.id', 'consents.purpose_id')
    .leftJoin('people', 'people.id', 'consents.created_by')
    .selectAll('consents')
    .select([
      'organizations.slug as consumer_slug',
      'organizations.name as consumer_name',
      'purposes.slug as purpose_slug',
      'purposes.title as purpose_title',
      'people.name as recorder_name',
    ]);
}
type ConsentRow = ConsentTable & {
  consumer_slug: string;
  consumer_name: string;
  purpose_slug: string;
  purpose_title: string;
  recorder_name: string | null;
};

function toHistory(rows: readonly ConsentEventTable[], consent: ConsentTable): ConsentHistoryView[] {
  const history: ConsentHistoryView[] = rows.map((e) => ({
    event: e.event,
    at: e.at,
    bySubject: e.by_subject === 1,
    reason: e.reason,
    ledgerIndex: e.ledger_index === null ? null : Number(e.ledger_index),
  }));
  const at = now();
  // Past its end date but not yet marked by the sweep (recording.ts: expireDueConsents).
  if (consent.status === 'active' && consentState(consent.status, consent.expires_at, at) === 'expired') {
    history.push({
      event: 'expired',
      at: consent.expires_at!,
      bySubject: false,
      reason: null,
      ledgerIndex: null,
    });
  }
  return history;
}

function toConsent(row: ConsentRow, events: readonly ConsentEventTable[]): ConsentView {
  const fields = JSON.parse(row.fields) as string[];
  const pii = JSON.parse(row.pii_categories) as ConsentPii[];
  const recipients = JSON.parse(row.recipients) as ConsentRecipientView[];
  return {
    id: row.id,
    subject: row.subject,
    consumer: row.consumer_slug,
    consumerName: row.consumer_name,
    purpose: row.purpose_slug,
    purposeTitle: row.purpose_title,
    purposeDescription: row.purpose_description,
    legalBasis: row.legal_basis,
    specialCategoryBasis: row.special_category_basis,
    fields,
    // Records made before the consent part knew their sources still name their fields.
    piiCategories: pii.length > 0 ? pii : fields.map((field) => ({ field, sensitivity: null, source: null })),
    recipients:
      recipients.length > 0 ? recipients : [{ organization: row.consumer_slug, name: row.consumer_name }],
    retentionDays: row.retention_days,
    collectionMethod: row.collection_method,
    language: row.language,
    notice: { url: row.notice_url, version: row.notice_version },
    client: row.client_id,
    // Made on the person's behalf: by whom (an official of the consumer), and what shows the person said yes.
    recordedBy: ON_BEHALF_METHODS.has(row.collection_method)
      ? {
          name: row.recorder_name,
          organization: row.consumer_slug,
          organizationName: row.consumer_name,
        }
      : null,
    evidence: row.evidence_reference,
    status: row.status,
    state: consentState(row.status, row.expires_at, now()),
    givenAt: row.given_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    history: toHistory(events, row),
  };
}

async function eventsOf(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, ConsentEventTable[]>> {
  const byConsent = new Map<string, ConsentEventTable[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byConsent;
  const rows = await db
    .selectFrom('consent_events')
    .selectAll()
    .where('consent_id', 'in', ids)
    .orderBy('at')
    .orderBy('id')
    .execute();
  for (const row of rows) byConsent.get(row.consent_id)?.push(row);
  return byConsent;
}

/** Each consented field with its plain label, as the register's steward wrote it. */
async function withLabels(db: Kysely<Database>, views: ConsentView[]): Promise<ConsentView[]> {
  const sources = views.flatMap((v) => v.piiCategories.map((p) => p.source));
  const label = await fieldLabelsOf(
    db,
    sources.map((source) => ({
      organization: source?.organization ?? null,
      service: source?.service ?? null,
    })),
  );
  return views.map((v) => ({
    ...v,
    piiCategories: v.piiCategories.map((p) => ({
      ...p,
      label: label(p.source?.organization ?? null, p.source?.service ?? null, p.field),
    })),
  }));
}

export async function getConsent(db: Kysely<Database>, id: string): Promise<ConsentView> {
  const row = await consents(db).where('consents.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('consent', id);
  const [view] = await withLabels(db, [toConsent(row, (await eventsOf(db, [id])).get(id) ?? [])]);
  return view!;
}

/** A person's consents, oldest first. */
export async function listConsents(
  db: Kysely<Database>,
  subject: string,
  limit: number,
  after: string | null,
): Promise<Page<ConsentView>> {
  const query = consents(db).where('consents.subject', '=', subject);
  const order = { time: 'consents.given_at', id: 'consents.id', direction: 'asc' } as const;
  const rows = await keysetPage(query, order, after, limit).execute();
  const events = await eventsOf(
    db,
    rows.slice(0, limit).map((r) => r.id),
  );
  const page = toPage(
    rows,
    limit,
    (r) => timeIdKey(r.given_at, r.id),
    (r) => toConsent(r, events.get(r.id) ?? []),
  );
  return { ...page, items: await withLabels(db, page.items) };
}

/** Every consent the person has given, oldest first: listConsents, page after page. */
export async function allConsentsOf(db: Kysely<Database>, subject: string): Promise<ConsentView[]> {
  const all: ConsentView[] = [];
  let after: string | null = null;
  do {
    const page = await listConsents(db, subject, 200, after);
    all.push(...page.items);
    const last = page.items.at(-1);
    after = page.nextCursor && last ? timeIdKey(last.givenAt, last.id) : null;
  } while (after);
  return all;
}

/**
 * What the consumer's active agreements for the purpose say about the consented fields: each field with
 * its sensitivity and the register it comes from, and the longest time the consumer may keep them.
 */
async function agreedTerms(
  db: Kysely<Database>,
  consumerId: string,
  purposeId: string,
  consented: readonly string[],
): Promise<{ pii: ConsentPii[]; retentionDays: number | null }> {
  const agreements = await db
    .selectFrom('agreements')
    .innerJoin('services', 'services.id', 'agreements.service_id')
    .innerJoin('datasets', 'datasets.id', 'services.dataset_id')
    .innerJoin('organizations', 'organizations.id', 'agreements.provider_organization_id')
    .select([
      'agreements.fields',
      'agreements.retention_days',
      'datasets.id as dataset_id',
      'datasets.slug as dataset_slug',
      'datasets.title as dataset_title',
      'services.slug as service_slug',
      'services.title as service_title',
      'organizations.slug as organization_slug',
      'organizations.name as organization_name',
    ])
    .where('agreements.consumer_organization_id', '=', consumerId)
    .where('agreements.purpose_id', '=', purposeId)
    .where('agreements.status', '=', 'active')
    .orderBy('agreements.created_at')
    .execute();
  const pii: ConsentPii[] = [];
  let retentionDays: number | null = null;
  for (const agreement of agreements) {
    const fields = intersectFields(JSON.parse(agreement.fields) as string[], consented);
    if (fields.length === 0) continue;
    const declared = new Map(
      (
        await db
          .selectFrom('fields')
          .select(['name', 'sensitivity'])
          .where('dataset_id', '=', agreement.dataset_id)
          .execute()
      ).map((f) => [f.name, f.sensitivity as Sensitivity]),
    );
    retentionDays = Math.max(retentionDays ?? 0, agreement.retention_days);
    for (const field of fields) {
      pii.push({
        field,
        sensitivity: sensitivityOf(field, declared) ?? null,
        source: {
          organization: agreement.organization_slug,
          organizationName: agreement.organization_name,
          dataset: agreement.dataset_slug,
          datasetTitle: agreement.dataset_title,
          service: agreement.service_slug,
          serviceTitle: agreement.service_title,
        },
      });
    }
  }
  return { pii, retentionDays };
}

/** The PII categories a caller named, with their sources looked up. */
async function namedPii(
  db: Kysely<Database>,
  items: NonNullable<NewConsentInput['piiCategories']>,
): Promise<ConsentPii[]> {
  const out: ConsentPii[] = [];
  for (const item of items) {
    if (!item.source) {
      out.push({ field: item.field, sensitivity: null, source: null });
      continue;
    }
    const organization = await db
      .selectFrom('organizations')
      .select(['id', 'slug', 'name'])
      .where('slug', '=', item.source.organization)
      .executeTakeFirst();
    if (!organization) {
      throw new GovdxError('INVALID_REFERENCE', `There is no organization "${item.source.organization}".`, {
        organization: item.source.organization,
      });
    }
    const service = item.source.service
      ? await db
          .selectFrom('services')
          .innerJoin('datasets', 'datasets.id', 'services.dataset_id')
          .select([
            'services.slug',
            'services.title',
            'datasets.id as dataset_id',
            'datasets.slug as dataset_slug',
            'datasets.title as dataset_title',
          ])
          .where('services.organization_id', '=', organization.id)
          .where('services.slug', '=', item.source.service)
          .executeTakeFirst()
      : undefined;
    if (item.source.service && !service) {
      throw new GovdxError(
        'INVALID_REFERENCE',
        `${organization.name} publishes no service "${item.source.service}".`,
        { service: item.source.service },
      );
    }
    const declared = service
      ? new Map(
          (
            await db
              .selectFrom('fields')
              .select(['name', 'sensitivity'])
              .where('dataset_id', '=', service.dataset_id)
              .execute()
          ).map((f) => [f.name, f.sensitivity as Sensitivity]),
        )
      : new Map<string, Sensitivity>();
    out.push({
      field: item.field,
      sensitivity: sensitivityOf(item.field, declared) ?? null,
      source: {
        organization: organization.slug,
        organizationName: organization.name,
        dataset: service?.dataset_slug ?? null,
        datasetTitle: service?.dataset_title ?? null,
        service: service?.slug ?? null,
        serviceTitle: service?.title ?? null,
      },
    });
  }
  return out;
}

/**
 * Records a consent. Only the subject, consumer and purpose are required; what is not given is taken from
 * the purpose (its text and legal basis) and from the consumer's active agreements for it (the data, with
 * its sources, and the retention), and the consumer is the recipient.
 */
export async function createConsent(
  db: Kysely<Database>,
  input: NewConsentInput,
  createdBy: string | null,
): Promise<ConsentView> {
  return (await recordConsent(db, input, createdBy)).consent;
}

/** What recording a consent did: the consent, its history entry, and (for a renewal) the row before. */
export interface RecordedConsent {
  consent: ConsentView;
  eventId: string;
  /** The consent as it was, when this renewed it; null when this gave a new one. */
  before: ConsentTable | null;
}

/**
 * Records a consent, or renews the person's active consent to the same consumer, purpose and service
 * (see createConsent).
 */
export async function recordConsent(
  db: Kysely<Database>,
  input: NewConsentInput,
  createdBy: string | null,
): Promise<RecordedConsent> {
  const consumer = await db
    .selectFrom('organizations')
    .select(['id', 'slug', 'name'])
    .where('slug', '=', input.consumer)
    .executeTakeFirst();
  if (!consumer) {
    throw new GovdxError('INVALID_REFERENCE', `There is no organization "${input.consumer}".`, {
      consumer: input.consumer,
    });
  }
  const purpose = await db
    .selectFrom('purposes')
    .select(['id', 'description', 'legal_basis', 'special_category_basis', 'updated_at'])
    .where('slug', '=', input.purpose)
    .executeTakeFirst();
  if (!purpose) {
    throw new GovdxError('INVALID_REFERENCE', `There is no registered purpose "${input.purpose}".`, {
      purpose: input.purpose,
    });
  }
  const at = now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : null;
  if (expiresAt !== null && expiresAt <= at) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'A consent cannot end before it is given ("expiresAt" is in the past).',
    );
  }
  const fields = input.fields ?? [];
  const agreed = await agreedTerms(db, consumer.id, purpose.id, fields);
  const pii = input.piiCategories ? await namedPii(db, input.piiCategories) : agreed.pii;
  const recipients: ConsentRecipientView[] = input.recipients?.map((r) => ({
    organization: r.organization ?? null,
    name: r.name,
  })) ?? [{ organization: consumer.slug, name: consumer.name }];
  const row: ConsentTable = {
    id: crypto.randomUUID(),
    subject: input.subject,
    consumer_organization_id: consumer.id,
    purpose_id: purpose.id,
    fields: JSON.stringify(fields),
    status: 'active',
    given_at: at,
    expires_at: expiresAt,
    revoked_at: null,
    created_by: createdBy,
    created_at: at,
    updated_at: at,
    purpose_description: purpose.description,
    legal_basis: input.legalBasis ?? purpose.legal_basis,
    special_category_basis:
      input.specialCategoryBasis !== undefined ? input.specialCategoryBasis : purpose.special_category_basis,
    pii_categories: JSON.stringify(pii),
    recipients: JSON.stringify(recipients),
    retention_days: input.retentionDays !== undefined ? input.retentionDays : agreed.retentionDays,
    collection_method: input.collectionMethod ?? COLLECTION_METHODS.adminRecorded,
    language: input.language ?? 'en',
    notice_url: input.noticeUrl ?? null,
    // Without a notice of its own, the purpose's text is the notice, in its version of that moment.
    notice_version: input.noticeVersion ?? `purpose:${input.purpose}@${purpose.updated_at}`,
    client_id: input.client ?? null,
    evidence_reference: input.evidence ?? null,
  };
  // Recorded by an official, it was given through them; on the consent page, by the person.
  const bySubject = ON_BEHALF_METHODS.has(row.collection_method) ? 0 : 1;
  const renewable: RenewableTerms = {
    fields: row.fields,
    expires_at: row.expires_at,
    purpose_description: row.purpose_description,
    legal_basis: row.legal_basis,
    special_category_basis: row.special_category_basis,
    pii_categories: row.pii_categories,
    recipients: row.recipients,
    retention_days: row.retention_days,
    collection_method: row.collection_method,
    language: row.language,
    notice_url: row.notice_url,
    notice_version: row.notice_version,
    evidence_reference: row.evidence_reference,
  };
  // One consent per person, consumer, purpose and service (client): given again, it is renewed with the
  // new terms, never duplicated. The store's unique index (migration 0015) holds it against a race: the
  // loser of two grants at once finds the winner's consent and renews it.
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (tx) => {
        const current = await tx
          .selectFrom('consents')
          .selectAll()
          .where('subject', '=', row.subject)
          .where('consumer_organization_id', '=', row.consumer_organization_id)
          .where('purpose_id', '=', row.purpose_id)
          .where((eb) =>
            row.client_id === null ? eb('client_id', 'is', null) : eb('client_id', '=', row.client_id),
          )
          .where('status', '=', 'active')
          .executeTakeFirst();
        const eventId = current ? `${current.id}:renewed:${crypto.randomUUID()}` : `${row.id}:given`;
        if (current) {
          await tx
            .updateTable('consents')
            .set({ ...renewable, created_by: createdBy, updated_at: at })
            .where('id', '=', current.id)
            .execute();
        } else {
          await tx.insertInto('consents').values(row).execute();
        }
        const id = current?.id ?? row.id;
        await tx
          .insertInto('consent_events')
          .values({
            id: eventId,
            consent_id: id,
            at,
            event: current ? 'renewed' : 'given',
            actor_id: createdBy,
            by_subject: bySubject,
            reason: current ? 'Given again: the consent is renewed with these terms.' : null,
            ledger_index: null,
          })
          .execute();
        return { consent: await getConsent(tx, id), eventId, before: current ?? null };
      });
    } catch (error) {
      if (attempt > 0 || !isUniqueViolation(error)) throw error;
    }
  }
}

/** The terms a renewal replaces; the subject, consumer, purpose and service stay. */
type RenewableTerms = Pick<
  ConsentTable,
  | 'fields'
  | 'expires_at'
  | 'purpose_description'
  | 'legal_basis'
  | 'special_category_basis'
  | 'pii_categories'
  | 'recipients'
  | 'retention_days'
  | 'collection_method'
  | 'language'
  | 'notice_url'
  | 'notice_version'
  | 'evidence_reference'
>;

/** Puts a renewed consent back as it was and drops the renewal from its history (the ledger did not record it). */
export async function undoRenewal(
  db: Kysely<Database>,
  before: ConsentTable,
  eventId: string,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('consent_events').where('id', '=', eventId).execute();
    const { id, ...rest } = before;
    await tx.updateTable('consents').set(rest).where('id', '=', id).execute();
  });
}

/** Notes which ledger entry records one event of a consent's history. */
export async function noteEventLedgerIndex(
  db: Kysely<Database>,
  eventId: string,
  ledgerIndex: number,
): Promise<void> {
  await db
    .updateTable('consent_events')
    .set({ ledger_index: ledgerIndex })
    .where('id', '=', eventId)
    .execute();
}

/**
 * Withdraws a consent; withdrawing it again changes nothing. True when this call withdrew it (so that of
 * two at once, one records the withdrawal).
 */
export async function withdrawConsentRecord(
  db: Kysely<Database>,
  id: string,
  actor: ConsentActor = { personId: null, bySubject: false },
): Promise<boolean> {
  const at = now();
  return db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('consents')
      .set({ status: 'revoked', revoked_at: at, updated_at: at })
      .where('id', '=', id)
      .where('status', '<>', 'revoked')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await tx
      .insertInto('consent_events')
      .values({
        id: `${id}:revoked`,
        consent_id: id,
        at,
        event: 'revoked',
        actor_id: actor.personId,
        by_subject: actor.bySubject ? 1 : 0,
        reason: actor.reason ?? null,
        ledger_index: null,
      })
      .execute();
    return true;
  });
}

/** Active consents whose end date is at or before `at`. */
export async function dueConsents(db: Kysely<Database>, at: string): Promise<string[]> {
  const rows = await db
    .selectFrom('consents')
    .select('id')
    .where('status', '=', 'active')
    .where('expires_at', '<=', at)
    .orderBy('expires_at')
    .limit(1000)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Marks an active consent past its end date as expired, with its history entry; false when it is not
 * due, or another node marked it first.
 */
export async function expireConsentRecord(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('consents').select('expires_at').where('id', '=', id).executeTakeFirst();
    const updated = await tx
      .updateTable('consents')
      .set({ status: 'expired', updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('expires_at', '<=', at)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0 || !row?.expires_at) return false;
    await tx
      .insertInto('consent_events')
      .values({
        id: `${id}:expired`,
        consent_id: id,
        at: row.expires_at,
        event: 'expired',
        actor_id: null,
        by_subject: 0,
        reason: 'Its end date has passed.',
        ledger_index: null,
      })
      .execute();
    return true;
  });
}

/** Withdraws a consent; withdrawing it again changes nothing. */
export async function revokeConsent(
  db: Kysely<Database>,
  id: string,
  actor?: ConsentActor,
): Promise<ConsentView> {
  await getConsent(db, id);
  await withdrawConsentRecord(db, id, actor);
  return getConsent(db, id);
}

/** Notes which ledger entry records a change of the consent. */
export async function noteLedgerIndex(
  db: Kysely<Database>,
  id: string,
  event: 'given' | 'revoked' | 'expired',
  ledgerIndex: number,
): Promise<void> {
  await db
    .updateTable('consent_events')
    .set({ ledger_index: ledgerIndex })
    .where('consent_id', '=', id)
    .where('event', '=', event)
    .execute();
}

export async function deleteConsent(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('consent_events').where('consent_id', '=', id).execute();
    await tx.deleteFrom('consents').where('id', '=', id).execute();
  });
}
