/**
 * C2SP tlog-tiles: the tree served as static "tiles" of 256 consecutive hashes, and the entries as
 * "entry bundles" of 256 entries (https://c2sp.org/tlog-tiles).
 *
 * The n-th tile at level l holds, for i = 0…255, MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]),
 * i.e. the stored hashes of tree level 8·l. A tile with fewer than 256 hashes is *partial* and is named
 * with a `.p/<W>` suffix. Paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, where N is
 * written in 3-digit groups, all but the last prefixed with `x` (1234067 → `x001/x234/067`).
 */
import { storedHashIndex } from './layout.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** The highest level whose tiles can exist for sizes below 2^53 (256^7 > 2^53). */
export const MAX_TILE_LEVEL = 6;

export interface TileCoordinates {
  /** Tree level / 8, or 'entries' for an entry bundle. */
  level: number | 'entries';
  index: number;
  /** 1…256; below 256 the tile is partial. */
  width: number;
}

/** Encodes a tile index as 3-digit path elements: 1234067 → `x001/x234/067`. */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`Not a tile index: ${index}`);
  let digits = String(index);
  while (digits.length % 3 !== 0) digits = `0${digits}`;
  const groups = digits.match(/\d{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The path of a tile, relative to the log's prefix, e.g. `tile/0/x001/x234/067.p/5`. */
export function tilePath({ level, index, width }: TileCoordinates): string {
  const suffix = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${encodeTileIndex(index)}${suffix}`;
}

/**
 * Parses what follows `tile/<L>/` (or `tile/entries/`): the index path and an optional `.p/<W>`.
 * Only the canonical spelling is accepted (no extra leading groups, W from 1 to 255 without leading
 * zeroes), so every tile has exactly one URL. Returns null when the path is not a tile path.
 */
export function parseTileIndexPath(path: string): { index: number; width: number } | null {
  const match = /^((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d{0,2}))?$/.exec(path);
  if (!match) return null;
  const index = Number(match[1]!.replace(/[x/]/g, ''));
  if (!Number.isSafeInteger(index) || encodeTileIndex(index) !== match[1]) return null;
  const width = match[2] === undefined ? TILE_WIDTH : Number(match[2]);
  if (width > TILE_WIDTH - 1 && match[2] !== undefined) return null;
  return { index, width };
}

/** Parses a tile level: a decimal from 0 to 63 without leading zeroes (tlog-tiles), else null. */
export function parseTileLevel(text: string): number | null {
  if (!/^(0|[1-9]\d?)$/.test(text)) return null;
  const level = Number(text);
  return level <= 63 ? level : null;
}

/** How many hashes of tile (level, index) a tree of `size` has: 0 (none yet) to 256 (full). */
export function tileWidthAt(level: number, index: number, size: number): number {
  if (level > MAX_TILE_LEVEL) return 0;
  const hashesAtLevel = Math.floor(size / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, hashesAtLevel - index * TILE_WIDTH));
}

/** The stored hash ids that make tile (level, index) of the given width, in order. */
export function tileHashIds(level: number, index: number, width: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < width; i += 1) ids.push(storedHashIndex(TILE_HEIGHT * level, index * TILE_WIDTH + i));
  return ids;
}

/** Every tile a tree of `size` needs: at each level, the full tiles and the one partial tile, if any. */
export function tilesOfTree(size: number): TileCoordinates[] {
  const tiles: TileCoordinates[] = [];
  for (let level = 0; level <= MAX_TILE_LEVEL; level += 1) {
    const hashes = Math.floor(size / TILE_WIDTH ** level);
    if (hashes === 0) break;
    for (let index = 0; index * TILE_WIDTH < hashes; index += 1) {
      tiles.push({ level, index, width: Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH) });
    }
  }
  return tiles;
}

/** An entry bundle: each entry as a big-endian uint16 length, then its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const total = entries.reduce((sum, e) => sum + 2 + e.length, 0);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const entry of entries) {
    if (entry.length > 0xffff) throw new RangeError('An entry in a bundle is at most 65535 bytes');
    out.writeUInt16BE(entry.length, at);
    out.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return out;
}

/** Splits an entry bundle into its entries; throws when the bytes do not parse exactly. */
export function decodeEntryBundle(bundle: Uint8Array): Buffer[] {
  const bytes = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const entries: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new Error('The entry bundle ends inside a length prefix');
    const length = bytes.readUInt16BE(at);
    if (at + 2 + length > bytes.length) throw new Error('The entry bundle ends inside an entry');
    entries.push(Buffer.from(bytes.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return entries;
}
