import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SqliteLedgerStorage } from '../../src/ledger/index.ts';
import { type FreshStore, freshStore, skipUnless } from '../support/stores.ts';
import { mth } from './reference.ts';
import { accessEvents } from './support.ts';

describe('the SQLite writer thread, handed batches before it has answered the last', {
  skip: await skipUnless('sqlite'),
}, () => {
  let fresh: FreshStore;
  let storage: SqliteLedgerStorage;
  before(async () => {
    fresh = await freshStore('sqlite');
    storage = new SqliteLedgerStorage(fresh.store.sqlite!);
  });
  after(async () => {
    await storage.close();
    await fresh.drop();
  });

  test('commits them in the order given and answers each with its own place in the tree', async () => {
    assert.equal(storage.pipelined, true);
    const batches = [accessEvents(5), accessEvents(300, 5), accessEvents(1, 305), accessEvents(4000, 306)];
    // Not awaited one by one: all four are with the thread at once.
    const results = await Promise.all(batches.map((b) => storage.appendBatch(b)));
    assert.deepEqual(
      results.map((r) => r.firstIndex),
      [0, 5, 305, 306],
    );
    for (const [k, result] of results.entries()) {
      for (const [i, leaf] of result.leafHashes.entries()) assert.ok(leaf.equals(batches[k]![i]!.leafHash));
    }
    assert.equal(results.at(-1)!.head.size, 4306);
    assert.ok(results.at(-1)!.head.rootHash.equals(mth(batches.flat().map((e) => e.commitment))));
  });

  test('a transaction that fails refuses every batch in it; the tree goes on from what was committed', async () => {
    const size = await storage.treeSize();
    const stored = await storage.readEntries(0, size);
    // The database refuses one entry position: the batch that reaches it cannot commit.
    await sql
      .raw(
        `create trigger refuse_one before insert on ledger_entries when new.entry_index = ${size + 7}
         begin select raise(abort, 'refused by the test'); end`,
      )
      .execute(fresh.store.db);
    const batches = [accessEvents(5, 9000), accessEvents(5, 9005), accessEvents(5, 9010)];
    const settled = await Promise.allSettled(batches.map((b) => storage.appendBatch(b)));
    await sql.raw('drop trigger refuse_one').execute(fresh.store.db);

    // The second batch holds position size + 7 whether or not the first committed before it: it is refused.
    assert.equal(settled[1]!.status, 'rejected');
    // Whatever else was grouped with it is refused too; whatever committed has its place, in order.
    const committed = stored.map((e) => e.commitment);
    for (const [k, result] of settled.entries()) {
      if (result.status !== 'fulfilled') continue;
      assert.equal(result.value.firstIndex, committed.length);
      committed.push(...batches[k]!.map((e) => e.commitment));
    }
    assert.equal(await storage.treeSize(), committed.length);

    const last = accessEvents(3, 9100);
    const next = await storage.appendBatch(last);
    assert.equal(next.firstIndex, committed.length);
    assert.ok(next.head.rootHash.equals(mth([...committed, ...last.map((e) => e.commitment)])));
  });
});
