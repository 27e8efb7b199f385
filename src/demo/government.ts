/**
 * The Republic of Example: its organizations, their datasets and services, the purposes they
 * use data for, and their systems. Plain data, read by the seeding steps.
 */
import type { Static } from 'typebox';
import type { schemas as catalog } from '../catalog/index.ts';
import type { schemas as directory } from '../directory/index.ts';

export interface DemoOrganization extends Static<typeof directory.NewOrganization> {
  /** Short name used in usernames (`steward.population`) and e-mail domains. */
  short: string;
  /** Provides data through the exchange, or consumes it; DPOs are appointed in both. */
  role: 'operator' | 'provider' | 'consumer' | 'supervisor';
}

const organization = (
  slug: string,
  short: string,
  name: string,
  kind: DemoOrganization['kind'],
  role: DemoOrganization['role'],
  description: string,
): DemoOrganization => ({
  slug,
  short,
  name,
  kind,
  role,
  description,
  website: `https://${short}.example`,
  contactEmail: `info@${short}.example`,
});

export const ORGANIZATIONS: readonly DemoOrganization[] = [
  organization(
    'digital-agency',
    'digital',
    'Digital Agency',
    'agency',
    'operator',
    'Operates govdx, the data exchange of the Republic of Example.',
  ),
  organization(
    'population-register',
    'population',
    'Population Register Office',
    'agency',
    'provider',
    'Keeps the population register: every resident, their residence and household.',
  ),
  organization(
    'address-register',
    'address',
    'Land and Address Board',
    'agency',
    'provider',
    'Keeps the address register: every address with its postcode and coordinates.',
  ),
  organization(
    'business-register',
    'business',
    'Business Register',
    'agency',
    'provider',
    'Registers companies, sole proprietors and non-profits, and who sits on their boards.',
  ),
  organization(
    'tax-agency',
    'tax',
    'Tax and Customs Board',
    'agency',
    'provider',
    'Collects taxes and knows declared income; also grants excise and trading licences.',
  ),
  organization(
    'health-ministry',
    'health',
    'Ministry of Health',
    'ministry',
    'provider',
    'Keeps disability assessments and records of chronic conditions.',
  ),
  organization(
    'housing-agency',
    'housing',
    'Housing Agency',
    'agency',
    'consumer',
    'Pays housing benefit and lets public rental housing.',
  ),
  organization(
    'exampleton-social',
    'social',
    'City of Exampleton Social Services',
    'municipality',
    'consumer',
    "Assesses residents' need for social assistance and care in the capital.",
  ),
  organization(
    'data-protection-authority',
    'dpa',
    'Data Protection Inspectorate',
    'authority',
    'supervisor',
    'Supervises the processing of personal data and audits the exchange.',
  ),
];

type NewDataset = Static<typeof catalog.NewDataset>;
type Field = NewDataset['fields'][number];

export interface DemoDataset extends Omit<NewDataset, 'stewardId'> {
  organization: string;
}

const field = (
  name: string,
  type: Field['type'],
  sensitivity: Field['sensitivity'],
  description: string,
): Field => ({ name, type, sensitivity, description });

export const DATASETS: readonly DemoDataset[] = [
  {
    organization: 'population-register',
    slug: 'population',
    title: 'Population register',
    description:
      'Every resident of the Republic of Example: name, birth, citizenship, residence and household.',
    classification: 'confidential',
    keyField: 'national_id',
    fields: [
      field(
        'national_id',
        'string',
        'personal',
        'National identification number: EX, eight digits, a check digit',
      ),
      field('given_name', 'string', 'personal', 'Given name(s)'),
      field('family_name', 'string', 'personal', 'Family name'),
      field('date_of_birth', 'date', 'personal', 'Date of birth'),
      field('sex', 'string', 'personal', 'Sex as registered: female or male'),
      field(
        'address_id',
        'string',
        'personal',
        'Registered residence: an address_id of the address register',
      ),
      field(
        'household_id',
        'string',
        'personal',
        'Residents registered as one household share this identifier',
      ),
      field('citizenship', 'string', 'personal', 'ISO 3166-1 alpha-2 code; XE is the Republic of Example'),
      field('birth_place.country', 'string', 'personal', 'Country of birth (ISO 3166-1 alpha-2)'),
      field('birth_place.municipality', 'string', 'personal', 'Municipality or city of birth'),
    ],
  },
  {
    organization: 'address-register',
    slug: 'addresses',
    title: 'Address register',
    description: 'Every address in the Republic of Example, with its postcode and coordinates.',
    classification: 'public',
    keyField: 'address_id',
    fields: [
      field('address_id', 'string', 'open', 'Address identifier: AD and eight digits'),
      field('street', 'string', 'open', 'Street name'),
      field('house_number', 'string', 'open', 'House number'),
      field('apartment', 'string', 'open', 'Apartment number, or null for a house'),
      field('postcode', 'string', 'open', 'Five-digit postcode; the first two digits name the municipality'),
      field('municipality', 'string', 'open', 'Municipality'),
      field('coordinates.lat', 'number', 'open', 'Latitude (WGS 84)'),
      field('coordinates.lon', 'number', 'open', 'Longitude (WGS 84)'),
    ],
  },
  {
    organization: 'business-register',
    slug: 'businesses',
    title: 'Business register',
    description: 'Companies, sole proprietors, partnerships and non-profits, with their boards.',
    classification: 'internal',
    keyField: 'registry_code',
    fields: [
      field('registry_code', 'string', 'open', 'Registry code: eight digits'),
      field('name', 'string', 'open', 'Registered name'),
      field('legal_form', 'string', 'open', 'Legal form, e.g. private limited company'),
      field('status', 'string', 'open', 'registered, in liquidation or deleted'),
      field('activity_code', 'string', 'open', 'Main activity as a NACE Rev. 2 class'),
      field('activity', 'string', 'open', 'Main activity in words'),
      field('address_id', 'string', 'open', 'Registered office: an address_id of the address register'),
      field('founded', 'date', 'open', 'Date of first registration'),
      field('board_members', 'array', 'personal', 'National IDs of the members of the management board'),
    ],
  },
  {
    organization: 'tax-agency',
    slug: 'income',
    title: 'Annual income',
    description: "A resident's taxable income of the last tax year, as declared and assessed.",
    classification: 'confidential',
    keyField: 'national_id',
    fields: [
      field('national_id', 'string', 'personal', 'National identification number'),
      field('year', 'integer', 'personal', 'Tax year'),
      field(
        'employment_status',
        'string',
        'personal',
        'employed, self-employed, unemployed, retired or student',
      ),
      field('employer.registry_code', 'string', 'personal', "Main employer's registry code, or null"),
      field('employer.name', 'string', 'personal', "Main employer's name, or null"),
      field('taxable_income', 'number', 'personal', 'Taxable income of the year'),
      field('income_tax_withheld', 'number', 'personal', 'Income tax withheld or paid'),
      field('social_tax_paid', 'number', 'personal', 'Social tax paid on the income'),
      field('benefits_received', 'number', 'personal', 'Unemployment and family benefits received'),
      field('currency', 'string', 'open', 'ISO 4217 currency code of the amounts'),
    ],
  },
  {
    organization: 'health-ministry',
    slug: 'disability-and-care',
    title: 'Disability and care needs',
    description: 'Disability assessments, chronic conditions and assessed care level of residents.',
    classification: 'restricted',
    keyField: 'national_id',
    fields: [
      field('national_id', 'string', 'personal', 'National identification number'),
      field(
        'disability_status',
        'string',
        'special',
        'none, moderate, severe or profound (GDPR Art. 9: health)',
      ),
      field('disability_assessed_on', 'date', 'special', 'Date of the last disability assessment, or null'),
      field(
        'chronic_conditions',
        'array',
        'special',
        'Chronic conditions as ICD-10 codes with labels and dates',
      ),
      field('care_level', 'integer', 'special', 'Assessed need for care, 0 (none) to 4 (round-the-clock)'),
      field('general_practitioner.name', 'string', 'personal', 'Family doctor'),
      field('general_practitioner.practice', 'string', 'personal', "Family doctor's practice"),
    ],
  },
];

type NewService = Static<typeof catalog.NewService>;

export interface DemoService extends Omit<NewService, 'baseUrl'> {
  organization: string;
  /** For proxied services: the path of the demo provider API that answers it. */
  providerPath?: string;
}

export const SERVICES: readonly DemoService[] = [
  {
    organization: 'population-register',
    slug: 'person',
    dataset: 'population',
    title: 'Person lookup',
    description: "One resident's entry in the population register, by national ID.",
    kind: 'hosted',
  },
  {
    organization: 'address-register',
    slug: 'address',
    dataset: 'addresses',
    title: 'Address lookup',
    description: 'One address, by address_id.',
    kind: 'hosted',
  },
  {
    organization: 'business-register',
    slug: 'business',
    dataset: 'businesses',
    title: 'Business lookup',
    description: 'One business and its board, by registry code.',
    kind: 'hosted',
  },
  {
    organization: 'tax-agency',
    slug: 'income',
    dataset: 'income',
    title: 'Annual income',
    description: "A resident's income of the last tax year, answered by the Tax and Customs Board's own API.",
    kind: 'proxied',
    providerPath: '/income',
  },
  {
    organization: 'health-ministry',
    slug: 'disability-and-care',
    dataset: 'disability-and-care',
    title: 'Disability and care needs',
    description:
      "A resident's disability status and care needs, answered by the Ministry of Health's own API.",
    kind: 'proxied',
    providerPath: '/health',
  },
];

export interface DemoPurpose extends Static<typeof directory.NewPurpose> {
  organization: string;
}

export const PURPOSES: readonly DemoPurpose[] = [
  {
    organization: 'housing-agency',
    slug: 'housing-benefit-eligibility',
    title: 'Housing benefit eligibility',
    description:
      'To decide whether your household can get housing benefit, the Housing Agency checks who is registered at your address and what the household earns.',
    legalBasis: 'gdpr-6-1-e',
  },
  {
    organization: 'housing-agency',
    slug: 'rental-application-prefill',
    title: 'Pre-filling a rental housing application',
    description:
      'With your consent, the Housing Agency fills in your application for public rental housing with your name, address and income from the registers, so you need not type them.',
    legalBasis: 'gdpr-6-1-a',
  },
  {
    organization: 'exampleton-social',
    slug: 'social-assistance-assessment',
    title: 'Social assistance assessment',
    description:
      "To assess your need for social assistance and care, the City of Exampleton's social services look at your household, your income, and your disability and care needs.",
    legalBasis: 'gdpr-6-1-e',
    specialCategoryBasis: 'gdpr-9-2-b',
  },
  {
    organization: 'tax-agency',
    slug: 'tax-assessment',
    title: 'Tax assessment',
    description:
      'To calculate and check your income tax, the Tax and Customs Board uses your registered residence and household.',
    legalBasis: 'gdpr-6-1-c',
  },
  {
    organization: 'tax-agency',
    slug: 'business-licensing',
    title: 'Business licensing',
    description:
      "Before granting an excise or trading licence, the Tax and Customs Board checks the business's registration and who sits on its board.",
    legalBasis: 'gdpr-6-1-e',
  },
];

export interface DemoSystem {
  organization: string;
  slug: string;
  name: string;
  description: string;
}

export const SYSTEMS: readonly DemoSystem[] = [
  {
    organization: 'housing-agency',
    slug: 'benefit-system',
    name: 'Housing benefit case system',
    description: 'Decides housing benefit applications.',
  },
  {
    organization: 'exampleton-social',
    slug: 'case-management',
    name: 'Social services case management',
    description: 'Case files of social assistance and care.',
  },
  {
    organization: 'tax-agency',
    slug: 'assessment-engine',
    name: 'Tax assessment engine',
    description: 'Calculates income tax and checks licence applications.',
  },
];

/** The key ID of a demo system's signing key: stable, so agreements and logs can name it. */
export function systemKeyId(system: DemoSystem): string {
  return `${system.organization}.${system.slug}.1`;
}

/** A system's OAuth client ID at the exchange's token endpoint. */
export function systemClientId(system: Pick<DemoSystem, 'organization' | 'slug'>): string {
  return `${system.organization}/${system.slug}`;
}

export interface DemoAgreement {
  /** The providing organization and its service. */
  provider: string;
  service: string;
  consumer: string;
  purpose: string;
  fields: string[];
  retentionDays: number;
}

/**
 * The data-sharing agreements in force: what each consumer may receive, and why. Bases come from the
 * purposes: public task for housing benefit and social assistance (with Art. 9(2)(b) for health data),
 * consent for pre-filling a rental application.
 */
export const AGREEMENTS: readonly DemoAgreement[] = [
  {
    provider: 'population-register',
    service: 'person',
    consumer: 'housing-agency',
    purpose: 'housing-benefit-eligibility',
    fields: ['national_id', 'given_name', 'family_name', 'address_id', 'household_id'],
    retentionDays: 3650,
  },
  {
    provider: 'address-register',
    service: 'address',
    consumer: 'housing-agency',
    purpose: 'housing-benefit-eligibility',
    fields: ['address_id', 'street', 'house_number', 'apartment', 'postcode', 'municipality'],
    retentionDays: 3650,
  },
  {
    provider: 'tax-agency',
    service: 'income',
    consumer: 'housing-agency',
    purpose: 'housing-benefit-eligibility',
    fields: ['national_id', 'year', 'taxable_income', 'benefits_received', 'currency'],
    retentionDays: 3650,
  },
  {
    provider: 'population-register',
    service: 'person',
    consumer: 'housing-agency',
    purpose: 'rental-application-prefill',
    fields: ['given_name', 'family_name', 'address_id'],
    retentionDays: 365,
  },
  {
    provider: 'tax-agency',
    service: 'income',
    consumer: 'housing-agency',
    purpose: 'rental-application-prefill',
    fields: ['year', 'taxable_income', 'currency'],
    retentionDays: 365,
  },
  {
    provider: 'population-register',
    service: 'person',
    consumer: 'exampleton-social',
    purpose: 'social-assistance-assessment',
    fields: ['national_id', 'given_name', 'family_name', 'date_of_birth', 'address_id', 'household_id'],
    retentionDays: 3650,
  },
  {
    provider: 'tax-agency',
    service: 'income',
    consumer: 'exampleton-social',
    purpose: 'social-assistance-assessment',
    fields: [
      'national_id',
      'year',
      'employment_status',
      'employer.name',
      'taxable_income',
      'benefits_received',
      'currency',
    ],
    retentionDays: 3650,
  },
  {
    provider: 'health-ministry',
    service: 'disability-and-care',
    consumer: 'exampleton-social',
    purpose: 'social-assistance-assessment',
    fields: ['national_id', 'disability_status', 'care_level', 'chronic_conditions.code'],
    retentionDays: 3650,
  },
];

export interface DemoConsent {
  /** The username of the demo citizen who consents. */
  citizen: string;
  consumer: string;
  purpose: string;
}

/** The demo citizen has let the Housing Agency pre-fill their rental housing application. */
export const CONSENTS: readonly DemoConsent[] = [
  { citizen: 'citizen', consumer: 'housing-agency', purpose: 'rental-application-prefill' },
];
