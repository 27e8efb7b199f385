import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  anonymize,
  bruteForce,
  discernibility,
  encodeTable,
  groupify,
  KeyTable,
  levelEntropies,
  loss,
  nonUniformEntropy,
  parseHierarchy,
  recordCells,
  risk,
  searchOptimum,
  violations,
} from '../../src/disclosure/index.ts';

/**
 * Six records over sex (M, F → *) and age (20, 25 → 20-29; 30, 35 → 30-39; → *). At sex level 0, age level 1
 * the classes are (M,20-29) = {1,2}, (F,30-39) = {3,4}, (M,30-39) = {5}, (F,20-29) = {6}; for k = 2 records 5
 * and 6 are outliers. Every number below is worked out by hand in the comment above its assertion.
 */
const hierarchies = new Map([
  [
    'sex',
    parseHierarchy('sex', [
      ['M', '*'],
      ['F', '*'],
    ]),
  ],
  [
    'age',
    parseHierarchy('age', [
      ['20', '20-29', '*'],
      ['25', '20-29', '*'],
      ['30', '30-39', '*'],
      ['35', '30-39', '*'],
    ]),
  ],
]);
const table = {
  header: ['id', 'sex', 'age'],
  rows: [
    ['1', 'M', '20'],
    ['2', 'M', '25'],
    ['3', 'F', '30'],
    ['4', 'F', '35'],
    ['5', 'M', '30'],
    ['6', 'F', '20'],
  ],
};
const { data } = encodeTable(table, hierarchies, {});
const groups = groupify(data, [0, 1], recordCells(data), new KeyTable());
const outliers = violations(groups, [{ kind: 'k-anonymity', k: 2 }], {
  share: new Float64Array(0),
  labels: [],
});
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

describe('information loss and risk of a transformation, by hand', () => {
  test('the classes and the k = 2 outliers are the ones worked out', () => {
    assert.deepEqual([...groups.classSize].sort(), [1, 1, 2, 2]);
    assert.equal(
      [...groups.classSize].filter((_, c) => outliers[c]).reduce((a, b) => a + b, 0),
      2,
    );
  });

  test('non-uniform entropy: generalisation −Σ a·log2(a/b) plus −Σ s·log2(s/S) over suppressed values', () => {
    // age level 1: values 20, 25, 30, 35 occur 2, 1, 2, 1 times; each range holds 3 records:
    // −(2·log2(2/3) + log2(1/3) + 2·log2(2/3) + log2(1/3)) = 6·log2 3 − 4. sex level 0 costs 0.
    close(levelEntropies(data)[1]![1]!, 6 * Math.log2(3) - 4);
    // Suppressed: record 5 (M, 30-39) and 6 (F, 20-29), S = 2: each attribute −2·(1·log2(1/2)) = 2.
    close(nonUniformEntropy(data, groups, outliers, levelEntropies(data)), 6 * Math.log2(3) - 4 + 4);
  });

  test('discernibility: squares of released classes plus |D| per suppressed record', () => {
    // 2² + 2² + 2 suppressed · 6 records.
    assert.equal(discernibility(groups, outliers, 6), 20);
  });

  test("loss: ARX's normalised domain share per attribute and their geometric mean", () => {
    // sex: 4 released · 1/2 + 2 suppressed = 4; (4 − 6/2) / (6 − 6/2) = 1/3.
    // age: 4 released · 2/4 + 2 suppressed = 4; (4 − 6/4) / (6 − 6/4) = 5/9.
    const result = loss(data, groups, outliers);
    close(result.perAttribute[0]!, 1 / 3);
    close(result.perAttribute[1]!, 5 / 9);
    close(result.aggregate, Math.sqrt((4 / 3) * (14 / 9)) - 1);
  });

  test('risk: two released classes of two records', () => {
    const r = risk(groups, outliers);
    assert.deepEqual(r.prosecutor, { highest: 0.5, average: 0.5 });
    assert.deepEqual(r.journalist, r.prosecutor);
    assert.deepEqual(r.marketer, { highest: 0.5, average: 0.5 });
  });

  test('risk against a population: the journalist and the marketer look the released classes up in it', () => {
    // The released classes (M,20-29) and (F,30-39), two records each, are 4 and 10 people in the population;
    // the suppressed ones count for nothing. Journalist: highest 1/4; average and marketer (2/4 + 2/10) / 4.
    const sizes = new Int32Array(groups.classes);
    for (let c = 0; c < groups.classes; c += 1) {
      if (outliers[c]) continue;
      sizes[c] =
        data.quasi[0]!.values[groups.classRep[c]!] === data.quasi[0]!.hierarchy.leafIds.get('M') ? 4 : 10;
    }
    const r = risk(groups, outliers, sizes);
    assert.deepEqual(r.prosecutor, { highest: 0.5, average: 0.5 });
    close(r.journalist.highest, 1 / 4);
    close(r.journalist.average, (2 / 4 + 2 / 10) / 4);
    close(r.marketer.average, (2 / 4 + 2 / 10) / 4);
  });

  test('anonymize() with a population: a sample of it, with the population counted under the same levels', () => {
    // The table is records 1, 3 and 4 of a population of all six; at k = 1, (sex, age) levels (0, 0) keep
    // every record as it is. In the population (M,20), (F,30) and (F,35) are one person each: F = f = 1.
    // Generalised to (*, *) at k = 3, the one class of 3 is 6 people: journalist 1/6, marketer 3/6 / 3.
    const sample = { header: table.header, rows: [table.rows[0]!, table.rows[2]!, table.rows[3]!] };
    const result = anonymize(sample, hierarchies, { k: 3, suppressionLimit: 0, population: table });
    assert.deepEqual(result.report.transformation, { sex: 1, age: 2 });
    close(result.report.risk.prosecutor.highest, 1 / 3);
    close(result.report.risk.journalist.highest, 1 / 6);
    close(result.report.risk.marketer.average, 3 / 6 / 3);
    assert.throws(
      () => anonymize(table, hierarchies, { k: 3, suppressionLimit: 0, population: sample }),
      /must hold every record/,
    );
  });

  test('with a third of the records suppressible, generalising sex and suppressing 25 and 35 is optimal', () => {
    // (sex 1, age 0): classes (*,20) = 2, (*,25) = 1, (*,30) = 2, (*,35) = 1 → 2 outliers.
    // Loss: sex −6·log2(3/6) = 6; suppressed 25 and 35 cost 2 in age and 0 in sex (both "*"): 8 < 6·log2 3.
    const problem = { data, models: [{ kind: 'k-anonymity', k: 2 }] as const, suppressionLimit: 1 / 3 };
    const found = searchOptimum(problem).optimum!;
    assert.deepEqual(found.levels, [1, 0]);
    close(found.loss, 8);
    assert.equal(found.suppressed, 2);
    assert.deepEqual(bruteForce(problem).optimum, found);
  });

  test('without suppression the optimum generalises to 6·log2 3 + 2, where (1,1) and (0,2) tie', () => {
    // (1,1): 6 + (6·log2 3 − 4); (0,2): −(2·2·log2(2/6) + 2·log2(1/6)) = 6·log2 3 + 2.
    const found = searchOptimum({ data, models: [{ kind: 'k-anonymity', k: 2 }], suppressionLimit: 0 })
      .optimum!;
    close(found.loss, 6 * Math.log2(3) + 2);
    assert.ok(['1,1', '0,2'].includes(found.levels.join(',')));
  });
});
