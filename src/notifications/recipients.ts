/**
 * Who a notification is for, and the words and link it carries: reads the people, their roles and the
 * thing concerned (agreement, catalog change, release) as they stand when the notification is made.
 */
import type { Kysely } from 'kysely';
import { agreementRow, authorsOf } from '../agreements/index.ts';
import {
  APPROVAL_PARTIES,
  type ApprovalParty,
  type Audience,
  type NoticeWords,
  type Subject,
} from '../domain/index.ts';
import type { Database } from '../store/index.ts';

type Db = Kysely<Database>;

export interface Recipient {
  personId: string;
  /** The organization (slug) the person acts for here; it makes the link. */
  organization: string | null;
  /** For an agreement's sign-off: the one the person gives. */
  party?: ApprovalParty;
}

async function members(db: Db, roles: string[], organizationSlug?: string) {
  let query = db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['memberships.person_id', 'organizations.slug', 'memberships.role'])
    .where('memberships.role', 'in', roles as never[]);
  if (organizationSlug !== undefined) query = query.where('organizations.slug', '=', organizationSlug);
  return query.orderBy('organizations.slug').orderBy('memberships.person_id').execute();
}

/** One entry per person: the first organization found for them. */
function onePerPerson(found: Recipient[]): Recipient[] {
  const seen = new Map<string, Recipient>();
  for (const r of found) if (!seen.has(r.personId)) seen.set(r.personId, r);
  return [...seen.values()];
}

export async function recipientsOf(db: Db, audience: Audience): Promise<Recipient[]> {
  if ('signatoriesOf' in audience) {
    const row = await db
      .selectFrom('agreements')
      .select(['id', 'created_by', 'status'])
      .where('id', '=', audience.signatoriesOf)
      .executeTakeFirst();
    if (!row || (row.status !== 'submitted' && row.status !== 'active')) return [];
    const slots = await db
      .selectFrom('agreement_approvals')
      .innerJoin('organizations', 'organizations.id', 'agreement_approvals.organization_id')
      .select([
        'agreement_approvals.party',
        'agreement_approvals.role',
        'agreement_approvals.decision',
        'agreement_approvals.decided_by',
        'organizations.slug',
      ])
      .where('agreement_id', '=', row.id)
      .execute();
    const excluded = new Set([
      ...(await authorsOf(db, row)),
      ...slots.map((s) => s.decided_by).filter((id) => id !== null),
    ]);
    const order = Object.keys(APPROVAL_PARTIES);
    const found: Recipient[] = [];
    for (const slot of slots
      .filter((s) => s.decision === null)
      .sort((a, b) => order.indexOf(a.party) - order.indexOf(b.party))) {
      for (const m of await members(db, [slot.role], slot.slug)) {
        if (!excluded.has(m.person_id)) {
          found.push({ personId: m.person_id, organization: m.slug, party: slot.party as ApprovalParty });
        }
      }
    }
    return onePerPerson(found);
  }
  if ('authorsOf' in audience) {
    const row = await agreementRow(db, audience.authorsOf, null);
    const authors = await authorsOf(db, row);
    return onePerPerson(authors.map((personId) => ({ personId, organization: row.consumer_slug })));
  }
  if ('officersOf' in audience) {
    const officers = await members(db, ['data_protection_officer'], audience.officersOf);
    return onePerPerson(
      officers
        .filter((m) => !audience.except.includes(m.person_id))
        .map((m) => ({ personId: m.person_id, organization: m.slug })),
    );
  }
  if ('people' in audience) {
    return onePerPerson(
      audience.people.map((personId) => ({ personId, organization: audience.organization })),
    );
  }
  const everyone = await members(
    db,
    ['organization_admin', 'data_steward'],
    'stewardsAndAdminsOf' in audience ? audience.stewardsAndAdminsOf : undefined,
  );
  return onePerPerson(everyone.map((m) => ({ personId: m.person_id, organization: m.slug })));
}

/** The names the words need, and the end date an agreement or emergency has. */
export async function wordsOf(
  db: Db,
  subject: Subject,
): Promise<{ thing: string; endsAt: string | null } | null> {
  if ('agreement' in subject) {
    const row = await agreementRow(db, subject.agreement, null).catch(() => null);
    if (!row) return null;
    return {
      thing: `"${row.service_title}" from ${row.provider_name} to ${row.consumer_name}`,
      endsAt: row.valid_until,
    };
  }
  if ('catalogChange' in subject) {
    const change = await db
      .selectFrom('catalog_changes')
      .leftJoin('datasets', 'datasets.id', 'catalog_changes.dataset_id')
      .leftJoin('services', 'services.id', 'catalog_changes.service_id')
      .select(['datasets.title as dataset', 'services.title as service'])
      .where('catalog_changes.id', '=', subject.catalogChange)
      .executeTakeFirst();
    if (!change) return null;
    const title = change.dataset ?? change.service ?? 'a resource';
    return { thing: `the ${subject.target} "${title}"`, endsAt: null };
  }
  if ('release' in subject) {
    const release = await db
      .selectFrom('releases')
      .select('title')
      .where('id', '=', subject.release)
      .executeTakeFirst();
    return release ? { thing: release.title, endsAt: null } : null;
  }
  if ('correction' in subject) {
    const request = await db
      .selectFrom('correction_requests')
      .innerJoin('datasets', 'datasets.id', 'correction_requests.dataset_id')
      .select('datasets.title')
      .where('correction_requests.id', '=', subject.correction)
      .executeTakeFirst();
    return request ? { thing: request.title.toLowerCase(), endsAt: null } : null;
  }
  return { thing: subject.name, endsAt: subject.endsAt };
}

/** Where the web app shows the thing concerned, for a person acting for `organization`. */
export function linkOf(subject: Subject, organization: string | null): string {
  const org = encodeURIComponent(organization ?? '');
  if ('agreement' in subject) {
    return organization === null
      ? '/agency-console'
      : `/agency-console/${org}/agreements/${encodeURIComponent(subject.agreement)}`;
  }
  if ('catalogChange' in subject) return `/agency-console#org-${encodeURIComponent(subject.organization)}`;
  if ('release' in subject) {
    return `/releases/${encodeURIComponent(subject.organization)}/${encodeURIComponent(subject.release)}`;
  }
  if ('correction' in subject) {
    return subject.forSteward
      ? `/agency-console/${encodeURIComponent(subject.organization)}/corrections`
      : '/my-data#corrections-heading';
  }
  return '/agency-console';
}

/** The words of an agreement's sign-off, for the title. */
export function roleWords(party: ApprovalParty | undefined): Pick<NoticeWords, 'role'> {
  return { role: party === undefined ? undefined : APPROVAL_PARTIES[party].label };
}
