import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { govdx } from '../support/cli.ts';
import { populationFields } from '../support/fixtures.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const skips = new Map(await Promise.all(DIALECTS.map(async (d) => [d, await skipUnless(d)] as const)));
const IMPORTS = '/api/v1/organizations/provider/datasets/people/imports';

for (const dialect of DIALECTS) {
  describe(`imports through the API and the command (${dialect})`, { skip: skips.get(dialect)! }, () => {
    let server: TestServer;
    let steward = '';
    const send = (body: string, contentType: string) =>
      call(server.url, 'POST', IMPORTS, {
        token: steward,
        rawBody: body,
        headers: { 'content-type': contentType },
      });

    before(async () => {
      server = await startTestServer(dialect);
      steward = (await server.user([{ role: 'data_steward', organization: 'provider' }])).token;
      const made = await call(server.url, 'POST', '/api/v1/organizations/provider/datasets', {
        token: steward,
        body: {
          slug: 'people',
          title: 'People',
          classification: 'restricted',
          keyField: 'national_id',
          fields: populationFields,
        },
      });
      assert.equal(made.status, 201, made.text);
    });
    after(() => server?.close());

    test('a CSV upload answers with the import and its outcome; the import reads back with its refused rows', async () => {
      const csv =
        'national_id,given_name,date_of_birth\nEX100000017,Ada,1980-01-02\nEX100000033,Bo,yesterday\n';
      const answer = await send(csv, 'text/csv; charset=utf-8');
      assert.equal(answer.status, 201, answer.text);
      assert.deepEqual([answer.body.status, answer.body.created, answer.body.refused], ['completed', 1, 1]);
      const read = await call(server.url, 'GET', `${IMPORTS}/${answer.body.id}`, { token: steward });
      assert.deepEqual(read.body.errors, [
        { row: 2, reason: '"date_of_birth" must be a date (YYYY-MM-DD), not "yesterday".' },
      ]);
      const list = await call(server.url, 'GET', IMPORTS, { token: steward });
      assert.equal(list.body.items[0].id, answer.body.id);
      const events = await call(
        server.url,
        'GET',
        '/api/v1/governance-events?kind=dataset.import_completed',
        {
          token: (await server.user([{ role: 'auditor', organization: 'provider' }])).token,
        },
      );
      assert.equal(events.status, 200, events.text);
      assert.ok(
        events.body.items.some((e: { event: { importId: string } }) => e.event.importId === answer.body.id),
      );
    });

    test('JSON Lines with the same data as stored changes nothing', async () => {
      const line = JSON.stringify({
        national_id: 'EX100000017',
        given_name: 'Ada',
        date_of_birth: '1980-01-02',
      });
      const answer = await send(`${line}\n`, 'application/x-ndjson');
      assert.deepEqual([answer.body.created, answer.body.updated, answer.body.unchanged], [0, 0, 1]);
    });

    test('govdx registry import sends a file and prints the refused rows', {
      skip: dialect !== 'sqlite',
    }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'govdx-import-cli-'));
      try {
        const file = join(dir, 'people.csv');
        writeFileSync(file, 'national_id,municipality\nEX100000058,North\n,South\n');
        const run = await govdx([
          'registry',
          'import',
          file,
          '--dataset',
          'provider/people',
          '--url',
          server.url,
          '--token',
          steward,
          '--no-progress',
        ]);
        assert.equal(run.code, 3, run.stderr);
        assert.match(
          run.stdout,
          /: completed\n {2}2 rows read: 1 created, 0 updated, 0 unchanged, 1 refused/,
        );
        assert.match(run.stdout, /row 2: The key field "national_id" is empty\./);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
