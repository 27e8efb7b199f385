import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { storedHashIndex } from '../../src/ledger/index.ts';
import { govdx } from '../support/cli.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`govdx ledger verify and audit against a running node (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let server: TestServer;
    let vkey: string;
    let state: string;
    let auditor: string;

    before(async () => {
      server = await startTestServer(dialect);
      const ledger = server.node.app.ledger;
      await Promise.all(
        Array.from({ length: 700 }, (_, i) => ledger.append({ kind: 'access', subject: `39${i}`, n: i })),
      );
      vkey = (await call(server.url, 'GET', '/ledger/key')).text.trim();
      state = join(server.fresh.dataDir, 'verify-state.json');
      auditor = (await server.user([{ role: 'auditor', organization: 'dpa' }])).token;
    });
    after(() => server?.close());

    test('govdx ledger key prints the key the node signs with', async () => {
      const location =
        dialect === 'sqlite'
          ? ['--data-dir', server.fresh.dataDir]
          : ['--database-url', server.fresh.databaseUrl!];
      const result = await govdx([
        'ledger',
        'key',
        ...location,
        '--ledger-origin',
        `${new URL(server.url).host}/ledger`,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), vkey);
    });

    test('a healthy ledger verifies, and the checkpoint is kept for next time', async () => {
      const first = await govdx(['ledger', 'verify', '--url', server.url, '--vkey', vkey, '--state', state]);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /The 700 leaf hashes rebuild the checkpoint's root hash/);
      await server.node.app.ledger.append({ kind: 'consent.revoked', subject: '391' });
      const second = await govdx(['ledger', 'verify', '--url', server.url, '--vkey', vkey, '--state', state]);
      assert.equal(second.code, 0, second.stdout);
      assert.match(second.stdout, /still holds, unchanged, the 700 entries seen last time/);
    });

    test('a checkpoint checked against the wrong key fails', async () => {
      const other = (
        await govdx(['ledger', 'key', '--new', '--ledger-origin', 'x.example/ledger'])
      ).stderr.match(/verifier key, to publish: (\S+)/)![1]!;
      const result = await govdx(['ledger', 'verify', '--url', server.url, '--vkey', other]);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /not validly signed/);
    });

    test('an auditor export audits clean, and an altered event in the database is named', async () => {
      const exported = join(server.fresh.dataDir, 'export.ndjson');
      const download = async () => {
        const response = await fetch(`${server.url}/ledger/export`, {
          headers: { authorization: `Bearer ${auditor}` },
        });
        writeFileSync(exported, Buffer.from(await response.arrayBuffer()));
      };
      await download();
      const clean = await govdx([
        'ledger',
        'audit',
        '--export',
        exported,
        '--vkey',
        vkey,
        '--url',
        server.url,
      ]);
      assert.equal(clean.code, 0, clean.stdout);
      assert.match(clean.stdout, /The export holds all 701 events/);

      await server.fresh.store.db
        .updateTable('ledger_entries')
        .set({ event: '{"at":"2025-01-01T00:00:00.000Z","kind":"access","n":77,"subject":"someone-else"}' })
        .where('entry_index', '=', 77)
        .execute();
      await download();
      const altered = await govdx([
        'ledger',
        'audit',
        '--export',
        exported,
        '--vkey',
        vkey,
        '--url',
        server.url,
      ]);
      assert.equal(altered.code, 1);
      assert.match(
        altered.stdout,
        /Entry 77: its event and salt do not hash to the commitment the log publishes/,
      );
    });

    test('a stored hash changed in the database is reported, entry and fork named', async () => {
      await server.fresh.store.db
        .updateTable('ledger_hashes')
        .set({ hash: Buffer.alloc(32, 9) })
        .where('id', '=', storedHashIndex(0, 5))
        .execute();
      const result = await govdx(['ledger', 'verify', '--url', server.url, '--vkey', vkey, '--state', state]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stdout,
        /Entry 5: its data in tile\/entries\/000 does not hash to its leaf hash in tile\/0\/000/,
      );
      assert.match(result.stdout, /FORK: the tree of the first 701 entries now hashes to/);
      assert.match(result.stdout, /does NOT verify/);
    });
  });
}
