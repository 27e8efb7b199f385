import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  anonymize,
  buildHierarchy,
  categorize,
  categorizeColumn,
  type Dimension,
  DisclosureError,
  dimensionDomain,
  type Hierarchy,
  type HierarchyBuilder,
  hierarchyRows,
  parseHierarchy,
} from '../../src/disclosure/index.ts';

const refusal = (code: string, pattern: RegExp) => (error: unknown) =>
  error instanceof DisclosureError && error.code === code && pattern.test(error.message);
const badInput = (pattern: RegExp) => refusal('BAD_INPUT', pattern);

/** The chain of labels of one value, from itself up to `*`. */
function chain(builder: HierarchyBuilder, values: readonly string[], value: string): string[] {
  const row = hierarchyRows(buildHierarchy('x', builder, values)).find((r) => r[0] === value);
  assert.ok(row, `no row for "${value}"`);
  return row;
}

describe('hierarchy builders, by hand', () => {
  test('suppress sends every value, the empty one included, straight to *', () => {
    assert.deepEqual(hierarchyRows(buildHierarchy('sex', { kind: 'suppress' }, ['F', 'M', 'F', ''])), [
      ['F', '*'],
      ['M', '*'],
      ['', '*'],
    ]);
  });

  test('mask redacts one character per level from the right, then *', () => {
    assert.deepEqual(chain({ kind: 'mask' }, ['12345'], '12345'), [
      '12345',
      '1234*',
      '123**',
      '12***',
      '1****',
      '*',
    ]);
  });

  test('mask pads shorter values with * so every value has as many levels as the longest', () => {
    const values = ['12345', 'ab', ''];
    assert.deepEqual(chain({ kind: 'mask' }, values, 'ab'), ['ab', 'ab***', 'ab***', 'ab***', 'a****', '*']);
    assert.deepEqual(chain({ kind: 'mask' }, values, ''), ['', '*****', '*****', '*****', '*****', '*']);
  });

  test('mask length caps how many characters are masked before *', () => {
    assert.deepEqual(chain({ kind: 'mask', length: 2 }, ['12345'], '12345'), [
      '12345',
      '1234*',
      '123**',
      '*',
    ]);
  });

  test('mask counts characters, not UTF-16 units', () => {
    assert.deepEqual(chain({ kind: 'mask' }, ['Ø😀x'], 'Ø😀x'), ['Ø😀x', 'Ø😀*', 'Ø**', '*']);
  });

  test('intervals band a whole number in each width, each band inside the next', () => {
    const widths = [5, 10, 20];
    assert.deepEqual(chain({ kind: 'intervals', widths }, ['43', '7'], '43'), [
      '43',
      '40-44',
      '40-49',
      '40-59',
      '*',
    ]);
    assert.deepEqual(chain({ kind: 'intervals', widths: [5] }, ['-3'], '-3'), ['-3', '-5--1', '*']);
    assert.deepEqual(chain({ kind: 'intervals', widths: [1, 2] }, ['7'], '7'), ['7', '7', '6-7', '*']);
  });

  test('intervals label half-open bands when any value is not a whole number', () => {
    const builder: HierarchyBuilder = { kind: 'intervals', widths: [5, 10] };
    assert.deepEqual(chain(builder, ['43.5', '43'], '43'), ['43', '[40, 45)', '[40, 50)', '*']);
  });

  test('intervals keep a blank cell as its own category up to *', () => {
    assert.deepEqual(chain({ kind: 'intervals', widths: [5, 10] }, ['43', ''], ''), ['', '', '', '*']);
  });

  test('dates generalise to month, year and decade, or a subset in that order', () => {
    const all: HierarchyBuilder = { kind: 'dates', levels: ['month', 'year', 'decade'] };
    assert.deepEqual(chain(all, ['1985-03-14'], '1985-03-14'), [
      '1985-03-14',
      '1985-03',
      '1985',
      '1980-1989',
      '*',
    ]);
    const some: HierarchyBuilder = { kind: 'dates', levels: ['month', 'decade'] };
    assert.deepEqual(chain(some, ['1985-03-14'], '1985-03-14'), ['1985-03-14', '1985-03', '1980-1989', '*']);
  });

  test('age bands the whole years reached at the reference date', () => {
    const builder: HierarchyBuilder = { kind: 'age', at: '2024-06-15', widths: [5, 10] };
    const values = ['1980-06-15', '1980-06-16'];
    assert.deepEqual(chain(builder, values, '1980-06-15'), ['1980-06-15', '40-44', '40-49', '*']);
    assert.deepEqual(chain(builder, values, '1980-06-16'), ['1980-06-16', '40-44', '40-49', '*']);
    const exact: HierarchyBuilder = { kind: 'age', at: '2024-06-15', widths: [1] };
    assert.deepEqual(chain(exact, values, '1980-06-15'), ['1980-06-15', '44', '*']);
    assert.deepEqual(chain(exact, values, '1980-06-16'), ['1980-06-16', '43', '*']);
  });

  test('a table is read as ARX rows and kept whole, values the data lacks included', () => {
    const rows = [
      ['20', '20-29', '*'],
      ['25', '20-29', '*'],
      ['30', '30-39', '*'],
    ];
    const hierarchy = buildHierarchy('age', { kind: 'table', rows }, ['25']);
    assert.deepEqual(hierarchyRows(hierarchy), rows);
  });

  test('hierarchyRows gives back rows that parse to the same hierarchy', () => {
    const built = buildHierarchy('age', { kind: 'intervals', widths: [5, 10] }, ['43', '7', '12']);
    assert.deepEqual(parseHierarchy('age', hierarchyRows(built)), built);
  });
});

describe('hierarchy builders refuse bad parameters', () => {
  const intervals = (widths: number[]) => () => buildHierarchy('age', { kind: 'intervals', widths }, ['43']);

  test('widths that are not multiples of the previous one', () => {
    assert.throws(intervals([5, 12]), badInput(/12 is not a multiple of 5/));
  });

  test('widths that do not increase, are not whole, or are missing', () => {
    assert.throws(intervals([10, 5]), badInput(/must increase.*5 follows 10/));
    assert.throws(intervals([10, 10]), badInput(/must increase/));
    assert.throws(intervals([2.5]), badInput(/whole numbers above 0; got 2.5/));
    assert.throws(intervals([0]), badInput(/whole numbers above 0; got 0/));
    assert.throws(intervals([]), badInput(/at least one width/));
  });

  test('a value that is not a number, named', () => {
    for (const value of ['forty', ' 43', '0x2b', 'Infinity'])
      assert.throws(
        () => buildHierarchy('age', { kind: 'intervals', widths: [5] }, ['43', value]),
        badInput(new RegExp(`"${value}" of "age" is not a number`)),
      );
  });

  test('values that are not calendar dates, and a birth after the reference date', () => {
    const dates: HierarchyBuilder = { kind: 'dates', levels: ['year'] };
    assert.throws(
      () => buildHierarchy('dob', dates, ['1985-02-30']),
      badInput(/"1985-02-30" is not a calendar date/),
    );
    assert.throws(
      () => buildHierarchy('dob', dates, ['14/03/1985']),
      badInput(/"14\/03\/1985" is not a calendar/),
    );
    assert.throws(
      () => buildHierarchy('dob', { kind: 'age', at: '2024-13-01', widths: [5] }, ['1985-03-14']),
      badInput(/reference date of "dob" "2024-13-01" is not a calendar date/),
    );
    assert.throws(
      () => buildHierarchy('dob', { kind: 'age', at: '2024-06-15', widths: [5] }, ['2024-06-16']),
      badInput(/"2024-06-16" of "dob" is after the reference date 2024-06-15/),
    );
  });

  test('date levels out of order, repeated, unknown or missing', () => {
    for (const levels of [['year', 'month'], ['year', 'year'], ['week'], []])
      assert.throws(
        () => buildHierarchy('dob', { kind: 'dates', levels } as HierarchyBuilder, ['1985-03-14']),
        badInput(/one or more of month, year, decade, in that order/),
      );
  });

  test('a mask length that is not a whole number above 0', () => {
    for (const length of [0, 1.5, -1])
      assert.throws(
        () => buildHierarchy('name', { kind: 'mask', length }, ['Ada']),
        badInput(/mask length must be a whole number/),
      );
  });

  test('no values to build over', () => {
    assert.throws(() => buildHierarchy('sex', { kind: 'suppress' }, []), badInput(/no values of "sex"/));
  });

  test('a table that does not end in *, or lacks a value of the data', () => {
    assert.throws(
      () => buildHierarchy('sex', { kind: 'table', rows: [['F', 'any']] }, ['F']),
      refusal('BAD_HIERARCHY', /must end in the single value "\*"/),
    );
    assert.throws(
      () => buildHierarchy('sex', { kind: 'table', rows: [['*']] }, ['*']),
      refusal('BAD_HIERARCHY', /must end in the single value "\*"/),
    );
    assert.throws(
      () => buildHierarchy('sex', { kind: 'table', rows: [['F', '*']] }, ['F', 'X']),
      refusal('VALUE_NOT_IN_HIERARCHY', /"X" of "sex" is not in its hierarchy table/),
    );
  });
});

// ---- Properties over random builders and data --------------------------------------------------------

const isoDate = (min: string, max: string) =>
  fc
    .date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
const column = <T>(value: fc.Arbitrary<T>) => fc.array(value, { minLength: 2, maxLength: 12 });
/** Strictly increasing widths, each a multiple of the one before. */
const widths = fc
  .tuple(fc.integer({ min: 1, max: 10 }), fc.array(fc.integer({ min: 2, max: 5 }), { maxLength: 3 }))
  .map(([first, factors]) => {
    let width = first;
    return [first, ...factors.map((factor) => (width *= factor))];
  });

interface Case {
  readonly builder: HierarchyBuilder;
  readonly values: readonly string[];
}
const cases: Record<HierarchyBuilder['kind'], fc.Arbitrary<Case>> = {
  suppress: column(fc.string({ maxLength: 4 })).map((values) => ({ builder: { kind: 'suppress' }, values })),
  mask: fc.record({
    builder: fc.record(
      { kind: fc.constant('mask' as const), length: fc.integer({ min: 1, max: 6 }) },
      {
        requiredKeys: ['kind'],
      },
    ),
    values: column(
      fc.oneof(
        fc.stringMatching(/^[0-9*]{0,5}$/),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
    ),
  }),
  intervals: fc.record({
    builder: widths.map((ws) => ({ kind: 'intervals' as const, widths: ws })),
    values: column(
      fc.oneof(
        fc.integer({ min: -200, max: 200 }).map(String),
        fc.integer().map(String),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
        fc.double({ min: -100, max: 100, noNaN: true }).map(String),
        fc.constant(''),
      ),
    ),
  }),
  dates: fc.record({
    builder: fc
      .subarray(['month', 'year', 'decade'] as const, { minLength: 1 })
      .map((levels) => ({ kind: 'dates' as const, levels })),
    values: column(fc.oneof(isoDate('0900-01-01', '2999-12-31'), fc.constant(''))),
  }),
  age: fc.record({
    builder: fc.record({
      kind: fc.constant('age' as const),
      at: isoDate('2000-03-01', '2100-12-31'),
      widths,
    }),
    values: column(fc.oneof(isoDate('1900-01-01', '2000-01-01'), fc.constant('2000-02-29'), fc.constant(''))),
  }),
  table: fc
    .uniqueArray(fc.tuple(fc.string({ maxLength: 3 }), fc.nat(3)), { selector: ([v]) => v, minLength: 1 })
    .chain((rows) =>
      column(fc.constantFrom(...rows.map(([v]) => v))).map((values) => ({
        builder: { kind: 'table' as const, rows: rows.map(([v, g]) => [v, `g${g}`, `h${g % 2}`, '*']) },
        values,
      })),
    ),
};

/** Each level's label is a function of the label below, the top is the single `*`, and every value is a row. */
function assertValidHierarchy(hierarchy: Hierarchy, values: readonly string[]): void {
  const rows = hierarchyRows(hierarchy);
  for (const value of values)
    assert.ok(
      rows.some((r) => r[0] === value),
      `"${value}" has no row`,
    );
  assert.deepEqual(hierarchy.labels[hierarchy.height - 1], ['*']);
  for (let level = 1; level < hierarchy.height; level += 1) {
    const parent = new Map<string, string>();
    for (const row of rows) {
      const below = row[level - 1]!;
      const known = parent.get(below);
      assert.ok(known === undefined || known === row[level], `"${below}" generalises to two labels`);
      parent.set(below, row[level]!);
    }
  }
}

/** anonymize() with k = 2 and no suppression: every combination of published quasi-identifiers occurs twice. */
function assertAnonymizes(hierarchy: Hierarchy, values: readonly string[]): void {
  const sexes = values.map((_, i) => (i % 3 === 0 ? 'F' : 'M'));
  const hierarchies = new Map([
    ['q', hierarchy],
    ['sex', buildHierarchy('sex', { kind: 'suppress' }, sexes)],
  ]);
  const table = { header: ['id', 'q', 'sex'], rows: values.map((v, i) => [`${i}`, v, sexes[i]!]) };
  const { table: out, report } = anonymize(table, hierarchies, { k: 2, suppressionLimit: 0 });
  const classes = new Map<string, number>();
  out.rows.forEach((row, i) => {
    const level = report.transformation.q!;
    const leaf = hierarchy.leafIds.get(values[i]!)!;
    assert.equal(row[1], hierarchy.labels[level]![hierarchy.up[level]![leaf]!]);
    const key = JSON.stringify([row[1], row[2]]);
    classes.set(key, (classes.get(key) ?? 0) + 1);
  });
  for (const [key, size] of classes) assert.ok(size >= 2, `class ${key} has ${size} record`);
}

describe('every built hierarchy', () => {
  for (const [kind, arbitrary] of Object.entries(cases)) {
    test(`${kind}: generalises monotonically to a single *, over random parameters and values`, () => {
      fc.assert(
        fc.property(arbitrary, ({ builder, values }) => {
          assertValidHierarchy(buildHierarchy('q', builder, values), values);
        }),
      );
    });

    test(`${kind}: anonymize() with k = 2 publishes a 2-anonymous table`, () => {
      fc.assert(
        fc.property(arbitrary, ({ builder, values }) => {
          assertAnonymizes(buildHierarchy('q', builder, values), values);
        }),
        { numRuns: 50 },
      );
    });
  }
});

describe('statistics dimensions, by hand', () => {
  const region: Dimension = {
    field: 'region',
    kind: 'categories',
    categories: ['North', 'South'],
    other: 'Other',
  };
  const income: Dimension = { field: 'income', kind: 'bands', width: 5, min: 0, max: 20 };
  const age: Dimension = { field: 'dob', kind: 'age-bands', at: '2024-06-15', width: 5, max: 15 };

  test('categories are published in the order given, other last', () => {
    assert.deepEqual(dimensionDomain(region), ['North', 'South', 'Other']);
    assert.equal(categorize(region, 'South'), 'South');
    assert.equal(categorize(region, 'Atlantis'), 'Other');
  });

  test('without other, an unlisted value has no category and only its count is reported', () => {
    const closed: Dimension = { field: 'region', kind: 'categories', categories: ['North', 'South'] };
    assert.equal(categorize(closed, 'Atlantis'), null);
    assert.deepEqual(categorizeColumn(closed, ['North', 'Atlantis', 'South', '']), {
      categories: ['North', null, 'South', null],
      outside: 2,
    });
  });

  test('bands run from under min to max and over', () => {
    assert.deepEqual(dimensionDomain(income), ['under 0', '0-4', '5-9', '10-14', '15-19', '20 and over']);
    const cases: [string, string | null][] = [
      ['-1', 'under 0'],
      ['0', '0-4'],
      ['4.99', '0-4'],
      ['5', '5-9'],
      ['19', '15-19'],
      ['20', '20 and over'],
      ['1e6', '20 and over'],
      ['twelve', null],
      ['', null],
    ];
    for (const [value, category] of cases) assert.equal(categorize(income, value), category, value);
  });

  test('age bands use the exact age at the reference date', () => {
    assert.deepEqual(dimensionDomain(age), ['0-4', '5-9', '10-14', '15 and over']);
    assert.equal(categorize(age, '2014-06-15'), '10-14');
    assert.equal(categorize(age, '2009-06-15'), '15 and over');
    assert.equal(categorize(age, '2009-06-16'), '10-14');
    assert.equal(categorize(age, '2024-06-16'), null);
    assert.equal(categorize(age, '2009-02-30'), null);
  });

  test('someone born on 29 February has their birthday on 1 March in a non-leap year', () => {
    const at = (date: string): Dimension => ({
      field: 'dob',
      kind: 'age-bands',
      at: date,
      width: 1,
      max: 100,
    });
    assert.equal(categorize(at('2023-02-28'), '2000-02-29'), '22');
    assert.equal(categorize(at('2023-03-01'), '2000-02-29'), '23');
    assert.equal(categorize(at('2024-02-28'), '2000-02-29'), '23');
    assert.equal(categorize(at('2024-02-29'), '2000-02-29'), '24');
  });
});

describe('statistics dimensions refuse bad parameters', () => {
  test('no categories', () => {
    assert.throws(
      () => dimensionDomain({ field: 'region', kind: 'categories', categories: [] }),
      badInput(/"region" lists no categories/),
    );
  });

  test('a category listed twice, or other repeating a category', () => {
    assert.throws(
      () => dimensionDomain({ field: 'region', kind: 'categories', categories: ['North', 'North'] }),
      badInput(/"region" lists the category "North" twice/),
    );
    assert.throws(
      () => dimensionDomain({ field: 'region', kind: 'categories', categories: ['North'], other: 'North' }),
      badInput(/"North" twice/),
    );
  });

  test('bands that do not divide the range, an empty range, or a width that is not whole', () => {
    const bands = (width: number, min: number, max: number) => () =>
      dimensionDomain({ field: 'income', kind: 'bands', width, min, max });
    assert.throws(bands(5, 0, 22), badInput(/"income" must run between whole numbers from 0 up to 22/));
    assert.throws(bands(5, 10, 10), badInput(/from 10 up to 10/));
    assert.throws(bands(0, 0, 10), badInput(/band width of "income" must be a whole number above 0; got 0/));
    assert.throws(bands(1, 0, 1e9), badInput(/1000000000 bands; at most 10000/));
  });

  test('a reference date that is not a calendar date', () => {
    assert.throws(
      () => dimensionDomain({ field: 'dob', kind: 'age-bands', at: '2023-02-29', width: 5, max: 90 }),
      badInput(/reference date of "dob" "2023-02-29" is not a calendar date/),
    );
  });
});

describe('statistics dimensions, over random values', () => {
  const dimension: fc.Arbitrary<Dimension> = fc.oneof(
    fc.record({
      field: fc.constant('c'),
      kind: fc.constant('categories' as const),
      categories: fc.uniqueArray(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 5 }),
    }),
    fc
      .tuple(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 1, max: 8 }),
      )
      .map(([width, min, count]) => ({
        field: 'b',
        kind: 'bands' as const,
        width,
        min,
        max: min + width * count,
      })),
    fc
      .tuple(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 12 }),
        isoDate('1990-01-01', '2030-12-31'),
      )
      .map(([width, count, at]) => ({
        field: 'a',
        kind: 'age-bands' as const,
        at,
        width,
        max: width * count,
      })),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.double({ noNaN: true }).map(String),
    fc.integer({ min: -100, max: 100 }).map(String),
    isoDate('1900-01-01', '2040-12-31'),
  );

  test('every value falls in a published category or in none, and the domain has no repeats', () => {
    fc.assert(
      fc.property(dimension, fc.array(value), (d, values) => {
        const domain = dimensionDomain(d);
        assert.equal(new Set(domain).size, domain.length);
        const { categories, outside } = categorizeColumn(d, values);
        for (const category of categories) assert.ok(category === null || domain.includes(category));
        assert.equal(outside, categories.filter((c) => c === null).length);
      }),
    );
  });
});
