/** API shapes of datasets, their fields, and services. */
import { Type } from 'typebox';
import {
  CLASSIFICATIONS,
  FIELD_TYPES,
  HttpUrl,
  SENSITIVITIES,
  SERVICE_KINDS,
  Slug,
  Timestamp,
} from '../domain/index.ts';

export const Sensitivity = Type.Enum([...SENSITIVITIES]);
export const FieldType = Type.Enum([...FIELD_TYPES]);
export const Classification = Type.Enum([...CLASSIFICATIONS]);
export const ServiceKind = Type.Enum([...SERVICE_KINDS]);

/** A field name; dots address nested members (`address.postcode`). */
export const FieldName = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}(\\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$',
  maxLength: 300,
});

export const Field = Type.Object(
  {
    name: FieldName,
    type: FieldType,
    sensitivity: Sensitivity,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
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
    fields: Type.Array(
      Type.Object({
        name: Type.String(),
        type: FieldType,
        sensitivity: Sensitivity,
        description: Type.String(),
      }),
    ),
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
    fields: Type.Array(Field, { maxItems: 500 }),
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
    fields: Type.Optional(
      Type.Array(Field, { maxItems: 500, description: 'The complete new list of fields' }),
    ),
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
  },
  { additionalProperties: false },
);

export const ServiceChanges = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    baseUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
