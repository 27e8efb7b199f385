/**
 * What an entitled reader (the citizen an event is about, an auditor) receives for one entry, and how
 * anyone holding it checks it against the log's public key, with no help from govdx:
 *
 *   commitment = SHA-256(salt ‖ JCS(event)); leaf = SHA-256(0x00 ‖ commitment);
 *   the inclusion proof takes the leaf to the root hash of a checkpoint signed by the log's key.
 */
import { type Checkpoint, CheckpointError, openCheckpoint } from './checkpoint.ts';
import { canonicalJson, commitmentOf, type LedgerEvent } from './commitment.ts';
import { leafHash } from './hashes.ts';
import { NoteError, type NoteVerifier } from './note.ts';
import { verifyInclusion } from './proofs.ts';

/** One entry with everything needed to verify it. Bytes are standard base64, as in checkpoints. */
export interface EntryReceipt {
  index: number;
  event: LedgerEvent;
  salt: string;
  commitment: string;
  leafHash: string;
  inclusionProof: { treeSize: number; hashes: string[] };
  /** The signed checkpoint (a C2SP signed note) whose tree the proof leads to. */
  checkpoint: string;
}

export type ReceiptCheck = { ok: true; checkpoint: Checkpoint } | { ok: false; problem: string };

/** Checks a receipt; says which step failed when it does not hold. */
export function checkReceipt(receipt: EntryReceipt, verifier: NoteVerifier): ReceiptCheck {
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(receipt.checkpoint, [verifier]);
  } catch (error) {
    if (error instanceof NoteError || error instanceof CheckpointError) {
      return { ok: false, problem: `The checkpoint does not verify: ${error.message}` };
    }
    throw error;
  }
  const commitment = commitmentOf(Buffer.from(receipt.salt, 'base64'), canonicalJson(receipt.event));
  if (commitment.toString('base64') !== receipt.commitment) {
    return { ok: false, problem: 'The event and salt do not hash to the commitment: the event was altered' };
  }
  const leaf = leafHash(commitment);
  if (leaf.toString('base64') !== receipt.leafHash) {
    return { ok: false, problem: 'The leaf hash is not the hash of the commitment' };
  }
  if (receipt.inclusionProof.treeSize !== checkpoint.size) {
    return { ok: false, problem: 'The inclusion proof is for another tree size than the checkpoint' };
  }
  const proof = receipt.inclusionProof.hashes.map((h) => Buffer.from(h, 'base64'));
  if (!verifyInclusion(leaf, receipt.index, checkpoint.size, proof, checkpoint.rootHash)) {
    return { ok: false, problem: `Entry ${receipt.index} is not in the tree the checkpoint signs` };
  }
  return { ok: true, checkpoint };
}
