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
