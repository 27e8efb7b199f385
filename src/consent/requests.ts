/**
 * A service's request for a citizen's consent: checked when it arrives (purpose, scopes, agreements),
 * and described for the consent page (who asks, why, on what legal basis, which attributes from which
 * register, how long they keep them). Agreements are read from the exchange's decision index, so the
 * page and the later releases agree on what is allowed.
 */
import type { Kysely } from 'kysely';
import {
  inForce,
  LEGAL_BASES,
  type LegalBasis,
  SPECIAL_CATEGORY_BASES,
  type SpecialCategoryBasis,
} from '../domain/index.ts';
import type { Exchange, IndexedAgreement } from '../exchange/index.ts';
import type { Database } from '../store/index.ts';
import {
  ATTRIBUTE_SCOPES,
  ATTRIBUTES,
  type AttributeRead,
  attributeScopes,
  scopeGaps,
  unknownScopes,
} from './attributes.ts';
import type { ConsentClientView } from './clients.ts';

/** A refusal of a consent request, as OAuth 2 names it (RFC 6749 §4.1.2.1). */
export class ConsentRequestRefusal extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_scope',
    message: string,
  ) {
    super(message);
    this.name = 'ConsentRequestRefusal';
  }
}

async function fresh(exchange: Exchange): Promise<void> {
  if (exchange.follower.pending) await exchange.follower.pending;
}

function agreementsFor(exchange: Exchange, organizationId: string, purposeId: string) {
  return (read: AttributeRead): readonly IndexedAgreement[] => {
    const service = exchange.index.service(read.provider, read.service);
    if (!service) return [];
    return exchange.index.agreements(organizationId, service.id).filter((a) => a.purposeId === purposeId);
  };
}

/**
 * Throws a ConsentRequestRefusal unless the client may ask for these scopes for this purpose: the
 * purpose is registered and the client's, every scope is an attribute (or `openid`), and an agreement
 * in force between the client's organization and each register covers every field the scopes read.
 */
export async function checkConsentRequest(
  exchange: Exchange,
  client: ConsentClientView,
  purposeSlug: string | undefined,
  scopes: readonly string[],
): Promise<void> {
  if (!purposeSlug) {
    throw new ConsentRequestRefusal(
      'invalid_request',
      `Send the registered purpose as the "purpose" parameter: one of ${client.purposes.join(', ')}.`,
    );
  }
  if (!client.purposes.includes(purposeSlug)) {
    throw new ConsentRequestRefusal(
      'invalid_request',
      `"${purposeSlug}" is not a purpose ${client.name} is registered to ask consent for (${client.purposes.join(', ')}).`,
    );
  }
  const unknown = unknownScopes(scopes);
  if (unknown.length > 0) {
    throw new ConsentRequestRefusal(
      'invalid_scope',
      `"${unknown[0]}" is not an attribute govdx can release. The attributes are: ${ATTRIBUTE_SCOPES.join(', ')}.`,
    );
  }
  const asked = attributeScopes(scopes);
  if (asked.length === 0) {
    throw new ConsentRequestRefusal(
      'invalid_scope',
      `Ask for at least one attribute in "scope": ${ATTRIBUTE_SCOPES.join(', ')}.`,
    );
  }
  await fresh(exchange);
  const organization = exchange.index.organizationBySlug(client.organization);
  const purpose = exchange.index.purpose(purposeSlug);
  if (!organization || !purpose) {
    throw new ConsentRequestRefusal('invalid_request', `"${purposeSlug}" is not a registered purpose.`);
  }
  const gaps = scopeGaps(asked, agreementsFor(exchange, organization.id, purpose.id), Date.now());
  const gap = gaps[0];
  if (gap) {
    const provider = exchange.index.organizationBySlug(gap.provider)?.name ?? gap.provider;
    throw new ConsentRequestRefusal(
      'invalid_scope',
      `"${gap.scope}" cannot be asked for: ${organization.name} has no agreement in force with ${provider} for "${purpose.title}" that covers ${gap.fields.join(', ')}.`,
    );
  }
}

export interface AttributeSource {
  organization: string;
  organizationName: string;
  /** The register (dataset) the attribute is kept in. */
  register: string;
  classification: string;
  /** Hosted registers: when the register last changed the citizen's record; null when asked from the provider at release. */
  lastUpdated: string | null;
  hosted: boolean;
}

export interface DescribedAttribute {
  scope: string;
  label: string;
  /** The register the value comes from (for an address: the address register, found through the population register). */
  source: AttributeSource;
  /** How long the service may keep it: the longest retention of the agreements it is released under, in days. */
  retentionDays: number | null;
}

export interface ConsentRequestDescription {
  clientName: string;
  organization: { slug: string; name: string };
  purpose: {
    slug: string;
    title: string;
    description: string;
    legalBasis: string;
    legalBasisText: string;
    specialCategoryBasisText: string | null;
  };
  attributes: DescribedAttribute[];
}

/** Everything the consent page says about a request that passed checkConsentRequest. */
export async function describeConsentRequest(
  db: Kysely<Database>,
  exchange: Exchange,
  client: ConsentClientView,
  purposeSlug: string,
  scopes: readonly string[],
  subject: string,
): Promise<ConsentRequestDescription> {
  await fresh(exchange);
  const purpose = await db
    .selectFrom('purposes')
    .selectAll()
    .where('slug', '=', purposeSlug)
    .executeTakeFirstOrThrow();
  const organization = exchange.index.organizationBySlug(client.organization)!;
  const agreementsOf = agreementsFor(exchange, organization.id, purpose.id);
  const now = Date.now();
  const records = new Map<string, { data: Record<string, unknown>; updatedAt: string } | null>();

  /** The citizen's record a read addresses, for its update time (not shown, not released). */
  async function recordOf(read: AttributeRead, previous: Record<string, unknown> | null) {
    const service = exchange.index.service(read.provider, read.service);
    if (service?.kind !== 'hosted') return null;
    const key = 'subject' in read.key ? subject : previous?.[read.key.from];
    if (typeof key !== 'string') return null;
    const cacheKey = `${service.datasetId} ${key}`;
    if (!records.has(cacheKey)) {
      const row = await db
        .selectFrom('records')
        .select(['data', 'updated_at'])
        .where('dataset_id', '=', service.datasetId)
        .where('key', '=', key)
        .executeTakeFirst();
      records.set(
        cacheKey,
        row ? { data: JSON.parse(row.data) as Record<string, unknown>, updatedAt: row.updated_at } : null,
      );
    }
    return records.get(cacheKey) ?? null;
  }

  const attributes: DescribedAttribute[] = [];
  for (const scope of attributeScopes(scopes)) {
    const attribute = ATTRIBUTES.get(scope)!;
    let previous: Record<string, unknown> | null = null;
    let lastUpdated: string | null = null;
    let retentionDays: number | null = null;
    for (const read of attribute.reads) {
      const record = await recordOf(read, previous);
      previous = record?.data ?? null;
      lastUpdated = record?.updatedAt ?? null;
      const agreed = agreementsOf(read).filter((a) => inForce(a, now));
      const retention = await retentionOf(
        db,
        agreed.map((a) => a.id),
      );
      if (retention !== null) retentionDays = Math.max(retentionDays ?? 0, retention);
    }
    const last = attribute.reads.at(-1)!;
    const service = exchange.index.service(last.provider, last.service);
    const dataset = service
      ? await db
          .selectFrom('datasets')
          .select(['title', 'classification'])
          .where('id', '=', service.datasetId)
          .executeTakeFirst()
      : undefined;
    attributes.push({
      scope,
      label: attribute.label,
      source: {
        organization: last.provider,
        organizationName: service?.provider.name ?? last.provider,
        register: dataset?.title ?? last.service,
        classification: dataset?.classification ?? 'confidential',
        lastUpdated,
        hosted: service?.kind === 'hosted',
      },
      retentionDays,
    });
  }
  const special = purpose.special_category_basis as SpecialCategoryBasis | null;
  return {
    clientName: client.name,
    organization: { slug: organization.slug, name: organization.name },
    purpose: {
      slug: purpose.slug,
      title: purpose.title,
      description: purpose.description,
      legalBasis: purpose.legal_basis,
      legalBasisText: LEGAL_BASES[purpose.legal_basis as LegalBasis] ?? purpose.legal_basis,
      specialCategoryBasisText: special ? SPECIAL_CATEGORY_BASES[special] : null,
    },
    attributes,
  };
}

async function retentionOf(db: Kysely<Database>, agreementIds: string[]): Promise<number | null> {
  if (agreementIds.length === 0) return null;
  const row = await db
    .selectFrom('agreements')
    .select((eb) => eb.fn.max('retention_days').as('days'))
    .where('id', 'in', agreementIds)
    .executeTakeFirst();
  return row?.days === null || row?.days === undefined ? null : Number(row.days);
}
