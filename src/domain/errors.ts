/**
 * Every refusal in govdx is a GovdxError with a stable code that clients can branch on.
 * The HTTP status for each code is decided once, in http/, not where the error is thrown.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'SESSION_EXPIRED',
  'TOKEN_INVALID',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'INVALID_REFERENCE',
  'INVALID_JWKS',
  'LOGIN_FAILED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'LEDGER_UNAVAILABLE',
  'PROOF_OUT_OF_RANGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class GovdxError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'GovdxError';
    this.code = code;
    this.details = details;
  }
}

export function notFound(what: string, id: string): GovdxError {
  return new GovdxError('NOT_FOUND', `There is no ${what} "${id}".`, { kind: what, id });
}
