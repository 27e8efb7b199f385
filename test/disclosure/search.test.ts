import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  bruteForce,
  createLattice,
  encodeTable,
  levelsOf,
  type Microdata,
  type PrivacyModel,
  parseHierarchy,
  searchOptimum,
} from '../../src/disclosure/index.ts';

/** A small deterministic generator, so that one fast-check integer describes a whole problem. */
function random(seed: number) {
  let a = seed >>> 0;
  return (below: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % below) as number;
  };
}

/** Hierarchy rows for one attribute: random merges level by level, `*` on top. */
function randomHierarchy(next: (below: number) => number, attribute: string): string[][] {
  const domain = 2 + next(4);
  const height = 2 + next(3);
  let ids = Array.from({ length: domain }, (_, i) => i);
  const columns: number[][] = [ids];
  for (let level = 1; level < height - 1; level += 1) {
    const groups = Math.max(1, Math.ceil(new Set(ids).size / 2));
    const parent = new Map<number, number>();
    ids = ids.map((id) => {
      if (!parent.has(id)) parent.set(id, next(groups));
      return parent.get(id)!;
    });
    columns.push(ids);
  }
  return Array.from({ length: domain }, (_, row) => [
    ...columns.map((column, level) =>
      level === 0 ? `${attribute}${row}` : `${attribute}L${level}g${column[row]}`,
    ),
    '*',
  ]);
}

/** The sensitive attribute's hierarchy for hierarchical t-closeness: s0 and s1 are alike, s2 is apart. */
const DISEASE_ROWS = [
  ['s0', 'g0', '*'],
  ['s1', 'g0', '*'],
  ['s2', 'g1', '*'],
];

function randomProblem(seed: number, records: number) {
  const next = random(seed);
  const attributes = ['a', 'b', 'c'].slice(0, 1 + next(3));
  const rowsOf = new Map(attributes.map((a) => [a, randomHierarchy(next, a)]));
  const hierarchies = new Map(attributes.map((a) => [a, parseHierarchy(a, rowsOf.get(a)!)]));
  const rows = Array.from({ length: records }, () => [
    ...attributes.map((a) => rowsOf.get(a)![next(rowsOf.get(a)!.length)]![0]!),
    `s${next(3)}`,
  ]);
  const table = { header: [...attributes, 'disease'], rows };
  return {
    table,
    rowsOf,
    attributes,
    hierarchies,
    data: encodeTable(table, hierarchies, { sensitive: 'disease' }).data,
  };
}

/**
 * The reference: every transformation evaluated from the definitions on the labels themselves, with no
 * integer encoding, roll-up, bound or pruning. Returns the least loss over anonymous transformations.
 */
function reference(
  problem: ReturnType<typeof randomProblem>,
  models: readonly PrivacyModel[],
  limit: number,
): number | null {
  const { table, rowsOf, attributes } = problem;
  const n = table.rows.length;
  const generalise = (a: string, value: string, level: number) =>
    rowsOf.get(a)!.find((r) => r[0] === value)![level]!;
  const lattice = createLattice(attributes.map((a) => rowsOf.get(a)![0]!.length));
  const overall = new Map<string, number>();
  for (const row of table.rows) overall.set(row.at(-1)!, (overall.get(row.at(-1)!) ?? 0) + 1 / n);
  let best: number | null = null;
  for (let index = 0; index < lattice.size; index += 1) {
    const levels = levelsOf(lattice, index);
    const keyOf = (row: readonly string[]) =>
      attributes.map((a, i) => generalise(a, row[i]!, levels[i]!)).join('|');
    const classes = new Map<string, string[][]>();
    for (const row of table.rows) classes.set(keyOf(row), [...(classes.get(keyOf(row)) ?? []), [...row]]);
    const suppressed: string[][] = [];
    for (const members of classes.values()) {
      const counts = new Map<string, number>();
      for (const m of members) counts.set(m.at(-1)!, (counts.get(m.at(-1)!) ?? 0) + 1);
      const p = [...counts.values()].map((c) => c / members.length);
      const ok = models.every((model) => {
        if (model.kind === 'k-anonymity') return members.length >= model.k;
        if (model.kind === 'distinct-l-diversity') return counts.size >= model.l;
        if (model.kind === 'entropy-l-diversity')
          return -p.reduce((s, x) => s + x * Math.log(x), 0) >= Math.log(model.l) - 1e-9;
        if (model.kind === 'hierarchical-t-closeness') {
          // On a tree metric: Σ over nodes below the top of |Σ (p − q) under the node| / 2H.
          const rows = DISEASE_ROWS;
          const H = rows[0]!.length - 1;
          let emd = 0;
          for (let level = 0; level < H; level += 1) {
            const extra = new Map<string, number>();
            for (const row of rows)
              extra.set(
                row[level]!,
                (extra.get(row[level]!) ?? 0) +
                  (counts.get(row[0]!) ?? 0) / members.length -
                  (overall.get(row[0]!) ?? 0),
              );
            for (const e of extra.values()) emd += Math.abs(e) / (2 * H);
          }
          return emd <= model.t + 1e-9;
        }
        if (model.kind === 'equal-distance-t-closeness') {
          let emd = 0;
          for (const [v, q] of overall) emd += Math.abs((counts.get(v) ?? 0) / members.length - q);
          return emd / 2 <= model.t + 1e-9;
        }
        throw new Error('not in this reference');
      });
      if (!ok) suppressed.push(...members);
    }
    if (suppressed.length > Math.floor(limit * n + 1e-9)) continue;
    let loss = 0;
    attributes.forEach((a, i) => {
      const original = new Map<string, number>();
      const general = new Map<string, number>();
      for (const row of table.rows) {
        original.set(row[i]!, (original.get(row[i]!) ?? 0) + 1);
        const g = generalise(a, row[i]!, levels[i]!);
        general.set(g, (general.get(g) ?? 0) + 1);
      }
      for (const [v, count] of original)
        loss -= count * Math.log2(count / general.get(generalise(a, v, levels[i]!))!);
      const lost = new Map<string, number>();
      for (const row of suppressed) {
        const g = generalise(a, row[i]!, levels[i]!);
        lost.set(g, (lost.get(g) ?? 0) + 1);
      }
      for (const count of lost.values()) loss -= count * Math.log2(count / suppressed.length);
    });
    if (best === null || loss < best) best = loss;
  }
  return best;
}

const modelOf = (kind: string, k: number): PrivacyModel[] => {
  const kAnonymity: PrivacyModel = { kind: 'k-anonymity', k };
  if (kind === 'distinct') return [kAnonymity, { kind: 'distinct-l-diversity', l: 2 }];
  if (kind === 'entropy') return [kAnonymity, { kind: 'entropy-l-diversity', l: 1.5 }];
  if (kind === 't-closeness') return [kAnonymity, { kind: 'equal-distance-t-closeness', t: 0.3 }];
  if (kind === 'hierarchical')
    return [
      kAnonymity,
      { kind: 'hierarchical-t-closeness', t: 0.2, hierarchy: parseHierarchy('disease', DISEASE_ROWS) },
    ];
  return [kAnonymity];
};

const arbitraryCase = fc.record({
  seed: fc.integer(),
  records: fc.integer({ min: 1, max: 30 }),
  k: fc.integer({ min: 1, max: 4 }),
  limit: fc.constantFrom(0, 0.1, 0.25, 1),
  model: fc.constantFrom('k-anonymity', 'distinct', 'entropy', 't-closeness', 'hierarchical'),
  monotonicMetric: fc.boolean(),
});

describe('the lattice search', () => {
  test('finds the transformation with the least non-uniform entropy that a brute force over the lattice finds', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ seed, records, k, limit, model, monotonicMetric }) => {
        const { data } = randomProblem(seed, records);
        const problem = { data, models: modelOf(model, k), suppressionLimit: limit, monotonicMetric };
        assert.deepEqual(searchOptimum(problem).optimum, bruteForce(problem).optimum);
      }),
      { numRuns: 300 },
    );
  });

  test('reaches the least loss that the definitions, applied to the labels one transformation at a time, give', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ seed, records, k, limit, model }) => {
        const problem = randomProblem(seed, records);
        const models = modelOf(model, k);
        const expected = reference(problem, models, limit);
        const found = searchOptimum({
          data: problem.data as Microdata,
          models,
          suppressionLimit: limit,
        }).optimum;
        if (expected === null) assert.equal(found, null);
        else assert.ok(found && Math.abs(found.loss - expected) < 1e-6, `${found?.loss} ≠ ${expected}`);
      }),
      { numRuns: 200 },
    );
  });

  test('checks fewer transformations than there are when k-anonymity prunes', () => {
    const { data } = randomProblem(7, 30);
    const result = searchOptimum({ data, models: [{ kind: 'k-anonymity', k: 2 }], suppressionLimit: 0 });
    assert.ok(result.checked < result.nodes, `${result.checked} of ${result.nodes}`);
  });
});
