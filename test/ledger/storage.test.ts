import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  edgeIds,
  type LedgerStorage,
  MemoryLedgerStorage,
  rootFromEdge,
  SUBJECT_RUN,
  storedHashCount,
  storedHashIndex,
} from '../../src/ledger/index.ts';
import { skipUnless } from '../support/stores.ts';
import { mth } from './reference.ts';
import { accessEvents, prepared, STORAGES } from './support.ts';

for (const kind of STORAGES) {
  const skip = kind.dialect === 'memory' ? false : await skipUnless(kind.dialect);
  describe(`ledger storage: ${kind.name}`, { skip }, () => {
    let storage: LedgerStorage;
    let close: () => Promise<void>;
    const appended = accessEvents(700);

    before(async () => {
      ({ storage, close } = await kind.open());
    });
    after(() => close?.());

    test('batches of any size build the RFC 9162 tree of the commitments, in order', async () => {
      let at = 0;
      for (const size of [1, 2, 5, 256, 300, 136]) {
        const result = await storage.appendBatch(appended.slice(at, at + size));
        assert.equal(result.firstIndex, at);
        at += size;
        assert.equal(result.head.size, at);
        assert.ok(
          result.head.rootHash.equals(mth(appended.slice(0, at).map((e) => e.commitment))),
          `root at ${at}`,
        );
      }
      assert.equal(await storage.treeSize(), 700);
    });

    test('every complete subtree hash is stored, and the edge gives the root', async () => {
      const hashes = await storage.readHashes(Array.from({ length: storedHashCount(700) }, (_, i) => i));
      assert.equal(hashes.length, storedHashCount(700));
      const commitments = appended.map((e) => e.commitment);
      assert.ok(hashes[storedHashIndex(8, 0)]!.equals(mth(commitments.slice(0, 256))));
      assert.ok(hashes[storedHashIndex(2, 100)]!.equals(mth(commitments.slice(400, 404))));
      assert.ok(rootFromEdge(await storage.readHashes(edgeIds(700))).equals(mth(commitments)));
      await assert.rejects(storage.readHashes([storedHashCount(700)]), /missing/);
    });

    test('entries come back as they were appended: event, salt and commitment', async () => {
      const entries = await storage.readEntries(298, 302);
      assert.deepEqual(
        entries.map((e) => e.index),
        [298, 299, 300, 301],
      );
      const original = appended[299]!;
      assert.equal(entries[1]!.event, original.event);
      assert.equal(entries[1]!.subject, original.subject);
      assert.equal(entries[1]!.kind, 'access');
      assert.ok(Buffer.from(entries[1]!.salt).equals(original.salt));
      assert.ok(Buffer.from(entries[1]!.commitment).equals(original.commitment));
      const commitments = await storage.readCommitments(256, 512);
      assert.equal(commitments.length, 256);
      assert.ok(Buffer.from(commitments[44]!).equals(appended[300]!.commitment));
    });

    test('a checkpoint is kept once per tree size, and the latest is the largest', async () => {
      const at = new Date().toISOString();
      const rootHash = Buffer.alloc(32, 1);
      await storage.saveCheckpoint({ size: 5, rootHash, note: 'five', publishedAt: at });
      await storage.saveCheckpoint({ size: 700, rootHash, note: 'seven hundred', publishedAt: at });
      await storage.saveCheckpoint({ size: 700, rootHash, note: 'again', publishedAt: at });
      const latest = await storage.latestCheckpoint();
      assert.equal(latest?.size, 700);
      assert.equal(latest?.note, 'seven hundred');
    });

    test('a setting is made once and read back the same', async () => {
      const first = await storage.settingOnce('ledger.test', () => 'one');
      const second = await storage.settingOnce('ledger.test', () => 'two');
      assert.equal(first, 'one');
      assert.equal(second, 'one');
    });

    test('a batch that cannot be stored leaves nothing behind', async () => {
      const size = await storage.treeSize();
      const broken = { ...prepared({ kind: 'access' }), kind: null as unknown as string };
      if (storage instanceof MemoryLedgerStorage) storage.failAppends = new Error('the database went away');
      await assert.rejects(storage.appendBatch([...accessEvents(3, 700), broken]));
      if (storage instanceof MemoryLedgerStorage) storage.failAppends = null;
      assert.equal(await storage.treeSize(), size);
      await assert.rejects(storage.readHashes([storedHashCount(size)]), /missing/);
      const next = await storage.appendBatch(accessEvents(1, 700));
      assert.equal(next.firstIndex, size);
    });

    test('the entries about a person are found in completed runs and in the open one, in order', async () => {
      const size = await storage.treeSize();
      const total = SUBJECT_RUN + 300;
      const more = accessEvents(total - size, size);
      // Batches of 1000: one of them completes the first run part-way through.
      for (let at = 0; at < more.length; at += 1000) await storage.appendBatch(more.slice(at, at + 1000));
      const entries = await storage.readEntries(0, total);
      // Subjects repeat every 1000 entries, so each of these has entries on both sides of the run's end.
      for (const subject of [entries[100]!.subject!, entries[SUBJECT_RUN + 10]!.subject!]) {
        const expected = entries.filter((e) => e.subject === subject).map((e) => e.index);
        assert.ok(expected.some((i) => i < SUBJECT_RUN) && expected.some((i) => i >= SUBJECT_RUN));
        assert.deepEqual(await storage.indexesAbout(subject), expected);
      }
      assert.deepEqual(await storage.indexesAbout('38009999999'), []);
    });
  });
}
