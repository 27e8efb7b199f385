import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entityOf, scorePairs, truePairs } from '../../../src/registry/linkage/truth.ts';
import { febrlRows } from './febrl-files.ts';

const DEDUPE_IDS = ['rec-1-org', 'rec-1-dup-0', 'rec-2-org', 'rec-3-dup-0', 'rec-1-dup-1', 'rec-3-org'];
/** By hand: entity 1 has 3 records (3 pairs), entity 2 one (none), entity 3 two (1 pair). */
const DEDUPE_PAIRS = [
  ['rec-1-org', 'rec-1-dup-0'],
  ['rec-1-org', 'rec-1-dup-1'],
  ['rec-1-dup-0', 'rec-1-dup-1'],
  ['rec-3-dup-0', 'rec-3-org'],
];
const LEFT = ['rec-1-org', 'rec-2-org', 'rec-3-org'];
const RIGHT = ['rec-3-dup-0', 'rec-1-dup-0', 'rec-4-dup-0'];

const unordered = (pairs: Iterable<readonly [string, string]>) =>
  new Set([...pairs].map((p) => [...p].sort().join(' ')));

describe('entityOf', () => {
  test('an original and its duplicates name the same entity', () => {
    assert.equal(entityOf('rec-12-org'), '12');
    assert.equal(entityOf('rec-12-dup-3'), '12');
    assert.equal(entityOf('rec-0-dup-0'), '0');
  });

  test('refuses an id that is not in the FEBRL form', () => {
    for (const id of ['rec-12', '12', 'rec-x-org', 'rec-12-dup-', 'rec-12-org '])
      assert.throws(() => entityOf(id));
  });
});

describe('truePairs for one file (dedupe)', () => {
  test('counts every pair of records of the same entity, once', () => {
    const truth = truePairs(DEDUPE_IDS);
    assert.equal(truth.count, 4);
    assert.deepEqual(unordered(truth.pairs()), unordered(DEDUPE_PAIRS as [string, string][]));
    assert.equal([...truth.pairs()].length, 4);
  });

  test('a match does not depend on the order of the pair', () => {
    const truth = truePairs(DEDUPE_IDS);
    assert.equal(truth.isMatch('rec-1-dup-1', 'rec-1-org'), true);
    assert.equal(truth.isMatch('rec-1-org', 'rec-1-dup-1'), true);
    assert.equal(truth.isMatch('rec-1-org', 'rec-3-org'), false);
  });

  test('refuses a record id given twice', () => {
    assert.throws(() => truePairs(['rec-1-org', 'rec-1-org']));
  });

  test("finds FEBRL dataset3's 6,538 true duplicate pairs", () => {
    assert.equal(truePairs(febrlRows('dataset3.csv').map((r) => r.rec_id)).count, 6538);
  });

  test("finds dataset2's 1,934 true duplicate pairs", () => {
    // Group sizes counted with awk over the rec_ids (`awk -F', ' '{split($1,a,"-"); print a[2]}' | sort |
    // uniq -c`): 3,572 entities of 1 record, 114 of 2, 141 of 3, 107 of 4, 47 of 5, 19 of 6; so
    // 114·1 + 141·3 + 107·6 + 47·10 + 19·15 = 1,934 pairs.
    assert.equal(truePairs(febrlRows('dataset2.csv').map((r) => r.rec_id)).count, 1934);
  });
});

describe('truePairs for two files (linkage)', () => {
  test('pairs a left and a right record of the same entity', () => {
    const truth = truePairs(LEFT, RIGHT);
    assert.equal(truth.count, 2);
    assert.deepEqual([...truth.pairs()].sort(), [
      ['rec-1-org', 'rec-1-dup-0'],
      ['rec-3-org', 'rec-3-dup-0'],
    ]);
  });

  test('counts left × right records of each entity', () => {
    const truth = truePairs(['rec-1-org', 'rec-1-dup-5'], ['rec-1-dup-0', 'rec-1-dup-1', 'rec-1-dup-2']);
    assert.equal(truth.count, 6);
    assert.equal([...truth.pairs()].length, 6);
  });
});

describe('scorePairs', () => {
  test('dedupe: a pair in either order or predicted twice counts once', () => {
    const predicted: [string, string][] = [
      ['rec-1-dup-0', 'rec-1-org'],
      ['rec-1-org', 'rec-1-dup-0'],
      ['rec-1-org', 'rec-1-dup-1'],
      ['rec-2-org', 'rec-3-org'],
    ];
    // By hand: 2 true positives, 1 false positive, 2 of the 4 true pairs missed.
    assert.deepEqual(scorePairs(predicted, truePairs(DEDUPE_IDS)), {
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 2,
      precision: 2 / 3,
      recall: 1 / 2,
      f1: 4 / 7,
    });
  });

  test('every true pair predicted scores 1 on each measure', () => {
    const truth = truePairs(DEDUPE_IDS);
    const score = scorePairs(truth.pairs(), truth);
    assert.deepEqual([score.precision, score.recall, score.f1, score.falseNegatives], [1, 1, 1, 0]);
  });

  test('nothing predicted: no positives, every true pair missed, measures 0', () => {
    assert.deepEqual(scorePairs([], truePairs(DEDUPE_IDS)), {
      truePositives: 0,
      falsePositives: 0,
      falseNegatives: 4,
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  test('linkage: pairs are (left, right)', () => {
    const score = scorePairs(
      [
        ['rec-1-org', 'rec-1-dup-0'],
        ['rec-2-org', 'rec-3-dup-0'],
      ],
      truePairs(LEFT, RIGHT),
    );
    assert.deepEqual(score, {
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
    assert.throws(() => scorePairs([['rec-1-dup-0', 'rec-1-org']], truePairs(LEFT, RIGHT)));
  });

  test('refuses a pair naming an unknown record or a record with itself', () => {
    const truth = truePairs(DEDUPE_IDS);
    assert.throws(() => scorePairs([['rec-1-org', 'rec-9-org']], truth));
    assert.throws(() => scorePairs([['rec-1-org', 'rec-1-org']], truth));
  });

  test('a perfect dedupe of dataset3 finds all 6,538 pairs and nothing else', () => {
    const truth = truePairs(febrlRows('dataset3.csv').map((r) => r.rec_id));
    const score = scorePairs(truth.pairs(), truth);
    assert.equal(score.truePositives, 6538);
    assert.equal(score.falsePositives, 0);
  });
});
