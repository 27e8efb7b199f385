/**
 * Record linkage: the model (pure), comparisons, blocking, clusters and the DuckDB engine. The FEBRL-like
 * generator and its scoring (synthetic.ts, truth.ts) are tools for tests and benchmarks, with their own
 * entry (synthetic-index.ts, used by `govdx registry generate`), left out here so that linking does not
 * load faker.
 */
export { assignEntityIds, connectedComponents, mintEntityId } from './clusters.ts';
export { COLUMN_KINDS, type ColumnKind, recognisedKind } from './columns.ts';
export {
  LINK_STAGES,
  type LinkedPair,
  type LinkOptions,
  type LinkResult,
  type LinkStage,
  type LinkTask,
  linkRecords,
} from './engine.ts';
export { LinkageError, type LinkageErrorCode } from './errors.ts';
export {
  explainPair,
  type LinkModel,
  MODEL_FORMAT,
  matchProbability,
  type PairExplanation,
  priorWeight,
  weightAt,
} from './model.ts';
