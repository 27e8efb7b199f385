/**
 * Every ledger event about a person, newest first: who asked (organization, system, the official acting),
 * for what (service, fields), why (purpose, agreement or consent), when, and what came of it.
 *
 * Which entries are about whom comes from the ledger's subject index, a table a database operator could
 * rewrite; each entry is shown only when the subject committed in the event itself is the person, so a
 * rewritten index can hide an event (which the person's receipts and an auditor's export would show) but
 * never show them someone else's.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import type { LedgerEvent } from '../ledger/index.ts';
import { type Database, encodeCursor, type Page } from '../store/index.ts';
import type { AccessEvent } from './schemas.ts';

export type AccessEventView = Static<typeof AccessEvent>;

/** What the tracker needs of the ledger. */
export interface LedgerReader {
  storage: { indexesAbout(subject: string): Promise<number[]> };
  entry(index: number): Promise<{ event: string }>;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const OUTCOMES = new Set(['allowed', 'denied', 'failed']);

/** The names of the organizations, systems, services and purposes that events refer to by slug. */
async function namesFor(db: Kysely<Database>, events: readonly LedgerEvent[]) {
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
  const slugOf = new Map(orgs.map((o) => [o.id, o.slug]));
  return {
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
  return {
    index,
    kind: event.kind,
    at: text(event.at),
    outcome: outcome && OUTCOMES.has(outcome) ? (outcome as AccessEventView['outcome']) : null,
    code: text(event.code),
    consumer: named(consumer, names.organization),
    system: system && consumer ? named(system, names.system, `${consumer}/${system}`) : null,
    official: text(event.official),
    provider: named(provider, names.organization),
    service: service && provider ? named(service, names.service, `${provider}/${service}`) : null,
    fields: Array.isArray(event.fields) ? event.fields.filter((f): f is string => typeof f === 'string') : [],
    purpose: named(text(event.purpose), names.purpose),
    agreement: text(event.agreement),
    consent: text(event.consent),
    event: event as Record<string, unknown>,
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
): Promise<Page<AccessEventView>> {
  const indexes = (await ledger.storage.indexesAbout(subject))
    .filter((i) => before === null || i < before)
    .sort((a, b) => b - a);
  const found: Array<{ index: number; event: LedgerEvent }> = [];
  let more = false;
  for (const index of indexes) {
    const event = JSON.parse((await ledger.entry(index)).event) as LedgerEvent;
    if (event.subject !== subject) continue;
    if (found.length === limit) {
      more = true;
      break;
    }
    found.push({ index, event });
  }
  const names = await namesFor(
    db,
    found.map((f) => f.event),
  );
  const last = found.at(-1);
  return {
    items: found.map((f) => describeEvent(f.index, f.event, names)),
    nextCursor: more && last ? encodeCursor(String(last.index)) : null,
  };
}

/** Every event about `subject`, newest first. */
export async function allAccessEventsAbout(
  ledger: LedgerReader,
  db: Kysely<Database>,
  subject: string,
): Promise<AccessEventView[]> {
  const page = await accessEventsAbout(ledger, db, subject, Number.MAX_SAFE_INTEGER, null);
  return page.items;
}
