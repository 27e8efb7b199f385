/**
 * Microdata anonymisation: a table and its hierarchies in, the optimal full-domain generalisation out
 * (ARX's `ARXAnonymizer.anonymize` with the default non-uniform entropy metric), with its information loss
 * and re-identification risk. Pure: the CLI reads and writes the files.
 */
import { DisclosureError } from './errors.ts';
import { groupify, KeyTable, type Microdata, type QuasiColumn, recordCells } from './groupify.ts';
import { encodeColumn, type Hierarchy } from './hierarchy.ts';
import { searchOptimum } from './lattice.ts';
import { discernibility, levelEntropies, loss, nonUniformEntropy, type Risk, risk } from './metrics.ts';
import { type PrivacyModel, sensitiveDistribution, validateModels, violations } from './privacy.ts';

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface AnonymizationRequest {
  readonly k: number;
  /** Fraction of records that may be suppressed, 0 … 1. */
  readonly suppressionLimit: number;
  /** Quasi-identifiers; by default every column with a hierarchy except the sensitive attribute. */
  readonly quasi?: readonly string[];
  /** The sensitive attribute the further models read. */
  readonly sensitive?: string;
  /** Models besides k-anonymity (l-diversity, t-closeness) on the sensitive attribute. */
  readonly models?: readonly PrivacyModel[];
  /**
   * The population the table is a sample of (it holds at least the quasi-identifier columns), for the
   * journalist's and marketer's risk; without it the table is its own population.
   */
  readonly population?: Table;
}

export interface AnonymizationReport {
  readonly k: number;
  readonly suppressionLimit: number;
  readonly sensitive: string | null;
  readonly models: readonly PrivacyModel[];
  readonly records: number;
  readonly transformation: Record<string, number>;
  readonly suppressedRecords: number;
  readonly informationLoss: {
    readonly nonUniformEntropy: number;
    readonly discernibility: number;
    readonly loss: number;
    readonly lossPerAttribute: Record<string, number>;
  };
  readonly risk: Risk;
  readonly lattice: { readonly nodes: number; readonly checked: number };
}

export interface Anonymization {
  readonly table: Table;
  readonly report: AnonymizationReport;
}

const bad = (sentence: string) => new DisclosureError('BAD_INPUT', sentence);

/** Encodes the table's quasi-identifiers and sensitive attribute; refuses ragged rows and unknown values. */
export function encodeTable(
  table: Table,
  hierarchies: ReadonlyMap<string, Hierarchy>,
  request: Pick<AnonymizationRequest, 'quasi' | 'sensitive'>,
): { data: Microdata; quasiColumns: number[] } {
  const { header, rows } = table;
  const position = new Map<string, number>();
  header.forEach((name, i) => {
    if (position.has(name)) throw bad(`The header names the column "${name}" twice.`);
    position.set(name, i);
  });
  rows.forEach((row, r) => {
    if (row.length !== header.length)
      throw bad(
        `Row ${r + 1} (line ${r + 2} counting the header) has ${row.length} values; the header has ${header.length}.`,
      );
  });
  const sensitive = request.sensitive;
  if (sensitive !== undefined && !position.has(sensitive))
    throw bad(`The sensitive attribute "${sensitive}" is not a column of the input.`);
  const quasi = request.quasi ?? header.filter((name) => hierarchies.has(name) && name !== sensitive);
  if (quasi.length === 0) throw bad('No quasi-identifier: no column of the input has a hierarchy.');
  const seen = new Set<string>();
  for (const name of quasi) {
    if (!position.has(name)) throw bad(`The quasi-identifier "${name}" is not a column of the input.`);
    if (!hierarchies.has(name)) throw bad(`The quasi-identifier "${name}" has no hierarchy.`);
    if (name === sensitive)
      throw bad(`"${name}" cannot be both a quasi-identifier and the sensitive attribute.`);
    if (seen.has(name)) throw bad(`The quasi-identifier "${name}" is named twice.`);
    seen.add(name);
  }
  const columnValues = (name: string) => {
    const i = position.get(name)!;
    return rows.map((row) => row[i]!);
  };
  const quasiColumns: QuasiColumn[] = quasi.map((name) => {
    const hierarchy = hierarchies.get(name)!;
    return { hierarchy, values: encodeColumn(hierarchy, columnValues(name)) };
  });
  let sensitiveColumn: Microdata['sensitive'] = null;
  if (sensitive !== undefined) {
    const ids = new Map<string, number>();
    const labels: string[] = [];
    const values = Int32Array.from(columnValues(sensitive), (v) => {
      let id = ids.get(v);
      if (id === undefined) {
        id = labels.length;
        ids.set(v, id);
        labels.push(v);
      }
      return id;
    });
    sensitiveColumn = { name: sensitive, values, labels };
  }
  return {
    data: { records: rows.length, quasi: quasiColumns, sensitive: sensitiveColumn },
    quasiColumns: quasi.map((name) => position.get(name)!),
  };
}

/**
 * F for each released class: how many records of the population generalise to the class's values under the
 * chosen levels. A population that holds fewer records of a class than the sample does is not its population.
 */
function populationSizes(
  population: Table,
  data: Microdata,
  levels: readonly number[],
  groups: ReturnType<typeof groupify>,
  violating: Uint8Array,
): Int32Array {
  const columns = data.quasi.map(({ hierarchy }) => {
    const i = population.header.indexOf(hierarchy.attribute);
    if (i < 0) throw bad(`The population has no column "${hierarchy.attribute}".`);
    return i;
  });
  const keyOf = (ids: (q: number) => number) =>
    data.quasi.map(({ hierarchy }, q) => hierarchy.up[levels[q]!]![ids(q)]!).join(',');
  const counts = new Map<string, number>();
  population.rows.forEach((row, r) => {
    const key = keyOf((q) => {
      const { hierarchy } = data.quasi[q]!;
      const id = hierarchy.leafIds.get(row[columns[q]!]!);
      if (id === undefined)
        throw bad(
          `Population row ${r + 1}, column "${hierarchy.attribute}": the value "${row[columns[q]!]}" is not in its hierarchy.`,
        );
      return id;
    });
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const sizes = new Int32Array(groups.classes);
  for (let c = 0; c < groups.classes; c += 1) {
    if (violating[c]) continue;
    const rep = groups.classRep[c]!;
    const size = counts.get(keyOf((q) => data.quasi[q]!.values[rep]!)) ?? 0;
    if (size < groups.classSize[c]!)
      throw bad(
        `The population has ${size} records like a class of ${groups.classSize[c]} in the table; it must hold every record of the table.`,
      );
    sizes[c] = size;
  }
  return sizes;
}

/** Finds the optimal transformation and applies it: generalised values, `*` for suppressed records. */
export function anonymize(
  table: Table,
  hierarchies: ReadonlyMap<string, Hierarchy>,
  request: AnonymizationRequest,
): Anonymization {
  if (!(request.suppressionLimit >= 0 && request.suppressionLimit <= 1))
    throw bad(`The suppression limit must be between 0 and 1, not ${request.suppressionLimit}.`);
  const models: PrivacyModel[] = [{ kind: 'k-anonymity', k: request.k }, ...(request.models ?? [])];
  const { data, quasiColumns } = encodeTable(table, hierarchies, request);
  validateModels(models, data);
  if (data.records === 0) throw bad('The input has no records.');
  const search = searchOptimum({ data, models, suppressionLimit: request.suppressionLimit });
  if (!search.optimum)
    throw new DisclosureError(
      'NO_ANONYMOUS_TRANSFORMATION',
      `No generalisation of these hierarchies satisfies the privacy model with at most ` +
        `${request.suppressionLimit * 100} % of the records suppressed.`,
    );
  const levels = search.optimum.levels;
  const groups = groupify(data, levels, recordCells(data), new KeyTable());
  const violating = violations(groups, models, sensitiveDistribution(data));
  const rows = table.rows.map((row, r) => {
    const out = row.slice();
    const suppressed = violating[groups.sourceClass[r]!] === 1;
    data.quasi.forEach(({ hierarchy, values }, q) => {
      const level = levels[q]!;
      out[quasiColumns[q]!] = suppressed ? '*' : hierarchy.labels[level]![hierarchy.up[level]![values[r]!]!]!;
    });
    return out;
  });
  const names = data.quasi.map((q) => q.hierarchy.attribute);
  const byName = (values: readonly number[]) => Object.fromEntries(names.map((n, q) => [n, values[q]!]));
  const lossed = loss(data, groups, violating);
  let suppressedRecords = 0;
  for (let c = 0; c < groups.classes; c += 1) if (violating[c]) suppressedRecords += groups.classSize[c]!;
  return {
    table: { header: table.header, rows },
    report: {
      k: request.k,
      suppressionLimit: request.suppressionLimit,
      sensitive: data.sensitive?.name ?? null,
      models,
      records: data.records,
      transformation: byName(levels),
      suppressedRecords,
      informationLoss: {
        nonUniformEntropy: nonUniformEntropy(data, groups, violating, levelEntropies(data)),
        discernibility: discernibility(groups, violating, data.records),
        loss: lossed.aggregate,
        lossPerAttribute: byName(lossed.perAttribute),
      },
      risk: risk(
        groups,
        violating,
        request.population ? populationSizes(request.population, data, levels, groups, violating) : undefined,
      ),
      lattice: { nodes: search.nodes, checked: search.checked },
    },
  };
}
