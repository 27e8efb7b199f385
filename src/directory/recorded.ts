/**
 * The directory's governance changes, each recorded on the ledger or undone (src/governance): registering
 * and changing a system (its name and description are what citizens see in their tracker; its keys and
 * status decide who may call), registering and changing a purpose (the reason and legal basis that
 * agreements and consents rest on), registering an organization, and registering or changing a person
 * (a national ID on an account opens that person's *My data*).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { GovdxError } from '../domain/index.ts';
import { addsNothing, changedKeys, governed, type Recorder } from '../governance/index.ts';
import { canonicalJson, EVENT_KINDS, type LedgerEvent } from '../ledger/index.ts';
import type { Database } from '../store/index.ts';
import { createOrganization, type OrganizationView } from './organizations.ts';
import { createPerson, getPerson, type PersonView, updatePerson } from './people.ts';
import { createPurpose, getPurpose, type PurposeView, updatePurpose } from './purposes.ts';
import type {
  NewOrganization,
  NewPerson,
  NewPurpose,
  NewSystem,
  PersonChanges,
  PurposeChanges,
  SystemChanges,
} from './schemas.ts';
import { createSystem, getSystem, type SystemView, updateSystem } from './systems.ts';

const PURPOSE_TERMS = ['title', 'description', 'legalBasis', 'specialCategoryBasis'] as const;

export interface DirectoryEffects {
  db: Kysely<Database>;
  ledger: Recorder;
  /** Tells the exchange that systems changed (it reads their keys and status). */
  changed(): Promise<void>;
}

type Organization = { id: string; slug: string };

/** The keys a system is known by, as recorded: their ids, or the URL they are fetched from, and a digest. */
function keysOf(system: SystemView) {
  return {
    keyIds: system.jwks ? system.jwks.keys.map((key) => key.kid) : null,
    jwksUri: system.jwksUri,
    jwksSha256: system.jwks ? createHash('sha256').update(canonicalJson(system.jwks)).digest('base64') : null,
  };
}

export async function registerSystem(
  effects: DirectoryEffects,
  organization: Organization,
  input: Static<typeof NewSystem>,
  by: string | null,
): Promise<SystemView> {
  const { made } = await governed(effects.ledger, {
    apply: () => createSystem(effects.db, organization, input),
    events: (system) => [
      {
        kind: EVENT_KINDS.systemRegistered,
        organization: organization.slug,
        system: system.slug,
        systemId: system.id,
        name: system.name,
        ...keysOf(system),
        by,
      },
    ],
    undo: async (system) => {
      await effects.db.deleteFrom('systems').where('id', '=', system.id).execute();
      await effects.changed();
    },
    notMade: 'The system could not be recorded on the ledger, so it was not registered. Try again shortly.',
  });
  return made;
}

/**
 * Changes a system. A removal of keys and a disabling stand even when the ledger cannot record them (the
 * exchange sees them at once); new keys, a re-enabling, a new name or description are undone.
 */
export async function changeSystem(
  effects: DirectoryEffects,
  organization: Organization,
  slug: string,
  changes: Static<typeof SystemChanges>,
  by: string | null,
): Promise<SystemView> {
  const { db } = effects;
  const before = await getSystem(db, organization, slug);
  const { made } = await governed(effects.ledger, {
    apply: async () => {
      const after = await updateSystem(db, organization, slug, changes);
      // The exchange sees a removed key or a disabling at once, whatever the ledger does.
      await effects.changed();
      return after;
    },
    events: (after) => {
      const about = { organization: organization.slug, system: after.slug, systemId: after.id };
      const events: LedgerEvent[] = [];
      const described = changedKeys(before, after, ['name', 'description']);
      if (described.length > 0) {
        events.push({
          kind: EVENT_KINDS.systemChanged,
          ...about,
          changed: described,
          name: after.name,
          previousName: before.name,
          description: after.description,
          by,
        });
      }
      if (keysChanged(before, after))
        events.push({ kind: EVENT_KINDS.systemKeyRotated, ...about, ...keysOf(after), by });
      if (before.status !== after.status) {
        events.push({
          kind: after.status === 'disabled' ? EVENT_KINDS.systemDisabled : EVENT_KINDS.systemEnabled,
          ...about,
          by,
        });
      }
      return events;
    },
    takesAway: (after) => Object.keys(undoOf(before, after)).length === 0,
    undo: async (after) => {
      await updateSystem(db, organization, after.slug, undoOf(before, after));
      await effects.changed();
    },
    notMade:
      'The change could not be recorded on the ledger, so new keys, a re-enabling or a new name were not taken ' +
      '(anything it took away stands). Try again shortly.',
  });
  return made;
}

function keysChanged(before: SystemView, after: SystemView): boolean {
  return canonicalJson([before.jwks, before.jwksUri]) !== canonicalJson([after.jwks, after.jwksUri]);
}

/** What puts back what a change added: new keys, a re-enabling, a name or description. */
function undoOf(before: SystemView, after: SystemView): Static<typeof SystemChanges> {
  const undo: Static<typeof SystemChanges> = {};
  if (keysChanged(before, after) && !onlyRemovesKeys(before, after)) {
    if (before.jwks) undo.jwks = before.jwks;
    else undo.jwksUri = before.jwksUri!;
  }
  if (before.status !== after.status && after.status === 'active') undo.status = before.status;
  if (before.name !== after.name) undo.name = before.name;
  if (before.description !== after.description) undo.description = before.description;
  return undo;
}

/** Whether a change of a system's keys only removes some: the same key set, fewer keys in it. */
function onlyRemovesKeys(before: SystemView, after: SystemView): boolean {
  if (!before.jwks || !after.jwks || before.jwksUri !== after.jwksUri) return false;
  return addsNothing(after.jwks.keys, before.jwks.keys);
}

function purposeEvent(
  kind: string,
  purpose: PurposeView,
  by: string | null,
  changed?: string[],
): LedgerEvent {
  return {
    kind,
    organization: purpose.organization,
    purpose: purpose.slug,
    ...(changed ? { changed } : {}),
    title: purpose.title,
    description: purpose.description,
    legalBasis: purpose.legalBasis,
    specialCategoryBasis: purpose.specialCategoryBasis,
    by,
  };
}

export async function registerPurpose(
  effects: DirectoryEffects,
  organization: Organization,
  input: Static<typeof NewPurpose>,
  by: string | null,
): Promise<PurposeView> {
  const { made } = await governed(effects.ledger, {
    apply: () => createPurpose(effects.db, organization, input),
    events: (purpose) => [purposeEvent(EVENT_KINDS.purposeRegistered, purpose, by)],
    undo: async (purpose) => {
      await effects.db.deleteFrom('purposes').where('id', '=', purpose.id).execute();
    },
    notMade: 'The purpose could not be recorded on the ledger, so it was not registered. Try again shortly.',
  });
  return made;
}

/** Changes a purpose's words or legal basis: what agreements and consents rest on, so always undone unrecorded. */
export async function changePurpose(
  effects: DirectoryEffects,
  organization: Organization,
  slug: string,
  changes: Static<typeof PurposeChanges>,
  by: string | null,
): Promise<PurposeView> {
  const before = await getPurpose(effects.db, slug);
  const { made } = await governed(effects.ledger, {
    apply: () => updatePurpose(effects.db, organization, slug, changes),
    events: (after) => {
      const changed = changedKeys(before, after, PURPOSE_TERMS);
      return changed.length === 0 ? [] : [purposeEvent(EVENT_KINDS.purposeChanged, after, by, changed)];
    },
    undo: async () => {
      const { title, description, legalBasis, specialCategoryBasis } = before;
      await updatePurpose(effects.db, organization, slug, {
        title,
        description,
        legalBasis,
        specialCategoryBasis,
      });
    },
  });
  return made;
}

export async function registerOrganization(
  effects: Pick<DirectoryEffects, 'db' | 'ledger'>,
  input: Static<typeof NewOrganization>,
  by: string | null,
): Promise<OrganizationView> {
  const { made } = await governed(effects.ledger, {
    apply: () => createOrganization(effects.db, input),
    events: (organization) => [
      {
        kind: EVENT_KINDS.organizationRegistered,
        organization: organization.slug,
        name: organization.name,
        organizationKind: organization.kind,
        by,
      },
    ],
    undo: async (organization) => {
      await effects.db.deleteFrom('organizations').where('id', '=', organization.id).execute();
    },
    notMade:
      'The organization could not be recorded on the ledger, so it was not registered. Try again shortly.',
  });
  return made;
}

/** A person event: about the person whose national ID the account carries, so that they can read it. */
function personEvent(kind: string, person: PersonView, by: string | null, changed?: string[]): LedgerEvent {
  return {
    kind,
    subject: person.nationalId ?? null,
    person: person.id,
    ...(changed ? { changed } : {}),
    name: person.name,
    by,
  };
}

export async function registerPerson(
  effects: Pick<DirectoryEffects, 'db' | 'ledger'>,
  input: Static<typeof NewPerson>,
  by: string | null,
): Promise<PersonView> {
  const { made } = await governed(effects.ledger, {
    apply: () => createPerson(effects.db, input),
    events: (person) => [personEvent(EVENT_KINDS.personRegistered, person, by)],
    undo: async (person) => {
      await effects.db.deleteFrom('people').where('id', '=', person.id).execute();
    },
    notMade:
      'The person could not be recorded on the ledger, so they were not registered. Try again shortly.',
  });
  return made;
}

/**
 * Changes a person's name or email. Their national ID is not changed (FORBIDDEN): it decides whose data
 * they see as a citizen, so changing it would let one person read, or hide, another's. The event is about
 * the national ID the account carries: whoever it belongs to sees in *My data* what changed.
 */
export async function changePerson(
  effects: Pick<DirectoryEffects, 'db' | 'ledger'>,
  id: string,
  changes: Static<typeof PersonChanges>,
  by: string | null,
): Promise<PersonView> {
  const before = await getPerson(effects.db, id);
  if (changes.nationalId !== undefined && changes.nationalId !== before.nationalId) {
    throw new GovdxError(
      'FORBIDDEN',
      "A person's national ID cannot be changed: it decides whose data they see as a citizen.",
      { field: 'nationalId' },
    );
  }
  const { made } = await governed(effects.ledger, {
    apply: () => updatePerson(effects.db, id, changes),
    events: (after) => {
      const changed = changedKeys(before, after, ['name', 'email', 'nationalId']);
      if (changed.length === 0) return [];
      // A national ID taken off the account: the event is about the person it belonged to.
      const event = personEvent(EVENT_KINDS.personChanged, after, by, changed);
      return [{ ...event, subject: after.nationalId ?? before.nationalId ?? null }];
    },
    undo: async () => {
      const { name, email, nationalId } = before;
      await updatePerson(effects.db, id, { name, email: email ?? null, nationalId: nationalId ?? null });
    },
  });
  return made;
}
