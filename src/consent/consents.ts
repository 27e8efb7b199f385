/**
 * Consents in the store: given (active), revoked. For now recorded by a platform administrator; the
 * consent part adds the person's own flow (OAuth 2 / OIDC) and ISO/IEC TS 27560 receipts.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { GovdxError, notFound } from '../domain/index.ts';
import { type ConsentTable, type Database, now, type Page, toPage } from '../store/index.ts';
import type { Consent, NewConsent } from './schemas.ts';

export type ConsentView = Static<typeof Consent>;

function consents(db: Kysely<Database>) {
  return db
    .selectFrom('consents')
    .innerJoin('organizations', 'organizations.id', 'consents.consumer_organization_id')
    .innerJoin('purposes', 'purposes.id', 'consents.purpose_id')
    .selectAll('consents')
    .select([
      'organizations.slug as consumer_slug',
      'organizations.name as consumer_name',
      'purposes.slug as purpose_slug',
      'purposes.title as purpose_title',
    ]);
}
type ConsentRow = ConsentTable & {
  consumer_slug: string;
  consumer_name: string;
  purpose_slug: string;
  purpose_title: string;
};

function toConsent(row: ConsentRow): ConsentView {
  return {
    id: row.id,
    subject: row.subject,
    consumer: row.consumer_slug,
    consumerName: row.consumer_name,
    purpose: row.purpose_slug,
    purposeTitle: row.purpose_title,
    fields: JSON.parse(row.fields) as string[],
    status: row.status,
    givenAt: row.given_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export async function getConsent(db: Kysely<Database>, id: string): Promise<ConsentView> {
  const row = await consents(db).where('consents.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('consent', id);
  return toConsent(row);
}

/** A person's consents, oldest first. */
export async function listConsents(
  db: Kysely<Database>,
  subject: string,
  limit: number,
  after: string | null,
): Promise<Page<ConsentView>> {
  let query = consents(db).where('consents.subject', '=', subject);
  if (after) {
    const [at = '', id = ''] = after.split(' ');
    query = query.where((eb) =>
      eb.or([
        eb('consents.given_at', '>', at),
        eb.and([eb('consents.given_at', '=', at), eb('consents.id', '>', id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('consents.given_at')
    .orderBy('consents.id')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => `${r.given_at} ${r.id}`, toConsent);
}

export async function createConsent(
  db: Kysely<Database>,
  input: Static<typeof NewConsent>,
  createdBy: string | null,
): Promise<ConsentView> {
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
    .select('id')
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
  const row: ConsentTable = {
    id: crypto.randomUUID(),
    subject: input.subject,
    consumer_organization_id: consumer.id,
    purpose_id: purpose.id,
    fields: JSON.stringify(input.fields ?? []),
    status: 'active',
    given_at: at,
    expires_at: expiresAt,
    revoked_at: null,
    created_by: createdBy,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('consents').values(row).execute();
  return getConsent(db, row.id);
}

/** Withdraws a consent; withdrawing it again changes nothing. */
export async function revokeConsent(db: Kysely<Database>, id: string): Promise<ConsentView> {
  const current = await getConsent(db, id);
  if (current.status === 'revoked') return current;
  const at = now();
  await db
    .updateTable('consents')
    .set({ status: 'revoked', revoked_at: at, updated_at: at })
    .where('id', '=', id)
    .execute();
  return getConsent(db, id);
}

export async function deleteConsent(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('consents').where('id', '=', id).execute();
}
