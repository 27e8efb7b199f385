/**
 * The one writer of this process's appends, with group commit: appends wait in a queue, and whatever
 * queued in one turn of the event loop is handed to the storage as a batch (at most `maxBatch` entries).
 * A caller's promise resolves only after its batch's COMMIT has returned, so an access event is durable
 * before the data it records is released (fail closed).
 *
 * While a batch commits, the next one queues here, and is handed over when the commit returns: one
 * message and one transaction for everything that arrived meanwhile. A *pipelined* storage (the SQLite
 * writer thread) also takes a batch while another commits, in order, and groups the batches that wait for
 * it into one transaction itself; the sequencer hands it one as soon as PIPELINE_AT entries are queued, so
 * that under a flood of appends the queue here does not hold thousands of events for the length of a
 * commit (the garbage collector would copy them from one generation to the next).
 */
import { GovdxError } from '../domain/index.ts';
import type { AppendedBatch, LedgerStorage, NewEntry, TreeHead } from './storage.ts';

/** Where an append landed: its index in the log and its leaf hash. */
export interface Appended {
  index: number;
  leafHash: Buffer;
}

/** A caller waiting for its entry's commit. Kept apart from the entry, which the storage may drop once encoded. */
interface Waiter {
  resolve(appended: Appended): void;
  reject(error: Error): void;
}

export interface SequencerOptions {
  /** Most entries per batch; bounds the time the writer holds the database. */
  maxBatch?: number;
  /** Called after each commit with the new tree head. */
  onCommit?: (head: TreeHead) => void;
  /** Called when a batch fails to commit (its callers are refused with LEDGER_UNAVAILABLE). */
  onError?: (error: unknown) => void;
}

/** Queued entries at which a pipelined storage is handed a batch without waiting for the one committing. */
const PIPELINE_AT = 256;

export class Sequencer {
  readonly #storage: LedgerStorage;
  readonly #maxBatch: number;
  readonly #options: SequencerOptions;
  readonly #pipelined: boolean;
  #entries: NewEntry[] = [];
  #waiters: Waiter[] = [];
  #scheduled = false;
  /** Batches handed to the storage and not yet answered. */
  #inFlight = 0;
  #idle: Array<() => void> = [];
  #closed = false;

  constructor(storage: LedgerStorage, options: SequencerOptions = {}) {
    this.#storage = storage;
    this.#maxBatch = options.maxBatch ?? 4096;
    this.#options = options;
    this.#pipelined = storage.pipelined === true;
  }

  /** Queues an entry; resolves with its index and leaf hash once it is committed. */
  submit(entry: NewEntry): Promise<Appended> {
    if (this.#closed) {
      return Promise.reject(
        new GovdxError('LEDGER_UNAVAILABLE', 'The ledger is shutting down; nothing was recorded.'),
      );
    }
    return new Promise<Appended>((resolve, reject) => {
      this.#entries.push(entry);
      this.#waiters.push({ resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // setImmediate, not a microtask: appends made in the same turn of the event loop join one batch.
      setImmediate(() => {
        this.#scheduled = false;
        this.#handOver();
      });
    });
  }

  /** Entries waiting to be handed to the storage. */
  get queued(): number {
    return this.#entries.length;
  }

  /** Hands what is queued to the storage when none is committing, or to a pipelined one when much is queued. */
  #handOver(): void {
    while (
      this.#entries.length > 0 &&
      (this.#inFlight === 0 || (this.#pipelined && this.#entries.length >= PIPELINE_AT))
    ) {
      const waiters = this.#waiters.splice(0, this.#maxBatch);
      // Called here rather than inside #settle, so that nothing here holds the entries while they commit.
      let committed: Promise<AppendedBatch>;
      try {
        committed = this.#storage.appendBatch(this.#entries.splice(0, this.#maxBatch));
      } catch (error) {
        committed = Promise.reject(error);
      }
      this.#inFlight += 1;
      void this.#settle(committed, waiters).then(() => {
        this.#inFlight -= 1;
        this.#handOver();
        if (this.#inFlight === 0 && this.#entries.length === 0)
          for (const done of this.#idle.splice(0)) done();
      });
    }
  }

  async #settle(committed: Promise<AppendedBatch>, waiters: Waiter[]): Promise<void> {
    try {
      const { firstIndex, head, leafHashes } = await committed;
      for (const [i, w] of waiters.entries()) w.resolve({ index: firstIndex + i, leafHash: leafHashes[i]! });
      this.#options.onCommit?.(head);
    } catch (error) {
      this.#options.onError?.(error);
      const refusal = new GovdxError(
        'LEDGER_UNAVAILABLE',
        'The ledger could not record this durably; nothing was recorded. Try again.',
      );
      refusal.cause = error;
      for (const w of waiters) w.reject(refusal);
    }
  }

  /** Refuses new appends and waits until every queued one is committed or refused. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#inFlight === 0 && this.#entries.length === 0 && !this.#scheduled) return;
    await new Promise<void>((done) => this.#idle.push(done));
  }
}
