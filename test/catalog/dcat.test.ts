import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import jsonld from 'jsonld';
import { DataFactory, Parser, type Quad, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { seedDemo } from '../../src/demo/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

/**
 * The official DCAT-AP 3.0.1 shapes, copied unchanged from ../shared/standards/dcat-ap-3.0.1/ (CI
 * clones only this repository). shapes.ttl holds, in its own words, "all constraints that must be
 * satisfied except those verifying the class ranges": it is the mandatory set. The class ranges
 * (range.ttl, needed "depending on the exchange agreements"), the controlled vocabularies
 * (mdr-vocabularies.shape.ttl) and 3.0.1's consolidated dcat-ap-SHACL.ttl are checked too.
 */
const shapes = (file: string) => new URL(`./shapes/${file}`, import.meta.url);
const MANDATORY = shapes('shapes.ttl');
const FULL = [shapes('range.ttl'), shapes('mdr-vocabularies.shape.ttl'), shapes('dcat-ap-SHACL.ttl')];

const { namedNode } = DataFactory;
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const RDF_TYPE = namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
const HYDRA = 'http://www.w3.org/ns/hydra/core#';

const parse = (turtle: string): Quad[] => new Parser({ format: 'text/turtle' }).parse(turtle);

async function violations(shapesFile: URL, data: Quad[]) {
  const shapes = new Store(parse(readFileSync(shapesFile, 'utf8')));
  const report = await new SHACLValidator(shapes).validate(new Store(data));
  return report.results
    .filter((r) => r.severity?.value === 'http://www.w3.org/ns/shacl#Violation')
    .map((r) => `${r.focusNode?.value} ${r.path?.value}: ${r.message.map((m) => m.value).join('; ')}`);
}

async function text(url: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

for (const dialect of DIALECTS) {
  describe(`DCAT-AP export of the demo catalog (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let persons: Array<{ national_id: string; given_name: string; family_name: string }>;

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
      const rows = await server.fresh.store.db
        .selectFrom('records')
        .innerJoin('datasets', 'datasets.id', 'records.dataset_id')
        .select('records.data')
        .where('datasets.slug', '=', 'population')
        .execute();
      persons = rows.map((r) => JSON.parse(r.data));
    });
    after(() => server?.close());

    test('the whole catalog in Turtle passes the mandatory DCAT-AP 3.0.1 shapes with zero violations', async () => {
      const { status, type, body } = await text(`${server.url}/catalog/dcat.ttl`);
      assert.equal(status, 200);
      assert.match(type, /^text\/turtle/);
      const quads = parse(body);
      const datasets = new Store(quads).getSubjects(RDF_TYPE, namedNode(`${DCAT}Dataset`), null);
      assert.ok(datasets.length >= 50, `${datasets.length} datasets`);
      assert.deepEqual(await violations(MANDATORY, quads), []);
    });

    test('the catalog also has zero violations of the class-range, vocabulary and consolidated 3.0.1 shapes', async () => {
      const quads = parse((await text(`${server.url}/catalog/dcat.ttl`)).body);
      for (const file of FULL) assert.deepEqual(await violations(file, quads), [], file.pathname);
    });

    test('a restricted register is listed with its access rights, and no record of it appears', async () => {
      const { body } = await text(`${server.url}/catalog/dcat.ttl`);
      const graph = new Store(parse(body));
      const population = namedNode(`${server.url}/catalog/datasets/population-register/population`);
      assert.deepEqual(
        graph.getObjects(population, namedNode(`${DCT}accessRights`), null).map((o) => o.value),
        ['http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC'],
      );
      assert.deepEqual(graph.getObjects(population, namedNode(`${DCAT}distribution`), null), []);
      const jsonLd = (await text(`${server.url}/catalog/dcat.jsonld`)).body;
      assert.ok(persons.length > 0);
      for (const person of persons) {
        for (const document of [body, jsonLd]) {
          assert.ok(!document.includes(person.national_id), `${person.national_id} is not exported`);
          assert.ok(
            !document.includes(`${person.given_name} ${person.family_name}`),
            `${person.given_name} ${person.family_name} is not exported`,
          );
        }
      }
    });

    test('an open dataset has CSV and JSON downloads under the licence it is published with', async () => {
      const { body } = await text(`${server.url}/catalog/datasets/address-register/municipalities.ttl`);
      const graph = new Store(parse(body));
      const dataset = namedNode(`${server.url}/catalog/datasets/address-register/municipalities`);
      const downloads = graph
        .getObjects(dataset, namedNode(`${DCAT}distribution`), null)
        .flatMap((d) => graph.getObjects(d, namedNode(`${DCAT}downloadURL`), null).map((u) => u.value))
        .sort();
      assert.deepEqual(downloads, [
        `${server.url}/catalog/datasets/address-register/municipalities.csv`,
        `${server.url}/catalog/datasets/address-register/municipalities.json`,
      ]);
      assert.deepEqual(
        graph.getObjects(dataset, namedNode(`${DCT}license`), null).map((o) => o.value),
        ['http://publications.europa.eu/resource/authority/licence/CC_BY_4_0'],
      );
      assert.deepEqual(await violations(MANDATORY, parse(body)), []);
    });

    test('JSON-LD pages link to the next and previous pages and hold the same graph as Turtle', async () => {
      const first = await text(`${server.url}/catalog/dcat.jsonld?page=1&pageSize=20`);
      assert.equal(first.status, 200);
      assert.match(first.type, /^application\/ld\+json/);
      const nquads = (await jsonld.toRDF(JSON.parse(first.body), {
        format: 'application/n-quads',
      })) as string;
      const fromJsonLd = new Parser({ format: 'application/n-quads' }).parse(nquads);
      const fromTurtle = parse((await text(`${server.url}/catalog/dcat.ttl?page=1&pageSize=20`)).body);
      assert.equal(fromJsonLd.length, fromTurtle.length);
      const graph = new Store(fromJsonLd);
      assert.equal(graph.getSubjects(RDF_TYPE, namedNode(`${DCAT}Dataset`), null).length, 20);
      const view = namedNode(`${server.url}/catalog/dcat.jsonld?page=1&pageSize=20`);
      assert.deepEqual(
        graph.getObjects(view, RDF_TYPE, null).map((o) => o.value),
        [`${HYDRA}PartialCollectionView`],
      );
      assert.deepEqual(
        graph.getObjects(view, namedNode(`${HYDRA}next`), null).map((o) => o.value),
        [`${server.url}/catalog/dcat.jsonld?page=2&pageSize=20`],
      );
      assert.deepEqual(graph.getObjects(view, namedNode(`${HYDRA}previous`), null), []);
      assert.deepEqual(await violations(MANDATORY, fromJsonLd), []);

      const total = Number(
        graph.getObjects(namedNode(`${server.url}/catalog`), namedNode(`${HYDRA}totalItems`), null)[0]?.value,
      );
      const lastPage = Math.ceil(total / 20);
      const last = new Store(
        parse((await text(`${server.url}/catalog/dcat.ttl?page=${lastPage}&pageSize=20`)).body),
      );
      const lastView = namedNode(`${server.url}/catalog/dcat.ttl?page=${lastPage}&pageSize=20`);
      assert.deepEqual(last.getObjects(lastView, namedNode(`${HYDRA}next`), null), []);
      assert.deepEqual(
        last.getObjects(lastView, namedNode(`${HYDRA}previous`), null).map((o) => o.value),
        [`${server.url}/catalog/dcat.ttl?page=${lastPage - 1}&pageSize=20`],
      );
      assert.equal(
        (await text(`${server.url}/catalog/dcat.ttl?page=${lastPage + 1}&pageSize=20`)).status,
        404,
      );
    });

    test('a dataset that does not exist has no DCAT-AP document', async () => {
      assert.equal((await text(`${server.url}/catalog/datasets/address-register/nothing.ttl`)).status, 404);
      assert.equal((await text(`${server.url}/catalog/datasets/address-register/addresses.xml`)).status, 400);
    });
  });
}
