/**
 * Catalog search over HTTP on both dialects: six datasets made through the admin API, and every total,
 * facet count and order below worked out by hand from them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator } from 'kysely';
import { parseTextQuery, searchDatasets, searchWords } from '../../src/catalog/index.ts';
import { closestWord, correctedText, editDistance } from '../../src/catalog/search-spelling.ts';
import { toFts5, toTsquery } from '../../src/catalog/search-text.ts';
import { migrateToLatest } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, freshStore, skipUnless } from '../support/stores.ts';

const LICENCE = 'http://publications.europa.eu/resource/authority/licence';
const CC_BY = `${LICENCE}/CC_BY_4_0`;
const CC0 = `${LICENCE}/CC0`;
const file = (format: string) => ({
  title: `${format} file`,
  kind: 'download',
  format,
  accessUrl: `https://data.example/file.${format.toLowerCase()}`,
});
const field = (name: string, description = '') => ({
  name,
  type: 'string',
  sensitivity: 'open',
  description,
});

/** publisher slug → datasets. Names: Roads Agency, Health Board (both part of the searchable text). */
const DATASETS: Record<string, Array<Record<string, unknown>>> = {
  'roads-agency': [
    {
      slug: 'traffic-counts',
      title: 'Traffic counts',
      description: 'Vehicles counted on national roads every hour.',
      classification: 'public',
      fields: [field('station_id'), field('vehicle_count', 'Vehicles per hour')],
      keywords: ['traffic', 'roads'],
      themes: ['TRAN', 'REGI'],
      license: CC_BY,
      distributions: [file('CSV'), file('JSON')],
      modified: '2026-03-01',
      issued: '2020-01-01',
    },
    {
      slug: 'road-works',
      title: 'Road works',
      description: 'Planned closures of roads.',
      classification: 'public',
      fields: [],
      keywords: ['closures'],
      themes: ['TRAN'],
      license: CC0,
      distributions: [file('CSV')],
      modified: '2025-06-01',
      issued: '2021-05-01',
    },
    {
      slug: 'bridge-inspections',
      title: 'Bridge inspections',
      description: 'Condition of bridges; closures are announced separately.',
      classification: 'internal',
      fields: [],
      themes: ['TRAN', 'GOVE'],
      issued: '2019-01-01',
    },
  ],
  'health-board': [
    {
      slug: 'hospital-beds',
      title: 'Hospital beds',
      description: 'Beds available in hospitals by region.',
      classification: 'public',
      fields: [],
      keywords: ['hospitals', 'capacity'],
      themes: ['HEAL', 'REGI'],
      license: CC_BY,
      distributions: [file('JSON')],
      modified: '2026-01-10',
      issued: '2022-01-01',
    },
    {
      slug: 'patient-records',
      title: 'Patient records',
      description: 'Treatment history of patients.',
      classification: 'restricted',
      fields: [{ name: 'diagnosis', type: 'string', sensitivity: 'special' }],
      themes: ['HEAL'],
      modified: '2024-12-31',
    },
    {
      slug: 'doctors',
      title: 'Médecins et cliniques',
      description: 'Liste des médecins généralistes.',
      classification: 'confidential',
      fields: [],
      themes: ['HEAL', 'SOCI'],
      distributions: [file('XML')],
      modified: '2025-01-01',
      issued: '2023-03-03',
    },
  ],
};

type Found = {
  total: number;
  page: number;
  pageSize: number;
  items: Array<{ slug: string; organization: string }>;
  facets: Record<string, Array<{ value: string; label: string; count: number }>>;
  correctedText?: string;
};

for (const dialect of DIALECTS) {
  describe(`catalog search (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let steward: string;

    const search = async (query: string) => {
      const response = await call<Found>(server.url, 'GET', `/catalog/search?${query}`);
      assert.equal(response.status, 200, response.text);
      return response.body;
    };
    const slugs = async (query: string) => (await search(query)).items.map((i) => i.slug);
    const counts = (facet: Found['facets'][string]) => facet.map((f) => [f.value, f.count]);

    before(async () => {
      server = await startTestServer(dialect);
      await server.organization('roads-agency', 'Roads Agency');
      await server.organization('health-board', 'Health Board');
      for (const [org, datasets] of Object.entries(DATASETS)) {
        const token = (await server.user([{ role: 'data_steward', organization: org }])).token;
        if (org === 'roads-agency') steward = token;
        for (const dataset of datasets) {
          const created = await call(server.url, 'POST', `/api/v1/organizations/${org}/datasets`, {
            token,
            body: dataset,
          });
          assert.equal(created.status, 201, created.text);
        }
      }
    });
    after(() => server?.close());

    test('without words or filters every dataset is found, with every facet counted', async () => {
      const found = await search('');
      assert.equal(found.total, 6);
      assert.deepEqual([found.page, found.pageSize], [1, 20]);
      assert.deepEqual(counts(found.facets.publisher!), [
        ['health-board', 3],
        ['roads-agency', 3],
      ]);
      assert.deepEqual(counts(found.facets.theme!), [
        ['HEAL', 3],
        ['TRAN', 3],
        ['REGI', 2],
        ['GOVE', 1],
        ['SOCI', 1],
      ]);
      assert.deepEqual(counts(found.facets.classification!), [
        ['public', 3],
        ['confidential', 1],
        ['internal', 1],
        ['restricted', 1],
      ]);
      assert.deepEqual(counts(found.facets.format!), [
        ['CSV', 2],
        ['JSON', 2],
        ['XML', 1],
      ]);
      assert.deepEqual(counts(found.facets.license!), [
        [CC_BY, 2],
        [CC0, 1],
      ]);
      // Each dataset's most sensitive field; the four that declare no fields have none.
      assert.deepEqual(counts(found.facets.sensitivity!), [
        ['open', 1],
        ['special', 1],
      ]);
    });

    test('facet values carry labels a person can read', async () => {
      const { facets } = await search('');
      assert.equal(facets.publisher!.find((f) => f.value === 'roads-agency')?.label, 'Roads Agency');
      assert.equal(facets.theme!.find((f) => f.value === 'HEAL')?.label, 'Health');
      assert.equal(facets.license!.find((f) => f.value === CC_BY)?.label, 'Creative Commons Attribution 4.0');
      assert.equal(facets.classification!.find((f) => f.value === 'public')?.label, 'Public (open data)');
      assert.match(facets.sensitivity!.find((f) => f.value === 'special')?.label ?? '', /^Special-category/);
    });

    test('values of one facet are alternatives: theme TRAN or HEAL', async () => {
      assert.equal((await search('theme=TRAN&theme=HEAL')).total, 6);
      assert.deepEqual((await slugs('theme=REGI')).sort(), ['hospital-beds', 'traffic-counts']);
    });

    test('facets narrow each other: public and published by the health board', async () => {
      assert.deepEqual(await slugs('classification=public&publisher=health-board'), ['hospital-beds']);
      assert.deepEqual(await slugs('classification=internal&format=CSV'), []);
    });

    test("a facet's counts ignore its own filter but follow the others'", async () => {
      const found = await search('theme=REGI&publisher=roads-agency');
      assert.deepEqual(
        found.items.map((i) => i.slug),
        ['traffic-counts'],
      );
      // Themes counted over the roads agency's three datasets, not over the one result.
      assert.deepEqual(counts(found.facets.theme!), [
        ['TRAN', 3],
        ['GOVE', 1],
        ['REGI', 1],
      ]);
      // Publishers counted over the two REGI datasets.
      assert.deepEqual(counts(found.facets.publisher!), [
        ['health-board', 1],
        ['roads-agency', 1],
      ]);
      // Other facets counted over the result itself.
      assert.deepEqual(counts(found.facets.classification!), [['public', 1]]);
      assert.deepEqual(counts(found.facets.format!), [
        ['CSV', 1],
        ['JSON', 1],
      ]);
    });

    test('a chosen value with no results is still listed, with 0', async () => {
      const found = await search('q=bridges&theme=SOCI');
      assert.equal(found.total, 0);
      assert.deepEqual(counts(found.facets.theme!), [
        ['GOVE', 1],
        ['TRAN', 1],
        ['SOCI', 0],
      ]);
    });

    test('words are found in title, description, keywords, fields and publisher name', async () => {
      assert.deepEqual(await slugs('q=traffic'), ['traffic-counts']);
      assert.deepEqual(await slugs('q=hour'), ['traffic-counts']);
      assert.deepEqual(await slugs('q=capacity'), ['hospital-beds']);
      assert.deepEqual(await slugs('q=diagnosis'), ['patient-records']);
      assert.deepEqual(await slugs('q=vehicle_count'), ['traffic-counts']);
      assert.equal((await search('q=agency')).total, 3);
      assert.equal((await search('q=roads')).total, 3);
    });

    test('all words must match; quotes keep a phrase; - leaves out; OR gives alternatives', async () => {
      assert.deepEqual(await slugs('q=roads%20hour'), ['traffic-counts']);
      assert.deepEqual(await slugs('q=%22national%20roads%22'), ['traffic-counts']);
      assert.deepEqual(await slugs('q=%22roads%20national%22'), []);
      assert.deepEqual((await slugs('q=-roads')).sort(), ['doctors', 'hospital-beds', 'patient-records']);
      assert.deepEqual((await slugs('q=roads%20-closures')).sort(), ['traffic-counts']);
      assert.deepEqual((await slugs('q=bridges%20OR%20hospitals')).sort(), [
        'bridge-inspections',
        'hospital-beds',
      ]);
    });

    test('the last word matches the start of longer words, as one types', async () => {
      assert.deepEqual(await slugs('q=hosp'), ['hospital-beds']);
      assert.deepEqual((await slugs('q=clos')).sort(), ['bridge-inspections', 'road-works']);
      // Not a word before the last one, unless it says so with *.
      assert.deepEqual(await slugs('q=hosp%20beds'), []);
      assert.deepEqual(await slugs('q=hosp*%20beds'), ['hospital-beds']);
    });

    test('a misspelt word that finds nothing finds the closest word the catalog holds, and says so', async () => {
      const misspelt = await search('q=trafic');
      assert.deepEqual(
        misspelt.items.map((i) => i.slug),
        ['traffic-counts'],
      );
      assert.equal(misspelt.correctedText, 'traffic');
      const swapped = await search('q=hospital%20bdes');
      assert.deepEqual(
        swapped.items.map((i) => i.slug),
        ['hospital-beds'],
      );
      assert.equal(swapped.correctedText, 'hospital beds');
      assert.equal((await search('q=traffic')).correctedText, undefined, 'found as typed: nothing corrected');
      const nothing = await search('q=zyxwvut');
      assert.equal(nothing.total, 0);
      assert.equal(nothing.correctedText, undefined);
      assert.equal((await search('q=%22trafic%22')).total, 0, 'a quoted phrase is taken as meant');
    });

    test('accents do not matter, either way', async () => {
      assert.deepEqual(await slugs('q=medecins'), ['doctors']);
      assert.deepEqual(await slugs('q=G%C3%89N%C3%89RALISTES'), ['doctors']);
      assert.deepEqual(await slugs('q=cl%C3%AFniques'), ['doctors']);
    });

    test('by relevance a keyword outranks a word in the description, whatever the titles', async () => {
      // "closures" is a keyword of Road works and only in the description of Bridge inspections.
      assert.deepEqual(await slugs('q=closures&sort=relevance'), ['road-works', 'bridge-inspections']);
      assert.deepEqual(await slugs('q=closures&sort=title'), ['bridge-inspections', 'road-works']);
    });

    test('sorts by title, modified and issued, either way, undated ones last', async () => {
      const byTitle = [
        'bridge-inspections',
        'hospital-beds',
        'doctors',
        'patient-records',
        'road-works',
        'traffic-counts',
      ];
      assert.deepEqual(await slugs('sort=title'), byTitle);
      assert.deepEqual(await slugs(''), byTitle, 'relevance without words sorts by title');
      assert.deepEqual(await slugs('sort=-title'), [...byTitle].reverse());
      assert.deepEqual(await slugs('sort=-modified'), [
        'traffic-counts',
        'hospital-beds',
        'road-works',
        'doctors',
        'patient-records',
        'bridge-inspections',
      ]);
      assert.deepEqual(await slugs('sort=modified'), [
        'patient-records',
        'doctors',
        'road-works',
        'hospital-beds',
        'traffic-counts',
        'bridge-inspections',
      ]);
      assert.deepEqual(await slugs('sort=-issued'), [
        'doctors',
        'hospital-beds',
        'road-works',
        'traffic-counts',
        'bridge-inspections',
        'patient-records',
      ]);
    });

    test('pages follow one another without repeating or missing a dataset', async () => {
      const pages = [];
      for (let page = 1; page <= 3; page++) {
        const found = await search(`sort=-modified&pageSize=4&page=${page}`);
        assert.equal(found.total, 6);
        pages.push(found.items.map((i) => i.slug));
      }
      assert.deepEqual(pages, [
        ['traffic-counts', 'hospital-beds', 'road-works', 'doctors'],
        ['patient-records', 'bridge-inspections'],
        [],
      ]);
      const seen = [];
      for (let page = 1; page <= 3; page++) seen.push(...(await slugs(`q=roads&pageSize=1&page=${page}`)));
      assert.deepEqual(seen.sort(), ['bridge-inspections', 'road-works', 'traffic-counts']);
    });

    test('results are whole datasets, metadata only', async () => {
      const { items } = await search('q=diagnosis');
      assert.equal(items.length, 1);
      const item = items[0] as unknown as Record<string, unknown>;
      assert.equal(item.organizationName, 'Health Board');
      assert.equal(item.classification, 'restricted');
      assert.deepEqual(
        (item.fields as Array<{ name: string }>).map((f) => f.name),
        ['diagnosis'],
      );
      assert.equal('records' in item, false);
    });

    test('whatever is typed, the answer is a result, never an error', async () => {
      for (const q of [
        '"unclosed',
        'AND OR',
        '*',
        'NOT',
        'OR roads OR',
        '(roads',
        'NEAR(roads traffic)',
        'title:roads',
        "roads' & !traffic | :*",
        '-',
        '""',
        '^roads',
        "'; drop table datasets; --",
        '\\',
      ]) {
        const response = await call<Found>(server.url, 'GET', `/catalog/search?q=${encodeURIComponent(q)}`);
        assert.equal(response.status, 200, `${q}: ${response.text}`);
      }
      assert.equal((await search(`q=${encodeURIComponent('"unclosed')}`)).total, 0);
      assert.equal((await search(`q=${encodeURIComponent('(roads')}`)).total, 3);
      assert.equal((await search(`q=${encodeURIComponent('*')}`)).total, 6);
    });

    test('a query the schema does not allow is refused with VALIDATION_FAILED', async () => {
      for (const query of [
        'pageSize=1000',
        'pageSize=0',
        'page=0',
        'sort=popularity',
        'theme=NOPE',
        'classification=secret',
        'sensitivity=secret',
        `q=${'a'.repeat(501)}`,
        'colour=red',
      ]) {
        const response = await call<{ error: { code: string; message: string } }>(
          server.url,
          'GET',
          `/catalog/search?${query}`,
        );
        assert.equal(response.status, 400, query);
        assert.equal(response.body.error.code, 'VALIDATION_FAILED', query);
      }
    });

    test('a changed title is found by its new words and no longer by the old', async () => {
      const changed = await call(
        server.url,
        'PATCH',
        '/api/v1/organizations/roads-agency/datasets/road-works',
        {
          token: steward,
          body: { title: 'Lane closures map', themes: ['REGI'] },
        },
      );
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(await slugs('q=lane'), ['road-works']);
      assert.deepEqual(await slugs('q=works'), []);
      // Its facet values follow: REGI now counts it, TRAN no longer does.
      const { facets } = await search('');
      assert.deepEqual(counts(facets.theme!).slice(0, 3), [
        ['HEAL', 3],
        ['REGI', 3],
        ['TRAN', 2],
      ]);
    });

    test("a publisher's new name finds its datasets, and its old name no longer does", async () => {
      const admin = (await server.user([{ role: 'organization_admin', organization: 'health-board' }])).token;
      const renamed = await call(server.url, 'PATCH', '/api/v1/organizations/health-board', {
        token: admin,
        body: { name: 'Care Directorate' },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal((await search('q=directorate')).total, 3);
      assert.equal((await search('q=board')).total, 0);
      const { facets } = await search('');
      assert.equal(facets.publisher!.find((f) => f.value === 'health-board')?.label, 'Care Directorate');
    });

    test('sensitivity finds the datasets holding personal data, and follows their fields', async () => {
      const holdingPersonalData = 'sensitivity=personal&sensitivity=special';
      assert.deepEqual(await slugs(holdingPersonalData), ['patient-records']);
      assert.deepEqual(await slugs('sensitivity=open'), ['traffic-counts']);
      // A personal field declared on a dataset that had none, among open ones: it now holds personal data.
      const changed = await call(
        server.url,
        'PATCH',
        '/api/v1/organizations/roads-agency/datasets/bridge-inspections',
        {
          token: steward,
          body: {
            fields: [
              field('bridge_id'),
              { name: 'inspector_name', type: 'string', sensitivity: 'personal', description: '' },
            ],
          },
        },
      );
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(await slugs(holdingPersonalData), ['bridge-inspections', 'patient-records']);
      const found = await search(holdingPersonalData);
      // Counted over every dataset (its own filter left out), as the other facets are.
      assert.deepEqual(counts(found.facets.sensitivity!), [
        ['open', 1],
        ['personal', 1],
        ['special', 1],
      ]);
      assert.deepEqual(counts(found.facets.publisher!), [
        ['health-board', 1],
        ['roads-agency', 1],
      ]);
    });
  });
}

for (const dialect of DIALECTS) {
  test(`datasets made before search existed are searchable after the upgrade (${dialect})`, {
    skip: await skipUnless(dialect),
  }, async () => {
    const fresh = await freshStore(dialect, { migrate: false });
    try {
      const { db } = fresh.store;
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
      const before = await migrator.migrateTo('0009_catalog_metadata');
      assert.equal(before.error, undefined);
      const at = '2026-01-01T00:00:00.000Z';
      await db
        .insertInto('organizations')
        .values({
          id: 'o1',
          slug: 'stats-office',
          name: 'Statistics Office',
          kind: 'agency',
          description: '',
          website: null,
          contact_email: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('datasets')
        .values({
          id: 'd1',
          organization_id: 'o1',
          slug: 'population',
          title: 'Population by municipality',
          description: 'Résidents comptés chaque année.',
          classification: 'public',
          steward_id: null,
          key_field: null,
          keywords: '["census"]',
          themes: '["SOCI","REGI"]',
          license: CC_BY,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('fields')
        .values({
          dataset_id: 'd1',
          position: 0,
          name: 'municipality_code',
          type: 'string',
          sensitivity: 'open',
          description: '',
        })
        .execute();
      await db
        .insertInto('distributions')
        .values({
          id: 'x1',
          dataset_id: 'd1',
          position: 0,
          title: 'CSV',
          description: '',
          kind: 'download',
          format: 'CSV',
          media_type: null,
          access_url: 'https://x.example/p.csv',
          download_url: null,
          created_at: at,
        })
        .execute();
      await migrateToLatest(fresh.store);

      const query = { filters: {}, sort: 'relevance' as const, offset: 0, limit: 10, facetLimit: 10 };
      for (const text of ['census', 'residents', 'municipality_code', 'statistics office']) {
        const found = await searchDatasets(db, dialect, { ...query, text });
        assert.deepEqual(
          found.items.map((i) => i.slug),
          ['population'],
          text,
        );
      }
      const { facets } = await searchDatasets(db, dialect, {
        ...query,
        filters: { theme: ['SOCI'], format: ['CSV'] },
      });
      assert.deepEqual(
        Object.fromEntries(Object.entries(facets).map(([k, v]) => [k, v.map((f) => [f.value, f.count])])),
        {
          publisher: [['stats-office', 1]],
          theme: [
            ['REGI', 1],
            ['SOCI', 1],
          ],
          classification: [['public', 1]],
          format: [['CSV', 1]],
          license: [[CC_BY, 1]],
          sensitivity: [['open', 1]],
        },
      );
    } finally {
      await fresh.drop();
    }
  });
}

describe('the closest words to a misspelt one (no server)', () => {
  const vocabulary = new Map([
    ['births', 3],
    ['deaths', 5],
    ['berths', 1],
    ['roads', 2],
  ]);
  test('one edit for words of 4 or 5 letters, two for longer, none for shorter', () => {
    assert.equal(closestWord('brths', vocabulary), 'births');
    assert.equal(closestWord('rods', vocabulary), 'roads');
    assert.equal(closestWord('daehts', vocabulary), 'deaths');
    assert.equal(closestWord('rds', vocabulary), null);
    assert.equal(closestWord('brt', vocabulary), null);
  });
  test('a transposition is one edit; ties go to the word more datasets use', () => {
    assert.equal(editDistance('beds', 'bdes', 2), 1);
    assert.equal(editDistance('births', 'berths', 2), 1);
    assert.equal(closestWord('births', vocabulary), 'births', 'a known word stays');
    assert.equal(closestWord('bxrths', vocabulary), 'births', 'births (3) over berths (1)');
  });
  test('the text is corrected word by word; search syntax is taken as meant', () => {
    assert.equal(correctedText('brths rods', vocabulary), 'births roads');
    assert.equal(correctedText('births', vocabulary), null);
    assert.equal(correctedText('"brths"', vocabulary), null);
    assert.equal(correctedText('-brths roads', vocabulary), null);
    assert.equal(correctedText('brths*', vocabulary), null);
  });
});

describe('what a person types, read as a query (no server)', () => {
  const both = (input: string) => {
    const parsed = parseTextQuery(input);
    assert.ok(parsed, input);
    return {
      fts5: toFts5(parsed.clauses),
      tsquery: toTsquery(parsed.clauses),
      excluded: parsed.excluded.map((p) => p.words.join(' ')),
    };
  };

  test('words are folded: lower case, no accents, letters and digits only', () => {
    assert.deepEqual(searchWords('Médecins GÉNÉRALISTES, covid-19 & vehicle_count'), [
      'medecins',
      'generalistes',
      'covid',
      '19',
      'vehicle',
      'count',
    ]);
  });

  test('all words must match, the last one as a beginning', () => {
    assert.deepEqual(both('traffic roa'), {
      fts5: '("traffic") AND ("roa"*)',
      tsquery: "('traffic') & ('roa':*)",
      excluded: [],
    });
  });

  test('quotes keep a phrase, OR joins alternatives, - leaves out, * asks for a beginning', () => {
    assert.deepEqual(both('"national roads" bridges OR tunnels -closed hosp* beds'), {
      fts5: '("national roads") AND ("bridges" OR "tunnels") AND ("hosp"*) AND ("beds"*)',
      tsquery: "('national' <-> 'roads') & ('bridges' | 'tunnels') & ('hosp':*) & ('beds':*)",
      excluded: ['closed'],
    });
  });

  test('syntax of either engine is only ever read as words or spaces', () => {
    assert.deepEqual(both('NEAR(a b) title:x "unclosed'), {
      fts5: '("near a") AND ("b") AND ("title x") AND ("unclosed")',
      tsquery: "('near' <-> 'a') & ('b') & ('title' <-> 'x') & ('unclosed')",
      excluded: [],
    });
    for (const nothing of ['', '   ', '*', 'AND OR', '""', '-', '& | ! :*']) {
      const parsed = parseTextQuery(nothing);
      assert.ok(parsed === null || parsed.clauses.length > 0 || parsed.excluded.length > 0, nothing);
    }
    assert.equal(parseTextQuery('*'), null);
    assert.equal(parseTextQuery('""'), null);
  });
});
