import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DisclosureError, encodeColumn, parseHierarchy } from '../../src/disclosure/index.ts';

const age = parseHierarchy('age', [
  ['20', '20-29', '*'],
  ['25', '20-29', '*'],
  ['30', '30-39', '*'],
]);

const refusal = (code: string, pattern: RegExp) => (error: unknown) =>
  error instanceof DisclosureError && error.code === code && pattern.test(error.message);

describe('hierarchies', () => {
  test('every level maps each original value to its generalised id, and counts the values under it', () => {
    assert.equal(age.height, 3);
    assert.deepEqual(age.labels, [['20', '25', '30'], ['20-29', '30-39'], ['*']]);
    assert.deepEqual([...age.up[1]!], [0, 0, 1]);
    assert.deepEqual([...age.up[2]!], [0, 0, 0]);
    assert.deepEqual([...age.leaves[1]!], [2, 1]);
    assert.equal(age.domainSize, 3);
  });

  test('a value missing from its hierarchy is refused with its row, column and value', () => {
    assert.throws(
      () => encodeColumn(age, ['20', '30', '41']),
      refusal('VALUE_NOT_IN_HIERARCHY', /Row 3 \(line 4 counting the header\), column "age": the value "41"/),
    );
  });

  test('rows with different numbers of levels are refused', () => {
    assert.throws(
      () => parseHierarchy('sex', [['M', '*'], ['F']]),
      refusal('BAD_HIERARCHY', /1 levels in row 2/),
    );
  });

  test('an original value listed twice is refused', () => {
    assert.throws(
      () =>
        parseHierarchy('sex', [
          ['M', '*'],
          ['M', '*'],
        ]),
      refusal('BAD_HIERARCHY', /"M" twice/),
    );
  });

  test('a hierarchy that is not a tree is refused, since classes could not be rolled up', () => {
    assert.throws(
      () =>
        parseHierarchy('age', [
          ['20', '20-29', 'young'],
          ['25', '20-29', 'old'],
        ]),
      refusal('BAD_HIERARCHY', /not a tree: "20-29" at level 1 generalises to both "young" and "old"/),
    );
  });

  test('an empty hierarchy is refused', () => {
    assert.throws(() => parseHierarchy('sex', []), refusal('BAD_HIERARCHY', /no rows/));
  });
});
