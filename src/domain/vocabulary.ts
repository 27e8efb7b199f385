/** The shared vocabulary of DESIGN.md as closed sets of values (with the schemas of the legal bases). */
import { Type } from 'typebox';

export const SENSITIVITIES = ['open', 'internal', 'personal', 'special'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export const FIELD_TYPES = [
  'string',
  'integer',
  'number',
  'boolean',
  'date',
  'datetime',
  'object',
  'array',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** How widely a dataset may be seen: public (open data), internal to government, confidential, restricted. */
export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const ORGANIZATION_KINDS = [
  'agency',
  'ministry',
  'municipality',
  'authority',
  'company',
  'civil-society',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const SERVICE_KINDS = ['hosted', 'proxied'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** GDPR Art. 6(1) lawful bases. */
export const LEGAL_BASES = {
  'gdpr-6-1-a': 'Consent of the data subject (GDPR Art. 6(1)(a))',
  'gdpr-6-1-b': 'Performance of a contract (GDPR Art. 6(1)(b))',
  'gdpr-6-1-c': 'Legal obligation (GDPR Art. 6(1)(c))',
  'gdpr-6-1-d': 'Vital interests (GDPR Art. 6(1)(d))',
  'gdpr-6-1-e': 'Public task or official authority (GDPR Art. 6(1)(e))',
  'gdpr-6-1-f': 'Legitimate interests (GDPR Art. 6(1)(f))',
} as const;
export type LegalBasis = keyof typeof LEGAL_BASES;
export const LegalBasis = Type.Enum(Object.keys(LEGAL_BASES) as LegalBasis[]);

/** GDPR Art. 9(2) conditions for special categories of personal data. */
export const SPECIAL_CATEGORY_BASES = {
  'gdpr-9-2-a': 'Explicit consent (GDPR Art. 9(2)(a))',
  'gdpr-9-2-b': 'Employment and social security law (GDPR Art. 9(2)(b))',
  'gdpr-9-2-c': 'Vital interests where consent cannot be given (GDPR Art. 9(2)(c))',
  'gdpr-9-2-g': 'Substantial public interest (GDPR Art. 9(2)(g))',
  'gdpr-9-2-h': 'Health or social care (GDPR Art. 9(2)(h))',
  'gdpr-9-2-i': 'Public health (GDPR Art. 9(2)(i))',
  'gdpr-9-2-j': 'Archiving, research or statistics (GDPR Art. 9(2)(j))',
} as const;
export type SpecialCategoryBasis = keyof typeof SPECIAL_CATEGORY_BASES;
export const SpecialCategoryBasis = Type.Enum(Object.keys(SPECIAL_CATEGORY_BASES) as SpecialCategoryBasis[]);
