/** API shapes of consents: consent records with the fields of ISO/IEC TS 27560. */
import { Type } from 'typebox';
import {
  CONSENT_STATUSES,
  FieldName,
  HttpUrl,
  LEGAL_BASES,
  NationalId,
  Nullable,
  ON_BEHALF_COLLECTION,
  RETENTION_DAYS,
  SENSITIVITIES,
  Slug,
  SPECIAL_CATEGORY_BASES,
  Timestamp,
} from '../domain/index.ts';

export const ConsentStatus = Type.Enum([...CONSENT_STATUSES]);

/** How a consent was collected. Known values are in COLLECTION_METHODS; others may be added. */
export const CollectionMethod = Type.String({
  pattern: '^[a-z][a-z0-9-]{0,62}$',
  description:
    'How the consent was collected: `oauth-consent-page` (the person on govdx’s consent page), `assisted` or `paper` (an official of the consumer on the person’s behalf, with evidence), `admin-recorded` (recorded by an administrator before govdx left that to officials), …',
});

const ConsentSource = Type.Object({
  organization: Slug,
  organizationName: Type.String(),
  dataset: Nullable(Slug),
  datasetTitle: Nullable(Type.String()),
  service: Nullable(Slug),
  serviceTitle: Nullable(Type.String()),
});

/** One item of personal data a consent covers (a PII category in ISO/IEC TS 27560). */
export const ConsentPiiCategory = Type.Object({
  field: Type.String(),
  label: Type.Optional(
    Type.String({ description: "The field in plain words, from its register's catalog entry (not stored)" }),
  ),
  sensitivity: Nullable(Type.Enum([...SENSITIVITIES])),
  /** The register it comes from, where known. */
  source: Nullable(ConsentSource),
});

export const ConsentRecipient = Type.Object({
  organization: Nullable(Slug),
  name: Type.String(),
});

export const ConsentHistoryEvent = Type.Object({
  event: Type.Enum(['given', 'renewed', 'revoked', 'expired'], {
    description:
      '`renewed`: given again to the same service for the same purpose, with the terms now in force',
  }),
  at: Timestamp,
  bySubject: Type.Boolean({ description: 'True when the person themselves did it' }),
  reason: Nullable(Type.String()),
  ledgerIndex: Nullable(Type.Integer({ description: 'The ledger entry that records it' })),
});

export const Consent = Type.Object(
  {
    id: Type.String(),
    subject: Type.String({ description: 'National ID of the person consenting' }),
    consumer: Slug,
    consumerName: Type.String(),
    purpose: Slug,
    purposeTitle: Type.String(),
    purposeDescription: Type.String({ description: 'The purpose as the person was told it' }),
    legalBasis: Type.String(),
    specialCategoryBasis: Nullable(Type.String()),
    fields: Type.Array(Type.String(), {
      description: 'The fields consented to; [] = all the agreement lists',
    }),
    piiCategories: Type.Array(ConsentPiiCategory),
    recipients: Type.Array(ConsentRecipient),
    retentionDays: Nullable(Type.Integer()),
    collectionMethod: Type.String(),
    language: Type.String(),
    notice: Type.Object({ url: Nullable(Type.String()), version: Nullable(Type.String()) }),
    client: Nullable(Type.String({ description: 'The OAuth client (service) that asked, if any' })),
    recordedBy: Nullable(
      Type.Object(
        {
          name: Nullable(Type.String({ description: 'The official, while their account exists' })),
          organization: Slug,
          organizationName: Type.String(),
        },
        {
          description:
            'For a consent recorded on the person’s behalf (assisted, on paper): the official of the consumer who recorded it',
        },
      ),
    ),
    evidence: Nullable(
      Type.String({
        description:
          'For a consent recorded on the person’s behalf: where the evidence is kept (a case or document reference)',
      }),
    ),
    status: ConsentStatus,
    /** The status as it stands now: an active consent past its end date is `expired`. */
    state: ConsentStatus,
    givenAt: Timestamp,
    expiresAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
    history: Type.Array(ConsentHistoryEvent),
  },
  { $id: 'Consent' },
);

export const NewPiiCategory = Type.Object(
  {
    field: FieldName,
    /** The provider organization and, where known, its service (the dataset is read from the service). */
    source: Type.Optional(
      Nullable(
        Type.Object({ organization: Slug, service: Type.Optional(Slug) }, { additionalProperties: false }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const NewConsent = Type.Object(
  {
    subject: NationalId,
    consumer: Slug,
    purpose: Slug,
    fields: Type.Optional(Type.Array(FieldName, { maxItems: 500, uniqueItems: true })),
    expiresAt: Type.Optional(Nullable(Timestamp)),
    legalBasis: Type.Optional(
      Type.Enum(Object.keys(LEGAL_BASES), { description: 'Default: the purpose’s legal basis' }),
    ),
    specialCategoryBasis: Type.Optional(Nullable(Type.Enum(Object.keys(SPECIAL_CATEGORY_BASES)))),
    piiCategories: Type.Optional(
      Type.Array(NewPiiCategory, {
        maxItems: 500,
        description:
          'Default: the consented fields of the consumer’s active agreements for the purpose, with their sources',
      }),
    ),
    recipients: Type.Optional(
      Type.Array(
        Type.Object(
          {
            organization: Type.Optional(Nullable(Slug)),
            name: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50, description: 'Default: the consumer' },
      ),
    ),
    retentionDays: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 0,
          maximum: RETENTION_DAYS.max,
          description: 'Default: the longest retention of those agreements',
        }),
      ),
    ),
    collectionMethod: Type.Optional(CollectionMethod),
    language: Type.Optional(Type.String({ pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$', maxLength: 35 })),
    noticeUrl: Type.Optional(Nullable(HttpUrl)),
    noticeVersion: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    client: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  },
  { additionalProperties: false },
);

/**
 * A consent an official of the consumer organization records on a person's behalf: given to them
 * (`assisted`) or on a signed paper form (`paper`), with a reference to where the evidence is kept.
 */
export const ConsentOnBehalf = Type.Object(
  {
    subject: NationalId,
    purpose: Slug,
    collectionMethod: Type.Enum([...ON_BEHALF_COLLECTION], {
      description:
        '`assisted`: the person gave it to you (at a desk, on the phone); `paper`: on a signed paper form',
    }),
    evidence: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description:
        'Where the evidence is kept (a case, file or document reference). Recorded on the ledger; the evidence itself stays with you.',
    }),
    fields: Type.Optional(Type.Array(FieldName, { maxItems: 500, uniqueItems: true })),
    expiresAt: Type.Optional(Nullable(Timestamp)),
    language: Type.Optional(Type.String({ pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$', maxLength: 35 })),
    noticeUrl: Type.Optional(Nullable(HttpUrl)),
    noticeVersion: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  },
  { additionalProperties: false },
);

export const ConsentQuery = Type.Object(
  {
    subject: NationalId,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const ConsentRevocation = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Why, if the person said' })) },
  { additionalProperties: false },
);

/**
 * A consent receipt (GET /api/v1/me/consents/{id}/receipt): the Kantara Consent Receipt v1.1 fields, with
 * the ISO/IEC TS 27560 record under `consentRecord`, and the same receipt as a compact JWS signed by govdx.
 */
export const ConsentReceiptDocument = Type.Object({
  receipt: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The receipt: Kantara Consent Receipt v1.1 fields and the ISO/IEC TS 27560 record',
  }),
  jws: Type.String({
    description: 'The receipt as a compact JWS (ES256), signed with govdx’s key; its payload is `receipt`',
  }),
  jwksUri: Type.String({ description: 'Where the key that verifies the JWS is published' }),
});
