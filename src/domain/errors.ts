/**
 * Every refusal in govdx is a GovdxError with a stable code that clients can branch on.
 * The HTTP status for each code is decided once, in http/, not where the error is thrown.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'BODY_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'SESSION_EXPIRED',
  'TOKEN_INVALID',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  /** Removing a role would leave nobody holding it (the last platform admin or auditor). */
  'LAST_ROLE_HOLDER',
  'INVALID_REFERENCE',
  'INVALID_JWKS',
  'LOGIN_FAILED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'LEDGER_UNAVAILABLE',
  'PROOF_OUT_OF_RANGE',
  // Agreements: four eyes (403) and the parties (422), see domain/agreement.ts
  'SELF_APPROVAL',
  'SELF_AGREEMENT',
  // Consents recorded on a person's behalf (403), see domain/consent.ts
  'CONSENT_RECORDER_FORBIDDEN',
  // Releases of open data (issue 20): the dataset's privacy budget (409), no safe generalisation (422)
  'PRIVACY_BUDGET_EXCEEDED',
  'NO_SAFE_RELEASE',
  // Sources and their linkage to a register (issue 18): a job already running, a decision already taken, a
  // record linked elsewhere (409), a source with no field to compare with its register (422)
  'LINKAGE_RUNNING',
  'PAIR_DECIDED',
  'RECORD_LINKED',
  'NO_COMMON_FIELDS',
  // The exchange: a system's credentials (401)
  'TOKEN_EXPIRED',
  'ASSERTION_INVALID',
  'ASSERTION_REPLAYED',
  'UNSUPPORTED_GRANT_TYPE',
  'SYSTEM_DISABLED',
  // The exchange: a request that lacks what every decision needs (400)
  'PURPOSE_REQUIRED',
  'SUBJECT_REQUIRED',
  'SUBJECT_INVALID',
  'OFFICIAL_REQUIRED',
  // The exchange: decisions (403), see domain/decide.ts
  'PURPOSE_UNKNOWN',
  'SUBJECT_MISMATCH',
  'NO_AGREEMENT',
  'PURPOSE_NOT_AGREED',
  'AGREEMENT_NOT_ACTIVE',
  'AGREEMENT_NOT_YET_VALID',
  'AGREEMENT_EXPIRED',
  'AGREEMENT_REVOKED',
  'SPECIAL_CATEGORY_NOT_AGREED',
  'CONSENT_REQUIRED',
  'CONSENT_REVOKED',
  'CONSENT_EXPIRED',
  // Change feeds (issue 18): a subscription names only fields its agreement releases, and the key field (403)
  'FIELD_NOT_AGREED',
  // The exchange: limits (429) and providers (502, 504)
  'QUOTA_EXCEEDED',
  'PROVIDER_TIMEOUT',
  'PROVIDER_UNREACHABLE',
  'PROVIDER_ERROR',
  'PROVIDER_RESPONSE_INVALID',
  'PROVIDER_RESPONSE_TOO_LARGE',
  'PROVIDER_NOT_ALLOWED',
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
