/** LedgerStorage in memory: for tests of the sequencer, proofs and tiles without a database. */
import { hashEntries } from './commitment.ts';
import { rootFromEdge } from './hashes.ts';
import { edgeIds, extendTree } from './layout.ts';
import {
  type AppendedBatch,
  type LedgerStorage,
  MissingHashError,
  type NewEntry,
  openSubjectRun,
  type StoredCheckpoint,
  type StoredEntry,
} from './storage.ts';

export class MemoryLedgerStorage implements LedgerStorage {
  readonly kind = 'memory' as const;
  readonly entries: StoredEntry[] = [];
  readonly hashes: Buffer[] = [];
  readonly checkpoints: StoredCheckpoint[] = [];
  readonly settings = new Map<string, string>();
  /** Set to make the next appends fail, as a database that went away would. */
  failAppends: Error | null = null;

  async appendBatch(batch: readonly NewEntry[]): Promise<AppendedBatch> {
    await Promise.resolve();
    if (this.failAppends) throw this.failAppends;
    const size = this.entries.length;
    const edge = edgeIds(size).map((id) => this.hash(id));
    const { commitments, leafHashes } = hashEntries(batch);
    const { stored, edge: next } = extendTree(size, edge, leafHashes);
    batch.forEach((e, i) => {
      this.entries.push({
        index: size + i,
        kind: e.kind,
        subject: e.subject,
        event: e.event,
        salt: e.salt,
        commitment: commitments[i]!,
      });
    });
    this.hashes.push(...stored);
    return {
      firstIndex: size,
      head: { size: this.entries.length, rootHash: rootFromEdge(next) },
      leafHashes,
    };
  }

  async indexesAbout(subject: string): Promise<number[]> {
    return this.entries.filter((e) => e.subject === subject).map((e) => e.index);
  }

  /** Memory keeps no pair table: the completed runs' pairs are the entries' subjects. */
  async subjectPairs(from: number, to: number): Promise<Array<{ index: number; subject: string }>> {
    const end = Math.min(to, openSubjectRun(this.entries.length));
    return this.entries
      .slice(from, Math.max(from, end))
      .filter((e) => e.subject !== null)
      .map((e) => ({ index: e.index, subject: e.subject! }));
  }

  private hash(id: number): Buffer {
    const found = this.hashes[id];
    if (!found) throw new MissingHashError(id);
    return found;
  }

  async treeSize(): Promise<number> {
    return this.entries.length;
  }

  async readHashes(ids: readonly number[]): Promise<Buffer[]> {
    return ids.map((id) => this.hash(id));
  }

  async readEntries(from: number, to: number): Promise<StoredEntry[]> {
    return this.entries.slice(from, to);
  }

  async readCommitments(from: number, to: number): Promise<Buffer[]> {
    return this.entries.slice(from, to).map((e) => e.commitment);
  }

  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    if (!this.checkpoints.some((c) => c.size === checkpoint.size)) this.checkpoints.push(checkpoint);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return [...this.checkpoints].sort((a, b) => b.size - a.size)[0];
  }

  async settingOnce(key: string, create: () => string): Promise<string> {
    if (!this.settings.has(key)) this.settings.set(key, create());
    return this.settings.get(key)!;
  }
}
