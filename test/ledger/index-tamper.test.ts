/**
 * The attack of issue 14, finding 10: the tracker's index rewritten in the database. Which entries are
 * about whom is kept beside the committed events (ledger_entries.subject for the open run,
 * ledger_subject_entries for completed runs); rewriting it moved a person's entry out of their *My data*,
 * and neither `govdx ledger verify` nor `govdx ledger audit` noticed. The audit now compares the index
 * with the committed events and names the entries; the tracker flags what it finds out of place.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SUBJECT_RUN } from '../../src/ledger/index.ts';
import { govdx } from '../support/cli.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const ANNA = '38001010042';
const BORIS = '38001010099';
/** Entries about Anna: two in the first run of the subject index (completed), one in the open run. */
const ABOUT_ANNA = [7, 1007, SUBJECT_RUN + 7];

for (const dialect of DIALECTS) {
  describe(`a rewritten subject index is found (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let vkey: string;
    let auditor: string;
    let anna: string;
    let boris: string;

    before(async () => {
      server = await startTestServer(dialect);
      const ledger = server.node.app.ledger;
      await Promise.all(
        Array.from({ length: SUBJECT_RUN + 50 }, (_, i) =>
          ledger.append({
            kind: 'access',
            subject: ABOUT_ANNA.includes(i) ? ANNA : `39${i}`,
            consumer: 'tax-agency',
            n: i,
          }),
        ),
      );
      vkey = (await call(server.url, 'GET', '/ledger/key')).text.trim();
      auditor = (await server.user([{ role: 'auditor', organization: 'dpa' }])).token;
      anna = await server.session((await server.user([], { nationalId: ANNA })).personId);
      boris = await server.session((await server.user([], { nationalId: BORIS })).personId);
    });
    after(() => server?.close());

    const audit = async () => {
      const exported = join(server.fresh.dataDir, 'export.ndjson');
      const response = await fetch(`${server.url}/ledger/export`, {
        headers: { authorization: `Bearer ${auditor}` },
      });
      assert.equal(response.status, 200);
      writeFileSync(exported, Buffer.from(await response.arrayBuffer()));
      return govdx(['ledger', 'audit', '--export', exported, '--vkey', vkey, '--url', server.url]);
    };
    /** The person's own access events, signed in as themselves (their own data takes no token). */
    const myEvents = async (session: string) => {
      const response = await call(server.url, 'GET', '/api/v1/me/access-events?limit=200', { session });
      assert.equal(response.status, 200, response.text);
      return response.body.items as Array<{ index: number; indexProblem?: string | null; event: object }>;
    };

    test('untouched, the index audits clean and Anna sees her three entries', async () => {
      const clean = await audit();
      assert.equal(clean.code, 0, clean.stdout);
      assert.match(clean.stdout, /index/i);
      assert.deepEqual(
        (await myEvents(anna)).map((e) => e.index),
        [...ABOUT_ANNA].reverse(),
      );
    });

    test('rewritten with SQL, the audit names the entries and the trackers flag them', async () => {
      const db = server.fresh.store.db;
      // The open run: the tracker reads ledger_entries.subject.
      await db
        .updateTable('ledger_entries')
        .set({ subject: BORIS })
        .where('entry_index', '=', SUBJECT_RUN + 7)
        .execute();
      // A completed run: the tracker reads ledger_subject_entries.
      await db
        .updateTable('ledger_subject_entries')
        .set({ subject: BORIS })
        .where('entry_index', '=', 1007)
        .execute();

      const result = await audit();
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stdout,
        new RegExp(`Entry ${SUBJECT_RUN + 7}: the ledger's subject index files it under`),
      );
      assert.match(result.stdout, /Entry 1007: the ledger's subject index files it under/);
      assert.doesNotMatch(result.stdout, /Entry 7:/);

      // Boris is shown the entries filed under him, flagged, without anything of Anna's.
      const borisSees = await myEvents(boris);
      assert.deepEqual(
        borisSees.map((e) => e.index),
        [SUBJECT_RUN + 7, 1007],
      );
      for (const item of borisSees) {
        assert.match(item.indexProblem ?? '', /about someone else/);
        assert.doesNotMatch(JSON.stringify(item), new RegExp(ANNA));
      }
      // Anna still sees the entry of the open run, found by its committed event, flagged.
      const annaSees = await myEvents(anna);
      const moved = annaSees.find((e) => e.index === SUBJECT_RUN + 7);
      assert.ok(moved, 'the entry whose index was rewritten is not dropped');
      assert.match(moved.indexProblem ?? '', /left this entry out of your list/);
      assert.equal(annaSees.find((e) => e.index === 7)?.indexProblem, null);
    });

    test("an entry moved out of a completed run is found by the node's check of the index, and Anna still sees it", async () => {
      // The previous test filed entry 1007 (a completed run) under Boris; now its pair is deleted outright.
      await server.fresh.store.db
        .deleteFrom('ledger_subject_entries')
        .where('entry_index', '=', 1007)
        .execute();
      // The node's check runs at start and then daily; here, now.
      assert.deepEqual(
        (await server.node.app.subjectIndexCheck.run()).map((m) => [m.index, m.filedUnder]),
        [[1007, []]],
      );
      const annaSees = await myEvents(anna);
      const moved = annaSees.find((e) => e.index === 1007);
      assert.ok(moved, 'the entry whose index was rewritten is not dropped');
      assert.match(moved.indexProblem ?? '', /left this entry out of your list/);
      assert.deepEqual(
        annaSees.map((e) => e.index),
        [...ABOUT_ANNA].reverse(),
      );
    });
  });
}
