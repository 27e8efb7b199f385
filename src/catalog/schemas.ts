/** API shapes of datasets, their fields, and services. */
import { Type } from 'typebox';
import {
  CLASSIFICATIONS,
  Email,
  FIELD_TYPES,
  FieldName,
  HttpUrl,
  Nullable,
  SENSITIVITIES,
  SERVICE_KINDS,
  Slug,
  Timestamp,
} from '../domain/index.ts';
import { ACCESS_RIGHTS, FILE_TYPES, FREQUENCIES, THEMES } from './authority-tables.ts';

export const Sensitivity = Type.Enum([...SENSITIVITIES]);
export const FieldType = Type.Enum([...FIELD_TYPES]);
export const Classification = Type.Enum([...CLASSIFICATIONS]);
export const ServiceKind = Type.Enum([...SERVICE_KINDS]);
export const Theme = Type.Enum([...THEMES], { description: 'EU data-theme code' });
export const AccessRights = Type.Enum([...ACCESS_RIGHTS], { description: 'EU access-right code' });
export const Frequency = Type.Enum([...FREQUENCIES], { description: 'EU frequency code' });
export const FileType = Type.Enum([...FILE_TYPES], { description: 'EU file-type code' });
export const DistributionKind = Type.Enum(['download', 'service']);
const Day = Type.String({ format: 'date' });

export const ContactPoint = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Email,
  },
  { additionalProperties: false },
);

export const NewDistribution = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    kind: DistributionKind,
    format: Type.Optional(Nullable(FileType)),
    mediaType: Type.Optional(Nullable(Type.String({ pattern: '^[a-z]+/[A-Za-z0-9.+-]+$', maxLength: 100 }))),
    accessUrl: HttpUrl,
    downloadUrl: Type.Optional(Nullable(HttpUrl)),
  },
  { additionalProperties: false },
);

export const Distribution = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  kind: DistributionKind,
  format: Nullable(FileType),
  mediaType: Nullable(Type.String()),
  accessUrl: Type.String(),
  downloadUrl: Nullable(Type.String()),
  createdAt: Timestamp,
});

/** The catalog metadata a dataset may carry beside its schema; every part optional on input. */
const metadataInput = {
  keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
  themes: Type.Optional(Type.Array(Theme, { maxItems: THEMES.length, uniqueItems: true })),
  spatial: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 500, description: 'A place IRI or name' })),
  ),
  temporalStart: Type.Optional(Nullable(Day)),
  temporalEnd: Type.Optional(Nullable(Day)),
  license: Type.Optional(Nullable(HttpUrl)),
  accessRights: Type.Optional(Nullable(AccessRights)),
  updateFrequency: Type.Optional(Nullable(Frequency)),
  contactPoint: Type.Optional(Nullable(ContactPoint)),
  issued: Type.Optional(Nullable(Day)),
  modified: Type.Optional(Nullable(Day)),
  distributions: Type.Optional(
    Type.Array(NewDistribution, { maxItems: 50, description: 'The complete list of distributions' }),
  ),
};

export const Field = Type.Object(
  {
    name: FieldName,
    type: FieldType,
    sensitivity: Sensitivity,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    label: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 200,
          description: 'Plain words for citizens ("Date of birth"); their pages show it, never the name',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const Dataset = Type.Object(
  {
    id: Type.String(),
    slug: Slug,
    organization: Slug,
    organizationName: Type.String(),
    title: Type.String(),
    description: Type.String(),
    classification: Classification,
    steward: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
    keyField: Type.Union([Type.String(), Type.Null()]),
    aboutPeople: Type.Boolean({
      description:
        'Each record is about one person: the exchange asks whom a call is about (Data-Subject), and the person sees it in their data tracker',
    }),
    fields: Type.Array(
      Type.Object({
        name: Type.String(),
        type: FieldType,
        sensitivity: Sensitivity,
        description: Type.String(),
        label: Nullable(
          Type.String({ description: 'Plain words for citizens; null: they read the name in words' }),
        ),
      }),
    ),
    keywords: Type.Array(Type.String()),
    themes: Type.Array(Theme),
    spatial: Nullable(Type.String()),
    temporalStart: Nullable(Type.String()),
    temporalEnd: Nullable(Type.String()),
    license: Nullable(Type.String()),
    accessRights: Nullable(AccessRights),
    updateFrequency: Nullable(Frequency),
    contactPoint: Nullable(Type.Object({ name: Type.String(), email: Type.String() })),
    issued: Nullable(Type.String()),
    modified: Nullable(Type.String()),
    distributions: Type.Array(Distribution),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Dataset' },
);

export const NewDataset = Type.Object(
  {
    slug: Slug,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    classification: Classification,
    stewardId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    keyField: Type.Optional(Type.Union([FieldName, Type.Null()])),
    aboutPeople: Type.Optional(
      Type.Boolean({
        description:
          'Each record is about one person. Defaults to whether the key field is personal or special; declaring it false again waits for the data protection officer',
      }),
    ),
    fields: Type.Array(Field, { maxItems: 500 }),
    ...metadataInput,
  },
  { additionalProperties: false },
);

export const DatasetChanges = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    classification: Type.Optional(Classification),
    stewardId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    keyField: Type.Optional(Type.Union([FieldName, Type.Null()])),
    aboutPeople: Type.Optional(
      Type.Boolean({
        description:
          'Each record is about one person. Defaults to whether the key field is personal or special; declaring it false again waits for the data protection officer',
      }),
    ),
    fields: Type.Optional(
      Type.Array(Field, { maxItems: 500, description: 'The complete new list of fields' }),
    ),
    ...metadataInput,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DatasetFilter = Type.Object(
  {
    organization: Type.Optional(Slug),
    classification: Type.Optional(Classification),
    sensitivity: Type.Optional(
      Type.Union([Sensitivity], { description: 'Only datasets with at least one field this sensitive' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

const RequestAssertion = Type.Union([Type.Literal('jws'), Type.Literal('batch')], {
  description:
    "How the exchange signs the requests it forwards to the provider's API (docs/integrating.md): `jws`, one " +
    'ES256 JWT per request (the default); `batch`, one signature over a Merkle root for the requests in flight ' +
    'at one moment, each request carrying its inclusion path.',
});

export const Service = Type.Object(
  {
    id: Type.String(),
    slug: Slug,
    organization: Slug,
    organizationName: Type.String(),
    dataset: Slug,
    title: Type.String(),
    description: Type.String(),
    kind: ServiceKind,
    baseUrl: Type.Union([Type.String(), Type.Null()]),
    requestAssertion: RequestAssertion,
    exchangePath: Type.String({ description: 'Where consumers call it through the exchange' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Service' },
);

export const NewService = Type.Object(
  {
    slug: Slug,
    dataset: Slug,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    kind: ServiceKind,
    baseUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    requestAssertion: Type.Optional(RequestAssertion),
  },
  { additionalProperties: false },
);

export const ServiceChanges = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    baseUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    requestAssertion: Type.Optional(RequestAssertion),
  },
  { additionalProperties: false, minProperties: 1 },
);

const SignOffReason = Type.Object(
  {
    kind: Type.Enum([
      'sensitivity_lowered',
      'key_field_changed',
      'no_longer_about_people',
      'provider_address_changed',
    ]),
    field: Type.Optional(Type.String()),
    from: Type.Optional(Nullable(Type.String())),
    to: Type.Optional(Nullable(Type.String())),
    text: Type.String({ description: 'The reason in a sentence' }),
  },
  { additionalProperties: false },
);

export const CatalogChange = Type.Object(
  {
    id: Type.String(),
    organization: Slug,
    target: Type.Enum(['dataset', 'service']),
    dataset: Nullable(Slug),
    service: Nullable(Slug),
    title: Type.String({ description: "The dataset's or service's title" }),
    changes: Type.Object({}, { additionalProperties: true, description: 'The change as proposed' }),
    reasons: Type.Array(SignOffReason, { description: 'Why it waits for the data protection officer' }),
    status: Type.Enum(['pending', 'approved', 'rejected']),
    proposedBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    proposedAt: Timestamp,
    decidedBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    decidedAt: Nullable(Timestamp),
    reason: Nullable(Type.String({ description: "The data protection officer's reason" })),
  },
  { $id: 'CatalogChange' },
);

export const CatalogChangeFilter = Type.Object(
  {
    status: Type.Optional(Type.Enum(['pending', 'approved', 'rejected'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const CatalogChangeDecision = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      pattern: '\\S',
      description: 'Why the data protection officer approves or rejects it; recorded on the ledger',
    }),
  },
  { additionalProperties: false },
);
