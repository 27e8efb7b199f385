/**
 * Which hashes of the tree are stored, and under which number. Every hash of a *complete* subtree is
 * stored once, when the leaf that completes it is appended; nothing is ever rewritten. The numbering is
 * golang.org/x/mod/sumdb/tlog's "stored hash index": appending leaf n stores its leaf hash and then the
 * subtrees it completes, in increasing level, so a tree of n leaves holds exactly the ids
 * 0 … storedHashCount(n) - 1 and a batch of appends writes consecutive ids (cheap, append-only B-tree).
 *
 * A subtree at `level` with `index` covers leaves [index·2^level, (index+1)·2^level).
 */
import { nodeHash } from './hashes.ts';

/** Returns the stored hash with this id; throws if it is not stored. */
export type StoredHashLookup = (id: number) => Buffer;

export interface Subtree {
  level: number;
  index: number;
}

/** The id under which the hash of the complete subtree (level, index) is stored. */
export function storedHashIndex(level: number, index: number): number {
  // The subtree (L, n) is stored right after the subtree (L-1, 2n+1) that completes it:
  // walk down to the leaf that completes it, then count what precedes that leaf.
  let n = index;
  for (let l = level; l > 0; l -= 1) n = 2 * n + 1;
  let id = 0;
  for (; n > 0; n = Math.floor(n / 2)) id += n;
  return id + level;
}

/** How many hashes a tree of `size` leaves stores (the next free id). */
export function storedHashCount(size: number): number {
  if (size === 0) return 0;
  let count = storedHashIndex(0, size - 1) + 1;
  for (let i = size - 1; i % 2 === 1; i = Math.floor(i / 2)) count += 1;
  return count;
}

/**
 * Splits the leaves [lo, hi) into maximal complete subtrees, left to right. For the ranges that occur in
 * RFC 9162 trees and proofs, hashing these from the right gives MTH(D[lo:hi]).
 */
export function completeSubtrees(lo: number, hi: number): Subtree[] {
  const out: Subtree[] = [];
  while (lo < hi) {
    let width = 1;
    let level = 0;
    while (lo % (width * 2) === 0 && lo + width * 2 <= hi) {
      width *= 2;
      level += 1;
    }
    out.push({ level, index: lo / width });
    lo += width;
  }
  return out;
}

/** The right edge of a tree: its complete subtrees, left to right (one per set bit of size). */
export function edgeSubtrees(size: number): Subtree[] {
  return completeSubtrees(0, size);
}

export function edgeIds(size: number): number[] {
  return edgeSubtrees(size).map(({ level, index }) => storedHashIndex(level, index));
}

export interface Extension {
  /** Hashes to store, in id order, starting at storedHashCount(size before). */
  stored: Buffer[];
  /** The right edge after the append. */
  edge: Buffer[];
}

/**
 * Appends leaf hashes to a tree of `size` leaves whose right edge is `edge` (as read by edgeIds(size)).
 * Returns the new hashes to store and the new right edge. Pure: the sequencer calls it inside its
 * transaction, after reading the edge there.
 */
export function extendTree(size: number, edge: readonly Buffer[], leafHashes: readonly Buffer[]): Extension {
  const levels = edgeSubtrees(size).map((s) => s.level);
  if (levels.length !== edge.length) {
    throw new Error(`A tree of ${size} has ${levels.length} subtrees on its right edge, not ${edge.length}`);
  }
  const hashes = [...edge];
  const stored: Buffer[] = [];
  for (const leaf of leafHashes) {
    stored.push(leaf);
    hashes.push(leaf);
    levels.push(0);
    while (levels.length >= 2 && levels[levels.length - 1] === levels[levels.length - 2]) {
      const right = hashes.pop()!;
      const left = hashes.pop()!;
      levels.pop();
      const level = levels.pop()! + 1;
      const parent = nodeHash(left, right);
      stored.push(parent);
      hashes.push(parent);
      levels.push(level);
    }
  }
  return { stored, edge: hashes };
}
