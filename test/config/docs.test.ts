import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ConfigSchema, defaults, SETTINGS, settingsTable } from '../../src/config/index.ts';

describe('configuration declared once', () => {
  test('the table "Every setting" in docs/configuration.md is the one the config schema renders', () => {
    const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const table = /^\| Setting \(config file key\) \|.*\n(?:\|.*\n)*/m.exec(docs)?.[0].trimEnd();
    assert.ok(table, 'docs/configuration.md has the table');
    assert.equal(table, settingsTable(), 'run `node scripts/config-docs.js` to rewrite the docs table');
  });

  test('each setting names its environment variable and flag after its key, and has a default or is optional', () => {
    for (const s of SETTINGS) {
      const words = s.key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
      assert.equal(s.env, `GOVDX_${words}`);
      assert.equal(s.flag, `--${words.toLowerCase().replaceAll('_', '-')}`);
      const optional = !new Set<string>(ConfigSchema.required).has(s.key);
      assert.ok(optional || s.schema.default !== undefined, `${s.key} has a default`);
      assert.ok(s.description.length > 0);
    }
    assert.equal(Object.keys(defaults()).length, SETTINGS.length);
  });

  test('`govdx serve --help` lists every setting with its environment variable and default', () => {
    const bin = new URL('../../bin/govdx.js', import.meta.url).pathname;
    const help = spawnSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const s of SETTINGS) {
      assert.ok(help.stdout.includes(`${s.flag} <value>`), `${s.flag} is in --help`);
      assert.ok(help.stdout.includes(`[env ${s.env}; default `), `${s.env} is in --help`);
    }
  });
});
