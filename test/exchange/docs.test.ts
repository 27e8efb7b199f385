/** docs/integrating.md says what works: its curl session and its Node example are run against a seeded node. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { demoKeyDir } from '../../src/demo/index.ts';
import { citizen, startTestbed, type Testbed } from './support.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'integrating.md'), 'utf8');
const example = readFileSync(join(root, 'docs', 'examples', 'call-exchange.mjs'), 'utf8');

/** The fenced block of `language` that contains `marker`. */
function block(language: string, marker: string): string {
  const blocks = [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1]!,
  );
  const found = blocks.find((b) => b.includes(marker));
  assert.ok(found, `docs/integrating.md has a ${language} block with ${marker}`);
  return found;
}

describe('docs/integrating.md', () => {
  let tb: Testbed;
  before(async () => {
    tb = await startTestbed('sqlite');
  });
  after(() => tb?.close());

  test('the Node example in the document is the file, and it gets a record with a receipt', async () => {
    const shown = block('js', 'client_assertion');
    const body = example.slice(example.indexOf('import '));
    assert.equal(shown, body, 'the document shows docs/examples/call-exchange.mjs from its first import');
    const { stdout } = await run(
      process.execPath,
      [join(root, 'docs', 'examples', 'call-exchange.mjs'), citizen('citizen')],
      {
        cwd: root,
        env: {
          ...process.env,
          GOVDX_URL: tb.url,
          GOVDX_KEY: tb.keyFile('housing-agency/benefit-system'),
        },
      },
    );
    const printed = JSON.parse(stdout);
    assert.equal(printed.record.national_id, citizen('citizen'));
    assert.equal(printed.record.date_of_birth, undefined);
    assert.equal((await tb.event(printed.receipt)).outcome, 'allowed');
  });

  test('the curl session works as written, with the demo citizen', async () => {
    const session = block('sh', 'npx govdx exchange assertion')
      .replaceAll('http://localhost:8080', tb.url)
      .replace(
        'data/demo-keys/housing-agency-benefit-system.private.jwk',
        tb.keyFile('housing-agency/benefit-system'),
      );
    assert.ok(session.includes(citizen('citizen')), 'the session asks for the demo citizen');
    assert.ok(
      tb
        .keyFile('housing-agency/benefit-system')
        .startsWith(demoKeyDir({ dataDir: tb.server.fresh.dataDir })),
    );
    const { stdout } = await run('bash', ['-e', '-c', session], { cwd: root, timeout: 60_000 });
    assert.match(stdout, /^HTTP\/1\.1 200/m);
    assert.match(stdout, /^exchange-receipt: \d+/im);
    const record = JSON.parse(stdout.slice(stdout.indexOf('{')));
    assert.deepEqual(Object.keys(record).sort(), [
      'address_id',
      'family_name',
      'given_name',
      'household_id',
      'national_id',
    ]);
  });
});
