import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  countRecords,
  deleteRecords,
  getImport,
  getRecord,
  importRecords,
  listRecordChanges,
  putRecords,
} from '../../src/registry/index.ts';
import { DIALECTS, type FreshStore, freshStore, skipUnless } from '../support/stores.ts';
import { countingLedger, makeRegister, peopleCsv, type Register, streamOf } from './imports-support.ts';

// Asked before any suite starts: an import keeps the event loop busy, and PostgreSQL's check has a timeout.
const skips = new Map(await Promise.all(DIALECTS.map(async (d) => [d, await skipUnless(d)] as const)));

for (const dialect of DIALECTS) {
  describe(`imports and the change log (${dialect})`, { skip: skips.get(dialect)! }, () => {
    let fresh: FreshStore;
    let register: Register;
    const ledger = countingLedger();
    const run = (format: 'csv' | 'jsonl' | 'parquet', body: string | Buffer, resume?: string) =>
      importRecords(
        { db: fresh.store.db, ledger },
        register.owner,
        register.slug,
        register.steward,
        format,
        streamOf(body),
        { resume },
      );

    before(async () => {
      fresh = await freshStore(dialect);
    });
    after(() => fresh?.drop());

    test('putRecords logs what it created and changed, and nothing for the same data again', async () => {
      const r = await makeRegister(fresh.store.db);
      const db = fresh.store.db;
      const ada = { national_id: 'EX1', given_name: 'Ada', address: { postcode: '10001' } };
      assert.deepEqual(await putRecords(db, r.datasetId, [{ key: 'EX1', data: ada }]), {
        created: 1,
        updated: 0,
        unchanged: 0,
      });
      // The same data, its members in another order: no change.
      const reordered = { address: { postcode: '10001' }, given_name: 'Ada', national_id: 'EX1' };
      assert.equal((await putRecords(db, r.datasetId, [{ key: 'EX1', data: reordered }])).unchanged, 1);
      await putRecords(db, r.datasetId, [{ key: 'EX1', data: { ...ada, address: { postcode: '10002' } } }]);
      await deleteRecords(db, r.datasetId);
      const changes = await listRecordChanges(db, r.datasetId, 0, 10);
      assert.deepEqual(
        changes.map((c) => [c.kind, c.key, c.fields]),
        [
          ['created', 'EX1', ['national_id', 'given_name', 'address.postcode']],
          ['updated', 'EX1', ['address.postcode']],
          ['deleted', 'EX1', []],
        ],
      );
      assert.ok(changes[0]!.seq < changes[1]!.seq && changes[1]!.seq < changes[2]!.seq);
    });

    test('a CSV import keeps the good rows and reports each bad row with its number and reason', async () => {
      register = await makeRegister(fresh.store.db);
      const csv = [
        'national_id,given_name,date_of_birth,address.postcode,children',
        'EX000000001,Ada,1980-01-02,10001,2',
        'EX000000002,Bo,1980-13-40,10002,1',
        ',Cy,1981-02-03,10003,0',
        'EX000000004,Di,1982-03-04,10004,two',
        'EX000000005,"Ed, Jr.",,10005,',
        'EX000000006,Fa,1983-04-05',
      ].join('\n');
      const done = await run('csv', csv);
      assert.equal(done.status, 'completed');
      assert.deepEqual([done.rowsRead, done.created, done.refused], [6, 2, 4]);
      const { errors } = await getImport(fresh.store.db, register.owner, 'people', register.steward, done.id);
      assert.deepEqual(errors, [
        { row: 2, reason: '"date_of_birth" must be a date (YYYY-MM-DD), not "1980-13-40".' },
        { row: 3, reason: 'The key field "national_id" is empty.' },
        { row: 4, reason: '"children" must be a whole number, not "two".' },
        { row: 6, reason: 'The row has 3 cells; the header has 5.' },
      ]);
      assert.deepEqual((await getRecord(fresh.store.db, register.datasetId, 'EX000000001'))?.data, {
        national_id: 'EX000000001',
        given_name: 'Ada',
        date_of_birth: '1980-01-02',
        address: { postcode: '10001' },
        children: 2,
      });
      assert.deepEqual((await getRecord(fresh.store.db, register.datasetId, 'EX000000005'))?.data, {
        national_id: 'EX000000005',
        given_name: 'Ed, Jr.',
        address: { postcode: '10005' },
      });
      assert.deepEqual(
        ledger.events.slice(-2).map((e) => [e.kind, e.organization, e.by, e.created ?? null]),
        [
          ['dataset.import_started', register.owner.slug, register.steward.personId, null],
          ['dataset.import_completed', register.owner.slug, register.steward.personId, 2],
        ],
      );
    });

    test('importing the same file again changes nothing; a changed row is one update naming its field', async () => {
      register = await makeRegister(fresh.store.db);
      const first = await run('csv', peopleCsv(12_000));
      assert.deepEqual([first.created, first.updated, first.unchanged], [12_000, 0, 0]);
      const changesBefore = (await listRecordChanges(fresh.store.db, register.datasetId, 0, 20_000)).length;
      const again = await run('csv', peopleCsv(12_000));
      assert.deepEqual([again.created, again.updated, again.unchanged], [0, 0, 12_000]);
      assert.equal(
        (await listRecordChanges(fresh.store.db, register.datasetId, 0, 20_000)).length,
        changesBefore,
      );
      const renamed = peopleCsv(12_000).replace('EX000000007,Ada', 'EX000000007,Ida');
      const third = await run('csv', renamed);
      assert.deepEqual([third.created, third.updated, third.unchanged], [0, 1, 11_999]);
      const last = (await listRecordChanges(fresh.store.db, register.datasetId, 0, 20_000)).at(-1)!;
      assert.deepEqual([last.kind, last.key, last.fields], ['updated', 'EX000000007', ['given_name']]);
      assert.equal(await countRecords(fresh.store.db, register.datasetId), 12_000);
    });

    test('a file with a column that is no field is refused whole, before anything is stored', async () => {
      register = await makeRegister(fresh.store.db);
      await assert.rejects(
        run('csv', 'national_id,shoe_size\nEX1,44\n'),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'VALIDATION_FAILED');
          assert.match(error.message, /shoe_size/);
          return true;
        },
      );
      const imports = await fresh.store.db
        .selectFrom('record_imports')
        .select('id')
        .where('dataset_id', '=', register.datasetId)
        .execute();
      assert.deepEqual(imports, []);
    });

    test('JSON Lines rows are records nested like the records; a member that is no field refuses the row', async () => {
      register = await makeRegister(fresh.store.db);
      const lines = [
        JSON.stringify({
          national_id: 'EX1',
          given_name: 'Ada',
          address: { postcode: '10001' },
          children: 1,
        }),
        '',
        JSON.stringify({ national_id: 'EX2', given_name: 'Bo', shoe_size: 44 }),
        '{"national_id": "EX3",',
        JSON.stringify({ national_id: 'EX4', address: { postcode: '10004', street: 'Main' } }),
      ].join('\n');
      const done = await run('jsonl', lines);
      assert.deepEqual([done.created, done.refused], [1, 3]);
      const { errors } = await getImport(fresh.store.db, register.owner, 'people', register.steward, done.id);
      assert.deepEqual(errors, [
        { row: 2, reason: '"shoe_size" is not a field of the dataset.' },
        { row: 3, reason: 'The line is not valid JSON.' },
        { row: 4, reason: '"address.street" is not a field of the dataset.' },
      ]);
    });

    test('a Parquet file is read with its types', async () => {
      register = await makeRegister(fresh.store.db);
      const dir = mkdtempSync(join(tmpdir(), 'govdx-parquet-'));
      try {
        const file = join(dir, 'people.parquet');
        const instance = await DuckDBInstance.create(':memory:');
        const connection = await instance.connect();
        await connection.run(
          `COPY (SELECT * FROM (VALUES ('EX1', 'Ada', DATE '1980-01-02', '10001', 2), ('EX2', 'Bo', NULL, '10002', -1))
             AS t(national_id, given_name, date_of_birth, "address.postcode", children)) TO '${file}' (FORMAT parquet)`,
        );
        connection.closeSync();
        instance.closeSync();
        const done = await run('parquet', readFileSync(file));
        assert.deepEqual([done.status, done.created, done.refused], ['completed', 2, 0]);
        assert.deepEqual((await getRecord(fresh.store.db, register.datasetId, 'EX1'))?.data, {
          national_id: 'EX1',
          given_name: 'Ada',
          date_of_birth: '1980-01-02',
          address: { postcode: '10001' },
          children: 2,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('an import that fails mid-file keeps its committed batches whole and resumes after the last one', async () => {
      register = await makeRegister(fresh.store.db);
      // 7,000 good rows, then a quote that never closes: the first batch (5,000 rows) commits, the rest fails.
      const broken = `${peopleCsv(7_000)}EX999999999,"unclosed\n`;
      const failed = await run('csv', broken);
      assert.equal(failed.status, 'failed');
      assert.match(failed.failure ?? '', /not valid CSV/);
      assert.equal(failed.committedRows, 5_000);
      assert.equal(await countRecords(fresh.store.db, register.datasetId), 5_000);
      assert.equal((await listRecordChanges(fresh.store.db, register.datasetId, 0, 10_000)).length, 5_000);
      const resumed = await run('csv', peopleCsv(7_000), failed.id);
      assert.equal(resumed.id, failed.id);
      assert.deepEqual([resumed.status, resumed.created, resumed.committedRows], ['completed', 7_000, 7_000]);
      assert.equal(await countRecords(fresh.store.db, register.datasetId), 7_000);
    });

    test('another steward of the organization may not import into a dataset that names its steward', async () => {
      register = await makeRegister(fresh.store.db);
      await fresh.store.db
        .updateTable('datasets')
        .set({ steward_id: register.steward.personId })
        .where('id', '=', register.datasetId)
        .execute();
      const other = { ...register.steward, personId: crypto.randomUUID() };
      await assert.rejects(
        importRecords(
          { db: fresh.store.db, ledger },
          register.owner,
          'people',
          other,
          'csv',
          streamOf(peopleCsv(1)),
        ),
        { code: 'FORBIDDEN' },
      );
    });
  });
}
