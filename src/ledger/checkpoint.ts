/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text of a signed tree head.
 *
 *   <origin>\n<tree size, decimal>\n<root hash, standard base64>\n[extension lines\n…]
 */
import { HASH_SIZE } from './hashes.ts';
import { type NoteSigner, type NoteVerifier, openNote, signNote } from './note.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Opaque extra lines; govdx writes none. */
  extensions: string[];
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function formatCheckpoint({
  origin,
  size,
  rootHash,
  extensions = [],
}: Omit<Checkpoint, 'extensions'> & { extensions?: string[] }): string {
  if (origin.length === 0 || origin.includes('\n'))
    throw new CheckpointError('The origin is one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new CheckpointError(`Not a tree size: ${size}`);
  if (rootHash.length !== HASH_SIZE) throw new CheckpointError('The root hash is 32 bytes');
  return [origin, String(size), rootHash.toString('base64'), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
}

/** Parses a checkpoint's note text strictly (no leading zeroes, canonical base64, 32-byte hash). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('A checkpoint ends in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('A checkpoint has an origin, a tree size and a root hash');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new CheckpointError('The origin line is empty');
  if (!/^(0|[1-9]\d*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new CheckpointError(`The tree size line is not a decimal number: ${JSON.stringify(sizeText)}`);
  }
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.length !== HASH_SIZE || rootHash.toString('base64') !== rootText) {
    throw new CheckpointError(`The root hash line is not a base64 SHA-256 hash: ${JSON.stringify(rootText)}`);
  }
  if (extensions.some((line) => line.length === 0))
    throw new CheckpointError('Extension lines are not empty');
  return { origin, size: Number(sizeText), rootHash, extensions };
}

export interface SignedCheckpoint extends Checkpoint {
  /** The whole signed note, as served at /ledger/checkpoint. */
  note: string;
}

export function signCheckpoint(
  checkpoint: Omit<Checkpoint, 'extensions'>,
  signer: NoteSigner,
): SignedCheckpoint {
  const text = formatCheckpoint(checkpoint);
  return { ...checkpoint, extensions: [], note: signNote(text, signer) };
}

/** Verifies a signed checkpoint against trusted keys and parses it; throws NoteError or CheckpointError. */
export function openCheckpoint(note: string, verifiers: readonly NoteVerifier[]): SignedCheckpoint {
  const opened = openNote(note, verifiers);
  return { ...parseCheckpoint(opened.text), note };
}
