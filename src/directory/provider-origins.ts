/**
 * The provider origins the exchange may call, kept by the platform admin. A steward names the address
 * of their provider's API when they publish a proxied service; without this list, that address could be
 * anything govdx can reach, a database's admin page or a cloud metadata service included. An origin on
 * the list is called at public addresses only, unless the admin marks it as inside the platform's own
 * network (`privateNetwork`), as the demo's providers on 127.0.0.1 are.
 */
import type { Kysely } from 'kysely';
import { type Static, Type } from 'typebox';
import { GovdxError, notFound, PROVIDER_ORIGIN_PATTERN, Timestamp } from '../domain/index.ts';
import { type Recorder, recordChange } from '../governance/index.ts';
import { EVENT_KINDS } from '../ledger/index.ts';
import { type Database, isUniqueViolation, now, type ProviderOriginTable } from '../store/index.ts';

export const ProviderOrigin = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    origin: Type.String({ description: 'Scheme, host and port, e.g. `https://api.tax.example.gov`' }),
    privateNetwork: Type.Boolean({
      description: "Inside the platform's own network: its private addresses are called",
    }),
    note: Type.String(),
    addedBy: Type.Union([Type.String(), Type.Null()]),
    addedAt: Timestamp,
  },
  { additionalProperties: false },
);

export const NewProviderOrigin = Type.Object(
  {
    origin: Type.String({
      pattern: PROVIDER_ORIGIN_PATTERN,
      maxLength: 300,
      description: 'Scheme, host and port only: `https://api.tax.example.gov`, `http://10.0.4.2:8081`',
    }),
    privateNetwork: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          "The origin is inside the platform's own network: call it at private addresses too. Otherwise only public addresses are called.",
      }),
    ),
    note: Type.Optional(
      Type.String({ maxLength: 500, description: 'Whose API this is, for the next admin' }),
    ),
  },
  { additionalProperties: false },
);

export type ProviderOriginView = Static<typeof ProviderOrigin>;

function toView(row: ProviderOriginTable): ProviderOriginView {
  return {
    id: row.id,
    origin: row.origin,
    privateNetwork: row.private_network === 1,
    note: row.note,
    addedBy: row.added_by,
    addedAt: row.added_at,
  };
}

/** The origin of an http(s) address: `https://api.example.gov:8443`; null for anything else. */
export function originOf(address: string): string | null {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

export async function listProviderOrigins(db: Kysely<Database>): Promise<ProviderOriginView[]> {
  const rows = await db.selectFrom('provider_origins').selectAll().orderBy('origin').execute();
  return rows.map(toView);
}

export async function addProviderOrigin(
  db: Kysely<Database>,
  input: Static<typeof NewProviderOrigin>,
  by: string | null,
): Promise<ProviderOriginView> {
  const origin = originOf(input.origin);
  if (!origin) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'Give the origin as scheme, host and port: https://api.example.gov',
    );
  }
  const row: ProviderOriginTable = {
    id: crypto.randomUUID(),
    origin,
    private_network: input.privateNetwork ? 1 : 0,
    note: input.note ?? '',
    added_by: by,
    added_at: now(),
  };
  try {
    await db.insertInto('provider_origins').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new GovdxError('ALREADY_EXISTS', `${origin} is on the list already.`, { origin });
    }
    throw error;
  }
  return toView(row);
}

/** Takes an origin off the list; resolves with what it was. */
export async function removeProviderOrigin(db: Kysely<Database>, id: string): Promise<ProviderOriginView> {
  const row = await db.selectFrom('provider_origins').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('provider origin', id);
  await db.deleteFrom('provider_origins').where('id', '=', id).execute();
  return toView(row);
}

export function providerNotAllowed(what: string): GovdxError {
  return new GovdxError(
    'PROVIDER_NOT_ALLOWED',
    `${what} is not on the platform's list of provider addresses. Ask the platform administrator to add its origin (scheme, host and port).`,
  );
}

/** Refuses a proxied service's address whose origin is not on the list (PROVIDER_NOT_ALLOWED). */
export async function checkProviderAddress(db: Kysely<Database>, address: string): Promise<void> {
  const origin = originOf(address);
  const listed = origin
    ? await db.selectFrom('provider_origins').select('id').where('origin', '=', origin).executeTakeFirst()
    : undefined;
  if (!listed) throw providerNotAllowed(`The address ${address}`);
}

export interface ProviderOriginEffects {
  db: Kysely<Database>;
  ledger: Recorder;
  /** Tells the exchange that the list changed (it reads it to decide which origins it calls). */
  changed(): Promise<void>;
}

/**
 * Adds an origin to the list, recorded on the ledger (provider_origin.added); when it cannot be, the
 * origin is taken off again (LEDGER_UNAVAILABLE).
 */
export async function allowProviderOrigin(
  effects: ProviderOriginEffects,
  input: Static<typeof NewProviderOrigin>,
  by: string | null,
): Promise<ProviderOriginView> {
  const { db } = effects;
  const added = await addProviderOrigin(db, input, by);
  await recordChange(
    effects.ledger,
    [
      {
        kind: EVENT_KINDS.providerOriginAdded,
        id: added.id,
        origin: added.origin,
        privateNetwork: added.privateNetwork,
        note: added.note,
        by,
      },
    ],
    {
      undo: async () => {
        await removeProviderOrigin(db, added.id);
        return true;
      },
      notMade: 'The origin could not be recorded on the ledger, so it was not added. Try again shortly.',
    },
  );
  await effects.changed();
  return added;
}

/**
 * Takes an origin off the list: the exchange stops calling it at once, then the removal is recorded
 * (provider_origin.removed). It stands even when the ledger cannot record it (LEDGER_UNAVAILABLE says so).
 */
export async function disallowProviderOrigin(
  effects: ProviderOriginEffects,
  id: string,
  by: string | null,
): Promise<ProviderOriginView> {
  const removed = await removeProviderOrigin(effects.db, id);
  await effects.changed();
  await recordChange(
    effects.ledger,
    [{ kind: EVENT_KINDS.providerOriginRemoved, id: removed.id, origin: removed.origin, by }],
    // Stopping calls must not wait for the ledger: nothing to undo.
    { undo: async () => false, notMade: '' },
  );
  return removed;
}
