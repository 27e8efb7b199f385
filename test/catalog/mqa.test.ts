/**
 * The metadata quality score (data.europa.eu MQA): hand-built datasets scored indicator by indicator,
 * with the totals added up by hand; then the public routes on both dialects, with a local web server
 * standing in for outside download addresses (one answers 200, one 404).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import {
  type DatasetView,
  type LinkState,
  probeAddress,
  ratingOf,
  scoreDataset,
} from '../../src/catalog/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const PUBLIC_URL = 'https://data.example.gov';
const CC_BY = 'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0';

function dataset(overrides: Partial<DatasetView>): DatasetView {
  return {
    id: 'id',
    slug: 'example',
    organization: 'stats',
    organizationName: 'Statistics Office',
    title: 'Example',
    description: '',
    classification: 'public',
    steward: null,
    keyField: null,
    aboutPeople: false,
    fields: [],
    keywords: [],
    themes: [],
    spatial: null,
    temporalStart: null,
    temporalEnd: null,
    license: null,
    accessRights: null,
    updateFrequency: null,
    contactPoint: null,
    issued: null,
    modified: null,
    distributions: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

type Dist = DatasetView['distributions'][number];
const distribution = (overrides: Partial<Dist>): Dist => ({
  id: crypto.randomUUID(),
  title: 'Download',
  description: '',
  kind: 'download',
  format: null,
  mediaType: null,
  accessUrl: 'https://files.example/data',
  downloadUrl: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const points = (score: ReturnType<typeof scoreDataset>) =>
  Object.fromEntries(score.dimensions.flatMap((d) => d.indicators.map((i) => [i.id, i.points])));

/** Every indicator that did not give its points says why, in words. */
function reasonsForLostPoints(score: ReturnType<typeof scoreDataset>) {
  for (const d of score.dimensions)
    for (const i of d.indicators) {
      assert.equal(i.points, i.met ? i.max : 0, i.id);
      assert.ok(i.reason.length > 0, `${i.id} has a reason`);
      if (!i.met) assert.ok(i.reason.length > 25, `${i.id} says how to earn its ${i.max} points`);
    }
}

const FULL_METADATA = {
  keywords: ['population', 'census'],
  themes: ['SOCI' as const],
  spatial: 'http://publications.europa.eu/resource/authority/country/EST',
  temporalStart: '2020-01-01',
  temporalEnd: '2025-12-31',
  license: CC_BY,
  accessRights: 'PUBLIC' as const,
  contactPoint: { name: 'Open data desk', email: 'open@stats.example' },
  issued: '2021-01-01',
  modified: '2026-01-01',
};

describe('MQA score of hand-built datasets', () => {
  test('a dataset with no metadata earns only the publisher and DCAT-AP compliance: 40, Bad', () => {
    const score = scoreDataset({ dataset: dataset({}), links: new Map() });
    // Findability 0 + Accessibility 0 + Interoperability (DCAT-AP 30) + Reusability (publisher 10)
    // + Contextuality 0 = 40.
    assert.equal(score.score, 40);
    assert.equal(score.max, 405);
    assert.equal(score.rating, 'Bad');
    assert.deepEqual(
      score.dimensions.map((d) => [d.id, d.score, d.max]),
      [
        ['findability', 0, 100],
        ['accessibility', 0, 100],
        ['interoperability', 30, 110],
        ['reusability', 10, 75],
        ['contextuality', 0, 20],
      ],
    );
    reasonsForLostPoints(score);
    const keywords = score.dimensions[0]!.indicators.find((i) => i.id === 'keywords')!;
    assert.match(keywords.reason, /Add keywords/);
  });

  test('a fully described open dataset with govdx downloads earns 395, Excellent', () => {
    const base = `${PUBLIC_URL}/catalog/datasets/stats/census`;
    const d = dataset({
      slug: 'census',
      ...FULL_METADATA,
      distributions: [
        distribution({
          format: 'CSV',
          mediaType: 'text/csv',
          accessUrl: `${base}.csv`,
          downloadUrl: `${base}.csv`,
        }),
        distribution({
          format: 'JSON',
          mediaType: 'application/json',
          accessUrl: `${base}.json`,
          downloadUrl: `${base}.json`,
        }),
      ],
    });
    const links = new Map<string, LinkState>([
      [`${base}.csv`, { state: 'accessible', status: null }],
      [`${base}.json`, { state: 'accessible', status: null }],
    ]);
    const score = scoreDataset({ dataset: d, links });
    // Findability 30+30+20+20 = 100; Accessibility 50+20+30 = 100;
    // Interoperability 20+10+10+20+20+30 = 110; Reusability 20+10+10+5+20+10 = 75;
    // Contextuality rights 0 + size 0 + issued 5 + modified 5 = 10. Total 395.
    assert.equal(score.score, 395);
    assert.equal(score.rating, 'Excellent');
    const lost = score.dimensions.flatMap((dim) => dim.indicators.filter((i) => !i.met).map((i) => i.id));
    assert.deepEqual(lost, ['rights', 'byte-size']);
    reasonsForLostPoints(score);
  });

  test('a restricted dataset whose download govdx does not serve earns 240, Good', () => {
    const url = `${PUBLIC_URL}/catalog/datasets/stats/register.csv`;
    const d = dataset({
      slug: 'register',
      classification: 'restricted',
      keywords: ['register'],
      themes: ['GOVE'],
      accessRights: 'NON_PUBLIC',
      contactPoint: { name: 'Register desk', email: 'register@stats.example' },
      issued: '2020-05-01',
      distributions: [
        distribution({ format: 'CSV', mediaType: 'text/csv', accessUrl: url, downloadUrl: url }),
      ],
    });
    const links = new Map<string, LinkState>([
      [
        url,
        {
          state: 'inaccessible',
          status: null,
          problem:
            'govdx serves downloads only of open datasets: classified public, with public access rights',
        },
      ],
    ]);
    const score = scoreDataset({ dataset: d, links });
    // Findability keywords 30 + themes 30 = 60; Accessibility download given 20 = 20;
    // Interoperability 20+10+10+20+20+30 = 110; Reusability access rights 10 + vocabulary 5 + contact 20
    // + publisher 10 = 45; Contextuality issued 5. Total 60+20+110+45+5 = 240.
    assert.equal(score.score, 240);
    assert.equal(score.rating, 'Good');
    assert.deepEqual(
      score.dimensions.map((dim) => dim.score),
      [60, 20, 110, 45, 5],
    );
    const access = score.dimensions[1]!.indicators.find((i) => i.id === 'access-url-accessible')!;
    assert.match(access.reason, /only of open datasets/);
    reasonsForLostPoints(score);
  });

  test('a register not open to the public is scored on what it can earn: no download points listed to do', () => {
    const register = dataset({ ...FULL_METADATA, classification: 'restricted', accessRights: 'NON_PUBLIC' });
    const open = dataset({ ...FULL_METADATA });
    const score = scoreDataset({ dataset: register, links: new Map() });
    const downloads = score.dimensions[1]!.indicators.filter((i) => i.id.startsWith('download-url'));
    assert.deepEqual(
      downloads.map((i) => [i.id, i.applies, i.max, i.points]),
      [
        ['download-url', false, 0, 0],
        ['download-url-accessible', false, 0, 0],
      ],
    );
    for (const i of downloads) assert.doesNotMatch(i.reason, /^(Add|Give)/, 'nothing to do');
    assert.equal(score.max, 405 - 50);
    assert.equal(scoreDataset({ dataset: open, links: new Map() }).max, 405);
    assert.equal(score.score, scoreDataset({ dataset: open, links: new Map() }).score);
    assert.ok(
      score.comparableScore > scoreDataset({ dataset: open, links: new Map() }).comparableScore,
      'out of what it can earn, it does not sink below an open dataset that lacks a download',
    );
    reasonsForLostPoints(score);
  });

  test('the time covered is a sentence, an open-ended period in words', () => {
    const reason = (overrides: Partial<DatasetView>) =>
      scoreDataset({ dataset: dataset(overrides), links: new Map() }).dimensions[0]!.indicators.find(
        (i) => i.id === 'temporal',
      )!.reason;
    assert.equal(reason({ temporalStart: '1995-01-01' }), 'Covers the time from 1 January 1995 onwards.');
    assert.equal(reason({ temporalEnd: '2020-06-30' }), 'Covers the time until 30 June 2020.');
    assert.equal(
      reason({ temporalStart: '1995-01-01', temporalEnd: '2020-06-30' }),
      'Covers the time from 1 January 1995 to 30 June 2020.',
    );
  });

  test('proprietary formats: the best distribution counts, and an outside licence earns no vocabulary points: 265, Good', () => {
    const d = dataset({
      slug: 'budget',
      keywords: ['budget'],
      spatial: 'Tallinn',
      license: 'https://creativecommons.org/licenses/by/4.0/',
      accessRights: 'PUBLIC',
      issued: '2024-01-01',
      modified: '2025-01-01',
      distributions: [
        distribution({
          title: 'Spreadsheet',
          format: 'XLSX',
          mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          accessUrl: 'https://files.example/budget',
          downloadUrl: 'https://files.example/budget.xlsx',
        }),
        distribution({
          title: 'Report',
          format: 'PDF',
          mediaType: 'application/pdf',
          accessUrl: 'https://files.example/budget.pdf',
          downloadUrl: 'https://files.example/budget.pdf',
        }),
      ],
    });
    const links = new Map<string, LinkState>([
      ['https://files.example/budget', { state: 'accessible', status: 200 }],
      [
        'https://files.example/budget.pdf',
        { state: 'inaccessible', status: 404, problem: 'the server answered with status 404' },
      ],
    ]);
    const score = scoreDataset({ dataset: d, links });
    // Findability keywords 30 + spatial 20 = 50. Accessibility: an access address answers 50, download
    // given 20, no download address answers (one unchecked, one 404) 0 = 70. Interoperability: XLSX
    // earns format 20 + media type 10 + vocabularies 10 + machine-readable 20 = 60 (PDF only 40), plus
    // DCAT-AP 30 = 90. Reusability licence 20 + access rights 10 + vocabulary 5 + publisher 10 = 45.
    // Contextuality issued 5 + modified 5 = 10. Total 50+70+90+45+10 = 265.
    assert.equal(score.score, 265);
    assert.equal(score.rating, 'Good');
    const p = points(score);
    assert.equal(p['non-proprietary'], 0);
    assert.equal(p['machine-readable'], 20);
    assert.equal(p['license-vocabulary'], 0);
    const nonProprietary = score.dimensions[2]!.indicators.find((i) => i.id === 'non-proprietary')!;
    assert.match(nonProprietary.reason, /XLSX is a proprietary format/);
    const download = score.dimensions[1]!.indicators.find((i) => i.id === 'download-url-accessible')!;
    assert.match(download.reason, /status 404/);
    reasonsForLostPoints(score);
  });

  test('rating bands: Bad to 120, Sufficient to 220, Good to 350, Excellent from 351', () => {
    assert.deepEqual([0, 120, 121, 220, 221, 350, 350.5, 351, 405].map(ratingOf), [
      'Bad',
      'Bad',
      'Sufficient',
      'Sufficient',
      'Good',
      'Good',
      'Good',
      'Excellent',
      'Excellent',
    ]);
  });
});

describe('the link checker', () => {
  let site: Server;
  let base = '';
  const asked: string[] = [];
  before(async () => {
    site = createServer((request, response) => {
      asked.push(`${request.method} ${request.url}`);
      if (request.url === '/no-head') response.statusCode = request.method === 'HEAD' ? 405 : 200;
      else if (request.url === '/moved') {
        response.statusCode = 301;
        response.setHeader('location', 'http://169.254.169.254/latest/meta-data/');
      } else response.statusCode = 404;
      response.end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => site?.close(resolve)));

  test('a server that refuses HEAD is asked with GET', async () => {
    const result = await probeAddress(`${base}/no-head`, 10_000, undefined, true);
    assert.deepEqual([result.status, result.ok, result.problem], [200, true, null]);
    assert.deepEqual(asked.splice(0), ['HEAD /no-head', 'GET /no-head']);
  });

  test('a redirect counts as answering and is not followed', async () => {
    const result = await probeAddress(`${base}/moved`, 10_000, undefined, true);
    assert.deepEqual([result.status, result.ok], [301, true]);
    assert.deepEqual(asked.splice(0), ['HEAD /moved']);
  });

  test('a 404 and a closed port are not answering, and say why', async () => {
    const missing = await probeAddress(`${base}/gone`, 10_000, undefined, true);
    assert.deepEqual([missing.status, missing.ok], [404, false]);
    assert.match(missing.problem ?? '', /status 404/);
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const closed = await probeAddress(`http://127.0.0.1:${port}/`, 2000, undefined, true);
    assert.deepEqual([closed.status, closed.ok], [null, false]);
    assert.match(closed.problem ?? '', /refused the connection/);
  });
});

const SHAPES = new URL('./shapes/shapes.ttl', import.meta.url);

async function mandatoryViolations(turtle: string): Promise<string[]> {
  const { readFileSync } = await import('node:fs');
  const parse = (text: string) => new Parser({ format: 'text/turtle' }).parse(text);
  const report = await new SHACLValidator(new Store(parse(readFileSync(SHAPES, 'utf8')))).validate(
    new Store(parse(turtle)),
  );
  return report.results
    .filter((r) => r.severity?.value === 'http://www.w3.org/ns/shacl#Violation')
    .map((r) => `${r.focusNode?.value} ${r.path?.value}`);
}

for (const dialect of DIALECTS) {
  describe(`catalog quality routes (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let links: Server;
    let linkBase = '';
    const stewards: Record<string, string> = {};

    const create = async (org: string, body: Record<string, unknown>) => {
      const created = await call(server.url, 'POST', `/api/v1/organizations/${org}/datasets`, {
        token: stewards[org]!,
        body: { fields: [], ...body },
      });
      assert.equal(created.status, 201, created.text);
    };
    const quality = (org: string, slug: string) =>
      call(server.url, 'GET', `/catalog/quality/datasets/${org}/${slug}`);
    const indicator = (body: any, id: string) =>
      body.dimensions.flatMap((d: any) => d.indicators).find((i: any) => i.id === id);

    before(async () => {
      links = createServer((request, response) => {
        response.statusCode = request.url === '/ok.csv' ? 200 : 404;
        response.end();
      });
      await new Promise<void>((resolve) => links.listen(0, '127.0.0.1', resolve));
      linkBase = `http://127.0.0.1:${(links.address() as AddressInfo).port}`;
      server = await startTestServer(dialect, { qualityCheckHours: 0 });
      stewards.alpha = (await server.user([{ role: 'data_steward', organization: 'alpha' }])).token;
      stewards.beta = (await server.user([{ role: 'data_steward', organization: 'beta' }])).token;
      const own = `${server.url}/catalog/datasets/alpha/complete`;
      await create('alpha', {
        slug: 'complete',
        title: 'Census',
        description: 'People by town.',
        classification: 'public',
        ...FULL_METADATA,
        distributions: [
          {
            title: 'CSV',
            kind: 'download',
            format: 'CSV',
            mediaType: 'text/csv',
            accessUrl: `${own}.csv`,
            downloadUrl: `${own}.csv`,
          },
        ],
      });
      await create('alpha', {
        slug: 'linked',
        title: 'Linked',
        classification: 'public',
        distributions: [
          {
            title: 'CSV elsewhere',
            kind: 'download',
            format: 'CSV',
            mediaType: 'text/csv',
            accessUrl: `${linkBase}/ok.csv`,
            downloadUrl: `${linkBase}/ok.csv`,
          },
        ],
      });
      await create('beta', {
        slug: 'broken',
        title: 'Broken',
        classification: 'internal',
        distributions: [
          {
            title: 'Spreadsheet',
            kind: 'download',
            format: 'XLSX',
            mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            accessUrl: `${linkBase}/missing.xlsx`,
            downloadUrl: `${linkBase}/missing.xlsx`,
          },
        ],
      });
      await create('beta', { slug: 'empty', title: 'Empty', classification: 'internal' });
    });
    after(async () => {
      await server?.close();
      await new Promise((resolve) => links?.close(resolve));
    });

    test('a dataset served by govdx scores 395 at once; outside addresses wait for their first check', async () => {
      const complete = await quality('alpha', 'complete');
      assert.equal(complete.status, 200, complete.text);
      // As the hand-built open dataset: 100 + 100 + 110 + 75 + 10.
      assert.equal(complete.body.score, 395);
      assert.equal(complete.body.rating, 'Excellent');
      assert.equal(complete.body.checks, null);
      const linked = await quality('alpha', 'linked');
      // Download given 20 + CSV 80 + DCAT-AP 30 + publisher 10 = 140; nothing checked yet.
      assert.equal(linked.body.score, 140);
      assert.match(indicator(linked.body, 'access-url-accessible').reason, /not been checked yet/);
      const broken = await quality('beta', 'broken');
      // Download given 20 + XLSX (20+10+10+0+20) 60 + DCAT-AP 30 + publisher 10 = 120 of the 375 an
      // internal dataset can earn (no download answers for it): 129.6 of 405, Sufficient.
      assert.equal(broken.body.score, 120);
      assert.equal(broken.body.max, 375);
      assert.equal(broken.body.comparableScore, 129.6);
      assert.equal(broken.body.rating, 'Sufficient');
    });

    test('after a check, the address that answers 200 earns its points and the one that answers 404 does not', async () => {
      for (const [org, slug] of [
        ['alpha', 'linked'],
        ['beta', 'broken'],
      ] as const) {
        const run = await call(
          server.url,
          'POST',
          `/api/v1/organizations/${org}/datasets/${slug}/quality-checks`,
          {
            token: stewards[org]!,
            body: {},
          },
        );
        assert.equal(run.status, 201, run.text);
      }
      const linked = await quality('alpha', 'linked');
      // 140 + access address answers 50 + download address answers 30 = 220.
      assert.equal(linked.body.score, 220);
      assert.equal(linked.body.rating, 'Sufficient');
      assert.equal(linked.body.checks.records, 0, 'an open dataset shows its latest data check');
      const broken = await quality('beta', 'broken');
      assert.equal(broken.body.score, 120);
      assert.match(indicator(broken.body, 'access-url-accessible').reason, /status 404/);
      assert.equal(broken.body.checks, null, 'an internal dataset shows no data checks to the public');
    });

    test('organizations are ranked by the mean of their datasets, to one decimal', async () => {
      const board = await call(server.url, 'GET', '/catalog/quality/organizations');
      assert.equal(board.status, 200, board.text);
      // alpha: (395 + 220) / 2 = 307.5, Good; beta, internal, out of what it can earn:
      // (120 × 405 / 375 = 129.6 + 40 × 405 / 355 = 45.6) / 2 = 87.6, Bad.
      assert.deepEqual(board.body.items, [
        {
          organization: 'alpha',
          organizationName: 'alpha',
          datasets: 2,
          score: 307.5,
          max: 405,
          rating: 'Good',
        },
        { organization: 'beta', organizationName: 'beta', datasets: 2, score: 87.6, max: 405, rating: 'Bad' },
      ]);
      const alpha = await call(server.url, 'GET', '/catalog/quality/organizations/alpha');
      assert.equal(alpha.status, 200, alpha.text);
      assert.equal(alpha.body.score, 307.5);
      assert.equal(alpha.body.rating, 'Good');
      assert.deepEqual(alpha.body.datasets, [
        { slug: 'complete', title: 'Census', score: 395, rating: 'Excellent' },
        { slug: 'linked', title: 'Linked', score: 220, rating: 'Sufficient' },
      ]);
      await server.organization('gamma');
      const gamma = await call(server.url, 'GET', '/catalog/quality/organizations/gamma');
      assert.deepEqual([gamma.body.score, gamma.body.rating, gamma.body.datasets], [null, null, []]);
    });

    test('the DCAT-AP compliance points agree with the official validator on the published documents', async () => {
      for (const [org, slug] of [
        ['alpha', 'complete'],
        ['beta', 'empty'],
      ] as const) {
        const document = await call(server.url, 'GET', `/catalog/datasets/${org}/${slug}.ttl`);
        assert.equal(document.status, 200, document.text);
        assert.deepEqual(await mandatoryViolations(document.text), [], `${org}/${slug}`);
        assert.equal(indicator((await quality(org, slug)).body, 'dcat-ap-compliance').met, true);
      }
    });

    test('unknown datasets and organizations answer 404, bad names 400', async () => {
      for (const path of [
        '/catalog/quality/datasets/alpha/nothing',
        '/catalog/quality/organizations/nobody',
      ]) {
        const missing = await call(server.url, 'GET', path);
        assert.equal(missing.status, 404, path);
        assert.equal(missing.body.error.code, 'NOT_FOUND');
      }
      const bad = await call(server.url, 'GET', '/catalog/quality/organizations/Not_A_Slug');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    });
  });
}
