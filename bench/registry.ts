/**
 * `npm run bench -- registry [--records 1000000] [--dialects sqlite,postgres] [--feed-changes 2000]
 * [--subscribers 10]`: imports of records, then change-feed delivery (bench/children/change-feeds.ts).
 * `--records 0` skips the imports; `--feed-changes 0` the feeds.
 *
 * For each store: a CSV file of N people is imported into a register the way the API does it (parsed as
 * a stream, each row checked against the fields, written by key in batches with the change log), in rows
 * per second. The baseline, measured in the same run on the same store: the same rows inserted raw into
 * `records` (already built, 1,000 rows per statement, 5,000 per transaction, no checks, no change log).
 * The ratio says what reading, checking, comparing with what is stored and logging cost on top.
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { importRecords } from '../src/registry/index.ts';
import { type Database, migrateToLatest, now, openStore } from '../src/store/index.ts';
import { countingLedger, makeRegister, type Register } from '../test/registry/imports-support.ts';
import { type FeedResult, measureFeeds } from './children/change-feeds.ts';
import { machine, postgresDatabase, printTable, writeResult } from './harness.ts';

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const HEADER = 'national_id,given_name,date_of_birth,address.postcode,children';
const GIVEN = ['Ada', 'Bo', 'Cy', 'Di', 'Ed', 'Fa', 'Gus', 'Hal'];
function person(i: number) {
  return {
    national_id: `EX${String(i).padStart(9, '0')}`,
    given_name: GIVEN[i % GIVEN.length]!,
    date_of_birth: `19${50 + (i % 50)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    address: { postcode: String(10000 + (i % 900)) },
    children: i % 4,
  };
}

async function writeCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  for (let i = 1; i <= n; i++) {
    const p = person(i);
    const line = `${p.national_id},${p.given_name},${p.date_of_birth},${p.address.postcode},${p.children}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The same rows, built in memory ahead of the clock, inserted raw: 1,000 per statement, 5,000 per transaction. */
async function rawInsert(db: Kysely<Database>, datasetId: string, n: number): Promise<number> {
  const at = now();
  const rows = Array.from({ length: n }, (_, k) => {
    const p = person(k + 1);
    return { dataset_id: datasetId, key: p.national_id, data: JSON.stringify(p), updated_at: at };
  });
  const started = performance.now();
  for (let start = 0; start < n; start += 5000) {
    await db.transaction().execute(async (tx) => {
      for (let s = start; s < Math.min(n, start + 5000); s += 1000)
        await tx
          .insertInto('records')
          .values(rows.slice(s, Math.min(n, start + 5000, s + 1000)))
          .execute();
    });
  }
  return (performance.now() - started) / 1000;
}

async function importCsv(db: Kysely<Database>, register: Register, file: string): Promise<number> {
  const started = performance.now();
  const done = await importRecords(
    { db, ledger: countingLedger() },
    register.owner,
    register.slug,
    register.steward,
    'csv',
    createReadStream(file),
  );
  if (done.status !== 'completed' || done.refused > 0)
    throw new Error(`import ${done.status}: ${done.failure}`);
  return (performance.now() - started) / 1000;
}

export async function main(args: string[]): Promise<void> {
  const n = Number(option(args, '--records', '1000000'));
  const feedChanges = Number(option(args, '--feed-changes', '2000'));
  const subscribers = Number(option(args, '--subscribers', '10'));
  const dialects = option(args, '--dialects', 'sqlite').split(',');
  const dir = mkdtempSync(join(tmpdir(), 'govdx-bench-registry-'));
  const file = join(dir, 'people.csv');
  await writeCsv(file, n);
  const results: Array<Record<string, number | string>> = [];
  try {
    for (const dialect of dialects) {
      if (n === 0) continue;
      // Each in a database of its own, so that neither writes into a table the other has grown.
      const measure = async <T>(
        label: string,
        run: (db: Kysely<Database>, register: Register) => Promise<T>,
      ) => {
        const pg = dialect === 'postgres' ? await postgresDatabase('registry') : undefined;
        const dataDir = mkdtempSync(join(dir, `${label}-`));
        const store = openStore({ dataDir, databaseUrl: pg?.url, poolSize: 2 });
        try {
          await migrateToLatest(store);
          return await run(store.db, await makeRegister(store.db));
        } finally {
          await store.close();
          await pg?.drop();
        }
      };
      {
        const rawSeconds = await measure('raw', (db, r) => rawInsert(db, r.datasetId, n));
        const [importSeconds, again] = await measure('import', async (db, r) => [
          await importCsv(db, r, file),
          await importCsv(db, r, file),
        ]);
        results.push({
          dialect,
          records: n,
          rawRowsPerSecond: Math.round(n / rawSeconds),
          importRowsPerSecond: Math.round(n / importSeconds),
          ratio: Math.round((rawSeconds / importSeconds) * 100) / 100,
          reimportRowsPerSecond: Math.round(n / again),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const feeds: FeedResult[] = [];
  if (feedChanges > 0)
    for (const dialect of dialects)
      feeds.push(await measureFeeds(dialect as 'sqlite' | 'postgres', feedChanges, subscribers));
  if (n > 0)
    printTable(
      `Import of ${n.toLocaleString('en')} records (CSV), beside a raw batched insert of the same rows — ${machine().cpuModel}`,
      ['store', 'raw insert rows/s', 'import rows/s', 'import / raw', 're-import (no change) rows/s'],
      results.map((r) => [
        r.dialect!,
        r.rawRowsPerSecond!,
        r.importRowsPerSecond!,
        r.ratio!,
        r.reimportRowsPerSecond!,
      ]),
    );
  if (feeds.length > 0)
    printTable(
      `Change-feed delivery: ${feedChanges.toLocaleString('en')} changes to ${subscribers} subscribers, each read after its cursor over HTTP — ${machine().cpuModel}`,
      ['store', 'changes', 'deliveries', 'delivered changes/s', 'commit → delivery p50 ms', 'p99 ms'],
      feeds.map((f) => [f.dialect, f.changes, f.deliveries, f.changesPerSecond, f.p50Ms, f.p99Ms]),
    );
  process.stdout.write(`\nwritten: ${writeResult('registry', { records: n, results, feeds })}\n`);
}
