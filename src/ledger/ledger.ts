/**
 * The ledger: durable appends through the sequencer, signed checkpoints, tiles, proofs, and entitled
 * reads of events. Every govdx part records through `append`.
 */
import { GovdxError, notFound, type Principal } from '../domain/index.ts';
import { type SignedCheckpoint, signCheckpoint } from './checkpoint.ts';
import { canonicalJson, checkEvent, type LedgerEvent, newSalt } from './commitment.ts';
import { mayReadEvent } from './entitlement.ts';
import { rootFromEdge } from './hashes.ts';
import { edgeIds, type StoredHashLookup, storedHashIndex } from './layout.ts';
import type { NoteSigner } from './note.ts';
import {
  consistencyProof,
  consistencyRanges,
  inclusionProof,
  inclusionRanges,
  rangeHashIds,
  verifyConsistency,
} from './proofs.ts';
import type { EntryReceipt } from './receipt.ts';
import { type Appended, Sequencer } from './sequencer.ts';
import {
  type LedgerStorage,
  MissingHashError,
  openSubjectRun,
  type StoredEntry,
  type TreeHead,
} from './storage.ts';
import { encodeEntryBundle, TILE_WIDTH, tileHashIds, tileWidthAt } from './tiles.ts';

export interface LedgerOptions {
  /** The checkpoint origin line, e.g. `govdx.gov.example/ledger`. */
  origin: string;
  signer: NoteSigner;
  /** Most entries per commit (default 4096). */
  maxBatch?: number;
  /** Told about failures the ledger survives (a batch that did not commit, a checkpoint not signed). */
  onError?: (error: unknown, what: string) => void;
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  leafHash: Buffer;
  hashes: Buffer[];
  rootHash: Buffer;
}

export interface ConsistencyProof {
  from: number;
  to: number;
  hashes: Buffer[];
  fromRootHash: Buffer;
  toRootHash: Buffer;
}

export type { Appended };

export class Ledger {
  readonly origin: string;
  /** The signed-note verifier key anyone needs to check checkpoints: `<name>+<id>+<base64>`. */
  readonly verifierKey: string;
  readonly storage: LedgerStorage;
  readonly #signer: NoteSigner;
  readonly #sequencer: Sequencer;
  readonly #onError: (error: unknown, what: string) => void;
  #latest: SignedCheckpoint | null = null;
  #publishing: Promise<SignedCheckpoint> | null = null;
  #grewSincePublished = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(storage: LedgerStorage, options: LedgerOptions) {
    this.storage = storage;
    this.origin = options.origin;
    this.#signer = options.signer;
    this.verifierKey = options.signer.verifier.text;
    this.#onError = options.onError ?? (() => {});
    this.#sequencer = new Sequencer(storage, {
      maxBatch: options.maxBatch,
      onCommit: () => {
        this.#grewSincePublished = true;
      },
      onError: (error) => this.#onError(error, 'append'),
    });
  }

  /**
   * Records an event durably. Resolves with its index and leaf hash after the commit; rejects with
   * LEDGER_UNAVAILABLE when it could not be recorded (then nothing was).
   */
  append(event: LedgerEvent): Promise<Appended> {
    try {
      checkEvent(event);
      const complete = event.at === undefined ? { ...event, at: new Date().toISOString() } : event;
      return this.#sequencer.submit({
        kind: event.kind,
        subject: event.subject ?? null,
        event: canonicalJson(complete),
        salt: newSalt(),
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async treeHead(): Promise<TreeHead> {
    const size = await this.storage.treeSize();
    return { size, rootHash: rootFromEdge(await this.storage.readHashes(edgeIds(size))) };
  }

  /** The latest checkpoint; signs a new one first when the tree has grown since the last. */
  async checkpoint(): Promise<SignedCheckpoint> {
    if (this.#latest && this.#latest.size === (await this.storage.treeSize())) return this.#latest;
    return this.publishCheckpoint();
  }

  /**
   * Signs and records a checkpoint of the current tree. Never signs a tree that is not an extension of
   * the last checkpoint published (C2SP tlog-checkpoint: a log MUST NOT sign inconsistent checkpoints):
   * if the stored tree no longer extends it, the database was altered, and this refuses.
   */
  publishCheckpoint(): Promise<SignedCheckpoint> {
    this.#publishing ??= this.#publish().finally(() => {
      this.#publishing = null;
    });
    return this.#publishing;
  }

  async #publish(): Promise<SignedCheckpoint> {
    this.#grewSincePublished = false;
    const head = await this.treeHead();
    const last = this.#latest ?? (await this.storage.latestCheckpoint());
    if (last) {
      const extends_ =
        last.size <= head.size &&
        verifyConsistency(
          last.size,
          head.size,
          last.rootHash,
          head.rootHash,
          (await this.consistencyProof(last.size, head.size)).hashes,
        );
      if (!extends_) {
        throw new GovdxError(
          'LEDGER_UNAVAILABLE',
          `The stored tree (${head.size} entries) does not extend the checkpoint published for ${last.size}; ` +
            'the ledger database has been altered. No checkpoint is signed until this is investigated.',
        );
      }
      if (this.#latest && last.size === head.size) return this.#latest;
    }
    const signed = signCheckpoint(
      { origin: this.origin, size: head.size, rootHash: head.rootHash },
      this.#signer,
    );
    await this.storage.saveCheckpoint({
      size: signed.size,
      rootHash: signed.rootHash,
      note: signed.note,
      publishedAt: new Date().toISOString(),
    });
    this.#latest = signed;
    return signed;
  }

  /** Publishes a checkpoint every `intervalMs` while entries arrive. */
  startCheckpoints(intervalMs = 1000): void {
    this.#timer ??= setInterval(() => {
      if (!this.#grewSincePublished) return;
      this.publishCheckpoint().catch((error) => this.#onError(error, 'checkpoint'));
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the checkpoint timer, commits what is queued, and publishes a last checkpoint covering it. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#sequencer.close();
    if (this.#grewSincePublished)
      await this.publishCheckpoint().catch((error) => this.#onError(error, 'checkpoint'));
    await this.storage.close?.();
  }

  /**
   * The stored hashes with these ids, for a tree of `size`. A tree larger than the stored one lacks at least
   * the hash of its last leaf's subtree, so a missing hash tells PROOF_OUT_OF_RANGE without asking the size
   * first (one round trip less per proof); a hash missing inside the stored tree is damage, and rethrown.
   */
  async #lookup(ids: readonly number[], size: number, what: string): Promise<StoredHashLookup> {
    const unique = [...new Set(ids)];
    let hashes: Buffer[];
    try {
      hashes = await this.storage.readHashes(unique);
    } catch (error) {
      const current = await this.storage.treeSize();
      if (!(error instanceof MissingHashError) || size <= current) throw error;
      throw new GovdxError('PROOF_OUT_OF_RANGE', `${what}: the tree has ${current} entries, not ${size}.`, {
        treeSize: current,
      });
    }
    const byId = new Map(unique.map((id, i) => [id, hashes[i]!]));
    return (id) => byId.get(id)!;
  }

  /** RFC 9162 inclusion proof of entry `index` in the tree of `size` entries. */
  async inclusionProof(index: number, size: number): Promise<InclusionProof> {
    if (index >= size) {
      throw new GovdxError('PROOF_OUT_OF_RANGE', `Entry ${index} is not in a tree of ${size} entries.`);
    }
    const leafId = storedHashIndex(0, index);
    const ids = [leafId, ...rangeHashIds(inclusionRanges(index, size)), ...edgeIds(size)];
    const lookup = await this.#lookup(ids, size, `No proof for a tree of ${size}`);
    return {
      index,
      treeSize: size,
      leafHash: lookup(leafId),
      hashes: inclusionProof(index, size, lookup),
      rootHash: rootFromEdge(edgeIds(size).map(lookup)),
    };
  }

  /** RFC 9162 consistency proof that the tree of `to` entries extends the tree of `from`. */
  async consistencyProof(from: number, to: number): Promise<ConsistencyProof> {
    if (from > to) {
      throw new GovdxError('PROOF_OUT_OF_RANGE', `A tree of ${to} cannot extend a larger tree of ${from}.`);
    }
    const ids = [...rangeHashIds(consistencyRanges(from, to)), ...edgeIds(from), ...edgeIds(to)];
    const lookup = await this.#lookup(ids, to, `No proof up to a tree of ${to}`);
    return {
      from,
      to,
      hashes: consistencyProof(from, to, lookup),
      fromRootHash: rootFromEdge(edgeIds(from).map(lookup)),
      toRootHash: rootFromEdge(edgeIds(to).map(lookup)),
    };
  }

  /** A hash tile (tlog-tiles): `width` hashes of tile `index` at tile level `level`; NOT_FOUND if not yet there. */
  async tile(level: number, index: number, width: number): Promise<Buffer> {
    const available = tileWidthAt(level, index, await this.storage.treeSize());
    if (width > available)
      throw notFound('tile', `${level}/${index}${width < TILE_WIDTH ? `.p/${width}` : ''}`);
    return Buffer.concat(await this.storage.readHashes(tileHashIds(level, index, width)));
  }

  /** An entry bundle (tlog-tiles): the commitments of entries index·256 … index·256 + width - 1. */
  async entryBundle(index: number, width: number): Promise<Buffer> {
    const available = tileWidthAt(0, index, await this.storage.treeSize());
    if (width > available)
      throw notFound('entry bundle', `${index}${width < TILE_WIDTH ? `.p/${width}` : ''}`);
    const start = index * TILE_WIDTH;
    return encodeEntryBundle(await this.storage.readCommitments(start, start + width));
  }

  async entry(index: number): Promise<StoredEntry> {
    const [entry] = await this.storage.readEntries(index, index + 1);
    if (!entry) throw notFound('ledger entry', String(index));
    return entry;
  }

  /**
   * Entry `index` with its salt, inclusion proof and checkpoint, for someone entitled to it: an auditor,
   * or the person the event is about. Anyone else is refused (FORBIDDEN).
   */
  async receipt(index: number, principal: Principal): Promise<EntryReceipt> {
    const entry = await this.entry(index);
    const event = JSON.parse(entry.event) as LedgerEvent;
    // The subject as committed, not the indexed column (which a database operator could rewrite).
    if (!mayReadEvent(principal, typeof event.subject === 'string' ? event.subject : null)) {
      throw new GovdxError('FORBIDDEN', 'Only auditors and the person an event is about may read it.');
    }
    const checkpoint = await this.checkpoint();
    const proof = await this.inclusionProof(index, checkpoint.size);
    return {
      index,
      event,
      salt: entry.salt.toString('base64'),
      commitment: entry.commitment.toString('base64'),
      leafHash: proof.leafHash.toString('base64'),
      inclusionProof: { treeSize: proof.treeSize, hashes: proof.hashes.map((h) => h.toString('base64')) },
      checkpoint: checkpoint.note,
    };
  }

  /** Entries [from, to), read a page at a time: the auditor's export. */
  async *entries(from: number, to: number, pageSize = 2048): AsyncGenerator<StoredEntry> {
    for (let at = from; at < to; at += pageSize) {
      for (const entry of await this.storage.readEntries(at, Math.min(to, at + pageSize))) yield entry;
    }
  }

  /**
   * Entries [from, to) with what the subject index says of each: `indexed.subject` is the entries table's
   * column (what the tracker reads while the entry's run is open), `indexed.subjects` the pairs of the
   * completed runs (what it reads after; null while the run is open). An export carries them so that an
   * audit can compare them with the committed events (audit.ts).
   */
  async *indexedEntries(
    from: number,
    to: number,
    pageSize = 2048,
  ): AsyncGenerator<StoredEntry & { subjects: string[] | null }> {
    const open = openSubjectRun(await this.storage.treeSize());
    for (let at = from; at < to; at += pageSize) {
      const end = Math.min(to, at + pageSize);
      const pairs = new Map<number, string[]>();
      for (const { index, subject } of await this.storage.subjectPairs(at, end)) {
        pairs.set(index, [...(pairs.get(index) ?? []), subject]);
      }
      for (const entry of await this.storage.readEntries(at, end)) {
        yield { ...entry, subjects: entry.index < open ? (pairs.get(entry.index) ?? []) : null };
      }
    }
  }
}
