import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`health and metrics (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server?.close());

    test('/healthz and /readyz answer ok when the database is reachable and current', async () => {
      assert.deepEqual((await call(server.url, 'GET', '/healthz')).body, { status: 'ok' });
      const ready = await call(server.url, 'GET', '/readyz');
      assert.equal(ready.status, 200, ready.text);
      assert.equal(ready.body.checks.database, dialect);
    });

    test('/metrics exposes request counts per route pattern, never raw URLs', async () => {
      await call(server.url, 'GET', '/api/v1/organizations/some-org-that-is-not-there');
      const text = (await call(server.url, 'GET', '/metrics')).text;
      assert.match(
        text,
        /govdx_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/organizations\/:org",status="404"\} 1/,
      );
      assert.doesNotMatch(text, /some-org-that-is-not-there/);
      assert.match(text, /govdx_process_cpu_seconds_total/);
    });
  });
}

describe('readiness when the schema is behind', () => {
  test('/readyz answers 503 SERVICE_UNAVAILABLE naming the pending migration', async () => {
    const server = await startTestServer('sqlite');
    try {
      await server.fresh.store.db.deleteFrom('kysely_migration' as any).execute();
      const ready = await call(server.url, 'GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.error.code, 'SERVICE_UNAVAILABLE');
      assert.ok(ready.body.error.details.pending.includes('0001_foundation'));
    } finally {
      await server.close();
    }
  });
});
