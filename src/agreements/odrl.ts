/**
 * An agreement as an ODRL 2.2 policy in JSON-LD (W3C ODRL Information Model 2.2, "IM",
 * https://www.w3.org/TR/odrl-model/; ODRL Vocabulary & Expression 2.2, https://www.w3.org/TR/odrl-vocab/),
 * so that other systems can read what was agreed.
 *
 * The mapping:
 * - the policy is an `Agreement` (IM, Agreement Class): its assigner is the provider organization, its
 *   assignee the consumer, its target the service; they are stated once, on the policy, which is the
 *   Compact Policy form (IM, Policy Rule Composition) and applies them to every rule;
 * - one permission to `use` the service, with constraints that must all hold (IM, Constraint Class):
 *   the purpose equals the registered purpose, the time lies in [validFrom, validUntil), and the field
 *   used is any of the agreed fields;
 * - a duty of that permission to `delete` what was received within the retention period, as an
 *   `elapsedTime` constraint whose right operand is an xsd:duration (Vocabulary, Elapsed Time);
 * - a prohibition to `distribute` (supply the data to third parties) unless onward sharing is agreed;
 * - the legal basis as DPV's `dpv:hasLegalBasis`, valued with the GDPR articles of the DPV GDPR
 *   extension (https://w3id.org/dpv/legal/eu/gdpr#A6-1-e …).
 *
 * ODRL has no left operand for "which fields of a record", so `field` is govdx's own, as is the
 * agreement's status; both are in govdx's profile, named under the node's public URL, since a policy
 * that uses terms beyond ODRL's must name its profile (IM, ODRL Profiles).
 */

export interface OdrlAgreement {
  id: string;
  provider: string;
  providerName: string;
  consumer: string;
  consumerName: string;
  service: string;
  serviceTitle: string;
  purpose: string;
  purposeTitle: string;
  fields: string[];
  legalBasis: string;
  specialCategoryBasis: string | null;
  /** ISO 8601 timestamps. */
  validFrom: string;
  validUntil: string;
  retentionDays: number;
  onwardSharing: boolean;
  status: string;
  version: number;
}

export const ODRL_CONTEXT = 'http://www.w3.org/ns/odrl.jsonld';
export const DPV = 'https://w3id.org/dpv#';
export const DPV_GDPR = 'https://w3id.org/dpv/legal/eu/gdpr#';

/** The IRI of govdx's ODRL profile on the node at `baseUrl`; its terms are `<profile>#<term>`. */
export function govdxProfile(baseUrl: string): string {
  return `${trimSlash(baseUrl)}/ns/odrl-profile`;
}

/**
 * The DPV GDPR concept for a govdx legal basis: `gdpr-6-1-e` is Art. 6(1)(e), `eu-gdpr:A6-1-e`;
 * `gdpr-9-2-g` is Art. 9(2)(g), `eu-gdpr:A9-2-g`.
 */
export function dpvLegalBasis(basis: string): string {
  const match = /^gdpr-(\d+)-(\d+)-([a-z])$/.exec(basis);
  if (!match)
    throw new Error(`"${basis}" is not a GDPR legal basis of the form gdpr-<article>-<paragraph>-<point>`);
  return `${DPV_GDPR}A${match[1]}-${match[2]}-${match[3]}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

const typed = (value: string, type: string) => ({ '@value': value, '@type': type });

/** The agreement as an ODRL 2.2 `Agreement` policy, compacted with the ODRL context. */
export function agreementToOdrl(agreement: OdrlAgreement, baseUrl: string): object {
  const base = trimSlash(baseUrl);
  const api = `${base}/api/v1`;
  const profile = govdxProfile(base);
  const party = (slug: string, name: string) => ({
    uid: `${api}/organizations/${encodeURIComponent(slug)}`,
    '@type': ['Party', 'vcard:Organization'],
    'vcard:fn': name,
  });
  const legalBases = [agreement.legalBasis, agreement.specialCategoryBasis]
    .filter((b): b is string => b !== null)
    .map((b) => ({ '@id': dpvLegalBasis(b) }));

  return {
    '@context': [
      ODRL_CONTEXT,
      {
        dpv: DPV,
        'eu-gdpr': DPV_GDPR,
        govdx: `${profile}#`,
      },
    ],
    '@type': 'Agreement',
    uid: `${base}/agreements/${encodeURIComponent(agreement.id)}/odrl`,
    profile,
    'dct:title': `${agreement.consumerName} receives ${agreement.serviceTitle} from ${agreement.providerName} for ${agreement.purposeTitle}`,
    'schema:version': agreement.version,
    'govdx:status': agreement.status,
    'dpv:hasLegalBasis': legalBases,
    assigner: party(agreement.provider, agreement.providerName),
    assignee: party(agreement.consumer, agreement.consumerName),
    target: {
      uid: `${api}/organizations/${encodeURIComponent(agreement.provider)}/services/${encodeURIComponent(agreement.service)}`,
      '@type': 'Asset',
      'dct:title': agreement.serviceTitle,
    },
    permission: [
      {
        action: 'use',
        constraint: [
          {
            leftOperand: 'purpose',
            operator: 'eq',
            rightOperand: {
              '@id': `${api}/purposes/${encodeURIComponent(agreement.purpose)}`,
              'dct:title': agreement.purposeTitle,
            },
          },
          {
            leftOperand: 'dateTime',
            operator: 'gteq',
            rightOperand: typed(agreement.validFrom, 'xsd:dateTime'),
          },
          {
            leftOperand: 'dateTime',
            operator: 'lt',
            rightOperand: typed(agreement.validUntil, 'xsd:dateTime'),
          },
          { leftOperand: 'govdx:field', operator: 'isAnyOf', rightOperand: [...agreement.fields] },
        ],
        duty: [
          {
            action: 'delete',
            constraint: [
              {
                leftOperand: 'elapsedTime',
                operator: 'lteq',
                rightOperand: typed(`P${agreement.retentionDays}D`, 'xsd:duration'),
              },
            ],
          },
        ],
      },
    ],
    ...(agreement.onwardSharing ? {} : { prohibition: [{ action: 'distribute' }] }),
  };
}
