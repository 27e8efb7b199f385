/**
 * The explanation file that `govdx registry link|dedupe … --explain FILE` writes: one JSON object per line
 * (JSON Lines), one line per linked pair, saying how the pair's match weight (Fellegi–Sunter, in bits: the
 * log2 of the odds that the two records are the same person) is made up. Read and checked here, in the
 * browser, line by line; nothing is sent anywhere.
 *
 *   match_weight      = prior.weight + comparisons[0].weight + comparisons[1].weight + …  (in this order)
 *   match_probability = 2^match_weight / (1 + 2^match_weight)
 */

import type { ComparisonContribution, PairExplanation } from '../../src/registry/linkage/model.ts';

// The file's format is the linker's own type (a type-only import: no linker code reaches the browser).
export type { PairExplanation };
export type ComparisonStep = ComparisonContribution;

/** How far the parts may be from the weight they add up to (and the chance from the weight's). */
export const TOLERANCE = 1e-9;

/** A pair as the list of pairs needs it; its line's text is kept to be read again when it is chosen. */
export interface PairSummary {
  line: number;
  left_id: string;
  right_id: string;
  match_weight: number;
  match_probability: number;
  text: string;
}

/** A line that could not be read, and why, in a sentence that names it. */
export interface LineProblem {
  line: number;
  message: string;
}

export type LineResult = { pair: PairExplanation } | { problem: LineProblem } | null;

type Check = (value: unknown) => boolean;
const text: Check = (value) => typeof value === 'string';
const number: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const probability: Check = (value) => number(value) && (value as number) >= 0 && (value as number) <= 1;
const orNull =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);

const PAIR_FIELDS: Array<[keyof PairExplanation, Check, string]> = [
  ['left_id', text, 'a text'],
  ['right_id', text, 'a text'],
  ['match_weight', number, 'a number'],
  ['match_probability', probability, 'a number from 0 to 1'],
];
const PRIOR_FIELDS: Array<['probability' | 'weight', Check, string]> = [
  ['probability', probability, 'a number from 0 to 1'],
  ['weight', number, 'a number'],
];
const STEP_FIELDS: Array<[keyof ComparisonStep, Check, string]> = [
  ['comparison', text, 'a text'],
  ['label', text, 'a text'],
  ['level', text, 'a text'],
  ['left', orNull(text), 'a text, or null'],
  ['right', orNull(text), 'a text, or null'],
  ['m', orNull(probability), 'a number from 0 to 1, or null'],
  ['u', orNull(probability), 'a number from 0 to 1, or null'],
  ['term_frequency_adjustment', number, 'a number'],
  ['weight', number, 'a number'],
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first field that is missing or of the wrong kind, said of its owner ("it", "the prior"…). */
function fieldProblem(
  object: Record<string, unknown>,
  fields: ReadonlyArray<readonly [string, Check, string]>,
  owner: string,
): string | null {
  for (const [name, check, expected] of fields) {
    if (!(name in object)) return `${owner} has no “${name}” (${expected})`;
    if (!check(object[name])) {
      return `the “${name}” of ${owner === 'it' ? 'the pair' : owner} is not ${expected}: it is ${JSON.stringify(object[name])}`;
    }
  }
  return null;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** The two numbers with as many digits as it takes to tell them apart. */
function apart(a: number, b: number): [string, string] {
  for (let digits = 4; digits < 17; digits++) {
    const [x, y] = [Number(a.toPrecision(digits)), Number(b.toPrecision(digits))];
    if (x !== y) return [String(x), String(y)];
  }
  return [String(a), String(b)];
}

/** The weight the parts add up to, in the file's order (floating-point sums depend on it). */
export function sumOfParts(pair: Pick<PairExplanation, 'prior' | 'comparisons'>): number {
  let sum = pair.prior.weight;
  for (const step of pair.comparisons) sum += step.weight;
  return sum;
}

/** The chance that the records are the same person, from the weight in bits: 2^w / (1 + 2^w). */
export function probabilityOf(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

/** What is wrong with one parsed line, in a sentence that starts after "Line N: "; null when nothing is. */
export function explanationProblem(value: unknown): string | null {
  if (!isObject(value)) return 'it is not a JSON object';
  const top = fieldProblem(value, PAIR_FIELDS, 'it');
  if (top) return top;
  if (!('prior' in value)) return 'it has no “prior” (an object with a probability and a weight)';
  if (!isObject(value.prior)) return 'the “prior” is not an object with a probability and a weight';
  const prior = fieldProblem(value.prior, PRIOR_FIELDS, 'the prior');
  if (prior) return prior;
  if (!('comparisons' in value)) return 'it has no “comparisons” (a list)';
  if (!Array.isArray(value.comparisons)) return 'the “comparisons” are not a list';
  for (const [index, step] of value.comparisons.entries()) {
    const where = `the ${ordinal(index + 1)} comparison`;
    if (!isObject(step)) return `${where} is not a JSON object`;
    const named = typeof step.label === 'string' ? `${where} (${step.label})` : where;
    const problem = fieldProblem(step, STEP_FIELDS, named);
    if (problem) return problem;
  }
  const pair = value as unknown as PairExplanation;
  const sum = sumOfParts(pair);
  if (Math.abs(sum - pair.match_weight) > TOLERANCE) {
    const [parts, weight] = apart(sum, pair.match_weight);
    return `the parts do not add up: before comparing and the comparisons come to ${parts} bits, but the match weight is ${weight} bits`;
  }
  const expected = probabilityOf(pair.match_weight);
  if (Math.abs(expected - pair.match_probability) > TOLERANCE) {
    const [given, fromWeight] = apart(pair.match_probability, expected);
    return `the match probability ${given} is not the one its weight gives (${fromWeight})`;
  }
  return null;
}

/** One line of the file: a pair, a problem naming the line, or null for a blank line. */
export function readLine(source: string, line: number): LineResult {
  if (source.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: { line, message: `Line ${line} is not valid JSON (${reason}).` } };
  }
  const problem = explanationProblem(value);
  if (problem) return { problem: { line, message: `Line ${line}: ${problem}.` } };
  return { pair: value as PairExplanation };
}

/** Whether a pair's record identifiers contain the text someone typed, ignoring case. */
export function pairMatches(pair: Pick<PairSummary, 'left_id' | 'right_id'>, filter: string): boolean {
  const wanted = filter.trim().toLowerCase();
  if (wanted === '') return true;
  return pair.left_id.toLowerCase().includes(wanted) || pair.right_id.toLowerCase().includes(wanted);
}

export type PairOrder = 'weakest' | 'strongest';

/** Pairs by weight, weakest or strongest first; equal weights keep the file's order. */
export function sortPairs(pairs: PairSummary[], order: PairOrder): PairSummary[] {
  const sign = order === 'weakest' ? 1 : -1;
  return [...pairs].sort((a, b) => sign * (a.match_weight - b.match_weight) || a.line - b.line);
}

/** One bar of the waterfall: where it starts and ends, in bits. */
export interface WaterfallStep {
  name: string;
  kind: 'prior' | 'for' | 'against' | 'total';
  from: number;
  to: number;
  weight: number;
}

/** The waterfall's bars: from 0 to the prior, each comparison from the running total on, then the total from 0. */
export function waterfallSteps(pair: PairExplanation): WaterfallStep[] {
  const steps: WaterfallStep[] = [
    { name: 'Before comparing', kind: 'prior', from: 0, to: pair.prior.weight, weight: pair.prior.weight },
  ];
  let running = pair.prior.weight;
  for (const step of pair.comparisons) {
    const to = running + step.weight;
    steps.push({
      name: step.label,
      kind: step.weight < 0 ? 'against' : 'for',
      from: running,
      to,
      weight: step.weight,
    });
    running = to;
  }
  steps.push({ name: 'Total', kind: 'total', from: 0, to: pair.match_weight, weight: pair.match_weight });
  return steps;
}

const MINUS = '\u2212';

/** Bits with a sign and two decimals: "+6.32", "−12.00". */
export function bitsText(bits: number): string {
  const fixed = Math.abs(bits).toFixed(2);
  if (fixed === '0.00') return '0.00';
  return `${bits < 0 ? MINUS : '+'}${fixed}`;
}

const SIGNIFICANT = new Intl.NumberFormat('en-GB', { maximumSignificantDigits: 3 });

/** A probability as a plain percentage with up to three significant digits: 0.001 → "0.1%". */
export function percentText(probability: number): string {
  return `${SIGNIFICANT.format(probability * 100)}%`;
}

/** The chance that two records are the same person, never rounded to a certainty it is not. */
export function chanceText(probability: number): string {
  if (probability === 1) return '100%';
  if (probability === 0) return '0%';
  if (probability > 0.9999) return 'over 99.99%';
  if (probability < 0.0001) return 'under 0.01%';
  const percent = probability * 100;
  return `${Number(percent.toFixed(percent >= 1 && percent <= 99 ? 1 : 2))}%`;
}

/** What reading a whole file found: its pairs, the first of its problems and how many there were. */
export interface ExplanationFile {
  lines: number;
  pairs: PairSummary[];
  problems: LineProblem[];
  problemCount: number;
}

/** More problems than this are counted, not listed: a file of the wrong kind has one on every line. */
export const LISTED_PROBLEMS = 50;

/**
 * Reads a file line by line as it streams, so that 100,000 pairs take memory once (a pair keeps its
 * line's text, not its parsed comparisons) and the page can say how far it has got.
 */
export async function readExplanationFile(
  file: Blob,
  { onProgress, signal }: { onProgress?: (lines: number) => void; signal?: AbortSignal } = {},
): Promise<ExplanationFile> {
  const found: ExplanationFile = { lines: 0, pairs: [], problems: [], problemCount: 0 };
  const take = (source: string) => {
    found.lines += 1;
    const result = readLine(source, found.lines);
    if (result === null) return;
    if ('problem' in result) {
      found.problemCount += 1;
      if (found.problems.length < LISTED_PROBLEMS) found.problems.push(result.problem);
      return;
    }
    const { left_id, right_id, match_weight, match_probability } = result.pair;
    found.pairs.push({ line: found.lines, left_id, right_id, match_weight, match_probability, text: source });
  };

  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  let paused = Date.now();
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw signal.reason;
    }
    const { done, value } = await reader.read();
    if (done) break;
    const lines = (rest + value).split('\n');
    rest = lines.pop() ?? '';
    for (const source of lines) take(source);
    // Let the page draw its progress and answer the keyboard now and then.
    if (Date.now() - paused > 50) {
      onProgress?.(found.lines);
      await new Promise((resolve) => setTimeout(resolve, 0));
      paused = Date.now();
    }
  }
  if (rest !== '') take(rest);
  return found;
}
