/**
 * Appends ledger batches to SQLite. Each batch is one `BEGIN IMMEDIATE … COMMIT` that reads the tree's
 * size and right edge, hashes the entries into commitments, leaves and new subtree hashes, and writes
 * them with multi-row INSERTs. The store opens SQLite with WAL and `synchronous = FULL`, so a returned
 * commit is on disk.
 *
 * It runs in a worker thread with its own connection to the database file (sqlite-writer.worker.js), so
 * that the disk work and hashing of one batch overlap with the callers' work on the main thread; for an
 * in-memory database it runs on the main thread's handle.
 */
import SQLite from 'better-sqlite3';
import { hashEntries } from './commitment.ts';
import { HASH_SIZE, rootFromEdge } from './hashes.ts';
import { edgeIds, extendTree, storedHashCount } from './layout.ts';
import { MissingHashError } from './storage.ts';

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

function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

export class SqliteWriter {
  readonly #db: SQLite.Database;
  readonly #s;

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
    };
  }

  /** Appends the batch durably, or nothing. */
  write(batch: WriterBatch): WriterResult {
    return this.#db.transaction(() => this.#append(batch)).immediate();
  }

  #append(b: WriterBatch): WriterResult {
    const last = this.#s.last.get() as number | null;
    const size = last === null ? 0 : last + 1;
    const kinds = b.kinds.split('\n');
    const events = b.events.split('\n');
    const subjects = JSON.parse(b.subjects) as Array<string | null>;
    const salts = Buffer.from(b.salts.buffer, b.salts.byteOffset, b.salts.byteLength);
    const entries = events.map((event, i) => ({ event, salt: salts.subarray(i * 32, i * 32 + 32) }));
    const { commitments, leafHashes } = hashEntries(entries);
    const { stored, edge } = extendTree(size, this.#edge(size), leafHashes);

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

    return {
      firstIndex: size,
      size: size + b.count,
      rootHash: rootFromEdge(edge),
      leafHashes: Buffer.concat(leafHashes, b.count * HASH_SIZE),
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

/** The worker thread's side: its own connection, as durable as the store's (WAL, synchronous = FULL). */
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
  port.on('message', (batch) => {
    try {
      const result = writer.write(batch);
      port.postMessage({ ok: true, ...result }, [result.leafHashes.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ ok: false, message: (error as Error).message });
    }
  });
}
