import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import {
  generateNoteKey,
  leafHash,
  openCheckpoint,
  openLedger,
  parseVerifierKey,
  storedHashIndex,
  verifyConsistency,
} from '../../src/ledger/index.ts';
import { openStore } from '../../src/store/index.ts';
import { DIALECTS, freshDatabase, skipUnless } from '../support/stores.ts';
import { mth } from './reference.ts';

const CHILD = join(import.meta.dirname, 'crash-child.ts');
/** Kill once this many appends have been acknowledged (and at least two checkpoints published). */
const KILL_AFTER = 4000;

for (const dialect of DIALECTS) {
  describe(`a ledger killed while appending (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    test('after SIGKILL and restart, every acknowledged append is in a tree that verifies and extends the last checkpoint', async () => {
      const database = await freshDatabase(dialect);
      const keys = generateNoteKey('crash.test/log');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CHILD, database.dataDir, database.databaseUrl ?? '-', keys.signerKey],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const acknowledged = new Map<number, string>();
      const checkpoints: string[] = [];
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      for await (const line of createInterface({ input: child.stdout! })) {
        const [kind, a, b] = line.split(' ');
        if (kind === 'A') acknowledged.set(Number(a), b!);
        if (kind === 'C') checkpoints.push(Buffer.from(a!, 'base64').toString('utf8'));
        if (acknowledged.size >= KILL_AFTER && checkpoints.length >= 2) {
          child.kill('SIGKILL');
          break;
        }
      }
      assert.equal(await exited, 'SIGKILL');

      const store = openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, poolSize: 2 });
      try {
        const ledger = await openLedger(store, { origin: 'crash.test/log', key: keys.signerKey });
        const head = await ledger.treeHead();
        const highest = Math.max(...acknowledged.keys());
        assert.ok(head.size > highest, `tree of ${head.size} holds acknowledged entry ${highest}`);

        // Every acknowledged append is there, under the leaf hash it was acknowledged with.
        const entries = await ledger.storage.readEntries(0, head.size);
        const leaves = await ledger.storage.readHashes(
          [...acknowledged.keys()].map((i) => storedHashIndex(0, i)),
        );
        [...acknowledged].forEach(([index, hex], i) => {
          assert.equal(leaves[i]!.toString('hex'), hex, `leaf ${index}`);
          assert.equal(leafHash(entries[index]!.commitment).toString('hex'), hex, `entry ${index}`);
        });

        // The stored tree is the tree of the stored entries.
        assert.ok(
          head.rootHash.equals(mth(entries.map((e) => Buffer.from(e.commitment)))),
          'root of the entries',
        );

        // The first checkpoint after the restart extends the last one published before the crash.
        const verifier = parseVerifierKey(keys.verifierKey);
        const before = openCheckpoint(checkpoints.at(-1)!, [verifier]);
        const after = await ledger.publishCheckpoint();
        const proof = await ledger.consistencyProof(before.size, after.size);
        assert.ok(verifyConsistency(before.size, after.size, before.rootHash, after.rootHash, proof.hashes));
        await ledger.close();
      } finally {
        await store.close();
        await database.remove();
      }
    });
  });
}
