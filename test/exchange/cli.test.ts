/**
 * `govdx exchange assertion` as a system's operator runs it: from the command, with a key file. It takes the
 * command line's short path (bin/govdx.js), so it loads neither the server nor the sign-in server, and says
 * nothing the operator cannot act on.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'govdx.js');
const work = mkdtempSync(join(tmpdir(), 'govdx-exchange-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('govdx exchange assertion prints a client assertion for the node, and nothing else', async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const key = join(work, 'system.private.jwk');
  writeFileSync(
    key,
    JSON.stringify({
      ...(await exportJWK(privateKey)),
      alg: 'ES256',
      kid: 'housing-agency.benefit-system.1',
    }),
  );
  const { stdout, stderr } = await run(process.execPath, [
    BIN,
    'exchange',
    'assertion',
    '--key',
    key,
    '--url',
    'http://node.example:8080',
  ]);
  assert.equal(stderr, '', 'no warnings about parts the command does not use');
  const jwt = stdout.trim();
  assert.equal(decodeProtectedHeader(jwt).kid, 'housing-agency.benefit-system.1');
  const claims = decodeJwt(jwt);
  assert.equal(claims.iss, 'housing-agency/benefit-system', 'the client ID comes from the key id');
  assert.equal(claims.aud, 'http://node.example:8080/oauth/token');
  assert.equal(claims.exp! - claims.iat!, 60);
});

test('a public key is refused in plain words', async () => {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  const key = join(work, 'system.public.jwk');
  writeFileSync(key, JSON.stringify(await exportJWK(publicKey)));
  await assert.rejects(
    run(process.execPath, [BIN, 'exchange', 'assertion', '--key', key, '--client-id', 'a/b']),
    (error: { code: number; stderr: string }) =>
      error.code === 1 && /is not a private key/.test(error.stderr),
  );
});
