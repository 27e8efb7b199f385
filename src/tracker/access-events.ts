/**
 * Every ledger event about a person, newest first: who asked (organization, system, the official acting),
 * for what (service, fields), why (purpose, agreement or consent), when, and what came of it.
 *
 * Which entries are about whom comes from the ledger's subject index, which a database operator could
 * rewrite. Nothing is left out silently: an entry the index files under the person but whose committed
 * event is about someone else is shown as a notice only (nothing of the other person's); an entry about
 * the person that the index files elsewhere, found by its committed event while its run is open
 * (src/ledger/storage.ts: indexesAbout), is shown with a notice. An entry moved out of a completed run is
 * found by the node's background check of the index (./index-check.ts), and then shown with a notice too;
 * the auditor's `govdx ledger audit` compares the whole index with the committed events.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { fieldLabelsOf } from '../catalog/index.ts';
import { type LedgerEvent, openSubjectRun } from '../ledger/index.ts';
import { type Database, encodeCursor, type Page } from '../store/index.ts';
import type { AccessEvent } from './schemas.ts';

export type AccessEventView = Static<typeof AccessEvent>;

/** What the tracker needs of the ledger. */
export interface LedgerReader {
  storage: { indexesAbout(subject: string): Promise<number[]>; treeSize(): Promise<number> };
  entry(index: number): Promise<{ event: string; subject: string | null }>;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const OUTCOMES = new Set(['allowed', 'denied', 'failed']);

/** The names of the organizations, systems, services and purposes that events refer to by slug. */
export async function namesFor(db: Kysely<Database>, events: readonly LedgerEvent[]) {
  const organizations = new Set<string>();
  const purposes = new Set<string>();
  for (const event of events) {
    for (const slug of [text(event.consumer), text(event.provider)]) if (slug) organizations.add(slug);
    const purpose = text(event.purpose);
    if (purpose) purposes.add(purpose);
  }
  const orgs =
    organizations.size === 0
      ? []
      : await db
          .selectFrom('organizations')
          .select(['id', 'slug', 'name'])
          .where('slug', 'in', [...organizations])
          .execute();
  const orgIds = orgs.map((o) => o.id);
  const systems =
    orgIds.length === 0
      ? []
      : await db
          .selectFrom('systems')
          .select(['organization_id', 'slug', 'name'])
          .where('organization_id', 'in', orgIds)
          .execute();
  const services =
    orgIds.length === 0
      ? []
      : await db
          .selectFrom('services')
          .select(['organization_id', 'slug', 'title'])
          .where('organization_id', 'in', orgIds)
          .execute();
  const purposeRows =
    purposes.size === 0
      ? []
      : await db
          .selectFrom('purposes')
          .select(['slug', 'title'])
          .where('slug', 'in', [...purposes])
          .execute();
  const clients =
    orgIds.length === 0
      ? []
      : await db
          .selectFrom('consent_clients')
          .select(['organization_id', 'client_id', 'name'])
          .where('organization_id', 'in', orgIds)
          .execute();
  const fieldLabel = await fieldLabelsOf(
    db,
    events.map((e) => ({ organization: text(e.provider), service: text(e.service) })),
  );
  const slugOf = new Map(orgs.map((o) => [o.id, o.slug]));
  return {
    fieldLabel,
    client: new Map(clients.map((c) => [`${slugOf.get(c.organization_id)}/${c.client_id}`, c.name])),
    organization: new Map(orgs.map((o) => [o.slug, o.name])),
    system: new Map(systems.map((s) => [`${slugOf.get(s.organization_id)}/${s.slug}`, s.name])),
    service: new Map(services.map((s) => [`${slugOf.get(s.organization_id)}/${s.slug}`, s.title])),
    purpose: new Map(purposeRows.map((p) => [p.slug, p.title])),
  };
}

type Names = Awaited<ReturnType<typeof namesFor>>;

/** A slug with its name, or with the slug itself when the thing is no longer registered. */
const named = (slug: string | null, names: Map<string, string>, key = slug) =>
  slug === null ? null : { slug, name: names.get(key ?? slug) ?? slug };

export function describeEvent(index: number, event: LedgerEvent, names: Names): AccessEventView {
  const consumer = text(event.consumer);
  const provider = text(event.provider);
  const system = text(event.system);
  const service = text(event.service);
  const outcome = text(event.outcome);
  const official = text(event.official);
  // A consent service that asks for a citizen names itself where an official would be: no official acted.
  const client = official && consumer ? names.client.get(`${consumer}/${official}`) : undefined;
  const fields = Array.isArray(event.fields)
    ? event.fields.filter((f): f is string => typeof f === 'string')
    : [];
  return {
    index,
    kind: event.kind,
    at: text(event.at),
    outcome: outcome && OUTCOMES.has(outcome) ? (outcome as AccessEventView['outcome']) : null,
    code: text(event.code),
    consumer: named(consumer, names.organization),
    system: system && consumer ? named(system, names.system, `${consumer}/${system}`) : null,
    official: client === undefined ? official : null,
    automatic:
      client !== undefined && official
        ? { slug: official, name: client }
        : official === null && system && consumer
          ? named(system, names.system, `${consumer}/${system}`)
          : null,
    provider: named(provider, names.organization),
    service: service && provider ? named(service, names.service, `${provider}/${service}`) : null,
    fields,
    fieldLabels: fields.map((f) => names.fieldLabel(provider, service, f)),
    purpose: named(text(event.purpose), names.purpose),
    agreement: text(event.agreement),
    consent: text(event.consent),
    event: event as Record<string, unknown>,
    indexProblem: null,
  };
}

export const FILED_ELSEWHERE =
  "The ledger's index had left this entry out of your list: it was filed under someone else, and was found by " +
  "the entry itself, which is about you. Someone may have changed the index. The data protection authority's " +
  'audit of the ledger shows such changes.';
export const NOT_YOURS =
  "The ledger's index files this entry under you, but the entry itself is about someone else, so it is not shown. " +
  "Someone may have changed the index. The data protection authority's audit of the ledger shows such changes.";

/** In place of an entry filed under the person but about someone else: the notice, nothing of the entry. */
function notYours(index: number): AccessEventView {
  return {
    index,
    kind: 'unknown',
    at: null,
    outcome: null,
    code: null,
    consumer: null,
    system: null,
    official: null,
    automatic: null,
    provider: null,
    service: null,
    fields: [],
    fieldLabels: [],
    purpose: null,
    agreement: null,
    consent: null,
    event: {},
    indexProblem: NOT_YOURS,
  };
}

/**
 * A page of the events about `subject`, newest first, before the entry `before` (exclusive; null for the
 * newest). The cursor of the next page is the last entry's index.
 */
export async function accessEventsAbout(
  ledger: LedgerReader,
  db: Kysely<Database>,
  subject: string,
  limit: number,
  before: number | null,
  /** Entries about `subject` that the node's check found left out of the index (SubjectIndexCheck). */
  leftOut: readonly number[] = [],
): Promise<Page<AccessEventView>> {
  const indexes = [...new Set([...(await ledger.storage.indexesAbout(subject)), ...leftOut])]
    .filter((i) => before === null || i < before)
    .sort((a, b) => b - a);
  const open = openSubjectRun(await ledger.storage.treeSize());
  const found: Array<{ index: number; event: LedgerEvent | null; problem: string | null }> = [];
  let more = false;
  for (const index of indexes) {
    const entry = await ledger.entry(index);
    const event = JSON.parse(entry.event) as LedgerEvent;
    if (found.length === limit) {
      more = true;
      break;
    }
    // The subject as committed decides; the index only finds. A disagreement is shown, never skipped.
    if (event.subject !== subject) {
      // Filed under them (the column, or a completed run's pairs), not merely naming them in a detail.
      if (entry.subject === subject || index < open) found.push({ index, event: null, problem: NOT_YOURS });
      continue;
    }
    const filed = entry.subject === subject && !leftOut.includes(index);
    found.push({ index, event, problem: filed ? null : FILED_ELSEWHERE });
  }
  const names = await namesFor(
    db,
    found.flatMap((f) => (f.event ? [f.event] : [])),
  );
  const last = found.at(-1);
  return {
    items: found.map((f) =>
      f.event ? { ...describeEvent(f.index, f.event, names), indexProblem: f.problem } : notYours(f.index),
    ),
    nextCursor: more && last ? encodeCursor(String(last.index)) : null,
  };
}

/** Every event about `subject`, newest first. */
export async function allAccessEventsAbout(
  ledger: LedgerReader,
  db: Kysely<Database>,
  subject: string,
  leftOut: readonly number[] = [],
): Promise<AccessEventView[]> {
  const page = await accessEventsAbout(ledger, db, subject, Number.MAX_SAFE_INTEGER, null, leftOut);
  return page.items;
}
