/**
 * The consent receipt a person downloads: a copy of their consent record, in the field names of the
 * Kantara Initiative Consent Receipt Specification v1.1 (KI-CR-v1.1.0, which ISO/IEC TS 27560 grew from),
 * with the ISO/IEC TS 27560 record itself under `consentRecord` (snake_case, after the standard's record
 * and event fields: record_id, pii_principal_id, purposes, lawful_basis, pii_information, pii_controllers,
 * recipients, retention_period, collection_method, event_time, event_type, event_state…). govdx signs it
 * as a compact JWS with the exchange's key (ES256, published at /exchange/jwks.json), so anyone can check
 * that govdx issued it unchanged.
 */
import { CompactSign } from 'jose';
import type { Kysely } from 'kysely';
import { LEGAL_BASES, SPECIAL_CATEGORY_BASES } from '../domain/index.ts';
import type { ExchangeKeys } from '../exchange/index.ts';
import type { Database } from '../store/index.ts';
import type { ConsentView } from './consents.ts';

export const KANTARA_VERSION = 'KI-CR-v1.1.0';
export const RECORD_SCHEMA_VERSION = 'govdx-consent-record/1 (ISO/IEC TS 27560:2023)';

export interface ReceiptController {
  slug: string;
  name: string;
  website: string | null;
  email: string | null;
}

export interface ReceiptOptions {
  /** govdx's public URL: the issuer, and where the notice and withdrawal are. */
  publicUrl: string;
  /** When the receipt is issued (ISO-8601). */
  issuedAt: string;
}

export type ConsentReceipt = Record<string, unknown>;

const EVENT_TYPES = {
  given: 'consent_given',
  renewed: 'consent_renewed',
  revoked: 'consent_withdrawn',
  expired: 'consent_expired',
};
const EVENT_STATES = { given: 'active', renewed: 'active', revoked: 'withdrawn', expired: 'expired' };

function jurisdictionOf(legalBasis: string): string {
  return legalBasis.startsWith('gdpr-') ? 'EU (GDPR)' : 'not stated';
}

/** The receipt of one consent record. Pure: everything comes from the record and the controller. */
export function consentReceipt(
  consent: ConsentView,
  controller: ReceiptController,
  options: ReceiptOptions,
): ConsentReceipt {
  const base = options.publicUrl.replace(/\/+$/, '');
  const policyUrl = consent.notice.url ?? `${base}/api/v1/purposes/${consent.purpose}`;
  const special = consent.piiCategories.filter((p) => p.sensitivity === 'special').map((p) => p.field);
  const thirdParties = consent.recipients.filter((r) => r.organization !== consent.consumer);
  const termination = consent.expiresAt
    ? `Ends on ${consent.expiresAt}, or earlier when withdrawn`
    : 'Until withdrawn';
  const legalBasisLabel = LEGAL_BASES[consent.legalBasis as keyof typeof LEGAL_BASES] ?? consent.legalBasis;
  const specialLabel = consent.specialCategoryBasis
    ? (SPECIAL_CATEGORY_BASES[consent.specialCategoryBasis as keyof typeof SPECIAL_CATEGORY_BASES] ??
      consent.specialCategoryBasis)
    : null;
  const withdrawal = `${base}/my-data (or POST ${base}/api/v1/me/consents/${consent.id}/revoke)`;
  return {
    version: KANTARA_VERSION,
    jurisdiction: jurisdictionOf(consent.legalBasis),
    consentTimestamp: Math.floor(Date.parse(consent.givenAt) / 1000),
    collectionMethod: consent.collectionMethod,
    consentReceiptID: consent.id,
    language: consent.language,
    piiPrincipalId: consent.subject,
    piiControllers: [
      {
        piiController: controller.name,
        onBehalf: false,
        contact: controller.name,
        address: null,
        email: controller.email,
        phone: null,
        piiControllerUrl: controller.website,
      },
    ],
    policyUrl,
    services: [
      {
        service: consent.client ?? consent.purposeTitle,
        purposes: [
          {
            purpose: consent.purposeDescription || consent.purposeTitle,
            purposeCategory: [consent.purpose],
            consentType: 'EXPLICIT',
            piiCategory: consent.piiCategories.map((p) => p.field),
            primaryPurpose: true,
            termination,
            thirdPartyDisclosure: thirdParties.length > 0,
            ...(thirdParties.length > 0
              ? { thirdPartyName: thirdParties.map((r) => r.name).join(', ') }
              : {}),
          },
        ],
      },
    ],
    sensitive: special.length > 0 || consent.specialCategoryBasis !== null,
    spiCat: special,
    issuer: base,
    issuedAt: options.issuedAt,
    consentRecord: {
      schema_version: RECORD_SCHEMA_VERSION,
      record_id: consent.id,
      pii_principal_id: consent.subject,
      language: consent.language,
      privacy_notice: { url: policyUrl, version: consent.notice.version },
      purposes: [
        {
          purpose_id: consent.purpose,
          purpose: consent.purposeTitle,
          description: consent.purposeDescription,
          lawful_basis: consent.legalBasis,
          lawful_basis_text: legalBasisLabel,
          special_category_condition: consent.specialCategoryBasis,
          special_category_condition_text: specialLabel,
        },
      ],
      pii_information: consent.piiCategories.map((p) => ({
        pii_category: p.field,
        sensitivity: p.sensitivity,
        sensitive: p.sensitivity === 'special',
        source: p.source,
      })),
      pii_controllers: [
        {
          name: controller.name,
          id: controller.slug,
          url: controller.website,
          email: controller.email,
        },
      ],
      recipients: consent.recipients,
      retention_period: consent.retentionDays === null ? null : `P${consent.retentionDays}D`,
      collection_method: consent.collectionMethod,
      service: consent.client,
      jurisdiction: jurisdictionOf(consent.legalBasis),
      validity: { from: consent.givenAt, until: consent.expiresAt },
      withdrawal_method: withdrawal,
      consent_status: consent.state,
      events: consent.history.map((e) => ({
        event_time: e.at,
        event_type: EVENT_TYPES[e.event],
        event_by:
          e.event === 'expired'
            ? 'system'
            : e.bySubject
              ? 'pii_principal'
              : 'administrator_for_pii_principal',
        event_state: EVENT_STATES[e.event],
        reason: e.reason,
        ledger_index: e.ledgerIndex,
      })),
    },
  };
}

/** The controller of a consent (its consumer organization), as a receipt names it. */
export async function receiptController(db: Kysely<Database>, slug: string): Promise<ReceiptController> {
  const row = await db
    .selectFrom('organizations')
    .select(['slug', 'name', 'website', 'contact_email'])
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow();
  return { slug: row.slug, name: row.name, website: row.website, email: row.contact_email };
}

/** The receipt as a compact JWS (RFC 7515) signed with the exchange's ES256 key; its payload is the receipt's JSON. */
export function signConsentReceipt(receipt: ConsentReceipt, keys: ExchangeKeys): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(receipt)))
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .sign(keys.privateKey);
}
