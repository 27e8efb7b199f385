export {
  type Anonymization,
  type AnonymizationReport,
  type AnonymizationRequest,
  anonymize,
  encodeTable,
  type Table,
} from './anonymize.ts';
export {
  buildHierarchy,
  categorize,
  categorizeColumn,
  type DateLevel,
  type Dimension,
  dimensionDomain,
  type HierarchyBuilder,
  hierarchyRows,
} from './builders.ts';
export { DisclosureError, type DisclosureErrorCode } from './errors.ts';
export { type Groups, groupify, KeyTable, type Microdata, recordCells } from './groupify.ts';
export { encodeColumn, type Hierarchy, parseHierarchy } from './hierarchy.ts';
export {
  bruteForce,
  createLattice,
  indexOf,
  type Lattice,
  levelsOf,
  type Optimum,
  type Problem,
  type SearchResult,
  searchOptimum,
} from './lattice.ts';
export {
  discernibility,
  entropyLowerBound,
  levelEntropies,
  loss,
  nonUniformEntropy,
  type Risk,
  risk,
  suppressionEntropy,
} from './metrics.ts';
export {
  cryptoRandom,
  discreteLaplaceErrorBound,
  NoiseParameterError,
  type RandomSource,
  type SeededTestRandom,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  seededTestRandom,
} from './noise.ts';
export { clampNegative, consistentTotals, PostProcessError } from './postprocess.ts';
export {
  hierarchicalEmd,
  isMonotone,
  type Overall,
  type PrivacyModel,
  sensitiveDistribution,
  validateModels,
  violations,
} from './privacy.ts';
export {
  type Domain,
  type NoisyCell,
  type NoisyTable,
  parseEpsilon,
  type Rational,
  reduced,
  releaseCounts,
  releaseSums,
  StatisticsError,
  type TableQuery,
} from './statistics.ts';
