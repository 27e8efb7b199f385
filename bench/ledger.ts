/**
 * The ledger: durable appends per second with group commit, and inclusion proofs served per second, on
 * SQLite and PostgreSQL, each beside a physical baseline measured in the same run:
 *
 *  - appends ÷ raw SHA-256: the same three hashes per entry (commitment, leaf, one interior node) in a loop;
 *  - appends ÷ raw inserts: the very rows the ledger wrote (entries, tree hashes, and the (subject, entry)
 *    pairs of each completed run, sorted by subject, as the ledger adds them), inserted again into a fresh
 *    database of the same store in batches of the same size, without hashing, queueing or JSON;
 *  - proofs ÷ raw reads: the same stored hashes read by id, without the proof math;
 *  - proofs over HTTP ÷ bare Fastify returning the same JSON from memory.
 *
 *   npm run bench -- ledger [--appends 200000] [--seconds 5] [--connections 16] [--dialects sqlite,postgres]
 */
import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../src/config/index.ts';
import {
  edgeIds,
  generateNoteKey,
  inclusionRanges,
  type Ledger,
  type LedgerEvent,
  openLedger,
  storedHashCount,
  storedHashIndex,
  subjectRunsCompleted,
} from '../src/ledger/index.ts';
import { freePort, startNode } from '../src/node/index.ts';
import { type Dialect, migrateToLatest, openStore, type Store } from '../src/store/index.ts';
import { load, postgresDatabase, printTable, writeResult } from './harness.ts';

const BATCH = 4096;
const IN_FLIGHT = 2 * BATCH;

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

interface Database {
  url: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

async function freshDatabase(dialect: Dialect): Promise<Database> {
  const dataDir = mkdtempSync(join(tmpdir(), 'govdx-bench-ledger-'));
  if (dialect === 'sqlite')
    return { url: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const database = await postgresDatabase('bench_ledger');
  return {
    url: database.url,
    dataDir,
    async drop() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openFresh(database: Database): Promise<Store> {
  const store = openStore({ databaseUrl: database.url, dataDir: database.dataDir, poolSize: 10 });
  await migrateToLatest(store);
  return store;
}

/** An access event as the exchange will record it: who, about whom, what, why, and digests. */
function accessEvent(i: number): LedgerEvent {
  return {
    kind: 'access',
    subject: `3800${String((i * 7919) % 100000).padStart(6, '0')}`,
    system: 'housing-agency/benefits-portal',
    official: '6f1c1b9e-0b7e-4c4e-9d44-5b7a8f0f2a11',
    service: 'population-register/persons',
    purpose: 'housing-benefit-eligibility',
    agreement: 'agr-2025-0042',
    fields: ['given_name', 'family_name', 'date_of_birth', 'address.postcode'],
    outcome: 'allowed',
    requestSha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
    responseSha256: 'LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=',
  };
}

/** Appends `count` events, keeping IN_FLIGHT waiting at any time; resolves with appends per second. */
async function durableAppends(ledger: Ledger, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (next < count && next - done < IN_FLIGHT) {
        const i = next;
        next += 1;
        ledger.append(accessEvent(i)).then(() => {
          done += 1;
          if (done === count) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  return count / ((performance.now() - started) / 1000);
}

interface Rows {
  entries: Array<{
    index: number;
    kind: string;
    subject: string | null;
    event: string;
    salt: Buffer;
    commitment: Buffer;
  }>;
  hashes: Buffer[];
}

/** Baseline: SHA-256 of the same leaves, three per entry (commitment, leaf, one interior node). */
function rawHashing(rows: Rows): number {
  const started = performance.now();
  const prefix = Buffer.from([0x00]);
  let previous = Buffer.alloc(32);
  for (const e of rows.entries) {
    const commitment = hash('sha256', Buffer.concat([e.salt, Buffer.from(e.event)]), 'buffer');
    const leaf = hash('sha256', Buffer.concat([prefix, commitment]), 'buffer');
    previous = hash('sha256', Buffer.concat([Buffer.from([0x01]), previous, leaf]), 'buffer');
  }
  return rows.entries.length / ((performance.now() - started) / 1000);
}

/** User and system CPU time in microseconds (on PostgreSQL, the server's own CPU is not counted). */
function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/** Baseline: the same rows inserted into a fresh database, batch by batch, as plainly as the store allows. */
async function rawInserts(store: Store, rows: Rows): Promise<number> {
  const started = performance.now();
  let hashAt = 0;
  for (let at = 0; at < rows.entries.length; at += BATCH) {
    const batch = rows.entries.slice(at, at + BATCH);
    const hashEnd = storedHashCount(at + batch.length);
    const hashes = rows.hashes.slice(hashAt, hashEnd).map((h, i) => ({ id: hashAt + i, hash: h }));
    hashAt = hashEnd;
    const entryRows = batch.map((e) => ({
      entry_index: e.index,
      kind: e.kind,
      subject: e.subject,
      event: e.event,
      salt: e.salt,
      commitment: e.commitment,
    }));
    const about = subjectPairs(rows, at, at + batch.length);
    if (store.sqlite) {
      insertSqlite(store.sqlite, entryRows, hashes, about);
    } else {
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < entryRows.length; i += 1000) {
          await trx
            .insertInto('ledger_entries')
            .values(entryRows.slice(i, i + 1000))
            .execute();
        }
        for (let i = 0; i < about.length; i += 1000) {
          await trx
            .insertInto('ledger_subject_entries')
            .values(about.slice(i, i + 1000))
            .execute();
        }
        for (let i = 0; i < hashes.length; i += 4000) {
          await trx
            .insertInto('ledger_hashes')
            .values(hashes.slice(i, i + 4000))
            .execute();
        }
      });
    }
  }
  return rows.entries.length / ((performance.now() - started) / 1000);
}

/** The (subject, entry) pairs the ledger adds to its subject table when its tree grows from `before` to `after`. */
function subjectPairs(
  rows: Rows,
  before: number,
  after: number,
): Array<{ subject: string; entry_index: number }> {
  const run = subjectRunsCompleted(before, after);
  if (!run) return [];
  return rows.entries
    .slice(run[0], run[1])
    .filter((e) => e.subject !== null)
    .map((e) => ({ subject: e.subject!, entry_index: e.index }))
    .sort((x, y) => (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : x.entry_index - y.entry_index));
}

const sqliteStatements = new WeakMap<object, ReturnType<typeof prepareSqlite>>();
function prepareSqlite(db: NonNullable<Store['sqlite']>) {
  db.pragma('wal_autocheckpoint = 10000');
  const entries = 'insert into ledger_entries (entry_index, kind, subject, event, salt, commitment) values ';
  return {
    entries64: db.prepare(entries + placeholders(64, 6)),
    entry: db.prepare(entries + placeholders(1, 6)),
    hashes64: db.prepare(`insert into ledger_hashes (id, hash) values ${placeholders(64, 2)}`),
    hash: db.prepare(`insert into ledger_hashes (id, hash) values ${placeholders(1, 2)}`),
    subjects64: db.prepare(
      `insert into ledger_subject_entries (subject, entry_index) values ${placeholders(64, 2)}`,
    ),
    subject: db.prepare(`insert into ledger_subject_entries (subject, entry_index) values (?, ?)`),
  };
}

function insertSqlite(
  db: NonNullable<Store['sqlite']>,
  entries: Array<Record<string, unknown>>,
  hashes: Array<{ id: number; hash: Buffer }>,
  about: Array<{ subject: string; entry_index: number }>,
): void {
  const statements = sqliteStatements.get(db) ?? prepareSqlite(db);
  sqliteStatements.set(db, statements);
  const columns = (e: Record<string, unknown>) => [
    e.entry_index,
    e.kind,
    e.subject,
    e.event,
    e.salt,
    e.commitment,
  ];
  db.transaction(() => {
    let i = 0;
    for (; i + 64 <= entries.length; i += 64)
      statements.entries64.run(entries.slice(i, i + 64).flatMap(columns));
    for (; i < entries.length; i += 1) statements.entry.run(columns(entries[i]!));
    let h = 0;
    for (; h + 64 <= hashes.length; h += 64)
      statements.hashes64.run(hashes.slice(h, h + 64).flatMap((x) => [x.id, x.hash]));
    for (; h < hashes.length; h += 1) statements.hash.run(hashes[h]!.id, hashes[h]!.hash);
    let a = 0;
    for (; a + 64 <= about.length; a += 64)
      statements.subjects64.run(about.slice(a, a + 64).flatMap((x) => [x.subject, x.entry_index]));
    for (; a < about.length; a += 1) statements.subject.run(about[a]!.subject, about[a]!.entry_index);
  }).immediate();
}

/** Inclusion proofs for random entries, one after the other, for `seconds`; and the same hash reads alone. */
async function proofsInProcess(
  ledger: Ledger,
  size: number,
  seconds: number,
): Promise<{ proofs: number; reads: number }> {
  const random = () => Math.floor(Math.random() * size);
  const time = async (work: () => Promise<unknown>) => {
    const until = performance.now() + seconds * 1000;
    let count = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 100; i += 1) await work();
      count += 100;
    }
    return count / seconds;
  };
  const proofs = await time(() => ledger.inclusionProof(random(), size));
  const reads = await time(() => {
    const index = random();
    const ids = new Set([storedHashIndex(0, index), ...edgeIds(size)]);
    for (const [lo, hi] of inclusionRanges(index, size)) {
      // The complete subtrees of each range, as the proof reads them.
      let at = lo;
      while (at < hi) {
        let width = 1;
        let level = 0;
        while (at % (width * 2) === 0 && at + width * 2 <= hi) {
          width *= 2;
          level += 1;
        }
        ids.add(storedHashIndex(level, at / width));
        at += width;
      }
    }
    return ledger.storage.readHashes([...ids]);
  });
  return { proofs, reads };
}

interface DialectResult {
  appendsPerSecond: number;
  /** CPU time of this process (every thread) per append, and per raw insert: robust to a busy machine. */
  appendCpuMicros: number;
  rawInsertCpuMicros: number;
  rawHashEntriesPerSecond: number;
  rawInsertEntriesPerSecond: number;
  proofsPerSecond: number;
  rawProofReadsPerSecond: number;
  httpProofsPerSecond: number;
  httpBareFastifyPerSecond: number;
  httpProofP99Ms: number;
  entries: number;
}

async function measure(
  dialect: Dialect,
  appends: number,
  seconds: number,
  connections: number,
): Promise<DialectResult> {
  const database = await freshDatabase(dialect);
  const copy = await freshDatabase(dialect);
  const store = await openFresh(database);
  const copyStore = await openFresh(copy);
  const { signerKey } = generateNoteKey('bench.example/ledger');
  let ledger = await openLedger(store, { origin: 'bench.example/ledger', key: signerKey, maxBatch: BATCH });
  try {
    // Warm up first: the writer thread starts, statements are prepared, JIT compiles.
    await durableAppends(ledger, BATCH);
    process.stdout.write(`${dialect}: ${appends} durable appends…\n`);
    const cpuBefore = process.cpuUsage();
    const appendsPerSecond = await durableAppends(ledger, appends);
    const appendCpuMicros = cpuMicros(process.cpuUsage(cpuBefore)) / appends;
    const size = (await ledger.treeHead()).size;
    await ledger.close();

    const rows: Rows = {
      entries: await ledger.storage.readEntries(0, size),
      hashes: await ledger.storage.readHashes(Array.from({ length: storedHashCount(size) }, (_, i) => i)),
    };
    process.stdout.write(`${dialect}: baselines (raw SHA-256, raw inserts of the same rows)…\n`);
    const rawHashEntriesPerSecond = rawHashing(rows);
    const insertCpuBefore = process.cpuUsage();
    const rawInsertEntriesPerSecond = await rawInserts(copyStore, rows);
    const rawInsertCpuMicros = cpuMicros(process.cpuUsage(insertCpuBefore)) / rows.entries.length;

    process.stdout.write(`${dialect}: inclusion proofs…\n`);
    ledger = await openLedger(store, { origin: 'bench.example/ledger', key: signerKey });
    const { proofs, reads } = await proofsInProcess(ledger, size, seconds);
    await ledger.close();

    const port = await freePort('127.0.0.1');
    const config = {
      ...loadConfig({
        env: {},
        flags: { port, logLevel: 'silent', dataDir: database.dataDir, ledgerKey: signerKey },
      }),
      databaseUrl: database.url,
    };
    const node = await startNode(config, { store, logger: false });
    const path = `/ledger/proof/inclusion?index=${Math.floor(size / 3)}&size=${size}`;
    const body = await (await fetch(`${node.url}${path}`)).json();
    const bare = Fastify({ logger: false });
    bare.get('/proof', async () => body);
    const barePort = await freePort('127.0.0.1');
    await bare.listen({ host: '127.0.0.1', port: barePort });
    try {
      const floor = await load('bare', `http://127.0.0.1:${barePort}/proof`, { connections, seconds });
      const served = await load('proof', `${node.url}${path}`, { connections, seconds });
      return {
        appendsPerSecond,
        appendCpuMicros,
        rawInsertCpuMicros,
        rawHashEntriesPerSecond,
        rawInsertEntriesPerSecond,
        proofsPerSecond: proofs,
        rawProofReadsPerSecond: reads,
        httpProofsPerSecond: served.errors + served.non2xx === 0 ? served.requestsPerSecond : 0,
        httpBareFastifyPerSecond: floor.requestsPerSecond,
        httpProofP99Ms: served.p99Ms,
        entries: size,
      };
    } finally {
      await bare.close();
      await node.close();
    }
  } finally {
    await store.close();
    await copyStore.close();
    await database.drop();
    await copy.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const appends = Number(option(args, 'appends', '200000'));
  const seconds = Number(option(args, 'seconds', '5'));
  const connections = Number(option(args, 'connections', '16'));
  const dialects = option(args, 'dialects', 'sqlite,postgres').split(',') as Dialect[];
  const results: Record<string, DialectResult> = {};
  for (const dialect of dialects) results[dialect] = await measure(dialect, appends, seconds, connections);

  const rows = Object.entries(results).flatMap(([dialect, r]) => [
    [
      dialect,
      'durable appends (group commit)',
      Math.round(r.appendsPerSecond),
      'raw SHA-256 of the same leaves',
      Math.round(r.rawHashEntriesPerSecond),
      r.appendsPerSecond / r.rawHashEntriesPerSecond,
    ],
    [
      dialect,
      'durable appends (group commit)',
      Math.round(r.appendsPerSecond),
      'raw batched inserts of the same rows',
      Math.round(r.rawInsertEntriesPerSecond),
      r.appendsPerSecond / r.rawInsertEntriesPerSecond,
    ],
    [
      dialect,
      'inclusion proofs (in process)',
      Math.round(r.proofsPerSecond),
      'raw reads of the same hashes',
      Math.round(r.rawProofReadsPerSecond),
      r.proofsPerSecond / r.rawProofReadsPerSecond,
    ],
    [
      dialect,
      `inclusion proofs (HTTP, ${connections} conn.)`,
      Math.round(r.httpProofsPerSecond),
      'bare Fastify, same JSON',
      Math.round(r.httpBareFastifyPerSecond),
      r.httpProofsPerSecond / r.httpBareFastifyPerSecond,
    ],
  ]);
  printTable(
    `Ledger, ${appends} appends of ~420-byte access events, batches ≤ ${BATCH}, proofs for ${seconds} s`,
    ['store', 'measure', 'per second', 'baseline (same run)', 'per second', 'ratio'],
    rows,
  );
  printTable(
    'CPU time of the govdx process per entry, every thread (µs; PostgreSQL server time not included)',
    ['store', 'durable append', 'raw insert', 'ratio'],
    Object.entries(results).map(([dialect, r]) => [
      dialect,
      r.appendCpuMicros,
      r.rawInsertCpuMicros,
      r.rawInsertCpuMicros / r.appendCpuMicros,
    ]),
  );
  process.stdout.write(
    `\nLoad average while measuring: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}\n`,
  );
  const file = writeResult('ledger', {
    settings: { appends, seconds, connections, dialects, batch: BATCH, inFlight: IN_FLIGHT },
    results,
  });
  process.stdout.write(`\nWritten to ${file}\n`);
}
