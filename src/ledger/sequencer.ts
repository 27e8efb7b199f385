/**
 * The one writer of this process's appends, with group commit: appends wait in a queue; whatever
 * queued while the previous commit ran (at most `maxBatch`) becomes the next batch, committed in one
 * storage transaction. A caller's promise resolves only after its batch's COMMIT has returned, so an
 * access event is durable before the data it records is released (fail closed).
 */
import { GovdxError } from '../domain/index.ts';
import type { LedgerStorage, NewEntry, TreeHead } from './storage.ts';

/** Where an append landed: its index in the log and its leaf hash. */
export interface Appended {
  index: number;
  leafHash: Buffer;
}

interface Pending {
  entry: NewEntry;
  resolve(appended: Appended): void;
  reject(error: Error): void;
}

export interface SequencerOptions {
  /** Most entries per transaction; bounds the time the writer holds the database. */
  maxBatch?: number;
  /** Called after each commit with the new tree head. */
  onCommit?: (head: TreeHead) => void;
  /** Called when a batch fails to commit (its callers are refused with LEDGER_UNAVAILABLE). */
  onError?: (error: unknown) => void;
}

export class Sequencer {
  readonly #storage: LedgerStorage;
  readonly #maxBatch: number;
  readonly #options: SequencerOptions;
  #queue: Pending[] = [];
  #draining: Promise<void> | null = null;
  #closed = false;

  constructor(storage: LedgerStorage, options: SequencerOptions = {}) {
    this.#storage = storage;
    this.#maxBatch = options.maxBatch ?? 4096;
    this.#options = options;
  }

  /** Queues an entry; resolves with its index and leaf hash once it is committed. */
  submit(entry: NewEntry): Promise<Appended> {
    if (this.#closed) {
      return Promise.reject(
        new GovdxError('LEDGER_UNAVAILABLE', 'The ledger is shutting down; nothing was recorded.'),
      );
    }
    return new Promise<Appended>((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      // setImmediate, not a microtask: appends made in the same turn of the event loop join one batch.
      this.#draining ??= new Promise<void>((done) => setImmediate(() => this.#drain().then(done)));
    });
  }

  /** Entries waiting for a commit. */
  get queued(): number {
    return this.#queue.length;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        const { firstIndex, head, leafHashes } = await this.#storage.appendBatch(batch.map((p) => p.entry));
        for (const [i, p] of batch.entries()) p.resolve({ index: firstIndex + i, leafHash: leafHashes[i]! });
        this.#options.onCommit?.(head);
      } catch (error) {
        this.#options.onError?.(error);
        const refusal = new GovdxError(
          'LEDGER_UNAVAILABLE',
          'The ledger could not record this durably; nothing was recorded. Try again.',
        );
        refusal.cause = error;
        for (const p of batch) p.reject(refusal);
      }
    }
    this.#draining = null;
  }

  /** Refuses new appends and waits until every queued one is committed or refused. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining) await this.#draining;
  }
}
