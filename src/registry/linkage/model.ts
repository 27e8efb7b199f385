/**
 * The Fellegi–Sunter model of record linkage (Fellegi & Sunter, "A theory for record linkage", JASA 1969),
 * as Splink implements it: a pair's match weight is the prior's log-odds plus, for each comparison, the
 * log2 Bayes factor m/u of the level the pair falls in, where m = P(level | same entity) and
 * u = P(level | different entities). m is estimated without labels by expectation maximisation over the
 * candidate pairs' comparison patterns; u from random pairs. Pure: no I/O.
 */
import { LinkageError } from './errors.ts';

export const MODEL_FORMAT = 'govdx-linkage-model/1';

export interface ModelLevel {
  key: string;
  label: string;
  /** P(level | same entity); null for the "missing" level, which weighs nothing. */
  m: number | null;
  /** P(level | different entities); null for the "missing" level. */
  u: number | null;
}

export interface ModelComparison {
  column: string;
  kind: string;
  label: string;
  termFrequency: boolean;
  levels: ModelLevel[];
}

export interface LinkModel {
  format: typeof MODEL_FORMAT;
  task: 'link' | 'dedupe';
  idColumn: string;
  comparisons: ModelComparison[];
  /** P(two records chosen at random are the same entity). */
  prior: number;
  /** Blocking rules: each is a list of columns that must be equal (a `~` joins a column to the one it is swapped with). */
  blocking: string[][];
  training: {
    records: number;
    candidatePairs: number;
    randomPairs: number;
    iterations: number;
    converged: boolean;
  };
}

/** One step of a pair's explanation: a comparison's level and what it added to the weight, in bits. */
export interface ComparisonContribution {
  comparison: string;
  label: string;
  level: string;
  left: string | null;
  right: string | null;
  m: number | null;
  u: number | null;
  /** Bits from how common the matched value is: part of `weight`, 0 unless the values are exactly equal. */
  term_frequency_adjustment: number;
  weight: number;
}

export interface PairExplanation {
  left_id: string;
  right_id: string;
  /** `prior.weight + comparisons[0].weight + comparisons[1].weight + …`, added in that order. */
  match_weight: number;
  match_probability: number;
  prior: { probability: number; weight: number };
  comparisons: ComparisonContribution[];
}

export const log2BayesFactor = (m: number, u: number) => Math.log2(m / u);

/** The prior's log-odds in bits: log2(λ / (1 − λ)). */
export const priorWeight = (prior: number) => Math.log2(prior / (1 - prior));

/** The probability a match weight stands for: 2^w / (1 + 2^w). */
export const matchProbability = (weight: number) => 1 / (1 + 2 ** -weight);

/** The weight at which the probability is p: the inverse of matchProbability. */
export const weightAt = (probability: number) => Math.log2(probability / (1 - probability));

/**
 * A term-frequency adjustment (Splink's): an exact match on a common value ("smith") is weaker evidence
 * than the level's average, on a rare one stronger: log2(u_exact / tf), tf being the larger of the two
 * values' relative frequencies in the data. Floored at `minimum` so a value seen once is not infinite.
 */
export function termFrequencyAdjustment(uExact: number, tf: number, minimum: number): number {
  return Math.log2(uExact / Math.max(tf, minimum));
}

/** Each comparison's level weights, log2(m/u) (0 for "missing"), indexed [comparison][level]. */
export function levelWeights(model: LinkModel): number[][] {
  return model.comparisons.map((c) =>
    c.levels.map((l) => (l.m === null || l.u === null ? 0 : log2BayesFactor(l.m, l.u))),
  );
}

/**
 * The weight of a pair, added in the one order every reader of an explanation uses: the prior, then each
 * comparison's level weight plus its term-frequency adjustment. `tf[c]` is the pair's term frequency for
 * comparison c, used only when the level is "exact" and the comparison is term-frequency adjusted.
 */
export function pairContributions(
  model: LinkModel,
  weights: number[][],
  levels: ArrayLike<number>,
  tf: ArrayLike<number | null>,
  minimumTf: number,
): { prior: number; parts: Array<{ level: number; weight: number; tfAdjustment: number }>; total: number } {
  const prior = priorWeight(model.prior);
  let total = prior;
  const parts = model.comparisons.map((c, i) => {
    const level = levels[i]!;
    const base = weights[i]![level]!;
    const frequency = tf[i];
    const exactLevel = c.levels[level]!;
    const tfAdjustment =
      c.termFrequency && exactLevel.key === 'exact' && frequency !== null && frequency !== undefined
        ? termFrequencyAdjustment(exactLevel.u!, frequency, minimumTf)
        : 0;
    const weight = base + tfAdjustment;
    total += weight;
    return { level, weight, tfAdjustment };
  });
  return { prior, parts, total };
}

/** The explanation of one pair, whose parts add up, in order, exactly to its weight. */
export function explainPair(
  model: LinkModel,
  weights: number[][],
  pair: {
    leftId: string;
    rightId: string;
    levels: ArrayLike<number>;
    tf: ArrayLike<number | null>;
    left: ArrayLike<string | null>;
    right: ArrayLike<string | null>;
  },
  minimumTf: number,
): PairExplanation {
  const { prior, parts, total } = pairContributions(model, weights, pair.levels, pair.tf, minimumTf);
  return {
    left_id: pair.leftId,
    right_id: pair.rightId,
    match_weight: total,
    match_probability: matchProbability(total),
    prior: { probability: model.prior, weight: prior },
    comparisons: model.comparisons.map((c, i) => {
      const part = parts[i]!;
      const level = c.levels[part.level]!;
      return {
        comparison: c.column,
        label: c.label,
        level: level.label,
        left: pair.left[i] ?? null,
        right: pair.right[i] ?? null,
        m: level.m,
        u: level.u,
        term_frequency_adjustment: part.tfAdjustment,
        weight: part.weight,
      };
    }),
  };
}

/** Comparison patterns of the candidate pairs: `levels[p * k + c]` is pattern p's level in comparison c. */
export interface PatternCounts {
  comparisons: number;
  levels: Uint8Array;
  counts: Float64Array;
}

export interface EmResult {
  /** m per comparison and level (index 0, "missing", is NaN: never estimated). */
  m: number[][];
  prior: number;
  iterations: number;
  converged: boolean;
}

/**
 * Expectation maximisation of m and the prior with u held at its random-pair estimate. The candidate pairs
 * are all the pairs that could be matches (blocking keeps recall), so every pair left out counts as a
 * non-match: the prior is the expected number of matches among the candidates over all `totalPairs`.
 * Scoring then uses the same frame, so the probabilities are those of a pair drawn from all pairs.
 */
export function expectationMaximisation(
  patterns: PatternCounts,
  u: number[][],
  start: { m: number[][]; prior: number },
  totalPairs: number,
  options: { maxIterations?: number; tolerance?: number } = {},
): EmResult {
  const k = patterns.comparisons;
  const n = patterns.counts.length;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-7;
  let m = start.m.map((levels) => [...levels]);
  let prior = start.prior;
  let iterations = 0;
  let converged = false;
  const posterior = new Float64Array(n);
  while (iterations < maxIterations && !converged) {
    iterations += 1;
    // E: each pattern's probability of being a match under the current parameters.
    const logPriorOdds = Math.log(prior / (1 - prior));
    const factors = m.map((levels, c) => levels.map((mv, l) => (l === 0 ? 0 : Math.log(mv / u[c]![l]!))));
    let expectedMatches = 0;
    for (let p = 0; p < n; p += 1) {
      let logOdds = logPriorOdds;
      for (let c = 0; c < k; c += 1) logOdds += factors[c]![patterns.levels[p * k + c]!]!;
      const probability = logOdds > 700 ? 1 : 1 / (1 + Math.exp(-logOdds));
      posterior[p] = probability;
      expectedMatches += probability * patterns.counts[p]!;
    }
    // M: m as the expected share of matches at each level (among the matches where the value is present).
    const next = m.map((levels) => levels.map(() => 0));
    for (let p = 0; p < n; p += 1) {
      const weight = posterior[p]! * patterns.counts[p]!;
      if (weight === 0) continue;
      for (let c = 0; c < k; c += 1) next[c]![patterns.levels[p * k + c]!]! += weight;
    }
    let change = 0;
    const nextM = next.map((levels, c) => {
      const present = levels.reduce((sum, v, l) => (l === 0 ? sum : sum + v), 0);
      return levels.map((v, l) => {
        if (l === 0) return Number.NaN;
        // A level never seen among matches keeps a small chance, so its weight stays finite.
        const value = present > 0 ? Math.max(v / present, 1e-6) : m[c]![l]!;
        change = Math.max(change, Math.abs(value - m[c]![l]!));
        return value;
      });
    });
    const nextPrior = Math.min(Math.max(expectedMatches / totalPairs, 1e-12), 0.5);
    change = Math.max(change, Math.abs(Math.log(nextPrior / prior)) * 1e-3);
    m = nextM;
    prior = nextPrior;
    converged = change < tolerance;
  }
  return { m, prior, iterations, converged };
}

/**
 * u per level from counts over random pairs (index 0, "missing", is not counted). A level never seen gets
 * half a pair's share, so its weight is large but finite.
 */
export function uFromCounts(counts: readonly number[]): number[] {
  const present = counts.reduce((sum, v, l) => (l === 0 ? sum : sum + v), 0);
  const floor = 0.5 / Math.max(present, 1);
  return counts.map((v, l) => (l === 0 ? Number.NaN : Math.max(v / Math.max(present, 1), floor)));
}

/** A starting point for EM: most matches agree exactly, fewer at each lower level, few disagree. */
export function startingM(levelCounts: readonly number[]): number[] {
  const nonMissing = levelCounts.length - 1;
  const raw = Array.from({ length: levelCounts.length }, (_, l) => (l === 0 ? 0 : 2 ** -(3 * (l - 1))));
  raw[nonMissing] = 0.02;
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((v, l) => (l === 0 ? Number.NaN : v / total));
}

/** Checks a model read from a file: its format, and that it fits the input's columns. */
export function checkModel(value: unknown, columns: readonly string[]): LinkModel {
  const model = value as Partial<LinkModel> | null;
  if (
    !model ||
    typeof model !== 'object' ||
    model.format !== MODEL_FORMAT ||
    !Array.isArray(model.comparisons)
  ) {
    throw new LinkageError(
      'BAD_MODEL',
      `The model file is not a govdx linkage model (format ${MODEL_FORMAT}).`,
    );
  }
  const missing = model.comparisons.map((c) => c.column).filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new LinkageError(
      'BAD_MODEL',
      `The model compares column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the input does not have.`,
    );
  }
  if (typeof model.prior !== 'number' || !(model.prior > 0 && model.prior < 1)) {
    throw new LinkageError('BAD_MODEL', 'The model has no prior probability between 0 and 1.');
  }
  for (const c of model.comparisons) {
    for (const [i, level] of c.levels.entries()) {
      const ok = i === 0 ? level.m === null && level.u === null : (level.m ?? 0) > 0 && (level.u ?? 0) > 0;
      if (!ok)
        throw new LinkageError(
          'BAD_MODEL',
          `The model's level "${level.label}" of ${c.column} has no valid m and u.`,
        );
    }
  }
  return model as LinkModel;
}
