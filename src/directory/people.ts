import { type Kysely, sql } from 'kysely';
import type { Static } from 'typebox';
import {
  GovdxError,
  type MembershipRole,
  notFound,
  type Principal,
  ROLES_NEVER_VACANT,
  type Role,
} from '../domain/index.ts';
import {
  type Database,
  type Dialect,
  isUniqueViolation,
  now,
  type Page,
  type PersonTable,
  toPage,
} from '../store/index.ts';
import type { Member, NewPerson, Person, PersonChanges } from './schemas.ts';

export type PersonView = Static<typeof Person>;
export type MemberView = Static<typeof Member>;

async function membershipsOf(db: Kysely<Database>, personIds: string[]) {
  if (personIds.length === 0) return new Map<string, PersonView['memberships']>();
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['memberships.person_id', 'memberships.role', 'organizations.slug', 'organizations.name'])
    .where('memberships.person_id', 'in', personIds)
    .orderBy('organizations.slug')
    .orderBy('memberships.role')
    .execute();
  const byPerson = new Map<string, PersonView['memberships']>();
  for (const row of rows) {
    const list = byPerson.get(row.person_id) ?? [];
    list.push({ organization: row.slug, organizationName: row.name, role: row.role });
    byPerson.set(row.person_id, list);
  }
  return byPerson;
}

function toPerson(row: PersonTable, memberships: PersonView['memberships']): PersonView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    nationalId: row.national_id,
    memberships,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listPeople(
  db: Kysely<Database>,
  limit: number,
  after: string | null,
): Promise<Page<PersonView>> {
  let query = db.selectFrom('people').selectAll();
  if (after) query = query.where('id', '>', after);
  const rows = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const memberships = await membershipsOf(
    db,
    rows.slice(0, limit).map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => r.id,
    (r) => toPerson(r, memberships.get(r.id) ?? []),
  );
}

export async function getPerson(db: Kysely<Database>, id: string): Promise<PersonView> {
  const row = await db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('person', id);
  return toPerson(row, (await membershipsOf(db, [id])).get(id) ?? []);
}

/** Each role a principal holds, with its organization's slug (null for a platform-wide role). */
async function rolesOf(
  db: Kysely<Database>,
  principal: Principal,
): Promise<{ role: Role; organization: string | null }[]> {
  const orgIds = [...new Set(principal.grants.flatMap((g) => (g.organizationId ? [g.organizationId] : [])))];
  const orgs = orgIds.length
    ? await db.selectFrom('organizations').select(['id', 'slug']).where('id', 'in', orgIds).execute()
    : [];
  const slugOf = new Map(orgs.map((o) => [o.id, o.slug]));
  return principal.grants.map((g) => ({
    role: g.role,
    organization: g.organizationId ? (slugOf.get(g.organizationId) ?? null) : null,
  }));
}

/** The national ID of a person; null when they have none, or there is no such person. */
export async function nationalIdOf(db: Kysely<Database>, personId: string): Promise<string | null> {
  const row = await db
    .selectFrom('people')
    .select('national_id')
    .where('id', '=', personId)
    .executeTakeFirst();
  return row?.national_id ?? null;
}

/**
 * Who is signed in, for the web app: the person's name, email and national ID, and each role with its
 * organization's slug; null when the person no longer exists.
 */
export async function signedInAs(
  db: Kysely<Database>,
  principal: Principal,
): Promise<{
  person: { id: string; name: string; email: string | null; nationalId: string | null };
  roles: { role: Role; organization: string | null }[];
} | null> {
  const person = await db
    .selectFrom('people')
    .select(['id', 'name', 'email', 'national_id'])
    .where('id', '=', principal.personId)
    .executeTakeFirst();
  if (!person) return null;
  return {
    person: { id: person.id, name: person.name, email: person.email, nationalId: person.national_id },
    roles: await rolesOf(db, principal),
  };
}

/** Who a signed-in principal is: their person, and each role they hold with its organization's slug. */
export async function whoIs(
  db: Kysely<Database>,
  principal: Principal,
): Promise<{
  person: PersonView;
  roles: { role: Role; organization: string | null }[];
  via: Principal['via'];
}> {
  const person = await getPerson(db, principal.personId);
  return { person, roles: await rolesOf(db, principal), via: principal.via };
}

function uniqueClash(error: unknown, input: { email?: string | null; nationalId?: string | null }): never {
  if (isUniqueViolation(error)) {
    throw new GovdxError('ALREADY_EXISTS', 'Another person already has this email address or national ID.', {
      email: input.email ?? null,
      nationalId: input.nationalId ?? null,
    });
  }
  throw error;
}

export async function createPerson(
  db: Kysely<Database>,
  input: Static<typeof NewPerson>,
): Promise<PersonView> {
  const at = now();
  const row: PersonTable = {
    id: crypto.randomUUID(),
    name: input.name,
    email: input.email ?? null,
    national_id: input.nationalId ?? null,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.insertInto('people').values(row).execute();
  } catch (error) {
    uniqueClash(error, input);
  }
  return toPerson(row, []);
}

export async function updatePerson(
  db: Kysely<Database>,
  id: string,
  changes: Static<typeof PersonChanges>,
): Promise<PersonView> {
  const current = await db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) throw notFound('person', id);
  const next: PersonTable = {
    ...current,
    name: changes.name ?? current.name,
    email: changes.email !== undefined ? changes.email : current.email,
    national_id: changes.nationalId !== undefined ? changes.nationalId : current.national_id,
    updated_at: now(),
  };
  try {
    await db.updateTable('people').set(next).where('id', '=', id).execute();
  } catch (error) {
    uniqueClash(error, changes);
  }
  return getPerson(db, id);
}

export async function listMembers(
  db: Kysely<Database>,
  organizationId: string,
  limit: number,
  after: string | null,
): Promise<Page<MemberView>> {
  let ids = db
    .selectFrom('memberships')
    .select('person_id')
    .distinct()
    .where('organization_id', '=', organizationId);
  if (after) ids = ids.where('person_id', '>', after);
  const idRows = await ids
    .orderBy('person_id')
    .limit(limit + 1)
    .execute();
  const pageIds = idRows.slice(0, limit).map((r) => r.person_id);
  const rows =
    pageIds.length === 0
      ? []
      : await db
          .selectFrom('memberships')
          .innerJoin('people', 'people.id', 'memberships.person_id')
          .select(['people.id', 'people.name', 'people.email', 'memberships.role'])
          .where('memberships.organization_id', '=', organizationId)
          .where('people.id', 'in', pageIds)
          .execute();
  const members = new Map<string, MemberView>();
  for (const row of rows) {
    const member = members.get(row.id) ?? { personId: row.id, name: row.name, email: row.email, roles: [] };
    member.roles.push(row.role);
    members.set(row.id, member);
  }
  for (const member of members.values()) member.roles.sort();
  return toPage(
    idRows,
    limit,
    (r) => r.person_id,
    (r) => members.get(r.person_id)!,
  );
}

/** The advisory lock key of membership changes on PostgreSQL: the ASCII bytes of "govdxMbr" as a bigint. */
const MEMBERSHIP_LOCK = 0x676f7664784d6272n;

const ROLE_WORDS: Record<(typeof ROLES_NEVER_VACANT)[number], string> = {
  platform_admin: 'platform admin',
  auditor: 'auditor',
};

export interface MembershipChange {
  /** The person's roles in the organization before the change, sorted. */
  before: MembershipRole[];
  member: MemberView;
}

/**
 * Replaces the set of roles a person holds in an organization, in one transaction. `allowed` sees the roles
 * held before and throws to refuse. Unless `mayLeaveVacant`, a change that would leave nobody anywhere
 * holding platform_admin or auditor is refused (LAST_ROLE_HOLDER). Changes are serialized (one writer on
 * SQLite, an advisory lock on PostgreSQL), so two removals at once cannot both see someone else left.
 */
export async function setMemberRoles(
  db: Kysely<Database>,
  dialect: Dialect,
  organizationId: string,
  personId: string,
  roles: MembershipRole[],
  options: { allowed?(before: MembershipRole[]): void; mayLeaveVacant?: boolean } = {},
): Promise<MembershipChange> {
  const person = await db
    .selectFrom('people')
    .select(['id', 'name', 'email'])
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) throw notFound('person', personId);
  const after = [...new Set(roles)].sort();
  const before = await db.transaction().execute(async (tx) => {
    if (dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${String(MEMBERSHIP_LOCK)}::bigint)`.execute(tx);
    const held = (
      await tx
        .selectFrom('memberships')
        .select('role')
        .where('organization_id', '=', organizationId)
        .where('person_id', '=', personId)
        .execute()
    )
      .map((row) => row.role)
      .sort();
    options.allowed?.(held);
    await tx
      .deleteFrom('memberships')
      .where('organization_id', '=', organizationId)
      .where('person_id', '=', personId)
      .execute();
    if (after.length > 0) {
      const at = now();
      await tx
        .insertInto('memberships')
        .values(
          after.map((role) => ({
            person_id: personId,
            organization_id: organizationId,
            role,
            created_at: at,
          })),
        )
        .execute();
    }
    if (!options.mayLeaveVacant) {
      for (const role of ROLES_NEVER_VACANT) {
        if (!held.includes(role) || after.includes(role)) continue;
        const left = await tx
          .selectFrom('memberships')
          .select('person_id')
          .where('role', '=', role)
          .limit(1)
          .executeTakeFirst();
        if (!left) {
          throw new GovdxError(
            'LAST_ROLE_HOLDER',
            `${person.name} is the last ${ROLE_WORDS[role]}: give the role to someone else first, so that it is never left vacant.`,
            { role },
          );
        }
      }
    }
    return held;
  });
  return { before, member: { personId, name: person.name, email: person.email, roles: after } };
}
