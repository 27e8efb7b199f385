/**
 * Reading a record-linkage explanation file in the browser (web/src/linkage-explanation.ts): each line is
 * a pair or a problem that names its line; the parts of a pair must add up to its weight, in the file's
 * order, within 1e-9; the waterfall runs from the prior through each comparison to the total.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bitsText,
  chanceText,
  type PairExplanation,
  percentText,
  probabilityOf,
  readExplanationFile,
  readLine,
  sortPairs,
  waterfallSteps,
} from '../../web/src/linkage-explanation.ts';

function pair(weights: number[], prior = -12): PairExplanation {
  const weight = weights.reduce((sum, w) => sum + w, prior);
  return {
    left_id: 'A-1',
    right_id: 'B-7',
    match_weight: weight,
    match_probability: probabilityOf(weight),
    prior: { probability: 2 ** prior / (1 + 2 ** prior), weight: prior },
    comparisons: weights.map((w, index) => ({
      comparison: `field_${index}`,
      label: `Field ${index}`,
      level: w > 0 ? 'Exactly the same' : 'Different',
      left: 'x',
      right: w > 0 ? 'x' : 'y',
      m: 0.9,
      u: 0.01,
      term_frequency_adjustment: 0,
      weight: w,
    })),
  };
}

describe('reading an explanation file', () => {
  test('a well-formed line is a pair; a blank line is nothing', () => {
    const result = readLine(JSON.stringify(pair([6.5, 8, -2.25])), 1);
    assert.ok(result && 'pair' in result);
    assert.equal(result.pair.match_weight, 0.25);
    assert.equal(readLine('   ', 2), null);
  });

  test('a line that is not JSON is named by its number', () => {
    const result = readLine('{"left_id": "A-1",', 4);
    assert.ok(result && 'problem' in result);
    assert.match(result.problem.message, /^Line 4 is not valid JSON \(/);
  });

  test('a missing or mistyped field is named, with the comparison it belongs to', () => {
    const { match_probability: _, ...noProbability } = pair([1]);
    const missing = readLine(JSON.stringify(noProbability), 2);
    assert.deepEqual(missing, {
      problem: { line: 2, message: 'Line 2: it has no “match_probability” (a number from 0 to 1).' },
    });

    const wrong = pair([1, 2]);
    (wrong.comparisons[1] as unknown as Record<string, unknown>).u = 'often';
    const mistyped = readLine(JSON.stringify(wrong), 3);
    assert.ok(mistyped && 'problem' in mistyped);
    assert.equal(
      mistyped.problem.message,
      'Line 3: the “u” of the 2nd comparison (Field 1) is not a number from 0 to 1, or null: it is "often".',
    );
  });

  test('parts that do not add up to the weight within 1e-9 are refused, with both sums', () => {
    const off = { ...pair([6.5, 8]), match_weight: 2.6 };
    off.match_probability = probabilityOf(2.6);
    const result = readLine(JSON.stringify(off), 5);
    assert.ok(result && 'problem' in result);
    assert.match(
      result.problem.message,
      /^Line 5: the parts do not add up: .* 2\.5 bits, but the match weight is 2\.6 bits\.$/,
    );

    const close = { ...pair([6.5, 8]), match_weight: 2.5 + 5e-10 };
    close.match_probability = probabilityOf(close.match_weight);
    const within = readLine(JSON.stringify(close), 6);
    assert.ok(within && 'pair' in within, JSON.stringify(within));
  });

  test('a chance that its weight does not give is refused', () => {
    const result = readLine(JSON.stringify({ ...pair([6.5, 8]), match_probability: 0.5 }), 7);
    assert.ok(result && 'problem' in result);
    assert.match(
      result.problem.message,
      /^Line 7: the match probability 0\.5 is not the one its weight gives/,
    );
  });

  test('a whole file keeps its good pairs, lists its problems and counts its lines', async () => {
    const lines = [
      JSON.stringify(pair([10])),
      'not json',
      '',
      JSON.stringify({ ...pair([1]), left_id: 'A-2', match_weight: 0 }),
      JSON.stringify({ ...pair([20, 3]), left_id: 'A-3' }),
    ];
    // Split across many small chunks, as a stream delivers it.
    const text = lines.join('\r\n');
    const chunks = text.match(/[\s\S]{1,7}/g) ?? [];
    const found = await readExplanationFile(new Blob(chunks));
    assert.equal(found.lines, 5);
    assert.deepEqual(
      found.pairs.map((p) => [p.line, p.left_id]),
      [
        [1, 'A-1'],
        [5, 'A-3'],
      ],
    );
    assert.deepEqual(
      found.problems.map((p) => p.line),
      [2, 4],
    );
    assert.equal(found.problemCount, 2);
    assert.deepEqual(
      sortPairs(found.pairs, 'strongest').map((p) => p.line),
      [5, 1],
    );
  });

  test('the waterfall starts at 0, runs from the prior through each comparison and ends at the weight', () => {
    const steps = waterfallSteps(pair([6.5, -2, 8]));
    assert.deepEqual(
      steps.map((s) => [s.kind, s.from, s.to]),
      [
        ['prior', 0, -12],
        ['for', -12, -5.5],
        ['against', -5.5, -7.5],
        ['for', -7.5, 0.5],
        ['total', 0, 0.5],
      ],
    );
  });

  test('numbers read plainly: signed bits, percentages, and no false certainty', () => {
    assert.equal(bitsText(6.321), '+6.32');
    assert.equal(bitsText(-12), '\u221212.00');
    assert.equal(bitsText(-0.001), '0.00');
    assert.equal(percentText(0.95), '95%');
    assert.equal(percentText(0.001), '0.1%');
    assert.equal(chanceText(0.5), '50%');
    assert.equal(chanceText(0.999999), 'over 99.99%');
    assert.equal(chanceText(0.00000001), 'under 0.01%');
  });
});
