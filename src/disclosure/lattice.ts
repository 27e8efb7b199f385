/**
 * The generalisation lattice and the search for its optimal anonymous transformation.
 *
 * A transformation (lattice node) picks one level per quasi-identifier; node a precedes node b when a's level
 * is ≤ b's in every attribute (Samarati 2001; ARX's `SolutionSpace`). Nodes are numbered in mixed radix
 * over the hierarchy heights, so a direct successor is `index + stride[c]`.
 *
 * The search is a best-first branch and bound over the non-uniform entropy's generalisation part, which is a
 * data-independent lower bound of the full loss and grows along every path, as ARX uses it
 * (`getLowerBound`, Kohlmayer et al., "Flash", 2012, and Prasser et al., "Lightning", 2016): nodes are
 * visited in increasing bound; the first bound ≥ the best loss found ends the search, since no later node
 * can do better. When the privacy models are monotone (privacy.ts `isMonotone`), an anonymous node makes
 * its successors anonymous and a non-anonymous one its predecessors non-anonymous, as in Flash, so their
 * classes need not be checked. Classes are rolled up from the direct predecessor with the fewest cells
 * (groupify.ts). Ties in loss go to the node with the smaller bound, then the smaller sum of levels, then
 * the smaller index: `bruteForce` uses the same order, so the two agree exactly.
 */
import { type Cells, type Groups, groupify, KeyTable, type Microdata, recordCells } from './groupify.ts';
import { entropyLowerBound, levelEntropies, suppressionEntropy } from './metrics.ts';
import {
  isMonotone,
  maxOutliers,
  type Overall,
  outlierCount,
  type PrivacyModel,
  sensitiveDistribution,
  validateModels,
  violations,
} from './privacy.ts';

export interface Lattice {
  readonly heights: readonly number[];
  readonly strides: readonly number[];
  readonly size: number;
}

export function createLattice(heights: readonly number[]): Lattice {
  const strides: number[] = [];
  let size = 1;
  for (const h of heights) {
    strides.push(size);
    size *= h;
  }
  return { heights, strides, size };
}

export function levelsOf(lattice: Lattice, index: number): number[] {
  return lattice.heights.map((h, c) => Math.floor(index / lattice.strides[c]!) % h);
}

export function indexOf(lattice: Lattice, levels: readonly number[]): number {
  return levels.reduce((sum, level, c) => sum + level * lattice.strides[c]!, 0);
}

export interface Problem {
  readonly data: Microdata;
  readonly models: readonly PrivacyModel[];
  /** Fraction of the records that may be suppressed, 0 … 1. */
  readonly suppressionLimit: number;
  /**
   * ARX's monotonic variant of non-uniform entropy (`Metric.createEntropyMetric(true)`), which leaves the
   * suppression part out, so suppressed records count as if released at the chosen levels. Default false:
   * ARX's default, the non-monotonic metric that charges suppression.
   */
  readonly monotonicMetric?: boolean;
}

export interface Optimum {
  readonly levels: number[];
  /** Non-uniform entropy including suppression. */
  readonly loss: number;
  readonly suppressed: number;
}

export interface SearchResult {
  /** null when no transformation is anonymous (not even the top, with the suppression limit). */
  readonly optimum: Optimum | null;
  readonly nodes: number;
  /** Nodes whose equivalence classes were computed. */
  readonly checked: number;
}

/** How many cells of checked transformations are kept for roll-up (about 12 bytes each). */
const SNAPSHOT_BUDGET = 4_000_000;

/** Computes classes of lattice nodes, rolling up from kept predecessors' cells. */
class Classifier {
  private readonly table = new KeyTable();
  private readonly kept = new Map<number, Cells>();
  private keptCells = 0;
  private readonly bottom: Cells;
  private readonly overall: Overall;
  private readonly limit: number;
  checked = 0;

  constructor(
    private readonly problem: Problem,
    private readonly lattice: Lattice,
  ) {
    const zero = lattice.heights.map(() => 0);
    this.bottom = groupify(problem.data, zero, recordCells(problem.data), this.table).cells;
    this.overall = sensitiveDistribution(problem.data);
    this.limit = maxOutliers(problem.suppressionLimit, problem.data.records);
  }

  evaluate(index: number): { groups: Groups; bad: Uint8Array; outliers: number; anonymous: boolean } {
    const levels = levelsOf(this.lattice, index);
    const groups = groupify(this.problem.data, levels, this.sourceFor(index, levels), this.table);
    this.checked += 1;
    this.keep(index, groups.cells);
    const bad = violations(groups, this.problem.models, this.overall);
    const outliers = outlierCount(groups, bad);
    return { groups, bad, outliers, anonymous: outliers <= this.limit };
  }

  /** The kept cells of a predecessor with the fewest cells: a direct one if kept, else any kept one. */
  private sourceFor(index: number, levels: readonly number[]): Cells {
    let source = this.bottom;
    levels.forEach((level, c) => {
      if (level === 0) return;
      const kept = this.kept.get(index - this.lattice.strides[c]!);
      if (kept && kept.length < source.length) source = kept;
    });
    if (source !== this.bottom) return source;
    for (const [other, cells] of this.kept) {
      if (cells.length >= source.length || other === index) continue;
      if (precedes(this.lattice, other, index)) source = cells;
    }
    return source;
  }

  private keep(index: number, cells: Cells): void {
    this.kept.set(index, cells);
    this.keptCells += cells.length;
    for (const [oldest, old] of this.kept) {
      if (this.keptCells <= SNAPSHOT_BUDGET) break;
      this.kept.delete(oldest);
      this.keptCells -= old.length;
    }
  }
}

/** Whether node a is at most as general as node b in every attribute. */
function precedes(lattice: Lattice, a: number, b: number): boolean {
  for (let c = lattice.heights.length - 1; c >= 0; c -= 1) {
    const stride = lattice.strides[c]!;
    if (Math.floor(a / stride) % lattice.heights[c]! > Math.floor(b / stride) % lattice.heights[c]!)
      return false;
  }
  return true;
}

/** Node indices in the order ties are broken: lower bound, then sum of levels, then index. */
function visitingOrder(lattice: Lattice, bounds: Float64Array): Int32Array {
  const levelSum = new Int32Array(lattice.size);
  for (let i = 0; i < lattice.size; i += 1) levelSum[i] = levelsOf(lattice, i).reduce((a, b) => a + b, 0);
  const order = Array.from({ length: lattice.size }, (_, i) => i);
  order.sort((a, b) => bounds[a]! - bounds[b]! || levelSum[a]! - levelSum[b]! || a - b);
  return Int32Array.from(order);
}

function lowerBounds(lattice: Lattice, entropies: readonly Float64Array[]): Float64Array {
  const bounds = new Float64Array(lattice.size);
  for (let i = 0; i < lattice.size; i += 1) bounds[i] = entropyLowerBound(entropies, levelsOf(lattice, i));
  return bounds;
}

function prepare(problem: Problem) {
  validateModels(problem.models, problem.data);
  const lattice = createLattice(problem.data.quasi.map((q) => q.hierarchy.height));
  const entropies = levelEntropies(problem.data);
  const bounds = lowerBounds(lattice, entropies);
  return { lattice, bounds, order: visitingOrder(lattice, bounds) };
}

const UNKNOWN = 0;
const ANONYMOUS = 1;
const NOT_ANONYMOUS = 2;

/** The anonymous transformation with the least non-uniform entropy (exact; see the module comment). */
export function searchOptimum(problem: Problem): SearchResult {
  const { lattice, bounds, order } = prepare(problem);
  const classifier = new Classifier(problem, lattice);
  const monotone = isMonotone(problem.models, problem.suppressionLimit);
  const state = new Uint8Array(lattice.size);
  // Successors of an anonymous node without outliers: none of them suppresses anything either (outliers only
  // shrink under monotone models), so their loss is their bound, at least that node's; they cannot win.
  const dominated = new Uint8Array(lattice.size);
  let best: Optimum | null = null;
  for (const index of order) {
    const bound = bounds[index]!;
    if (best && bound >= best.loss) break;
    if (dominated[index]) continue;
    if (monotone && state[index] === UNKNOWN) probe(lattice, bounds, index, state, classifier);
    if (state[index] === NOT_ANONYMOUS) continue;
    if (state[index] === ANONYMOUS && (problem.suppressionLimit === 0 || problem.monotonicMetric)) {
      // Anonymous and nothing suppressed, or suppression not charged: the loss is the bound, the least left.
      const suppressed = problem.suppressionLimit === 0 ? 0 : classifier.evaluate(index).outliers;
      best = { levels: levelsOf(lattice, index), loss: bound, suppressed };
      break;
    }
    const { groups, bad, outliers, anonymous } = classifier.evaluate(index);
    if (!anonymous) continue;
    if (monotone && outliers === 0) mark(lattice, index, 1, dominated);
    const loss = problem.monotonicMetric ? bound : bound + suppressionEntropy(problem.data, groups, bad);
    if (!best || loss < best.loss) best = { levels: groups.levels.slice(), loss, suppressed: outliers };
  }
  return { optimum: best, nodes: lattice.size, checked: classifier.checked };
}

/**
 * Settles whether `start` is anonymous the way Flash does (Kohlmayer et al. 2012, §4): walk up from it to the
 * top, always to the successor with the smallest bound, binary-search that path for its first anonymous node
 * (anonymity is monotone along it), and tag that node's successors anonymous and the predecessors of the node
 * before it not anonymous; one probe of ~log2(path) checks settles `start` and many nodes visited later.
 */
function probe(
  lattice: Lattice,
  bounds: Float64Array,
  start: number,
  state: Uint8Array,
  classifier: Classifier,
) {
  const path = [start];
  for (;;) {
    const index = path[path.length - 1]!;
    let next = -1;
    let rest = index;
    for (let c = 0; c < lattice.heights.length; c += 1) {
      const level = rest % lattice.heights[c]!;
      rest = Math.floor(rest / lattice.heights[c]!);
      if (level + 1 >= lattice.heights[c]!) continue;
      const candidate = index + lattice.strides[c]!;
      if (next === -1 || bounds[candidate]! < bounds[next]!) next = candidate;
    }
    if (next === -1) break;
    path.push(next);
  }
  const anonymousAt = (i: number) => {
    const index = path[i]!;
    if (state[index] === UNKNOWN)
      mark(lattice, index, classifier.evaluate(index).anonymous ? ANONYMOUS : NOT_ANONYMOUS, state);
    return state[index] === ANONYMOUS;
  };
  let low = 0;
  let high = path.length; // the first anonymous position is in [low, high]; high = none
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (anonymousAt(middle)) high = middle;
    else low = middle + 1;
  }
}

/** Marks a node and, transitively, its successors (anonymous) or predecessors (not anonymous). */
function mark(lattice: Lattice, start: number, value: number, state: Uint8Array): void {
  const up = value === ANONYMOUS;
  const stack = [start];
  state[start] = value;
  while (stack.length > 0) {
    const index = stack.pop()!;
    let rest = index;
    for (let c = 0; c < lattice.heights.length; c += 1) {
      const level = rest % lattice.heights[c]!;
      rest = Math.floor(rest / lattice.heights[c]!);
      if (up ? level + 1 >= lattice.heights[c]! : level === 0) continue;
      const next = up ? index + lattice.strides[c]! : index - lattice.strides[c]!;
      if (state[next] === value) continue;
      state[next] = value;
      stack.push(next);
    }
  }
}

export interface BruteForceResult extends SearchResult {
  /** Loss of every node by index; NaN for a node that is not anonymous. */
  readonly losses: Float64Array;
}

/** Evaluates every node of the lattice; the reference the search is tested against. */
export function bruteForce(problem: Problem): BruteForceResult {
  const { lattice, bounds, order } = prepare(problem);
  const classifier = new Classifier(problem, lattice);
  const losses = new Float64Array(lattice.size).fill(Number.NaN);
  const suppressed = new Int32Array(lattice.size);
  // Increasing index visits every direct predecessor (index − stride) first, so each node rolls up.
  for (let index = 0; index < lattice.size; index += 1) {
    const { groups, bad, outliers, anonymous } = classifier.evaluate(index);
    if (!anonymous) continue;
    losses[index] =
      bounds[index]! + (problem.monotonicMetric ? 0 : suppressionEntropy(problem.data, groups, bad));
    suppressed[index] = outliers;
  }
  let best: Optimum | null = null;
  for (const index of order) {
    const loss = losses[index]!;
    if (!Number.isNaN(loss) && (!best || loss < best.loss))
      best = { levels: levelsOf(lattice, index), loss, suppressed: suppressed[index]! };
  }
  return { optimum: best, nodes: lattice.size, checked: classifier.checked, losses };
}
