/**
 * Checks a running log from the outside, using only what it publishes: the signed checkpoint, the tiles
 * and the entry bundles. This is what `govdx ledger verify` runs, and what any monitor can rerun with
 * other tools, since the formats are C2SP's.
 *
 *  1. the checkpoint carries a valid signature by the trusted key;
 *  2. every entry in the bundles hashes to its leaf hash in the level-0 tiles;
 *  3. every hash of a higher tile is the hash of the full tile below it;
 *  4. the leaf hashes rebuild the checkpoint's root hash;
 *  5. the tree still contains, unchanged, the tree of the checkpoint seen last time (no fork, no rollback);
 *     the log's own consistency proof agrees.
 */
import { CheckpointError, openCheckpoint, type SignedCheckpoint } from './checkpoint.ts';
import { HASH_SIZE, leafHash, rootFromEdge, rootOf } from './hashes.ts';
import { extendTree } from './layout.ts';
import { NoteError, type NoteVerifier } from './note.ts';
import { verifyConsistency } from './proofs.ts';
import { decodeEntryBundle, TILE_WIDTH, type TileCoordinates, tilePath, tilesOfTree } from './tiles.ts';

/** The checkpoint a monitor saw last time, kept between runs. */
export interface SeenCheckpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  note: string;
}

export interface MonitorOptions {
  /** The log's URL prefix, e.g. `https://govdx.gov.example/ledger`. */
  prefix: string;
  verifier: NoteVerifier;
  previous?: SeenCheckpoint | undefined;
  fetch?: typeof fetch;
  /** Parallel downloads (default 8). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface MonitorReport {
  ok: boolean;
  checkpoint: SignedCheckpoint | null;
  /** Each thing found wrong, in words. Empty when ok. */
  problems: string[];
  /** What was checked and held. */
  checked: string[];
}

class Unreachable extends Error {}

export async function monitorLog(options: MonitorOptions): Promise<MonitorReport> {
  const get = options.fetch ?? fetch;
  const prefix = options.prefix.replace(/\/+$/, '');
  const problems: string[] = [];
  const checked: string[] = [];
  const report = (checkpoint: SignedCheckpoint | null) => ({
    ok: problems.length === 0,
    checkpoint,
    problems,
    checked,
  });

  async function download(path: string): Promise<Buffer> {
    let response: Response;
    try {
      response = await get(`${prefix}/${path}`);
    } catch (error) {
      throw new Unreachable(`${prefix}/${path} could not be fetched: ${(error as Error).message}`);
    }
    if (!response.ok) throw new Unreachable(`${prefix}/${path} answered ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  // 1. The checkpoint and its signature.
  let checkpoint: SignedCheckpoint;
  try {
    const note = (await download('checkpoint')).toString('utf8');
    checkpoint = openCheckpoint(note, [options.verifier]);
  } catch (error) {
    if (error instanceof NoteError || error instanceof CheckpointError) {
      problems.push(`The checkpoint is not validly signed by ${options.verifier.text}: ${error.message}.`);
      return report(null);
    }
    if (error instanceof Unreachable) {
      problems.push(error.message);
      return report(null);
    }
    throw error;
  }
  checked.push(`The checkpoint for ${checkpoint.size} entries is signed by ${options.verifier.name}.`);
  const previous = options.previous;
  if (previous && previous.origin !== checkpoint.origin) {
    problems.push(`The log's origin changed from "${previous.origin}" to "${checkpoint.origin}".`);
  }
  if (previous && previous.size > checkpoint.size) {
    problems.push(
      `ROLLBACK: the log signed a tree of ${previous.size} entries before, and now signs one of ${checkpoint.size}. ` +
        'Entries were removed.',
    );
  }

  // 2–3. Every tile and entry bundle of the tree.
  const tiles = tilesOfTree(checkpoint.size);
  const level0 = tiles.filter((t) => t.level === 0);
  const fetches: Array<TileCoordinates> = [
    ...tiles,
    ...level0.map((t) => ({ ...t, level: 'entries' as const })),
  ];
  const contents = new Map<string, Buffer>();
  let done = 0;
  try {
    await inParallel(fetches, options.concurrency ?? 8, async (tile) => {
      contents.set(tilePath(tile), await download(tilePath(tile)));
      done += 1;
      options.onProgress?.(done, fetches.length);
    });
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    problems.push(error.message);
    return report(checkpoint);
  }
  const hashesOf = (tile: TileCoordinates): Buffer[] | null => {
    const bytes = contents.get(tilePath(tile))!;
    if (bytes.length !== tile.width * HASH_SIZE) {
      problems.push(`${tilePath(tile)} has ${bytes.length} bytes, not ${tile.width * HASH_SIZE}.`);
      return null;
    }
    return Array.from({ length: tile.width }, (_, i) => bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  };

  const leaves: Buffer[] = [];
  for (const tile of level0) {
    const hashes = hashesOf(tile) ?? [];
    leaves.push(...hashes);
    const bundlePath = tilePath({ ...tile, level: 'entries' });
    let entries: Buffer[];
    try {
      entries = decodeEntryBundle(contents.get(bundlePath)!);
    } catch (error) {
      problems.push(`${bundlePath} does not parse: ${(error as Error).message}.`);
      continue;
    }
    if (entries.length !== tile.width) {
      problems.push(`${bundlePath} holds ${entries.length} entries, not ${tile.width}.`);
    }
    entries.forEach((entry, i) => {
      if (hashes[i] && !leafHash(entry).equals(hashes[i])) {
        problems.push(
          `Entry ${tile.index * TILE_WIDTH + i}: its data in ${bundlePath} does not hash to its leaf hash in ${tilePath(tile)}.`,
        );
      }
    });
  }
  for (const tile of tiles.filter((t) => t.level !== 0)) {
    const hashes = hashesOf(tile) ?? [];
    hashes.forEach((h, i) => {
      const below = {
        level: (tile.level as number) - 1,
        index: tile.index * TILE_WIDTH + i,
        width: TILE_WIDTH,
      };
      const belowHashes = contents.has(tilePath(below)) ? hashesOf(below) : null;
      if (belowHashes && !rootOf(belowHashes).equals(h)) {
        problems.push(`Hash ${i} of ${tilePath(tile)} is not the hash of ${tilePath(below)}.`);
      }
    });
  }
  if (problems.length === 0) {
    checked.push(`${fetches.length} tiles and entry bundles agree with each other.`);
  }

  // 4–5. The root of the whole tree, and of the tree seen last time.
  let edge: Buffer[] = [];
  let previousRoot: Buffer | null = null;
  const cut = previous && previous.size <= leaves.length ? previous.size : -1;
  for (const [from, to] of [
    [0, cut < 0 ? leaves.length : cut],
    [cut < 0 ? leaves.length : cut, leaves.length],
  ] as const) {
    edge = extendTree(from, edge, leaves.slice(from, to)).edge;
    if (to === cut) previousRoot = rootFromEdge(edge);
  }
  if (leaves.length === checkpoint.size && rootFromEdge(edge).equals(checkpoint.rootHash)) {
    checked.push(`The ${checkpoint.size} leaf hashes rebuild the checkpoint's root hash.`);
  } else {
    problems.push(
      "The tiles do not rebuild the checkpoint's root hash: the tree served is not the tree signed.",
    );
  }
  if (previous && previous.size <= checkpoint.size) {
    if (previousRoot === null || !previousRoot.equals(previous.rootHash)) {
      problems.push(
        `FORK: the tree of the first ${previous.size} entries now hashes to ` +
          `${previousRoot?.toString('base64') ?? '(nothing)'}, but the log signed ${previous.rootHash.toString('base64')} ` +
          'for it before. Entries seen last time were changed, removed or reordered.',
      );
    } else {
      checked.push(`The tree still holds, unchanged, the ${previous.size} entries seen last time.`);
    }
    const proof = await consistencyFromLog(get, prefix, previous.size, checkpoint.size);
    if (
      proof === null ||
      !verifyConsistency(previous.size, checkpoint.size, previous.rootHash, checkpoint.rootHash, proof)
    ) {
      problems.push(
        `The log's consistency proof from ${previous.size} to ${checkpoint.size} does not verify.`,
      );
    } else {
      checked.push(`The log's consistency proof from ${previous.size} to ${checkpoint.size} verifies.`);
    }
  }
  return report(checkpoint);
}

async function consistencyFromLog(
  get: typeof fetch,
  prefix: string,
  from: number,
  to: number,
): Promise<Buffer[] | null> {
  try {
    const response = await get(`${prefix}/proof/consistency?from=${from}&to=${to}`);
    if (!response.ok) return null;
    const body = (await response.json()) as { hashes?: unknown };
    if (!Array.isArray(body.hashes)) return null;
    return body.hashes.map((h) => Buffer.from(String(h), 'base64'));
  } catch {
    return null;
  }
}

async function inParallel<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
