/**
 * Privacy models, evaluated per equivalence class.
 *
 * - k-anonymity (Sweeney 2002): every class has at least k records.
 * - distinct l-diversity (Machanavajjhala et al. 2007, §4.1 as ARX's `DistinctLDiversity`): at least l
 *   different sensitive values per class.
 * - entropy l-diversity (ibid. Def. 4.1, ARX's `EntropyLDiversity`): −Σ p log p ≥ log l over the class's
 *   sensitive values.
 * - recursive (c,l)-diversity (ibid. Def. 4.2, ARX's `RecursiveCLDiversity`): with the class's value counts
 *   sorted r1 ≥ r2 ≥ … ≥ rm, r1 < c · (rl + … + rm).
 * - t-closeness with equal ground distance (Li et al. 2007, §4.2; ARX's `EqualDistanceTCloseness`):
 *   EMD = ½ Σ |p_i − q_i| ≤ t between the class's and the whole table's sensitive distribution.
 *
 * A class that violates a model is an outlier; the transformation is anonymous when the outliers can all be
 * suppressed within the limit (ARX's `ARXConfiguration.setSuppressionLimit`: at most ⌊limit · n⌋ records).
 */
import { DisclosureError } from './errors.ts';
import type { Groups, Microdata } from './groupify.ts';

export type PrivacyModel =
  | { readonly kind: 'k-anonymity'; readonly k: number }
  | { readonly kind: 'distinct-l-diversity'; readonly l: number }
  | { readonly kind: 'entropy-l-diversity'; readonly l: number }
  | { readonly kind: 'recursive-cl-diversity'; readonly c: number; readonly l: number }
  | { readonly kind: 'equal-distance-t-closeness'; readonly t: number };

/** Entropies equal to log l in exact arithmetic must pass although floating point puts them a hair below. */
const EPSILON = 1e-9;

/** Checks the parameters and that the data has what the models read; throws BAD_PRIVACY_MODEL otherwise. */
export function validateModels(models: readonly PrivacyModel[], data: Microdata): void {
  const bad = (sentence: string) => new DisclosureError('BAD_PRIVACY_MODEL', sentence);
  for (const model of models) {
    if (model.kind === 'k-anonymity') {
      if (!Number.isInteger(model.k) || model.k < 1)
        throw bad(`k must be a whole number ≥ 1, not ${model.k}.`);
      continue;
    }
    if (!data.sensitive) throw bad(`${model.kind} needs a sensitive attribute.`);
    if (model.kind === 'equal-distance-t-closeness') {
      if (!(model.t >= 0 && model.t <= 1)) throw bad(`t must be between 0 and 1, not ${model.t}.`);
      continue;
    }
    if (!(model.l >= 1)) throw bad(`l must be ≥ 1, not ${model.l}.`);
    if (model.kind !== 'entropy-l-diversity' && !Number.isInteger(model.l))
      throw bad(`l must be a whole number for ${model.kind}, not ${model.l}.`);
    if (model.kind === 'recursive-cl-diversity' && !(model.c > 0))
      throw bad(`c must be > 0, not ${model.c}.`);
  }
}

/**
 * Whether "anonymous" is inherited by every more general transformation, which lets the search prune.
 * Merging classes never shrinks a class nor loses a sensitive value, so k-anonymity and distinct l-diversity
 * stay monotone with suppression (an outlier class merged into a passing one passes). Entropy and recursive
 * l-diversity and t-closeness hold for a union of classes that all hold (concavity of entropy, convexity of
 * EMD; Machanavajjhala et al. §4.3, Li et al. §4.3), but a passing class merged with an outlier may fail, so
 * with suppression they are not monotone: ARX says the same (`isMonotonicWithSuppression()` is false for them).
 */
export function isMonotone(models: readonly PrivacyModel[], suppressionLimit: number): boolean {
  return models.every(
    (m) => m.kind === 'k-anonymity' || m.kind === 'distinct-l-diversity' || suppressionLimit === 0,
  );
}

/** The overall sensitive distribution, which t-closeness compares each class with. */
export function sensitiveDistribution(data: Microdata): Float64Array {
  const sensitive = data.sensitive;
  if (!sensitive) return new Float64Array(0);
  const q = new Float64Array(sensitive.labels.length);
  for (const v of sensitive.values) q[v]! += 1;
  for (let v = 0; v < q.length; v += 1) q[v]! /= data.records;
  return q;
}

/** 1 for each class that violates one of the models, 0 for a class that satisfies all. */
export function violations(
  groups: Groups,
  models: readonly PrivacyModel[],
  overall: Float64Array,
): Uint8Array {
  const bad = new Uint8Array(groups.classes);
  const { classSize, cells, cellClass } = groups;
  for (const model of models) {
    switch (model.kind) {
      case 'k-anonymity':
        for (let c = 0; c < groups.classes; c += 1) if (classSize[c]! < model.k) bad[c] = 1;
        break;
      case 'distinct-l-diversity': {
        const distinct = new Int32Array(groups.classes);
        for (let i = 0; i < cells.length; i += 1) distinct[cellClass[i]!]! += 1;
        for (let c = 0; c < groups.classes; c += 1) if (distinct[c]! < model.l) bad[c] = 1;
        break;
      }
      case 'entropy-l-diversity': {
        // H = log N − (Σ n_v log n_v) / N for a class of N records with value counts n_v.
        const sum = new Float64Array(groups.classes);
        for (let i = 0; i < cells.length; i += 1)
          sum[cellClass[i]!]! += cells.count[i]! * Math.log(cells.count[i]!);
        const target = Math.log(model.l);
        for (let c = 0; c < groups.classes; c += 1) {
          const n = classSize[c]!;
          if (Math.log(n) - sum[c]! / n < target - EPSILON) bad[c] = 1;
        }
        break;
      }
      case 'recursive-cl-diversity': {
        const counts = countsByClass(groups);
        counts.forEach((list, c) => {
          list.sort((a, b) => b - a);
          let tail = 0;
          for (let j = model.l - 1; j < list.length; j += 1) tail += list[j]!;
          if (list.length < model.l || !(list[0]! < model.c * tail)) bad[c] = 1;
        });
        break;
      }
      case 'equal-distance-t-closeness': {
        // ½ Σ|p − q| = ½ (Σ_{v in class} |p_v − q_v| + 1 − Σ_{v in class} q_v).
        const inClass = new Float64Array(groups.classes);
        const qInClass = new Float64Array(groups.classes);
        for (let i = 0; i < cells.length; i += 1) {
          const c = cellClass[i]!;
          const q = overall[cells.sensitive![i]!]!;
          inClass[c]! += Math.abs(cells.count[i]! / classSize[c]! - q);
          qInClass[c]! += q;
        }
        for (let c = 0; c < groups.classes; c += 1)
          if ((inClass[c]! + 1 - qInClass[c]!) / 2 > model.t + EPSILON) bad[c] = 1;
        break;
      }
    }
  }
  return bad;
}

function countsByClass(groups: Groups): number[][] {
  const lists: number[][] = Array.from({ length: groups.classes }, () => []);
  for (let i = 0; i < groups.cells.length; i += 1) lists[groups.cellClass[i]!]!.push(groups.cells.count[i]!);
  return lists;
}

/** Records in violating classes. */
export function outlierCount(groups: Groups, bad: Uint8Array): number {
  let outliers = 0;
  for (let c = 0; c < groups.classes; c += 1) if (bad[c]) outliers += groups.classSize[c]!;
  return outliers;
}

/** ARX's absolute limit: ⌊limit · n⌋ records may be suppressed. */
export function maxOutliers(suppressionLimit: number, records: number): number {
  return Math.floor(suppressionLimit * records + 1e-9);
}
