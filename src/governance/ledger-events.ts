/**
 * The auditor's search of the whole ledger: access events (the exchange's decisions) and governance events,
 * by kind, organization, system, purpose and day, newest first. Like the governance list (events.ts) it
 * judges the committed events, not the ledger's index columns: the SQL only narrows the rows it reads
 * (canonical JSON has no spaces, so `"system":"x"` is in the text of every event naming system x), and each
 * row read is matched against its event.
 */
import { type Kysely, sql } from 'kysely';
import type { LedgerEvent } from '../ledger/index.ts';
import { type Database, decodeCursor, encodeCursor, GOVERNANCE_ROWS, type Page } from '../store/index.ts';
import { actorOf, type LedgerRowQuery, organizationsOf, scanLedger } from './events.ts';

export type LedgerEventType = 'access' | 'governance';

export interface LedgerEventFilter {
  type?: LedgerEventType | undefined;
  kind?: string | undefined;
  /** An organization's slug: as `organization`, provider or consumer. */
  organization?: string | undefined;
  /** A system's slug: the calling system of an access event, or the system a governance event changed. */
  system?: string | undefined;
  /** A purpose's slug. */
  purpose?: string | undefined;
  /** First and last day (UTC, YYYY-MM-DD), inclusive, of the event's `at`. */
  from?: string | undefined;
  to?: string | undefined;
}

export interface LedgerEventView {
  index: number;
  type: LedgerEventType;
  kind: string;
  at: string | null;
  organizations: string[];
  system: string | null;
  purpose: string | null;
  /** An access event's outcome (`allowed`, `denied`…); null for governance events. */
  outcome: string | null;
  /** The person who made a governance change; null for access events and what govdx did by itself. */
  actor: { id: string; name: string | null } | null;
  event: Record<string, unknown>;
  indexProblem: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The text a canonical JSON event holds when `key` is the string `value` (slugs hold no LIKE wildcards). */
const holds = (key: string, value: string) => `%${JSON.stringify(key)}:${JSON.stringify(value)}%`;

function typeOf(event: LedgerEvent): LedgerEventType {
  return event.kind === 'access' ? 'access' : 'governance';
}

function dayOf(at: string | null): string | null {
  return at !== null && /^\d{4}-\d{2}-\d{2}/.test(at) ? at.slice(0, 10) : null;
}

export function matchesLedgerEvent(event: LedgerEvent, filter: LedgerEventFilter): boolean {
  if (filter.type !== undefined && typeOf(event) !== filter.type) return false;
  if (filter.kind !== undefined && event.kind !== filter.kind) return false;
  if (filter.organization !== undefined && !organizationsOf(event).includes(filter.organization))
    return false;
  if (filter.system !== undefined && text(event.system) !== filter.system) return false;
  if (filter.purpose !== undefined && text(event.purpose) !== filter.purpose) return false;
  if (filter.from !== undefined || filter.to !== undefined) {
    const day = dayOf(text(event.at));
    if (day === null) return false;
    if (filter.from !== undefined && day < filter.from) return false;
    if (filter.to !== undefined && day > filter.to) return false;
  }
  return true;
}

/** A page of ledger events, newest first, before entry `before` (exclusive; null for the newest). */
export async function listLedgerEvents(
  db: Kysely<Database>,
  filter: LedgerEventFilter,
  limit: number,
  before: number | null,
): Promise<Page<LedgerEventView>> {
  const narrow = (rows: LedgerRowQuery): LedgerRowQuery => {
    let query = rows;
    if (filter.type === 'governance') query = query.where(GOVERNANCE_ROWS);
    if (filter.type === 'access') query = query.where(sql<boolean>`not ${GOVERNANCE_ROWS}`);
    if (filter.system !== undefined) query = query.where('event', 'like', holds('system', filter.system));
    if (filter.purpose !== undefined) query = query.where('event', 'like', holds('purpose', filter.purpose));
    const organization = filter.organization;
    if (organization !== undefined) {
      query = query.where((eb) =>
        eb.or(
          ['organization', 'provider', 'consumer'].map((key) =>
            eb('event', 'like', holds(key, organization)),
          ),
        ),
      );
    }
    return query;
  };
  const { items, nextKey } = await scanLedger(
    db,
    narrow,
    (event) => matchesLedgerEvent(event, filter),
    limit,
    before,
  );
  const names = await namesOf(
    db,
    items.map((f) => actorOf(f.event)).filter((id): id is string => id !== null),
  );
  return {
    items: items.map(({ index, event, problem }) => {
      const type = typeOf(event);
      const actor = type === 'governance' ? actorOf(event) : null;
      return {
        index,
        type,
        kind: event.kind,
        at: text(event.at),
        organizations: organizationsOf(event),
        system: text(event.system),
        purpose: text(event.purpose),
        outcome: type === 'access' ? text(event.outcome) : null,
        actor: actor === null ? null : { id: actor, name: names.get(actor) ?? null },
        event: event as Record<string, unknown>,
        indexProblem: problem,
      };
    }),
    nextCursor: nextKey === null ? null : encodeCursor(String(nextKey)),
  };
}

/** Every matching event, newest first, page by page: for the auditor's export. */
export async function* allLedgerEvents(
  db: Kysely<Database>,
  filter: LedgerEventFilter,
): AsyncGenerator<LedgerEventView> {
  let before: number | null = null;
  for (;;) {
    const page = await listLedgerEvents(db, filter, 500, before);
    yield* page.items;
    if (page.nextCursor === null) return;
    before = Number(decodeCursor(page.nextCursor));
  }
}

async function namesOf(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('people').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
