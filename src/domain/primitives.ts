/** Schemas of the small values every part uses: identifiers in URLs, times, addresses. */
import { type TSchema, Type } from 'typebox';

/** Lower-case letters, digits and dashes: used in URLs, so it never needs escaping. */
export const Slug = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$',
  description: 'Identifier used in URLs: lower-case letters, digits and dashes',
});
export const Timestamp = Type.String({ format: 'date-time' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
