import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededTestRandom } from '../../src/disclosure/noise.ts';
import {
  clampNegative,
  consistentTotals,
  PostProcessError,
  projectOntoTotal,
  sumOfDiscreteLaplaceErrorBound,
} from '../../src/disclosure/postprocess.ts';
import { type Domain, type NoisyTable, releaseCounts, releaseSums } from '../../src/disclosure/statistics.ts';

const DOMAIN: Domain = {
  municipality: ['Northvale', 'Eastport', 'Southmere', 'Westfield'],
  ageBand: ['0-17', '18-39', '40-64', '65-84', '85+'],
  sex: ['F', 'M'],
};
const GROUP_BY = ['municipality', 'ageBand', 'sex'];

/** Sparse on purpose: half the cells are 0 or 1, where clamping and totals matter most. */
function population(): Record<string, unknown>[] {
  const people: Record<string, unknown>[] = [];
  let cell = 0;
  for (const municipality of DOMAIN.municipality!) {
    for (const ageBand of DOMAIN.ageBand!) {
      for (const sex of DOMAIN.sex!) {
        const count = cell % 2 === 0 ? (cell % 4 === 0 ? 0 : 1) : 20 + ((cell * 13) % 90);
        for (let i = 0; i < count; i++) people.push({ municipality, ageBand, sex });
        cell += 1;
      }
    }
  }
  return people;
}

const key = (values: readonly string[]) => values.join('|');

function truthOf(
  records: readonly Record<string, unknown>[],
  columns: readonly string[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    const k = key(columns.map((c) => String(r[c])));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

describe('clamping negative counts', () => {
  test('no cell is negative and every non-negative cell is unchanged', () => {
    const raw = releaseCounts(
      population(),
      { groupBy: GROUP_BY, domain: DOMAIN, epsilon: '0.1' },
      {
        seededTestRandom: seededTestRandom('clamp'),
      },
    );
    assert.ok(
      raw.cells.some((c) => c.value < 0),
      'the fixture has negative noisy cells to clamp',
    );
    const clamped = clampNegative(raw);
    clamped.cells.forEach((cell, i) => {
      assert.ok(cell.value >= 0);
      if (raw.cells[i]!.value >= 0) assert.equal(cell.value, raw.cells[i]!.value);
    });
  });

  test('sums that may truly be negative are refused', () => {
    const table = releaseSums([], {
      groupBy: ['sex'],
      domain: { sex: ['F', 'M'] },
      epsilon: '1',
      column: 'balance',
      clamp: { lower: -100, upper: 100 },
    });
    assert.throws(
      () => clampNegative(table),
      (e) => e instanceof PostProcessError && e.code === 'MAY_BE_NEGATIVE',
    );
  });
});

describe('projection onto a total', () => {
  test('gives non-negative integers that add up to the total', () => {
    assert.deepEqual(projectOntoTotal([5, -3, 2, -1], 3), [3, 0, 0, 0]);
    assert.deepEqual(projectOntoTotal([10, 10, -4], 16), [8, 8, 0]);
    assert.deepEqual(projectOntoTotal([1, 1, 1], 3), [1, 1, 1]);
    assert.deepEqual(projectOntoTotal([-2, -5], 0), [0, 0]);
    const odd = projectOntoTotal([4, 4, 4, -7], 5);
    assert.equal(
      odd.reduce((a, b) => a + b, 0),
      5,
    );
    assert.ok(odd.every((v) => v >= 0 && Number.isInteger(v)));
  });
});

describe('consistent totals', () => {
  test('every total equals the sum of its published cells, none negative, one per domain value', () => {
    const raw = releaseCounts(
      population(),
      { groupBy: GROUP_BY, domain: DOMAIN, epsilon: '0.1' },
      {
        seededTestRandom: seededTestRandom('totals'),
      },
    );
    const { table, totals } = consistentTotals(raw, ['municipality']);
    assert.equal(totals.length, 4);
    for (const total of totals) {
      const cells = table.cells.filter((c) => c.values[0] === total.values[0]);
      assert.equal(cells.length, 10);
      assert.equal(
        cells.reduce((sum, c) => sum + c.value, 0),
        total.value,
      );
    }
    assert.ok(table.cells.every((c) => c.value >= 0));
    const grand = consistentTotals(raw, []);
    assert.equal(grand.totals.length, 1);
    assert.equal(
      grand.table.cells.reduce((sum, c) => sum + c.value, 0),
      grand.totals[0]!.value,
    );
  });

  test('an unknown column is refused', () => {
    const raw = releaseCounts([], { groupBy: GROUP_BY, domain: DOMAIN, epsilon: '1' });
    assert.throws(
      () => consistentTotals(raw, ['street']),
      (e) => e instanceof PostProcessError && e.code === 'UNKNOWN_COLUMN',
    );
  });

  test('the Chernoff bound of a sum of 10 discrete Laplace noises at scale 10 covers ≥ 95 % and is ≤ 1.5 × a normal quantile', () => {
    const b = sumOfDiscreteLaplaceErrorBound(10, 10);
    const sd = Math.sqrt((10 * (2 * Math.exp(-0.1))) / (1 - Math.exp(-0.1)) ** 2);
    assert.ok(b >= 1.96 * sd && b <= 1.5 * 1.96 * sd, `bound ${b}, normal 95 % ${1.96 * sd}`);
  });
});

/**
 * Over 1,000 seeded releases of a sparse 40-cell table, against the truth: the MAE of the published
 * cells and of the municipality totals after post-processing, next to the raw noisy cells and the
 * raw sums of the raw cells.
 */
describe('post-processing does not raise the mean absolute error (1,000 simulated releases)', () => {
  const records = population();
  const cellTruth = truthOf(records, GROUP_BY);
  const totalTruth = truthOf(records, ['municipality']);
  for (const epsilon of ['0.1', '1', '10']) {
    test(`ε = ${epsilon}: cells and totals, MAE after ≤ MAE before; totals cover ≥ 95 %`, (t) => {
      const rng = seededTestRandom(`postprocess ${epsilon}`);
      const error = { rawCells: 0, clamped: 0, consistentCells: 0, rawTotals: 0, consistentTotals: 0 };
      let cells = 0;
      let totals = 0;
      let totalsInside = 0;
      let cellsInside = 0;
      for (let release = 0; release < 1000; release++) {
        const raw: NoisyTable = releaseCounts(
          records,
          { groupBy: GROUP_BY, domain: DOMAIN, epsilon },
          {
            seededTestRandom: rng,
          },
        );
        const clamped = clampNegative(raw);
        const consistent = consistentTotals(raw, ['municipality']);
        raw.cells.forEach((cell, i) => {
          const truth = cellTruth.get(key(cell.values)) ?? 0;
          error.rawCells += Math.abs(cell.value - truth);
          error.clamped += Math.abs(clamped.cells[i]!.value - truth);
          const published = consistent.table.cells[i]!;
          error.consistentCells += Math.abs(published.value - truth);
          if (Math.abs(published.value - truth) <= published.errorBound) cellsInside += 1;
          cells += 1;
        });
        for (const total of consistent.totals) {
          const truth = totalTruth.get(key(total.values)) ?? 0;
          const rawSum = raw.cells
            .filter((c) => c.values[0] === total.values[0])
            .reduce((s, c) => s + c.value, 0);
          error.rawTotals += Math.abs(rawSum - truth);
          error.consistentTotals += Math.abs(total.value - truth);
          if (Math.abs(total.value - truth) <= total.errorBound) totalsInside += 1;
          totals += 1;
        }
      }
      const mae = (sum: number, n: number) => sum / n;
      t.diagnostic(
        `ε = ${epsilon}: cell MAE raw ${mae(error.rawCells, cells).toFixed(4)}, clamped ${mae(error.clamped, cells).toFixed(4)}, ` +
          `consistent ${mae(error.consistentCells, cells).toFixed(4)} (bound coverage ${((100 * cellsInside) / cells).toFixed(2)} %); ` +
          `total MAE raw sum ${mae(error.rawTotals, totals).toFixed(3)}, consistent ${mae(error.consistentTotals, totals).toFixed(3)} ` +
          `(bound coverage ${((100 * totalsInside) / totals).toFixed(2)} %)`,
      );
      assert.ok(error.clamped <= error.rawCells);
      assert.ok(error.consistentCells <= error.rawCells);
      assert.ok(error.consistentTotals <= error.rawTotals);
      assert.ok(totalsInside / totals >= 0.95);
    });
  }
});
