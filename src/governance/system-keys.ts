/**
 * The history of a system's keys, for the auditor: each key id it was ever registered with, when it came
 * and when it went, and who made each change, as the ledger's `system.registered` and `system.key_rotated`
 * events record them (src/directory/recorded.ts). A key's algorithm is known while it is in the system's
 * JWKS: the ledger records key ids and a digest of the set, not the keys.
 */
import type { Kysely } from 'kysely';
import type { LedgerEvent } from '../ledger/index.ts';
import { type Database, GOVERNANCE_ROWS } from '../store/index.ts';
import { actorOf } from './events.ts';

export interface KeyChange {
  at: string | null;
  index: number;
  by: { id: string; name: string | null } | null;
}

export interface SystemKeyView {
  kid: string;
  alg: string | null;
  kty: string | null;
  current: boolean;
  added: KeyChange | null;
  removed: KeyChange | null;
}

interface CurrentKey {
  kid?: string | undefined;
  alg?: string | undefined;
  kty?: string | undefined;
}

const KEY_EVENTS = ['system.registered', 'system.key_rotated'];

/** Pure: the keys' history from the system's key events, oldest first, and its current keys. */
export function keyHistory(
  events: ReadonlyArray<{ index: number; event: LedgerEvent }>,
  currentKeys: readonly CurrentKey[],
  names: ReadonlyMap<string, string> = new Map(),
): SystemKeyView[] {
  const keys = new Map<string, SystemKeyView>();
  let held = new Set<string>();
  for (const { index, event } of events) {
    if (!KEY_EVENTS.includes(event.kind)) continue;
    const by = actorOf(event);
    const change: KeyChange = {
      at: typeof event.at === 'string' ? event.at : null,
      index,
      by: by === null ? null : { id: by, name: names.get(by) ?? null },
    };
    const ids = Array.isArray(event.keyIds)
      ? event.keyIds.filter((k): k is string => typeof k === 'string')
      : [];
    const now = new Set(ids);
    for (const kid of now) {
      const known = keys.get(kid);
      if (!known) {
        keys.set(kid, { kid, alg: null, kty: null, current: false, added: change, removed: null });
      } else if (!held.has(kid)) {
        // Back after being removed: the latest coming counts.
        known.added = change;
        known.removed = null;
      }
    }
    for (const kid of held) {
      if (!now.has(kid)) keys.get(kid)!.removed = change;
    }
    held = now;
  }
  for (const key of currentKeys) {
    if (typeof key.kid !== 'string') continue;
    const view = keys.get(key.kid) ?? {
      kid: key.kid,
      alg: null,
      kty: null,
      current: true,
      added: null,
      removed: null,
    };
    view.alg = key.alg ?? null;
    view.kty = key.kty ?? null;
    view.current = true;
    view.removed = null;
    keys.set(key.kid, view);
  }
  return [...keys.values()];
}

/** The key history of the system with id `systemId`, read from its events on the ledger. */
export async function systemKeyHistory(
  db: Kysely<Database>,
  systemId: string,
  currentKeys: readonly CurrentKey[],
): Promise<SystemKeyView[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['entry_index', 'event'])
    .where(GOVERNANCE_ROWS)
    .where('event', 'like', `%"systemId":${JSON.stringify(systemId)}%`)
    .orderBy('entry_index', 'asc')
    .execute();
  const events = rows
    .map((row) => ({ index: Number(row.entry_index), event: JSON.parse(row.event) as LedgerEvent }))
    // The committed event decides, not the text the query narrowed by.
    .filter(({ event }) => event.systemId === systemId);
  const by = [...new Set(events.map((e) => actorOf(e.event)).filter((id): id is string => id !== null))];
  const people =
    by.length === 0
      ? []
      : await db.selectFrom('people').select(['id', 'name']).where('id', 'in', by).execute();
  return keyHistory(events, currentKeys, new Map(people.map((p) => [p.id, p.name])));
}
