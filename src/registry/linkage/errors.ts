/** A refusal of the linker's input or model, with a stable code and a sentence naming what is wrong. */
export type LinkageErrorCode =
  | 'UNREADABLE_FILE'
  | 'BAD_CSV'
  | 'MISSING_ID_COLUMN'
  | 'EMPTY_ID'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_COLUMN'
  | 'BAD_COLUMN_MAP'
  | 'NO_COLUMNS'
  | 'COLUMNS_DIFFER'
  | 'BAD_MODEL'
  | 'BAD_CLUSTERS'
  | 'BAD_OPTION';

export class LinkageError extends Error {
  readonly code: LinkageErrorCode;

  constructor(code: LinkageErrorCode, message: string) {
    super(message);
    this.name = 'LinkageError';
    this.code = code;
  }
}
