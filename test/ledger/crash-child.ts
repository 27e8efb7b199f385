/**
 * The process the crash test kills: appends under load on the given store and prints, only after each
 * promise resolved, `A <index> <leaf hash hex>`; every 50 ms it publishes a checkpoint and prints
 * `C <signed note, base64>` once stored. Runs until killed.
 *
 *   node --import tsx test/ledger/crash-child.ts <data dir> <database url or -> <signer key>
 */
import { openLedger } from '../../src/ledger/index.ts';
import { migrateToLatest, openStore } from '../../src/store/index.ts';

const [dataDir, databaseUrl, key] = process.argv.slice(2) as [string, string, string];
const store = openStore({ dataDir, databaseUrl: databaseUrl === '-' ? undefined : databaseUrl, poolSize: 4 });
await migrateToLatest(store);
const ledger = await openLedger(store, { origin: 'crash.test/log', key, maxBatch: 512 });

const IN_FLIGHT = 512;
let n = 0;
const appendOne = (): void => {
  const i = n;
  n += 1;
  ledger.append({ kind: 'access', subject: `3800${i % 997}`, n: i }).then(
    ({ index, leafHash }) => {
      process.stdout.write(`A ${index} ${leafHash.toString('hex')}\n`);
      appendOne();
    },
    (error: Error) => {
      process.stderr.write(`append failed: ${error.message}\n`);
      process.exit(1);
    },
  );
};
for (let i = 0; i < IN_FLIGHT; i += 1) appendOne();

const publish = async (): Promise<void> => {
  const checkpoint = await ledger.publishCheckpoint();
  process.stdout.write(`C ${Buffer.from(checkpoint.note).toString('base64')}\n`);
  setTimeout(publish, 50);
};
setTimeout(publish, 50);
