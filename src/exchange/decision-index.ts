/**
 * Everything the exchange decides on, in memory: systems and their keys, services with their fields'
 * sensitivities, purposes, the provider origins the exchange may call, agreements and consents. A call reads only from here, never from the
 * database; changes.ts keeps it fresh (a row at a time for agreements and consents, the small catalog
 * whole).
 */
import type { JSONWebKeySet } from 'jose';
import type { Kysely } from 'kysely';
import {
  type AgreementTerms,
  aboutPeople,
  type ConsentTerms,
  type LegalBasis,
  type Sensitivity,
  type ServiceKind,
  type SpecialCategoryBasis,
} from '../domain/index.ts';
import type { AgreementTable, ConsentTable, Database } from '../store/index.ts';
import { jwkThumbprint } from './key-thumbprints.ts';

export interface IndexedOrganization {
  id: string;
  slug: string;
  name: string;
}

export interface IndexedSystem {
  id: string;
  /** The OAuth client ID: `<organization>/<system>`. */
  clientId: string;
  slug: string;
  organization: IndexedOrganization;
  status: 'active' | 'disabled';
  jwks: JSONWebKeySet | null;
  jwksUri: string | null;
  /**
   * RFC 7638 thumbprints of the keys in `jwks`: an access token obtained with a key no longer among them is
   * refused. Null when the keys are at `jwksUri` (govdx learns of a key gone from there when it next fetches it).
   */
  keyThumbprints: ReadonlySet<string> | null;
  /** Changes when the keys may have: key sets are cached per version. */
  version: string;
}

export interface IndexedService {
  id: string;
  slug: string;
  title: string;
  provider: IndexedOrganization;
  kind: ServiceKind;
  /** How requests to the provider's API are signed (request-assertions.ts). */
  requestAssertion: 'jws' | 'batch';
  /** Where a proxied service's provider API is: its origin and base path, parsed once. */
  providerApi: { origin: string; basePath: string } | null;
  datasetId: string;
  /**
   * Each record is about one person, so a call names them (Data-Subject) and they see it: declared on the
   * dataset (changing that waits for the data protection officer), and always when the key field is personal.
   */
  personal: boolean;
  fields: ReadonlyMap<string, Sensitivity>;
}

export interface IndexedPurpose {
  id: string;
  slug: string;
  title: string;
}

export interface IndexedAgreement extends AgreementTerms {
  consumerOrganizationId: string;
  serviceId: string;
  rateLimitPerMinute: number | null;
  quotaPerDay: number | null;
}

export interface IndexedConsent extends ConsentTerms {
  subject: string;
  consumerOrganizationId: string;
  purposeId: string;
}

const NONE: readonly never[] = Object.freeze([]);
const pairKey = (consumerOrganizationId: string, serviceId: string) =>
  `${consumerOrganizationId} ${serviceId}`;
const consentKey = (subject: string, consumerOrganizationId: string, purposeId: string) =>
  `${subject} ${consumerOrganizationId} ${purposeId}`;

function toAgreement(row: AgreementTable): IndexedAgreement {
  return {
    id: row.id,
    consumerOrganizationId: row.consumer_organization_id,
    serviceId: row.service_id,
    purposeId: row.purpose_id,
    status: row.status,
    fields: JSON.parse(row.fields) as string[],
    legalBasis: row.legal_basis as LegalBasis,
    specialCategoryBasis: row.special_category_basis as SpecialCategoryBasis | null,
    validFrom: Date.parse(row.valid_from),
    validUntil: Date.parse(row.valid_until),
    changedAt: Date.parse(row.updated_at),
    rateLimitPerMinute: row.rate_limit_per_minute,
    quotaPerDay: row.quota_per_day,
  };
}

function toConsent(row: ConsentTable): IndexedConsent {
  return {
    id: row.id,
    subject: row.subject,
    consumerOrganizationId: row.consumer_organization_id,
    purposeId: row.purpose_id,
    status: row.status,
    fields: JSON.parse(row.fields) as string[],
    expiresAt: row.expires_at ? Date.parse(row.expires_at) : null,
    changedAt: Date.parse(row.updated_at),
  };
}

function thumbprints(jwks: JSONWebKeySet): ReadonlySet<string> {
  const all = jwks.keys.map((key) => jwkThumbprint(key as Record<string, unknown>));
  return new Set(all.filter((t): t is string => t !== null));
}

function providerApi(baseUrl: string | null): IndexedService['providerApi'] {
  if (!baseUrl) return null;
  try {
    const url = new URL(baseUrl);
    return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
  } catch {
    return null;
  }
}

/** A map from key to list, where one item (by id) can be replaced or removed. */
class Grouped<T extends { id: string }> {
  readonly #byId = new Map<string, { key: string; item: T }>();
  readonly #byKey = new Map<string, T[]>();

  get(key: string): readonly T[] {
    return this.#byKey.get(key) ?? NONE;
  }

  put(key: string, item: T): void {
    this.remove(item.id);
    this.#byId.set(item.id, { key, item });
    const list = this.#byKey.get(key);
    // Lists are replaced, never changed in place: a decision holding the old list keeps a consistent view.
    this.#byKey.set(key, list ? [...list, item] : [item]);
  }

  remove(id: string): void {
    const existing = this.#byId.get(id);
    if (!existing) return;
    this.#byId.delete(id);
    const rest = (this.#byKey.get(existing.key) ?? []).filter((i) => i.id !== id);
    if (rest.length > 0) this.#byKey.set(existing.key, rest);
    else this.#byKey.delete(existing.key);
  }

  get size(): number {
    return this.#byId.size;
  }
}

interface Catalog {
  organizations: Map<string, IndexedOrganization>;
  systems: Map<string, IndexedSystem>;
  services: Map<string, IndexedService>;
  purposes: Map<string, IndexedPurpose>;
  /** The provider origins the platform admin allows, with whether each is inside the platform's network. */
  providerOrigins: Map<string, { privateNetwork: boolean }>;
}

export class DecisionIndex {
  readonly #db: Kysely<Database>;
  #catalog: Catalog = {
    organizations: new Map(),
    systems: new Map(),
    services: new Map(),
    purposes: new Map(),
    providerOrigins: new Map(),
  };
  #agreements = new Grouped<IndexedAgreement>();
  #consents = new Grouped<IndexedConsent>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  organization(id: string): IndexedOrganization | undefined {
    return this.#catalog.organizations.get(id);
  }

  organizationBySlug(slug: string): IndexedOrganization | undefined {
    for (const organization of this.#catalog.organizations.values())
      if (organization.slug === slug) return organization;
    return undefined;
  }

  /** The system with this OAuth client ID (`<organization>/<system>`). */
  system(clientId: string): IndexedSystem | undefined {
    return this.#catalog.systems.get(clientId);
  }

  service(provider: string, slug: string): IndexedService | undefined {
    return this.#catalog.services.get(`${provider}/${slug}`);
  }

  purpose(slug: string): IndexedPurpose | undefined {
    return this.#catalog.purposes.get(slug);
  }

  /** The provider origin (`https://host:port`) if the platform admin allows the exchange to call it. */
  providerOrigin(origin: string): { privateNetwork: boolean } | undefined {
    return this.#catalog.providerOrigins.get(origin);
  }

  agreements(consumerOrganizationId: string, serviceId: string): readonly IndexedAgreement[] {
    return this.#agreements.get(pairKey(consumerOrganizationId, serviceId));
  }

  consents(subject: string, consumerOrganizationId: string, purposeId: string): readonly IndexedConsent[] {
    return this.#consents.get(consentKey(subject, consumerOrganizationId, purposeId));
  }

  get counts() {
    return {
      systems: this.#catalog.systems.size,
      services: this.#catalog.services.size,
      agreements: this.#agreements.size,
      consents: this.#consents.size,
    };
  }

  /** Reads everything again and swaps it in at once. */
  async loadAll(): Promise<void> {
    const catalog = await this.#readCatalog();
    const agreements = new Grouped<IndexedAgreement>();
    for (const row of await this.#db.selectFrom('agreements').selectAll().execute()) {
      const a = toAgreement(row);
      agreements.put(pairKey(a.consumerOrganizationId, a.serviceId), a);
    }
    const consents = new Grouped<IndexedConsent>();
    for (const row of await this.#db.selectFrom('consents').selectAll().execute()) {
      const c = toConsent(row);
      consents.put(consentKey(c.subject, c.consumerOrganizationId, c.purposeId), c);
    }
    this.#catalog = catalog;
    this.#agreements = agreements;
    this.#consents = consents;
  }

  async reloadCatalog(): Promise<void> {
    this.#catalog = await this.#readCatalog();
  }

  async reloadAgreement(id: string): Promise<void> {
    const row = await this.#db.selectFrom('agreements').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return this.#agreements.remove(id);
    const a = toAgreement(row);
    this.#agreements.put(pairKey(a.consumerOrganizationId, a.serviceId), a);
  }

  async reloadConsent(id: string): Promise<void> {
    const row = await this.#db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return this.#consents.remove(id);
    const c = toConsent(row);
    this.#consents.put(consentKey(c.subject, c.consumerOrganizationId, c.purposeId), c);
  }

  async #readCatalog(): Promise<Catalog> {
    const db = this.#db;
    const [orgRows, systemRows, serviceRows, fieldRows, purposeRows, originRows] = await Promise.all([
      db.selectFrom('organizations').select(['id', 'slug', 'name']).execute(),
      db.selectFrom('systems').selectAll().execute(),
      db
        .selectFrom('services')
        .innerJoin('datasets', 'datasets.id', 'services.dataset_id')
        .selectAll('services')
        .select(['datasets.key_field', 'datasets.about_people'])
        .execute(),
      db.selectFrom('fields').select(['dataset_id', 'name', 'sensitivity']).execute(),
      db.selectFrom('purposes').select(['id', 'slug', 'title']).execute(),
      db.selectFrom('provider_origins').select(['origin', 'private_network']).execute(),
    ]);
    const organizations = new Map(orgRows.map((o) => [o.id, { id: o.id, slug: o.slug, name: o.name }]));
    const systems = new Map<string, IndexedSystem>();
    for (const s of systemRows) {
      const organization = organizations.get(s.organization_id);
      if (!organization) continue;
      const clientId = `${organization.slug}/${s.slug}`;
      const jwks = s.jwks ? (JSON.parse(s.jwks) as JSONWebKeySet) : null;
      systems.set(clientId, {
        id: s.id,
        clientId,
        slug: s.slug,
        organization,
        status: s.status,
        jwks,
        jwksUri: s.jwks_uri,
        keyThumbprints: jwks ? thumbprints(jwks) : null,
        version: `${s.updated_at} ${s.jwks ?? ''} ${s.jwks_uri ?? ''}`,
      });
    }
    const fieldsByDataset = new Map<string, Map<string, Sensitivity>>();
    for (const f of fieldRows) {
      const fields = fieldsByDataset.get(f.dataset_id) ?? new Map<string, Sensitivity>();
      fields.set(f.name, f.sensitivity);
      fieldsByDataset.set(f.dataset_id, fields);
    }
    const services = new Map<string, IndexedService>();
    for (const s of serviceRows) {
      const provider = organizations.get(s.organization_id);
      if (!provider) continue;
      const fields = fieldsByDataset.get(s.dataset_id) ?? new Map<string, Sensitivity>();
      services.set(`${provider.slug}/${s.slug}`, {
        id: s.id,
        slug: s.slug,
        title: s.title,
        provider,
        kind: s.kind,
        providerApi: providerApi(s.base_url),
        requestAssertion: s.request_assertion,
        datasetId: s.dataset_id,
        personal: aboutPeople({
          fields: [...fields].map(([name, sensitivity]) => ({ name, sensitivity })),
          keyField: s.key_field,
          aboutPeople: s.about_people === 1,
        }),
        fields,
      });
    }
    const purposes = new Map(purposeRows.map((p) => [p.slug, { id: p.id, slug: p.slug, title: p.title }]));
    const providerOrigins = new Map(
      originRows.map((o) => [o.origin, { privateNetwork: o.private_network === 1 }]),
    );
    return { organizations, systems, services, purposes, providerOrigins };
  }
}
