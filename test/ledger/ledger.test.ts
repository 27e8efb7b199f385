import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Principal } from '../../src/domain/index.ts';
import {
  checkReceipt,
  generateNoteKey,
  type Ledger,
  openCheckpoint,
  openLedger,
  parseVerifierKey,
  storedHashIndex,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/index.ts';
import { openStore } from '../../src/store/index.ts';
import { DIALECTS, type FreshStore, freshStore, skipUnless } from '../support/stores.ts';
import { mth } from './reference.ts';

const ORIGIN = 'ledger.test/log';
const citizen = (nationalId: string): Principal => ({
  personId: `p-${nationalId}`,
  name: 'Citizen',
  nationalId,
  grants: [{ role: 'citizen', organizationId: null }],
  via: 'session',
});
const auditor: Principal = {
  personId: 'p-auditor',
  name: 'Auditor',
  nationalId: null,
  grants: [{ role: 'auditor', organizationId: 'dpa' }],
  via: 'token',
};
const platformAdmin: Principal = {
  ...auditor,
  personId: 'p-admin',
  grants: [{ role: 'platform_admin', organizationId: 'x' }],
};

for (const dialect of DIALECTS) {
  describe(`the ledger (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let fresh: FreshStore;
    let ledger: Ledger;
    const keys = generateNoteKey(ORIGIN);
    const verifier = parseVerifierKey(keys.verifierKey);

    before(async () => {
      fresh = await freshStore(dialect);
      ledger = await openLedger(fresh.store, { origin: ORIGIN, key: keys.signerKey });
    });
    after(async () => {
      await ledger?.close();
      await fresh?.drop();
    });

    test('appends resolve with consecutive indexes and the leaf hash of the commitment', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => ledger.append({ kind: 'access', subject: '38001010000', n: i })),
      );
      assert.deepEqual(
        results.map((r) => r.index),
        Array.from({ length: 50 }, (_, i) => i),
      );
      const stored = await ledger.storage.readHashes([storedHashIndex(0, 7)]);
      assert.ok(stored[0]!.equals(results[7]!.leafHash));
    });

    test('the event is stored as canonical JSON with the time it was recorded', async () => {
      const { index } = await ledger.append({
        subject: '38001010001',
        kind: 'consent.given',
        purpose: 'housing',
      });
      const entry = await ledger.entry(index);
      assert.match(
        entry.event,
        /^\{"at":"\d{4}-\d\d-\d\dT[^"]+Z","kind":"consent\.given","purpose":"housing","subject":"38001010001"\}$/,
      );
      assert.equal(entry.kind, 'consent.given');
      assert.equal(entry.subject, '38001010001');
    });

    test('a malformed event is refused before anything is recorded', async () => {
      const size = (await ledger.treeHead()).size;
      await assert.rejects(ledger.append({ kind: 'Not A Kind' }), TypeError);
      await assert.rejects(ledger.append({ kind: 'access', subject: 42 as unknown as string }), TypeError);
      assert.equal((await ledger.treeHead()).size, size);
    });

    test('checkpoints are signed by the key, cover the tree, and each extends the one before', async () => {
      const first = await ledger.publishCheckpoint();
      assert.equal(openCheckpoint(first.note, [verifier]).size, (await ledger.treeHead()).size);
      assert.equal(first.origin, ORIGIN);
      await ledger.append({ kind: 'agreement.approved', agreement: 'a-1' });
      const second = await ledger.checkpoint();
      assert.equal(second.size, first.size + 1);
      const proof = await ledger.consistencyProof(first.size, second.size);
      assert.ok(verifyConsistency(first.size, second.size, first.rootHash, second.rootHash, proof.hashes));
      assert.equal((await ledger.storage.latestCheckpoint())?.note, second.note);
    });

    test('an inclusion proof leads from an entry to the checkpoint root', async () => {
      const checkpoint = await ledger.checkpoint();
      const proof = await ledger.inclusionProof(3, checkpoint.size);
      assert.ok(verifyInclusion(proof.leafHash, 3, checkpoint.size, proof.hashes, checkpoint.rootHash));
      await assert.rejects(ledger.inclusionProof(checkpoint.size, checkpoint.size), {
        code: 'PROOF_OUT_OF_RANGE',
      });
      await assert.rejects(ledger.inclusionProof(0, checkpoint.size + 1), { code: 'PROOF_OUT_OF_RANGE' });
    });

    test('the person an event is about and auditors get it with a receipt anyone can check; nobody else', async () => {
      const { index } = await ledger.append({
        kind: 'access',
        subject: '38001010009',
        service: 'tax/income',
      });
      const own = await ledger.receipt(index, citizen('38001010009'));
      assert.equal(own.event.service, 'tax/income');
      assert.deepEqual(checkReceipt(own, verifier).ok, true);
      assert.equal(checkReceipt(await ledger.receipt(index, auditor), verifier).ok, true);
      await assert.rejects(ledger.receipt(index, citizen('38001010008')), { code: 'FORBIDDEN' });
      await assert.rejects(ledger.receipt(index, platformAdmin), { code: 'FORBIDDEN' });
    });

    test('no checkpoint is signed over a tree that no longer extends the last one published', async () => {
      const published = await ledger.publishCheckpoint();
      await ledger.append({ kind: 'access', n: 'after' });
      // Someone with database access rewrites the hash of the first 32 entries (it is under every root since).
      const id = storedHashIndex(5, 0);
      await fresh.store.db
        .updateTable('ledger_hashes')
        .set({ hash: Buffer.alloc(32, 7) })
        .where('id', '=', id)
        .execute();
      const reopened = await openLedger(fresh.store, { origin: ORIGIN, key: keys.signerKey });
      await assert.rejects(reopened.publishCheckpoint(), { code: 'LEDGER_UNAVAILABLE', message: /altered/ });
      assert.equal((await ledger.storage.latestCheckpoint())?.size, published.size);
      await reopened.close();
    });
  });

  describe(`two ledgers on one database (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    test('appending concurrently from two nodes builds one tree, with every entry once', async () => {
      const fresh = await freshStore(dialect);
      const other = openStore({ databaseUrl: fresh.databaseUrl, dataDir: fresh.dataDir, poolSize: 5 });
      const { signerKey } = generateNoteKey(ORIGIN);
      const a = await openLedger(fresh.store, { origin: ORIGIN, key: signerKey, maxBatch: 64 });
      const b = await openLedger(other, { origin: ORIGIN, key: signerKey, maxBatch: 64 });
      try {
        const appends = [];
        for (let i = 0; i < 600; i += 1) {
          appends.push(
            a.append({ kind: 'access', node: 'a', n: i }),
            b.append({ kind: 'access', node: 'b', n: i }),
          );
        }
        const results = await Promise.all(appends);
        const indexes = results.map((r) => r.index).sort((x, y) => x - y);
        assert.deepEqual(
          indexes,
          Array.from({ length: 1200 }, (_, i) => i),
        );
        const entries = await a.storage.readEntries(0, 1200);
        const head = await b.treeHead();
        assert.equal(head.size, 1200);
        assert.ok(head.rootHash.equals(mth(entries.map((e) => Buffer.from(e.commitment)))));
        for (const r of results.filter((_, i) => i % 97 === 0)) {
          assert.ok(
            entries[r.index]!.commitment &&
              Buffer.from((await a.inclusionProof(r.index, 1200)).leafHash).equals(r.leafHash),
          );
        }
        const fromA = await a.publishCheckpoint();
        const fromB = await b.checkpoint();
        assert.equal(fromA.note, fromB.note);
      } finally {
        await a.close();
        await b.close();
        await other.close();
        await fresh.drop();
      }
    });
  });
}
