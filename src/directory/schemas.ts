/** API shapes of the directory: organizations, people, systems, purposes. */
import { Type } from 'typebox';
import {
  Email,
  HttpUrl,
  Jwks,
  LegalBasis,
  MEMBERSHIP_ROLES,
  NationalId,
  Nullable,
  ORGANIZATION_KINDS,
  ROLES,
  Slug,
  SpecialCategoryBasis,
  Timestamp,
} from '../domain/index.ts';

export const OrganizationKind = Type.Enum([...ORGANIZATION_KINDS]);

export const Organization = Type.Object(
  {
    id: Type.String(),
    slug: Slug,
    name: Type.String(),
    kind: OrganizationKind,
    description: Type.String(),
    website: Nullable(Type.String()),
    contactEmail: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Organization' },
);

export const NewOrganization = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: OrganizationKind,
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    website: Type.Optional(Nullable(HttpUrl)),
    contactEmail: Type.Optional(Nullable(Email)),
  },
  { additionalProperties: false },
);

export const OrganizationChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    kind: Type.Optional(OrganizationKind),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    website: Type.Optional(Nullable(HttpUrl)),
    contactEmail: Type.Optional(Nullable(Email)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MembershipRole = Type.Enum([...MEMBERSHIP_ROLES]);
export const AnyRole = Type.Enum([...ROLES]);

export const Membership = Type.Object({
  organization: Slug,
  organizationName: Type.String(),
  role: MembershipRole,
});

export const Person = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Nullable(Type.String()),
    nationalId: Nullable(Type.String()),
    memberships: Type.Array(Membership),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Person' },
);

export const NewPerson = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Nullable(Email)),
    nationalId: Type.Optional(Nullable(NationalId)),
  },
  { additionalProperties: false },
);

export const PersonChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Nullable(Email)),
    nationalId: Type.Optional(Nullable(NationalId)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Member = Type.Object({
  personId: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  roles: Type.Array(MembershipRole),
});

export const MemberRoles = Type.Object(
  {
    roles: Type.Array(MembershipRole, {
      maxItems: 5,
      uniqueItems: true,
      description: 'The complete set of roles this person holds here; [] removes them',
    }),
  },
  { additionalProperties: false },
);

export const SystemStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);

export const System = Type.Object(
  {
    id: Type.String(),
    slug: Slug,
    organization: Slug,
    name: Type.String(),
    description: Type.String(),
    jwks: Type.Union([Jwks, Type.Null()]),
    jwksUri: Nullable(Type.String()),
    status: SystemStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'System' },
);

export const NewSystem = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    jwks: Type.Optional(Jwks),
    jwksUri: Type.Optional(HttpUrl),
  },
  { additionalProperties: false },
);

export const SystemChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    jwks: Type.Optional(Jwks),
    jwksUri: Type.Optional(HttpUrl),
    status: Type.Optional(SystemStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Purpose = Type.Object(
  {
    id: Type.String(),
    slug: Slug,
    organization: Slug,
    title: Type.String(),
    description: Type.String(),
    legalBasis: LegalBasis,
    legalBasisText: Type.String(),
    specialCategoryBasis: Type.Union([SpecialCategoryBasis, Type.Null()]),
    specialCategoryBasisText: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Purpose' },
);

export const NewPurpose = Type.Object(
  {
    slug: Slug,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({
      minLength: 1,
      maxLength: 5000,
      description: 'The reason, in plain words a citizen understands',
    }),
    legalBasis: LegalBasis,
    specialCategoryBasis: Type.Optional(Type.Union([SpecialCategoryBasis, Type.Null()])),
  },
  { additionalProperties: false },
);

export const PurposeChanges = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    legalBasis: Type.Optional(LegalBasis),
    specialCategoryBasis: Type.Optional(Type.Union([SpecialCategoryBasis, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
