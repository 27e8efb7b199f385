/**
 * `govdx disclosure anonymize INPUT.csv --hierarchies DIR --k 5 [--suppression 0.04]
 *   [--l-diversity ATTRIBUTE:L] [--t-closeness ATTRIBUTE:T[:hierarchical]] [--population FILE] [--quasi a,b,…]
 *   --out OUT.csv --report REPORT.json`
 *
 * Reads a `;`-separated table with a header and ARX-style hierarchies (`DIR/<name>_hierarchy_<attribute>.csv`),
 * writes the optimal k-anonymous generalisation and a JSON report. Nothing is written unless all of it is:
 * both files go to temporary names first and are renamed at the end.
 */
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  anonymize,
  DisclosureError,
  type Hierarchy,
  type PrivacyModel,
  parseHierarchy,
} from '../disclosure/index.ts';

export interface AnonymizeOptions {
  hierarchies: string;
  k: string;
  suppression?: string;
  /** `ATTRIBUTE:L` (distinct), `ATTRIBUTE:entropy:L` or `ATTRIBUTE:recursive:C:L`. */
  lDiversity?: string;
  /** `ATTRIBUTE:T` (equal distance) or `ATTRIBUTE:T:hierarchical` (the attribute's hierarchy as the distance). */
  tCloseness?: string;
  /** A `;`-separated table of the population the input is a sample of, for journalist and marketer risk. */
  population?: string;
  quasi?: string;
  out: string;
  report: string;
}

const HIERARCHY_FILE = /^(.+)_hierarchy_(.+)\.csv$/;
const bad = (sentence: string) => new DisclosureError('BAD_INPUT', sentence);

function readTable(path: string, what: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw bad(`Cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return parse(text, { delimiter: ';', relax_column_count: true, skip_empty_lines: true, bom: true });
  } catch (error) {
    throw bad(`${what} ${path} is not a ;-separated file: ${(error as Error).message}`);
  }
}

/** Every `<name>_hierarchy_<attribute>.csv` in the folder, by attribute. */
export function readHierarchies(dir: string): Map<string, Hierarchy> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw bad(`Cannot read the hierarchy folder ${dir}: ${(error as Error).message}`);
  }
  const hierarchies = new Map<string, Hierarchy>();
  for (const name of names.sort()) {
    const match = HIERARCHY_FILE.exec(name);
    if (!match) continue;
    const attribute = match[2]!;
    if (hierarchies.has(attribute)) throw bad(`Two files in ${dir} give a hierarchy for "${attribute}".`);
    hierarchies.set(attribute, parseHierarchy(attribute, readTable(join(dir, name), 'the hierarchy')));
  }
  return hierarchies;
}

function parseCount(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw bad(`${what} must be a whole number ≥ 1, not "${value}".`);
  return n;
}

/** `ATTRIBUTE:L`, `ATTRIBUTE:entropy:L` or `ATTRIBUTE:recursive:C:L`. */
export function parseDiversity(value: string): { sensitive: string; model: PrivacyModel } {
  const parts = value.split(':');
  const usage = `--l-diversity takes ATTRIBUTE:L, ATTRIBUTE:entropy:L or ATTRIBUTE:recursive:C:L, not "${value}".`;
  const last = parts.at(-1)!;
  if (parts.length >= 3 && parts.at(-2) === 'entropy') {
    const l = Number(last);
    if (!(l >= 1)) throw bad(usage);
    return { sensitive: parts.slice(0, -2).join(':'), model: { kind: 'entropy-l-diversity', l } };
  }
  if (parts.length >= 4 && parts.at(-3) === 'recursive') {
    const c = Number(parts.at(-2));
    if (!(c > 0)) throw bad(usage);
    return {
      sensitive: parts.slice(0, -3).join(':'),
      model: { kind: 'recursive-cl-diversity', c, l: parseCount(last, 'l') },
    };
  }
  if (parts.length < 2 || parts.slice(0, -1).join(':') === '') throw bad(usage);
  return {
    sensitive: parts.slice(0, -1).join(':'),
    model: { kind: 'distinct-l-diversity', l: parseCount(last, 'l') },
  };
}

/** `ATTRIBUTE:T` or `ATTRIBUTE:T:hierarchical`, the latter with the attribute's hierarchy from the folder. */
export function parseCloseness(
  value: string,
  hierarchies: ReadonlyMap<string, Hierarchy>,
): { sensitive: string; model: PrivacyModel } {
  const usage = `--t-closeness takes ATTRIBUTE:T or ATTRIBUTE:T:hierarchical with 0 ≤ T ≤ 1, not "${value}".`;
  const parts = value.split(':');
  const hierarchical = parts.at(-1) === 'hierarchical';
  if (hierarchical) parts.pop();
  const t = Number(parts.at(-1));
  const sensitive = parts.slice(0, -1).join(':');
  if (parts.length < 2 || sensitive === '' || !(t >= 0 && t <= 1)) throw bad(usage);
  if (!hierarchical) return { sensitive, model: { kind: 'equal-distance-t-closeness', t } };
  const hierarchy = hierarchies.get(sensitive);
  if (!hierarchy)
    throw bad(`--t-closeness ${value} needs a hierarchy for "${sensitive}" in the hierarchy folder.`);
  return { sensitive, model: { kind: 'hierarchical-t-closeness', t, hierarchy } };
}

function writeAtomically(files: readonly { path: string; content: string }[]): void {
  const temporary = files.map((f) => `${f.path}.${process.pid}.tmp`);
  try {
    files.forEach((f, i) => {
      writeFileSync(temporary[i]!, f.content);
    });
    files.forEach((f, i) => {
      renameSync(temporary[i]!, f.path);
    });
  } finally {
    for (const t of temporary) rmSync(t, { force: true });
  }
}

/** Exit codes: 0 written, 1 refused input (nothing written), 2 no transformation is anonymous (nothing written). */
export async function anonymizeCommand(input: string, options: AnonymizeOptions): Promise<number> {
  try {
    const started = performance.now();
    const k = parseCount(options.k, '--k');
    const suppressionLimit = options.suppression === undefined ? 0 : Number(options.suppression);
    if (!(suppressionLimit >= 0 && suppressionLimit <= 1))
      throw bad(
        `--suppression must be a fraction between 0 and 1 (0.04 for 4 %), not "${options.suppression}".`,
      );
    const diversity = options.lDiversity === undefined ? null : parseDiversity(options.lDiversity);
    const quasi = options.quasi
      ?.split(',')
      .map((q) => q.trim())
      .filter((q) => q.length > 0);
    const hierarchies = readHierarchies(options.hierarchies);
    const closeness =
      options.tCloseness === undefined ? null : parseCloseness(options.tCloseness, hierarchies);
    if (diversity && closeness && diversity.sensitive !== closeness.sensitive)
      throw bad(
        `--l-diversity and --t-closeness must name the same sensitive attribute, not "${diversity.sensitive}" and "${closeness.sensitive}".`,
      );
    const sensitive = diversity?.sensitive ?? closeness?.sensitive;
    const models = [diversity?.model, closeness?.model].filter((m): m is PrivacyModel => m !== undefined);
    const [header, ...rows] = readTable(input, 'the input');
    if (!header) throw bad(`The input ${input} is empty; it needs a header and records.`);
    let population: { header: string[]; rows: string[][] } | undefined;
    if (options.population !== undefined) {
      const [populationHeader, ...populationRows] = readTable(options.population, 'the population');
      if (!populationHeader) throw bad(`The population ${options.population} is empty; it needs a header.`);
      population = { header: populationHeader, rows: populationRows };
    }
    const result = anonymize({ header, rows }, hierarchies, {
      k,
      suppressionLimit,
      ...(quasi ? { quasi } : {}),
      ...(sensitive !== undefined ? { sensitive, models } : {}),
      ...(population ? { population } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const report = { ...result.report, seconds };
    writeAtomically([
      { path: options.out, content: stringify([header, ...result.table.rows], { delimiter: ';' }) },
      { path: options.report, content: `${JSON.stringify(report, null, 2)}\n` },
    ]);
    const levels = Object.entries(report.transformation)
      .map(([attribute, level]) => `${attribute}=${level}`)
      .join(', ');
    process.stdout.write(
      `${report.records} records, k=${k}: generalised ${levels}; ${report.suppressedRecords} suppressed; ` +
        `${report.lattice.checked} of ${report.lattice.nodes} transformations checked in ${seconds.toFixed(2)} s.\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof DisclosureError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return error.code === 'NO_ANONYMOUS_TRANSFORMATION' ? 2 : 1;
  }
}
