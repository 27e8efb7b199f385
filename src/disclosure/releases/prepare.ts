/**
 * What a release publishes and what it costs, computed from the register's table: the k-anonymous
 * microdata with its utility and risk (and the information loss at other values of k, for the steward's
 * chart), or the design of a noisy statistics table (its cells and their 95 % error bound, known before
 * any noise is drawn) and, once signed off, the table itself.
 */
import { randomInt } from 'node:crypto';
import type { Static } from 'typebox';
import { GovdxError } from '../../domain/index.ts';
import {
  anonymize,
  buildHierarchy,
  categorize,
  clampNegative,
  type Dimension,
  DisclosureError,
  dimensionDomain,
  discreteLaplaceErrorBound,
  type Hierarchy,
  type HierarchyBuilder,
  type PrivacyModel,
  parseEpsilon,
  type Risk,
  releaseCounts,
  type SeededTestRandom,
  type Table,
} from '../index.ts';
import type { MicrodataParameters, StatisticsParameters } from './schemas.ts';
import type { SourceColumn } from './source.ts';

export type MicrodataInput = Static<typeof MicrodataParameters>;
export type StatisticsInput = Static<typeof StatisticsParameters>;

/** The values of k the steward's chart compares, besides the chosen one. */
export const K_LADDER = [2, 3, 5, 10, 20, 50, 100] as const;
/** The first rows shown to the steward and the data protection officer before publication. */
export const SAMPLE_ROWS = 20;

const refuse = (message: string, details?: Record<string, unknown>) =>
  new GovdxError('VALIDATION_FAILED', message, details);

function column(columns: ReadonlyMap<string, SourceColumn>, name: string, role: string): SourceColumn {
  const found = columns.get(name);
  if (!found)
    throw new GovdxError('INVALID_REFERENCE', `There is no field "${name}" to use as ${role}.`, {
      field: name,
    });
  if (found.key)
    throw refuse(`"${name}" identifies each record directly, so it is never published.`, { field: name });
  return found;
}

/** The columns of a microdata release, in output order: quasi-identifiers, the sensitive attribute, the rest. */
export function microdataColumns(
  params: MicrodataInput,
  columns: ReadonlyMap<string, SourceColumn>,
): string[] {
  const names: string[] = [];
  const add = (name: string, role: string) => {
    column(columns, name, role);
    if (names.includes(name)) throw refuse(`"${name}" is named twice in the release.`, { field: name });
    names.push(name);
  };
  for (const q of params.quasiIdentifiers) add(q.field, 'a quasi-identifier');
  if (params.sensitive) add(params.sensitive.field, 'the sensitive attribute');
  for (const name of params.keep ?? []) {
    add(name, 'a field kept as it is');
    const { sensitivity } = columns.get(name)!;
    if (sensitivity !== 'open' && sensitivity !== 'internal')
      throw refuse(
        `"${name}" holds ${sensitivity} data, so it cannot be published as it is: make it a quasi-identifier with a hierarchy, or the sensitive attribute.`,
        { field: name },
      );
  }
  return names;
}

function privacyModels(params: MicrodataInput, table: Table): PrivacyModel[] {
  const models: PrivacyModel[] = [];
  const l = params.sensitive?.lDiversity;
  if (l) {
    if (l.variant === 'distinct') models.push({ kind: 'distinct-l-diversity', l: l.l });
    else if (l.variant === 'entropy') models.push({ kind: 'entropy-l-diversity', l: l.l });
    else models.push({ kind: 'recursive-cl-diversity', l: l.l, c: l.c ?? 1 });
  }
  const t = params.sensitive?.tCloseness;
  if (t?.hierarchy) {
    const field = params.sensitive!.field;
    const i = table.header.indexOf(field);
    const values = [...new Set(table.rows.map((row) => row[i]!))];
    models.push({
      kind: 'hierarchical-t-closeness',
      t: t.t,
      hierarchy: buildHierarchy(field, t.hierarchy as HierarchyBuilder, values),
    });
  } else if (t) models.push({ kind: 'equal-distance-t-closeness', t: t.t });
  return models;
}

/**
 * A uniformly random sample of `share` of the rows (rounded, at least one), in their original order, drawn
 * with the operating system's secure generator: which people are in a published sample must not be guessable.
 */
export function sampleRows(table: Table, share: number): Table {
  const n = table.rows.length;
  const size = Math.max(1, Math.min(n, Math.round(share * n)));
  if (size === n) return table;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i += 1) {
    const j = i + randomInt(n - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const chosen = order.slice(0, size).sort((a, b) => a - b);
  return { header: table.header, rows: chosen.map((i) => table.rows[i]!) };
}

export interface CurvePoint {
  k: number;
  /** False when no generalisation reaches this k within the suppression limit. */
  possible: boolean;
  loss: number | null;
  nonUniformEntropy: number | null;
  suppressedRecords: number | null;
  highestProsecutorRisk: number | null;
}

export interface MicrodataReport {
  method: 'microdata';
  /** Records of the register; when a sample is published, `records` counts the sample. */
  population: number;
  records: number;
  releasedRecords: number;
  suppressedRecords: number;
  k: number;
  suppressionLimit: number;
  models: PrivacyModel[];
  /** The generalisation level of each quasi-identifier (0: as recorded), and its number of levels. */
  transformation: Array<{ field: string; level: number; levels: number }>;
  informationLoss: {
    loss: number;
    nonUniformEntropy: number;
    discernibility: number;
    perField: Record<string, number>;
  };
  risk: Risk;
  lattice: { nodes: number; checked: number };
  /** Information loss and risk at other values of k, same hierarchies and suppression limit. */
  curve: CurvePoint[];
}

function disclosureRefusal(error: unknown): never {
  if (error instanceof DisclosureError) {
    if (error.code === 'NO_ANONYMOUS_TRANSFORMATION') throw new GovdxError('NO_SAFE_RELEASE', error.message);
    throw refuse(error.message);
  }
  throw error;
}

/** The k-anonymous table and its report. Pure: the table comes from the register. */
export function prepareMicrodata(
  table: Table,
  params: MicrodataInput,
  population?: Table,
): { report: MicrodataReport; output: Table } {
  const hierarchies = new Map<string, Hierarchy>();
  const at = new Map(table.header.map((name, i) => [name, i]));
  try {
    // Hierarchies over the population's values, which include the sample's.
    const values = population ?? table;
    for (const q of params.quasiIdentifiers) {
      const i = at.get(q.field)!;
      hierarchies.set(
        q.field,
        buildHierarchy(q.field, q.hierarchy, [...new Set(values.rows.map((r) => r[i]!))]),
      );
    }
  } catch (error) {
    disclosureRefusal(error);
  }
  let models: PrivacyModel[] = [];
  try {
    models = privacyModels(params, table);
  } catch (error) {
    disclosureRefusal(error);
  }
  const request = {
    suppressionLimit: params.suppressionLimit,
    quasi: params.quasiIdentifiers.map((q) => q.field),
    ...(params.sensitive ? { sensitive: params.sensitive.field } : {}),
    models,
    ...(population ? { population } : {}),
  };
  let chosen: ReturnType<typeof anonymize>;
  try {
    chosen = anonymize(table, hierarchies, { ...request, k: params.k });
  } catch (error) {
    disclosureRefusal(error);
  }
  const ks = [...new Set([...K_LADDER, params.k])]
    .filter((k) => k <= table.rows.length)
    .sort((a, b) => a - b);
  const curve = ks.map((k): CurvePoint => {
    const result =
      k === params.k
        ? chosen
        : (() => {
            try {
              return anonymize(table, hierarchies, { ...request, k });
            } catch (error) {
              if (error instanceof DisclosureError && error.code === 'NO_ANONYMOUS_TRANSFORMATION')
                return null;
              throw error;
            }
          })();
    if (!result)
      return {
        k,
        possible: false,
        loss: null,
        nonUniformEntropy: null,
        suppressedRecords: null,
        highestProsecutorRisk: null,
      };
    return {
      k,
      possible: true,
      loss: result.report.informationLoss.loss,
      nonUniformEntropy: result.report.informationLoss.nonUniformEntropy,
      suppressedRecords: result.report.suppressedRecords,
      highestProsecutorRisk: result.report.risk.prosecutor.highest,
    };
  });
  const r = chosen.report;
  return {
    output: chosen.table,
    report: {
      method: 'microdata',
      population: population?.rows.length ?? r.records,
      records: r.records,
      releasedRecords: r.records - r.suppressedRecords,
      suppressedRecords: r.suppressedRecords,
      k: params.k,
      suppressionLimit: params.suppressionLimit,
      models: [...r.models],
      transformation: params.quasiIdentifiers.map((q) => ({
        field: q.field,
        level: r.transformation[q.field]!,
        levels: hierarchies.get(q.field)!.labels.length,
      })),
      informationLoss: {
        loss: r.informationLoss.loss,
        nonUniformEntropy: r.informationLoss.nonUniformEntropy,
        discernibility: r.informationLoss.discernibility,
        perField: { ...r.informationLoss.lossPerAttribute },
      },
      risk: r.risk,
      lattice: { ...r.lattice },
      curve,
    },
  };
}

/** The columns of a statistics release, each checked: a dimension per field, never the key. */
export function statisticsColumns(
  params: StatisticsInput,
  columns: ReadonlyMap<string, SourceColumn>,
): string[] {
  const names: string[] = [];
  for (const d of params.dimensions) {
    column(columns, d.field, 'a dimension');
    if (names.includes(d.field)) throw refuse(`"${d.field}" is a dimension twice.`, { field: d.field });
    if (d.field === 'count' || d.field === 'margin_of_error_95')
      throw refuse(`A dimension cannot be called "${d.field}": the published table uses that name.`);
    names.push(d.field);
  }
  return names;
}

export interface StatisticsReport {
  method: 'statistics';
  statistic: 'count';
  mechanism: 'discrete-laplace';
  epsilon: string;
  /** The discrete Laplace scale, 1/ε: one person is one record of the register. */
  scale: string;
  cells: number;
  /** Every published count lies within ± this of the true count with probability at least 95 %. */
  errorBound95: number;
  dimensions: Array<{ field: string; categories: string[] }>;
  /** Insiders only (never published): records whose value falls in no category, and so are not counted. */
  recordsOutside?: number;
  records?: number;
  /** Once published. */
  noiseSource?: 'crypto' | 'seeded-test';
}

function domainOf(params: StatisticsInput): Array<{ field: string; categories: string[] }> {
  try {
    return params.dimensions.map((d) => ({ field: d.field, categories: dimensionDomain(d as Dimension) }));
  } catch (error) {
    disclosureRefusal(error);
  }
}

/** The design of a statistics release: cells and error bound come from the parameters alone, never the data. */
export function designStatistics(params: StatisticsInput, table?: Table): StatisticsReport {
  let epsilon: ReturnType<typeof parseEpsilon>;
  try {
    epsilon = parseEpsilon(params.epsilon);
  } catch {
    throw refuse(`ε must be a positive number or fraction, not "${params.epsilon}".`);
  }
  const dimensions = domainOf(params);
  const cells = dimensions.reduce((n, d) => n * d.categories.length, 1);
  if (cells > 100_000)
    throw refuse(`The table would have ${cells} cells; a release may have at most 100,000.`);
  const report: StatisticsReport = {
    method: 'statistics',
    statistic: 'count',
    mechanism: 'discrete-laplace',
    epsilon: params.epsilon,
    scale: epsilon.num === 1n ? `${epsilon.den}` : `${epsilon.den}/${epsilon.num}`,
    cells,
    errorBound95: discreteLaplaceErrorBound(epsilon.den, epsilon.num),
    dimensions,
  };
  if (table) {
    const categorized = categorizeRows(table, params);
    report.records = table.rows.length;
    report.recordsOutside = table.rows.length - categorized.length;
  }
  return report;
}

function categorizeRows(table: Table, params: StatisticsInput): Record<string, string>[] {
  const at = new Map(table.header.map((name, i) => [name, i]));
  const out: Record<string, string>[] = [];
  for (const row of table.rows) {
    const record: Record<string, string> = {};
    let inside = true;
    for (const d of params.dimensions) {
      const category = categorize(d as Dimension, row[at.get(d.field)!]!);
      if (category === null) {
        inside = false;
        break;
      }
      record[d.field] = category;
    }
    if (inside) out.push(record);
  }
  return out;
}

/**
 * Draws the noisy table: every cell of the declared categories, empty or not, with discrete Laplace noise
 * from the cryptographic generator, negative counts clamped to 0 (which never moves a count away from the
 * truth). Records in no category are left out, which the design told the steward.
 */
export function drawStatistics(
  table: Table,
  params: StatisticsInput,
  seeded?: SeededTestRandom,
): { report: StatisticsReport; output: Table } {
  const report = designStatistics(params, table);
  const records = categorizeRows(table, params);
  const domain = Object.fromEntries(report.dimensions.map((d) => [d.field, d.categories]));
  const noisy = clampNegative(
    releaseCounts(
      records,
      { groupBy: report.dimensions.map((d) => d.field), domain, epsilon: params.epsilon },
      seeded ? { seededTestRandom: seeded } : {},
    ),
  );
  return {
    report: { ...report, noiseSource: noisy.noiseSource },
    output: {
      header: [...report.dimensions.map((d) => d.field), 'count', 'margin_of_error_95'],
      rows: noisy.cells.map((cell) => [...cell.values, String(cell.value), String(cell.errorBound)]),
    },
  };
}
