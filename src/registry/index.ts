export {
  EXAMPLE_NATIONAL_ID_PATTERN,
  formatNationalId,
  isValidNationalId,
  luhnCheckDigit,
} from './identifiers.ts';
export { countRecords, deleteRecords, getRecord, type HostedRecord, putRecords } from './records.ts';
