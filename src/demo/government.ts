/**
 * The Republic of Example: its organizations, their datasets and services, the purposes they
 * use data for, and their systems. Plain data, read by the seeding steps.
 */
import type { Static } from 'typebox';
import type { schemas as catalog } from '../catalog/index.ts';
import type { schemas as directory } from '../directory/index.ts';
import { CC_BY_4_0, COUNTRY, OPEN_DATASETS } from './open-data.ts';

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
  /** The total ε its statistics releases may spend, as its data protection officer set it (issue 20). */
  privacyBudget?: string;
}

const field = (
  name: string,
  type: Field['type'],
  sensitivity: Field['sensitivity'],
  description: string,
  label: string,
): Field => ({ name, type, sensitivity, description, label });

/** The base registers: restricted except the address register, reached through the exchange. */
const REGISTERS: readonly DemoDataset[] = [
  {
    organization: 'population-register',
    slug: 'population',
    privacyBudget: '10',
    title: 'Population register',
    description:
      'Every resident of the Republic of Example: name, birth, citizenship, residence and household.',
    classification: 'confidential',
    keyField: 'national_id',
    keywords: ['population', 'residents', 'households', 'base register'],
    themes: ['SOCI', 'GOVE'],
    spatial: COUNTRY,
    license: null,
    accessRights: 'NON_PUBLIC',
    updateFrequency: 'DAILY',
    contactPoint: { name: 'Population register helpdesk', email: 'data@population.example' },
    issued: '2024-01-01',
    fields: [
      field(
        'national_id',
        'string',
        'personal',
        'National identification number: EX, eight digits, a check digit',
        'National ID number',
      ),
      field('given_name', 'string', 'personal', 'Given name(s)', 'First name(s)'),
      field('family_name', 'string', 'personal', 'Family name', 'Family name'),
      field('date_of_birth', 'date', 'personal', 'Date of birth', 'Date of birth'),
      field('sex', 'string', 'personal', 'Sex as registered: female or male', 'Sex'),
      field(
        'address_id',
        'string',
        'personal',
        'Registered residence: an address_id of the address register',
        'Address where you live',
      ),
      field(
        'household_id',
        'string',
        'personal',
        'Residents registered as one household share this identifier',
        'Household',
      ),
      field(
        'citizenship',
        'string',
        'personal',
        'ISO 3166-1 alpha-2 code; XE is the Republic of Example',
        'Country of citizenship',
      ),
      field(
        'birth_place.country',
        'string',
        'personal',
        'Country of birth (ISO 3166-1 alpha-2)',
        'Country of birth',
      ),
      field(
        'birth_place.municipality',
        'string',
        'personal',
        'Municipality or city of birth',
        'Town or city of birth',
      ),
    ],
  },
  {
    organization: 'address-register',
    slug: 'addresses',
    title: 'Address register',
    description: 'Every address in the Republic of Example, with its postcode and coordinates.',
    classification: 'public',
    keyField: 'address_id',
    keywords: ['addresses', 'postcodes', 'coordinates', 'base register'],
    themes: ['REGI'],
    spatial: COUNTRY,
    license: CC_BY_4_0,
    accessRights: 'PUBLIC',
    updateFrequency: 'DAILY',
    contactPoint: { name: 'Address data desk', email: 'data@address.example' },
    issued: '2024-01-01',
    fields: [
      field('address_id', 'string', 'open', 'Address identifier: AD and eight digits', 'Address reference'),
      field('street', 'string', 'open', 'Street name', 'Street'),
      field('house_number', 'string', 'open', 'House number', 'House number'),
      field('apartment', 'string', 'open', 'Apartment number, or null for a house', 'Flat number'),
      field(
        'postcode',
        'string',
        'open',
        'Five-digit postcode; the first two digits name the municipality',
        'Postcode',
      ),
      field('municipality', 'string', 'open', 'Municipality', 'Town or city'),
      field('coordinates.lat', 'number', 'open', 'Latitude (WGS 84)', 'Latitude (position on the map)'),
      field('coordinates.lon', 'number', 'open', 'Longitude (WGS 84)', 'Longitude (position on the map)'),
    ],
  },
  {
    organization: 'business-register',
    slug: 'businesses',
    title: 'Business register',
    description: 'Companies, sole proprietors, partnerships and non-profits, with their boards.',
    classification: 'internal',
    keyField: 'registry_code',
    keywords: ['companies', 'non-profits', 'boards', 'base register'],
    themes: ['ECON'],
    spatial: COUNTRY,
    license: null,
    accessRights: 'RESTRICTED',
    updateFrequency: 'DAILY',
    contactPoint: { name: 'Business register helpdesk', email: 'data@business.example' },
    issued: '2024-01-01',
    fields: [
      field('registry_code', 'string', 'open', 'Registry code: eight digits', 'Company registration number'),
      field('name', 'string', 'open', 'Registered name', 'Company name'),
      field('legal_form', 'string', 'open', 'Legal form, e.g. private limited company', 'Type of company'),
      field('status', 'string', 'open', 'registered, in liquidation or deleted', 'Status'),
      field(
        'activity_code',
        'string',
        'open',
        'Main activity as a NACE Rev. 2 class',
        'Main activity (code)',
      ),
      field('activity', 'string', 'open', 'Main activity in words', 'Main activity'),
      field(
        'address_id',
        'string',
        'open',
        'Registered office: an address_id of the address register',
        'Registered office',
      ),
      field('founded', 'date', 'open', 'Date of first registration', 'Date first registered'),
      field(
        'board_members',
        'array',
        'personal',
        'National IDs of the members of the management board',
        'Board members',
      ),
    ],
  },
  {
    organization: 'tax-agency',
    slug: 'income',
    title: 'Annual income',
    description: "A resident's taxable income of the last tax year, as declared and assessed.",
    classification: 'confidential',
    keyField: 'national_id',
    keywords: ['income', 'taxes', 'employment'],
    themes: ['ECON', 'SOCI'],
    spatial: COUNTRY,
    license: null,
    accessRights: 'NON_PUBLIC',
    updateFrequency: 'ANNUAL',
    contactPoint: { name: 'Tax data requests desk', email: 'data@tax.example' },
    issued: '2024-01-01',
    fields: [
      field('national_id', 'string', 'personal', 'National identification number', 'National ID number'),
      field('year', 'integer', 'personal', 'Tax year', 'Tax year'),
      field(
        'employment_status',
        'string',
        'personal',
        'employed, self-employed, unemployed, retired or student',
        'Employment status',
      ),
      field(
        'employer.registry_code',
        'string',
        'personal',
        "Main employer's registry code, or null",
        "Employer's registration number",
      ),
      field('employer.name', 'string', 'personal', "Main employer's name, or null", 'Employer'),
      field('taxable_income', 'number', 'personal', 'Taxable income of the year', 'Taxable income'),
      field(
        'income_tax_withheld',
        'number',
        'personal',
        'Income tax withheld or paid',
        'Income tax withheld or paid',
      ),
      field('social_tax_paid', 'number', 'personal', 'Social tax paid on the income', 'Social tax paid'),
      field(
        'benefits_received',
        'number',
        'personal',
        'Unemployment and family benefits received',
        'Benefits received',
      ),
      field('currency', 'string', 'open', 'ISO 4217 currency code of the amounts', 'Currency'),
    ],
  },
  {
    organization: 'health-ministry',
    slug: 'disability-and-care',
    title: 'Disability and care needs',
    description: 'Disability assessments, chronic conditions and assessed care level of residents.',
    classification: 'restricted',
    keyField: 'national_id',
    keywords: ['disability', 'care', 'health'],
    themes: ['HEAL', 'SOCI'],
    spatial: COUNTRY,
    license: null,
    accessRights: 'NON_PUBLIC',
    updateFrequency: 'DAILY',
    contactPoint: { name: 'Health data requests desk', email: 'data@health.example' },
    issued: '2024-01-01',
    fields: [
      field('national_id', 'string', 'personal', 'National identification number', 'National ID number'),
      field(
        'disability_status',
        'string',
        'special',
        'none, moderate, severe or profound (GDPR Art. 9: health)',
        'Disability',
      ),
      field(
        'disability_assessed_on',
        'date',
        'special',
        'Date of the last disability assessment, or null',
        'Date of the last disability assessment',
      ),
      field(
        'chronic_conditions',
        'array',
        'special',
        'Chronic conditions as ICD-10 codes with labels and dates',
        'Long-term health conditions',
      ),
      field(
        'care_level',
        'integer',
        'special',
        'Assessed need for care, 0 (none) to 4 (round-the-clock)',
        'Level of care needed',
      ),
      field('general_practitioner.name', 'string', 'personal', 'Family doctor', 'Family doctor'),
      field(
        'general_practitioner.practice',
        'string',
        'personal',
        "Family doctor's practice",
        "Family doctor's practice",
      ),
    ],
  },
];

/**
 * Copies of a register that organizations keep for their own work (issue 18): each is registered as a
 * source of its register, and linked to it (src/demo/social-clients.ts).
 */
export const SOCIAL_CLIENTS: DemoDataset = {
  organization: 'exampleton-social',
  slug: 'social-clients',
  title: 'Social services clients',
  description:
    "The City of Exampleton's own list of the residents its social services work with: typed in over the years, with typos, old addresses and missing dates.",
  classification: 'confidential',
  keyField: 'client_id',
  keywords: ['clients', 'social assistance'],
  themes: ['SOCI'],
  license: null,
  accessRights: 'NON_PUBLIC',
  updateFrequency: 'DAILY',
  contactPoint: { name: 'Social services records', email: 'records@social.example' },
  issued: '2024-01-01',
  fields: [
    field('client_id', 'string', 'personal', "The social services' own case number", 'Case number'),
    field(
      'national_id',
      'string',
      'personal',
      'National identification number, when the client gave it',
      'National ID number',
    ),
    field('given_name', 'string', 'personal', 'Given name(s), as written down', 'First name'),
    field('family_name', 'string', 'personal', 'Family name, as written down', 'Last name'),
    field('date_of_birth', 'date', 'personal', 'Date of birth, when known', 'Date of birth'),
    field('sex', 'string', 'personal', 'female or male', 'Sex'),
    field('address_id', 'string', 'personal', 'The address last known to the social services', 'Address'),
  ],
};

/** Every dataset of the demo catalog: the base registers first, then the copies, then the open datasets. */
export const DATASETS: readonly DemoDataset[] = [...REGISTERS, SOCIAL_CLIENTS, ...OPEN_DATASETS];

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
    // The demo providers verify batch assertions (src/demo/providers.ts): one signature for many requests.
    requestAssertion: 'batch',
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
    requestAssertion: 'batch',
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
    organization: 'housing-agency',
    slug: 'housing-benefit-application',
    title: 'Pre-filling your housing benefit application',
    description:
      'With your consent, the Housing Agency fills in your housing benefit application with your name, your registered address and your income of last year from the registers, so that you need not type them or bring papers.',
    legalBasis: 'gdpr-6-1-a',
  },
  {
    organization: 'housing-agency',
    slug: 'housing-register-upkeep',
    title: 'Keeping the social housing register up to date',
    description:
      'The Housing Agency checks that the people on its social housing register still live where the register says, so that homes go to those who need them.',
    legalBasis: 'gdpr-6-1-e',
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
 * consent for pre-filling a rental housing or a housing benefit application.
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
  {
    provider: 'population-register',
    service: 'person',
    consumer: 'housing-agency',
    purpose: 'housing-benefit-application',
    fields: ['given_name', 'family_name', 'address_id'],
    retentionDays: 730,
  },
  {
    provider: 'address-register',
    service: 'address',
    consumer: 'housing-agency',
    purpose: 'housing-benefit-application',
    fields: ['address_id', 'street', 'house_number', 'apartment', 'postcode', 'municipality'],
    retentionDays: 730,
  },
  {
    provider: 'tax-agency',
    service: 'income',
    consumer: 'housing-agency',
    purpose: 'housing-benefit-application',
    fields: ['year', 'taxable_income', 'currency'],
    retentionDays: 730,
  },
];

export interface DemoTemplate {
  provider: string;
  slug: string;
  title: string;
  description: string;
  service: string;
  purpose: string;
  fields: string[];
  maxDurationDays: number;
  retentionDays: number;
  safeguards: string;
  emergency?: boolean;
}

/** Terms providers offer ready-made: a request that keeps them needs only the provider steward's sign-off. */
export const TEMPLATES: readonly DemoTemplate[] = [
  {
    provider: 'population-register',
    slug: 'person-for-housing-register',
    title: 'Residents for the social housing register',
    description:
      'Name and registered address of a person on a social housing register, to check they still live there.',
    service: 'person',
    purpose: 'housing-register-upkeep',
    fields: ['national_id', 'given_name', 'family_name', 'address_id'],
    maxDurationDays: 365,
    retentionDays: 365,
    safeguards:
      'Only housing officers who keep the register see the data; it is deleted when the person leaves the register.',
  },
  {
    provider: 'address-register',
    slug: 'address-for-benefits',
    title: 'Addresses for benefit decisions',
    description: 'The full address behind an address ID, for agencies that decide on benefits.',
    service: 'address',
    purpose: 'social-assistance-assessment',
    fields: ['address_id', 'street', 'house_number', 'apartment', 'postcode', 'municipality'],
    maxDurationDays: 730,
    retentionDays: 1825,
    safeguards: 'Used only in the case file of the person concerned.',
  },
  {
    provider: 'population-register',
    slug: 'households-in-an-emergency',
    title: 'Households to reach in an emergency',
    description:
      'Who lives at an address, so that social services can reach every household during a declared emergency (floods, storms). Ends with the emergency.',
    service: 'person',
    purpose: 'social-assistance-assessment',
    fields: ['national_id', 'given_name', 'family_name', 'date_of_birth', 'address_id', 'household_id'],
    maxDurationDays: 90,
    retentionDays: 90,
    safeguards: 'Used only to contact and help households during the emergency; deleted 90 days after.',
    emergency: true,
  },
];

/** How a demo agreement got where it is: the demo ships one in each state of the workflow. */
export interface DemoAgreementStory extends DemoAgreement {
  status:
    | 'draft'
    | 'submitted'
    | 'suspended'
    | 'rejected'
    | 'withdrawn'
    | 'revoked'
    | 'expired'
    | 'superseded';
  /** Why it is in that state, in the words of the person who put it there. */
  reason: string | null;
  /** Days since it was requested. */
  daysAgo: number;
}

export const AGREEMENT_STORIES: readonly DemoAgreementStory[] = [
  {
    provider: 'address-register',
    service: 'address',
    consumer: 'tax-agency',
    purpose: 'tax-assessment',
    fields: ['address_id', 'street', 'house_number', 'postcode', 'municipality'],
    retentionDays: 3650,
    status: 'draft',
    reason: null,
    daysAgo: 1,
  },
  {
    provider: 'population-register',
    service: 'person',
    consumer: 'tax-agency',
    purpose: 'tax-assessment',
    fields: ['national_id', 'given_name', 'family_name', 'address_id', 'household_id'],
    retentionDays: 3650,
    status: 'submitted',
    reason: null,
    daysAgo: 2,
  },
  {
    provider: 'address-register',
    service: 'address',
    consumer: 'exampleton-social',
    purpose: 'social-assistance-assessment',
    fields: ['address_id', 'street', 'house_number', 'apartment', 'postcode', 'municipality', 'coordinates'],
    retentionDays: 3650,
    status: 'submitted',
    reason: null,
    daysAgo: 3,
  },
  {
    provider: 'tax-agency',
    service: 'income',
    consumer: 'exampleton-social',
    purpose: 'housing-benefit-eligibility',
    fields: ['national_id', 'taxable_income'],
    retentionDays: 3650,
    status: 'rejected',
    reason:
      'Housing benefit is decided by the Housing Agency, not by social services; request it under social assistance.',
    daysAgo: 40,
  },
  {
    provider: 'health-ministry',
    service: 'disability-and-care',
    consumer: 'tax-agency',
    purpose: 'tax-assessment',
    fields: ['national_id', 'disability_status'],
    retentionDays: 3650,
    status: 'withdrawn',
    reason: 'Disability allowances are now reported to us by social services; we no longer need this.',
    daysAgo: 60,
  },
  {
    provider: 'population-register',
    service: 'person',
    consumer: 'tax-agency',
    purpose: 'business-licensing',
    fields: ['national_id', 'given_name', 'family_name'],
    retentionDays: 730,
    status: 'suspended',
    reason:
      'Paused while the Tax and Customs Board answers an audit finding about access by its licensing team.',
    daysAgo: 200,
  },
  {
    provider: 'address-register',
    service: 'address',
    consumer: 'housing-agency',
    purpose: 'rental-application-prefill',
    fields: ['address_id', 'street', 'house_number', 'apartment', 'postcode', 'municipality'],
    retentionDays: 365,
    status: 'revoked',
    reason: 'The rental application now takes the address from the population register only.',
    daysAgo: 300,
  },
  {
    provider: 'tax-agency',
    service: 'income',
    consumer: 'housing-agency',
    purpose: 'housing-register-upkeep',
    fields: ['national_id', 'year', 'taxable_income'],
    retentionDays: 365,
    status: 'expired',
    reason: 'Its end date has passed.',
    daysAgo: 500,
  },
  {
    provider: 'address-register',
    service: 'address',
    consumer: 'exampleton-social',
    purpose: 'tax-assessment',
    fields: ['address_id', 'postcode'],
    retentionDays: 365,
    status: 'superseded',
    reason: 'Replaced by version 2.',
    daysAgo: 400,
  },
];

export interface DemoConsent {
  /** The username of the demo citizen who consents. */
  citizen: string;
  consumer: string;
  purpose: string;
  /** Where the signed form is kept (the consent was recorded on the citizen's behalf). */
  evidence: string;
}

/** The demo citizen has let the Housing Agency pre-fill their rental housing application, on a signed form. */
export const CONSENTS: readonly DemoConsent[] = [
  {
    citizen: 'citizen',
    consumer: 'housing-agency',
    purpose: 'rental-application-prefill',
    evidence: 'HA-2026-00117 (signed consent form, housing case file)',
  },
];
