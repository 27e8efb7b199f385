/**
 * Information loss and re-identification risk of a transformation, as ARX defines them.
 *
 * All functions take the classes of the transformation (`Groups`) and the classes' outlier flags; an outlier
 * class is suppressed (its records get `*` in every quasi-identifier).
 */
import type { Groups, Microdata } from './groupify.ts';

const log2 = (x: number) => Math.log(x) / Math.LN2;

/**
 * The generalisation part of non-uniform entropy, per quasi-identifier and level (de Waal & Willenborg 1999;
 * ARX `MetricMDNUEntropyPrecomputed.getInformationLossInternalRaw`): −Σ_v a_v · log2(a_v / b_v), summed over
 * the attribute's original values v, where a_v counts the records with v and b_v counts the records whose
 * value generalises to the same value as v at that level. It does not depend on suppression, grows with
 * every level, and is 0 at level 0.
 */
export function levelEntropies(data: Microdata): Float64Array[] {
  return data.quasi.map(({ hierarchy, values }) => {
    const leafCount = new Float64Array(hierarchy.leafIds.size);
    for (const v of values) leafCount[v]! += 1;
    const result = new Float64Array(hierarchy.height);
    for (let level = 0; level < hierarchy.height; level += 1) {
      const up = hierarchy.up[level]!;
      const generalCount = new Float64Array(hierarchy.labels[level]!.length);
      for (let v = 0; v < leafCount.length; v += 1) generalCount[up[v]!]! += leafCount[v]!;
      let sum = 0;
      for (let v = 0; v < leafCount.length; v += 1) {
        const a = leafCount[v]!;
        if (a > 0) sum += a * log2(a / generalCount[up[v]!]!);
      }
      result[level] = sum === 0 ? 0 : -sum;
    }
    return result;
  });
}

/** The generalisation part of non-uniform entropy of a transformation: a lower bound of its entropy. */
export function entropyLowerBound(entropies: readonly Float64Array[], levels: readonly number[]): number {
  let sum = 0;
  for (let c = 0; c < entropies.length; c += 1) sum += entropies[c]![levels[c]!]!;
  return sum;
}

/**
 * Non-uniform entropy with suppression, ARX's default `Metric.createEntropyMetric()` (the non-monotonic
 * `MetricMDNUNMEntropyPrecomputed`, generalisation/suppression factor 0.5 so both weights are 1, aggregate
 * SUM): the generalisation part above, plus for the suppressed records, per quasi-identifier,
 * −Σ_w s_w · log2(s_w / S), where S is the number of suppressed records and s_w those of them whose value
 * at this transformation is w (the information lost by replacing those values with `*`). ARX also rounds
 * each attribute's value; we do not.
 */
export function nonUniformEntropy(
  data: Microdata,
  groups: Groups,
  bad: Uint8Array,
  entropies: readonly Float64Array[],
): number {
  return entropyLowerBound(entropies, groups.levels) + suppressionEntropy(data, groups, bad);
}

/** The suppression part of non-uniform entropy (0 when nothing is suppressed). */
export function suppressionEntropy(data: Microdata, groups: Groups, bad: Uint8Array): number {
  let suppressed = 0;
  for (let c = 0; c < groups.classes; c += 1) if (bad[c]) suppressed += groups.classSize[c]!;
  if (suppressed === 0) return 0;
  let total = 0;
  data.quasi.forEach(({ hierarchy, values }, q) => {
    const level = groups.levels[q]!;
    const up = hierarchy.up[level]!;
    const counts = new Float64Array(hierarchy.labels[level]!.length);
    for (let c = 0; c < groups.classes; c += 1)
      if (bad[c]) counts[up[values[groups.classRep[c]!]!]!]! += groups.classSize[c]!;
    for (const s of counts) if (s > 0) total -= s * log2(s / suppressed);
  });
  return total === 0 ? 0 : total;
}

/**
 * Discernibility (Bayardo & Agrawal 2005, DM*; ARX `MetricSDNMDiscernability`, the default
 * `Metric.createDiscernabilityMetric()`): Σ |E|² over released classes, plus |D| for every suppressed record.
 */
export function discernibility(groups: Groups, bad: Uint8Array, records: number): number {
  let sum = 0;
  for (let c = 0; c < groups.classes; c += 1) {
    const size = groups.classSize[c]!;
    sum += bad[c] ? size * records : size * size;
  }
  return sum;
}

/**
 * Loss (Iyengar 2002's generalisation loss as ARX computes it in `MetricMDNMLoss` with
 * `DomainShareMaterialized`, ARX's default `Metric.createLossMetric()`): per quasi-identifier, every released
 * record costs the share of the domain its generalised value covers (original values under it / rows in
 * the hierarchy), a suppressed record costs 1; the sum is normalised by ARX's (x − n/|dom|) / (n − n/|dom|)
 * and cut at 0, so an ungeneralised attribute scores 0 and `*` everywhere scores 1. The aggregate is ARX's
 * default for Loss, the geometric mean (∏ (x_i + 1))^(1/m) − 1 (`ILMultiDimensionalGeometricMean`).
 */
export function loss(
  data: Microdata,
  groups: Groups,
  bad: Uint8Array,
): { perAttribute: number[]; aggregate: number } {
  const n = data.records;
  const perAttribute = data.quasi.map(({ hierarchy, values }, q) => {
    const level = groups.levels[q]!;
    const up = hierarchy.up[level]!;
    const leaves = hierarchy.leaves[level]!;
    let sum = 0;
    for (let c = 0; c < groups.classes; c += 1) {
      const size = groups.classSize[c]!;
      sum += bad[c] ? size : (size * leaves[up[values[groups.classRep[c]!]!]!]!) / hierarchy.domainSize;
    }
    const min = n / hierarchy.domainSize;
    if (n - min <= 0) return 0;
    return Math.max(0, (sum - min) / (n - min));
  });
  let product = 1;
  for (const x of perAttribute) product *= (x + 1) ** (1 / perAttribute.length);
  return { perAttribute, aggregate: perAttribute.length === 0 ? 0 : product - 1 };
}

export interface RiskSummary {
  readonly highest: number;
  readonly average: number;
}

export interface Risk {
  readonly prosecutor: RiskSummary;
  readonly journalist: RiskSummary;
  readonly marketer: RiskSummary;
}

/**
 * Re-identification risk of the released (not suppressed) records, as ARX's `RiskModelSampleSummary` and
 * sdcMicro define the three attackers (El Emam, Dankar, "Protecting privacy using k-anonymity", JAMIA 2008):
 * - prosecutor: the attacker knows the person is in the release; a record in a class of size f is found with
 *   probability 1/f. Highest = 1 / smallest class; average = classes / records.
 * - journalist: the attacker does not know; the probability is 1/F, with F the size of the matching class in
 *   the population. Highest = 1 / smallest F; average = (1/n) Σ_classes f · 1/F.
 * - marketer: the share of records an attacker re-identifies when linking them all = (1/n) Σ_classes f · 1/F;
 *   a single rate, so highest = average.
 * Without `populationSizes` the release is its own population (F = f): journalist equals prosecutor and the
 * marketer's rate is classes / records. Suppressed records carry no quasi-identifier values and are left
 * out; with nothing released all are 0.
 *
 * @param populationSizes F for each class: how many people of the population share its generalised values.
 */
export function risk(groups: Groups, bad: Uint8Array, populationSizes?: Int32Array): Risk {
  let released = 0;
  let classes = 0;
  let smallest = Number.POSITIVE_INFINITY;
  let smallestPopulation = Number.POSITIVE_INFINITY;
  let linked = 0;
  for (let c = 0; c < groups.classes; c += 1) {
    if (bad[c]) continue;
    const size = groups.classSize[c]!;
    const population = populationSizes ? populationSizes[c]! : size;
    released += size;
    classes += 1;
    smallest = Math.min(smallest, size);
    smallestPopulation = Math.min(smallestPopulation, population);
    linked += size / population;
  }
  if (released === 0) {
    const zero = { highest: 0, average: 0 };
    return { prosecutor: zero, journalist: zero, marketer: zero };
  }
  const prosecutor = { highest: 1 / smallest, average: classes / released };
  const rate = linked / released;
  return {
    prosecutor,
    journalist: { highest: 1 / smallestPopulation, average: rate },
    marketer: { highest: rate, average: rate },
  };
}
