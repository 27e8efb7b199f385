/**
 * What a linkage job does with the pairs the engine scored, given the decisions already taken: a pure
 * rule, so that "a decision holds when the job runs again" is tested without a server.
 *
 * For each source record:
 * - a record a steward linked (accepted a pair, or merged it by hand) keeps its link: nothing is proposed;
 * - a pair a steward rejected is never proposed again, nor linked;
 * - one candidate at or above the upper threshold links the record (the entity identifier is given);
 * - two or more at or above it are doubtful: all go to review;
 * - otherwise every candidate at or above the lower threshold goes to review.
 */

export interface ScoredPair<E = unknown> {
  recordKey: string;
  entityId: string;
  probability: number;
  weight: number;
  explanation: E;
}

export interface Decisions {
  /** Records a steward linked: they keep their link. */
  humanLinked: ReadonlySet<string>;
  /** `pairKey(record, entity)` of every pair a steward rejected or accepted. */
  decided: ReadonlySet<string>;
}

export interface LinkPlan<E = unknown> {
  links: Array<ScoredPair<E>>;
  review: Array<ScoredPair<E>>;
  /** Records whose steward's decision held (linked by hand, so left alone). */
  kept: number;
}

export const pairKey = (recordKey: string, entityId: string) => `${recordKey}\u0000${entityId}`;

export function planLinks<E>(
  pairs: ReadonlyArray<ScoredPair<E>>,
  decisions: Decisions,
  thresholds: { lower: number; upper: number },
): LinkPlan<E> {
  const byRecord = new Map<string, Array<ScoredPair<E>>>();
  for (const pair of pairs) {
    if (pair.probability < thresholds.lower) continue;
    if (decisions.decided.has(pairKey(pair.recordKey, pair.entityId))) continue;
    const list = byRecord.get(pair.recordKey);
    if (list) list.push(pair);
    else byRecord.set(pair.recordKey, [pair]);
  }
  const plan: LinkPlan<E> = { links: [], review: [], kept: decisions.humanLinked.size };
  for (const [record, candidates] of byRecord) {
    if (decisions.humanLinked.has(record)) continue;
    candidates.sort((a, b) => b.probability - a.probability || a.entityId.localeCompare(b.entityId));
    const sure = candidates.filter((c) => c.probability >= thresholds.upper);
    if (sure.length === 1) plan.links.push(sure[0]!);
    else if (sure.length > 1) plan.review.push(...sure);
    else plan.review.push(...candidates);
  }
  return plan;
}
