/**
 * The ledger part: a tamper-evident, independently verifiable record of every access and governance
 * decision. See docs/ledger.md for the formats and what an auditor and a citizen can check.
 */
import { readFileSync } from 'node:fs';
import type { Store } from '../store/index.ts';
import { KyselyLedgerStorage } from './kysely-storage.ts';
import { Ledger } from './ledger.ts';
import { generateNoteKey, parseSignerKey } from './note.ts';
import { SqliteLedgerStorage } from './sqlite-storage.ts';
import type { LedgerStorage } from './storage.ts';

export { type AuditOptions, type AuditReport, auditExport } from './audit.ts';
export {
  type Checkpoint,
  CheckpointError,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  type SignedCheckpoint,
  signCheckpoint,
} from './checkpoint.ts';
export {
  canonicalJson,
  checkEvent,
  commitmentOf,
  EVENT_KINDS,
  hashEntries,
  type JsonValue,
  type LedgerEvent,
  newSalt,
  SALT_BYTES,
} from './commitment.ts';
export { isAuditor, mayReadEvent } from './entitlement.ts';
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash, rootFromEdge, rootOf, splitPoint } from './hashes.ts';
export { KyselyLedgerStorage, LEDGER_LOCK } from './kysely-storage.ts';
export { edgeIds, extendTree, storedHashCount, storedHashIndex } from './layout.ts';
export {
  type Appended,
  type ConsistencyProof,
  type InclusionProof,
  Ledger,
  type LedgerOptions,
} from './ledger.ts';
export { MemoryLedgerStorage } from './memory-storage.ts';
export { type MonitorOptions, type MonitorReport, monitorLog, type SeenCheckpoint } from './monitor.ts';
export {
  generateNoteKey,
  keyIdOf,
  NoteError,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note.ts';
export {
  consistencyProof,
  consistencyRanges,
  inclusionProof,
  inclusionRanges,
  verifyConsistency,
  verifyInclusion,
} from './proofs.ts';
export { checkReceipt, type EntryReceipt, type ReceiptCheck } from './receipt.ts';
export { Sequencer } from './sequencer.ts';
export { SqliteLedgerStorage } from './sqlite-storage.ts';
export type {
  AppendedBatch,
  LedgerStorage,
  NewEntry,
  StoredCheckpoint,
  StoredEntry,
  TreeHead,
} from './storage.ts';
export { openSubjectRun, SUBJECT_RUN, subjectRunsCompleted } from './storage.ts';
export {
  decodeEntryBundle,
  encodeEntryBundle,
  encodeTileIndex,
  parseTileIndexPath,
  parseTileLevel,
  TILE_WIDTH,
  type TileCoordinates,
  tilePath,
  tilesOfTree,
  tileWidthAt,
} from './tiles.ts';

/** The settings row holding the signer key generated for a database that was given none. */
export const SIGNER_KEY_SETTING = 'ledger.signer_key';

/** The fastest storage for a store: prepared statements on SQLite, Kysely (with the advisory lock) on PostgreSQL. */
export function storageFor(store: Store): LedgerStorage {
  return store.sqlite
    ? new SqliteLedgerStorage(store.sqlite)
    : new KyselyLedgerStorage(store.db, store.dialect);
}

/**
 * The signer key text: `key` itself when it is a `PRIVATE+KEY+…` string, else the contents of the file it
 * names; without `key`, the one kept in the database, generated (named `origin`) the first time, so that
 * every node sharing the database signs with the same key.
 */
export async function resolveSignerKey(
  storage: LedgerStorage,
  origin: string,
  key?: string,
): Promise<string> {
  if (key) return key.startsWith('PRIVATE+KEY+') ? key : readFileSync(key, 'utf8').trim();
  return storage.settingOnce(SIGNER_KEY_SETTING, () => generateNoteKey(origin).signerKey);
}

export interface OpenLedgerOptions {
  origin: string;
  /** A `PRIVATE+KEY+…` signer key, or the path of a file holding one. */
  key?: string | undefined;
  maxBatch?: number;
  onError?: (error: unknown, what: string) => void;
}

/** The ledger over a migrated store. */
export async function openLedger(store: Store, options: OpenLedgerOptions): Promise<Ledger> {
  const storage = storageFor(store);
  const signer = parseSignerKey(await resolveSignerKey(storage, options.origin, options.key));
  return new Ledger(storage, { ...options, signer });
}
