/**
 * The browser's check of a ledger receipt (web/src/ledger-proof.ts, WebCrypto only), against receipts from a
 * running govdx node and against the independent RFC 9162 reference of the ledger tests: a real receipt
 * verifies in every step; a changed event, a changed proof or another key each fail at their own step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE } from '../../src/identity/index.ts';
import { generateNoteKey } from '../../src/ledger/index.ts';
import {
  checkRecord,
  type LedgerReceipt,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
  verifyReceipt,
} from '../../web/src/ledger-proof.ts';
import { entries, mth, path, proof, sha256 } from '../ledger/reference.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

const SUBJECT = 'EX100000058';

describe('checking a ledger receipt in the browser', () => {
  let server: TestServer;
  let session: string;
  let index: number;
  /** fetch as the browser of the signed-in citizen: their credentials on every request. */
  const asCitizen: typeof fetch = (input, init) =>
    fetch(input, { ...init, headers: { ...init?.headers, cookie: `${SESSION_COOKIE}=${session}` } });

  before(async () => {
    server = await startTestServer('sqlite');
    session = await server.session((await server.user([], { nationalId: SUBJECT })).personId);
    const ledger = server.node.app.ledger;
    for (let i = 0; i < 5; i++) await ledger.append({ kind: 'access', subject: 'EX100000066', n: i });
    index = (
      await ledger.append({
        kind: 'access',
        subject: SUBJECT,
        outcome: 'allowed',
        consumer: 'housing-agency',
        fields: ['given_name', 'family_name'],
        official: 'caseworker.17@housing.example',
        note: 'Ünïcode and "quotes" are canonicalized too',
      })
    ).index;
    await ledger.publishCheckpoint();
  });
  after(() => server?.close());

  async function receipt(): Promise<LedgerReceipt> {
    const response = await call(server.url, 'GET', `/api/v1/me/access-events/${index}/receipt`, { session });
    assert.equal(response.status, 200, response.text);
    return response.body;
  }
  const key = async () => parseVerifierKey((await call(server.url, 'GET', '/ledger/key')).text);

  test("a real receipt verifies: signed checkpoint, the record's commitment, its inclusion", async () => {
    const result = await verifyReceipt(await receipt(), await key());
    assert.equal(result.ok, true, JSON.stringify(result.steps));
    assert.deepEqual(
      result.steps.map((s) => s.ok),
      [true, true, true],
    );
    assert.equal(result.checkpoint?.size, index + 1);
  });

  test('"Check this record" fetches what it needs and verifies, also when the ledger grew meanwhile', async () => {
    const ledger = server.node.app.ledger;
    // Between the receipt and the latest checkpoint the ledger grows: a consistency proof joins the two.
    const growing: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/ledger/checkpoint')) {
        for (let i = 0; i < 9; i++) await ledger.append({ kind: 'access', subject: 'EX100000066' });
      }
      return asCitizen(input, init);
    };
    const checked = await checkRecord(index, growing, server.url);
    assert.equal(checked.ok, true, JSON.stringify(checked.steps));
    assert.equal(checked.steps.length, 4);
    assert.match(
      checked.steps[3]!.detail,
      /latest public checkpoint \(\d+ entries\) extends the one in the receipt/,
    );
    const sizes = checked.steps[3]!.detail.match(/\d+/g)!.map(Number);
    assert.ok(sizes[0]! > sizes[1]!, 'the latest checkpoint is of a larger tree');
    assert.equal(checked.key, (await key()).text);
  });

  test('"Check this record" of somebody else\'s entry fails: the receipt is refused', async () => {
    await assert.rejects(checkRecord(0, asCitizen, server.url), /answered 403/);
  });

  test('a changed event fails: it no longer hashes to the ledger entry', async () => {
    const original = await receipt();
    const changed = { ...original, event: { ...original.event, official: 'someone.else@housing.example' } };
    const result = await verifyReceipt(changed, await key());
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.steps.map((s) => [s.step, s.ok]),
      [
        ['The checkpoint is signed by the ledger', true],
        ['The record is what the ledger holds', false],
      ],
    );
  });

  test("a changed proof fails at the inclusion, another key at the checkpoint's signature", async () => {
    const original = await receipt();
    const hashes = [...original.inclusionProof.hashes];
    hashes[0] = Buffer.alloc(32, 7).toString('base64');
    const badProof = await verifyReceipt(
      { ...original, inclusionProof: { ...original.inclusionProof, hashes } },
      await key(),
    );
    assert.equal(badProof.ok, false);
    assert.equal(badProof.steps.at(-1)?.step, `The record is entry ${index} of the signed tree`);

    const stranger = await parseVerifierKey(generateNoteKey(server.node.app.ledger.origin).verifierKey);
    const otherKey = await verifyReceipt(original, stranger);
    assert.equal(otherKey.ok, false);
    assert.equal(otherKey.steps[0]?.step, 'The checkpoint is signed by the ledger');
  });

  test('inclusion and consistency agree with the independent RFC 9162 reference on every small tree', async () => {
    const all = entries(17);
    const leaf = (e: Uint8Array) => sha256(Buffer.from([0]), e);
    for (let size = 1; size <= all.length; size++) {
      const tree = all.slice(0, size);
      const root = mth(tree);
      for (let m = 0; m < size; m++) {
        assert.ok(
          await verifyInclusion(leaf(tree[m]!), m, size, path(m, tree), root),
          `inclusion ${m} of ${size}`,
        );
        assert.ok(!(await verifyInclusion(leaf(tree[m]!), m, size, path(m, tree), sha256())), 'wrong root');
      }
      for (let first = 1; first <= size; first++) {
        const older = mth(all.slice(0, first));
        assert.ok(
          await verifyConsistency(first, size, older, root, proof(first, tree)),
          `consistency ${first} → ${size}`,
        );
        if (first < size) assert.ok(!(await verifyConsistency(first, size, root, older, proof(first, tree))));
      }
    }
  });
});
