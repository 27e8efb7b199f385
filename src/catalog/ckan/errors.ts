/** A refusal in CKAN's terms; the API layer turns it into CKAN's error body and status. */
export class CkanError extends Error {
  constructor(
    readonly type: 'Not Found Error' | 'Validation Error',
    message: string,
    /** Validation Error: what is wrong with each parameter, as CKAN lists it. */
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'CkanError';
  }
}

export const ckanNotFound = (detail?: string) =>
  new CkanError('Not Found Error', detail ? `Not found: ${detail}` : 'Not found');
export const ckanInvalid = (fields: Record<string, string[]>) =>
  new CkanError('Validation Error', 'Validation Error', fields);
