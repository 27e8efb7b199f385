/** What a linkage job does with scored pairs, given the decisions already taken (registry/link-plan.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairKey, planLinks, type ScoredPair } from '../../src/registry/index.ts';

const pair = (recordKey: string, entityId: string, probability: number): ScoredPair<null> => ({
  recordKey,
  entityId,
  probability,
  weight: Math.log2(probability / (1 - probability)),
  explanation: null,
});
const thresholds = { lower: 0.3, upper: 0.95 };
const none = { humanLinked: new Set<string>(), decided: new Set<string>() };
const keys = (pairs: Array<ScoredPair<null>>) => pairs.map((p) => `${p.recordKey}>${p.entityId}`);

test('one pair at or above the upper threshold links the record; one between the thresholds goes to review', () => {
  const plan = planLinks(
    [pair('a', 'A', 0.99), pair('a', 'B', 0.5), pair('b', 'B', 0.6), pair('c', 'C', 0.1)],
    none,
    thresholds,
  );
  assert.deepEqual(keys(plan.links), ['a>A']);
  assert.deepEqual(keys(plan.review), ['b>B']);
});

test('two sure pairs for one record are doubtful: both go to review', () => {
  const plan = planLinks([pair('a', 'A', 0.99), pair('a', 'B', 0.98)], none, thresholds);
  assert.deepEqual([keys(plan.links), keys(plan.review)], [[], ['a>A', 'a>B']]);
});

test('a rejected pair is never proposed nor linked; a record a steward linked is left alone', () => {
  const decided = { humanLinked: new Set(['b']), decided: new Set([pairKey('a', 'A'), pairKey('b', 'B')]) };
  const plan = planLinks(
    [pair('a', 'A', 0.99), pair('a', 'B', 0.97), pair('b', 'C', 0.99)],
    decided,
    thresholds,
  );
  assert.deepEqual(keys(plan.links), ['a>B']);
  assert.deepEqual(keys(plan.review), []);
  assert.equal(plan.kept, 1);
});
