import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  checkModel,
  expectationMaximisation,
  explainPair,
  type LinkModel,
  levelWeights,
  MODEL_FORMAT,
  matchProbability,
  pairContributions,
  priorWeight,
  termFrequencyAdjustment,
  uFromCounts,
  weightAt,
} from '../../../src/registry/linkage/model.ts';

/** Two comparisons: a name (missing, exact, similar, different) and a date (missing, exact, different). */
function model(overrides: Partial<LinkModel> = {}): LinkModel {
  return {
    format: MODEL_FORMAT,
    task: 'link',
    idColumn: 'id',
    prior: 0.001,
    blocking: [['surname']],
    training: { records: 0, candidatePairs: 0, randomPairs: 0, iterations: 0, converged: true },
    comparisons: [
      {
        column: 'surname',
        kind: 'name',
        label: 'Surname',
        termFrequency: true,
        levels: [
          { key: 'missing', label: 'Missing', m: null, u: null },
          { key: 'exact', label: 'Exactly the same', m: 0.8, u: 0.01 },
          { key: 'jw90', label: 'Similar', m: 0.15, u: 0.04 },
          { key: 'different', label: 'Different', m: 0.05, u: 0.95 },
        ],
      },
      {
        column: 'date_of_birth',
        kind: 'date',
        label: 'Date of birth',
        termFrequency: false,
        levels: [
          { key: 'missing', label: 'Missing', m: null, u: null },
          { key: 'exact', label: 'Exactly the same', m: 0.9, u: 0.001 },
          { key: 'different', label: 'Different', m: 0.1, u: 0.999 },
        ],
      },
    ],
    ...overrides,
  };
}

describe('the Fellegi–Sunter model', () => {
  test('a level weighs log2(m/u) bits, computed here by hand', () => {
    const weights = levelWeights(model());
    // log2(0.8 / 0.01) = log2(80) = 6.321928…; log2(0.05 / 0.95) = −4.247927…; log2(0.9 / 0.001) = log2(900) = 9.813781…
    assert.ok(Math.abs(weights[0]![1]! - 6.321928094887363) < 1e-12);
    assert.ok(Math.abs(weights[0]![3]! - -4.247927513443585) < 1e-12);
    assert.ok(Math.abs(weights[1]![1]! - 9.813781191217037) < 1e-12);
    assert.equal(weights[0]![0], 0, 'a missing value weighs nothing');
  });

  test("the prior's weight is its log-odds, and probability and weight are each other's inverse", () => {
    // log2(0.001 / 0.999) = log2(0.001) − log2(0.999) = −9.965784… + 0.001443… = −9.964340…
    assert.ok(Math.abs(priorWeight(0.001) - -9.964340867792417) < 1e-12);
    assert.equal(matchProbability(0), 0.5);
    assert.ok(Math.abs(matchProbability(weightAt(0.9)) - 0.9) < 1e-12);
    assert.ok(Math.abs(matchProbability(3) - 8 / 9) < 1e-15, '2^3 : 1 odds are 8 in 9');
  });

  test('a pair that agrees exactly on a rare surname gains more than the level average, on a common one less', () => {
    // u_exact = 0.01; a surname held by 0.1 % of people: log2(0.01 / 0.001) = log2(10) bits more.
    assert.ok(Math.abs(termFrequencyAdjustment(0.01, 0.001, 1e-6) - Math.log2(10)) < 1e-12);
    assert.ok(
      termFrequencyAdjustment(0.01, 0.05, 1e-6) < 0,
      'a surname held by 5 % weighs less than average',
    );
    assert.equal(termFrequencyAdjustment(0.01, 0, 1e-4), Math.log2(0.01 / 1e-4), 'the frequency is floored');
  });

  test("a pair's weight is the prior plus each comparison's part, hand-computed", () => {
    const m = model();
    const { prior, parts, total } = pairContributions(m, levelWeights(m), [1, 2], [0.001, null], 1e-6);
    const surname = Math.log2(0.8 / 0.01) + Math.log2(0.01 / 0.001);
    const date = Math.log2(0.1 / 0.999);
    assert.ok(Math.abs(parts[0]!.weight - surname) < 1e-12);
    assert.ok(Math.abs(parts[0]!.tfAdjustment - Math.log2(10)) < 1e-12);
    assert.ok(Math.abs(parts[1]!.weight - date) < 1e-12);
    assert.ok(Math.abs(total - (priorWeight(0.001) + surname + date)) < 1e-12);
    assert.equal(prior, priorWeight(0.001));
  });

  test('the term-frequency adjustment applies only to an exact match of an adjusted comparison', () => {
    const m = model();
    const similar = pairContributions(m, levelWeights(m), [2, 1], [0.001, 0.5], 1e-6);
    assert.equal(similar.parts[0]!.tfAdjustment, 0);
    assert.equal(similar.parts[1]!.tfAdjustment, 0, 'the date is not adjusted');
  });

  test("an explanation's parts, added in order, are exactly its weight, for any model and pair", () => {
    const probability = fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(probability, probability), { minLength: 4, maxLength: 4 }),
        probability,
        fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 })),
        fc.option(fc.double({ min: 1e-9, max: 1, noNaN: true })),
        (mu, prior, levels, tf) => {
          const m = model({ prior });
          m.comparisons[0]!.levels[1] = { ...m.comparisons[0]!.levels[1]!, m: mu[0]![0], u: mu[0]![1] };
          m.comparisons[0]!.levels[2] = { ...m.comparisons[0]!.levels[2]!, m: mu[1]![0], u: mu[1]![1] };
          m.comparisons[1]!.levels[1] = { ...m.comparisons[1]!.levels[1]!, m: mu[2]![0], u: mu[2]![1] };
          m.comparisons[1]!.levels[2] = { ...m.comparisons[1]!.levels[2]!, m: mu[3]![0], u: mu[3]![1] };
          const explanation = explainPair(
            m,
            levelWeights(m),
            { leftId: 'a', rightId: 'b', levels, tf: [tf, null], left: ['x', null], right: ['y', null] },
            1e-6,
          );
          let sum = explanation.prior.weight;
          for (const part of explanation.comparisons) sum += part.weight;
          assert.equal(sum, explanation.match_weight);
          assert.equal(explanation.match_probability, matchProbability(explanation.match_weight));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('expectation maximisation finds m and the prior again from the pattern counts they make', () => {
    // Truth: 1,000 matches among 1,000,000 pairs; three comparisons with levels (missing, exact, different).
    const prior = 0.001;
    const m = [0.9, 0.7, 0.95];
    const u = [0.01, 0.05, 0.002];
    const total = 1_000_000;
    const levels: number[] = [];
    const counts: number[] = [];
    for (let pattern = 0; pattern < 8; pattern += 1) {
      const agrees = [0, 1, 2].map((c) => ((pattern >> c) & 1) === 1);
      const chance = (p: number[]) => agrees.reduce((product, a, c) => product * (a ? p[c]! : 1 - p[c]!), 1);
      levels.push(...agrees.map((a) => (a ? 1 : 2)));
      counts.push(prior * total * chance(m) + (1 - prior) * total * chance(u));
    }
    const result = expectationMaximisation(
      { comparisons: 3, levels: Uint8Array.from(levels), counts: Float64Array.from(counts) },
      u.map((v) => [Number.NaN, v, 1 - v]),
      { m: [0, 1, 2].map(() => [Number.NaN, 0.6, 0.4]), prior: 0.01 },
      total,
      { tolerance: 1e-10, maxIterations: 10_000 },
    );
    assert.ok(result.converged, `stopped after ${result.iterations} iterations`);
    assert.ok(Math.abs(result.prior - prior) < 1e-7, `prior ${result.prior}`);
    for (const c of [0, 1, 2]) assert.ok(Math.abs(result.m[c]![1]! - m[c]!) < 1e-5, `m ${result.m[c]}`);
  });

  test('u comes from random-pair counts; a level never seen keeps half a pair, so its weight stays finite', () => {
    const u = uFromCounts([7, 10, 0, 990]);
    assert.ok(Number.isNaN(u[0]!), 'missing values are not counted');
    assert.equal(u[1], 10 / 1000);
    assert.equal(u[2], 0.5 / 1000);
    assert.equal(u[3], 990 / 1000);
  });

  test('a saved model is checked before reuse: format, columns, prior, m and u', () => {
    assert.equal(
      checkModel(JSON.parse(JSON.stringify(model())), ['id', 'surname', 'date_of_birth']).prior,
      0.001,
    );
    assert.throws(() => checkModel({ format: 'other' }, []), { code: 'BAD_MODEL' });
    assert.throws(() => checkModel(model(), ['id', 'surname']), {
      code: 'BAD_MODEL',
      message: /date_of_birth/,
    });
    assert.throws(() => checkModel(model({ prior: 1 }), ['id', 'surname', 'date_of_birth']), {
      code: 'BAD_MODEL',
    });
    const broken = model();
    broken.comparisons[1]!.levels[1] = { ...broken.comparisons[1]!.levels[1]!, u: 0 };
    assert.throws(() => checkModel(broken, ['id', 'surname', 'date_of_birth']), { code: 'BAD_MODEL' });
  });
});
