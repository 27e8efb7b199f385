/**
 * Hierarchical t-closeness (Li, Li, Venkatasubramanian 2007, §4.2): the Earth Mover's Distance between a
 * class's sensitive values and everyone's, where two values are as far apart as the level of their lowest
 * common ancestor over the hierarchy's height. Checked by hand, and against a second formula: on a tree
 * metric the EMD is Σ over edges of the edge's length × |the mass that must cross it|, which for this
 * distance is Σ over every node below the top of |extra(N)| / 2H.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  anonymize,
  encodeTable,
  groupify,
  hierarchicalEmd,
  KeyTable,
  parseHierarchy,
  recordCells,
  sensitiveDistribution,
} from '../../src/disclosure/index.ts';

/** a, b are respiratory; c, d digestive; all under `*`. */
const DISEASES = parseHierarchy('disease', [
  ['a', 'respiratory', '*'],
  ['b', 'respiratory', '*'],
  ['c', 'digestive', '*'],
  ['d', 'digestive', '*'],
]);
const ZIP = parseHierarchy('zip', [
  ['1', '*'],
  ['2', '*'],
]);

function emdOfClasses(rows: string[][], hierarchy = DISEASES): number[] {
  const table = { header: ['zip', 'disease'], rows };
  const { data } = encodeTable(table, new Map([['zip', ZIP]]), { quasi: ['zip'], sensitive: 'disease' });
  const groups = groupify(data, [0], recordCells(data), new KeyTable());
  const emd = hierarchicalEmd(groups, hierarchy, sensitiveDistribution(data));
  // Class order follows first appearance; report by zip for readability.
  return ['1', '2'].map((zip) => emd[groups.sourceClass[rows.findIndex((r) => r[0] === zip)]!]!);
}

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('hierarchical t-closeness, by hand', () => {
  test('a class holding only respiratory diseases, where everyone has each disease equally often, is 0.5 away', () => {
    // Overall ¼ each. Class 1: ½ a, ½ b. Half the mass must move from respiratory to digestive, a distance
    // of 2/2 = 1: 0.5. Class 2 (c, d) is the mirror image.
    const [one, two] = emdOfClasses([
      ['1', 'a'],
      ['1', 'b'],
      ['2', 'c'],
      ['2', 'd'],
    ]);
    close(one!, 0.5);
    close(two!, 0.5);
  });

  test('a class with one disease of each kind is 0.25 away: mass moves only within the kinds', () => {
    // Class 1: ½ a, ½ c. A quarter moves a → b and a quarter c → d, each a distance of 1/2: 0.25.
    const [one] = emdOfClasses([
      ['1', 'a'],
      ['1', 'c'],
      ['2', 'b'],
      ['2', 'd'],
    ]);
    close(one!, 0.25);
  });

  test('anonymize() generalises until every class is within t, and no further', () => {
    const rows = [
      ['1', 'a'],
      ['1', 'b'],
      ['2', 'c'],
      ['2', 'd'],
    ];
    const hierarchies = new Map([['zip', ZIP]]);
    const strict = anonymize({ header: ['zip', 'disease'], rows }, hierarchies, {
      k: 1,
      suppressionLimit: 0,
      sensitive: 'disease',
      models: [{ kind: 'hierarchical-t-closeness', t: 0.4, hierarchy: DISEASES }],
    });
    assert.deepEqual(strict.report.transformation, { zip: 1 }, 'zip 1 and 2 are 0.5 away: merged');
    const loose = anonymize({ header: ['zip', 'disease'], rows }, hierarchies, {
      k: 1,
      suppressionLimit: 0,
      sensitive: 'disease',
      models: [{ kind: 'hierarchical-t-closeness', t: 0.5, hierarchy: DISEASES }],
    });
    assert.deepEqual(loose.report.transformation, { zip: 0 });
  });

  test('a sensitive value missing from its hierarchy is refused, naming it', () => {
    assert.throws(
      () =>
        anonymize({ header: ['zip', 'disease'], rows: [['1', 'e']] }, new Map([['zip', ZIP]]), {
          k: 1,
          suppressionLimit: 0,
          sensitive: 'disease',
          models: [{ kind: 'hierarchical-t-closeness', t: 0.5, hierarchy: DISEASES }],
        }),
      /"e".*not in its hierarchy/,
    );
  });
});

describe('hierarchical t-closeness, against the tree-metric formula', () => {
  test('equals Σ |extra(N)| / 2H over every node below the top, for random hierarchies and classes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 }), fc.nat()), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        (leaves, inner, records, shape) => {
          // A hierarchy of `inner` levels between the leaves and `*`, each level merging neighbours by shape.
          const rows = Array.from({ length: leaves }, (_, v) => {
            const row = [`v${v}`];
            let group = v;
            for (let level = 1; level <= inner; level += 1) {
              group = Math.floor(group / (1 + (shape[level]! % 3)));
              row.push(`L${level}g${group}`);
            }
            row.push('*');
            return row;
          });
          const hierarchy = parseHierarchy('disease', rows);
          const data = records.map(([zip, v]) => [String(zip), `v${v % leaves}`]);
          const got = emdOfClasses(data, hierarchy);
          const H = inner + 1;
          for (const zip of ['1', '2']) {
            const members = data.filter((r) => r[0] === zip);
            if (members.length === 0) continue;
            let expected = 0;
            for (let level = 0; level < H; level += 1) {
              const extra = new Map<string, number>();
              rows.forEach((row) => {
                const p = members.filter((m) => m[1] === row[0]).length / members.length;
                const q = data.filter((m) => m[1] === row[0]).length / data.length;
                extra.set(row[level]!, (extra.get(row[level]!) ?? 0) + p - q);
              });
              for (const e of extra.values()) expected += Math.abs(e) / (2 * H);
            }
            const actual = got[zip === '1' ? 0 : 1]!;
            assert.ok(Math.abs(actual - expected) < 1e-9, `zip ${zip}: ${actual} ≠ ${expected}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
