/** A refusal of the anonymiser's input, with a stable code and a sentence naming what is wrong. */
export type DisclosureErrorCode =
  | 'BAD_INPUT'
  | 'BAD_HIERARCHY'
  | 'VALUE_NOT_IN_HIERARCHY'
  | 'BAD_PRIVACY_MODEL'
  | 'NO_ANONYMOUS_TRANSFORMATION';

export class DisclosureError extends Error {
  readonly code: DisclosureErrorCode;

  constructor(code: DisclosureErrorCode, message: string) {
    super(message);
    this.name = 'DisclosureError';
    this.code = code;
  }
}
