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
import type { Hierarchy } from './hierarchy.ts';

export type PrivacyModel =
  | { readonly kind: 'k-anonymity'; readonly k: number }
  | { readonly kind: 'distinct-l-diversity'; readonly l: number }
  | { readonly kind: 'entropy-l-diversity'; readonly l: number }
  | { readonly kind: 'recursive-cl-diversity'; readonly c: number; readonly l: number }
  | { readonly kind: 'equal-distance-t-closeness'; readonly t: number }
  /** t-closeness with the ground distance of a hierarchy over the sensitive attribute's values. */
  | { readonly kind: 'hierarchical-t-closeness'; readonly t: number; readonly hierarchy: Hierarchy };

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
    if (model.kind === 'equal-distance-t-closeness' || model.kind === 'hierarchical-t-closeness') {
      if (!(model.t >= 0 && model.t <= 1)) throw bad(`t must be between 0 and 1, not ${model.t}.`);
      if (model.kind === 'hierarchical-t-closeness') {
        const missing = data.sensitive.labels.find((label) => !model.hierarchy.leafIds.has(label));
        if (missing !== undefined)
          throw new DisclosureError(
            'VALUE_NOT_IN_HIERARCHY',
            `The value "${missing}" of the sensitive attribute "${data.sensitive.name}" is not in its hierarchy.`,
          );
        if (model.hierarchy.labels[model.hierarchy.height - 1]!.length !== 1)
          throw bad(`The hierarchy of "${data.sensitive.name}" must end in one value at its top level.`);
      }
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

/** The overall distribution of the sensitive attribute, which t-closeness compares each class with. */
export interface Overall {
  /** share[v]: the share of records with the value of id v. */
  readonly share: Float64Array;
  /** labels[v]: the value of id v. */
  readonly labels: readonly string[];
}

export function sensitiveDistribution(data: Microdata): Overall {
  const sensitive = data.sensitive;
  if (!sensitive) return { share: new Float64Array(0), labels: [] };
  const q = new Float64Array(sensitive.labels.length);
  for (const v of sensitive.values) q[v]! += 1;
  for (let v = 0; v < q.length; v += 1) q[v]! /= data.records;
  return { share: q, labels: sensitive.labels };
}

/** 1 for each class that violates one of the models, 0 for a class that satisfies all. */
export function violations(groups: Groups, models: readonly PrivacyModel[], overall: Overall): Uint8Array {
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
          const q = overall.share[cells.sensitive![i]!]!;
          inClass[c]! += Math.abs(cells.count[i]! / classSize[c]! - q);
          qInClass[c]! += q;
        }
        for (let c = 0; c < groups.classes; c += 1)
          if ((inClass[c]! + 1 - qInClass[c]!) / 2 > model.t + EPSILON) bad[c] = 1;
        break;
      }
      case 'hierarchical-t-closeness':
        hierarchicalEmd(groups, model.hierarchy, overall).forEach((emd, c) => {
          if (emd > model.t + EPSILON) bad[c] = 1;
        });
        break;
    }
  }
  return bad;
}

/**
 * Each class's Earth Mover's Distance to the overall distribution under the hierarchical ground distance
 * (Li, Li, Venkatasubramanian, "t-Closeness: Privacy Beyond k-Anonymity and l-Diversity", ICDE 2007, §4.2;
 * ARX's `HierarchicalDistanceTCloseness`): two values are as far apart as the level of their lowest common
 * ancestor over the hierarchy's height H. With extra(N) = Σ over the leaves under N of (p_v − q_v), each node
 * N at level L costs (L / H) · min(Σ positive extras of its children, Σ of their negative extras' sizes), and
 * the distance is the sum of the costs.
 */
export function hierarchicalEmd(groups: Groups, hierarchy: Hierarchy, overall: Overall): Float64Array {
  const { cells, cellClass, classSize } = groups;
  const top = hierarchy.height - 1;
  const leaves = hierarchy.leafIds.size;
  const emd = new Float64Array(groups.classes);
  if (top === 0) return emd;
  // The sensitive attribute numbers its values in order of appearance; the hierarchy numbers them its own way.
  const q = new Float64Array(leaves);
  const sensitiveLeaf = new Int32Array(overall.labels.length);
  overall.labels.forEach((label, v) => {
    const leaf = hierarchy.leafIds.get(label)!;
    sensitiveLeaf[v] = leaf;
    q[leaf] = overall.share[v]!;
  });
  // parent[level][id]: the id at level + 1 of a value at `level`.
  const parent = Array.from({ length: top }, (_, level) => {
    const map = new Int32Array(hierarchy.labels[level]!.length);
    for (let leaf = 0; leaf < leaves; leaf += 1)
      map[hierarchy.up[level]![leaf]!] = hierarchy.up[level + 1]![leaf]!;
    return map;
  });
  const p = Array.from({ length: groups.classes }, () => new Float64Array(0));
  for (let i = 0; i < cells.length; i += 1) {
    const c = cellClass[i]!;
    if (p[c]!.length === 0) p[c] = new Float64Array(leaves);
    p[c]![sensitiveLeaf[cells.sensitive![i]!]!]! += cells.count[i]! / classSize[c]!;
  }
  for (let c = 0; c < groups.classes; c += 1) {
    let extra = new Float64Array(leaves);
    for (let leaf = 0; leaf < leaves; leaf += 1) extra[leaf] = p[c]![leaf]! - q[leaf]!;
    let total = 0;
    for (let level = 1; level <= top; level += 1) {
      const size = hierarchy.labels[level]!.length;
      const next = new Float64Array(size);
      const positive = new Float64Array(size);
      const negative = new Float64Array(size);
      const up = parent[level - 1]!;
      for (let child = 0; child < extra.length; child += 1) {
        const e = extra[child]!;
        const node = up[child]!;
        next[node]! += e;
        if (e > 0) positive[node]! += e;
        else negative[node]! -= e;
      }
      for (let node = 0; node < size; node += 1)
        total += (level / top) * Math.min(positive[node]!, negative[node]!);
      extra = next;
    }
    emd[c] = total;
  }
  return emd;
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
