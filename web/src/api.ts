/**
 * Talking to the govdx API from the browser. Shapes come from the server's own schemas (types only,
 * erased at build), so the web app and the API cannot drift apart unnoticed.
 */
import type { Static } from 'typebox';
import type * as agreements from '../../src/agreements/schemas.ts';
import type * as catalog from '../../src/catalog/schemas.ts';
import type * as consentClients from '../../src/consent/client-schemas.ts';
import type * as consent from '../../src/consent/schemas.ts';
import type * as providerOrigins from '../../src/directory/provider-origins.ts';
import type * as directory from '../../src/directory/schemas.ts';
import type { MicrodataReport, StatisticsReport } from '../../src/disclosure/releases/prepare.ts';
import type * as releases from '../../src/disclosure/releases/schemas.ts';
import type { Role } from '../../src/domain/index.ts';
import type * as exchangeSchemas from '../../src/exchange/schemas.ts';
import type * as notifications from '../../src/notifications/schemas.ts';
import type * as registry from '../../src/registry/schemas.ts';
import type * as tracker from '../../src/tracker/schemas.ts';

export type Organization = Static<typeof directory.Organization>;
export type Person = Static<typeof directory.Person>;
export type Member = Static<typeof directory.Member>;
export type System = Static<typeof directory.System>;
export type ProviderOrigin = Static<typeof providerOrigins.ProviderOrigin>;
export type ConsentClient = Static<typeof consentClients.ConsentClient>;
export type Dataset = Static<typeof catalog.Dataset>;
export type RecordImport = Static<typeof registry.RecordImport>;
export type RecordImportWithErrors = Static<typeof registry.RecordImportWithErrors>;
export type Source = Static<typeof registry.Source>;
export type LinkageJob = Static<typeof registry.LinkageJob>;
export type LinkPair = Static<typeof registry.LinkPair>;
export type LinkPairDetail = Static<typeof registry.LinkPairDetail>;
export type SourceLink = Static<typeof registry.SourceLink>;
export type Field = Dataset['fields'][number];
export type Distribution = Dataset['distributions'][number];
export type DatasetChanges = Static<typeof catalog.DatasetChanges>;
export type Service = Static<typeof catalog.Service>;
export type CatalogChange = Static<typeof catalog.CatalogChange>;
export type Purpose = Static<typeof directory.Purpose>;
export type Agreement = Static<typeof agreements.Agreement>;
export type Approval = Agreement['approvals'][number];
export type FieldTerm = Agreement['fieldTerms'][number];
export type AgreementDetail = Static<typeof agreements.AgreementDetail>;
export type AgreementEvent = AgreementDetail['history'][number];
export type ApprovalQueue = Static<typeof agreements.ApprovalQueue>;
export type AgreementTemplate = Static<typeof agreements.Template>;
export type AgreementRequest = Static<typeof agreements.AgreementRequest>;
export type AgreementAmendment = Static<typeof agreements.AgreementAmendment>;
export type NewTemplate = Static<typeof agreements.NewTemplate>;
export type Emergency = Static<typeof agreements.Emergency>;
export type RegisterEntry = Static<typeof agreements.RegisterEntry>;
export type PublicAgreement = Static<typeof agreements.PublicAgreement>;
export type TimeToShare = Static<typeof agreements.TimeToShare>;
export type Consent = Static<typeof consent.Consent>;
export type MyData = Static<typeof tracker.MyData>;
export type RegisterRecord = MyData['records'][number];
export type AccessEvent = Static<typeof tracker.AccessEvent>;
export type AccessReceipt = Static<typeof tracker.AccessReceipt>;
export type CorrectionRequest = Static<typeof tracker.CorrectionRequest>;
export type Release = Static<typeof releases.Release>;
export type ReleaseSummary = Static<typeof releases.ReleaseSummary>;
export type NewRelease = Static<typeof releases.NewRelease>;
export type ReleaseRevision = Static<typeof releases.ReleaseRevision>;
export type PrivacyBudget = Static<typeof releases.PrivacyBudget>;
export type HierarchyBuilder = Static<typeof releases.HierarchyBuilder>;
export type StatisticsDimension = Static<typeof releases.Dimension>;
export type Notification = Static<typeof notifications.Notification>;
export type NotificationPage = Static<typeof notifications.NotificationPage>;
export type { MicrodataReport, StatisticsReport };

/** Exchange usage by day (the usage API: GET …/services/{slug}/usage, …/usage, /usage). */
export type UsageReport = Static<typeof exchangeSchemas.UsageReport>;
export type UsageCount = Static<typeof exchangeSchemas.UsageCount>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The catalog's facets: what a search can be narrowed by. */
export type FacetName = 'publisher' | 'theme' | 'classification' | 'format' | 'license' | 'sensitivity';

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

/** One page of catalog search results (GET /catalog/search), with counts per facet value. */
export interface SearchResults {
  total: number;
  page: number;
  pageSize: number;
  items: Dataset[];
  facets: Partial<Record<FacetName, FacetValue[]>>;
  /** Set when the words as typed found nothing: the results are for this text instead. */
  correctedText?: string;
}

/** A dataset's metadata quality, after the EU's Metadata Quality Assessment (MQA). */
export type QualityRating = 'Excellent' | 'Good' | 'Sufficient' | 'Bad';

export interface QualityIndicator {
  id: string;
  label: string;
  points: number;
  max: number;
  met: boolean;
  /** False when the dataset's access rights rule the points out. */
  applies: boolean;
  reason: string;
}

export interface QualityDimension {
  id: string;
  label: string;
  score: number;
  max: number;
  indicators: QualityIndicator[];
}

/** A data-quality check of a hosted dataset's records (completeness, validity, duplicates, freshness). */
export interface QualityCheckRun {
  id: string;
  organization: string;
  dataset: string;
  startedAt: string;
  finishedAt: string;
  trigger: 'schedule' | 'person';
  triggeredBy: { id: string; name: string } | null;
  records: number;
  fields: Array<{
    name: string;
    type: string;
    present: number;
    valid: number;
    completeness: number | null;
    validity: number | null;
  }>;
  keyField: string | null;
  duplicateRecords: number;
  duplicateValues: number;
  freshness: {
    status: 'fresh' | 'stale' | 'unknown';
    lastUpdated: string | null;
    updateFrequency: string | null;
    periodDays: number | null;
  };
  summary: { completeness: number | null; validity: number | null; findings: string[] };
}

export interface DatasetQuality {
  organization: string;
  dataset: string;
  title: string;
  score: number;
  max: number;
  rating: QualityRating;
  dimensions: QualityDimension[];
  checks: QualityCheckRun | null;
}

/** One organization on the leaderboard (GET /catalog/quality/organizations). */
export interface OrganizationRanking {
  organization: string;
  organizationName: string;
  datasets: number;
  /** Mean of its datasets' scores, to one decimal. */
  score: number;
  max: number;
  rating: QualityRating;
}

/** An organization's mean score and each dataset's (GET /catalog/quality/organizations/{org}). */
export interface OrganizationQuality {
  organization: string;
  organizationName: string;
  score: number | null;
  max: number;
  rating: QualityRating | null;
  datasets: Array<{ slug: string; title: string; score: number; rating: QualityRating }>;
}

/** How often an open dataset was downloaded. */
/** The first rows of an open dataset (GET /catalog/datasets/{org}/{slug}/preview). */
export interface DatasetPreview {
  fields: Array<{ name: string; label: string | null }>;
  rows: unknown[][];
  total: number;
}

export interface DatasetUsage {
  total: number;
  byFormat: { csv: number; json: number };
  last30Days: Array<{ day: string; count: number }>;
}

/** A role as the API reports it: held in an organization (by slug), or globally (null). */
export interface RoleGrant {
  role: Role;
  organization: string | null;
}

export interface Me {
  person: Person;
  roles: RoleGrant[];
  via: string;
}

export type Session =
  | { signedIn: false }
  | {
      signedIn: true;
      person: { id: string; name: string; email: string | null; nationalId: string | null };
      roles: RoleGrant[];
    };

export interface AccessToken {
  id: string;
  name: string;
  organizationId: string;
  personId: string;
  roles: Role[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A refusal from the API: `{ error: { code, message } }`, or a failure to reach it at all. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: string;
  readonly status: number;
  /** What the API adds to explain the refusal, e.g. `{ issues: [{ in, path, message }] }`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, status: number, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** A failure as the API's refusal; anything else (no network, a bug) as UNEXPECTED with `fallback`. */
export function asApiError(error: unknown, fallback: string): ApiError {
  return error instanceof ApiError ? error : new ApiError('UNEXPECTED', fallback, 0);
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: { body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Only a request with a body says it is JSON: the server refuses an empty JSON body.
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(
      'NETWORK',
      'The service could not be reached. Check your connection and try again.',
      0,
    );
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
      ?.error;
    throw new ApiError(
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string'
        ? error.message
        : `The service answered with an error (${response.status}). Try again later.`,
      response.status,
      typeof error?.details === 'object' && error.details !== null
        ? (error.details as Record<string, unknown>)
        : undefined,
    );
  }
  return body as T;
}

/** Builds a path with a query string, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Where the API sends the browser to sign in, coming back to `returnTo` (a path in this app). */
export function signInUrl(returnTo: string): string {
  const safe = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  return withQuery('/auth/login', { returnTo: safe });
}
