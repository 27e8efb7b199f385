import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { call, startTestServer, type TestServer } from '../support/server.ts';

describe('the OpenAPI document', () => {
  let server: TestServer;
  let doc: any;
  before(async () => {
    server = await startTestServer('sqlite');
    doc = (await call(server.url, 'GET', '/openapi.json')).body;
  });
  after(() => server?.close());

  test('validates as OpenAPI 3.1', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test('a document with a mistake does not validate (the validator is really checking)', async () => {
    const broken = structuredClone(doc);
    broken.paths['/api/v1/organizations'].get.responses = 'none';
    assert.equal((await new Validator().validate(broken)).valid, false);
  });

  test('every admin operation says how to authenticate and documents its error shape', () => {
    for (const [path, operations] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, operation] of Object.entries<any>(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        assert.ok(Array.isArray(operation.security), `${where} declares security`);
        assert.ok(operation.summary, `${where} has a summary`);
        if (path.startsWith('/api/3')) {
          // CKAN's Action API refuses in CKAN's own envelope (see docs/catalog.md), not in govdx's Error.
          const ckan = operation.responses['409'] ?? operation.responses['400'] ?? operation.responses['403'];
          assert.ok(ckan?.content?.['application/json']?.schema, `${where} documents CKAN's refusals`);
          continue;
        }
        const refusal = operation.responses['400'] ?? operation.responses['401'];
        assert.equal(
          refusal?.content?.['application/json']?.schema?.$ref,
          '#/components/schemas/Error',
          `${where} documents refusals`,
        );
      }
    }
  });

  test('the browsable API docs are served at /docs', async () => {
    const page = await fetch(`${server.url}/docs`, { redirect: 'follow' });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /swagger/i);
  });
});
