/**
 * The auditor's list of governance events (every ledger event but the exchange's `access`): by kind, by
 * organization concerned and by the person who acted, newest first. It reads the committed events
 * themselves, not only the ledger's `kind` column: an entry whose column disagrees with its event is shown,
 * flagged, never left out (`govdx ledger audit` names every such entry).
 */
import type { Kysely } from 'kysely';
import type { LedgerEvent } from '../ledger/index.ts';
import { type Database, encodeCursor, GOVERNANCE_ROWS, type Page } from '../store/index.ts';

export interface GovernanceFilter {
  kind?: string | undefined;
  /** An organization's slug: events that name it as `organization`, `provider` or `consumer`. */
  organization?: string | undefined;
  /** The acting person's id (`by`), or `govdx` for what govdx did by itself. */
  actor?: string | undefined;
}

export interface GovernanceEventView {
  index: number;
  kind: string;
  at: string | null;
  organizations: string[];
  actor: { id: string; name: string | null } | null;
  event: Record<string, unknown>;
  /** Set when the ledger's index disagrees with the committed event: what is wrong. */
  indexProblem: string | null;
}

/** Rows read per query, and the most read for one page (a page may end early; its cursor goes on). */
const BATCH = 500;
const MOST_SCANNED = 10_000;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The organizations a governance event concerns: its `organization`, or an agreement's provider and consumer. */
export function organizationsOf(event: LedgerEvent): string[] {
  const found = [event.organization, event.provider, event.consumer].map(text).filter((s) => s !== null);
  return [...new Set(found)];
}

/** The person who made a governance change (`by`), or null when govdx did it by itself. */
export function actorOf(event: LedgerEvent): string | null {
  return text(event.by);
}

function matches(event: LedgerEvent, filter: GovernanceFilter): boolean {
  if (filter.kind !== undefined && event.kind !== filter.kind) return false;
  if (filter.organization !== undefined && !organizationsOf(event).includes(filter.organization))
    return false;
  if (filter.actor !== undefined && actorOf(event) !== filter.actor) return false;
  return true;
}

const ledgerRows = (db: Kysely<Database>) =>
  db.selectFrom('ledger_entries').select(['entry_index', 'kind', 'event']);
/** The ledger's rows as a query, for a caller to narrow with SQL before the events themselves are judged. */
export type LedgerRowQuery = ReturnType<typeof ledgerRows>;

/** A ledger entry found by a scan, with what is wrong with its index row, if anything. */
export interface ScannedEntry {
  index: number;
  event: LedgerEvent;
  problem: string | null;
}

/**
 * A page of ledger entries, newest first, before entry `before` (exclusive; null for the newest): the rows
 * `narrow` lets through, read BATCH at a time, whose committed event `keep` accepts. SQL only narrows what
 * is read; the event itself decides, so a rewritten `kind` column hides nothing (its mismatch is the
 * entry's `problem`). At most MOST_SCANNED rows are read per page: a page cut short continues after
 * what was read (`nextKey`).
 */
export async function scanLedger(
  db: Kysely<Database>,
  narrow: (query: LedgerRowQuery) => LedgerRowQuery,
  keep: (event: LedgerEvent) => boolean,
  limit: number,
  before: number | null,
): Promise<{ items: ScannedEntry[]; nextKey: number | null }> {
  const found: ScannedEntry[] = [];
  let cursor = before;
  let scanned = 0;
  let exhausted = false;
  while (found.length < limit + 1 && scanned < MOST_SCANNED) {
    let query = narrow(ledgerRows(db));
    if (cursor !== null) query = query.where('entry_index', '<', cursor);
    const rows = await query.orderBy('entry_index', 'desc').limit(BATCH).execute();
    for (const row of rows) {
      const index = Number(row.entry_index);
      cursor = index;
      scanned++;
      const event = JSON.parse(row.event) as LedgerEvent;
      if (!keep(event)) continue;
      const problem =
        event.kind === row.kind
          ? null
          : `The ledger's index records this entry as "${row.kind}", but the committed event is "${event.kind}".`;
      found.push({ index, event, problem });
      if (found.length === limit + 1) break;
    }
    if (rows.length < BATCH) {
      exhausted = true;
      break;
    }
  }
  const more = found.length > limit;
  const items = found.slice(0, limit);
  // A full page continues after its last item; a page cut short by the scan continues after what was read.
  const nextKey = more ? items.at(-1)!.index : !exhausted && cursor !== null ? cursor : null;
  return { items, nextKey };
}

/** A page of governance events, newest first, before entry `before` (exclusive; null for the newest). */
export async function listGovernanceEvents(
  db: Kysely<Database>,
  filter: GovernanceFilter,
  limit: number,
  before: number | null,
): Promise<Page<GovernanceEventView>> {
  // Chosen by the committed event too, not the `kind` column alone, which an operator could rewrite to
  // hide an event; the partial index (migration 0020) holds exactly these rows.
  const { items, nextKey } = await scanLedger(
    db,
    (query) => query.where(GOVERNANCE_ROWS),
    (event) => matches(event, filter),
    limit,
    before,
  );
  const names = await namesOf(
    db,
    items.map((f) => actorOf(f.event)).filter((id): id is string => id !== null),
  );
  return {
    items: items.map(({ index, event, problem }) => {
      const actor = actorOf(event);
      return {
        index,
        kind: event.kind,
        at: text(event.at),
        organizations: organizationsOf(event),
        actor: actor === null ? null : { id: actor, name: names.get(actor) ?? null },
        event: event as Record<string, unknown>,
        indexProblem: problem,
      };
    }),
    nextCursor: nextKey === null ? null : encodeCursor(String(nextKey)),
  };
}

async function namesOf(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('people').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
