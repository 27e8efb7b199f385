/**
 * Audits an export of events (GET /ledger/export): every event, with its salt, must hash to a commitment,
 * and the commitments, in order from entry 0 with none missing, must rebuild the tree of the signed
 * checkpoint in the export. An altered, dropped, added or reordered event changes that root.
 * With the log's URL, each commitment is also compared with the public entry bundles, to say which entry
 * is wrong, and the export's checkpoint with the log's current one.
 */
import { type Checkpoint, CheckpointError, openCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { canonicalJson, commitmentOf } from './commitment.ts';
import { leafHash, rootFromEdge } from './hashes.ts';
import { extendTree } from './layout.ts';
import { NoteError, type NoteVerifier } from './note.ts';
import { verifyConsistency } from './proofs.ts';
import { decodeEntryBundle, TILE_WIDTH, tilePath } from './tiles.ts';

export interface AuditOptions {
  /** The log's key; without it the checkpoint's signature is not checked (and the report says so). */
  verifier?: NoteVerifier | undefined;
  /** The log's URL prefix (…/ledger), to name the entries that differ from the published ones. */
  prefix?: string | undefined;
  fetch?: typeof fetch;
  onProgress?: (entries: number, total: number) => void;
}

export interface AuditReport {
  ok: boolean;
  checkpoint: Checkpoint | null;
  entries: number;
  problems: string[];
  checked: string[];
}

const MAX_LISTED = 20;
const CHUNK = 4096;

export async function auditExport(
  lines: AsyncIterable<string>,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const problems: string[] = [];
  const checked: string[] = [];
  const note = (problem: string) => {
    if (problems.length < MAX_LISTED) problems.push(problem);
    else if (problems.length === MAX_LISTED) problems.push('… and more; the first ones are listed.');
  };
  let checkpoint: Checkpoint | null = null;
  let expected = 0;
  let edge: Buffer[] = [];
  let pending: Buffer[] = [];
  /** False once an entry is missing or out of order: the tree cannot be rebuilt any more. */
  let rebuilding = true;
  let published: Buffer[] = [];
  let publishedFrom = -1;
  const get = options.fetch ?? fetch;
  const prefix = options.prefix?.replace(/\/+$/, '');

  const flush = () => {
    if (rebuilding) edge = extendTree(expected - pending.length, edge, pending).edge;
    pending = [];
  };

  /** The commitment the log publishes for entry `index` (from its entry bundles), or null. */
  async function publishedCommitment(index: number): Promise<Buffer | null> {
    if (!prefix || !checkpoint) return null;
    const bundle = Math.floor(index / TILE_WIDTH);
    if (publishedFrom !== bundle * TILE_WIDTH) {
      const width = Math.min(TILE_WIDTH, checkpoint.size - bundle * TILE_WIDTH);
      const response = await get(`${prefix}/${tilePath({ level: 'entries', index: bundle, width })}`).catch(
        () => null,
      );
      published = response?.ok ? decodeEntryBundle(Buffer.from(await response.arrayBuffer())) : [];
      publishedFrom = bundle * TILE_WIDTH;
    }
    return published[index - publishedFrom] ?? null;
  }

  /** Entries exported without the ledger's index (an export from before it was included), and mismatches. */
  let withoutIndex = 0;
  let indexMismatches = 0;
  let first = true;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    if (first) {
      first = false;
      checkpoint = readHeader(line, options.verifier, problems, checked);
      if (!checkpoint) return { ok: false, checkpoint, entries: 0, problems, checked };
      continue;
    }
    let record: { index?: unknown; event?: unknown; salt?: unknown; indexed?: unknown };
    try {
      record = JSON.parse(line);
    } catch {
      note(`Line ${expected + 2} is not JSON.`);
      continue;
    }
    if (record.index !== expected) {
      note(
        typeof record.index === 'number' && record.index > expected
          ? `Entries ${expected}…${record.index - 1} are missing (the export jumps from ${expected - 1} to ${record.index}).`
          : `Entry ${String(record.index)} is out of order or repeated (expected ${expected}).`,
      );
      if (typeof record.index !== 'number' || record.index < expected) continue;
      expected = record.index;
      // Keep reading to list other problems, but the tree can no longer be rebuilt.
      rebuilding = false;
      pending = [];
    }
    if (typeof record.salt !== 'string' || typeof record.event !== 'object' || record.event === null) {
      note(`Entry ${expected} has no event or no salt.`);
      expected += 1;
      continue;
    }
    const commitment = commitmentOf(Buffer.from(record.salt, 'base64'), canonicalJson(record.event));
    const expectedCommitment = await publishedCommitment(expected);
    if (expectedCommitment && !expectedCommitment.equals(commitment)) {
      note(`Entry ${expected}: its event and salt do not hash to the commitment the log publishes for it.`);
    }
    if (rebuilding) pending.push(leafHash(commitment));
    if (record.indexed === undefined) withoutIndex++;
    else
      for (const problem of indexProblems(
        expected,
        record.event as Record<string, unknown>,
        record.indexed,
      )) {
        indexMismatches++;
        note(problem);
      }
    expected += 1;
    if (pending.length >= CHUNK) flush();
    options.onProgress?.(expected, checkpoint?.size ?? expected);
  }
  flush();
  if (!checkpoint) {
    problems.push('The export is empty: it has no checkpoint line.');
    return { ok: false, checkpoint, entries: 0, problems, checked };
  }
  if (expected !== checkpoint.size) {
    note(`The export holds entries up to ${expected}, but its checkpoint covers ${checkpoint.size}.`);
  }
  const root = rootFromEdge(edge);
  if (problems.length === 0 && root.equals(checkpoint.rootHash)) {
    checked.push(
      `All ${expected} events hash to commitments that rebuild the checkpoint's root, in order, none missing.`,
    );
  } else if (rebuilding && !root.equals(checkpoint.rootHash)) {
    note(
      "The events do not rebuild the checkpoint's root hash: an event was changed, removed, added or reordered" +
        (prefix ? '.' : ' (give the log URL with --url to find which).'),
    );
  }
  if (withoutIndex > 0) {
    checked.push(
      `The ledger's subject index was NOT checked for ${withoutIndex} entries: the export does not include it.`,
    );
  } else if (indexMismatches === 0 && expected > 0) {
    checked.push(
      `The ledger's index (kind, and the person each entry is filed under for the tracker) agrees with all ${expected} events.`,
    );
  }
  if (prefix) await compareWithLog(get, prefix, checkpoint, options.verifier, problems, checked);
  return { ok: problems.length === 0, checkpoint, entries: expected, problems, checked };
}

function readHeader(
  line: string,
  verifier: NoteVerifier | undefined,
  problems: string[],
  checked: string[],
): Checkpoint | null {
  let header: { checkpoint?: unknown };
  try {
    header = JSON.parse(line);
  } catch {
    problems.push('The first line is not JSON; an export starts with {"checkpoint": …}.');
    return null;
  }
  if (typeof header.checkpoint !== 'string') {
    problems.push('The first line has no checkpoint; an export starts with {"checkpoint": …}.');
    return null;
  }
  try {
    if (!verifier) {
      const text = header.checkpoint.slice(0, header.checkpoint.lastIndexOf('\n\n') + 1);
      checked.push("The export's checkpoint signature was NOT checked: give the log's key with --vkey.");
      return parseCheckpoint(text);
    }
    const checkpoint = openCheckpoint(header.checkpoint, [verifier]);
    checked.push(`The export's checkpoint (${checkpoint.size} entries) is signed by ${verifier.name}.`);
    return checkpoint;
  } catch (error) {
    if (error instanceof NoteError || error instanceof CheckpointError) {
      problems.push(`The export's checkpoint is not validly signed: ${error.message}.`);
      return null;
    }
    throw error;
  }
}

async function compareWithLog(
  get: typeof fetch,
  prefix: string,
  exported: Checkpoint,
  verifier: NoteVerifier | undefined,
  problems: string[],
  checked: string[],
): Promise<void> {
  try {
    const note = await (await get(`${prefix}/checkpoint`)).text();
    const current = verifier
      ? openCheckpoint(note, [verifier])
      : parseCheckpoint(note.slice(0, note.lastIndexOf('\n\n') + 1));
    const response = await get(`${prefix}/proof/consistency?from=${exported.size}&to=${current.size}`);
    const hashes = response.ok ? ((await response.json()) as { hashes: string[] }).hashes : null;
    const proof = hashes?.map((h) => Buffer.from(h, 'base64'));
    if (proof && verifyConsistency(exported.size, current.size, exported.rootHash, current.rootHash, proof)) {
      checked.push(`The log's current tree (${current.size} entries) extends the exported one.`);
    } else {
      problems.push(
        `The log's current tree (${current.size} entries) does not extend the exported one: a fork.`,
      );
    }
  } catch (error) {
    problems.push(`The log at ${prefix} could not be compared: ${(error as Error).message}.`);
  }
}

const named = (subject: unknown) => (typeof subject === 'string' ? subject : 'no one');

/**
 * Where the ledger's own index disagrees with a committed event: its kind column, and the person the
 * tracker files the entry under (the entries table's subject column; the pairs of ledger_subject_entries
 * once the entry's run is complete). A rewritten index hides an entry from the person's *My data*.
 */
function indexProblems(index: number, event: Record<string, unknown>, indexed: unknown): string[] {
  if (typeof indexed !== 'object' || indexed === null)
    return [`Entry ${index}: its index record is malformed.`];
  const { kind, subject, subjects } = indexed as { kind?: unknown; subject?: unknown; subjects?: unknown };
  const committed = typeof event.subject === 'string' ? event.subject : null;
  const problems: string[] = [];
  if (kind !== event.kind) {
    problems.push(
      `Entry ${index}: the ledger's index records its kind as ${JSON.stringify(kind)}, but the committed event is ${JSON.stringify(event.kind)}.`,
    );
  }
  if ((subject ?? null) !== committed) {
    problems.push(
      `Entry ${index}: the ledger's subject index files it under ${named(subject)} (ledger_entries.subject), but its committed event is about ${named(committed)}.`,
    );
  }
  if (subjects !== null && subjects !== undefined) {
    const pairs = Array.isArray(subjects) ? subjects : [subjects];
    const agrees = committed === null ? pairs.length === 0 : pairs.length === 1 && pairs[0] === committed;
    if (!agrees) {
      problems.push(
        `Entry ${index}: the ledger's subject index files it under ${pairs.length === 0 ? 'no one' : pairs.map(named).join(', ')} (ledger_subject_entries), but its committed event is about ${named(committed)}.`,
      );
    }
  }
  return problems;
}
