/**
 * LedgerStorage on SQLite. Reads use the store's better-sqlite3 handle with prepared statements. Appends
 * go to a SqliteWriter (sqlite-writer.ts): in a worker thread with its own connection when the database is
 * a file, else on this handle.
 *
 * On this handle, a batch waits while a Kysely transaction is open on it rather than join it (its
 * writes would otherwise commit or roll back with somebody else's transaction).
 */
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { HASH_SIZE } from './hashes.ts';
import { SqliteWriter, type WriterBatch, type WriterReply, type WriterResult } from './sqlite-writer.ts';
import {
  type AppendedBatch,
  type LedgerStorage,
  MissingHashError,
  type NewEntry,
  openSubjectRun,
  type StoredCheckpoint,
  type StoredEntry,
  subjectMention,
} from './storage.ts';

const WAIT_FOR_OTHER_TRANSACTION_MS = 2;

interface EntryRow {
  entry_index: number;
  kind: string;
  subject: string | null;
  event: string;
  salt: Buffer;
  commitment: Buffer;
}

/**
 * Sends batches to the writer thread, in order, without waiting for the one before: the thread answers them
 * in the same order (and groups those that wait into one transaction). Keeps the process alive only while a
 * batch is in flight.
 */
class WriterThread {
  readonly #worker: Worker;
  readonly #pending: Array<{ resolve(result: WriterResult): void; reject(error: Error): void }> = [];
  #failed: Error | null = null;
  #closed = false;

  constructor(file: string) {
    // No inherited flags: the worker registers its own TypeScript loader (see sqlite-writer.worker.js).
    this.#worker = new Worker(new URL('./sqlite-writer.worker.js', import.meta.url), {
      workerData: { file },
      execArgv: [],
    });
    this.#worker.unref();
    // unref() before the thread is online does not hold; repeat it then, unless a batch or close() wants it.
    this.#worker.once('online', () => {
      if (this.#pending.length === 0 && !this.#failed) this.#worker.unref();
    });
    this.#worker.on('message', (reply: WriterReply) => {
      const pending = this.#pending.shift();
      if (this.#pending.length === 0) this.#worker.unref();
      if (reply.ok) pending?.resolve(reply);
      else pending?.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      this.#failed = error;
      for (const pending of this.#pending.splice(0)) pending.reject(error);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) =>
      fail(new Error(`The ledger's writer thread stopped (exit code ${code})`)),
    );
  }

  /** The thread stopped on its own (crashed): the storage starts another for the next batch. */
  get stopped(): boolean {
    return this.#failed !== null && !this.#closed;
  }

  write(batch: WriterBatch): Promise<WriterResult> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise<WriterResult>((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage(batch, [batch.salts.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#failed ??= new Error('The ledger is closed');
    // An unreferenced worker would not keep the process alive until it has stopped.
    this.#worker.ref();
    await this.#worker.terminate();
  }
}

export class SqliteLedgerStorage implements LedgerStorage {
  readonly kind = 'sqlite' as const;
  /** With a writer thread, batches are sent as they come and the thread groups them (see sequencer.ts). */
  readonly pipelined: boolean;
  readonly #db: SQLite.Database;
  readonly #statements: ReturnType<typeof prepare>;
  readonly #useThread: boolean;
  /** Started on the first append: many nodes (and every test server) never append. */
  #thread: WriterThread | null = null;
  #local: SqliteWriter | null = null;

  /** `thread: false` writes on the given handle (always so for an in-memory database). */
  constructor(db: SQLite.Database, options: { thread?: boolean } = {}) {
    this.#db = db;
    this.#statements = prepare(db);
    this.#useThread = (options.thread ?? true) && !db.memory;
    this.pipelined = this.#useThread;
  }

  /** Not async itself: once packed, the entries are not held while the batch commits. */
  appendBatch(batch: readonly NewEntry[]): Promise<AppendedBatch> {
    try {
      return this.#appendPacked(pack(batch));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #appendPacked(packed: WriterBatch): Promise<AppendedBatch> {
    const count = packed.count;
    const result = await this.#write(packed);
    const leaves = Buffer.from(
      result.leafHashes.buffer,
      result.leafHashes.byteOffset,
      result.leafHashes.byteLength,
    );
    return {
      firstIndex: result.firstIndex,
      head: { size: result.size, rootHash: Buffer.from(result.rootHash) },
      leafHashes: Array.from({ length: count }, (_, i) =>
        leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
      ),
    };
  }

  async #write(batch: WriterBatch): Promise<WriterResult> {
    if (this.#useThread) {
      // A thread that crashed refused its batch (whose commit may or may not have happened: its callers
      // were told it failed, so nothing was released on its account); the next batch gets a new thread.
      if (!this.#thread || this.#thread.stopped) this.#thread = new WriterThread(this.#db.name);
      return this.#thread.write(batch);
    }
    this.#local ??= new SqliteWriter(this.#db);
    while (this.#db.inTransaction) await sleep(WAIT_FOR_OTHER_TRANSACTION_MS);
    return this.#local.write(batch);
  }

  async treeSize(): Promise<number> {
    const last = this.#statements.last.get() as number | null;
    return last === null ? 0 : last + 1;
  }

  async readHashes(ids: readonly number[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const rows = this.#statements.hashes.all(JSON.stringify(ids)) as Array<[number, Buffer]>;
    const byId = new Map(rows);
    return ids.map((id) => {
      const found = byId.get(id);
      if (!found) throw new MissingHashError(id);
      return found;
    });
  }

  async readEntries(from: number, to: number): Promise<StoredEntry[]> {
    const rows = this.#statements.entries.all(from, to) as EntryRow[];
    return rows.map((r) => ({
      index: r.entry_index,
      kind: r.kind,
      subject: r.subject,
      event: r.event,
      salt: r.salt,
      commitment: r.commitment,
    }));
  }

  async indexesAbout(subject: string): Promise<number[]> {
    const open = openSubjectRun(await this.treeSize());
    return this.#statements.about.all(subject, open, subject, subjectMention(subject)) as number[];
  }

  async subjectPairs(from: number, to: number): Promise<Array<{ index: number; subject: string }>> {
    const rows = this.#statements.pairs.all(from, to) as Array<{ entry_index: number; subject: string }>;
    return rows.map((r) => ({ index: r.entry_index, subject: r.subject }));
  }

  async readCommitments(from: number, to: number): Promise<Buffer[]> {
    return this.#statements.commitments.all(from, to) as Buffer[];
  }

  async saveCheckpoint(c: StoredCheckpoint): Promise<void> {
    while (this.#db.inTransaction) await sleep(WAIT_FOR_OTHER_TRANSACTION_MS);
    this.#statements.insertCheckpoint.run(c.size, c.rootHash, c.note, c.publishedAt);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const row = this.#statements.latestCheckpoint.get() as
      | { tree_size: number; root_hash: Buffer; note: string; published_at: string }
      | undefined;
    return (
      row && { size: row.tree_size, rootHash: row.root_hash, note: row.note, publishedAt: row.published_at }
    );
  }

  /** store/settings.ts's settingOnce, on the raw handle: never inside a transaction another caller holds open. */
  async settingOnce(key: string, create: () => string): Promise<string> {
    const read = () => this.#statements.setting.get(key) as string | undefined;
    const existing = read();
    if (existing !== undefined) return existing;
    while (this.#db.inTransaction) await sleep(WAIT_FOR_OTHER_TRANSACTION_MS);
    this.#statements.insertSetting.run(key, create(), new Date().toISOString());
    return read()!;
  }

  async close(): Promise<void> {
    await this.#thread?.close();
    this.#thread = null;
  }
}

/** Packs a batch into a few large values: strings joined, salts in one transferable buffer. */
function pack(batch: readonly NewEntry[]): WriterBatch {
  const salts = new Uint8Array(batch.length * 32);
  for (let i = 0; i < batch.length; i += 1) {
    const e = batch[i]!;
    if (typeof e.kind !== 'string' || e.kind === '' || typeof e.event !== 'string') {
      throw new TypeError(`Ledger entry ${i} of the batch has no kind or no event`);
    }
    salts.set(e.salt, i * 32);
  }
  // Canonical JSON has no raw newline, nor has a kind (KIND_PATTERN); the writer checks the counts.
  return {
    count: batch.length,
    kinds: batch.map((e) => e.kind).join('\n'),
    subjects: JSON.stringify(batch.map((e) => e.subject)),
    events: batch.map((e) => e.event).join('\n'),
    salts,
  };
}

function prepare(db: SQLite.Database) {
  const entryColumns = 'entry_index, kind, subject, event, salt, commitment';
  return {
    last: db.prepare('select max(entry_index) from ledger_entries').pluck(),
    // Rows as [id, hash] arrays: a third faster than objects when proofs and tiles read many at once.
    hashes: db
      .prepare('select id, hash from ledger_hashes where id in (select value from json_each(?))')
      .raw(),
    entries: db.prepare(
      `select ${entryColumns} from ledger_entries where entry_index >= ? and entry_index < ? order by entry_index`,
    ),
    // A run completed since the size was read is in both halves: the union keeps it once.
    about: db
      .prepare(
        'select entry_index from ledger_subject_entries where subject = ? ' +
          'union select entry_index from ledger_entries where entry_index >= ? ' +
          "and (subject = ? or event like ? escape '\\') order by entry_index",
      )
      .pluck(),
    pairs: db.prepare(
      'select entry_index, subject from ledger_subject_entries where entry_index >= ? and entry_index < ? order by entry_index, subject',
    ),
    commitments: db
      .prepare(
        'select commitment from ledger_entries where entry_index >= ? and entry_index < ? order by entry_index',
      )
      .pluck(),
    insertCheckpoint: db.prepare(
      'insert into ledger_checkpoints (tree_size, root_hash, note, published_at) values (?, ?, ?, ?) on conflict (tree_size) do nothing',
    ),
    latestCheckpoint: db.prepare(
      'select tree_size, root_hash, note, published_at from ledger_checkpoints order by tree_size desc limit 1',
    ),
    setting: db.prepare('select value from settings where key = ?').pluck(),
    insertSetting: db.prepare(
      'insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do nothing',
    ),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
