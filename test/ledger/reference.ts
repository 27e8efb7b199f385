/**
 * An independent reference for the tests: RFC 9162 §2.1 written out as literally as possible, with
 * node:crypto, sharing no code with src/ledger. Slow on purpose (recursion over arrays).
 */
import { createHash } from 'node:crypto';

export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const unhex = (s: string) => Buffer.from(s, 'hex');

/** MTH(D[n]) over entries (not leaf hashes), RFC 9162 §2.1.1. */
export function mth(entries: readonly Uint8Array[]): Buffer {
  const n = entries.length;
  if (n === 0) return sha256();
  if (n === 1) return sha256(Buffer.from([0]), entries[0]!);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(Buffer.from([1]), mth(entries.slice(0, k)), mth(entries.slice(k)));
}

/** PATH(m, D[n]), RFC 9162 §2.1.3.1. */
export function path(m: number, entries: readonly Uint8Array[]): Buffer[] {
  const n = entries.length;
  if (n === 1) return [];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m < k
    ? [...path(m, entries.slice(0, k)), mth(entries.slice(k))]
    : [...path(m - k, entries.slice(k)), mth(entries.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 9162 §2.1.4.1. */
export function proof(m: number, entries: readonly Uint8Array[]): Buffer[] {
  const subproof = (m: number, d: readonly Uint8Array[], b: boolean): Buffer[] => {
    const n = d.length;
    if (m === n) return b ? [] : [mth(d)];
    let k = 1;
    while (k * 2 < n) k *= 2;
    return m <= k
      ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
      : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
  };
  return subproof(m, entries, true);
}

/** Distinct test entries: entry i is the 32-byte SHA-256 of "entry i". */
export function entries(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => sha256(Buffer.from(`entry ${i}`)));
}
