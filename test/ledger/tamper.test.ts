/**
 * What a verifier must catch when the log's operator cheats: a changed entry, a dropped entry, a reordered
 * pair, a forked checkpoint, a wrong signature. The cheating log is simulated in memory and served to the
 * monitor and the auditor through a fetch stub; they use only what a real log publishes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  auditExport,
  checkReceipt,
  generateNoteKey,
  Ledger,
  type LedgerEvent,
  MemoryLedgerStorage,
  monitorLog,
  type NewEntry,
  type NoteSigner,
  parseSignerKey,
  parseTileIndexPath,
  parseVerifierKey,
  type SeenCheckpoint,
} from '../../src/ledger/index.ts';
import { accessEvents } from './support.ts';

const ORIGIN = 'cheat.example/log';
const keys = generateNoteKey(ORIGIN);
const signer = parseSignerKey(keys.signerKey);
const verifier = parseVerifierKey(keys.verifierKey);

/** A log holding exactly these entries, signed by `by`, and a fetch that serves it at https://log/ledger. */
async function logOf(entries: readonly NewEntry[], by: NoteSigner = signer) {
  const storage = new MemoryLedgerStorage();
  if (entries.length > 0) await storage.appendBatch(entries);
  const ledger = new Ledger(storage, { origin: ORIGIN, signer: by });
  const checkpoint = await ledger.publishCheckpoint();
  const serve: typeof fetch = async (input) => {
    const url = new URL(String(input));
    const path = url.pathname.replace(/^\/ledger\//, '');
    const ok = (body: Buffer | string) =>
      new Response(typeof body === 'string' ? body : new Uint8Array(body));
    try {
      if (path === 'checkpoint') return ok(checkpoint.note);
      if (path === 'proof/consistency') {
        const proof = await ledger.consistencyProof(
          Number(url.searchParams.get('from')),
          Number(url.searchParams.get('to')),
        );
        return Response.json({ hashes: proof.hashes.map((h) => h.toString('base64')) });
      }
      const tile = /^tile\/(entries|\d+)\/(.+)$/.exec(path);
      const coordinates = tile && parseTileIndexPath(tile[2]!);
      if (tile && coordinates) {
        return ok(
          tile[1] === 'entries'
            ? await ledger.entryBundle(coordinates.index, coordinates.width)
            : await ledger.tile(Number(tile[1]), coordinates.index, coordinates.width),
        );
      }
    } catch {}
    return new Response('not found', { status: 404 });
  };
  const seen: SeenCheckpoint = {
    origin: ORIGIN,
    size: checkpoint.size,
    rootHash: checkpoint.rootHash,
    note: checkpoint.note,
  };
  return { ledger, checkpoint, seen, fetch: serve };
}

const prefix = 'https://log/ledger';
const history = accessEvents(600);

describe('a monitor catches a log that rewrites its history', () => {
  test('an honest log that grew verifies, and is consistent with what was seen before', async () => {
    const before = await logOf(history.slice(0, 400));
    const now = await logOf(history);
    const report = await monitorLog({ prefix, verifier, previous: before.seen, fetch: now.fetch });
    assert.deepEqual(report.problems, []);
    assert.equal(report.checkpoint?.size, 600);
  });

  test('a changed entry: the tree no longer holds what was seen', async () => {
    const before = await logOf(history.slice(0, 400));
    const changed = [...history];
    changed[123] = accessEvents(1, 9999)[0]!;
    const report = await monitorLog({
      prefix,
      verifier,
      previous: before.seen,
      fetch: (await logOf(changed)).fetch,
    });
    assert.ok(
      report.problems.some((p) => p.startsWith('FORK')),
      report.problems.join('\n'),
    );
  });

  test('a dropped entry: the tree no longer holds what was seen', async () => {
    const before = await logOf(history.slice(0, 400));
    const dropped = history.filter((_, i) => i !== 250);
    const report = await monitorLog({
      prefix,
      verifier,
      previous: before.seen,
      fetch: (await logOf(dropped)).fetch,
    });
    assert.ok(
      report.problems.some((p) => p.startsWith('FORK')),
      report.problems.join('\n'),
    );
  });

  test('entries removed from the end: a rollback', async () => {
    const before = await logOf(history);
    const report = await monitorLog({
      prefix,
      verifier,
      previous: before.seen,
      fetch: (await logOf(history.slice(0, 590))).fetch,
    });
    assert.ok(
      report.problems.some((p) => p.startsWith('ROLLBACK')),
      report.problems.join('\n'),
    );
  });

  test('a reordered pair: the tree no longer holds what was seen', async () => {
    const before = await logOf(history.slice(0, 400));
    const swapped = [...history];
    [swapped[10], swapped[11]] = [swapped[11]!, swapped[10]!];
    const report = await monitorLog({
      prefix,
      verifier,
      previous: before.seen,
      fetch: (await logOf(swapped)).fetch,
    });
    assert.ok(
      report.problems.some((p) => p.startsWith('FORK')),
      report.problems.join('\n'),
    );
  });

  test('a forked checkpoint: same size, another root, both signed by the log', async () => {
    const honest = await logOf(history.slice(0, 400));
    const fork = await logOf([...history.slice(0, 399), accessEvents(1, 7777)[0]!]);
    assert.equal(fork.checkpoint.size, honest.checkpoint.size);
    const report = await monitorLog({ prefix, verifier, previous: honest.seen, fetch: fork.fetch });
    assert.ok(
      report.problems.some((p) => p.startsWith('FORK')),
      report.problems.join('\n'),
    );
    assert.ok(
      report.problems.some((p) => p.includes('consistency proof')),
      report.problems.join('\n'),
    );
  });

  test('a checkpoint signed by another key, or with a broken signature, is refused', async () => {
    const impostor = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
    const byImpostor = await monitorLog({ prefix, verifier, fetch: (await logOf(history, impostor)).fetch });
    assert.match(byImpostor.problems[0]!, /not validly signed/);
    const log = await logOf(history);
    const broken: typeof fetch = async (input) =>
      String(input).endsWith('/checkpoint')
        ? new Response(log.checkpoint.note.replace('\n600\n', '\n601\n'))
        : log.fetch(input);
    const report = await monitorLog({ prefix, verifier, fetch: broken });
    assert.match(report.problems[0]!, /does not verify/);
  });

  test('tiles that disagree with the entries they claim to hash are named', async () => {
    const log = await logOf(history);
    const lying: typeof fetch = async (input) => {
      const response = await log.fetch(input);
      if (!String(input).endsWith('/tile/entries/002.p/88')) return response;
      const body = Buffer.from(await response.arrayBuffer());
      body[2 + 34 * 5]! ^= 1;
      return new Response(body);
    };
    const report = await monitorLog({ prefix, verifier, fetch: lying });
    assert.deepEqual(report.problems, [
      'Entry 517: its data in tile/entries/002.p/88 does not hash to its leaf hash in tile/0/002.p/88.',
    ]);
  });
});

describe('an auditor catches an export that does not match the log', () => {
  async function exportOf(log: Awaited<ReturnType<typeof logOf>>): Promise<string[]> {
    const lines = [JSON.stringify({ checkpoint: log.checkpoint.note, treeSize: log.checkpoint.size })];
    for await (const e of log.ledger.entries(0, log.checkpoint.size)) {
      lines.push(
        `{"index":${e.index},"event":${e.event},"salt":"${Buffer.from(e.salt).toString('base64')}"}`,
      );
    }
    return lines;
  }
  const audit = (lines: string[], withLog?: typeof fetch) =>
    auditExport(
      (async function* () {
        yield* lines;
      })(),
      { verifier, ...(withLog ? { prefix, fetch: withLog } : {}) },
    );

  test('the honest export rebuilds the signed tree', async () => {
    const log = await logOf(history);
    const report = await audit(await exportOf(log), log.fetch);
    assert.deepEqual(report.problems, []);
    assert.equal(report.entries, 600);
  });

  test('a changed event is found, and named when the log is at hand', async () => {
    const log = await logOf(history);
    const lines = await exportOf(log);
    const line = JSON.parse(lines[43]!) as { event: LedgerEvent };
    line.event.subject = '38001019999';
    lines[43] = JSON.stringify(line);
    assert.match((await audit(lines)).problems.join('\n'), /do not rebuild the checkpoint's root/);
    assert.match((await audit(lines, log.fetch)).problems[0]!, /^Entry 42: its event and salt do not hash/);
  });

  test('a dropped event is found', async () => {
    const lines = await exportOf(await logOf(history));
    lines.splice(100, 1);
    const report = await audit(lines);
    assert.match(report.problems[0]!, /Entries 99…99 are missing/);
  });

  test('a reordered pair is found', async () => {
    const lines = await exportOf(await logOf(history));
    const [a, b] = [JSON.parse(lines[5]!), JSON.parse(lines[6]!)];
    lines[5] = JSON.stringify({ ...b, index: a.index });
    lines[6] = JSON.stringify({ ...a, index: b.index });
    assert.match((await audit(lines)).problems.join('\n'), /do not rebuild/);
  });

  test('an export whose checkpoint is not signed by the log is refused', async () => {
    const impostor = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
    const report = await audit(await exportOf(await logOf(history, impostor)));
    assert.match(report.problems[0]!, /not validly signed/);
  });

  test("a citizen's receipt for an altered event does not check out", async () => {
    const log = await logOf(history);
    const entry = await log.ledger.entry(7);
    const receipt = await log.ledger.receipt(7, {
      personId: 'p',
      name: 'p',
      nationalId: entry.subject,
      grants: [],
      via: 'session',
    });
    assert.equal(checkReceipt(receipt, verifier).ok, true);
    const altered = { ...receipt, event: { ...receipt.event, purpose: 'something else' } };
    assert.deepEqual(checkReceipt(altered, verifier), {
      ok: false,
      problem: 'The event and salt do not hash to the commitment: the event was altered',
    });
    const moved = { ...receipt, index: 8 };
    assert.equal(checkReceipt(moved, verifier).ok, false);
  });
});
