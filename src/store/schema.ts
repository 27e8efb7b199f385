/**
 * The one Database type: every table as Kysely sees it.
 *
 * Portable column conventions (the same on SQLite and PostgreSQL):
 * ids and timestamps are text (timestamps ISO-8601 UTC, so they sort as text), flags are integers
 * 0/1, JSON documents are text. Column names are snake_case; the API speaks camelCase.
 */

import type { Generated } from 'kysely';
import type {
  AgreementStatus,
  Classification,
  ConsentStatus,
  FieldType,
  MembershipRole,
  NotificationKind,
  OrganizationKind,
  Sensitivity,
  ServiceKind,
} from '../domain/index.ts';

export interface OrganizationTable {
  id: string;
  slug: string;
  name: string;
  kind: OrganizationKind;
  description: string;
  website: string | null;
  contact_email: string | null;
  created_at: string;
  updated_at: string;
}

export interface PersonTable {
  id: string;
  name: string;
  email: string | null;
  /** The national identification number, for people who are also data subjects (citizens). */
  national_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Links an OpenID Connect identity (issuer + subject) to a person. */
export interface PersonIdentityTable {
  issuer: string;
  subject: string;
  person_id: string;
  created_at: string;
}

export interface MembershipTable {
  person_id: string;
  organization_id: string;
  role: MembershipRole;
  created_at: string;
}

export interface SystemTable {
  id: string;
  organization_id: string;
  slug: string;
  name: string;
  description: string;
  /** JSON Web Key Set (public keys) as JSON text, or null when jwks_uri is used. */
  jwks: string | null;
  jwks_uri: string | null;
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
}

export interface DatasetTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  classification: Classification;
  steward_id: string | null;
  /** The field that identifies one record (e.g. national_id); required for hosted services. */
  key_field: string | null;
  /** 1 when each record is about one person: the exchange asks who, and the person sees the lookup. */
  about_people: Generated<number>;
  /** JSON array of free keywords. */
  keywords: Generated<string>;
  /** JSON array of EU data-theme codes (ECON, HEAL, …). */
  themes: Generated<string>;
  /** A place IRI or name the data covers. */
  spatial: string | null;
  temporal_start: string | null;
  temporal_end: string | null;
  /** Licence IRI, e.g. http://publications.europa.eu/resource/authority/licence/CC_BY_4_0. */
  license: string | null;
  /** EU access-right code: PUBLIC, RESTRICTED or NON_PUBLIC. */
  access_rights: string | null;
  /** EU frequency code: DAILY, WEEKLY, MONTHLY, ANNUAL, … */
  update_frequency: string | null;
  contact_point_name: string | null;
  contact_point_email: string | null;
  issued: string | null;
  modified: string | null;
  /** The total ε that differentially private releases of this dataset may spend (exact, "10" or "1/2"); null: none. */
  privacy_budget: string | null;
  created_at: string;
  updated_at: string;
}

/** Downloads of an open dataset, counted per format and day (UTC, YYYY-MM-DD). */
export interface DatasetDownloadTable {
  dataset_id: string;
  format: 'csv' | 'json';
  day: string;
  /** pg may hand an int back as a number; a sum over it as text. */
  count: number;
}

/** A way to get a dataset: a file to download or a service to call. */
export interface DistributionTable {
  id: string;
  dataset_id: string;
  position: number;
  title: string;
  description: string;
  kind: 'download' | 'service';
  /** EU file-type code (CSV, JSON, …). */
  format: string | null;
  media_type: string | null;
  access_url: string;
  download_url: string | null;
  created_at: string;
}

export interface FieldTable {
  dataset_id: string;
  position: number;
  name: string;
  type: FieldType;
  sensitivity: Sensitivity;
  description: string;
  /** Plain words for citizens ("Date of birth"); null: they read the name in words (domain/words.ts). */
  label: string | null;
}

/**
 * One dataset as catalog search sees it (src/catalog/search.ts): its words, folded (lower case, no
 * accents), and its sort keys. SQLite indexes the words in the FTS5 table catalog_search_text, kept in
 * step by triggers; PostgreSQL in the generated, weighted tsvector column `document` (GIN index).
 */
export interface CatalogSearchTable {
  doc_id: Generated<number>;
  dataset_id: string;
  title: string;
  keywords: string;
  /** Description, field names and descriptions, publisher's name. */
  body: string;
  /** The title folded, for sorting the same way on both dialects. */
  sort_title: string;
  modified: string | null;
  issued: string | null;
}

/** One facet value of a dataset (publisher, theme, classification, format, license), for counting. */
export interface CatalogFacetTable {
  dataset_id: string;
  facet: string;
  value: string;
}

export interface ServiceTable {
  id: string;
  organization_id: string;
  dataset_id: string;
  slug: string;
  title: string;
  description: string;
  kind: ServiceKind;
  /** The provider's own API, for proxied services. */
  base_url: string | null;
  /** How requests to the provider's API are signed: `jws` (one signature each) or `batch` (migration 0029). */
  request_assertion: 'jws' | 'batch';
  created_at: string;
  updated_at: string;
}

/** A change to a dataset or service that waits for the data protection officer's sign-off. */
export interface CatalogChangeTable {
  id: string;
  organization_id: string;
  target: 'dataset' | 'service';
  dataset_id: string | null;
  service_id: string | null;
  /** JSON: the change as proposed (the body of the PATCH). */
  changes: string;
  /** JSON array of the reasons it needs sign-off (SignOffReason). */
  reasons: string;
  /** The target's updated_at when proposed: a change to a target changed since is not applied. */
  based_on: string;
  status: 'pending' | 'approved' | 'rejected';
  proposed_by: string | null;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
}

export type ReleaseStatus = 'draft' | 'submitted' | 'rejected' | 'published' | 'withdrawn';

/** Open data made from a register with a disclosure method (issue 20). */
export interface ReleaseTable {
  id: string;
  organization_id: string;
  /** The register the release is made from. */
  dataset_id: string;
  /** The slug of the open dataset it is published as. */
  slug: string;
  title: string;
  description: string;
  method: 'microdata' | 'statistics';
  /** JSON: the method's parameters as the steward gave them. */
  parameters: string;
  /** JSON: utility and risk as prepared (and, once published, the published cells' error bounds). */
  report: string;
  /** JSON: the rows to publish (microdata, computed when prepared); statistics are drawn when published. */
  output: string | null;
  /** The ε a statistics release spends, exactly; null for microdata. */
  epsilon: string | null;
  status: ReleaseStatus;
  prepared_by: string | null;
  prepared_at: string;
  submitted_by: string | null;
  submitted_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  published_dataset_id: string | null;
  published_at: string | null;
  updated_at: string;
}

export interface PurposeTable {
  id: string;
  slug: string;
  organization_id: string;
  title: string;
  description: string;
  legal_basis: string;
  special_category_basis: string | null;
  created_at: string;
  updated_at: string;
}

export interface AccessTokenTable {
  id: string;
  organization_id: string;
  person_id: string;
  name: string;
  /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
  secret_hash: string;
  /** JSON array of roles. */
  roles: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface SessionTable {
  /** SHA-256 of the session cookie value, hex. */
  id_hash: string;
  person_id: string;
  id_token: string | null;
  created_at: string;
  expires_at: string;
}

/** Records of hosted base registries (population, addresses, businesses), as JSON documents. */
export interface RecordTable {
  dataset_id: string;
  key: string;
  data: string;
  updated_at: string;
}

/** One change to a hosted record, written in the same transaction as the change itself (migration 0021). */
export interface RecordChangeTable {
  /** Monotonic, in the order changes become visible; pg returns int8 as text. */
  seq: Generated<number | string>;
  dataset_id: string;
  key: string;
  kind: 'created' | 'updated' | 'deleted';
  /** JSON array of the names of the fields that changed (every field present, for a created record). */
  fields: string;
  import_id: string | null;
  at: string;
}

/** A system's subscription to the changes of a hosted register, under an agreement (migration 0031). */
export interface ChangeSubscriptionTable {
  id: string;
  system_id: string;
  service_id: string;
  purpose_id: string;
  /** JSON array of the kinds of change delivered (created, updated, deleted); [] = every kind. */
  kinds: string;
  /** JSON array of fields: only changes to one of them are delivered; [] = any agreed field. */
  fields: string;
  /** Sequences of record_changes; pg returns int8 as text. */
  start_seq: number | string;
  acknowledged_seq: number | string;
  created_by: string | null;
  created_at: string;
  read_at: string | null;
}

export type RecordImportStatus = 'running' | 'completed' | 'failed';

/** An import of records into a hosted dataset from a file, with its progress and outcome. */
export interface RecordImportTable {
  id: string;
  dataset_id: string;
  format: 'csv' | 'jsonl' | 'parquet';
  status: RecordImportStatus;
  started_by: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  rows_read: number;
  /** The last row of the file whose batch is committed. */
  committed_rows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  failure: string | null;
}

/** A row an import refused: its number in the file (1 is the first record) and why. */
export interface RecordImportErrorTable {
  import_id: string;
  row_number: number;
  reason: string;
}

/** Accounts of the embedded demo identity provider (not used when govdx points at another issuer). */
export interface IdpAccountTable {
  username: string;
  person_id: string;
  /** scrypt hash: `scrypt$<salt b64url>$<hash b64url>`. */
  password_hash: string;
}

/**
 * Failed sign-ins at the embedded identity provider under one key (`account:<username>` or
 * `address:<ip>`), and until when signing in under it is paused.
 */
export interface SignInThrottleTable {
  key: string;
  /** Failed attempts since the last success (for an account) or since a quiet hour. */
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

/** Key-value state that must survive restarts (e.g. signing keys of the embedded identity provider). */
export interface SettingTable {
  key: string;
  value: string;
  updated_at: string;
}

/** Artifacts of the embedded identity provider (sessions, grants, codes, tokens…), one JSON payload each. */
export interface OidcPayloadTable {
  /** oidc-provider's model name: Session, Interaction, Grant, AuthorizationCode, Client… */
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** Null for artifacts that do not expire (registered clients). */
  expires_at: string | null;
  consumed_at: string | null;
}

/**
 * One ledger entry: the event as canonical JSON (RFC 8785) and its salt, kept private; the commitment
 * SHA-256(salt ‖ event) is what the public tree holds. Positions are numbers (pg's int8 text is converted).
 */
/** An origin (scheme, host, port) of a provider API that the exchange may call; kept by the platform admin. */
export interface ProviderOriginTable {
  id: string;
  /** `https://api.tax.example.gov` or `http://127.0.0.1:8081`: no path, no trailing slash. */
  origin: string;
  /** 1: inside the platform's own network, so a private address is called; 0: public addresses only. */
  private_network: number;
  note: string;
  added_by: string | null;
  added_at: string;
}

/** A citizen's request to correct their entry in a register, and its answer (issue 16, migration 0026). */
export interface CorrectionRequestTable {
  id: string;
  person_id: string;
  /** The person's national ID, as their sign-in gave it when they asked. */
  subject: string;
  /** The register's organization: its stewards answer. */
  organization_id: string;
  dataset_id: string;
  record_key: string;
  field: string;
  /** The value the register held when they asked, as text. */
  recorded_value: string;
  problem: string;
  proposed: string;
  /** domain/correction.ts: CORRECTION_STATUSES. */
  status: 'waiting' | 'corrected' | 'declined';
  /** The steward's words: what was corrected, or why it was declined. */
  answer: string | null;
  answered_by: string | null;
  answered_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One notification for one person (issue 16): the inbox row, its read state, and its email in the outbox. */
export interface NotificationTable {
  id: string;
  person_id: string;
  /** Makes it once per person: `ledger:<index>`, or `approval_waiting:<agreement>`, `agreement_ending:<agreement>`. */
  key: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** Path in the web app of the thing concerned. */
  link: string;
  /** The ledger entry it was made from, if any. */
  ledger_index: number | string | null;
  created_at: string;
  read_at: string | null;
  /** `none`: not to be emailed (no address, or no SMTP server when made); `pending` until `sent` or `failed`. */
  email_status: 'none' | 'pending' | 'sent' | 'failed';
  email_attempts: number;
  /** When the next attempt is due (also the claim of a node sending it now). */
  email_next_at: string | null;
  email_error: string | null;
  emailed_at: string | null;
}

export interface LedgerEntryTable {
  entry_index: number | string;
  kind: string;
  /** National ID of the person the event is about, if any. */
  subject: string | null;
  event: string;
  salt: Buffer;
  commitment: Buffer;
}

/** Which ledger entries are about which person: the citizen's tracker reads through it. */
export interface LedgerSubjectEntryTable {
  subject: string;
  entry_index: number | string;
}

/** Hashes of the ledger's complete subtrees, numbered as in src/ledger/layout.ts. */
export interface LedgerHashTable {
  id: number | string;
  hash: Buffer;
}

/** Every checkpoint (signed tree head) the ledger published, as a signed note. */
export interface LedgerCheckpointTable {
  tree_size: number | string;
  root_hash: Buffer;
  note: string;
  published_at: string;
}

/**
 * A data-sharing agreement: consumer organization × service × purpose × fields × validity window ×
 * legal basis × retention. Only an active one lets data flow (see domain/decide.ts).
 */
export interface AgreementTable {
  id: string;
  /** The organization that publishes the service (kept here so its agreements list without a join). */
  provider_organization_id: string;
  consumer_organization_id: string;
  service_id: string;
  purpose_id: string;
  /** JSON array of field paths (`employer.name`): all the consumer may receive. */
  fields: string;
  legal_basis: string;
  special_category_basis: string | null;
  valid_from: string;
  valid_until: string;
  /** How long the consumer may keep what it receives. */
  retention_days: number;
  status: AgreementStatus;
  /** Why it was last suspended, resumed, revoked or expired. */
  status_reason: string | null;
  /** Null: the exchange's default (GOVDX_EXCHANGE_AGREEMENT_RATE_LIMIT). */
  rate_limit_per_minute: number | null;
  /** Null: no daily quota. */
  quota_per_day: number | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** The first version's id; an amendment is a new version of the same lineage. */
  lineage_id: string;
  version: number;
  /** The version this one replaces when it becomes active. */
  supersedes_id: string | null;
  /** 1 when the consumer may pass what it receives on to others. */
  onward_sharing: number;
  /** Free-text safeguards the consumer commits to. */
  safeguards: string;
  template_id: string | null;
  /** Set when made under an emergency's fast track: it ends at the emergency's end at the latest. */
  emergency_id: string | null;
  submitted_at: string | null;
  activated_at: string | null;
  /** When it was rejected, withdrawn, revoked, expired or superseded. */
  ended_at: string | null;
  /** When the parties were told that it ends within 30 days. */
  expiry_notified_at: string | null;
}

/** One sign-off an agreement version needs (see domain/agreement.ts: requiredApprovals). */
export interface AgreementApprovalTable {
  agreement_id: string;
  party: string;
  /** The organization whose member must sign, and the role they must hold there. */
  organization_id: string;
  role: string;
  /** Null while pending. */
  decision: 'approved' | 'rejected' | null;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

/** The trail: every transition of an agreement, who made it, when and why. */
export interface AgreementEventTable {
  id: string;
  agreement_id: string;
  at: string;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_id: string | null;
  actor_name: string;
  reason: string | null;
  /** The ledger entry that records it. */
  ledger_index: number | null;
}

/** Terms an organization offers for one of its services, ready to request. */
export interface AgreementTemplateTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  service_id: string;
  purpose_id: string;
  fields: string;
  legal_basis: string;
  special_category_basis: string | null;
  max_duration_days: number;
  retention_days: number;
  onward_sharing: number;
  safeguards: string;
  /** 1 when requests from it activate at once while an emergency is declared. */
  emergency: number;
  status: 'published' | 'retired';
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** A declared emergency: while it lasts, emergency templates activate on request. */
export interface EmergencyTable {
  id: string;
  name: string;
  reason: string;
  starts_at: string;
  ends_at: string;
  declared_by: string | null;
  ended_early_at: string | null;
  created_at: string;
}

/** Where an organization wants to be told about its agreements. */
export interface WebhookTable {
  id: string;
  organization_id: string;
  url: string;
  /** The signing secret (Standard Webhooks `whsec_…`). */
  secret: string;
  /** JSON array of event types; [] = all. */
  events: string;
  created_by: string | null;
  created_at: string;
}

/** A message owed to a webhook, kept until delivered or given up. */
export interface WebhookDeliveryTable {
  id: string;
  webhook_id: string;
  event_type: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_response_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/**
 * A data subject's consent to one consumer for one purpose, as a consent record with the fields of
 * ISO/IEC TS 27560 (see src/consent/receipt.ts for how they map to a receipt).
 */
export interface ConsentTable {
  id: string;
  /** The national ID of the person consenting (the PII principal). */
  subject: string;
  /** The controller: the organization that receives and uses the data. */
  consumer_organization_id: string;
  purpose_id: string;
  /** JSON array of field paths; [] = every field of the agreement. */
  fields: string;
  status: ConsentStatus;
  given_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** The purpose as the person was told it when they consented ('' when not known). */
  purpose_description: string;
  /** GDPR Art. 6(1) basis (`gdpr-6-1-a` for consent) and, for special categories, the Art. 9(2) one. */
  legal_basis: string;
  special_category_basis: string | null;
  /** JSON array of ConsentPiiCategory: each field, its sensitivity and where it comes from, where known. */
  pii_categories: string;
  /** JSON array of ConsentRecipient: who receives the data. */
  recipients: string;
  /** How long the recipients may keep the data; null when not known. */
  retention_days: number | null;
  /** How the consent was collected: `admin-recorded`, `oauth-consent-page`, … */
  collection_method: string;
  /** The language of the notice the person saw (BCP 47). */
  language: string;
  /** The notice the person was shown, and its version. */
  notice_url: string | null;
  notice_version: string | null;
  /** The OAuth client (the consumer's service) that asked, when it was asked for through one. */
  client_id: string | null;
  /**
   * For a consent an official recorded on the person's behalf (assisted, on paper): where the evidence
   * is kept (a case or document number), never the evidence itself.
   */
  evidence_reference: string | null;
}

/** A consent record's history: each time its state changed, who changed it and why. */
export interface ConsentEventTable {
  id: string;
  consent_id: string;
  at: string;
  event: 'given' | 'renewed' | 'revoked' | 'expired';
  actor_id: string | null;
  /** 1 when the person the consent is about acted themselves. */
  by_subject: number;
  reason: string | null;
  /** The ledger entry that records it (pg's int8 text is converted). */
  ledger_index: number | string | null;
}

/**
 * A service that asks citizens for consent: an OAuth client of the consent authorization server, of one
 * consumer organization. It authenticates with private_key_jwt (its public keys are in `jwks`).
 */
export interface ConsentClientTable {
  id: string;
  /** The OAuth client_id, unique across govdx. */
  client_id: string;
  organization_id: string;
  /** The service's name as citizens know it (shown on the consent page). */
  name: string;
  /** JSON array of the exact redirect URIs. */
  redirect_uris: string;
  /** JSON Web Key Set (public keys): signing keys for client assertions, and an `enc` key to get the person data encrypted. */
  jwks: string;
  /** 1 when the citizen sees the values before they are sent. */
  preview: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The purposes a consent client may ask consent for. */
export interface ConsentClientPurposeTable {
  client_id: string;
  purpose_id: string;
}

/** Which consent record a grant of the consent authorization server was issued under. */
export interface ConsentGrantTable {
  grant_id: string;
  consent_id: string;
  client_id: string;
  created_at: string;
}

/** Client assertions (RFC 7523) already presented, kept until they expire, so none is accepted twice. */
export interface ExchangeAssertionTable {
  client_id: string;
  jti: string;
  expires_at: string;
}

/** What the link checker last saw at a distribution address (catalog quality, MQA accessibility). */
export interface CatalogLinkCheckTable {
  url: string;
  status: number | null;
  ok: number;
  problem: string | null;
  checked_at: string;
}

/** One data-quality check of a hosted dataset's records, kept as history. */
export interface QualityCheckRunTable {
  id: string;
  dataset_id: string;
  started_at: string;
  finished_at: string;
  trigger: 'schedule' | 'person';
  person_id: string | null;
  record_count: number;
  /** JSON array of per-field counts. */
  fields: string;
  key_field: string | null;
  duplicate_records: number;
  duplicate_values: number;
  freshness: 'fresh' | 'stale' | 'unknown';
  last_updated: string | null;
}

/** A node's claim on checking one dataset, so that no two nodes check it at once. */
export interface QualityCheckClaimTable {
  dataset_id: string;
  claim_id: string;
  expires_at: string;
}

/**
 * One column per latency bucket of domain/usage.ts (LATENCY_BOUNDS_MS, then one above the last): calls
 * that took at most that many milliseconds and more than the bucket before.
 */
export const USAGE_LATENCY_COLUMNS = [
  'latency_le_1',
  'latency_le_2',
  'latency_le_5',
  'latency_le_10',
  'latency_le_20',
  'latency_le_50',
  'latency_le_100',
  'latency_le_200',
  'latency_le_500',
  'latency_le_1000',
  'latency_le_2000',
  'latency_le_5000',
  'latency_le_10000',
  'latency_le_30000',
  'latency_over_30000',
] as const;

/** Exchange calls of one day (UTC) by service, consumer, purpose, outcome and code (0022_usage_daily). */
export type UsageDailyTable = {
  day: string;
  provider: string;
  service: string;
  consumer: string;
  purpose: string;
  outcome: 'answered' | 'not_found' | 'refused' | 'failed';
  /** The refusal or failure code; '' for an answer. */
  code: string;
  /** bigint: PostgreSQL returns it as text. */
  calls: number | string;
} & Record<(typeof USAGE_LATENCY_COLUMNS)[number], number | string>;

export interface Database {
  organizations: OrganizationTable;
  people: PersonTable;
  person_identities: PersonIdentityTable;
  memberships: MembershipTable;
  systems: SystemTable;
  datasets: DatasetTable;
  fields: FieldTable;
  distributions: DistributionTable;
  catalog_search: CatalogSearchTable;
  catalog_facets: CatalogFacetTable;
  dataset_downloads: DatasetDownloadTable;
  services: ServiceTable;
  catalog_changes: CatalogChangeTable;
  releases: ReleaseTable;
  purposes: PurposeTable;
  access_tokens: AccessTokenTable;
  sessions: SessionTable;
  records: RecordTable;
  record_changes: RecordChangeTable;
  change_subscriptions: ChangeSubscriptionTable;
  record_imports: RecordImportTable;
  record_import_errors: RecordImportErrorTable;
  idp_accounts: IdpAccountTable;
  sign_in_throttles: SignInThrottleTable;
  settings: SettingTable;
  oidc_payloads: OidcPayloadTable;
  ledger_entries: LedgerEntryTable;
  ledger_hashes: LedgerHashTable;
  ledger_subject_entries: LedgerSubjectEntryTable;
  ledger_checkpoints: LedgerCheckpointTable;
  agreements: AgreementTable;
  consents: ConsentTable;
  consent_events: ConsentEventTable;
  agreement_approvals: AgreementApprovalTable;
  agreement_events: AgreementEventTable;
  agreement_templates: AgreementTemplateTable;
  emergencies: EmergencyTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  exchange_assertions: ExchangeAssertionTable;
  consent_clients: ConsentClientTable;
  consent_client_purposes: ConsentClientPurposeTable;
  consent_grants: ConsentGrantTable;
  catalog_link_checks: CatalogLinkCheckTable;
  quality_check_runs: QualityCheckRunTable;
  quality_check_claims: QualityCheckClaimTable;
  provider_origins: ProviderOriginTable;
  usage_daily: UsageDailyTable;
  notifications: NotificationTable;
  correction_requests: CorrectionRequestTable;
  sources: SourceTable;
  linkage_jobs: LinkageJobTable;
  source_links: SourceLinkTable;
  link_pairs: LinkPairTable;
}

/** Issue 18: an organization's own copy of people, addresses or businesses (a dataset), linked to a register. */
export interface SourceTable {
  id: string;
  organization_id: string;
  /** The source's own dataset: its records are imported like any dataset's. */
  dataset_id: string;
  /** The authoritative register it is linked to; never changed by the source. */
  register_id: string;
  /** Pairs at or above this probability, and below the upper threshold, go to the steward's review. */
  lower_threshold: number;
  /** A pair at or above this probability links the source record by itself. */
  upper_threshold: number;
  created_by: string | null;
  created_at: string;
}

export type LinkageJobStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** One run of the linkage engine between a source and its register. */
export interface LinkageJobTable {
  id: string;
  source_id: string;
  status: LinkageJobStatus;
  /** The engine's stage while running: reading, blocking, comparing, training, scoring, writing. */
  stage: string | null;
  started_by: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  /** 1 once someone asked to cancel the job. */
  cancel_requested: number;
  source_records: number;
  register_records: number;
  linked: number;
  queued: number;
  /** Records whose link a steward decided, left as decided. */
  kept: number;
  failure: string | null;
}

/** A source record's common identifier: the key of the register record it stands for. */
export interface SourceLinkTable {
  source_id: string;
  record_key: string;
  entity_id: string;
  /** job: linked by a job above the upper threshold; accepted: a steward accepted the pair; merged: a steward linked it by hand. */
  origin: 'job' | 'accepted' | 'merged';
  probability: number | null;
  job_id: string | null;
  at: string;
}

/** A pair the steward reviews (pending) or decided (accepted, rejected): decisions hold across jobs. */
export interface LinkPairTable {
  id: string;
  source_id: string;
  record_key: string;
  entity_id: string;
  status: 'pending' | 'accepted' | 'rejected';
  probability: number | null;
  weight: number | null;
  /** The pair's explanation (PairExplanation) as JSON, when a job proposed it. */
  explanation: string | null;
  job_id: string | null;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}
