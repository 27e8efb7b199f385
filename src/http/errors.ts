/**
 * The one place where refusals become HTTP. Every error response has the shape
 * `{ error: { code, message, details? } }`; nothing internal (stack, SQL) reaches a client.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, GovdxError } from '../domain/index.ts';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BODY_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  SESSION_EXPIRED: 401,
  TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  LAST_ROLE_HOLDER: 409,
  INVALID_REFERENCE: 422,
  INVALID_JWKS: 422,
  LOGIN_FAILED: 401,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  LEDGER_UNAVAILABLE: 503,
  PROOF_OUT_OF_RANGE: 400,
  SELF_APPROVAL: 403,
  SELF_AGREEMENT: 422,
  CONSENT_RECORDER_FORBIDDEN: 403,
  PRIVACY_BUDGET_EXCEEDED: 409,
  NO_SAFE_RELEASE: 422,
  LINKAGE_RUNNING: 409,
  PAIR_DECIDED: 409,
  RECORD_LINKED: 409,
  NO_COMMON_FIELDS: 422,
  TOKEN_EXPIRED: 401,
  ASSERTION_INVALID: 401,
  ASSERTION_REPLAYED: 401,
  UNSUPPORTED_GRANT_TYPE: 400,
  SYSTEM_DISABLED: 403,
  PURPOSE_REQUIRED: 400,
  SUBJECT_REQUIRED: 400,
  SUBJECT_INVALID: 400,
  OFFICIAL_REQUIRED: 400,
  PURPOSE_UNKNOWN: 403,
  SUBJECT_MISMATCH: 403,
  NO_AGREEMENT: 403,
  PURPOSE_NOT_AGREED: 403,
  AGREEMENT_NOT_ACTIVE: 403,
  AGREEMENT_NOT_YET_VALID: 403,
  AGREEMENT_EXPIRED: 403,
  AGREEMENT_REVOKED: 403,
  SPECIAL_CATEGORY_NOT_AGREED: 403,
  CONSENT_REQUIRED: 403,
  CONSENT_REVOKED: 403,
  CONSENT_EXPIRED: 403,
  FIELD_NOT_AGREED: 403,
  QUOTA_EXCEEDED: 429,
  PROVIDER_TIMEOUT: 504,
  PROVIDER_UNREACHABLE: 502,
  PROVIDER_ERROR: 502,
  PROVIDER_RESPONSE_INVALID: 502,
  PROVIDER_RESPONSE_TOO_LARGE: 502,
  PROVIDER_NOT_ALLOWED: 403,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

interface ValidationIssue {
  in: string;
  path: string;
  message: string;
}

type AjvIssue = {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
};

function describeIssue(context: string, issue: AjvIssue): ValidationIssue {
  const path = issue.instancePath || '/';
  if (issue.keyword === 'additionalProperties' && typeof issue.params?.additionalProperty === 'string') {
    const name = issue.params.additionalProperty;
    return {
      in: context,
      path: path === '/' ? `/${name}` : `${path}/${name}`,
      message: `unknown field "${name}"`,
    };
  }
  if (issue.keyword === 'required' && typeof issue.params?.missingProperty === 'string') {
    const name = issue.params.missingProperty;
    return {
      in: context,
      path: path === '/' ? `/${name}` : `${path}/${name}`,
      message: `"${name}" is required`,
    };
  }
  if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) {
    return { in: context, path, message: `must be one of: ${issue.params.allowedValues.join(', ')}` };
  }
  return { in: context, path, message: issue.message ?? 'is not valid' };
}

/** Converts anything thrown while handling a request into our error body and status. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (error instanceof GovdxError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    return { status: HTTP_STATUS[error.code], body, internal: false };
  }
  const fe = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe && Array.isArray(fe.validation)) {
    const issues = fe.validation.map((issue) => describeIssue(fe.validationContext ?? 'body', issue));
    const first = issues[0];
    const message = first
      ? `The request ${first.in} is not valid: ${first.path === '/' ? '' : `${first.path} `}${first.message}.`
      : 'The request is not valid.';
    return {
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message, details: { issues } } },
      internal: false,
    };
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return refusal('MALFORMED_JSON', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refusal('BODY_TOO_LARGE', 'The request body is larger than this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return refusal('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_INVALID_TYPE':
      return refusal('UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is not valid.');
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // A client error raised by a plugin (e.g. a malformed URL): say so plainly, without internals.
    return refusal('VALIDATION_FAILED', 'The request is not valid.');
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'Something went wrong on our side. It has been logged.' } },
    internal: true,
  };
}

function refusal(code: ErrorCode, message: string) {
  return { status: HTTP_STATUS[code], body: { error: { code, message } } as ErrorBody, internal: false };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, internal } = toErrorBody(error);
  if (internal) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: body.error.code }, 'request refused');
  void reply.status(status).send(body);
}

/**
 * A request that never became one: too slow (requestTimeoutMs, headersTimeoutMs), headers too large, or
 * not HTTP. Node hands these to the server before any route, so they are answered here, in the same
 * shape as every other refusal, and the connection is closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, message } =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? {
          code: 'REQUEST_TIMEOUT' as const,
          message: 'The request took too long to arrive; the connection is closed. Send it again, whole.',
        }
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? {
            code: 'HEADERS_TOO_LARGE' as const,
            message: 'The request headers are larger than this server accepts.',
          }
        : { code: 'VALIDATION_FAILED' as const, message: 'The request is not valid HTTP.' };
  const status = HTTP_STATUS[code];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
