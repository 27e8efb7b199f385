import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import {
  generateNoteKey,
  MemoryLedgerStorage,
  resolveSignerKey,
  SIGNER_KEY_SETTING,
} from '../../src/ledger/index.ts';

describe('ledger settings', () => {
  test('the origin defaults to the public URL host followed by /ledger', () => {
    assert.equal(loadConfig({ env: {}, flags: { port: 9000 } }).ledgerOrigin, 'localhost:9000/ledger');
    assert.equal(
      loadConfig({ env: { GOVDX_PUBLIC_URL: 'https://govdx.gov.example/' } }).ledgerOrigin,
      'govdx.gov.example/ledger',
    );
    assert.equal(
      loadConfig({ env: { GOVDX_LEDGER_ORIGIN: 'gov.example/log' } }).ledgerOrigin,
      'gov.example/log',
    );
  });

  test('an origin with a space or a plus sign is refused at start', () => {
    assert.throws(() => loadConfig({ env: { GOVDX_LEDGER_ORIGIN: 'gov example' } }), ConfigError);
    assert.throws(() => loadConfig({ env: {}, flags: { ledgerOrigin: 'gov+example' } }), ConfigError);
  });

  test('the signer key is taken as given, read from a file, or made once and kept', async () => {
    const { signerKey } = generateNoteKey('gov.example/ledger');
    const storage = new MemoryLedgerStorage();
    assert.equal(await resolveSignerKey(storage, 'x', signerKey), signerKey);
    const dir = mkdtempSync(join(tmpdir(), 'govdx-key-'));
    try {
      writeFileSync(join(dir, 'ledger.key'), `${signerKey}\n`);
      assert.equal(await resolveSignerKey(storage, 'x', join(dir, 'ledger.key')), signerKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const made = await resolveSignerKey(storage, 'gov.example/ledger');
    assert.match(made, /^PRIVATE\+KEY\+gov\.example\/ledger\+[0-9a-f]{8}\+/);
    assert.equal(await resolveSignerKey(storage, 'gov.example/ledger'), made);
    assert.equal(storage.settings.get(SIGNER_KEY_SETTING), made);
  });
});
