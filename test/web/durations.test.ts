/**
 * One way of writing durations: every page of the web app and every server-rendered page writes a number of
 * days or seconds through domain/words.ts (daysInWords, secondsInWords), so that "730 days" on one page is
 * not "2 years" on another.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

test('no page writes a number of days, hours or years by itself', () => {
  // Age bands ("in bands of 5 years") are widths of a range of ages, not spans of time.
  const handMade = /(?<!bands of )\$\{[^}]*\}\s*(days?|hours?|minutes?|years?)\b/;
  const offenders = [...sources('web/src'), ...sources('src/http'), ...sources('src/demo/housing-app')]
    .filter((file) => handMade.test(readFileSync(file, 'utf8')))
    .map((file) => file.slice(root.length));
  assert.deepEqual(offenders, [], 'write durations with daysInWords or secondsInWords (src/domain/words.ts)');
});
