/**
 * The register's steward's review of a source's links (issue 18): the pairs a linkage job found doubtful,
 * each with both records side by side and the explanation of its match weight, and four decisions:
 * - accept a pair: the source record gets the register's entity identifier;
 * - reject a pair: never proposed nor linked again;
 * - split a linked record back out: its link goes, and its pair counts as rejected;
 * - merge a record into an entity the job did not propose (or confirm one it linked by itself).
 *
 * Every decision is a governance event on the ledger (`source.link_accepted`, `source.link_rejected`,
 * `source.link_split`, `source.link_merged`), naming the register's organization, the source and the
 * person; when the ledger cannot record it, the decision is undone. Later jobs respect every decision
 * (./link-plan.ts).
 */
import type { Kysely, Selectable } from 'kysely';
import { GovdxError, notFound, type Principal } from '../domain/index.ts';
import { recordChange } from '../governance/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import {
  type Database,
  keysetPage,
  type LinkPairTable,
  now,
  type Page,
  type SourceLinkTable,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import type { PairExplanation } from './linkage/model.ts';
import { getRecord } from './records.ts';
import {
  fieldsOf,
  type LoadedSource,
  loadSource,
  requireReviewer,
  requireRunner,
  type SourceContext,
} from './sources.ts';

export interface PairView {
  id: string;
  recordKey: string;
  entityId: string;
  status: 'pending' | 'accepted' | 'rejected';
  probability: number | null;
  weight: number | null;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

export interface PairDetail extends PairView {
  source: { organization: string; dataset: string; title: string };
  register: { organization: string; dataset: string; title: string };
  /** Each field of either dataset, with the two records' values (null where a record has none). */
  fields: Array<{ name: string; source: string | null; register: string | null }>;
  explanation: PairExplanation | null;
}

export interface LinkView {
  recordKey: string;
  entityId: string;
  origin: 'job' | 'accepted' | 'merged';
  probability: number | null;
  at: string;
}

export type Decision = 'accept' | 'reject';

function toPairView(row: Selectable<LinkPairTable>): PairView {
  return {
    id: row.id,
    recordKey: row.record_key,
    entityId: row.entity_id,
    status: row.status,
    probability: row.probability,
    weight: row.weight,
    createdAt: row.created_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    reason: row.reason,
  };
}

const toLinkView = (row: Selectable<SourceLinkTable>): LinkView => ({
  recordKey: row.record_key,
  entityId: row.entity_id,
  origin: row.origin,
  probability: row.probability,
  at: row.at,
});

/** The pairs waiting for the register's steward, in the order the jobs proposed them. */
export async function listReviewQueue(
  db: Kysely<Database>,
  sourceId: string,
  principal: Principal,
  limit: number,
  after: string | null,
): Promise<Page<PairView>> {
  requireReviewer(principal, await loadSource(db, sourceId));
  const query = db
    .selectFrom('link_pairs')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('status', '=', 'pending');
  const rows = await keysetPage(
    query,
    { time: 'created_at', id: 'id', direction: 'asc' },
    after,
    limit,
  ).execute();
  return toPage(rows, limit, (r) => timeIdKey(r.created_at, r.id), toPairView);
}

async function pairRow(db: Kysely<Database>, sourceId: string, pairId: string) {
  const row = await db
    .selectFrom('link_pairs')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('id', '=', pairId)
    .executeTakeFirst();
  if (!row) throw notFound('pair', pairId);
  return row;
}

const shown = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

function flatten(data: Record<string, unknown>, prefix = '', into = new Map<string, unknown>()) {
  for (const [key, value] of Object.entries(data)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      flatten(value as Record<string, unknown>, name, into);
    else into.set(name, value);
  }
  return into;
}

/** A pair with both records side by side and its explanation: for the register's steward. */
export async function getReviewPair(
  db: Kysely<Database>,
  sourceId: string,
  pairId: string,
  principal: Principal,
): Promise<PairDetail> {
  const source = await loadSource(db, sourceId);
  requireReviewer(principal, source);
  const row = await pairRow(db, sourceId, pairId);
  const left = flatten((await getRecord(db, source.dataset.id, row.record_key))?.data ?? {});
  const right = flatten((await getRecord(db, source.register.id, row.entity_id))?.data ?? {});
  const names: string[] = [];
  for (const f of [...(await fieldsOf(db, source.dataset.id)), ...(await fieldsOf(db, source.register.id))])
    if (!names.includes(f.name)) names.push(f.name);
  return {
    ...toPairView(row),
    source: {
      organization: source.organization.slug,
      dataset: source.dataset.slug,
      title: source.dataset.title,
    },
    register: {
      organization: source.registerOrganization.slug,
      dataset: source.register.slug,
      title: source.register.title,
    },
    fields: names.map((name) => ({ name, source: shown(left.get(name)), register: shown(right.get(name)) })),
    explanation: row.explanation === null ? null : (JSON.parse(row.explanation) as PairExplanation),
  };
}

/** The source's records that hold the register's entity identifier, newest link first. */
export async function listLinks(
  db: Kysely<Database>,
  sourceId: string,
  principal: Principal,
  limit: number,
  after: string | null,
): Promise<Page<LinkView>> {
  requireRunner(principal, await loadSource(db, sourceId));
  const query = db.selectFrom('source_links').selectAll().where('source_id', '=', sourceId);
  const rows = await keysetPage(
    query,
    { time: 'at', id: 'record_key', direction: 'desc' },
    after,
    limit,
  ).execute();
  return toPage(rows, limit, (r) => timeIdKey(r.at, r.record_key), toLinkView);
}

/** What a record's link and pairs were before a decision, to put back if the ledger cannot record it. */
interface Snapshot {
  link: Selectable<SourceLinkTable> | undefined;
  pairs: Array<Selectable<LinkPairTable>>;
}

async function snapshot(db: Kysely<Database>, sourceId: string, recordKey: string): Promise<Snapshot> {
  return {
    link: await db
      .selectFrom('source_links')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('record_key', '=', recordKey)
      .executeTakeFirst(),
    pairs: await db
      .selectFrom('link_pairs')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('record_key', '=', recordKey)
      .execute(),
  };
}

async function restore(db: Kysely<Database>, sourceId: string, recordKey: string, before: Snapshot) {
  await db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom('source_links')
      .where('source_id', '=', sourceId)
      .where('record_key', '=', recordKey)
      .execute();
    await tx
      .deleteFrom('link_pairs')
      .where('source_id', '=', sourceId)
      .where('record_key', '=', recordKey)
      .execute();
    if (before.link) await tx.insertInto('source_links').values(before.link).execute();
    if (before.pairs.length > 0) await tx.insertInto('link_pairs').values(before.pairs).execute();
  });
}

async function setLink(
  tx: Kysely<Database>,
  sourceId: string,
  recordKey: string,
  link: Omit<Selectable<SourceLinkTable>, 'source_id' | 'record_key'>,
) {
  await tx
    .deleteFrom('source_links')
    .where('source_id', '=', sourceId)
    .where('record_key', '=', recordKey)
    .execute();
  await tx
    .insertInto('source_links')
    .values({ source_id: sourceId, record_key: recordKey, ...link })
    .execute();
}

/** Sets the pair (record, entity) to a decision, writing it when no job proposed it. */
async function decidePair(
  tx: Kysely<Database>,
  sourceId: string,
  recordKey: string,
  entityId: string,
  decision: { status: 'accepted' | 'rejected'; by: string; at: string; reason: string | null },
) {
  const set = {
    status: decision.status,
    decided_by: decision.by,
    decided_at: decision.at,
    reason: decision.reason,
  };
  const updated = await tx
    .updateTable('link_pairs')
    .set(set)
    .where('source_id', '=', sourceId)
    .where('record_key', '=', recordKey)
    .where('entity_id', '=', entityId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await tx
      .insertInto('link_pairs')
      .values({
        id: crypto.randomUUID(),
        source_id: sourceId,
        record_key: recordKey,
        entity_id: entityId,
        probability: null,
        weight: null,
        explanation: null,
        job_id: null,
        created_at: decision.at,
        ...set,
      })
      .execute();
}

/** Once a record is linked by a steward, its other pairs need no review. */
async function dropOtherPending(tx: Kysely<Database>, sourceId: string, recordKey: string) {
  await tx
    .deleteFrom('link_pairs')
    .where('source_id', '=', sourceId)
    .where('record_key', '=', recordKey)
    .where('status', '=', 'pending')
    .execute();
}

function decisionEvent(
  kind: string,
  source: LoadedSource,
  fields: { record: string; entity: string; pairId?: string; probability?: number | null; origin?: string },
  by: string,
  reason: string | null,
): LedgerEvent {
  const event: LedgerEvent = {
    kind,
    organization: source.registerOrganization.slug,
    sourceOrganization: source.organization.slug,
    sourceId: source.row.id,
    source: `${source.organization.slug}/${source.dataset.slug}`,
    register: `${source.registerOrganization.slug}/${source.register.slug}`,
    ...fields,
    by,
  };
  if (reason) event.reason = reason;
  return event;
}

/** Makes a decision in one transaction and records it on the ledger, or puts the record back as it was. */
async function decided(
  ctx: SourceContext,
  source: LoadedSource,
  recordKey: string,
  change: (tx: Kysely<Database>) => Promise<void>,
  event: LedgerEvent,
): Promise<void> {
  const before = await snapshot(ctx.db, source.row.id, recordKey);
  await ctx.db.transaction().execute(change);
  await recordChange(ctx.ledger, [event], {
    undo: async () => {
      await restore(ctx.db, source.row.id, recordKey, before);
      return true;
    },
    notMade: 'The decision could not be recorded on the ledger, so it was not made. Try again shortly.',
  });
}

/** Accepts or rejects a pair waiting for review. */
export async function decideReviewPair(
  ctx: SourceContext,
  sourceId: string,
  pairId: string,
  decision: Decision,
  principal: Principal,
  reason: string | null,
): Promise<PairView> {
  const source = await loadSource(ctx.db, sourceId);
  requireReviewer(principal, source);
  const pair = await pairRow(ctx.db, sourceId, pairId);
  if (pair.status !== 'pending')
    throw new GovdxError(
      'PAIR_DECIDED',
      `This pair was already ${pair.status}; a decision is not taken twice.`,
      {
        status: pair.status,
      },
    );
  const link = (await snapshot(ctx.db, sourceId, pair.record_key)).link;
  if (decision === 'accept' && link && link.origin !== 'job' && link.entity_id !== pair.entity_id)
    throw new GovdxError(
      'RECORD_LINKED',
      `Record ${pair.record_key} is already linked to ${link.entity_id} by a steward; split it out first.`,
      { entityId: link.entity_id },
    );
  const at = now();
  const status = decision === 'accept' ? 'accepted' : 'rejected';
  await decided(
    ctx,
    source,
    pair.record_key,
    async (tx) => {
      await decidePair(tx, sourceId, pair.record_key, pair.entity_id, {
        status,
        by: principal.personId,
        at,
        reason,
      });
      if (decision === 'accept') {
        await dropOtherPending(tx, sourceId, pair.record_key);
        await setLink(tx, sourceId, pair.record_key, {
          entity_id: pair.entity_id,
          origin: 'accepted',
          probability: pair.probability,
          job_id: pair.job_id,
          at,
        });
      } else if (link?.entity_id === pair.entity_id)
        await tx
          .deleteFrom('source_links')
          .where('source_id', '=', sourceId)
          .where('record_key', '=', pair.record_key)
          .execute();
    },
    decisionEvent(
      `source.link_${status}`,
      source,
      { record: pair.record_key, entity: pair.entity_id, pairId: pair.id, probability: pair.probability },
      principal.personId,
      reason,
    ),
  );
  return toPairView(await pairRow(ctx.db, sourceId, pairId));
}

/** Takes a linked record back out of its entity: the link goes and the pair counts as rejected. */
export async function splitLink(
  ctx: SourceContext,
  sourceId: string,
  recordKey: string,
  principal: Principal,
  reason: string | null,
): Promise<PairView> {
  const source = await loadSource(ctx.db, sourceId);
  requireReviewer(principal, source);
  const { link } = await snapshot(ctx.db, sourceId, recordKey);
  if (!link) throw notFound('linked record', recordKey);
  const at = now();
  await decided(
    ctx,
    source,
    recordKey,
    async (tx) => {
      await tx
        .deleteFrom('source_links')
        .where('source_id', '=', sourceId)
        .where('record_key', '=', recordKey)
        .execute();
      await decidePair(tx, sourceId, recordKey, link.entity_id, {
        status: 'rejected',
        by: principal.personId,
        at,
        reason,
      });
    },
    decisionEvent(
      'source.link_split',
      source,
      { record: recordKey, entity: link.entity_id, origin: link.origin, probability: link.probability },
      principal.personId,
      reason,
    ),
  );
  return toPairView(await pairOf(ctx.db, sourceId, recordKey, link.entity_id));
}

async function pairOf(db: Kysely<Database>, sourceId: string, recordKey: string, entityId: string) {
  return db
    .selectFrom('link_pairs')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('record_key', '=', recordKey)
    .where('entity_id', '=', entityId)
    .executeTakeFirstOrThrow();
}

/** Links a source record to a register entity by hand (or confirms a link a job made by itself). */
export async function mergeRecord(
  ctx: SourceContext,
  sourceId: string,
  recordKey: string,
  entityId: string,
  principal: Principal,
  reason: string | null,
): Promise<LinkView> {
  const source = await loadSource(ctx.db, sourceId);
  requireReviewer(principal, source);
  if (!(await getRecord(ctx.db, source.dataset.id, recordKey))) throw notFound('source record', recordKey);
  if (!(await getRecord(ctx.db, source.register.id, entityId))) throw notFound('register record', entityId);
  const { link } = await snapshot(ctx.db, sourceId, recordKey);
  if (link && link.entity_id !== entityId)
    throw new GovdxError(
      'RECORD_LINKED',
      `Record ${recordKey} is linked to ${link.entity_id}; split it out before merging it elsewhere.`,
      { entityId: link.entity_id },
    );
  if (link && link.origin !== 'job')
    throw new GovdxError(
      'PAIR_DECIDED',
      `Record ${recordKey} is already linked to ${entityId} by a steward.`,
    );
  const at = now();
  await decided(
    ctx,
    source,
    recordKey,
    async (tx) => {
      await decidePair(tx, sourceId, recordKey, entityId, {
        status: 'accepted',
        by: principal.personId,
        at,
        reason,
      });
      await dropOtherPending(tx, sourceId, recordKey);
      await setLink(tx, sourceId, recordKey, {
        entity_id: entityId,
        origin: 'merged',
        probability: link?.probability ?? null,
        job_id: link?.job_id ?? null,
        at,
      });
    },
    decisionEvent(
      'source.link_merged',
      source,
      { record: recordKey, entity: entityId },
      principal.personId,
      reason,
    ),
  );
  const row = await ctx.db
    .selectFrom('source_links')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('record_key', '=', recordKey)
    .executeTakeFirstOrThrow();
  return toLinkView(row);
}
