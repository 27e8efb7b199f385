/**
 * LedgerStorage through Kysely: PostgreSQL in production (and SQLite in tests, to hold both storages to
 * one contract).
 *
 * Several govdx nodes may share one PostgreSQL and all of them append: each batch takes the transaction-
 * level advisory lock LEDGER_LOCK (pg_advisory_xact_lock), then reads the tree size and right edge, then
 * writes. The lock serializes batches across nodes, so the tree never forks; a node that finds the lock
 * taken waits for it, and meanwhile keeps queueing its own appends into its next batch. The lock is
 * released by COMMIT or ROLLBACK, so a node that dies mid-batch frees it with its connection.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { type Database, settingOnce } from '../store/index.ts';
import { hashEntries } from './commitment.ts';
import { rootFromEdge } from './hashes.ts';
import { edgeIds, extendTree, storedHashCount } from './layout.ts';
import {
  type AppendedBatch,
  type LedgerStorage,
  MissingHashError,
  type NewEntry,
  openSubjectRun,
  type StoredCheckpoint,
  type StoredEntry,
  subjectMention,
  subjectRunsCompleted,
} from './storage.ts';

/** The advisory lock key of the ledger's sequencer: the ASCII bytes of "govdxLdg" as a bigint. */
export const LEDGER_LOCK = 0x676f7664784c6467n;
const ENTRY_ROWS_PER_INSERT = 1000;
const HASH_ROWS_PER_INSERT = 4000;
const IDS_PER_SELECT = 10000;

type Db = Kysely<Database> | Transaction<Database>;

export class KyselyLedgerStorage implements LedgerStorage {
  readonly kind: 'sqlite' | 'postgres';
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>, dialect: 'sqlite' | 'postgres') {
    this.#db = db;
    this.kind = dialect;
  }

  appendBatch(batch: readonly NewEntry[]): Promise<AppendedBatch> {
    const { commitments, leafHashes } = hashEntries(batch);
    return this.#db.transaction().execute(async (trx) => {
      if (this.kind === 'postgres')
        await sql`select pg_advisory_xact_lock(${String(LEDGER_LOCK)}::bigint)`.execute(trx);
      const size = await sizeOf(trx);
      const edge = await hashesOf(trx, edgeIds(size));
      const { stored, edge: next } = extendTree(size, edge, leafHashes);
      for (let i = 0; i < batch.length; i += ENTRY_ROWS_PER_INSERT) {
        const rows = batch.slice(i, i + ENTRY_ROWS_PER_INSERT).map((e, j) => ({
          entry_index: size + i + j,
          kind: e.kind,
          subject: e.subject,
          event: e.event,
          salt: e.salt,
          commitment: commitments[i + j]!,
        }));
        await trx.insertInto('ledger_entries').values(rows).execute();
      }
      const run = subjectRunsCompleted(size, size + batch.length);
      if (run) await mergeSubjectRun(trx, run[0], run[1]);
      const firstId = storedHashCount(size);
      for (let i = 0; i < stored.length; i += HASH_ROWS_PER_INSERT) {
        const rows = stored
          .slice(i, i + HASH_ROWS_PER_INSERT)
          .map((hash, j) => ({ id: firstId + i + j, hash }));
        await trx.insertInto('ledger_hashes').values(rows).execute();
      }
      return {
        firstIndex: size,
        head: { size: size + batch.length, rootHash: rootFromEdge(next) },
        leafHashes,
      };
    });
  }

  treeSize(): Promise<number> {
    return sizeOf(this.#db);
  }

  readHashes(ids: readonly number[]): Promise<Buffer[]> {
    return hashesOf(this.#db, ids);
  }

  async readEntries(from: number, to: number): Promise<StoredEntry[]> {
    const rows = await this.#db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('entry_index', '>=', from)
      .where('entry_index', '<', to)
      .orderBy('entry_index')
      .execute();
    return rows.map((r) => ({
      index: Number(r.entry_index),
      kind: r.kind,
      subject: r.subject,
      event: r.event,
      salt: r.salt,
      commitment: r.commitment,
    }));
  }

  async indexesAbout(subject: string): Promise<number[]> {
    const open = openSubjectRun(await this.treeSize());
    // A run completed since the size was read is in both halves: the union keeps it once.
    const rows = await this.#db
      .selectFrom('ledger_subject_entries')
      .select('entry_index')
      .where('subject', '=', subject)
      .union(
        this.#db
          .selectFrom('ledger_entries')
          .select('entry_index')
          .where('entry_index', '>=', open)
          .where((eb) =>
            eb.or([
              eb('subject', '=', subject),
              eb('event', 'like', sql<string>`${subjectMention(subject)} escape '\\'`),
            ]),
          ),
      )
      .orderBy('entry_index')
      .execute();
    return rows.map((r) => Number(r.entry_index));
  }

  async subjectPairs(from: number, to: number): Promise<Array<{ index: number; subject: string }>> {
    const rows = await this.#db
      .selectFrom('ledger_subject_entries')
      .select(['entry_index', 'subject'])
      .where('entry_index', '>=', from)
      .where('entry_index', '<', to)
      .orderBy('entry_index')
      .orderBy('subject')
      .execute();
    return rows.map((r) => ({ index: Number(r.entry_index), subject: r.subject }));
  }

  async readCommitments(from: number, to: number): Promise<Buffer[]> {
    const rows = await this.#db
      .selectFrom('ledger_entries')
      .select('commitment')
      .where('entry_index', '>=', from)
      .where('entry_index', '<', to)
      .orderBy('entry_index')
      .execute();
    return rows.map((r) => r.commitment);
  }

  async saveCheckpoint(c: StoredCheckpoint): Promise<void> {
    await this.#db
      .insertInto('ledger_checkpoints')
      .values({ tree_size: c.size, root_hash: c.rootHash, note: c.note, published_at: c.publishedAt })
      .onConflict((oc) => oc.column('tree_size').doNothing())
      .execute();
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const row = await this.#db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .orderBy('tree_size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return (
      row && {
        size: Number(row.tree_size),
        rootHash: row.root_hash,
        note: row.note,
        publishedAt: row.published_at,
      }
    );
  }

  settingOnce(key: string, create: () => string): Promise<string> {
    return settingOnce(this.#db, key, create);
  }
}

/** The (subject, entry) pairs of entries [from, to), sorted, into the subject table (storage.ts). */
async function mergeSubjectRun(trx: Transaction<Database>, from: number, to: number): Promise<void> {
  await trx
    .insertInto('ledger_subject_entries')
    .columns(['subject', 'entry_index'])
    .expression(
      trx
        .selectFrom('ledger_entries')
        .select(['subject', 'entry_index'])
        .where('entry_index', '>=', from)
        .where('entry_index', '<', to)
        .where('subject', 'is not', null)
        .orderBy('subject')
        .orderBy('entry_index')
        .$narrowType<{ subject: string }>(),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function sizeOf(db: Db): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.max('entry_index').as('last'))
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

async function hashesOf(db: Db, ids: readonly number[]): Promise<Buffer[]> {
  const byId = new Map<number, Buffer>();
  // In slices: a statement binds at most 65,535 parameters on PostgreSQL.
  for (let at = 0; at < ids.length; at += IDS_PER_SELECT) {
    const slice = ids.slice(at, at + IDS_PER_SELECT);
    const rows = await db
      .selectFrom('ledger_hashes')
      .select(['id', 'hash'])
      .where('id', 'in', slice)
      .execute();
    for (const r of rows) byId.set(Number(r.id), r.hash);
  }
  return ids.map((id) => {
    const found = byId.get(id);
    if (!found) throw new MissingHashError(id);
    return found;
  });
}
