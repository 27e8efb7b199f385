/** What a change feed tells a subscriber (src/domain/change-feed.ts), without a server. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedWants, releasedChanges, unreleasedFields } from '../../src/domain/index.ts';

const RELEASED = ['national_id', 'address_id', 'birth_place.country'];

test('a subscriber is told only of the changed fields its agreement releases', () => {
  assert.deepEqual(releasedChanges(['address_id', 'date_of_birth'], RELEASED), ['address_id']);
  assert.deepEqual(releasedChanges(['date_of_birth'], RELEASED), []);
});

test('a changed object names the released field inside it; a changed field inside a released one is itself', () => {
  assert.deepEqual(releasedChanges(['birth_place'], RELEASED), ['birth_place.country']);
  assert.deepEqual(releasedChanges(['birth_place.municipality'], RELEASED), []);
  assert.deepEqual(releasedChanges(['address.postcode'], ['address']), ['address.postcode']);
});

test('a created or updated record goes only when a released field changed, one asked for if any are', () => {
  const all = { kinds: [], fields: [] };
  assert.equal(feedWants(all, 'updated', ['address_id']), true);
  assert.equal(feedWants(all, 'updated', []), false, 'nothing the subscriber may know of changed');
  const moves = { kinds: [], fields: ['address_id'] };
  assert.equal(feedWants(moves, 'updated', ['national_id']), false);
  assert.equal(feedWants(moves, 'created', ['national_id', 'address_id']), true);
});

test('kinds narrow the feed, and a deletion passes any field filter', () => {
  const births = { kinds: ['created'] as const, fields: [] };
  assert.equal(feedWants(births, 'updated', ['address_id']), false);
  assert.equal(feedWants(births, 'created', ['address_id']), true);
  assert.equal(feedWants({ kinds: [], fields: ['address_id'] }, 'deleted', []), true);
});

test('a subscription may ask only for released fields, or fields inside them', () => {
  assert.deepEqual(unreleasedFields(['address_id', 'date_of_birth'], RELEASED), ['date_of_birth']);
  assert.deepEqual(unreleasedFields(['address.postcode'], ['address']), []);
  assert.deepEqual(unreleasedFields(['birth_place'], RELEASED), ['birth_place']);
});
