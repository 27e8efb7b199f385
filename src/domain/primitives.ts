/** Schemas of the small values every part uses: identifiers, national IDs, field names, keys, times, addresses. */
import { type TSchema, Type } from 'typebox';

/**
 * Lower-case letters, digits and dashes: used in URLs, so it never needs escaping. A schema that says
 * something else of a slug keeps the rule: `Type.String({ pattern: SLUG_PATTERN, description })`.
 */
export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$';
export const Slug = Type.String({
  pattern: SLUG_PATTERN,
  description: 'Identifier used in URLs: lower-case letters, digits and dashes',
});

/** The kind of a ledger event: dot-separated lower-case words (`agreement.approved`). */
export const EVENT_KIND_PATTERN = '^[a-z][a-z_]*(\\.[a-z][a-z_]*)*$';

/**
 * An origin the exchange may call: scheme, host and port only (`https://api.tax.example.gov`). The API's
 * schema and the web page's check read it here.
 */
export const PROVIDER_ORIGIN_PATTERN = '^https?://[^/?#]+/?$';
export const Timestamp = Type.String({ format: 'date-time' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** National identification numbers as every register writes them: the people API's and the exchange's rule. */
const NATIONAL_ID_PATTERN = '^[A-Z0-9-]{4,32}$';
export const SUBJECT_PATTERN = new RegExp(NATIONAL_ID_PATTERN);
export const NationalId = Type.String({
  pattern: NATIONAL_ID_PATTERN,
  description: 'National identification number',
});

/** A field name; dots address nested members (`address.postcode`). */
export const FieldName = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}(\\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$',
  maxLength: 300,
});

export const Jwk = Type.Object(
  {
    kty: Type.Union([Type.Literal('EC'), Type.Literal('RSA'), Type.Literal('OKP')]),
    kid: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: true, description: 'A public JSON Web Key (RFC 7517)' },
);
/** The public keys of a system or a consent client (RFC 7517 JWK Set). */
export const Jwks = Type.Object(
  { keys: Type.Array(Jwk, { minItems: 1, maxItems: 20 }) },
  { additionalProperties: false },
);
