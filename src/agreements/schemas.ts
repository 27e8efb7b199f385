/** API shapes of agreements. */
import { Type } from 'typebox';
import { FieldName } from '../catalog/schemas.ts';
import { LegalBasis, SpecialCategoryBasis } from '../directory/schemas.ts';
import { AGREEMENT_STATUSES, Nullable, Slug, Timestamp } from '../domain/index.ts';

export const AgreementStatus = Type.Enum([...AGREEMENT_STATUSES]);

const Fields = Type.Array(FieldName, {
  minItems: 1,
  maxItems: 500,
  uniqueItems: true,
  description:
    'The fields the consumer may receive, as paths into the record (`employer.name`); an object keeps all its members',
});

export const Agreement = Type.Object(
  {
    id: Type.String(),
    provider: Slug,
    providerName: Type.String(),
    consumer: Slug,
    consumerName: Type.String(),
    service: Slug,
    serviceTitle: Type.String(),
    purpose: Slug,
    purposeTitle: Type.String(),
    fields: Type.Array(Type.String()),
    legalBasis: LegalBasis,
    specialCategoryBasis: Type.Union([SpecialCategoryBasis, Type.Null()]),
    validFrom: Timestamp,
    validUntil: Timestamp,
    retentionDays: Type.Integer(),
    status: AgreementStatus,
    statusReason: Nullable(Type.String()),
    rateLimitPerMinute: Nullable(Type.Integer()),
    quotaPerDay: Nullable(Type.Integer()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Agreement' },
);

export const NewAgreement = Type.Object(
  {
    consumer: Slug,
    service: Slug,
    purpose: Slug,
    fields: Fields,
    legalBasis: Type.Optional(LegalBasis),
    specialCategoryBasis: Type.Optional(Type.Union([SpecialCategoryBasis, Type.Null()])),
    validFrom: Type.Optional(Timestamp),
    validUntil: Timestamp,
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 36500,
      description: 'How long the consumer may keep what it receives',
    }),
    rateLimitPerMinute: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()], {
        description: "Most calls per minute under this agreement; null: the exchange's default",
      }),
    ),
    quotaPerDay: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()], {
        description: 'Most calls per UTC day under this agreement; null: no quota',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AgreementChange = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'Why, in words the other side understands',
    }),
  },
  { additionalProperties: false },
);
