/**
 * An organization's changes and its members' roles, each recorded on the ledger or undone
 * (src/governance): its name is what citizens read in their tracker, and roles decide who may do what.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import {
  GovdxError,
  globalRolesChanged,
  holdsRole,
  type MembershipRole,
  type Principal,
} from '../domain/index.ts';
import { changedKeys, governed, type Recorder, recordChange } from '../governance/index.ts';
import { EVENT_KINDS } from '../ledger/index.ts';
import type { Database, Dialect } from '../store/index.ts';
import {
  findOrganization,
  type OrganizationView,
  toOrganization,
  updateOrganization,
} from './organizations.ts';
import { type MemberView, setMemberRoles } from './people.ts';
import type { OrganizationChanges } from './schemas.ts';

const ORGANIZATION_TERMS = ['name', 'kind', 'description', 'website', 'contactEmail'] as const;

export interface OrganizationEffects {
  db: Kysely<Database>;
  ledger: Recorder;
  /**
   * Done in the same transaction as a change of name (the catalog's search words for the organization's
   * datasets include the publisher's name): renamed together, or not at all.
   */
  renamed(tx: Kysely<Database>, organizationId: string): Promise<void>;
}

/** Changes an organization: on the ledger (organization.changed), or undone. */
export async function changeOrganization(
  effects: OrganizationEffects,
  slug: string,
  changes: Static<typeof OrganizationChanges>,
  by: string | null,
): Promise<OrganizationView> {
  const { db } = effects;
  const before = toOrganization(await findOrganization(db, slug));
  const rename = (changes: Static<typeof OrganizationChanges>) =>
    db.transaction().execute(async (tx) => {
      const organization = await updateOrganization(tx, slug, changes);
      if (changes.name !== undefined) await effects.renamed(tx, organization.id);
      return organization;
    });
  const { made } = await governed(effects.ledger, {
    apply: () => rename(changes),
    events: (after) => {
      const changed = changedKeys(before, after, ORGANIZATION_TERMS);
      if (changed.length === 0) return [];
      return [
        {
          kind: EVENT_KINDS.organizationChanged,
          organization: after.slug,
          changed,
          name: after.name,
          previousName: before.name,
          by,
        },
      ];
    },
    undo: async () => {
      const { name, kind, description, website, contactEmail } = before;
      await rename({ name, kind, description, website, contactEmail });
    },
  });
  return made;
}

/**
 * Sets a person's roles in an organization (the whole set; an empty list removes them). Only a platform
 * admin grants or removes the global roles. The change is on the ledger (membership.changed); when it
 * cannot be, roles it granted are taken back, while roles it removed stay removed.
 */
export async function changeMemberRoles(
  effects: { db: Kysely<Database>; dialect: Dialect; ledger: Recorder },
  organization: { id: string; slug: string },
  personId: string,
  roles: MembershipRole[],
  principal: Principal,
): Promise<MemberView> {
  const { db, dialect } = effects;
  const { before, member } = await setMemberRoles(db, dialect, organization.id, personId, roles, {
    allowed: (held) => {
      const global = globalRolesChanged(held, roles);
      if (global.length > 0 && !holdsRole(principal, ['platform_admin'], null)) {
        throw new GovdxError(
          'FORBIDDEN',
          `Only a platform admin can grant or remove ${global.join(' or ')}.`,
          {
            roles: global,
          },
        );
      }
    },
  });
  const after = member.roles;
  if (before.join() === after.join()) return member;
  await recordChange(
    effects.ledger,
    [
      {
        kind: EVENT_KINDS.membershipChanged,
        organization: organization.slug,
        organizationId: organization.id,
        person: personId,
        rolesBefore: before,
        rolesAfter: after,
        by: principal.personId,
      },
    ],
    {
      // Roles it granted are taken back; roles it removed stay removed (their tokens stop working at once).
      undo: async () => {
        if (after.every((role) => before.includes(role))) return false;
        const kept = after.filter((role) => before.includes(role));
        await setMemberRoles(db, dialect, organization.id, personId, kept, { mayLeaveVacant: true });
        return true;
      },
      notMade:
        'The change could not be recorded on the ledger, so the roles it granted were not given (any it ' +
        'removed stay removed). Try again shortly.',
    },
  );
  return member;
}
