export {
  EXAMPLE_NATIONAL_ID_PATTERN,
  formatNationalId,
  isValidNationalId,
  luhnCheckDigit,
} from './identifiers.ts';
export { IMPORT_FORMATS, IMPORT_MEDIA_TYPES, type ImportFormat } from './import-files.ts';
export {
  BATCH_ROWS,
  getImport,
  type ImportContext,
  type ImportStatus,
  type ImportView,
  importRecords,
  listImports,
  type RowError,
} from './imports.ts';
export { type Decisions, type LinkPlan, pairKey, planLinks, type ScoredPair } from './link-plan.ts';
export {
  type Decision,
  decideReviewPair,
  getReviewPair,
  type LinkView,
  listLinks,
  listReviewQueue,
  mergeRecord,
  type PairDetail,
  type PairView,
  splitLink,
} from './link-review.ts';
export {
  cancelLinkageJob,
  getLinkageJob,
  type JobView,
  listLinkageJobs,
  runLinkageNow,
  startLinkageJob,
} from './linkage-jobs.ts';
export {
  changedFields,
  countRecords,
  deleteRecords,
  getRecord,
  type HostedRecord,
  listRecordChanges,
  putRecords,
  type WriteCounts,
} from './records.ts';
export * as schemas from './schemas.ts';
export {
  comparedFields,
  DEFAULT_LOWER_THRESHOLD,
  DEFAULT_UPPER_THRESHOLD,
  getSource,
  listSources,
  type NewSourceInput,
  registerSource,
  type SourceContext,
  type SourceView,
} from './sources.ts';
