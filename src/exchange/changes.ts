/**
 * Keeps the decision index fresh, so that a revocation or suspension through any API takes effect on
 * the very next call, on every node.
 *
 * On SQLite (one process) the API that makes a change applies it here before it answers. On PostgreSQL
 * the database itself announces every change of the tables the exchange decides on (triggers in
 * migration 0004 NOTIFY at commit), and each node LISTENs on a connection of its own. When that
 * connection breaks, the node may have missed a change, so it refuses calls (fail closed) until it has
 * listened again and re-read everything.
 */
import pg from 'pg';
import { EXCHANGE_CHANNEL } from '../store/index.ts';
import type { DecisionIndex } from './decision-index.ts';

export type Change =
  | { table: 'agreements' | 'consents'; id: string }
  /** The catalog and the directory: organizations, systems, datasets, fields, services, purposes. */
  | { table: 'catalog' }
  | { table: 'all' };

/** A NOTIFY payload (`agreements:<id>`, `consents:<id>`, or a table name) as a change. */
export function parseChange(payload: string): Change {
  const colon = payload.indexOf(':');
  const table = colon < 0 ? payload : payload.slice(0, colon);
  const id = colon < 0 ? '' : payload.slice(colon + 1);
  if ((table === 'agreements' || table === 'consents') && id) return { table, id };
  return { table: 'catalog' };
}

export interface ChangeFollowerOptions {
  /** PostgreSQL connection URL for the listening connection; unset on SQLite. */
  databaseUrl?: string | undefined;
  onError?: (error: unknown, what: string) => void;
  /** Slowest retry of a lost listening connection. */
  maxBackoffMs?: number;
}

export class ChangeFollower {
  readonly #index: DecisionIndex;
  readonly #options: ChangeFollowerOptions;
  #queue: Promise<void> = Promise.resolve();
  #outstanding = 0;
  #pending: Promise<void> | null = null;
  #catalogQueued = false;
  #client: pg.Client | null = null;
  #live = false;
  #closed = false;
  #retry: NodeJS.Timeout | null = null;
  #backoffMs = 100;

  constructor(index: DecisionIndex, options: ChangeFollowerOptions = {}) {
    this.#index = index;
    this.#options = options;
  }

  /** False while the node may have missed a change: calls are refused until it is true again. */
  get live(): boolean {
    return this.#live;
  }

  /** Resolves when every change announced so far is applied; null when none is waiting. */
  get pending(): Promise<void> | null {
    return this.#pending;
  }

  /** Reads everything, and on PostgreSQL starts listening (first, so that nothing falls in between). */
  async start(): Promise<void> {
    if (this.#options.databaseUrl) await this.#listen();
    await this.#run(() => this.#index.loadAll());
    this.#live = true;
  }

  /**
   * Applies a change after those already queued; resolves when it is applied. A change that cannot be
   * read may leave the index stale, so then calls are refused until a full re-read succeeds.
   */
  apply(change: Change): Promise<void> {
    if (change.table === 'catalog') {
      // One queued re-read of the catalog covers every change announced before it starts.
      if (this.#catalogQueued) return this.#queue;
      this.#catalogQueued = true;
    }
    return this.#run(() => {
      switch (change.table) {
        case 'all':
          return this.#index.loadAll();
        case 'catalog':
          this.#catalogQueued = false;
          return this.#index.reloadCatalog();
        case 'agreements':
          return this.#index.reloadAgreement(change.id);
        case 'consents':
          return this.#index.reloadConsent(change.id);
      }
    }).catch((error: unknown) => {
      this.#options.onError?.(error, `applying a change of ${change.table}`);
      this.#live = false;
      this.#scheduleRecovery();
    });
  }

  /** Runs `task` after every task queued before it: the index changes in the order changes were announced. */
  #run(task: () => Promise<void>): Promise<void> {
    this.#outstanding += 1;
    const done = this.#queue.then(task).finally(() => {
      this.#outstanding -= 1;
      if (this.#outstanding === 0) this.#pending = null;
    });
    this.#queue = done.catch(() => {});
    this.#pending = this.#queue;
    return done;
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.databaseUrl,
      // Names the connection in pg_stat_activity, so an operator sees which node listens.
      application_name: `govdx exchange listener ${process.pid}`,
    });
    const lost = (error?: unknown) => {
      if (this.#client !== client) return;
      this.#client = null;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (this.#closed) return;
      this.#live = false;
      this.#options.onError?.(error ?? new Error('connection ended'), 'listening for changes');
      this.#scheduleRecovery();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel === EXCHANGE_CHANNEL) void this.apply(parseChange(message.payload ?? ''));
    });
    this.#client = client;
    try {
      await client.connect();
      await client.query(`listen ${EXCHANGE_CHANNEL}`);
    } catch (error) {
      if (this.#client === client) this.#client = null;
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
      throw error;
    }
  }

  /** Listens again (on PostgreSQL), re-reads everything, and only then accepts calls again. */
  #scheduleRecovery(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(async () => {
      this.#retry = null;
      try {
        if (this.#options.databaseUrl && !this.#client) await this.#listen();
        await this.#run(() => this.#index.loadAll());
        this.#live = true;
        this.#backoffMs = 100;
      } catch (error) {
        this.#options.onError?.(error, 'recovering the exchange index');
        this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 5000);
        this.#scheduleRecovery();
      }
    }, this.#backoffMs);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
    await this.#queue;
  }
}
