/**
 * C2SP signed-note with Ed25519 (https://c2sp.org/signed-note): a text ending in a newline, an empty
 * line, and signature lines `— <key name> <base64(key ID ‖ signature)>`. The key ID is the first four
 * bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key). Keys are written as in golang.org/x/mod/sumdb/note:
 * verifier key `<name>+<key ID hex>+<base64(0x01 ‖ public key)>`, signer key
 * `PRIVATE+KEY+<name>+<key ID hex>+<base64(0x01 ‖ private seed)>`.
 *
 * The Ed25519 signing itself is node:crypto's.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

const ALG_ED25519 = 0x01;
const EM_DASH = '\u2014';
/** PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410): lets node:crypto import the 32 bytes. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class NoteError extends Error {
  override name = 'NoteError';
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  key: KeyObject;
  /** The verifier key text, `<name>+<id>+<base64>`. */
  text: string;
}

export interface NoteSigner {
  name: string;
  keyId: number;
  key: KeyObject;
  verifier: NoteVerifier;
}

/** Key names must be non-empty, with no Unicode spaces and no plus sign. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasControlCharacter(name, false);
}

/** True when `text` holds a character below U+0020 (a newline counts only when `newlineToo`). */
function hasControlCharacter(text: string, newlineToo: boolean): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && (newlineToo || code !== 0x0a)) return true;
  }
  return false;
}

/** signed-note: key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], as a big-endian uint32. */
export function keyIdOf(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ALG_ED25519]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

function verifierFrom(name: string, publicKey: Buffer): NoteVerifier {
  const keyId = keyIdOf(name, publicKey);
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
    format: 'jwk',
  });
  const encoded = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]).toString('base64');
  return { name, keyId, publicKey, key, text: `${name}+${hex8(keyId)}+${encoded}` };
}

function signerFrom(name: string, seed: Buffer): NoteSigner {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const verifier = verifierFrom(name, Buffer.from(String(jwk.x), 'base64url'));
  return { name, keyId: verifier.keyId, key, verifier };
}

/** A new Ed25519 key pair named `name`: the signer key text (keep it secret) and the verifier key text. */
export function generateNoteKey(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw new NoteError(`"${name}" cannot be a key name (no spaces, no "+")`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(String(jwk.d), 'base64url');
  const verifier = verifierFrom(name, Buffer.from(String(jwk.x), 'base64url'));
  const encoded = Buffer.concat([Buffer.from([ALG_ED25519]), seed]).toString('base64');
  return { signerKey: `PRIVATE+KEY+${name}+${hex8(verifier.keyId)}+${encoded}`, verifierKey: verifier.text };
}

function decodeKeyMaterial(encoded: string, what: string): Buffer {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64') !== encoded) throw new NoteError(`The ${what} is not valid base64`);
  if (bytes.length !== 33 || bytes[0] !== ALG_ED25519) {
    throw new NoteError(`The ${what} is not an Ed25519 key (type byte 0x01 and 32 bytes)`);
  }
  return bytes.subarray(1);
}

/** Splits a key text at its first `count - 1` plus signs (the base64 key at the end may hold more). */
function splitKey(text: string, count: number): string[] | null {
  const parts: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i += 1) {
    const at = rest.indexOf('+');
    if (at < 0) return null;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/** Parses `PRIVATE+KEY+<name>+<id>+<base64>`; checks that the key ID matches the key. */
export function parseSignerKey(text: string): NoteSigner {
  const parts = splitKey(text.trim(), 5);
  if (parts?.[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new NoteError('A signer key has the form PRIVATE+KEY+<name>+<key id>+<base64 key>');
  }
  const [, , name, id, encoded] = parts as [string, string, string, string, string];
  if (!isValidKeyName(name)) throw new NoteError(`"${name}" cannot be a key name`);
  const signer = signerFrom(name, decodeKeyMaterial(encoded, 'signer key'));
  if (!/^[0-9a-f]{8}$/.test(id) || Number.parseInt(id, 16) !== signer.keyId) {
    throw new NoteError(`The signer key's ID ${id} does not match its key (expected ${hex8(signer.keyId)})`);
  }
  return signer;
}

/** Parses `<name>+<id>+<base64>`; checks that the key ID matches the key. */
export function parseVerifierKey(text: string): NoteVerifier {
  const parts = splitKey(text.trim(), 3);
  if (!parts) throw new NoteError('A verifier key has the form <name>+<key id>+<base64 key>');
  const [name, id, encoded] = parts as [string, string, string];
  if (!isValidKeyName(name)) throw new NoteError(`"${name}" cannot be a key name`);
  const verifier = verifierFrom(name, decodeKeyMaterial(encoded, 'verifier key'));
  if (!/^[0-9a-f]{8}$/.test(id) || Number.parseInt(id, 16) !== verifier.keyId) {
    throw new NoteError(
      `The verifier key's ID ${id} does not match its key (expected ${hex8(verifier.keyId)})`,
    );
  }
  return verifier;
}

/** Signs `text` (which must end in a newline) and returns the signed note. */
export function signNote(text: string, signer: NoteSigner): string {
  checkText(text);
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.key);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signer.keyId);
  return `${text}\n${EM_DASH} ${signer.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('A note text ends in a newline');
  if (hasControlCharacter(text, false)) throw new NoteError('A note has no control characters');
}

export interface OpenedNote {
  text: string;
  /** The verifiers whose signatures checked out. */
  verifiedBy: NoteVerifier[];
}

/**
 * Splits a signed note and verifies it: at least one signature by a known key must verify, and a
 * signature by a known key that does not verify rejects the note. Signatures by unknown keys are ignored.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('The note has no signature block');
  const text = note.slice(0, split + 1);
  checkText(text);
  const lines = note.slice(split + 2, -1).split('\n');
  const verifiedBy: NoteVerifier[] = [];
  for (const line of lines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
    if (!match) throw new NoteError(`Malformed signature line: ${JSON.stringify(line)}`);
    const bytes = Buffer.from(match[2]!, 'base64');
    if (bytes.length < 5) throw new NoteError('A signature is shorter than its key ID');
    const keyId = bytes.readUInt32BE(0);
    const known = verifiers.find((v) => v.name === match[1] && v.keyId === keyId);
    if (!known) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), known.key, bytes.subarray(4))) {
      throw new NoteError(`The signature by ${known.name} (key ${hex8(keyId)}) does not verify`);
    }
    verifiedBy.push(known);
  }
  if (verifiedBy.length === 0) {
    const names = verifiers.map((v) => `${v.name}+${hex8(v.keyId)}`).join(', ');
    throw new NoteError(`The note carries no signature by a trusted key (${names})`);
  }
  return { text, verifiedBy };
}
