/**
 * Checks a ledger receipt in the browser, with nothing but WebCrypto and the ledger's public key, the
 * same way `govdx ledger` and src/ledger/receipt.ts check it on a server (whose code uses node:crypto and
 * cannot run here):
 *
 *   commitment = SHA-256(salt ‖ UTF-8(JCS(event)))           RFC 8785 (JCS), src/ledger/commitment.ts
 *   leaf       = SHA-256(0x00 ‖ commitment)                   RFC 9162 §2.1.1
 *   the inclusion proof takes the leaf to the checkpoint's root   RFC 9162 §2.1.3.2
 *   the checkpoint is signed by the ledger's Ed25519 key      C2SP signed-note, tlog-checkpoint
 *   the latest public checkpoint extends the receipt's one    RFC 9162 §2.1.4.2
 */
import canonicalize from 'canonicalize';

export interface LedgerReceipt {
  index: number;
  event: Record<string, unknown>;
  salt: string;
  commitment: string;
  leafHash: string;
  inclusionProof: { treeSize: number; hashes: string[] };
  checkpoint: string;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

export interface VerifierKey {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  text: string;
}

/** One step of the check, in words, and whether it held. */
export interface ProofStep {
  step: string;
  ok: boolean;
  detail: string;
}

export interface ReceiptVerification {
  ok: boolean;
  steps: ProofStep[];
  checkpoint: Checkpoint | null;
}

export class ProofError extends Error {
  override name = 'ProofError';
}

const encoder = new TextEncoder();
const EM_DASH = '\u2014';

export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new ProofError(`"${text.slice(0, 20)}…" is not base64`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

/** RFC 9162 §2.1.1: SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0x00), data);
}

/** RFC 9162 §2.1.1: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0x01), left, right);
}

/** SHA-256(salt ‖ UTF-8(JCS(event))): what the ledger's tree holds for the event. */
export async function commitmentOf(salt: Uint8Array, event: unknown): Promise<Uint8Array> {
  const canonical = canonicalize(event);
  if (canonical === undefined) throw new ProofError('The event has no JSON form');
  return sha256(salt, encoder.encode(canonical));
}

const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);
const isHash = (h: Uint8Array) => h.length === 32;

/** RFC 9162 §2.1.3.2: is `leaf` entry `index` of the tree of `size` entries whose root is `root`? */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: does the tree of `second` entries (root `secondRoot`) extend the tree of `first`? */
export async function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<boolean> {
  if (!isHash(firstRoot) || !isHash(secondRoot) || !proof.every(isHash)) return false;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second)
    return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  if (proof.length === 0) return false;
  let k = 1;
  while (k < first) k *= 2;
  const path = k === first ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

/** signed-note: the key ID is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian. */
async function keyIdOf(name: string, publicKey: Uint8Array): Promise<number> {
  const digest = await sha256(encoder.encode(name), Uint8Array.of(0x0a, 0x01), publicKey);
  return new DataView(digest.buffer, digest.byteOffset).getUint32(0);
}

/** Parses a verifier key `<name>+<key ID hex>+<base64(0x01 ‖ Ed25519 public key)>` and checks its ID. */
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  const trimmed = text.trim();
  const first = trimmed.indexOf('+');
  const second = trimmed.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new ProofError('The ledger key is not of the form <name>+<id>+<key>');
  const name = trimmed.slice(0, first);
  const id = trimmed.slice(first + 1, second);
  const bytes = fromBase64(trimmed.slice(second + 1));
  if (bytes.length !== 33 || bytes[0] !== 0x01) throw new ProofError('The ledger key is not an Ed25519 key');
  const publicKey = bytes.slice(1);
  const keyId = await keyIdOf(name, publicKey);
  if (!/^[0-9a-f]{8}$/.test(id) || Number.parseInt(id, 16) !== keyId) {
    throw new ProofError('The ledger key’s ID does not match the key');
  }
  return { name, keyId, publicKey, text: trimmed };
}

/** C2SP tlog-checkpoint: origin, tree size and root hash lines. */
export function parseCheckpoint(text: string): Checkpoint {
  const [origin, sizeText, rootText] = text.replace(/\n$/, '').split('\n');
  if (!origin || !sizeText || !rootText || !/^(0|[1-9]\d*)$/.test(sizeText)) {
    throw new ProofError('The checkpoint is not an origin, a tree size and a root hash');
  }
  const rootHash = fromBase64(rootText);
  if (!isHash(rootHash)) throw new ProofError('The checkpoint’s root is not a SHA-256 hash');
  return { origin, size: Number(sizeText), rootHash };
}

/**
 * Opens a C2SP signed note: the signature by `key` must be there and verify (Ed25519 over the note's
 * text). Returns the checkpoint the text holds.
 */
export async function openCheckpoint(note: string, key: VerifierKey): Promise<Checkpoint> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new ProofError('The checkpoint carries no signature');
  const text = note.slice(0, split + 1);
  const publicKey = await crypto.subtle.importKey('raw', concat(key.publicKey), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  let signed = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/]+=*)$`).exec(line);
    if (!match) throw new ProofError('The checkpoint has a malformed signature line');
    const bytes = fromBase64(match[2]!);
    if (bytes.length < 5) continue;
    const keyId = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
    if (match[1] !== key.name || keyId !== key.keyId) continue;
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      publicKey,
      concat(bytes.slice(4)),
      concat(encoder.encode(text)),
    );
    if (!ok) throw new ProofError('The checkpoint’s signature by the ledger key does not verify');
    signed = true;
  }
  if (!signed) throw new ProofError('The checkpoint is not signed by the ledger key');
  return parseCheckpoint(text);
}

/** Checks a receipt step by step; stops at the first step that fails. */
export async function verifyReceipt(receipt: LedgerReceipt, key: VerifierKey): Promise<ReceiptVerification> {
  const steps: ProofStep[] = [];
  const fail = (step: string, detail: string): ReceiptVerification => {
    steps.push({ step, ok: false, detail });
    return { ok: false, steps, checkpoint: null };
  };
  let checkpoint: Checkpoint;
  try {
    checkpoint = await openCheckpoint(receipt.checkpoint, key);
  } catch (error) {
    return fail('The checkpoint is signed by the ledger', (error as Error).message);
  }
  steps.push({
    step: 'The checkpoint is signed by the ledger',
    ok: true,
    detail: `Ed25519 signature by ${key.name} over a tree of ${checkpoint.size} entries`,
  });
  let commitment: Uint8Array;
  try {
    commitment = await commitmentOf(fromBase64(receipt.salt), receipt.event);
  } catch (error) {
    return fail('The record is what the ledger holds', (error as Error).message);
  }
  if (toBase64(commitment) !== receipt.commitment) {
    return fail(
      'The record is what the ledger holds',
      'The record and its salt do not hash to the ledger entry: the record was changed',
    );
  }
  steps.push({
    step: 'The record is what the ledger holds',
    ok: true,
    detail: `SHA-256(salt ‖ canonical JSON of the record) = ${receipt.commitment}`,
  });
  const leaf = await leafHash(commitment);
  if (toBase64(leaf) !== receipt.leafHash) {
    return fail(
      `The record is entry ${receipt.index} of the signed tree`,
      'The leaf hash is not the hash of the entry',
    );
  }
  if (receipt.inclusionProof.treeSize !== checkpoint.size) {
    return fail(
      `The record is entry ${receipt.index} of the signed tree`,
      'The proof is for another tree than the checkpoint’s',
    );
  }
  let proof: Uint8Array[];
  try {
    proof = receipt.inclusionProof.hashes.map(fromBase64);
  } catch (error) {
    return fail(`The record is entry ${receipt.index} of the signed tree`, (error as Error).message);
  }
  if (!(await verifyInclusion(leaf, receipt.index, checkpoint.size, proof, checkpoint.rootHash))) {
    return fail(
      `The record is entry ${receipt.index} of the signed tree`,
      'The inclusion proof does not lead to the checkpoint’s root hash',
    );
  }
  steps.push({
    step: `The record is entry ${receipt.index} of the signed tree`,
    ok: true,
    detail: `${proof.length} hashes lead from the entry to the root ${toBase64(checkpoint.rootHash)}`,
  });
  return { ok: true, steps, checkpoint };
}

/**
 * Checks that the ledger's latest public checkpoint (signed by the same key) extends the receipt's: the
 * record is still in the ledger everyone sees, not in a tree shown only to this person.
 */
export async function verifyStillPublished(
  receiptCheckpoint: Checkpoint,
  latestNote: string,
  consistency: readonly string[],
  key: VerifierKey,
): Promise<ProofStep> {
  const step = 'The public ledger still holds it';
  try {
    const latest = await openCheckpoint(latestNote, key);
    if (latest.origin !== receiptCheckpoint.origin) {
      return { step, ok: false, detail: 'The latest checkpoint is of another ledger' };
    }
    const ok = await verifyConsistency(
      receiptCheckpoint.size,
      latest.size,
      receiptCheckpoint.rootHash,
      latest.rootHash,
      consistency.map(fromBase64),
    );
    return ok
      ? {
          step,
          ok,
          detail: `The latest public checkpoint (${latest.size} entries) extends the one in the receipt (${receiptCheckpoint.size})`,
        }
      : { step, ok, detail: 'The latest public checkpoint does not extend the one in the receipt' };
  } catch (error) {
    return { step, ok: false, detail: (error as Error).message };
  }
}

export interface RecordCheck extends ReceiptVerification {
  /** The ledger key the check used, to compare with one published elsewhere. */
  key: string;
  receipt: LedgerReceipt | null;
}

/**
 * "Check this record": fetches the receipt of ledger entry `index` (the signed-in person's own), the
 * ledger's key and its latest checkpoint, and checks them all here, in the browser.
 */
export async function checkRecord(index: number, get: typeof fetch = fetch, base = ''): Promise<RecordCheck> {
  const read = async (path: string) => {
    const response = await get(`${base}${path}`, { credentials: 'same-origin' });
    if (!response.ok) throw new ProofError(`${path} answered ${response.status}`);
    return response;
  };
  const keyText = await (await read('/ledger/key')).text();
  const key = await parseVerifierKey(keyText);
  const receipt = (await (await read(`/api/v1/me/access-events/${index}/receipt`)).json()) as LedgerReceipt;
  const result = await verifyReceipt(receipt, key);
  if (!result.ok || !result.checkpoint) return { ...result, key: key.text, receipt };
  const latest = await (await read('/ledger/checkpoint')).text();
  const latestSize = parseCheckpoint(latest.slice(0, latest.lastIndexOf('\n\n') + 1)).size;
  const consistency =
    latestSize === result.checkpoint.size
      ? []
      : (
          (await (
            await read(`/ledger/proof/consistency?from=${result.checkpoint.size}&to=${latestSize}`)
          ).json()) as { hashes: string[] }
        ).hashes;
  const still = await verifyStillPublished(result.checkpoint, latest, consistency, key);
  return {
    ok: still.ok,
    steps: [...result.steps, still],
    checkpoint: result.checkpoint,
    key: key.text,
    receipt,
  };
}
