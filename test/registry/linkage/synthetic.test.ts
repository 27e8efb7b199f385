import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type CorruptionOptions,
  MODIFICATION_KINDS,
  type ModificationKind,
} from '../../../src/registry/linkage/corruption.ts';
import {
  FEBRL_HEADER,
  formatLine,
  PERSON_FIELDS,
  type PersonField,
  parseLine,
  type Row,
} from '../../../src/registry/linkage/febrl.ts';
import {
  generateDedupe,
  generateLinkPair,
  SyntheticPopulation,
  writeCsv,
} from '../../../src/registry/linkage/synthetic.ts';
import { febrlLines, febrlRows } from './febrl-files.ts';

const entity = (id: string) => id.split('-')[1]!;
const only = (kind: ModificationKind): Record<ModificationKind, number> =>
  Object.fromEntries(MODIFICATION_KINDS.map((k) => [k, k === kind ? 1 : 0])) as Record<
    ModificationKind,
    number
  >;
const NO_SWAPS: Partial<CorruptionOptions> = { nameSwap: 0, addressSwap: 0 };

/** Each duplicate with its original, from a dedupe set. */
function duplicatePairs(rows: Iterable<Row>): [Row, Row][] {
  const all = [...rows];
  const originals = new Map(all.filter((r) => r.rec_id.endsWith('-org')).map((r) => [entity(r.rec_id), r]));
  return all.filter((r) => r.rec_id.includes('-dup-')).map((d) => [originals.get(entity(d.rec_id))!, d]);
}

const changedFields = (original: Row, duplicate: Row) =>
  PERSON_FIELDS.filter((f) => original[f] !== duplicate[f]);

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

describe('generateDedupe', () => {
  test('the same seed gives the same rows; another seed other rows', () => {
    const a = [...generateDedupe({ seed: 42, originals: 500 })];
    assert.deepEqual([...generateDedupe({ seed: 42, originals: 500 })], a);
    assert.notDeepEqual([...generateDedupe({ seed: 43, originals: 500 })], a);
  });

  test('holds the requested originals and duplicates, every duplicate of an existing original', () => {
    const rows = [...generateDedupe({ seed: 1, originals: 1000, duplicates: { count: 1500, max: 5 } })];
    const ids = rows.map((r) => r.rec_id);
    assert.equal(new Set(ids).size, ids.length);
    const originals = new Set(ids.filter((id) => /^rec-\d+-org$/.test(id)).map(entity));
    const duplicates = ids.filter((id) => /^rec-\d+-dup-\d+$/.test(id));
    assert.equal(originals.size, 1000);
    assert.equal(duplicates.length, 1500);
    for (const id of duplicates) assert.ok(originals.has(entity(id)), `${id} has no original`);
    const perOriginal = new Map<string, number[]>();
    for (const id of duplicates)
      perOriginal.set(entity(id), [...(perOriginal.get(entity(id)) ?? []), Number(id.split('-')[3])]);
    for (const ks of perOriginal.values()) {
      assert.ok(ks.length <= 5);
      assert.deepEqual(
        ks.sort(),
        Array.from({ length: ks.length }, (_, k) => k),
      );
    }
  });

  test('rows are shuffled: a duplicate rarely follows a record of its own entity', () => {
    const rows = [...generateDedupe({ seed: 1, originals: 2000 })];
    const adjacent = rows.filter((r, i) => i > 0 && entity(rows[i - 1]!.rec_id) === entity(r.rec_id)).length;
    assert.ok(adjacent / rows.length < 0.01, `${adjacent} of ${rows.length} rows follow their own entity`);
  });

  test('the number of duplicates of an original follows Zipf ∝ 1/√k, as in dataset3', () => {
    const rows = generateDedupe({
      seed: 3,
      originals: 20_000,
      duplicates: { count: 30_000, max: 5, distribution: 'zipf' },
    });
    const counts = new Map<string, number>();
    for (const r of rows)
      if (r.rec_id.includes('-dup-')) counts.set(entity(r.rec_id), (counts.get(entity(r.rec_id)) ?? 0) + 1);
    const weights = [1, 2, 3, 4, 5].map((k) => 1 / Math.sqrt(k));
    const sum = weights.reduce((a, b) => a + b);
    for (let k = 1; k <= 5; k++) {
      const share = [...counts.values()].filter((n) => n === k).length / counts.size;
      assert.ok(Math.abs(share - weights[k - 1]! / sum) < 0.02, `${k} duplicates: ${share}`);
    }
  });

  test('duplicates differ from their originals, field by field, about as often as in dataset3', () => {
    const share = (pairs: [Row, Row][], field: PersonField) =>
      pairs.filter(([o, d]) => o[field] !== d[field]).length / pairs.length;
    const real = duplicatePairs(febrlRows('dataset3.csv'));
    const synthetic = duplicatePairs(generateDedupe({ seed: 5, originals: 2000 }));
    for (const field of PERSON_FIELDS) {
      const [r, s] = [share(real, field), share(synthetic, field)];
      assert.ok(Math.abs(r - s) < 0.08, `${field}: dataset3 ${r.toFixed(3)}, synthetic ${s.toFixed(3)}`);
    }
    const meanChanged = (pairs: [Row, Row][]) =>
      pairs.reduce((sum, [o, d]) => sum + changedFields(o, d).length, 0) / pairs.length;
    assert.ok(Math.abs(meanChanged(real) - meanChanged(synthetic)) < 0.3);
    assert.ok(synthetic.every(([o, d]) => changedFields(o, d).length <= 5));
  });

  test('given name and surname are exchanged in about the configured share of duplicates', () => {
    const pairs = duplicatePairs(
      generateDedupe({ seed: 7, originals: 4000, corruption: { nameSwap: 0.2, maxPerField: 1 } }),
    );
    const swapped = pairs.filter(
      ([o, d]) => o.given_name !== o.surname && d.given_name === o.surname && d.surname === o.given_name,
    ).length;
    assert.ok(Math.abs(swapped / pairs.length - 0.2) < 0.025, `${swapped} of ${pairs.length}`);
  });

  test('with only typos, a duplicate is one keystroke from its original in one field', () => {
    const pairs = duplicatePairs(
      generateDedupe({
        seed: 9,
        originals: 2000,
        corruption: { ...NO_SWAPS, maxPerRecord: 1, kindWeights: only('typo') },
      }),
    );
    const oneKeystroke = pairs.filter(([o, d]) => {
      const changed = changedFields(o, d);
      return changed.length === 1 && osa(o[changed[0]!], d[changed[0]!]) === 1;
    });
    assert.ok(oneKeystroke.length / pairs.length > 0.99, `${oneKeystroke.length} of ${pairs.length}`);
  });

  test('with only missing values, a duplicate has one field emptied that its original held', () => {
    const pairs = duplicatePairs(
      generateDedupe({
        seed: 11,
        originals: 2000,
        corruption: { ...NO_SWAPS, maxPerRecord: 1, kindWeights: only('missing') },
      }),
    );
    for (const [o, d] of pairs) {
      const changed = changedFields(o, d);
      assert.equal(changed.length, 1, d.rec_id);
      assert.equal(d[changed[0]!], '');
    }
  });

  test('with only day/month swaps of the date of birth, dates swap where the day could be a month', () => {
    const fieldWeights = Object.fromEntries(PERSON_FIELDS.map((f) => [f, f === 'date_of_birth' ? 1 : 0]));
    const pairs = duplicatePairs(
      generateDedupe({
        seed: 13,
        originals: 2000,
        corruption: {
          ...NO_SWAPS,
          maxPerRecord: 1,
          kindWeights: only('dayMonthSwap'),
          fieldWeights: fieldWeights as Record<PersonField, number>,
        },
      }),
    );
    let swapped = 0;
    for (const [{ date_of_birth: o }, { date_of_birth: d }] of pairs) {
      const [month, day] = [o.slice(4, 6), o.slice(6, 8)];
      const swappable = o !== '' && Number(day) <= 12 && day !== month;
      assert.equal(d, swappable ? `${o.slice(0, 4)}${day}${month}` : o);
      if (swappable) swapped++;
    }
    assert.ok(swapped > 500);
  });

  test('values look like FEBRL: lower case, Australian states, 4-digit postcodes, YYYYMMDD, 7-digit ids', () => {
    const rows = [...generateDedupe({ seed: 17, originals: 2000 })];
    const states = new Set(['nsw', 'vic', 'qld', 'wa', 'sa', 'tas', 'act', 'nt', '']);
    for (const r of rows) {
      assert.ok(
        PERSON_FIELDS.every((f) => r[f] === r[f].toLowerCase() && !r[f].includes(',')),
        r.rec_id,
      );
      assert.ok(/^(\d{4})?$/.test(r.postcode), r.postcode);
      assert.ok(/^(\d{8})?$/.test(r.date_of_birth), r.date_of_birth);
      assert.ok(/^(\d{7})?$/.test(r.soc_sec_id), r.soc_sec_id);
      if (r.rec_id.endsWith('-org')) {
        assert.ok(states.has(r.state), r.state);
        assert.ok(/^(19\d\d|200\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$|^$/.test(r.date_of_birth));
        assert.ok(/^\d{7}$/.test(r.soc_sec_id));
      }
    }
  });

  test('common names repeat about as often as in dataset3', () => {
    const profile = (rows: Row[], field: PersonField) => {
      const counts = new Map<string, number>();
      for (const r of rows) if (r[field] !== '') counts.set(r[field], (counts.get(r[field]) ?? 0) + 1);
      return { distinct: counts.size, commonest: Math.max(...counts.values()) / rows.length };
    };
    const real = febrlRows('dataset3.csv').filter((r) => r.rec_id.endsWith('-org'));
    const synthetic = [...generateDedupe({ seed: 19, originals: real.length })].filter((r) =>
      r.rec_id.endsWith('-org'),
    );
    for (const field of ['given_name', 'surname'] as const) {
      const [r, s] = [profile(real, field), profile(synthetic, field)];
      assert.ok(
        Math.abs(s.distinct - r.distinct) / r.distinct < 0.25,
        `${field} distinct ${s.distinct} vs ${r.distinct}`,
      );
      assert.ok(
        s.commonest > r.commonest / 2 && s.commonest < r.commonest * 2,
        `${field} commonest ${s.commonest}`,
      );
    }
  });
});

describe('SyntheticPopulation', () => {
  test("a duplicate's list of modifications accounts for every changed field", () => {
    const population = new SyntheticPopulation({ seed: 23, originals: 300 });
    for (let e = 0; e < 300; e++) {
      const original = population.original(e);
      const { row, modifications } = population.duplicate(e, 0);
      const listed = new Set(modifications.map((m) => m.field));
      for (const field of changedFields(original, row))
        assert.ok(listed.has(field), `${row.rec_id} ${field}`);
    }
  });
});

describe('generateLinkPair', () => {
  test('every original on the left, exactly one duplicate of each on the right, each file shuffled', () => {
    const { left, right } = generateLinkPair({ seed: 29, originals: 5000 });
    const l = [...left].map((r) => r.rec_id);
    const r = [...right].map((r) => r.rec_id);
    assert.deepEqual(new Set(l), new Set(Array.from({ length: 5000 }, (_, i) => `rec-${i}-org`)));
    assert.deepEqual(new Set(r), new Set(Array.from({ length: 5000 }, (_, i) => `rec-${i}-dup-0`)));
    assert.equal(l.length, 5000);
    assert.equal(r.length, 5000);
    const aligned = l.filter((id, i) => entity(id) === entity(r[i]!)).length;
    assert.ok(aligned < 50, `${aligned} rows face their own duplicate`);
    assert.ok(l.filter((id, i) => id === `rec-${i}-org`).length < 50);
  });
});

describe('FEBRL files', () => {
  test('writeCsv writes the header of the real files and rows that read back unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'govdx-febrl-'));
    try {
      const rows = [...generateDedupe({ seed: 31, originals: 400 })];
      const path = join(dir, 'synthetic.csv');
      assert.equal(await writeCsv(rows, path), rows.length);
      const lines = readFileSync(path, 'utf8').split('\n');
      assert.equal(lines[0], febrlLines('dataset3.csv')[0]);
      assert.equal(lines[0], FEBRL_HEADER);
      assert.equal(lines.at(-1), '');
      assert.deepEqual(lines.slice(1, -1).map(parseLine), rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every line of the real dataset3 reads as a row and writes back as the same line', () => {
    for (const line of febrlLines('dataset3.csv').slice(1)) assert.equal(formatLine(parseLine(line)), line);
  });

  test('a value holding a comma or a quote is quoted and reads back', () => {
    const row = { ...parseLine(febrlLines('dataset3.csv')[1]!), address_2: 'unit 4, the "oaks"', state: '' };
    const line = formatLine(row);
    assert.ok(line.includes('"unit 4, the ""oaks"""'));
    assert.deepEqual(parseLine(line), row);
  });
});
