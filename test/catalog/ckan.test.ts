/**
 * CKAN's Action API v3 over the open datasets. Expected shapes are written from CKAN's documentation
 * (docs.ckan.org "API guide": the envelope, package_search's count/facets/search_facets/results,
 * the package dict) and its source (ckan/views/api.py: error bodies and statuses).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDataset, type Theme } from '../../src/catalog/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const LICENCE = 'http://publications.europa.eu/resource/authority/licence/';
const STATS = 'statistics-office';
const CITY = 'city-of-riverton';
const SECRET = 'secret-agency';

interface Fixture {
  organization: string;
  slug: string;
  title: string;
  classification: 'public' | 'internal' | 'confidential' | 'restricted';
  keywords: string[];
  themes: Theme[];
  license: string;
  formats: Array<'CSV' | 'JSON'>;
  modified: string;
}

/** Five open datasets, and three that are not open but share their tags and themes. */
const FIXTURES: Fixture[] = [
  {
    organization: STATS,
    slug: 'population',
    title: 'Population by district',
    classification: 'public',
    keywords: ['population', 'census'],
    themes: ['SOCI', 'REGI'],
    license: 'CC_BY_4_0',
    formats: ['CSV', 'JSON'],
    modified: '2026-01-10',
  },
  {
    organization: STATS,
    slug: 'births',
    title: 'Births by month',
    classification: 'public',
    keywords: ['births', 'population'],
    themes: ['SOCI', 'HEAL'],
    license: 'CC0',
    formats: ['CSV'],
    modified: '2026-03-01',
  },
  {
    organization: STATS,
    slug: 'deaths',
    title: 'Deaths by month',
    classification: 'public',
    keywords: ['deaths'],
    themes: ['SOCI', 'HEAL'],
    license: 'CC_BY_4_0',
    formats: ['CSV', 'JSON'],
    modified: '2026-04-01',
  },
  {
    organization: CITY,
    slug: 'bus-stops',
    title: 'Bus stops',
    classification: 'public',
    keywords: ['transport'],
    themes: ['TRAN'],
    license: 'CC_BY_4_0',
    formats: ['JSON'],
    modified: '2025-12-01',
  },
  {
    organization: CITY,
    slug: 'budget',
    title: 'City budget',
    classification: 'public',
    keywords: ['budget', 'population'],
    themes: ['GOVE', 'ECON'],
    license: 'CC_BY_4_0',
    formats: ['CSV'],
    modified: '2026-02-01',
  },
  {
    organization: STATS,
    slug: 'microdata',
    title: 'Population microdata',
    classification: 'restricted',
    keywords: ['population', 'microdata'],
    themes: ['SOCI'],
    license: 'CC_BY_4_0',
    formats: ['CSV'],
    modified: '2026-05-01',
  },
  {
    organization: CITY,
    slug: 'staff',
    title: 'City staff',
    classification: 'internal',
    keywords: ['population'],
    themes: ['GOVE'],
    license: 'CC_BY_4_0',
    formats: ['CSV'],
    modified: '2026-05-01',
  },
  {
    organization: SECRET,
    slug: 'informants',
    title: 'Informants',
    classification: 'confidential',
    keywords: ['population'],
    themes: ['JUST'],
    license: 'CC_BY_4_0',
    formats: ['CSV'],
    modified: '2026-05-01',
  },
];

const OPEN_NAMES_BY_MODIFIED = [
  'statistics-office_deaths',
  'statistics-office_births',
  'city-of-riverton_budget',
  'statistics-office_population',
  'city-of-riverton_bus-stops',
];

const PACKAGE_KEYS = [
  'author',
  'author_email',
  'extras',
  'groups',
  'id',
  'isopen',
  'license_id',
  'license_title',
  'license_url',
  'maintainer',
  'maintainer_email',
  'metadata_created',
  'metadata_modified',
  'name',
  'notes',
  'num_resources',
  'num_tags',
  'organization',
  'owner_org',
  'private',
  'relationships_as_object',
  'relationships_as_subject',
  'resources',
  'state',
  'tags',
  'title',
  'tracking_summary',
  'type',
  'url',
  'version',
];

for (const dialect of DIALECTS) {
  describe(`CKAN Action API v3 (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let publicUrl: string;
    const ids = new Map<string, string>();
    const distributionIds = new Map<string, string>();
    const action = (name: string, query = '') => call(server.url, 'GET', `/api/3/action/${name}${query}`);
    const names = (results: Array<{ name: string }>) => results.map((r) => r.name);
    const helpOf = (name: string) => `${publicUrl}/api/3/action/help_show?name=${name}`;

    before(async () => {
      server = await startTestServer(dialect);
      publicUrl = server.node.config.publicUrl.replace(/\/$/, '');
      const db = server.fresh.store.db;
      const owners = new Map<string, string>();
      owners.set(STATS, await server.organization(STATS, 'Statistics Office'));
      owners.set(CITY, await server.organization(CITY, 'City of Riverton'));
      owners.set(SECRET, await server.organization(SECRET, 'Secret Agency'));
      // Fixture data: datasets written through the catalog's own function, straight to the store.
      for (const f of FIXTURES) {
        const base = `${publicUrl}/catalog/datasets/${f.organization}/${f.slug}`;
        const created = await createDataset(
          db,
          { id: owners.get(f.organization)!, slug: f.organization },
          {
            slug: f.slug,
            title: f.title,
            description: `About ${f.title.toLowerCase()}.`,
            classification: f.classification,
            fields: [{ name: 'value', type: 'integer', sensitivity: 'open' }],
            keywords: f.keywords,
            themes: f.themes,
            license: `${LICENCE}${f.license}`,
            accessRights: f.classification === 'public' ? 'PUBLIC' : 'RESTRICTED',
            contactPoint: { name: 'Data desk', email: 'data@example.org' },
            modified: f.modified,
            distributions: f.formats.map((format) => ({
              title: `${format} download`,
              kind: 'download' as const,
              format,
              mediaType: format === 'CSV' ? 'text/csv' : 'application/json',
              accessUrl: `${base}.${format.toLowerCase()}`,
              downloadUrl: `${base}.${format.toLowerCase()}`,
            })),
          },
        );
        ids.set(`${f.organization}/${f.slug}`, created.id);
        for (const d of created.distributions)
          distributionIds.set(`${f.organization}/${f.slug}.${d.format}`, d.id);
      }
    });
    after(() => server?.close());

    test('package_show wraps a CKAN package dict in the envelope { help, success, result }', async () => {
      const response = await action('package_show', '?id=statistics-office_population');
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(Object.keys(response.body).sort(), ['help', 'result', 'success']);
      assert.equal(response.body.help, helpOf('package_show'));
      assert.equal(response.body.success, true);
      const pkg = response.body.result;
      assert.deepEqual(Object.keys(pkg).sort(), PACKAGE_KEYS);
      const base = `${publicUrl}/catalog/datasets/statistics-office/population`;
      assert.deepEqual(
        {
          id: pkg.id,
          name: pkg.name,
          title: pkg.title,
          notes: pkg.notes,
          type: pkg.type,
          state: pkg.state,
          private: pkg.private,
          license_id: pkg.license_id,
          license_title: pkg.license_title,
          license_url: pkg.license_url,
          isopen: pkg.isopen,
          maintainer: pkg.maintainer,
          maintainer_email: pkg.maintainer_email,
          owner_org: pkg.owner_org,
          num_tags: pkg.num_tags,
          num_resources: pkg.num_resources,
          metadata_modified: pkg.metadata_modified,
          tracking_summary: pkg.tracking_summary,
        },
        {
          id: ids.get('statistics-office/population'),
          name: 'statistics-office_population',
          title: 'Population by district',
          notes: 'About population by district.',
          type: 'dataset',
          state: 'active',
          private: false,
          license_id: 'CC_BY_4_0',
          license_title: 'Creative Commons Attribution 4.0',
          license_url: `${LICENCE}CC_BY_4_0`,
          isopen: true,
          maintainer: 'Data desk',
          maintainer_email: 'data@example.org',
          owner_org: await server.organization(STATS),
          num_tags: 2,
          num_resources: 2,
          metadata_modified: '2026-01-10T00:00:00',
          tracking_summary: { total: 0, recent: 0 },
        },
      );
      assert.match(pkg.metadata_created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
      assert.deepEqual(
        {
          name: pkg.organization.name,
          title: pkg.organization.title,
          is_organization: pkg.organization.is_organization,
        },
        { name: STATS, title: 'Statistics Office', is_organization: true },
      );
      assert.deepEqual(
        pkg.tags.map((t: { name: string }) => t.name),
        ['population', 'census'],
      );
      assert.deepEqual(
        pkg.groups.map((g: { name: string; title: string }) => [g.name, g.title]),
        [
          ['soci', 'Population and society'],
          ['regi', 'Regions and cities'],
        ],
      );
      assert.deepEqual(
        pkg.resources.map((r: Record<string, unknown>) => ({
          id: r.id,
          url: r.url,
          format: r.format,
          mimetype: r.mimetype,
          name: r.name,
          package_id: r.package_id,
          position: r.position,
        })),
        [
          {
            id: distributionIds.get('statistics-office/population.CSV'),
            url: `${base}.csv`,
            format: 'CSV',
            mimetype: 'text/csv',
            name: 'CSV download',
            package_id: ids.get('statistics-office/population'),
            position: 0,
          },
          {
            id: distributionIds.get('statistics-office/population.JSON'),
            url: `${base}.json`,
            format: 'JSON',
            mimetype: 'application/json',
            name: 'JSON download',
            package_id: ids.get('statistics-office/population'),
            position: 1,
          },
        ],
      );
    });

    test('package_show finds a package by its id as well as by its name', async () => {
      const response = await action('package_show', `?id=${ids.get('city-of-riverton/bus-stops')}`);
      assert.equal(response.status, 200);
      assert.equal(response.body.result.name, 'city-of-riverton_bus-stops');
    });

    test('what does not exist is a 404 Not Found Error in the envelope', async () => {
      const response = await action('package_show', '?id=statistics-office_nothing');
      assert.equal(response.status, 404);
      assert.deepEqual(response.body, {
        help: helpOf('package_show'),
        success: false,
        error: { __type: 'Not Found Error', message: 'Not found' },
      });
    });

    test('a missing or malformed parameter is a 409 Validation Error naming it', async () => {
      const missing = await action('package_show');
      assert.equal(missing.status, 409);
      assert.deepEqual(missing.body, {
        help: helpOf('package_show'),
        success: false,
        error: { __type: 'Validation Error', id: ['Missing value'] },
      });
      const negative = await action('package_search', '?rows=-1');
      assert.equal(negative.status, 409);
      assert.deepEqual(negative.body.error, {
        __type: 'Validation Error',
        rows: ['Must be a natural number'],
      });
      const huge = await action('package_search', '?start=99999999999');
      assert.equal(huge.status, 409);
      assert.deepEqual(huge.body.error, {
        __type: 'Validation Error',
        start: ['Must be at most 2147483647'],
      });
      const words = await action('package_search', '?start=abc');
      assert.equal(words.status, 409);
      assert.deepEqual(words.body.error, { __type: 'Validation Error', start: ['Invalid integer'] });
      const unknownFacet = await action('package_search', `?facet.field=${encodeURIComponent('["author"]')}`);
      assert.equal(unknownFacet.status, 409);
      assert.deepEqual(Object.keys(unknownFacet.body.error).sort(), ['__type', 'facet.field']);
      const badFilter = await action('package_search', '?fq=name:population');
      assert.equal(badFilter.status, 409);
      assert.deepEqual(Object.keys(badFilter.body.error).sort(), ['__type', 'fq']);
      const badSort = await action('package_search', '?sort=views_recent%20desc');
      assert.equal(badSort.status, 409);
      assert.deepEqual(Object.keys(badSort.body.error).sort(), ['__type', 'sort']);
    });

    test('an unknown action is a 400 with the JSON string "Bad request - Action name not known: <name>"', async () => {
      const response = await action('package_create');
      assert.equal(response.status, 400);
      assert.equal(response.text, '"Bad request - Action name not known: package_create"');
    });

    test('help_show answers with the help text of an action', async () => {
      const response = await action('help_show', '?name=package_search');
      assert.equal(response.status, 200);
      assert.equal(response.body.success, true);
      assert.equal(typeof response.body.result, 'string');
      assert.equal((await action('help_show', '?name=nothing')).status, 404);
    });

    test('package_list gives the names of the open datasets in name order, paged by limit and offset', async () => {
      const all = await action('package_list');
      assert.equal(all.status, 200);
      assert.deepEqual(all.body.result, [
        'city-of-riverton_budget',
        'city-of-riverton_bus-stops',
        'statistics-office_births',
        'statistics-office_deaths',
        'statistics-office_population',
      ]);
      assert.deepEqual((await action('package_list', '?limit=2&offset=1')).body.result, [
        'city-of-riverton_bus-stops',
        'statistics-office_births',
      ]);
    });

    test('organization_list lists the publishers of open data by title; all_fields gives their dicts', async () => {
      assert.deepEqual((await action('organization_list')).body.result, [CITY, STATS]);
      assert.deepEqual((await action('organization_list', '?sort=package_count%20desc')).body.result, [
        STATS,
        CITY,
      ]);
      assert.deepEqual((await action('organization_list', '?sort=name%20desc&limit=1')).body.result, [STATS]);
      const full = (await action('organization_list', '?all_fields=true')).body.result;
      assert.deepEqual(
        full.map((o: Record<string, unknown>) => [o.name, o.title, o.package_count, o.is_organization]),
        [
          [CITY, 'City of Riverton', 2, true],
          [STATS, 'Statistics Office', 3, true],
        ],
      );
    });

    test('organization_show gives an organization, with its open datasets when asked', async () => {
      const plain = await action('organization_show', `?id=${STATS}`);
      assert.equal(plain.status, 200);
      assert.equal(plain.body.result.title, 'Statistics Office');
      assert.equal(plain.body.result.package_count, 3);
      assert.equal(plain.body.result.packages, undefined);
      const full = await action('organization_show', `?id=${STATS}&include_datasets=true`);
      assert.deepEqual(names(full.body.result.packages), [
        'statistics-office_births',
        'statistics-office_deaths',
        'statistics-office_population',
      ]);
    });

    test('resource_show gives a resource of an open dataset', async () => {
      const id = distributionIds.get('city-of-riverton/bus-stops.JSON');
      const response = await action('resource_show', `?id=${id}`);
      assert.equal(response.status, 200);
      assert.equal(response.body.result.url, `${publicUrl}/catalog/datasets/city-of-riverton/bus-stops.json`);
      assert.equal(response.body.result.package_id, ids.get('city-of-riverton/bus-stops'));
    });

    test('a dataset that is not open, and an organization without open data, are unknown to every action', async () => {
      for (const key of [
        'statistics-office/microdata',
        'city-of-riverton/staff',
        'secret-agency/informants',
      ]) {
        const [org, slug] = key.split('/');
        for (const id of [ids.get(key), `${org}_${slug}`]) {
          const shown = await action('package_show', `?id=${id}`);
          assert.equal(shown.status, 404, key);
          assert.equal(shown.body.error.__type, 'Not Found Error');
        }
        const resource = await action('resource_show', `?id=${distributionIds.get(`${key}.CSV`)}`);
        assert.equal(resource.status, 404, key);
        assert.deepEqual(resource.body.error, {
          __type: 'Not Found Error',
          message: 'Not found: Resource was not found.',
        });
      }
      assert.equal((await action('organization_show', `?id=${SECRET}`)).status, 404);
      for (const q of ['microdata', 'informants', 'staff']) {
        assert.equal((await action('package_search', `?q=${q}`)).body.result.count, 0, q);
      }
      const everything = await action('package_list');
      assert.ok(!everything.text.includes('microdata') && !everything.text.includes('informants'));
      assert.ok(!(await action('organization_list')).body.result.includes(SECRET));
    });

    test('package_search without parameters: every open dataset, newest modification first, no facets', async () => {
      const response = await action('package_search');
      assert.equal(response.status, 200);
      assert.equal(response.body.help, helpOf('package_search'));
      const result = response.body.result;
      assert.deepEqual(Object.keys(result).sort(), ['count', 'facets', 'results', 'search_facets', 'sort']);
      assert.equal(result.count, 5);
      assert.equal(result.sort, 'score desc, metadata_modified desc');
      assert.deepEqual(result.facets, {});
      assert.deepEqual(result.search_facets, {});
      assert.deepEqual(names(result.results), OPEN_NAMES_BY_MODIFIED);
      assert.deepEqual(Object.keys(result.results[0]).sort(), PACKAGE_KEYS);
    });

    test('package_search pages with start and rows; rows above 1000 are read as 1000, as CKAN does', async () => {
      const page = (await action('package_search', '?rows=2&start=1')).body.result;
      assert.equal(page.count, 5);
      assert.deepEqual(names(page.results), OPEN_NAMES_BY_MODIFIED.slice(1, 3));
      const past = (await action('package_search', '?start=10')).body.result;
      assert.deepEqual([past.count, past.results.length], [5, 0]);
      const many = await action('package_search', '?rows=5000');
      assert.equal(many.status, 200);
      assert.equal(many.body.result.results.length, 5);
      const none = (await action('package_search', '?rows=0')).body.result;
      assert.deepEqual([none.count, none.results.length], [5, 0]);
    });

    test('package_search sorts by title and by modification date either way', async () => {
      const sorted = async (sort: string) =>
        names((await action('package_search', `?sort=${encodeURIComponent(sort)}`)).body.result.results);
      assert.deepEqual(await sorted('title_string asc'), [
        'statistics-office_births',
        'city-of-riverton_bus-stops',
        'city-of-riverton_budget',
        'statistics-office_deaths',
        'statistics-office_population',
      ]);
      assert.deepEqual(await sorted('title_string desc'), [
        'statistics-office_population',
        'statistics-office_deaths',
        'city-of-riverton_budget',
        'city-of-riverton_bus-stops',
        'statistics-office_births',
      ]);
      assert.deepEqual(await sorted('metadata_modified asc'), [...OPEN_NAMES_BY_MODIFIED].reverse());
    });

    test('package_search finds words with q', async () => {
      const result = (await action('package_search', '?q=budget')).body.result;
      assert.deepEqual([result.count, names(result.results)], [1, ['city-of-riverton_budget']]);
    });

    test('package_search filters with fq; every clause must hold', async () => {
      const filtered = async (fq: string) => {
        const result = (
          await action(
            'package_search',
            `?fq=${encodeURIComponent(fq)}&sort=${encodeURIComponent('title_string asc')}`,
          )
        ).body.result;
        assert.equal(result.count, result.results.length, fq);
        return names(result.results);
      };
      assert.deepEqual(await filtered(`organization:${STATS}`), [
        'statistics-office_births',
        'statistics-office_deaths',
        'statistics-office_population',
      ]);
      assert.deepEqual(await filtered('tags:population'), [
        'statistics-office_births',
        'city-of-riverton_budget',
        'statistics-office_population',
      ]);
      assert.deepEqual(await filtered(`organization:${STATS} tags:population`), [
        'statistics-office_births',
        'statistics-office_population',
      ]);
      assert.deepEqual(await filtered('groups:heal'), [
        'statistics-office_births',
        'statistics-office_deaths',
      ]);
      assert.deepEqual(await filtered('groups:soci groups:regi'), ['statistics-office_population']);
      assert.deepEqual(await filtered('res_format:JSON'), [
        'city-of-riverton_bus-stops',
        'statistics-office_deaths',
        'statistics-office_population',
      ]);
      assert.deepEqual(await filtered('license_id:CC0'), ['statistics-office_births']);
      assert.deepEqual(await filtered(`+organization:${CITY} +res_format:CSV`), ['city-of-riverton_budget']);
      assert.deepEqual(await filtered('tags:"no such tag"'), []);
    });

    test("package_search reads the filters CKAN's harvesters send: type, visibility, state, modified since", async () => {
      const filtered = async (fq: string) => {
        const response = await action('package_search', `?fq=${encodeURIComponent(fq)}`);
        assert.equal(response.status, 200, `${fq}: ${response.text}`);
        return names(response.body.result.results);
      };
      assert.deepEqual(
        await filtered('+dataset_type:dataset +capacity:public state:active'),
        OPEN_NAMES_BY_MODIFIED,
      );
      assert.deepEqual(await filtered('capacity:private'), []);
      assert.deepEqual(
        await filtered('metadata_modified:[2026-02-01T00:00:00Z TO *]'),
        OPEN_NAMES_BY_MODIFIED.slice(0, 3),
      );
      assert.deepEqual(
        await filtered('metadata_modified:[* TO 2026-01-10]'),
        OPEN_NAMES_BY_MODIFIED.slice(3),
      );
      assert.deepEqual(await filtered(`metadata_modified:[2026-01-01 TO 2026-03-01] organization:${STATS}`), [
        'statistics-office_births',
        'statistics-office_population',
      ]);
      const bad = await action(
        'package_search',
        `?fq=${encodeURIComponent('metadata_modified:[yesterday TO *]')}`,
      );
      assert.equal(bad.status, 409);
      assert.deepEqual(Object.keys(bad.body.error).sort(), ['__type', 'fq']);
    });

    test('package_search counts facets over the matching open datasets, most frequent first', async () => {
      const fields = encodeURIComponent(
        JSON.stringify(['organization', 'groups', 'tags', 'res_format', 'license_id']),
      );
      const result = (await action('package_search', `?facet.field=${fields}&rows=0`)).body.result;
      assert.deepEqual(result.facets, {
        organization: { [STATS]: 3, [CITY]: 2 },
        groups: { soci: 3, heal: 2, econ: 1, gove: 1, regi: 1, tran: 1 },
        tags: { population: 3, births: 1, budget: 1, census: 1, deaths: 1, transport: 1 },
        res_format: { CSV: 4, JSON: 3 },
        license_id: { CC_BY_4_0: 4, CC0: 1 },
      });
      assert.deepEqual(result.search_facets.organization, {
        title: 'organization',
        items: [
          { name: STATS, display_name: 'Statistics Office', count: 3 },
          { name: CITY, display_name: 'City of Riverton', count: 2 },
        ],
      });
      assert.deepEqual(result.search_facets.groups.items[0], {
        name: 'soci',
        display_name: 'Population and society',
        count: 3,
      });
      assert.deepEqual(result.search_facets.tags.items[0], {
        name: 'population',
        display_name: 'population',
        count: 3,
      });
    });

    test('facets count within the filters, including a filter on the same field', async () => {
      const fields = encodeURIComponent(JSON.stringify(['organization', 'tags', 'groups']));
      const fq = encodeURIComponent(`organization:${STATS}`);
      const result = (await action('package_search', `?fq=${fq}&facet.field=${fields}`)).body.result;
      assert.deepEqual(result.facets, {
        organization: { [STATS]: 3 },
        tags: { population: 2, births: 1, census: 1, deaths: 1 },
        groups: { soci: 3, heal: 2, regi: 1 },
      });
      const limited = (await action('package_search', `?facet.field=${fields}&facet.limit=1`)).body.result;
      assert.deepEqual(limited.facets, {
        organization: { [STATS]: 3 },
        tags: { population: 3 },
        groups: { soci: 3 },
      });
    });

    test('organization_list gives at most 25 organizations with all_fields, and 1,000 names without, as CKAN', async () => {
      const db = server.fresh.store.db;
      for (let i = 0; i < 24; i++) {
        const slug = `publisher-${String(i).padStart(2, '0')}`;
        await createDataset(
          db,
          { id: await server.organization(slug, `Publisher ${i}`), slug },
          { slug: 'open', title: 'Open', classification: 'public', fields: [] },
        );
      }
      // 26 publishers of open data now: the two of the fixtures and these 24.
      assert.equal((await action('organization_list')).body.result.length, 26);
      assert.equal((await action('organization_list', '?limit=2000')).body.result.length, 26);
      assert.equal((await action('organization_list', '?all_fields=true&limit=100')).body.result.length, 25);
      const rest = await action('organization_list', '?all_fields=true&offset=25');
      assert.deepEqual(
        rest.body.result.map((o: { name: string }) => o.name),
        [STATS],
      );
    });

    test("package_show's tracking_summary counts the dataset's downloads", async () => {
      await call(server.url, 'GET', '/catalog/datasets/city-of-riverton/budget.csv');
      await call(server.url, 'GET', '/catalog/datasets/city-of-riverton/budget.csv');
      const response = await action('package_show', '?id=city-of-riverton_budget');
      assert.deepEqual(response.body.result.tracking_summary, { total: 2, recent: 2 });
    });
  });
}
