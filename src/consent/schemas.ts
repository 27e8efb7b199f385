/** API shapes of consents. */
import { Type } from 'typebox';
import { FieldName } from '../catalog/schemas.ts';
import { NationalId } from '../directory/schemas.ts';
import { CONSENT_STATUSES, Nullable, Slug, Timestamp } from '../domain/index.ts';

export const ConsentStatus = Type.Enum([...CONSENT_STATUSES]);

export const Consent = Type.Object(
  {
    id: Type.String(),
    subject: Type.String({ description: 'National ID of the person consenting' }),
    consumer: Slug,
    consumerName: Type.String(),
    purpose: Slug,
    purposeTitle: Type.String(),
    fields: Type.Array(Type.String(), {
      description: 'The fields consented to; [] = all the agreement lists',
    }),
    status: ConsentStatus,
    givenAt: Timestamp,
    expiresAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
  },
  { $id: 'Consent' },
);

export const NewConsent = Type.Object(
  {
    subject: NationalId,
    consumer: Slug,
    purpose: Slug,
    fields: Type.Optional(Type.Array(FieldName, { maxItems: 500, uniqueItems: true })),
    expiresAt: Type.Optional(Nullable(Timestamp)),
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
