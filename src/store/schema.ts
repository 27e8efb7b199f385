/**
 * The one Database type: every table as Kysely sees it.
 *
 * Portable column conventions (the same on SQLite and PostgreSQL):
 * ids and timestamps are text (timestamps ISO-8601 UTC, so they sort as text), flags are integers
 * 0/1, JSON documents are text. Column names are snake_case; the API speaks camelCase.
 */
import type {
  Classification,
  FieldType,
  MembershipRole,
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
  created_at: string;
  updated_at: string;
}

export interface FieldTable {
  dataset_id: string;
  position: number;
  name: string;
  type: FieldType;
  sensitivity: Sensitivity;
  description: string;
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
  created_at: string;
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

/** Accounts of the embedded demo identity provider (not used when govdx points at another issuer). */
export interface IdpAccountTable {
  username: string;
  person_id: string;
  /** scrypt hash: `scrypt$<salt b64url>$<hash b64url>`. */
  password_hash: string;
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

export interface Database {
  organizations: OrganizationTable;
  people: PersonTable;
  person_identities: PersonIdentityTable;
  memberships: MembershipTable;
  systems: SystemTable;
  datasets: DatasetTable;
  fields: FieldTable;
  services: ServiceTable;
  purposes: PurposeTable;
  access_tokens: AccessTokenTable;
  sessions: SessionTable;
  records: RecordTable;
  idp_accounts: IdpAccountTable;
  settings: SettingTable;
  oidc_payloads: OidcPayloadTable;
}
