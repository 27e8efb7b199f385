/**
 * Appends ledger batches to SQLite. Each batch is one `BEGIN IMMEDIATE … COMMIT` that reads the tree's
 * size, hashes the entries into commitments, leaves and new subtree hashes, and writes them with multi-row
 * INSERTs: the entries, the new stored hashes, and, when the batch completes a run of SUBJECT_RUN entries,
 * the run's (subject, entry) pairs (storage.ts). The store opens SQLite with WAL and `synchronous = FULL`,
 * so a returned commit is on disk.
 *
 * The writer keeps the tree's right edge from its last commit; a batch re-reads it from the database only
 * when the size it finds there differs (another writer appended, or a batch failed).
 *
 * It runs in a worker thread with its own connection to the database file (sqlite-writer.worker.js), so
 * that the disk work and hashing of one batch overlap with the callers' work on the main thread; for an
 * in-memory database it runs on the main thread's handle.
 */
import SQLite from 'better-sqlite3';
import { hashEntries } from './commitment.ts';
import { HASH_SIZE, rootFromEdge } from './hashes.ts';
import { edgeIds, extendTree, storedHashCount } from './layout.ts';
import { MissingHashError, subjectRunsCompleted } from './storage.ts';

/** Rows per multi-row INSERT: fewer calls into SQLite, well under its limit of bound parameters. */
const ROWS_PER_INSERT = 64;

/** One batch as passed to the writer: few, large values, cheap to send between threads. */
export interface WriterBatch {
  count: number;
  /** Kinds, joined by newlines (a kind has none). */
  kinds: string;
  /** Subjects, as a JSON array (null for none). */
  subjects: string;
  /** Canonical JSON events, joined by newlines (canonical JSON has none). */
  events: string;
  /** count × 32-byte salts. */
  salts: Uint8Array;
}

export interface WriterResult {
  firstIndex: number;
  size: number;
  rootHash: Uint8Array;
  /** count × 32-byte leaf hashes. */
  leafHashes: Uint8Array;
}

export type WriterReply = ({ ok: true } & WriterResult) | { ok: false; message: string };

/**
 * The hashes in one buffer of its own, to be transferred to the main thread. Not Buffer.concat: a small
 * result would lie in Node's shared buffer pool, which cannot be transferred (Node 20 copies it instead;
 * later versions refuse the message).
 */
function concatUnpooled(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  for (let i = 0; i < hashes.length; i += 1) out.set(hashes[i]!, i * HASH_SIZE);
  return out;
}

function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

export class SqliteWriter {
  readonly #db: SQLite.Database;
  readonly #s;
  /** The tree as this writer last committed it; null until read, and after a failed batch. */
  #tree: { size: number; edge: Buffer[] } | null = null;

  constructor(db: SQLite.Database) {
    this.#db = db;
    const entries =
      'insert into ledger_entries (entry_index, kind, subject, event, salt, commitment) values ';
    this.#s = {
      last: db.prepare('select max(entry_index) from ledger_entries').pluck(),
      hashes: db.prepare('select id, hash from ledger_hashes where id in (select value from json_each(?))'),
      entry: db.prepare(entries + placeholders(1, 6)),
      entries: db.prepare(entries + placeholders(ROWS_PER_INSERT, 6)),
      hash: db.prepare(`insert into ledger_hashes (id, hash) values ${placeholders(1, 2)}`),
      hashes64: db.prepare(`insert into ledger_hashes (id, hash) values ${placeholders(ROWS_PER_INSERT, 2)}`),
      // The (subject, entry) pairs of a completed run, sorted (storage.ts: SUBJECT_RUN).
      mergeSubjects: db.prepare(
        'insert into ledger_subject_entries (subject, entry_index) ' +
          'select subject, entry_index from ledger_entries where entry_index >= ? and entry_index < ? ' +
          'and subject is not null order by subject, entry_index on conflict do nothing',
      ),
    };
  }

  /** Appends the batch durably, or nothing. */
  write(batch: WriterBatch): WriterResult {
    return this.writeAll([batch])[0]!;
  }

  /** Appends the batches in order in one transaction (group commit), durably, or none of them. */
  writeAll(batches: readonly WriterBatch[]): WriterResult[] {
    try {
      return this.#db.transaction(() => batches.map((b) => this.#append(b))).immediate();
    } catch (error) {
      this.#tree = null;
      throw error;
    }
  }

  #append(b: WriterBatch): WriterResult {
    const last = this.#s.last.get() as number | null;
    const size = last === null ? 0 : last + 1;
    const kinds = b.kinds.split('\n');
    const events = b.events.split('\n');
    const subjects = JSON.parse(b.subjects) as Array<string | null>;
    if (kinds.length !== b.count || events.length !== b.count || subjects.length !== b.count) {
      throw new Error('A ledger batch did not unpack into its count of entries (a newline in an event?)');
    }
    const salts = Buffer.from(b.salts.buffer, b.salts.byteOffset, b.salts.byteLength);
    const entries = events.map((event, i) => ({ event, salt: salts.subarray(i * 32, i * 32 + 32) }));
    const { commitments, leafHashes } = hashEntries(entries);
    const known = this.#tree?.size === size ? this.#tree.edge : this.#edge(size);
    const { stored, edge } = extendTree(size, known, leafHashes);
    // Set before COMMIT; write() forgets it if the transaction does not commit.
    this.#tree = { size: size + b.count, edge };

    const row = (values: unknown[], i: number) =>
      values.push(size + i, kinds[i], subjects[i], events[i], entries[i]!.salt, commitments[i]);
    this.#insert(b.count, row, this.#s.entries, this.#s.entry);
    const firstId = storedHashCount(size);
    this.#insert(
      stored.length,
      (values, h) => values.push(firstId + h, stored[h]),
      this.#s.hashes64,
      this.#s.hash,
    );
    const run = subjectRunsCompleted(size, size + b.count);
    if (run) this.#s.mergeSubjects.run(run[0], run[1]);

    return {
      firstIndex: size,
      size: size + b.count,
      rootHash: rootFromEdge(edge),
      leafHashes: concatUnpooled(leafHashes),
    };
  }

  #insert(
    count: number,
    row: (values: unknown[], i: number) => void,
    many: SQLite.Statement,
    one: SQLite.Statement,
  ): void {
    let i = 0;
    for (; i + ROWS_PER_INSERT <= count; i += ROWS_PER_INSERT) {
      const values: unknown[] = [];
      for (let j = i; j < i + ROWS_PER_INSERT; j += 1) row(values, j);
      many.run(values);
    }
    for (; i < count; i += 1) {
      const values: unknown[] = [];
      row(values, i);
      one.run(values);
    }
  }

  #edge(size: number): Buffer[] {
    const ids = edgeIds(size);
    if (ids.length === 0) return [];
    const rows = this.#s.hashes.all(JSON.stringify(ids)) as Array<{ id: number; hash: Buffer }>;
    const byId = new Map(rows.map((r) => [r.id, r.hash]));
    return ids.map((id) => {
      const found = byId.get(id);
      if (!found) throw new MissingHashError(id);
      return found;
    });
  }
}

/** Most entries the writer thread commits in one transaction, however many batches wait. */
const MAX_GROUP_ENTRIES = 4096;

/**
 * The worker thread's side: its own connection, as durable as the store's (WAL, synchronous = FULL).
 * Batches that arrive while a transaction runs wait, and are then committed together in one transaction
 * (up to MAX_GROUP_ENTRIES entries); each batch is answered, in the order it came.
 */
export function runWriterThread(
  file: string,
  port: {
    on(event: 'message', listener: (batch: WriterBatch) => void): void;
    postMessage(reply: WriterReply, transfer?: ArrayBuffer[]): void;
  },
): void {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Checkpoint the WAL every 10000 pages rather than 1000: a hot index page rewritten by several batches
  // is then copied into the database file once. Commits are as durable either way (the WAL is synced).
  db.pragma('wal_autocheckpoint = 10000');
  const writer = new SqliteWriter(db);
  const waiting: WriterBatch[] = [];
  const commitWaiting = () => {
    let take = 1;
    let entries = waiting[0]!.count;
    while (take < waiting.length && entries + waiting[take]!.count <= MAX_GROUP_ENTRIES) {
      entries += waiting[take]!.count;
      take += 1;
    }
    const group = waiting.splice(0, take);
    try {
      for (const result of writer.writeAll(group)) {
        port.postMessage({ ok: true, ...result }, [result.leafHashes.buffer as ArrayBuffer]);
      }
    } catch (error) {
      for (const _ of group) port.postMessage({ ok: false, message: (error as Error).message });
    }
    if (waiting.length > 0) setImmediate(commitWaiting);
  };
  port.on('message', (batch) => {
    waiting.push(batch);
    // After the messages already delivered in this turn, so that they join the same transaction.
    if (waiting.length === 1) setImmediate(commitWaiting);
  });
}
