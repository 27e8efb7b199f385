/** Open-data downloads: an open dataset's records as CSV and JSON, streamed, counted; nothing else downloadable. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createDataset } from '../../src/catalog/index.ts';
import { seedDemo } from '../../src/demo/index.ts';
import { OPEN_DATASETS } from '../../src/demo/open-data.ts';
import { OPEN_DATA_GENERATORS, openDataRecords } from '../../src/demo/open-data-records.ts';
import { putRecords } from '../../src/registry/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const ORG = 'statistics-office';
const FIELDS = [
  { name: 'town', type: 'string', sensitivity: 'open' },
  { name: 'note', type: 'string', sensitivity: 'open' },
  { name: 'residents', type: 'integer', sensitivity: 'open' },
  { name: 'centre.lat', type: 'number', sensitivity: 'open' },
] as const;
const OPEN = {
  classification: 'public',
  accessRights: 'PUBLIC',
  license: 'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0',
} as const;

/** Each record carries a member that is not a declared field ("secret"): no download may include it. */
const RECORDS = [
  { key: 'r1', data: { town: 'Alder', note: 'plain', residents: 1200, centre: { lat: 58.5 }, secret: 's1' } },
  {
    key: 'r2',
    data: { town: 'Birch, upper', note: 'says "hello"', residents: 0, centre: { lat: 59 }, secret: 's2' },
  },
  {
    key: 'r3',
    data: { town: 'Cedar', note: 'two\nlines', residents: 42, centre: null, secret: 's3' },
  },
  { key: 'r4', data: { town: 'Dune', residents: 7, secret: 's4' } },
];

for (const dialect of DIALECTS) {
  describe(`open-data downloads (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    const get = (path: string) => call(server.url, 'GET', path);

    /** Fixture data: a dataset with records, written straight to the store. */
    async function dataset(
      slug: string,
      metadata: Record<string, unknown>,
      records: ReadonlyArray<{ key: string; data: object }> = RECORDS,
    ) {
      const db = server.fresh.store.db;
      const id = await server.organization(ORG, 'Statistics Office');
      const created = await createDataset(
        db,
        { id, slug: ORG },
        { slug, title: slug, fields: [...FIELDS], classification: 'public', ...metadata },
      );
      await putRecords(db, created.id, records);
      return created.id;
    }

    before(async () => {
      server = await startTestServer(dialect);
      await dataset('towns', OPEN);
      await dataset('towns-internal', { ...OPEN, classification: 'internal' });
      await dataset('towns-confidential', { ...OPEN, classification: 'confidential' });
      await dataset('towns-restricted', {
        ...OPEN,
        classification: 'restricted',
        accessRights: 'RESTRICTED',
      });
      await dataset('towns-not-public-rights', { ...OPEN, accessRights: 'NON_PUBLIC' });
      await dataset('towns-no-rights', { classification: 'public' });
      await dataset('empty', OPEN, []);
      const db = server.fresh.store.db;
      const owner = { id: await server.organization(ORG), slug: ORG };
      const withPersonal = await createDataset(db, owner, {
        slug: 'towns-with-mayors',
        title: 'Towns with their mayors',
        ...OPEN,
        fields: [...FIELDS, { name: 'mayor_national_id', type: 'string', sensitivity: 'personal' }],
      });
      await putRecords(db, withPersonal.id, RECORDS);
    });
    after(() => server?.close());

    test('the CSV has a header of the declared fields, then one row per record in key order', async () => {
      const response = await get(`/catalog/datasets/${ORG}/towns.csv`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.equal(
        response.headers.get('content-disposition'),
        'attachment; filename="statistics-office-towns.csv"',
      );
      const rows: string[][] = parse(response.text);
      assert.deepEqual(rows, [
        ['town', 'note', 'residents', 'centre.lat'],
        ['Alder', 'plain', '1200', '58.5'],
        ['Birch, upper', 'says "hello"', '0', '59'],
        ['Cedar', 'two\nlines', '42', ''],
        ['Dune', '', '7', ''],
      ]);
    });

    test('CSV cells with commas, quotes or line breaks are quoted as RFC 4180 says, lines end in CRLF', async () => {
      const { text } = await get(`/catalog/datasets/${ORG}/towns.csv`);
      assert.equal(
        text,
        'town,note,residents,centre.lat\r\n' +
          'Alder,plain,1200,58.5\r\n' +
          '"Birch, upper","says ""hello""",0,59\r\n' +
          'Cedar,"two\nlines",42,\r\n' +
          'Dune,,7,\r\n',
      );
    });

    test('the JSON is an array of objects holding only the declared fields, null where a record has none', async () => {
      const response = await get(`/catalog/datasets/${ORG}/towns.json`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(
        response.headers.get('content-disposition'),
        'attachment; filename="statistics-office-towns.json"',
      );
      assert.deepEqual(response.body, [
        { town: 'Alder', note: 'plain', residents: 1200, 'centre.lat': 58.5 },
        { town: 'Birch, upper', note: 'says "hello"', residents: 0, 'centre.lat': 59 },
        { town: 'Cedar', note: 'two\nlines', residents: 42, 'centre.lat': null },
        { town: 'Dune', note: null, residents: 7, 'centre.lat': null },
      ]);
      assert.ok(!response.text.includes('secret'));
    });

    test('an open dataset without records downloads as a header alone, or an empty array', async () => {
      assert.equal(
        (await get(`/catalog/datasets/${ORG}/empty.csv`)).text,
        'town,note,residents,centre.lat\r\n',
      );
      assert.deepEqual((await get(`/catalog/datasets/${ORG}/empty.json`)).body, []);
    });

    test('the preview shows the first rows of the declared fields in key order, and how many records there are', async () => {
      const response = await get(`/catalog/datasets/${ORG}/towns/preview?rows=2`);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body, {
        fields: [
          { name: 'town', label: null },
          { name: 'note', label: null },
          { name: 'residents', label: null },
          { name: 'centre.lat', label: null },
        ],
        rows: [
          ['Alder', 'plain', 1200, 58.5],
          ['Birch, upper', 'says "hello"', 0, 59],
        ],
        total: 4,
      });
      assert.ok(!response.text.includes('secret'));
      const empty = await get(`/catalog/datasets/${ORG}/empty/preview`);
      assert.deepEqual([empty.body.rows, empty.body.total], [[], 0]);
      const tooMany = await get(`/catalog/datasets/${ORG}/towns/preview?rows=51`);
      assert.equal(tooMany.status, 400);
      assert.equal(tooMany.body.error.code, 'VALIDATION_FAILED');
    });

    test('a dataset that is not open, or declares a field that is not open, is answered like one that does not exist', async () => {
      const missing = await get(`/catalog/datasets/${ORG}/no-such-dataset.csv`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'NOT_FOUND');
      for (const slug of [
        'towns-internal',
        'towns-confidential',
        'towns-restricted',
        'towns-not-public-rights',
        'towns-no-rights',
        'towns-with-mayors',
      ]) {
        for (const format of ['csv', 'json']) {
          const response = await get(`/catalog/datasets/${ORG}/${slug}.${format}`);
          assert.equal(response.status, 404, `${slug}.${format}`);
          assert.equal(response.body.error.code, 'NOT_FOUND');
          assert.ok(!response.text.includes('Alder'), `${slug}.${format}`);
        }
        const preview = await get(`/catalog/datasets/${ORG}/${slug}/preview`);
        assert.equal(preview.status, 404, `${slug} preview`);
        assert.ok(!preview.text.includes('Alder'), `${slug} preview`);
        const usage = await get(`/catalog/datasets/${ORG}/${slug}/usage`);
        assert.equal(usage.status, 404, `${slug} usage`);
      }
    });

    test('no path trick reaches the records of a dataset that is not open', async () => {
      for (const path of [
        `/catalog/datasets/${ORG}/towns-internal.CSV`,
        `/catalog/datasets/${ORG}/towns-internal.csv%00`,
        `/catalog/datasets/${ORG}/towns-internal.csv.json`,
        `/catalog/datasets/${ORG}/..%2Ftowns-internal.csv`,
        `/catalog/datasets/${ORG}/towns%2F..%2Ftowns-internal.csv`,
        `/catalog/datasets/${ORG}/towns-internal%2Ecsv`,
        `/catalog/datasets/${ORG}%2Ftowns-internal.csv`,
        `/catalog/datasets/${ORG.toUpperCase()}/towns-internal.csv`,
        `/catalog/datasets/${ORG}/towns-internal.csv?format=csv`,
        `/catalog/datasets/${ORG}/towns-internal/usage/../../towns-internal.csv`,
      ]) {
        const response = await get(path);
        assert.ok([400, 404].includes(response.status), `${path}: ${response.status}`);
        assert.ok(response.body.error?.code, path);
        assert.ok(!response.text.includes('Alder'), path);
      }
    });

    test('50,000 records stream out whole, in key order, as CSV and as JSON', async () => {
      const records = Array.from({ length: 50_000 }, (_, i) => ({
        key: `row-${String(i).padStart(6, '0')}`,
        data: { town: `Town ${i}`, note: i % 1000 === 0 ? 'a, "quoted"\nnote' : '', residents: i },
      }));
      await dataset('large', OPEN, records);

      const csv = await get(`/catalog/datasets/${ORG}/large.csv`);
      assert.equal(csv.status, 200);
      const rows: string[][] = parse(csv.text);
      assert.equal(rows.length, 50_001);
      assert.deepEqual(rows[1], ['Town 0', 'a, "quoted"\nnote', '0', '']);
      assert.deepEqual(rows[1001], ['Town 1000', 'a, "quoted"\nnote', '1000', '']);
      assert.deepEqual(rows[50_000], ['Town 49999', '', '49999', '']);
      assert.ok(rows.slice(1).every((row, i) => row[2] === String(i)));

      const json = await get(`/catalog/datasets/${ORG}/large.json`);
      assert.equal(json.status, 200);
      assert.equal(json.body.length, 50_000);
      assert.ok(json.body.every((row: { residents: number }, i: number) => row.residents === i));
    });

    test('a download that fails midway is cut off, never ended like a complete file', async () => {
      const db = server.fresh.store.db;
      const records = Array.from({ length: 1500 }, (_, i) => ({
        key: `row-${String(i).padStart(4, '0')}`,
        data: { town: `Town ${i}` },
      }));
      const id = await dataset('broken', OPEN, records);
      // A record the store holds but cannot read back, after the first batch of 1,000.
      await db
        .updateTable('records')
        .set({ data: '{not json' })
        .where('dataset_id', '=', id)
        .where('key', '=', 'row-1200')
        .execute();
      for (const format of ['csv', 'json']) {
        const response = await fetch(`${server.url}/catalog/datasets/${ORG}/broken.${format}`);
        assert.equal(response.status, 200);
        await assert.rejects(response.text(), format);
      }
      // The server goes on serving.
      assert.equal((await get(`/catalog/datasets/${ORG}/towns.csv`)).status, 200);
    });

    test('each download is counted per format and day when it starts; HEAD requests are not', async () => {
      await dataset('counted', OPEN);
      const before = new Date().toISOString().slice(0, 10);
      const zero = await get(`/catalog/datasets/${ORG}/counted/usage`);
      assert.equal(zero.status, 200, zero.text);
      assert.equal(zero.body.total, 0);
      assert.deepEqual(zero.body.byFormat, { csv: 0, json: 0 });
      assert.equal(zero.body.last30Days.length, 30);
      assert.ok(zero.body.last30Days.every((d: { count: number }) => d.count === 0));

      await get(`/catalog/datasets/${ORG}/counted.csv`);
      await get(`/catalog/datasets/${ORG}/counted.csv`);
      await get(`/catalog/datasets/${ORG}/counted.json`);
      const head = await call(server.url, 'HEAD', `/catalog/datasets/${ORG}/counted.csv`);
      assert.equal(head.status, 200);
      await get(`/catalog/datasets/${ORG}/towns-internal.csv`);

      const usage = await get(`/catalog/datasets/${ORG}/counted/usage`);
      const afterDay = new Date().toISOString().slice(0, 10);
      assert.equal(usage.body.total, 3);
      assert.deepEqual(usage.body.byFormat, { csv: 2, json: 1 });
      const days: Array<{ day: string; count: number }> = usage.body.last30Days;
      assert.equal(days.length, 30);
      assert.ok([before, afterDay].includes(days[29]!.day));
      assert.equal(
        days.reduce((sum, d) => sum + d.count, 0),
        3,
      );
      // Consecutive days, oldest first.
      for (let i = 1; i < days.length; i++) {
        assert.equal(Date.parse(days[i]!.day) - Date.parse(days[i - 1]!.day), 86_400_000);
      }
    });
  });
}

/** The member paths of a record (`coordinates.lat` for `{ coordinates: { lat } }`), in order. */
function paths(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, member]) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? paths(member, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

describe('the records of the demo open datasets', () => {
  test('every open dataset has records, each holding exactly its declared fields, under distinct keys', () => {
    assert.deepEqual(Object.keys(OPEN_DATA_GENERATORS).sort(), OPEN_DATASETS.map((d) => d.slug).sort());
    for (const dataset of OPEN_DATASETS) {
      const records = openDataRecords(dataset.slug);
      const declared = dataset.fields.map((f) => f.name);
      assert.ok(records.length >= 10, dataset.slug);
      assert.equal(new Set(records.map((r) => r.key)).size, records.length, dataset.slug);
      for (const record of records) assert.deepEqual(paths(record.data), declared, dataset.slug);
    }
  });

  test('the same code gives the same records', () => {
    assert.deepEqual(openDataRecords('streets'), openDataRecords('streets'));
  });

  test('residents by municipality: 12 municipalities for each year from 2015 to 2026', () => {
    const records = openDataRecords('residents-by-municipality');
    assert.equal(records.length, 12 * 12);
    const years = new Set(records.map((r) => r.data.year));
    assert.deepEqual(
      [...years].sort(),
      [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026],
    );
    for (const { data } of records) {
      assert.ok(Number.isInteger(data.female) && (data.female as number) > 0);
      assert.ok(Number.isInteger(data.male) && (data.male as number) > 0);
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`downloads of the seeded demo (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(
        dialect,
        { demoPopulation: 50 },
        {
          prepare: async (fresh, config) => {
            await seedDemo(fresh.store, config, { progress: false, providerUrl: 'http://127.0.0.1:9' });
          },
        },
      );
    });
    after(() => server?.close());

    test('every demo open dataset downloads as CSV: its declared fields, then a full row per record', async () => {
      for (const dataset of OPEN_DATASETS) {
        const response = await call(
          server.url,
          'GET',
          `/catalog/datasets/${dataset.organization}/${dataset.slug}.csv`,
        );
        assert.equal(response.status, 200, dataset.slug);
        const [header, ...rows]: string[][] = parse(response.text);
        assert.deepEqual(
          header,
          dataset.fields.map((f) => f.name),
          dataset.slug,
        );
        assert.equal(rows.length, openDataRecords(dataset.slug).length, dataset.slug);
        for (const row of rows)
          assert.ok(row.length === header!.length && row.every((cell) => cell !== ''), dataset.slug);
      }
    });

    test('of the registers, only the open address register is downloadable', async () => {
      for (const path of [
        'population-register/population',
        'business-register/businesses',
        'tax-agency/income',
      ]) {
        const response = await call(server.url, 'GET', `/catalog/datasets/${path}.csv`);
        assert.equal(response.status, 404, path);
      }
      const addresses = await call(server.url, 'GET', '/catalog/datasets/address-register/addresses.csv');
      assert.equal(addresses.status, 200);
      assert.equal(
        addresses.text.split('\r\n')[0],
        'address_id,street,house_number,apartment,postcode,municipality,coordinates.lat,coordinates.lon',
      );
    });

    test('seeding again writes no record twice and changes nothing', async () => {
      const before = await server.fresh.store.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      const { summary } = await seedDemo(server.fresh.store, server.node.config, {
        progress: false,
        providerUrl: 'http://127.0.0.1:9',
      });
      assert.match(summary, /^The Republic of Example is already seeded/);
      const afterwards = await server.fresh.store.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterwards.n), Number(before.n));
    });
  });
}
