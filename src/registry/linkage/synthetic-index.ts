/**
 * The FEBRL-like generator and its scoring, for tests, benchmarks and `govdx registry generate`: the
 * second entry of registry/linkage/, apart from index.ts so that linking never loads faker.
 */
export {
  type DuplicateDistribution,
  type DuplicateOptions,
  generateDedupe,
  generateLinkPair,
  type SyntheticOptions,
  type SyntheticRows,
  writeCsv,
} from './synthetic.ts';
export { entityOf, type PairScore, type PairTruth, scorePairs, truePairs } from './truth.ts';
