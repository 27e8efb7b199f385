import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  canonicalJson,
  commitmentOf,
  decodeEntryBundle,
  encodeEntryBundle,
  encodeTileIndex,
  extendTree,
  formatCheckpoint,
  generateNoteKey,
  keyIdOf,
  leafHash,
  NoteError,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseTileIndexPath,
  parseTileLevel,
  parseVerifierKey,
  rootFromEdge,
  signCheckpoint,
  signNote,
  tilePath,
  tilesOfTree,
} from '../../src/ledger/index.ts';

// golang.org/x/mod/sumdb/note's documented example: its keys, text and signature (Ed25519 is
// deterministic, so signing the text with the key must give this exact note).
const GO_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes (C2SP signed-note, Ed25519)', () => {
  test('signing the Go example text with its key gives the published note, byte for byte', () => {
    const signer = parseSignerKey(GO_SIGNER);
    assert.equal(signer.verifier.text, GO_VERIFIER);
    assert.equal(signNote(GO_TEXT, signer), GO_NOTE);
  });

  test('the published note opens with the published verifier key', () => {
    const opened = openNote(GO_NOTE, [parseVerifierKey(GO_VERIFIER)]);
    assert.equal(opened.text, GO_TEXT);
  });

  test('the key ID is SHA-256(name, newline, 0x01, public key), first four bytes', () => {
    const { verifierKey } = generateNoteKey('gov.example/ledger');
    const [name, id, encoded] = [
      verifierKey.slice(0, verifierKey.indexOf('+')),
      verifierKey.split('+')[1]!,
      verifierKey.split('+').slice(2).join('+'),
    ];
    const typeAndKey = Buffer.from(encoded, 'base64');
    assert.equal(typeAndKey[0], 0x01);
    assert.equal(typeAndKey.length, 33);
    const byHand = createHash('sha256')
      .update(`${name}\n`)
      .update(typeAndKey)
      .digest()
      .subarray(0, 4)
      .toString('hex');
    assert.equal(id, byHand);
    assert.equal(keyIdOf(name, typeAndKey.subarray(1)).toString(16).padStart(8, '0'), byHand);
  });

  test('a signature line verifies with node:crypto alone: em dash, key name, base64 of key ID and signature', () => {
    const { signerKey, verifierKey } = generateNoteKey('gov.example/ledger');
    const note = signNote('hello\n', parseSignerKey(signerKey));
    const match = /^hello\n\n\u2014 gov\.example\/ledger (\S+)\n$/.exec(note);
    assert.ok(match, note);
    const bytes = Buffer.from(match[1]!, 'base64');
    assert.equal(bytes.subarray(0, 4).toString('hex'), verifierKey.split('+')[1]);
    const raw = Buffer.from(verifierKey.split('+').slice(2).join('+'), 'base64').subarray(1);
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    assert.ok(verify(null, Buffer.from('hello\n'), key, bytes.subarray(4)));
  });

  test('a changed text, a wrong key and a missing signature are all refused', () => {
    const verifier = parseVerifierKey(GO_VERIFIER);
    assert.throws(() => openNote(GO_NOTE.replace('cryptography', 'cryptographY'), [verifier]), NoteError);
    const other = parseVerifierKey(generateNoteKey('PeterNeumann').verifierKey);
    assert.throws(() => openNote(GO_NOTE, [other]), /no signature by a trusted key/);
    assert.throws(() => openNote(GO_TEXT, [verifier]), NoteError);
  });

  test('a key whose ID does not match its key is refused', () => {
    assert.throws(() => parseVerifierKey(GO_VERIFIER.replace('c74f20a3', 'c74f20a4')), /does not match/);
    assert.throws(() => parseSignerKey(GO_SIGNER.replace('c74f20a3', '00000000')), /does not match/);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const root = createHash('sha256').update('root').digest();

  test('a checkpoint is the origin, the decimal size and the base64 root, each on its own line', () => {
    assert.equal(
      formatCheckpoint({ origin: 'gov.example/ledger', size: 1234, rootHash: root }),
      `gov.example/ledger\n1234\n${root.toString('base64')}\n`,
    );
  });

  test('a signed checkpoint opens with the verifier key and gives back its fields', () => {
    const { signerKey, verifierKey } = generateNoteKey('gov.example/ledger');
    const signed = signCheckpoint(
      { origin: 'gov.example/ledger', size: 7, rootHash: root },
      parseSignerKey(signerKey),
    );
    const opened = openCheckpoint(signed.note, [parseVerifierKey(verifierKey)]);
    assert.equal(opened.size, 7);
    assert.ok(opened.rootHash.equals(root));
    assert.equal(opened.origin, 'gov.example/ledger');
  });

  test('sizes with leading zeroes, short hashes and missing lines are refused', () => {
    const b64 = root.toString('base64');
    assert.throws(() => parseCheckpoint(`o\n012\n${b64}\n`), /tree size/);
    assert.throws(() => parseCheckpoint(`o\n12\n${b64.slice(4)}\n`), /root hash/);
    assert.throws(() => parseCheckpoint('o\n12\n'), /origin, a tree size and a root hash/);
    assert.throws(() => parseCheckpoint(`o\n12\n${b64}`), /newline/);
    assert.equal(parseCheckpoint(`o\n0\n${b64}\nextension\n`).extensions[0], 'extension');
  });
});

describe('the worked example of docs/ledger.md', () => {
  test('its checkpoint is the signed tree of SHA-256("entry 0") … SHA-256("entry 69999") under its key', () => {
    const doc = readFileSync(new URL('../../docs/ledger.md', import.meta.url), 'utf8');
    const note = /```\n(gov\.example\/ledger\n70000\n[\s\S]*?\n)```/.exec(doc)![1]!;
    const key = /`(gov\.example\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+)`/.exec(doc)![1]!;
    const checkpoint = openCheckpoint(note, [parseVerifierKey(key)]);
    const leaves = Array.from({ length: 70000 }, (_, i) =>
      leafHash(createHash('sha256').update(`entry ${i}`).digest()),
    );
    assert.ok(checkpoint.rootHash.equals(rootFromEdge(extendTree(0, [], leaves).edge)));
    assert.match(doc, /\/ledger\/tile\/0\/273\.p\/112/);
  });
});

describe('tiles (C2SP tlog-tiles)', () => {
  test('tile indexes are written in 3-digit groups, all but the last prefixed with x', () => {
    assert.equal(encodeTileIndex(1234067), 'x001/x234/067');
    assert.equal(encodeTileIndex(0), '000');
    assert.equal(encodeTileIndex(999), '999');
    assert.equal(encodeTileIndex(1000), 'x001/000');
    assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
    assert.equal(tilePath({ level: 'entries', index: 5, width: 17 }), 'tile/entries/005.p/17');
  });

  test('only the canonical spelling of a tile path parses', () => {
    assert.deepEqual(parseTileIndexPath('x001/x234/067'), { index: 1234067, width: 256 });
    assert.deepEqual(parseTileIndexPath('067.p/5'), { index: 67, width: 5 });
    for (const bad of [
      '67',
      'x000/067',
      '067.p/0',
      '067.p/256',
      '067.p/05',
      'x001/234/067',
      '067/',
      'x067',
    ]) {
      assert.equal(parseTileIndexPath(bad), null, bad);
    }
    assert.equal(parseTileLevel('0'), 0);
    assert.equal(parseTileLevel('63'), 63);
    for (const bad of ['01', '64', '-1', 'a']) assert.equal(parseTileLevel(bad), null, bad);
  });

  test('a tree of 70,000 has the tiles of the tlog-tiles example', () => {
    const tiles = tilesOfTree(70000);
    const level0 = tiles.filter((t) => t.level === 0);
    assert.equal(level0.filter((t) => t.width === 256).length, 273);
    assert.deepEqual(level0.at(-1), { level: 0, index: 273, width: 112 });
    assert.deepEqual(
      tiles.filter((t) => t.level === 1),
      [
        { level: 1, index: 0, width: 256 },
        { level: 1, index: 1, width: 17 },
      ],
    );
    assert.deepEqual(
      tiles.filter((t) => t.level === 2),
      [{ level: 2, index: 0, width: 1 }],
    );
    assert.deepEqual(tilesOfTree(256), [
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
  });

  test('an entry bundle is each entry behind its big-endian uint16 length', () => {
    const bundle = encodeEntryBundle([Buffer.from('ab'), Buffer.alloc(0), Buffer.alloc(300, 7)]);
    assert.equal(bundle.subarray(0, 4).toString('hex'), '00026162');
    assert.equal(bundle.subarray(4, 6).toString('hex'), '0000');
    assert.equal(bundle.subarray(6, 8).toString('hex'), '012c');
    assert.equal(bundle.length, 2 + 2 + 2 + 2 + 300);
    assert.deepEqual(
      decodeEntryBundle(bundle).map((e) => e.length),
      [2, 0, 300],
    );
    assert.throws(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1)), /ends inside an entry/);
  });
});

describe('commitments (RFC 8785 canonical JSON)', () => {
  test('the RFC 8785 §3.2.2 example canonicalizes as the RFC shows', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('keys sort by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\ud83d\ude00': 'Emoji',
      '\u0080': 'Control',
      '\u00f6': 'o',
    };
    // The values in the order their keys come out (JSON.parse would reorder the integer-like key "1").
    const order = [...canonicalJson(input).matchAll(/:"([A-Za-z]+)"/g)].map((m) => m[1]);
    assert.deepEqual(order, ['CR', 'One', 'Control', 'o', 'Euro', 'Emoji', 'Hebrew']);
  });

  test('the commitment is SHA-256 of the salt followed by the canonical JSON', () => {
    const salt = Buffer.alloc(32, 0xab);
    const event = { kind: 'access', subject: '38001010000', at: '2025-01-01T00:00:00.000Z' };
    const byHand = createHash('sha256')
      .update(salt)
      .update('{"at":"2025-01-01T00:00:00.000Z","kind":"access","subject":"38001010000"}')
      .digest();
    assert.ok(commitmentOf(salt, canonicalJson(event)).equals(byHand));
    assert.ok(
      commitmentOf(salt, canonicalJson({ ...event, subject: '38001010001' })).equals(byHand) === false,
    );
  });
});
