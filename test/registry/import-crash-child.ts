/** Imports a CSV file into a register, printing "B <committed rows>" after each batch, until killed. */
import { createReadStream } from 'node:fs';
import { importRecords } from '../../src/registry/index.ts';
import { openStore } from '../../src/store/index.ts';
import { countingLedger, type Register } from './imports-support.ts';

const [dataDir, databaseUrl, file, registerJson] = process.argv.slice(2) as [string, string, string, string];
const register = JSON.parse(registerJson) as Register;
const store = openStore({ dataDir, databaseUrl: databaseUrl === '-' ? undefined : databaseUrl, poolSize: 2 });
await importRecords(
  { db: store.db, ledger: countingLedger() },
  register.owner,
  register.slug,
  register.steward,
  'csv',
  createReadStream(file),
  { onProgress: (view) => process.stdout.write(`B ${view.committedRows}\n`) },
);
process.stdout.write('DONE\n');
await store.close();
