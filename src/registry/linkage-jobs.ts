/**
 * Linkage jobs (issue 18): one run of the linkage engine between a source's records and its register's.
 * The records are written to two CSV files in a folder of the job's own, linked by the engine (DuckDB,
 * loaded only when a job runs), and the outcome applied in one transaction (./link-plan.ts says how):
 * a cancelled or failed job changes no link and no pair.
 *
 * A job is a row with its status, kept up to date while it runs (its stage, a heartbeat every few
 * seconds); at most one runs per source (a unique index), and a running job not heard from for two
 * minutes (its node stopped) is shown as interrupted and no longer blocks another. Cancelling sets a flag
 * the running job reads at its heartbeat, whichever node runs it.
 *
 * A job started through the API is recorded on the ledger (`source.linkage_started`, then
 * `source.linkage_finished` with its outcome), naming the person; the demo's seeding runs one without.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import { GovdxError, notFound, type Principal, valueAt } from '../domain/index.ts';
import { recordChange } from '../governance/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import {
  type Database,
  isUniqueViolation,
  keysetPage,
  type LinkageJobTable,
  now,
  type Page,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import { INTERRUPTED_AFTER_MS } from './imports.ts';
import { type Decisions, pairKey, planLinks, type ScoredPair } from './link-plan.ts';
import type { PairExplanation } from './linkage/model.ts';
import {
  type ComparedField,
  comparedFields,
  fieldsOf,
  type LoadedSource,
  loadSource,
  requireRunner,
  type SourceContext,
} from './sources.ts';

export type JobStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export interface JobView {
  id: string;
  source: string;
  status: JobStatus;
  stage: string | null;
  startedBy: string | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  cancelRequested: boolean;
  sourceRecords: number;
  registerRecords: number;
  linked: number;
  queued: number;
  kept: number;
  failure: string | null;
}

/** How often a running job says it is alive and looks whether it was cancelled. */
const HEARTBEAT_MS = 2000;
/** Rows read from the store per query when writing the files, and written per statement after. */
const READ_ROWS = 5000;
const WRITE_ROWS = 500;
const ID_COLUMN = 'govdx_key';

function statusOf(row: Selectable<LinkageJobTable>, at = Date.now()): JobStatus {
  if (row.status === 'running' && at - Date.parse(row.updated_at) > INTERRUPTED_AFTER_MS)
    return 'interrupted';
  return row.status;
}

export function toJobView(row: Selectable<LinkageJobTable>): JobView {
  return {
    id: row.id,
    source: row.source_id,
    status: statusOf(row),
    stage: row.stage,
    startedBy: row.started_by,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    cancelRequested: row.cancel_requested === 1,
    sourceRecords: row.source_records,
    registerRecords: row.register_records,
    linked: row.linked,
    queued: row.queued,
    kept: row.kept,
    failure: row.failure,
  };
}

class Cancelled extends Error {}

const csvValue = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(/[\r\n]+/g, ' ');
  return `"${text.replaceAll('"', '""')}"`;
};

/** Writes a dataset's records as CSV (the key, then the compared fields); resolves with how many. */
async function writeCsv(
  db: Kysely<Database>,
  datasetId: string,
  fields: readonly ComparedField[],
  path: string,
): Promise<number> {
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  let count = 0;
  try {
    await write(`${[ID_COLUMN, ...fields.map((f) => f.name)].map(csvValue).join(',')}\n`);
    let last: string | null = null;
    for (;;) {
      let query = db
        .selectFrom('records')
        .select(['key', 'data'])
        .where('dataset_id', '=', datasetId)
        .orderBy('key')
        .limit(READ_ROWS);
      if (last !== null) query = query.where('key', '>', last);
      const rows = await query.execute();
      for (const row of rows) {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        await write(`${[row.key, ...fields.map((f) => valueAt(data, f.name))].map(csvValue).join(',')}\n`);
      }
      count += rows.length;
      if (rows.length < READ_ROWS) break;
      last = rows[rows.length - 1]!.key;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return count;
}

type Outcome = Pick<
  Selectable<LinkageJobTable>,
  'source_records' | 'register_records' | 'linked' | 'queued' | 'kept'
>;

/** The decisions taken on a source's pairs and links, which the job must respect. */
async function decisionsOf(db: Kysely<Database>, sourceId: string): Promise<Decisions> {
  const links = await db
    .selectFrom('source_links')
    .select(['record_key'])
    .where('source_id', '=', sourceId)
    .where('origin', '!=', 'job')
    .execute();
  const decided = await db
    .selectFrom('link_pairs')
    .select(['record_key', 'entity_id'])
    .where('source_id', '=', sourceId)
    .where('status', '!=', 'pending')
    .execute();
  return {
    humanLinked: new Set(links.map((l) => l.record_key)),
    decided: new Set(decided.map((d) => pairKey(d.record_key, d.entity_id))),
  };
}

/** Applies a job's outcome in one transaction: its links replace the last job's, its pairs the queue. */
async function applyOutcome(
  db: Kysely<Database>,
  source: LoadedSource,
  jobId: string,
  pairs: Array<ScoredPair<PairExplanation | null>>,
  counts: { sourceRecords: number; registerRecords: number },
  cancelled: (db: Kysely<Database>) => Promise<boolean>,
): Promise<Outcome> {
  return db.transaction().execute(async (tx) => {
    // Read inside the transaction: a decision taken while the engine ran is respected.
    const plan = planLinks(pairs, await decisionsOf(tx, source.row.id), {
      lower: source.row.lower_threshold,
      upper: source.row.upper_threshold,
    });
    // Asked in the transaction: on SQLite its one connection is the transaction's.
    if (await cancelled(tx)) throw new Cancelled();
    const at = now();
    await tx
      .deleteFrom('source_links')
      .where('source_id', '=', source.row.id)
      .where('origin', '=', 'job')
      .execute();
    for (let i = 0; i < plan.links.length; i += WRITE_ROWS)
      await tx
        .insertInto('source_links')
        .values(
          plan.links.slice(i, i + WRITE_ROWS).map((l) => ({
            source_id: source.row.id,
            record_key: l.recordKey,
            entity_id: l.entityId,
            origin: 'job' as const,
            probability: l.probability,
            job_id: jobId,
            at,
          })),
        )
        .execute();
    const waiting = await tx
      .selectFrom('link_pairs')
      .select(['id', 'record_key', 'entity_id'])
      .where('source_id', '=', source.row.id)
      .where('status', '=', 'pending')
      .execute();
    const waitingIds = new Map(waiting.map((w) => [pairKey(w.record_key, w.entity_id), w.id]));
    const fresh = [];
    for (const pair of plan.review) {
      const key = pairKey(pair.recordKey, pair.entityId);
      const id = waitingIds.get(key);
      const values = {
        probability: pair.probability,
        weight: pair.weight,
        explanation: pair.explanation === null ? null : JSON.stringify(pair.explanation),
        job_id: jobId,
      };
      if (id === undefined) fresh.push({ ...values, pair });
      else {
        waitingIds.delete(key);
        // A pair still doubtful keeps its place (and its address) in the queue.
        await tx.updateTable('link_pairs').set(values).where('id', '=', id).execute();
      }
    }
    const stale = [...waitingIds.values()];
    for (let i = 0; i < stale.length; i += WRITE_ROWS)
      await tx
        .deleteFrom('link_pairs')
        .where('id', 'in', stale.slice(i, i + WRITE_ROWS))
        .execute();
    for (let i = 0; i < fresh.length; i += WRITE_ROWS)
      await tx
        .insertInto('link_pairs')
        .values(
          fresh.slice(i, i + WRITE_ROWS).map(({ pair, ...values }) => ({
            id: crypto.randomUUID(),
            source_id: source.row.id,
            record_key: pair.recordKey,
            entity_id: pair.entityId,
            status: 'pending' as const,
            ...values,
            created_at: at,
            decided_by: null,
            decided_at: null,
            reason: null,
          })),
        )
        .execute();
    return {
      source_records: counts.sourceRecords,
      register_records: counts.registerRecords,
      linked: plan.links.length,
      queued: plan.review.length,
      kept: plan.kept,
    };
  });
}

/**
 * Runs a job whose row is already written, to its end: completed, cancelled or failed. Never throws for
 * what went wrong in the job (the row says it); resolves with the final row.
 */
export async function runJob(
  db: Kysely<Database>,
  source: LoadedSource,
  jobId: string,
): Promise<Selectable<LinkageJobTable>> {
  let cancelRequested = false;
  const cancelled = async (conn: Kysely<Database> = db) => {
    if (cancelRequested) return true;
    const row = await conn
      .selectFrom('linkage_jobs')
      .select('cancel_requested')
      .where('id', '=', jobId)
      .executeTakeFirst();
    cancelRequested = row?.cancel_requested === 1;
    return cancelRequested;
  };
  const heartbeat = setInterval(() => {
    db.updateTable('linkage_jobs')
      .set({ updated_at: now() })
      .where('id', '=', jobId)
      .where('status', '=', 'running')
      .execute()
      .then(() => cancelled())
      .catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const stage = (name: string) => {
    if (cancelRequested) throw new Cancelled();
    void db
      .updateTable('linkage_jobs')
      .set({ stage: name, updated_at: now() })
      .where('id', '=', jobId)
      .execute()
      .catch(() => {});
  };
  const workDir = await mkdtemp(join(tmpdir(), 'govdx-linkage-job-'));
  let final: Partial<Selectable<LinkageJobTable>>;
  try {
    stage('reading');
    const fields = comparedFields(
      await fieldsOf(db, source.dataset.id),
      await fieldsOf(db, source.register.id),
    );
    if (fields.length === 0)
      throw new GovdxError(
        'NO_COMMON_FIELDS',
        'The source and its register have no field in common to compare.',
      );
    const sourceFile = join(workDir, 'source.csv');
    const registerFile = join(workDir, 'register.csv');
    const sourceRecords = await writeCsv(db, source.dataset.id, fields, sourceFile);
    const registerRecords = await writeCsv(db, source.register.id, fields, registerFile);
    if (await cancelled()) throw new Cancelled();
    let pairs: Array<ScoredPair<PairExplanation | null>> = [];
    if (sourceRecords > 0 && registerRecords > 0) {
      // Loaded here, not at start-up: a node that never links never loads DuckDB.
      const { linkRecords } = await import('./linkage/engine.ts');
      const result = await linkRecords({
        task: 'link',
        files: [sourceFile, registerFile],
        idColumn: ID_COLUMN,
        columns: fields.map((f) => `${f.name}=${f.kind}`).join(','),
        threshold: source.row.lower_threshold,
        explain: true,
        workDir,
        progress: stage,
      });
      pairs = result.pairs.map((p, i) => ({
        recordKey: p.leftId,
        entityId: p.rightId,
        probability: p.probability,
        weight: p.weight,
        explanation: result.explanations?.[i] ?? null,
      }));
    }
    stage('writing');
    const outcome = await applyOutcome(
      db,
      source,
      jobId,
      pairs,
      { sourceRecords, registerRecords },
      cancelled,
    );
    final = { ...outcome, status: 'completed' };
  } catch (error) {
    if (error instanceof Cancelled) final = { status: 'cancelled' };
    else
      final = {
        status: 'failed',
        failure:
          error instanceof GovdxError || (error as Error).name === 'LinkageError'
            ? (error as Error).message
            : `The linkage stopped: ${(error as Error).message ?? String(error)}`,
      };
  } finally {
    clearInterval(heartbeat);
    await rm(workDir, { recursive: true, force: true });
  }
  const at = now();
  await db
    .updateTable('linkage_jobs')
    .set({ ...final, stage: null, finished_at: at, updated_at: at })
    .where('id', '=', jobId)
    .execute();
  return db.selectFrom('linkage_jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
}

/** Writes a new running job for the source, or refuses when one is running (a stale one is closed first). */
async function insertJob(
  db: Kysely<Database>,
  source: LoadedSource,
  startedBy: string | null,
): Promise<Selectable<LinkageJobTable>> {
  const stale = new Date(Date.now() - INTERRUPTED_AFTER_MS).toISOString();
  const at = now();
  await db
    .updateTable('linkage_jobs')
    .set({
      status: 'failed',
      failure: 'Interrupted: the node running it stopped.',
      stage: null,
      finished_at: at,
      updated_at: at,
    })
    .where('source_id', '=', source.row.id)
    .where('status', '=', 'running')
    .where('updated_at', '<', stale)
    .execute();
  const row: Selectable<LinkageJobTable> = {
    id: crypto.randomUUID(),
    source_id: source.row.id,
    status: 'running',
    stage: null,
    started_by: startedBy,
    started_at: at,
    updated_at: at,
    finished_at: null,
    cancel_requested: 0,
    source_records: 0,
    register_records: 0,
    linked: 0,
    queued: 0,
    kept: 0,
    failure: null,
  };
  try {
    await db.insertInto('linkage_jobs').values(row).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const running = await db
      .selectFrom('linkage_jobs')
      .select('id')
      .where('source_id', '=', source.row.id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    throw new GovdxError(
      'LINKAGE_RUNNING',
      `A linkage job of ${source.dataset.slug} is already running; wait for it to end, or cancel it.`,
      running ? { jobId: running.id } : undefined,
    );
  }
  return row;
}

function jobEvent(
  kind: string,
  source: LoadedSource,
  row: Selectable<LinkageJobTable>,
  by: string | null,
): LedgerEvent {
  const event: LedgerEvent = {
    kind,
    organization: source.registerOrganization.slug,
    sourceOrganization: source.organization.slug,
    sourceId: source.row.id,
    source: `${source.organization.slug}/${source.dataset.slug}`,
    register: `${source.registerOrganization.slug}/${source.register.slug}`,
    jobId: row.id,
    by,
  };
  if (kind !== 'source.linkage_started') {
    event.status = row.status;
    event.linked = row.linked;
    event.queued = row.queued;
    event.kept = row.kept;
  }
  return event;
}

/**
 * Starts a linkage job of the source; resolves with it, running. It goes on after the answer; `done`
 * resolves when it has ended (for the CLI and tests that want to wait).
 */
export async function startLinkageJob(
  ctx: SourceContext,
  sourceId: string,
  principal: Principal,
): Promise<{ job: JobView; done: Promise<JobView> }> {
  const source = await loadSource(ctx.db, sourceId);
  requireRunner(principal, source);
  const row = await insertJob(ctx.db, source, principal.personId);
  await recordChange(ctx.ledger, [jobEvent('source.linkage_started', source, row, principal.personId)], {
    undo: async () => {
      await ctx.db.deleteFrom('linkage_jobs').where('id', '=', row.id).execute();
      return true;
    },
    notMade: 'The linkage job could not be recorded on the ledger, so it was not started. Try again shortly.',
  });
  const done = runJob(ctx.db, source, row.id).then(async (final) => {
    // Nobody waits for this answer: a ledger that cannot record the end is left to the audit to notice.
    await ctx.ledger
      .append(jobEvent('source.linkage_finished', source, final, principal.personId))
      .catch(() => {});
    return toJobView(final);
  });
  done.catch(() => {});
  return { job: toJobView(row), done };
}

/** Runs a linkage job of the source to its end, here and now, off the ledger: for the demo's seeding. */
export async function runLinkageNow(db: Kysely<Database>, sourceId: string): Promise<JobView> {
  const source = await loadSource(db, sourceId);
  const row = await insertJob(db, source, null);
  return toJobView(await runJob(db, source, row.id));
}

async function jobRow(db: Kysely<Database>, sourceId: string, jobId: string) {
  const row = await db
    .selectFrom('linkage_jobs')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('id', '=', jobId)
    .executeTakeFirst();
  if (!row) throw notFound('linkage job', jobId);
  return row;
}

export async function getLinkageJob(
  db: Kysely<Database>,
  sourceId: string,
  jobId: string,
  principal: Principal,
): Promise<JobView> {
  requireRunner(principal, await loadSource(db, sourceId));
  return toJobView(await jobRow(db, sourceId, jobId));
}

/** The source's jobs, newest first. */
export async function listLinkageJobs(
  db: Kysely<Database>,
  sourceId: string,
  principal: Principal,
  limit: number,
  after: string | null,
): Promise<Page<JobView>> {
  requireRunner(principal, await loadSource(db, sourceId));
  const query = db.selectFrom('linkage_jobs').selectAll().where('source_id', '=', sourceId);
  const rows = await keysetPage(
    query,
    { time: 'started_at', id: 'id', direction: 'desc' },
    after,
    limit,
  ).execute();
  return toPage(rows, limit, (r) => timeIdKey(r.started_at, r.id), toJobView);
}

/**
 * Asks a running job to stop: it stops at its next heartbeat or stage, changing nothing. A job whose node
 * stopped is closed as cancelled at once. Recorded on the ledger.
 */
export async function cancelLinkageJob(
  ctx: SourceContext,
  sourceId: string,
  jobId: string,
  principal: Principal,
): Promise<JobView> {
  const source = await loadSource(ctx.db, sourceId);
  requireRunner(principal, source);
  const row = await jobRow(ctx.db, sourceId, jobId);
  const status = statusOf(row);
  if (status !== 'running' && status !== 'interrupted')
    throw new GovdxError(
      'CONFLICT',
      `The linkage job has already ended (${status}); there is nothing to cancel.`,
      {
        status,
      },
    );
  const at = now();
  await ctx.db
    .updateTable('linkage_jobs')
    .set(
      status === 'interrupted'
        ? { cancel_requested: 1, status: 'cancelled', stage: null, finished_at: at, updated_at: at }
        : { cancel_requested: 1 },
    )
    .where('id', '=', row.id)
    .execute();
  const updated = await jobRow(ctx.db, sourceId, jobId);
  await recordChange(
    ctx.ledger,
    [{ ...jobEvent('source.linkage_cancel_requested', source, updated, principal.personId) }],
    {
      undo: async () => false,
      stands: 'The job is asked to stop, but the ledger could not record that. Tell the platform operators.',
    },
  );
  return toJobView(updated);
}
