import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { countRecords, getImport, importRecords, listRecordChanges } from '../../src/registry/index.ts';
import { migrateToLatest, openStore } from '../../src/store/index.ts';
import { DIALECTS, freshDatabase, skipUnless } from '../support/stores.ts';
import { countingLedger, makeRegister, peopleCsv } from './imports-support.ts';

const CHILD = join(import.meta.dirname, 'import-crash-child.ts');
const ROWS = 60_000;
const skips = new Map(await Promise.all(DIALECTS.map(async (d) => [d, await skipUnless(d)] as const)));

for (const dialect of DIALECTS) {
  describe(`an import killed mid-file (${dialect})`, { skip: skips.get(dialect)! }, () => {
    test('after SIGKILL every batch is whole or absent, and the import resumes to the same records', async () => {
      const database = await freshDatabase(dialect);
      const open = () =>
        openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, poolSize: 2 });
      let store = open();
      try {
        await migrateToLatest(store);
        const register = await makeRegister(store.db);
        await store.close();
        const file = join(database.dataDir, 'people.csv');
        writeFileSync(file, peopleCsv(ROWS));
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            CHILD,
            database.dataDir,
            database.databaseUrl ?? '-',
            file,
            JSON.stringify(register),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on('exit', (_code, signal) => resolve(signal)),
        );
        let batches = 0;
        for await (const line of createInterface({ input: child.stdout! })) {
          if (line.startsWith('B ') && ++batches === 2) {
            child.kill('SIGKILL');
            break;
          }
        }
        assert.equal(await exited, 'SIGKILL');

        store = open();
        const [running] = await store.db.selectFrom('record_imports').selectAll().execute();
        assert.equal(running?.status, 'running', 'the killed import never ended');
        const committed = running!.committed_rows;
        assert.ok(committed >= 10_000 && committed < ROWS, `${committed} rows committed`);
        assert.equal(committed % 5_000, 0, 'whole batches only');
        // Exactly the committed rows are there, each with its change, and nothing of the batch that was cut.
        assert.equal(await countRecords(store.db, register.datasetId), committed);
        assert.equal((await listRecordChanges(store.db, register.datasetId, 0, ROWS)).length, committed);
        assert.equal(running!.created, committed);

        // Shown as interrupted once it has been silent long enough; then it resumes after its last batch.
        await store.db
          .updateTable('record_imports')
          .set({ updated_at: new Date(Date.now() - 10 * 60_000).toISOString() })
          .execute();
        const view = await getImport(store.db, register.owner, 'people', register.steward, running!.id);
        assert.equal(view.status, 'interrupted');
        const resumed = await importRecords(
          { db: store.db, ledger: countingLedger() },
          register.owner,
          'people',
          register.steward,
          'csv',
          createReadStream(file),
          { resume: running!.id },
        );
        assert.deepEqual([resumed.status, resumed.created, resumed.refused], ['completed', ROWS, 0]);
        assert.equal(await countRecords(store.db, register.datasetId), ROWS);
        assert.equal((await listRecordChanges(store.db, register.datasetId, 0, 2 * ROWS)).length, ROWS);
      } finally {
        await store.close().catch(() => {});
        await database.remove();
      }
    });
  });
}
