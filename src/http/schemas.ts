/** Schemas shared by the route plugins: the error body, identifiers, pagination. */
import { type TSchema, Type } from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable, machine-readable reason, e.g. NOT_FOUND' }),
      message: Type.String({ description: 'What went wrong, in words a person understands' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'Error', description: 'Every refusal has this shape.' },
);

export { Slug, Timestamp } from '../domain/index.ts';

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page (1–200)' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor from the previous page' })),
  },
  { additionalProperties: false },
);

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Cursor of the next page; null on the last page',
    }),
  });
}

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  403: Type.Ref('Error'),
  404: Type.Ref('Error'),
} as const;
