/** docs/consent.md says what the code does: its table of attribute scopes is the catalog's. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ATTRIBUTES } from '../../src/consent/index.ts';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'consent.md'), 'utf8');

test('docs/consent.md lists every attribute scope with its words and the fields it reads', () => {
  const rows = new Map(
    [...doc.matchAll(/^\| `([a-z]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [
      m[1]!,
      [m[2]!.trim(), m[3]!.trim()],
    ]),
  );
  for (const attribute of ATTRIBUTES.values()) {
    const row = rows.get(attribute.scope);
    assert.ok(row, `the table has a row for ${attribute.scope}`);
    assert.equal(row[0], attribute.label);
    const reads = attribute.reads
      .map((r) => `${r.provider}/${r.service}: ${r.fields.join(', ')}`)
      .join(', then ');
    assert.equal(row[1], reads, `the fields of ${attribute.scope}`);
  }
  assert.deepEqual([...rows.keys()], [...ATTRIBUTES.keys()], 'and no other, in the same order');
});
