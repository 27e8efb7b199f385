import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  consistencyProof,
  EMPTY_ROOT,
  edgeIds,
  extendTree,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromEdge,
  rootOf,
  storedHashCount,
  storedHashIndex,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/index.ts';
import { entries, hex, mth, path, proof, sha256, unhex } from './reference.ts';

/** Our stored hashes for these entries, built the way the sequencer builds them: one append at a time. */
function storedTree(data: readonly Buffer[]) {
  const stored: Buffer[] = [];
  for (let size = 0; size < data.length; size += 1) {
    const edge = edgeIds(size).map((id) => stored[id]!);
    stored.push(...extendTree(size, edge, [leafHash(data[size]!)]).stored);
  }
  const lookup = (id: number) => {
    const found = stored[id];
    if (!found) throw new Error(`no stored hash ${id}`);
    return found;
  };
  return { stored, lookup, root: (size: number) => rootFromEdge(edgeIds(size).map(lookup)) };
}

// The Certificate Transparency test leaves and the roots of their trees of size 1…8 (RFC 6962
// implementations all publish these; transparency-dev/merkle testonly/constants.go among them).
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 9162 hashing', () => {
  test('a leaf is SHA-256 of 0x00 and its data, a node SHA-256 of 0x01, left and right', () => {
    const a = Buffer.from('left');
    const b = Buffer.from('right');
    assert.equal(
      hex(leafHash(a)),
      createHash('sha256')
        .update(Buffer.from([0x00]))
        .update(a)
        .digest('hex'),
    );
    const node = createHash('sha256')
      .update(Buffer.from([0x01]))
      .update(leafHash(a))
      .update(leafHash(b))
      .digest('hex');
    assert.equal(hex(nodeHash(leafHash(a), leafHash(b))), node);
  });

  test('trees of 1, 2 and 3 leaves hash as worked out by hand', () => {
    const [a, b, c] = [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')];
    const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    const la = h(Buffer.from([0]), a);
    const lb = h(Buffer.from([0]), b);
    const lc = h(Buffer.from([0]), c);
    assert.equal(hex(rootOf([leafHash(a)])), hex(la));
    assert.equal(hex(rootOf([leafHash(a), leafHash(b)])), hex(h(Buffer.from([1]), la, lb)));
    // Three leaves split at k = 2: (a b) c — not a (b c).
    assert.equal(
      hex(rootOf([a, b, c].map(leafHash))),
      hex(h(Buffer.from([1]), h(Buffer.from([1]), la, lb), lc)),
    );
  });

  test('the empty tree hashes to SHA-256 of nothing', () => {
    assert.equal(hex(EMPTY_ROOT), CT_ROOTS[0]);
    assert.equal(hex(rootFromEdge([])), CT_ROOTS[0]);
  });

  test('the Certificate Transparency test trees have their published roots', () => {
    const { root } = storedTree(CT_LEAVES);
    for (let size = 1; size <= 8; size += 1) {
      assert.equal(hex(root(size)), CT_ROOTS[size], `root of ${size}`);
      assert.equal(hex(rootOf(CT_LEAVES.slice(0, size).map(leafHash))), CT_ROOTS[size]);
    }
  });

  test('the Certificate Transparency test proofs are reproduced', () => {
    const { lookup } = storedTree(CT_LEAVES);
    assert.deepEqual(inclusionProof(0, 8, lookup).map(hex), [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    assert.deepEqual(inclusionProof(5, 8, lookup).map(hex), [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    assert.deepEqual(consistencyProof(2, 8, lookup).map(hex), [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    assert.deepEqual(consistencyProof(6, 8, lookup).map(hex), [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });
});

describe('stored hashes', () => {
  test('each complete subtree is stored under its index, and nothing else is stored', () => {
    const data = entries(70);
    const { stored } = storedTree(data);
    assert.equal(stored.length, storedHashCount(70));
    let expected = 0;
    for (let level = 0; 2 ** level <= 70; level += 1) {
      for (let index = 0; (index + 1) * 2 ** level <= 70; index += 1) {
        const leaves = data.slice(index * 2 ** level, (index + 1) * 2 ** level);
        assert.equal(
          hex(stored[storedHashIndex(level, index)]!),
          hex(mth(leaves)),
          `subtree ${level}/${index}`,
        );
        expected += 1;
      }
    }
    assert.equal(stored.length, expected);
  });

  test('appending leaf n stores consecutive ids: the ids of a tree of n leaves are 0 … count(n) - 1', () => {
    assert.deepEqual(
      [storedHashIndex(0, 0), storedHashIndex(0, 1), storedHashIndex(1, 0), storedHashIndex(0, 2)],
      [0, 1, 2, 3],
    );
    assert.deepEqual([storedHashIndex(0, 3), storedHashIndex(1, 1), storedHashIndex(2, 0)], [4, 5, 6]);
    for (let n = 0; n < 300; n += 1) assert.ok(storedHashCount(n + 1) > storedHashCount(n));
    assert.equal(storedHashCount(2 ** 40), 2 * 2 ** 40 - 1);
  });

  test('a batch append stores the same hashes as appending one by one', () => {
    const data = entries(100);
    const one = storedTree(data).stored;
    const first = extendTree(0, [], data.slice(0, 37).map(leafHash));
    const second = extendTree(
      37,
      edgeIds(37).map((id) => first.stored[id]!),
      data.slice(37).map(leafHash),
    );
    assert.deepEqual([...first.stored, ...second.stored].map(hex), one.map(hex));
    assert.equal(hex(rootFromEdge(second.edge)), hex(mth(data)));
  });
});

describe('proofs for every tree of 1 to 64 entries', () => {
  const data = entries(64);
  const { lookup, root } = storedTree(data);
  const roots = Array.from({ length: 65 }, (_, n) => mth(data.slice(0, n)));

  test('every root matches the reference', () => {
    for (let n = 0; n <= 64; n += 1) assert.equal(hex(root(n)), hex(roots[n]!), `root of ${n}`);
  });

  test('every inclusion proof equals PATH(m, D[n]) and verifies', () => {
    for (let n = 1; n <= 64; n += 1) {
      const tree = data.slice(0, n);
      for (let m = 0; m < n; m += 1) {
        const got = inclusionProof(m, n, lookup);
        assert.deepEqual(got.map(hex), path(m, tree).map(hex), `PATH(${m}, D[${n}])`);
        assert.ok(verifyInclusion(leafHash(data[m]!), m, n, got, roots[n]!), `verify ${m} in ${n}`);
      }
    }
  });

  test('every consistency proof equals PROOF(m, D[n]) and verifies', () => {
    for (let n = 1; n <= 64; n += 1) {
      for (let m = 1; m <= n; m += 1) {
        const got = consistencyProof(m, n, lookup);
        assert.deepEqual(got.map(hex), proof(m, data.slice(0, n)).map(hex), `PROOF(${m}, D[${n}])`);
        assert.ok(verifyConsistency(m, n, roots[m]!, roots[n]!, got), `verify ${m} → ${n}`);
      }
    }
  });

  test('an inclusion proof does not verify for another entry, index, size or root', () => {
    for (let n = 2; n <= 64; n += 1) {
      for (let m = 0; m < n; m += 1) {
        const p = inclusionProof(m, n, lookup);
        const leaf = leafHash(data[m]!);
        assert.equal(verifyInclusion(leafHash(data[(m + 1) % n]!), m, n, p, roots[n]!), false);
        assert.equal(verifyInclusion(leaf, (m + 1) % n, n, p, roots[n]!), false, `index ${m + 1} for ${m}`);
        assert.equal(verifyInclusion(leaf, m, n, p, roots[n - 1]!), false);
        assert.equal(verifyInclusion(leaf, m, n, p.slice(0, -1), roots[n]!), false);
        assert.equal(verifyInclusion(leaf, m, n, [...p, sha256()], roots[n]!), false);
        const flipped = p.map((h) => Buffer.from(h));
        flipped[0]![0]! ^= 1;
        assert.equal(verifyInclusion(leaf, m, n, flipped, roots[n]!), false);
      }
    }
  });

  test('a consistency proof does not verify for another pair of trees', () => {
    for (let n = 2; n <= 64; n += 1) {
      for (let m = 1; m < n; m += 1) {
        const p = consistencyProof(m, n, lookup);
        assert.equal(verifyConsistency(m, n, roots[m - 1]!, roots[n]!, p), false, `old root ${m - 1}`);
        assert.equal(verifyConsistency(m, n, roots[m]!, roots[n - 1]!, p), false, `new root ${n - 1}`);
        assert.equal(verifyConsistency(m, n, roots[m]!, roots[n]!, p.slice(1)), false);
        assert.equal(verifyConsistency(m, n, roots[m]!, roots[n]!, [...p, sha256()]), false);
      }
    }
  });

  test('the degenerate cases: equal trees, and the empty tree', () => {
    assert.ok(verifyConsistency(5, 5, roots[5]!, roots[5]!, []));
    assert.equal(verifyConsistency(5, 5, roots[5]!, roots[6]!, []), false);
    assert.ok(verifyConsistency(0, 9, EMPTY_ROOT, roots[9]!, []));
    assert.equal(verifyConsistency(0, 9, roots[1]!, roots[9]!, []), false);
    assert.equal(verifyConsistency(9, 5, roots[9]!, roots[5]!, []), false);
    assert.equal(verifyInclusion(leafHash(data[0]!), 0, 0, [], EMPTY_ROOT), false);
    assert.throws(() => inclusionProof(3, 3, lookup), RangeError);
    assert.throws(() => consistencyProof(4, 3, lookup), RangeError);
  });
});
