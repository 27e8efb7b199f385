/**
 * Imports of records into a hosted dataset (a register, or a source) from a file, read as it arrives.
 *
 * Unit of work: the batch. Rows are checked and written BATCH_ROWS at a time, each batch in one
 * transaction with its change log, its refused rows and the import's progress (`committed_rows`, the
 * last row of the file it holds). A crash or a failure leaves every batch whole or absent, never half
 * written; the import is then resumable from its last committed batch (same file, `resume`), and since
 * records are written by key and the same data writes nothing, importing the whole file again also ends
 * in the same records. One long transaction was not chosen: it would hold SQLite's one writer (and every
 * other write of the node) for as long as the upload takes.
 *
 * Each import is recorded on the ledger: `dataset.import_started` before any row is written (when the
 * ledger cannot record it, nothing is imported), then `dataset.import_completed` or
 * `dataset.import_failed` with the counts, naming the organization and the person.
 */
import type { Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import { GovdxError, holdsOwnRole, notFound, type Principal, type RowShape } from '../domain/index.ts';
import { type Recorder, recordChange } from '../governance/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import {
  type Database,
  type DatasetTable,
  keysetPage,
  now,
  type Page,
  type RecordImportTable,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import { type ImportFormat, type ImportRow, rowsOf } from './import-files.ts';
import { type HostedRecord, inRecordTransaction, writeRecords } from './records.ts';

/** Rows written per transaction. */
export const BATCH_ROWS = 5000;
/** Refused rows kept per import (all are counted). */
export const KEPT_ERRORS = 1000;
/** A running import not heard from for this long is shown as interrupted and no longer blocks another. */
export const INTERRUPTED_AFTER_MS = 120_000;

export interface ImportContext {
  db: Kysely<Database>;
  ledger: Recorder;
}

export type ImportStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface ImportView {
  id: string;
  dataset: string;
  format: ImportFormat;
  status: ImportStatus;
  startedBy: string | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  rowsRead: number;
  committedRows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  failure: string | null;
}

export interface RowError {
  row: number;
  reason: string;
}

type Owner = { id: string; slug: string };

function statusOf(row: Selectable<RecordImportTable>, at = Date.now()): ImportStatus {
  if (row.status === 'running' && at - Date.parse(row.updated_at) > INTERRUPTED_AFTER_MS)
    return 'interrupted';
  return row.status;
}

function toView(row: Selectable<RecordImportTable>, dataset: string): ImportView {
  return {
    id: row.id,
    dataset,
    format: row.format,
    status: statusOf(row),
    startedBy: row.started_by,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    rowsRead: row.rows_read,
    committedRows: row.committed_rows,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    refused: row.refused,
    failure: row.failure,
  };
}

async function datasetOf(
  db: Kysely<Database>,
  owner: Owner,
  slug: string,
): Promise<Selectable<DatasetTable>> {
  const row = await db
    .selectFrom('datasets')
    .selectAll()
    .where('organization_id', '=', owner.id)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('dataset', slug);
  return row;
}

/**
 * The organization's administrators import into any of its datasets; its data stewards into a dataset
 * that names no steward, or that names them. A platform admin does not act for an organization.
 */
export function mayImport(principal: Principal, owner: Owner, dataset: Selectable<DatasetTable>): boolean {
  if (holdsOwnRole(principal, 'organization_admin', owner.id)) return true;
  if (!holdsOwnRole(principal, 'data_steward', owner.id)) return false;
  return dataset.steward_id === null || dataset.steward_id === principal.personId;
}

function requireImporter(principal: Principal, owner: Owner, dataset: Selectable<DatasetTable>): void {
  if (!mayImport(principal, owner, dataset))
    throw new GovdxError(
      'FORBIDDEN',
      `Only the steward of ${owner.slug}/${dataset.slug} and the administrators of ${owner.slug} import its records or read its imports.`,
      { requiredRoles: ['data_steward', 'organization_admin'] },
    );
}

async function shapeOf(db: Kysely<Database>, dataset: Selectable<DatasetTable>): Promise<RowShape> {
  if (dataset.key_field === null)
    throw new GovdxError(
      'CONFLICT',
      `${dataset.slug} has no key field, so its records cannot be told apart: declare one before importing.`,
    );
  const fields = await db
    .selectFrom('fields')
    .select(['name', 'type'])
    .where('dataset_id', '=', dataset.id)
    .orderBy('position')
    .execute();
  return { fields, keyField: dataset.key_field };
}

function importEvent(
  kind: string,
  owner: Owner,
  dataset: Selectable<DatasetTable>,
  row: Selectable<RecordImportTable>,
  by: string,
): LedgerEvent {
  const event: LedgerEvent = {
    kind,
    organization: owner.slug,
    dataset: dataset.slug,
    datasetId: dataset.id,
    importId: row.id,
    format: row.format,
    by,
  };
  if (kind !== 'dataset.import_started') {
    event.rowsRead = row.rows_read;
    event.created = row.created;
    event.updated = row.updated;
    event.unchanged = row.unchanged;
    event.refused = row.refused;
  } else if (row.committed_rows > 0) event.resumedAfterRow = row.committed_rows;
  return event;
}

async function readImport(db: Kysely<Database>, datasetId: string, id: string) {
  const row = await db
    .selectFrom('record_imports')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('import', id);
  return row;
}

export interface ImportOptions {
  /** An earlier import of the same file that failed or was interrupted: go on after its last batch. */
  resume?: string | undefined;
  /** Told after each committed batch. */
  onProgress?: (view: ImportView) => void;
}

/**
 * Imports the rows of `input` into the dataset; resolves with the import, completed or failed. A file
 * refused before its first row (unknown columns, no key column, not the format it claims) is refused with
 * VALIDATION_FAILED and leaves nothing behind.
 */
export async function importRecords(
  ctx: ImportContext,
  owner: Owner,
  datasetSlug: string,
  principal: Principal,
  format: ImportFormat,
  input: Readable,
  options: ImportOptions = {},
): Promise<ImportView> {
  const { db } = ctx;
  const dataset = await datasetOf(db, owner, datasetSlug);
  requireImporter(principal, owner, dataset);
  const shape = await shapeOf(db, dataset);
  const fieldNames = shape.fields.map((f) => f.name);

  let row: Selectable<RecordImportTable>;
  if (options.resume !== undefined) {
    row = await readImport(db, dataset.id, options.resume);
    const status = statusOf(row);
    if (status !== 'failed' && status !== 'interrupted')
      throw new GovdxError(
        'CONFLICT',
        `Import ${row.id} is ${status}; only a failed or interrupted import is resumed.`,
        {
          status,
        },
      );
  }
  const running = await db
    .selectFrom('record_imports')
    .selectAll()
    .where('dataset_id', '=', dataset.id)
    .where('status', '=', 'running')
    .execute();
  const busy = running.find((r) => statusOf(r) === 'running' && r.id !== options.resume);
  if (busy)
    throw new GovdxError(
      'CONFLICT',
      `Import ${busy.id} of ${dataset.slug} is still running; wait for it to end.`,
      {
        importId: busy.id,
      },
    );

  // The header is read (and a Parquet file spooled) before anything is stored: a file refused whole leaves nothing.
  const rows = rowsOf(format, input, shape);
  const first = await rows.next();

  const at = now();
  if (options.resume !== undefined) {
    row = {
      ...row!,
      status: 'running',
      updated_at: at,
      finished_at: null,
      failure: null,
      rows_read: row!.committed_rows,
    };
    await db
      .updateTable('record_imports')
      .set({ status: 'running', updated_at: at, finished_at: null, failure: null, rows_read: row.rows_read })
      .where('id', '=', row.id)
      .execute();
  } else {
    row = {
      id: crypto.randomUUID(),
      dataset_id: dataset.id,
      format,
      status: 'running',
      started_by: principal.personId,
      started_at: at,
      updated_at: at,
      finished_at: null,
      rows_read: 0,
      committed_rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      refused: 0,
      failure: null,
    };
    await db.insertInto('record_imports').values(row).execute();
  }
  const started = row;
  await recordChange(
    ctx.ledger,
    [importEvent('dataset.import_started', owner, dataset, started, principal.personId)],
    {
      undo: async () => {
        if (options.resume !== undefined)
          await db
            .updateTable('record_imports')
            .set({ status: 'failed', failure: 'The ledger could not record the resumed import.' })
            .where('id', '=', started.id)
            .execute();
        else await db.deleteFrom('record_imports').where('id', '=', started.id).execute();
        return true;
      },
      notMade:
        'The import could not be recorded on the ledger, so no record was imported. Try again shortly.',
    },
  );

  const skipUpTo = row.committed_rows;
  let records: HostedRecord[] = [];
  let errors: ImportRow[] = [];
  let lastRow = row.committed_rows;
  // A batch is written while the next one is read (on PostgreSQL the two overlap; SQLite writes in this
  // thread), but batches commit one after another, in the order of the file.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = records;
    const refused = errors;
    const upTo = lastRow;
    records = [];
    errors = [];
    await writing;
    writing = write(batch, refused, upTo);
    writing.catch(() => {}); // awaited before the next batch and at the end
  };
  const write = async (batch: HostedRecord[], refused: ImportRow[], upTo: number) => {
    const current = row;
    const next = await inRecordTransaction(db, async (tx) => {
      const counts = await writeRecords(tx, dataset.id, batch, { fieldNames, importId: current.id });
      const kept = Math.max(0, Math.min(refused.length, KEPT_ERRORS - current.refused));
      if (kept > 0)
        await tx
          .insertInto('record_import_errors')
          .values(
            refused.slice(0, kept).map((e) => ({
              import_id: current.id,
              row_number: e.row,
              reason: 'reason' in e ? e.reason : '',
            })),
          )
          .execute();
      const updated = {
        ...current,
        rows_read: upTo,
        committed_rows: upTo,
        created: current.created + counts.created,
        updated: current.updated + counts.updated,
        unchanged: current.unchanged + counts.unchanged,
        refused: current.refused + refused.length,
        updated_at: now(),
      };
      await tx
        .updateTable('record_imports')
        .set({
          rows_read: updated.rows_read,
          committed_rows: updated.committed_rows,
          created: updated.created,
          updated: updated.updated,
          unchanged: updated.unchanged,
          refused: updated.refused,
          updated_at: updated.updated_at,
        })
        .where('id', '=', current.id)
        .execute();
      return updated;
    });
    row = next;
    options.onProgress?.(toView(row, dataset.slug));
  };

  try {
    for (let item = first; !item.done; item = await rows.next()) {
      for (const value of item.value) {
        lastRow = value.row;
        if (value.row <= skipUpTo) continue;
        if ('reason' in value) errors.push(value);
        else records.push({ key: value.key, data: value.data });
        if (records.length + errors.length >= BATCH_ROWS) await flush();
      }
    }
    if (records.length + errors.length > 0) await flush();
    await writing;
    if (lastRow > row.committed_rows) await write([], [], lastRow);
  } catch (cause) {
    await writing.catch(() => {});
    await rows.return(undefined).catch(() => {});
    const failure =
      cause instanceof GovdxError
        ? cause.message
        : `The import stopped: ${(cause as Error).message ?? String(cause)}`;
    const failedAt = now();
    await db
      .updateTable('record_imports')
      .set({ status: 'failed', failure, finished_at: failedAt, updated_at: failedAt })
      .where('id', '=', row.id)
      .execute();
    row = { ...row, status: 'failed', failure, finished_at: failedAt, updated_at: failedAt };
    await recordChange(
      ctx.ledger,
      [importEvent('dataset.import_failed', owner, dataset, row, principal.personId)],
      {
        undo: async () => false,
        stands: `The import failed after row ${row.committed_rows} (${failure}), and the ledger could not record that. Tell the platform operators.`,
      },
    );
    return toView(row, dataset.slug);
  }
  const finishedAt = now();
  await db
    .updateTable('record_imports')
    .set({ status: 'completed', finished_at: finishedAt, updated_at: finishedAt })
    .where('id', '=', row.id)
    .execute();
  row = { ...row, status: 'completed', finished_at: finishedAt, updated_at: finishedAt };
  await recordChange(
    ctx.ledger,
    [importEvent('dataset.import_completed', owner, dataset, row, principal.personId)],
    {
      undo: async () => false,
      stands:
        'The records are imported, but the ledger could not record that the import completed. Tell the platform operators.',
    },
  );
  return toView(row, dataset.slug);
}

/** The dataset's imports, newest first. */
export async function listImports(
  db: Kysely<Database>,
  owner: Owner,
  datasetSlug: string,
  principal: Principal,
  limit: number,
  after: string | null,
): Promise<Page<ImportView>> {
  const dataset = await datasetOf(db, owner, datasetSlug);
  requireImporter(principal, owner, dataset);
  const query = db.selectFrom('record_imports').selectAll().where('dataset_id', '=', dataset.id);
  const rows = await keysetPage(
    query,
    { time: 'started_at', id: 'id', direction: 'desc' },
    after,
    limit,
  ).execute();
  return toPage(
    rows,
    limit,
    (r) => timeIdKey(r.started_at, r.id),
    (r) => toView(r, dataset.slug),
  );
}

/** One import with the rows it refused (the first KEPT_ERRORS of them). */
export async function getImport(
  db: Kysely<Database>,
  owner: Owner,
  datasetSlug: string,
  principal: Principal,
  id: string,
): Promise<ImportView & { errors: RowError[] }> {
  const dataset = await datasetOf(db, owner, datasetSlug);
  requireImporter(principal, owner, dataset);
  const row = await readImport(db, dataset.id, id);
  const errors = await db
    .selectFrom('record_import_errors')
    .select(['row_number', 'reason'])
    .where('import_id', '=', row.id)
    .orderBy('row_number')
    .execute();
  return {
    ...toView(row, dataset.slug),
    errors: errors.map((e) => ({ row: e.row_number, reason: e.reason })),
  };
}
