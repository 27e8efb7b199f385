/**
 * Inclusion and consistency proofs and their verification, as defined in RFC 9162 §2.1 (the same tree as
 * RFC 6962 §2.1), with SHA-256. Pure functions: proofs are built from stored subtree hashes that the
 * caller looks up (see layout.ts for which ones), so the math is tested without any I/O.
 *
 * Indices and sizes are JavaScript numbers (exact up to 2^53); no 32-bit bit operators are used.
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash, rootFromEdge, splitPoint } from './hashes.ts';
import { completeSubtrees, type StoredHashLookup, storedHashIndex } from './layout.ts';

/** A range of leaves [lo, hi) whose MTH a proof needs. */
export type LeafRange = readonly [lo: number, hi: number];

/** RFC 9162 §2.1.3.1: the subtrees whose hashes make PATH(m, D[n]), in proof order. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`No inclusion proof for entry ${index} in a tree of ${size}`);
  }
  const out: LeafRange[] = [];
  const path = (m: number, lo: number, hi: number): void => {
    const n = hi - lo;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < lo + k) {
      path(m, lo, lo + k);
      out.push([lo + k, hi]);
    } else {
      path(m, lo + k, hi);
      out.push([lo, lo + k]);
    }
  };
  path(index, 0, size);
  return out;
}

/** RFC 9162 §2.1.4.1: the subtrees whose hashes make PROOF(m, D[n]), in proof order. Empty when m is 0 or n. */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    throw new RangeError(`No consistency proof from a tree of ${first} to a tree of ${second}`);
  }
  const out: LeafRange[] = [];
  if (first === 0 || first === second) return out;
  const subproof = (m: number, lo: number, hi: number, whole: boolean): void => {
    const n = hi - lo;
    if (m === n) {
      if (!whole) out.push([lo, hi]);
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, lo, lo + k, whole);
      out.push([lo + k, hi]);
    } else {
      subproof(m - k, lo + k, hi, false);
      out.push([lo, lo + k]);
    }
  };
  subproof(first, 0, second, true);
  return out;
}

/** The stored hashes (by id) that the MTH of each range needs: every range splits into complete subtrees. */
export function rangeHashIds(ranges: readonly LeafRange[]): number[] {
  const ids = new Set<number>();
  for (const [lo, hi] of ranges) {
    for (const { level, index } of completeSubtrees(lo, hi)) ids.add(storedHashIndex(level, index));
  }
  return [...ids];
}

/** MTH(D[lo:hi]) from stored hashes: the complete subtrees of the range, hashed from the right. */
export function rangeHash(lo: number, hi: number, lookup: StoredHashLookup): Buffer {
  return rootFromEdge(
    completeSubtrees(lo, hi).map(({ level, index }) => lookup(storedHashIndex(level, index))),
  );
}

/** RFC 9162 §2.1.3.1 PATH(index, D[size]) from stored hashes. */
export function inclusionProof(index: number, size: number, lookup: StoredHashLookup): Buffer[] {
  return inclusionRanges(index, size).map(([lo, hi]) => rangeHash(lo, hi, lookup));
}

/** RFC 9162 §2.1.4.1 PROOF(first, D[second]) from stored hashes. */
export function consistencyProof(first: number, second: number, lookup: StoredHashLookup): Buffer[] {
  return consistencyRanges(first, second).map(([lo, hi]) => rangeHash(lo, hi, lookup));
}

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_SIZE;
const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: checks that `leaf` (a leaf hash) is entry `index` of the tree of `size` with `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(leaf) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of `second` with `secondRoot` extends the tree of `first` with
 * `firstRoot`. The degenerate cases: equal sizes need equal roots and an empty proof; every tree extends
 * the empty tree (whose root is EMPTY_ROOT), with an empty proof.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isHash(firstRoot) || !isHash(secondRoot) || !Array.isArray(proof) || !proof.every(isHash))
    return false;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (first === 0) return proof.length === 0 && EMPTY_ROOT.equals(firstRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(fr).equals(firstRoot) && Buffer.from(sr).equals(secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
