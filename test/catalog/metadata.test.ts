/** The catalog metadata of a dataset through the admin API: every member optional, read back as written. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const PATH = '/api/v1/organizations/address-register/datasets';
const CSV = {
  title: 'CSV download',
  kind: 'download',
  format: 'CSV',
  mediaType: 'text/csv',
  accessUrl: 'https://data.example/postcodes.csv',
  downloadUrl: 'https://data.example/postcodes.csv',
};
const METADATA = {
  keywords: ['postcodes', 'addresses'],
  themes: ['REGI', 'GOVE'],
  spatial: 'http://publications.europa.eu/resource/authority/country/EST',
  temporalStart: '2020-01-01',
  temporalEnd: '2025-12-31',
  license: 'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0',
  accessRights: 'PUBLIC',
  updateFrequency: 'MONTHLY',
  contactPoint: { name: 'Address data desk', email: 'opendata@address.example' },
  issued: '2020-02-01',
  modified: '2026-01-15',
};

for (const dialect of DIALECTS) {
  describe(`catalog metadata of datasets (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let steward: string;
    const api = (method: string, path: string, body?: unknown) =>
      call(server.url, method, path, { token: steward, ...(body !== undefined ? { body } : {}) });

    before(async () => {
      server = await startTestServer(dialect);
      steward = (await server.user([{ role: 'data_steward', organization: 'address-register' }])).token;
    });
    after(() => server?.close());

    test('a dataset without catalog metadata reads back with empty lists and nulls', async () => {
      const created = await api('POST', PATH, {
        slug: 'bare',
        title: 'Bare',
        classification: 'internal',
        fields: [],
      });
      assert.equal(created.status, 201, created.text);
      const { keywords, themes, license, accessRights, contactPoint, distributions } = created.body;
      assert.deepEqual(
        { keywords, themes, license, accessRights, contactPoint, distributions },
        {
          keywords: [],
          themes: [],
          license: null,
          accessRights: null,
          contactPoint: null,
          distributions: [],
        },
      );
    });

    test('a steward describes a dataset for the catalog and lists its distributions', async () => {
      const created = await api('POST', PATH, {
        slug: 'postcodes',
        title: 'Postcodes',
        classification: 'public',
        fields: [],
        ...METADATA,
        distributions: [CSV],
      });
      assert.equal(created.status, 201, created.text);
      const read = await api('GET', `${PATH}/postcodes`);
      for (const [key, value] of Object.entries(METADATA)) assert.deepEqual(read.body[key], value, key);
      assert.equal(read.body.distributions.length, 1);
      const { id, createdAt, ...distribution } = read.body.distributions[0];
      assert.deepEqual(distribution, { ...CSV, description: '' });
    });

    test('each field carries a plain label for citizens, optional, changed with the fields', async () => {
      const created = await api('POST', PATH, {
        slug: 'labelled',
        title: 'Labelled',
        classification: 'internal',
        fields: [
          { name: 'date_of_birth', type: 'date', sensitivity: 'internal', label: 'Date of birth' },
          { name: 'citizenship', type: 'string', sensitivity: 'internal', description: 'ISO 3166-1 code' },
        ],
      });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(
        created.body.fields.map((f: { label: string | null }) => f.label),
        ['Date of birth', null],
      );
      const changed = await api('PATCH', `${PATH}/labelled`, {
        fields: created.body.fields.map((f: Record<string, unknown>) =>
          f.name === 'citizenship' ? { ...f, label: 'Country of citizenship' } : f,
        ),
      });
      assert.equal(changed.status, 200, changed.text);
      const read = await api('GET', `${PATH}/labelled`);
      assert.deepEqual(
        read.body.fields.map((f: { label: string | null; description: string }) => [f.label, f.description]),
        [
          ['Date of birth', ''],
          ['Country of citizenship', 'ISO 3166-1 code'],
        ],
      );
      const tooLong = await api('PATCH', `${PATH}/labelled`, {
        fields: [{ name: 'x', type: 'string', sensitivity: 'internal', label: 'x'.repeat(201) }],
      });
      assert.equal(tooLong.status, 400, tooLong.text);
    });

    test('a change replaces only what it names; distributions are replaced as a whole list', async () => {
      const changed = await api('PATCH', `${PATH}/postcodes`, {
        themes: ['REGI'],
        contactPoint: null,
        distributions: [{ ...CSV, title: 'JSON download', format: 'JSON', mediaType: 'application/json' }],
      });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(changed.body.themes, ['REGI']);
      assert.equal(changed.body.contactPoint, null);
      assert.deepEqual(changed.body.keywords, METADATA.keywords);
      assert.deepEqual(
        changed.body.distributions.map((d: { format: string }) => d.format),
        ['JSON'],
      );
    });

    test('codes outside the EU vocabularies and a coverage that ends before it starts are refused', async () => {
      for (const bad of [
        { themes: ['WEATHER'] },
        { accessRights: 'OPEN' },
        { updateFrequency: 'SOMETIMES' },
        { distributions: [{ ...CSV, format: 'DOCX' }] },
        { distributions: [{ ...CSV, accessUrl: 'ftp://data.example/x' }] },
        { license: 'not a link' },
      ]) {
        const refused = await api('PATCH', `${PATH}/postcodes`, bad);
        assert.equal(refused.status, 400, JSON.stringify(bad));
      }
      const backwards = await api('PATCH', `${PATH}/postcodes`, { temporalStart: '2030-01-01' });
      assert.equal(backwards.status, 400, backwards.text);
      assert.equal(backwards.body.error.code, 'VALIDATION_FAILED');
    });
  });
}
