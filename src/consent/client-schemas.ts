/** API shapes of consent clients: the services that ask citizens for consent. */
import { Type } from 'typebox';
import { HttpUrl, Jwks, SLUG_PATTERN, Slug, Timestamp } from '../domain/index.ts';

export const ConsentClient = Type.Object(
  {
    clientId: Type.String({ description: 'The OAuth client_id' }),
    organization: Slug,
    organizationName: Type.String(),
    name: Type.String({ description: 'The service, as citizens know it (shown on the consent page)' }),
    redirectUris: Type.Array(Type.String()),
    jwks: Jwks,
    purposes: Type.Array(Slug, { description: 'The registered purposes it may ask consent for' }),
    preview: Type.Boolean({ description: 'The citizen sees the values before they are sent' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ConsentClient' },
);

export const NewConsentClient = Type.Object(
  {
    clientId: Type.String({
      pattern: SLUG_PATTERN,
      description: 'The OAuth client_id, unique across govdx: lower-case letters, digits and dashes',
    }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    redirectUris: Type.Array(HttpUrl, {
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      description: 'Exact addresses govdx may send the browser back to (no fragment)',
    }),
    /**
     * Its public keys: at least one signing key for its client assertions (private_key_jwt); a key
     * with "use": "enc" gets the person data encrypted to it (JWE).
     */
    jwks: Jwks,
    purposes: Type.Array(Slug, { minItems: 1, maxItems: 20, uniqueItems: true }),
    preview: Type.Optional(
      Type.Boolean({ default: false, description: 'Show the citizen the values before they are sent' }),
    ),
  },
  { additionalProperties: false },
);

export const ConsentClientChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    redirectUris: Type.Optional(
      Type.Array(HttpUrl, {
        minItems: 1,
        maxItems: 10,
        uniqueItems: true,
        description: 'All the addresses govdx may send the browser back to, replacing those registered',
      }),
    ),
    /** Its new public keys, replacing the old at once: to rotate without a break, list both, then drop the old. */
    jwks: Type.Optional(Jwks),
    purposes: Type.Optional(Type.Array(Slug, { minItems: 1, maxItems: 20, uniqueItems: true })),
    preview: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
