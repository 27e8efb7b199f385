import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ColumnKind } from '../../../src/registry/linkage/columns.ts';
import { comparisonsFor, ident, levelSql } from '../../../src/registry/linkage/comparisons.ts';

/** The level DuckDB puts two values in, for a column of this kind (given/surname give names a partner). */
async function level(
  connection: DuckDBConnection,
  kind: ColumnKind,
  left: string | null,
  right: string | null,
  other: [string, string] = ['', ''],
): Promise<string> {
  const columns =
    kind === 'name'
      ? [
          { name: 'given_name', kind },
          { name: 'surname', kind },
        ]
      : [{ name: 'value', kind }];
  const spec = comparisonsFor(columns)[0]!;
  const value = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);
  const side = (v: string | null, o: string) =>
    `SELECT ${value(v)} AS ${ident(spec.column)}${kind === 'name' ? `, '${o}' AS surname` : ''}`;
  const reader = await connection.runAndReadAll(
    `SELECT ${levelSql(spec)} FROM (${side(left, other[0])}) l, (${side(right, other[1])}) r`,
  );
  return spec.levels[Number(reader.getRows()[0]![0])]!.key;
}

describe('comparison levels, as DuckDB computes them', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  after(() => {
    connection.closeSync();
    instance.closeSync();
  });

  const cases: Array<[ColumnKind, string | null, string | null, string, [string, string]?]> = [
    ['name', 'martha', 'martha', 'exact'],
    ['name', 'martha', 'marhta', 'jw94'],
    ['name', 'dwayne', 'duane', 'jw80'],
    ['name', 'smith', 'jones', 'swapped', ['jones', 'smith']],
    ['name', 'martha', null, 'missing'],
    ['name', 'martha', 'zoe', 'different'],
    ['text', 'pridham street', 'pridhamstreet', 'jw94'],
    ['date', '19560409', '19560409', 'exact'],
    ['date', '19560409', '19560408', 'dl1'],
    ['date', '19560409', '19560904', 'day_month_swapped'],
    ['date', '19560409', '19570409', 'dl1'],
    ['date', '19590409', '19600409', 'year_off_by_one'],
    ['date', '19560409', '19580419', 'lev2'],
    ['date', '19560409', '20011231', 'different'],
    ['identifier', '1804974', '1804974', 'exact'],
    ['identifier', '1804974', '1809474', 'dl1'],
    ['identifier', '1804974', '1800074', 'lev2'],
    ['identifier', '1804974', '5512345', 'different'],
    ['postcode', '2119', '2118', 'dl1'],
    ['postcode', '2119', '2191', 'dl1'],
    ['postcode', '2119', '2145', 'prefix2'],
    ['number', '12', '21', 'dl1'],
    ['category', 'nsw', 'vic', 'different'],
  ];
  for (const [kind, left, right, expected, other] of cases) {
    test(`${kind}: "${left}" and "${right}" are ${expected}`, async () => {
      assert.equal(await level(connection, kind, left, right, other), expected);
    });
  }
});
