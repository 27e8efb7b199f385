import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeReturnTo } from '../../src/identity/index.ts';

test('a path on this site is kept as the address to return to after sign-in', () => {
  for (const path of ['/', '/catalog', '/citizen/consents?page=2#top', '/a/b%2Fc']) {
    assert.equal(safeReturnTo(path), path);
  }
});

test('anything a browser could read as another site falls back to /', () => {
  for (const value of [
    undefined,
    '',
    'catalog',
    '//evil.example',
    '//evil.example/path',
    'https://evil.example/',
    'javascript:alert(1)',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
  ]) {
    assert.equal(safeReturnTo(value), '/', JSON.stringify(value));
  }
});
