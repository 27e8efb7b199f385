export { formatNationalId, isValidNationalId, luhnCheckDigit, NATIONAL_ID_PATTERN } from './identifiers.ts';
export { countRecords, deleteRecords, getRecord, type HostedRecord, putRecords } from './records.ts';
