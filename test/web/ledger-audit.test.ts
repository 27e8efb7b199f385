/**
 * The auditor's check of the whole ledger in the browser (web/src/ledger-audit.ts, WebCrypto only), against
 * a running govdx node and the independent RFC 9162 reference: a true ledger passes every step, batch by
 * batch; an event changed in the store and an entry filed under another kind are each named by index.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE } from '../../src/identity/index.ts';
import {
  type AuditProgress,
  auditLedger,
  decodeEntryBundle,
  TreeHasher,
  tileIndexPath,
} from '../../web/src/ledger-audit.ts';
import { entries, mth, sha256 } from '../ledger/reference.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe("checking the whole ledger in the auditor's browser", () => {
  let server: TestServer;
  let session: string;
  const asAuditor: typeof fetch = (input, init) =>
    fetch(input, { ...init, headers: { ...init?.headers, cookie: `${SESSION_COOKIE}=${session}` } });

  before(async () => {
    server = await startTestServer('sqlite');
    session = await server.session((await server.user([{ role: 'auditor', organization: 'dpa' }])).personId);
    const ledger = server.node.app.ledger;
    // More than two entry bundles, so the last is partial.
    for (let i = 0; i < 600; i++) await ledger.append({ kind: 'access', subject: 'EX100000066', n: i });
    await ledger.publishCheckpoint();
  });
  after(() => server?.close());

  test('the tree built leaf by leaf has the reference root on every small tree', async () => {
    const all = entries(40);
    for (let size = 0; size <= all.length; size++) {
      const tree = new TreeHasher();
      for (const entry of all.slice(0, size)) await tree.add(sha256(Buffer.from([0]), entry));
      assert.deepEqual(Buffer.from(await tree.root()), mth(all.slice(0, size)), `root of ${size}`);
    }
  });

  test('tile paths and entry bundles are read as tlog-tiles writes them', () => {
    assert.equal(tileIndexPath(0, 256), '000');
    assert.equal(tileIndexPath(1234067, 256), 'x001/x234/067');
    assert.equal(tileIndexPath(2, 88), '002.p/88');
    assert.deepEqual(
      decodeEntryBundle(Uint8Array.from([0, 2, 7, 8, 0, 1, 9])).map((e) => [...e]),
      [[7, 8], [9]],
    );
  });

  test('a true ledger passes every step, and progress is shown batch by batch', async () => {
    const progress: AuditProgress[] = [];
    const audit = await auditLedger({
      get: asAuditor,
      base: server.url,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(audit.ok, true, JSON.stringify(audit.steps));
    const size = audit.checkpoint!.size;
    assert.ok(size >= 600);
    assert.equal(audit.checked, size);
    assert.deepEqual(
      progress.map((p) => p.checked),
      [0, 256, 512, size],
    );
    assert.ok(progress.every((p) => p.total === size));
    assert.deepEqual(
      audit.steps.map((s) => s.ok),
      [true, true, true, true, true],
    );
  });

  test('an event changed in the store, and one filed under another kind, are named', async () => {
    const db = server.node.app.store.db;
    const row = await db
      .selectFrom('ledger_entries')
      .select(['event'])
      .where('entry_index', '=', 300)
      .executeTakeFirstOrThrow();
    const changed = row.event.replace('"n":', '"n":1');
    await db.updateTable('ledger_entries').set({ event: changed }).where('entry_index', '=', 300).execute();
    await db
      .updateTable('ledger_entries')
      .set({ kind: 'consent.given' })
      .where('entry_index', '=', 5)
      .execute();
    const audit = await auditLedger({ get: asAuditor, base: server.url });
    assert.equal(audit.ok, false);
    assert.deepEqual(
      audit.problems.map((p) => p.index),
      [5, 300],
    );
    assert.match(audit.problems[1]!.problem, /not the one the tree holds/);
    assert.deepEqual(
      audit.steps.map((s) => [s.step, s.ok]),
      [
        ["The checkpoint is signed by the ledger's key", true],
        ["Every entry leads to the checkpoint's root", true],
        ['Every event is the one recorded', false],
        ["The ledger's index agrees with the events", false],
        ['The public ledger still holds it', true],
      ],
    );
  });

  test('anyone but an auditor is refused the events', async () => {
    const citizen = await server.session((await server.user([], { nationalId: 'EX100000058' })).personId);
    const asCitizen: typeof fetch = (input, init) =>
      fetch(input, { ...init, headers: { ...init?.headers, cookie: `${SESSION_COOKIE}=${citizen}` } });
    await assert.rejects(auditLedger({ get: asCitizen, base: server.url }), /\/ledger\/export answered 403/);
  });
});
