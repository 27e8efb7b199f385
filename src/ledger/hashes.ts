/**
 * The hashing of RFC 9162 §2.1.1 (the same tree as RFC 6962 §2.1): SHA-256 with domain separation between
 * leaves (0x00) and interior nodes (0x01), so that no leaf can pose as a node.
 */
import { hash } from 'node:crypto';

export const HASH_SIZE = 32;

/** RFC 9162 §2.1.1: MTH({}) = SHA-256(), the hash of an empty string. */
export const EMPTY_ROOT: Buffer = hash('sha256', '', 'buffer');

const scratch = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Buffer {
  const input =
    data.length === HASH_SIZE ? scratch.subarray(0, 1 + HASH_SIZE) : Buffer.allocUnsafe(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return hash('sha256', input, 'buffer');
}

/** RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  scratch[0] = 0x01;
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return hash('sha256', scratch, 'buffer');
}

/** RFC 9162 §2.1.1: k, the largest power of two smaller than n (n > 1), where the tree splits. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of a list of leaf hashes, straight from the recursive definition of RFC 9162 §2.1.1. */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  if (leafHashes.length === 1) return Buffer.from(leafHashes[0]!);
  const k = splitPoint(leafHashes.length);
  return nodeHash(rootOf(leafHashes.slice(0, k)), rootOf(leafHashes.slice(k)));
}

/** The root of a tree from its right edge (complete subtrees, left to right): hashed from the right. */
export function rootFromEdge(edge: readonly Uint8Array[]): Buffer {
  if (edge.length === 0) return EMPTY_ROOT;
  let root: Buffer = Buffer.from(edge[edge.length - 1]!);
  for (let i = edge.length - 2; i >= 0; i -= 1) root = nodeHash(edge[i]!, root);
  return root;
}
