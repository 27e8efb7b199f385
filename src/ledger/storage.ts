/**
 * Where the ledger keeps its entries, its tree and its checkpoints. The sequencer, proofs and tiles are
 * written against this interface; the implementations are sqlite-storage.ts (better-sqlite3 statements),
 * kysely-storage.ts (PostgreSQL, and any Kysely dialect) and memory-storage.ts (tests).
 */

/**
 * An event ready to append: its canonical JSON and its salt. The storage hashes them into the commitment
 * and the leaf (hashEntries), where it writes, so that this work runs beside the caller's, not on its thread.
 */
export interface NewEntry {
  kind: string;
  subject: string | null;
  /** The event as RFC 8785 canonical JSON: exactly the bytes the commitment covers. */
  event: string;
  salt: Buffer;
}

export interface StoredEntry {
  index: number;
  kind: string;
  subject: string | null;
  event: string;
  salt: Buffer;
  commitment: Buffer;
}

export interface TreeHead {
  size: number;
  rootHash: Buffer;
}

export interface StoredCheckpoint extends TreeHead {
  /** The signed note as published. */
  note: string;
  publishedAt: string;
}

export interface AppendedBatch {
  /** The index of the batch's first entry; the others follow in order. */
  firstIndex: number;
  /** The tree after the batch. */
  head: TreeHead;
  /** The leaf hash of each entry, in order. */
  leafHashes: Buffer[];
}

export interface LedgerStorage {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /**
   * True when appendBatch may be called again before the last call has answered: the storage then commits
   * the batches in the order given (grouping those that wait into one transaction if it likes), and answers
   * each in that order. Otherwise the sequencer waits for each batch before it hands over the next.
   */
  readonly pipelined?: boolean;
  /**
   * Appends entries atomically and durably: inside one transaction, reads the tree size and right edge,
   * writes the entries and every new stored hash, and commits. Resolves only after the commit returns.
   * Safe against concurrent appenders on the same database (they are serialized, never forked).
   */
  appendBatch(entries: readonly NewEntry[]): Promise<AppendedBatch>;
  /** The number of entries committed. */
  treeSize(): Promise<number>;
  /** Stored hashes by id (see layout.ts), in the order asked; throws if one is missing. */
  readHashes(ids: readonly number[]): Promise<Buffer[]>;
  /** Entries [from, to), in order. */
  readEntries(from: number, to: number): Promise<StoredEntry[]>;
  /**
   * The indexes of the entries about this person (a national ID), in order: those the subject index files
   * under them, and those of the open run whose committed event names them (SUBJECT_MENTION), so that an
   * entry whose index column was rewritten is still found while its run is open.
   */
  indexesAbout(subject: string): Promise<number[]>;
  /** The (subject, entry) pairs of ledger_subject_entries for entries [from, to), in entry order. */
  subjectPairs(from: number, to: number): Promise<Array<{ index: number; subject: string }>>;
  /** Commitments of entries [from, to), in order: the contents of entry bundles. */
  readCommitments(from: number, to: number): Promise<Buffer[]>;
  /** Records a published checkpoint; a second one for the same size is ignored. */
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** The text stored under `key`, made with `create` and shared by every node if absent (store's settingOnce). */
  settingOnce(key: string, create: () => string): Promise<string>;
  /** Releases what the storage holds of its own (a writer thread); the store itself stays open. */
  close?(): Promise<void>;
}

/** The error a storage throws when asked for a hash it does not hold (a bug, or a damaged database). */
export class MissingHashError extends Error {
  override name = 'MissingHashError';
  constructor(readonly id: number) {
    super(`The ledger's stored hash ${id} is missing`);
  }
}

/**
 * Which entries are about whom is kept in ledger_subject_entries, added a run of SUBJECT_RUN entries at a
 * time: the commit that completes a run inserts the run's (subject, entry) pairs sorted by subject, so
 * that the table's B-tree is walked once in order per run. Added one commit at a time, every entry about a
 * different person rewrote a page of its own, in every small commit (the exchange's). The entries of the
 * run not yet complete are found by reading the run itself: at most SUBJECT_RUN - 1 rows, in index order.
 */
export const SUBJECT_RUN = 4096;

/** The entries [from, to) whose pairs the commit that grows the tree from `before` to `after` adds; null if none. */
export function subjectRunsCompleted(before: number, after: number): [number, number] | null {
  const from = before - (before % SUBJECT_RUN);
  const to = after - (after % SUBJECT_RUN);
  return to > from ? [from, to] : null;
}

/** Where the run not yet added to the subject table begins, for a tree of `size` entries. */
export function openSubjectRun(size: number): number {
  return size - (size % SUBJECT_RUN);
}

/**
 * A LIKE pattern matching the canonical JSON (RFC 8785) of an event whose `subject` is `subject`: keys are
 * written `"subject":"…"` without spaces. It may match a nested detail too; readers check the parsed event.
 */
export function subjectMention(subject: string): string {
  return `%${JSON.stringify({ subject })
    .slice(1, -1)
    .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
