/**
 * The auditor's check of the whole ledger, in the browser, batch by batch (one entry bundle of 256 entries
 * at a time), the way `govdx ledger audit --export` does it on a server:
 *
 *   the export's checkpoint is signed by the ledger's key                  C2SP signed-note, tlog-checkpoint
 *   each event's commitment SHA-256(salt ‖ JCS(event)) is the one the public entry bundle holds   tlog-tiles
 *   the Merkle tree of those commitments has the checkpoint's root         RFC 9162 §2.1.1 (MTH)
 *   the latest public checkpoint extends the audited one                   RFC 9162 §2.1.4.2
 *   the ledger's index (its `kind` column) agrees with every committed event
 *
 * Events come from GET /ledger/export (auditors only), commitments from the public tiles: an event changed
 * in the store, or a tile served unlike the tree, is named by its entry index.
 */
import {
  type Checkpoint,
  commitmentOf,
  fromBase64,
  leafHash,
  nodeHash,
  openCheckpoint,
  ProofError,
  type ProofStep,
  parseCheckpoint,
  parseVerifierKey,
  toBase64,
  verifyStillPublished,
} from './ledger-proof.ts';

export const TILE_WIDTH = 256;

/** The most problems kept to show; the count goes on. */
const MOST_LISTED = 20;

export interface AuditProgress {
  checked: number;
  total: number;
}

export interface EntryProblem {
  index: number;
  problem: string;
}

export interface LedgerAudit {
  ok: boolean;
  steps: ProofStep[];
  checkpoint: Checkpoint | null;
  /** The ledger key the check used, to compare with one published elsewhere. */
  key: string | null;
  checked: number;
  /** Entries whose event does not match the tree, or whose index disagrees: the first few. */
  problems: EntryProblem[];
  problemCount: number;
}

/**
 * RFC 9162 §2.1.1 Merkle Tree Hash, built leaf by leaf: a stack of the complete subtrees so far (sizes
 * decreasing powers of two), merged as they fill; the root folds them right to left.
 */
export class TreeHasher {
  #stack: Array<{ hash: Uint8Array; size: number }> = [];
  size = 0;

  async add(leaf: Uint8Array): Promise<void> {
    let node = { hash: leaf, size: 1 };
    while (this.#stack.length > 0 && this.#stack.at(-1)!.size === node.size) {
      const left = this.#stack.pop()!;
      node = { hash: await nodeHash(left.hash, node.hash), size: left.size * 2 };
    }
    this.#stack.push(node);
    this.size += 1;
  }

  /** The root of the tree so far; the hash of the empty string for no leaves (RFC 9162 §2.1.1). */
  async root(): Promise<Uint8Array> {
    if (this.#stack.length === 0) {
      return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(0)));
    }
    let hash = this.#stack.at(-1)!.hash;
    for (let i = this.#stack.length - 2; i >= 0; i -= 1) hash = await nodeHash(this.#stack[i]!.hash, hash);
    return hash;
  }
}

/** tlog-tiles: the index in 3-digit groups, all but the last prefixed with x (1234067 is x001/x234/067). */
export function tileIndexPath(index: number, width: number): string {
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  const path = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
  return width < TILE_WIDTH ? `${path}.p/${width}` : path;
}

/** tlog-tiles entry bundle: each entry behind its big-endian uint16 length. */
export function decodeEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new ProofError('An entry bundle ends inside a length');
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + length > bytes.length) throw new ProofError('An entry bundle ends inside an entry');
    entries.push(bytes.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

/** The lines of a streamed response body, one at a time. */
async function* linesOf(response: Response): AsyncGenerator<string> {
  if (!response.body) throw new ProofError('The export came without a body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line !== '') yield line;
      newline = buffered.indexOf('\n');
    }
  }
  buffered += decoder.decode();
  if (buffered.trim() !== '') yield buffered;
}

interface ExportedEntry {
  index: number;
  event: Record<string, unknown>;
  salt: string;
  indexed: { kind: string } | null;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * Checks the whole ledger against its signed checkpoint. `onProgress` is called after each batch (and
 * before the first), so a page can show how far it is; `signal` stops it between batches.
 */
export async function auditLedger(
  options: {
    get?: typeof fetch;
    base?: string;
    onProgress?: (progress: AuditProgress) => void;
    signal?: AbortSignal;
  } = {},
): Promise<LedgerAudit> {
  const get = options.get ?? fetch;
  const base = options.base ?? '';
  const read = async (path: string) => {
    const response = await get(`${base}${path}`, { credentials: 'same-origin', signal: options.signal });
    if (!response.ok) throw new ProofError(`${path} answered ${response.status}`);
    return response;
  };
  const steps: ProofStep[] = [];
  const problems: EntryProblem[] = [];
  let problemCount = 0;
  let indexDisagreements = 0;
  const problem = (index: number, text: string) => {
    problemCount += 1;
    if (problems.length < MOST_LISTED) problems.push({ index, problem: text });
  };
  const result = (checkpoint: Checkpoint | null, key: string | null, checked: number): LedgerAudit => ({
    ok: steps.every((s) => s.ok) && problemCount === 0,
    steps,
    checkpoint,
    key,
    checked,
    problems,
    problemCount,
  });

  const key = await parseVerifierKey(await (await read('/ledger/key')).text());
  const lines = linesOf(await read('/ledger/export'));
  const head = await lines.next();
  if (head.done) throw new ProofError('The export is empty');
  const { checkpoint: note } = JSON.parse(head.value) as { checkpoint: string; treeSize: number };
  let checkpoint: Checkpoint;
  try {
    checkpoint = await openCheckpoint(note, key);
    steps.push({
      step: "The checkpoint is signed by the ledger's key",
      ok: true,
      detail: `${checkpoint.size} entries, root ${toBase64(checkpoint.rootHash)}`,
    });
  } catch (error) {
    steps.push({
      step: "The checkpoint is signed by the ledger's key",
      ok: false,
      detail: (error as Error).message,
    });
    return result(null, key.text, 0);
  }

  const total = checkpoint.size;
  const tree = new TreeHasher();
  options.onProgress?.({ checked: 0, total });
  for (let tile = 0; tile * TILE_WIDTH < total; tile += 1) {
    const start = tile * TILE_WIDTH;
    const width = Math.min(TILE_WIDTH, total - start);
    const bundle = decodeEntryBundle(
      new Uint8Array(await (await read(`/ledger/tile/entries/${tileIndexPath(tile, width)}`)).arrayBuffer()),
    );
    if (bundle.length !== width) {
      throw new ProofError(
        `The entry bundle of entries ${start} to ${start + width - 1} holds ${bundle.length}`,
      );
    }
    for (let i = 0; i < width; i += 1) {
      const index = start + i;
      const line = await lines.next();
      if (line.done) {
        problem(index, 'The export ends before this entry');
        break;
      }
      const entry = JSON.parse(line.value) as ExportedEntry;
      const committed = bundle[i]!;
      if (entry.index !== index) problem(index, `The export gives entry ${entry.index} here`);
      else if (!equal(await commitmentOf(fromBase64(entry.salt), entry.event), committed)) {
        problem(index, 'The event is not the one the tree holds: it was changed after it was recorded');
      }
      if (entry.indexed && entry.indexed.kind !== entry.event.kind) {
        indexDisagreements += 1;
        problem(
          index,
          `The ledger's index files this entry as "${entry.indexed.kind}", but the event is "${String(entry.event.kind)}"`,
        );
      }
      await tree.add(await leafHash(committed));
    }
    options.onProgress?.({ checked: tree.size, total });
    if (options.signal?.aborted) throw new ProofError('The check was stopped');
  }

  const root = await tree.root();
  const rootOk = tree.size === total && equal(root, checkpoint.rootHash);
  steps.push({
    step: "Every entry leads to the checkpoint's root",
    ok: rootOk,
    detail: rootOk
      ? `The tree of all ${total} entries has the signed root`
      : `The tree of the ${tree.size} entries read has root ${toBase64(root)}, not the signed one`,
  });
  const mismatched = problemCount - indexDisagreements;
  steps.push({
    step: 'Every event is the one recorded',
    ok: mismatched === 0,
    detail:
      mismatched === 0
        ? `All ${total} events match the commitments in the tree`
        : `${mismatched} ${mismatched === 1 ? 'event does' : 'events do'} not match the tree`,
  });
  steps.push({
    step: "The ledger's index agrees with the events",
    ok: indexDisagreements === 0,
    detail:
      indexDisagreements === 0
        ? 'Every entry is filed under its own kind'
        : `${indexDisagreements} ${indexDisagreements === 1 ? 'entry is' : 'entries are'} filed under another kind`,
  });

  const latest = await (await read('/ledger/checkpoint')).text();
  const latestSize = parseCheckpoint(latest.slice(0, latest.lastIndexOf('\n\n') + 1)).size;
  const consistency =
    latestSize === checkpoint.size || checkpoint.size === 0
      ? []
      : (
          (await (
            await read(`/ledger/proof/consistency?from=${checkpoint.size}&to=${latestSize}`)
          ).json()) as {
            hashes: string[];
          }
        ).hashes;
  if (checkpoint.size > 0) steps.push(await verifyStillPublished(checkpoint, latest, consistency, key));
  return result(checkpoint, key.text, tree.size);
}
