/**
 * Releases of open data from the registers (issue 20): the workflow over the pure methods of
 * src/disclosure/. Apart from that part's index, so that the command-line anonymiser loads no server code.
 */
export { add, compare, epsilonOf, formatAmount, subtract } from './budget.ts';
export { designStatistics, drawStatistics, K_LADDER, prepareMicrodata } from './prepare.ts';
export * as schemas from './schemas.ts';
export {
  decideRelease,
  getRelease,
  listReleases,
  type PrivacyBudgetView,
  prepareRelease,
  privacyBudget,
  publishedRelease,
  type ReleaseContext,
  type ReleaseSummaryView,
  type ReleaseView,
  reviseRelease,
  setPrivacyBudget,
  submitRelease,
} from './workflow.ts';
