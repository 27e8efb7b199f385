import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GovdxError } from '../../src/domain/index.ts';
import { type AppendedBatch, MemoryLedgerStorage, type NewEntry, Sequencer } from '../../src/ledger/index.ts';
import { accessEvents } from './support.ts';

/** A storage whose commits the test lets through one at a time, and which counts its batches. */
class GatedStorage extends MemoryLedgerStorage {
  batches: number[] = [];
  #gates: Array<() => void> = [];
  gated = true;

  override async appendBatch(batch: readonly NewEntry[]): Promise<AppendedBatch> {
    this.batches.push(batch.length);
    if (this.gated) await new Promise<void>((open) => this.#gates.push(open));
    return super.appendBatch(batch);
  }

  /** Lets the commit that is waiting go through. */
  async release(): Promise<void> {
    while (this.#gates.length === 0) await new Promise((r) => setImmediate(r));
    this.#gates.shift()!();
  }
}

describe('the sequencer (group commit)', () => {
  test('appends made while nothing is committing go into one batch', async () => {
    const storage = new GatedStorage();
    storage.gated = false;
    const sequencer = new Sequencer(storage);
    const events = accessEvents(100);
    const appended = await Promise.all(events.map((e) => sequencer.submit(e)));
    assert.deepEqual(
      appended.map((a) => a.index),
      Array.from({ length: 100 }, (_, i) => i),
    );
    for (const [i, a] of appended.entries()) assert.ok(a.leafHash.equals(events[i]!.leafHash));
    assert.deepEqual(storage.batches, [100]);
  });

  test('appends that arrive while a commit runs form the next batch', async () => {
    const storage = new GatedStorage();
    const sequencer = new Sequencer(storage);
    const first = accessEvents(3).map((e) => sequencer.submit(e));
    await new Promise((r) => setImmediate(r));
    const second = accessEvents(5, 3).map((e) => sequencer.submit(e));
    await storage.release();
    await storage.release();
    const indexes = (await Promise.all([...first, ...second])).map((a) => a.index);
    assert.deepEqual(indexes, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(storage.batches, [3, 5]);
  });

  test('a batch holds at most maxBatch entries', async () => {
    const storage = new GatedStorage();
    storage.gated = false;
    const sequencer = new Sequencer(storage, { maxBatch: 64 });
    await Promise.all(accessEvents(200).map((e) => sequencer.submit(e)));
    assert.deepEqual(storage.batches, [64, 64, 64, 8]);
  });

  test('an append resolves only after its batch has committed', async () => {
    const storage = new GatedStorage();
    const sequencer = new Sequencer(storage);
    let resolved = false;
    const append = sequencer.submit(accessEvents(1)[0]!).then(() => {
      resolved = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(resolved, false);
    assert.equal(await storage.treeSize(), 0);
    await storage.release();
    await append;
    assert.equal(resolved, true);
    assert.equal(await storage.treeSize(), 1);
  });

  test('when a commit fails, every append of that batch is refused with LEDGER_UNAVAILABLE, and later ones succeed', async () => {
    const storage = new GatedStorage();
    storage.gated = false;
    storage.failAppends = new Error('disk full');
    const errors: unknown[] = [];
    const sequencer = new Sequencer(storage, { onError: (e) => errors.push(e) });
    const failed = await Promise.allSettled(accessEvents(3).map((e) => sequencer.submit(e)));
    for (const result of failed) {
      assert.equal(result.status, 'rejected');
      const reason = (result as PromiseRejectedResult).reason;
      assert.ok(reason instanceof GovdxError);
      assert.equal(reason.code, 'LEDGER_UNAVAILABLE');
    }
    assert.equal(errors.length, 1);
    storage.failAppends = null;
    assert.equal((await sequencer.submit(accessEvents(1)[0]!)).index, 0);
  });

  test('closing commits what is queued and refuses what comes after', async () => {
    const storage = new GatedStorage();
    storage.gated = false;
    const sequencer = new Sequencer(storage);
    const queued = accessEvents(10).map((e) => sequencer.submit(e));
    await sequencer.close();
    assert.equal((await Promise.all(queued)).length, 10);
    await assert.rejects(sequencer.submit(accessEvents(1)[0]!), { code: 'LEDGER_UNAVAILABLE' });
  });
});
