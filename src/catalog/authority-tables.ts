/**
 * Codes from the EU Publications Office authority tables that DCAT-AP 3.0.1 asks catalogs to use
 * (https://op.europa.eu/en/web/eu-vocabularies/authority-tables), and the IRIs they stand for.
 */

const AUTHORITY = 'http://publications.europa.eu/resource/authority';

/** Data themes (DCAT-AP: dcat:theme, http://publications.europa.eu/resource/authority/data-theme). */
export const THEMES = [
  'AGRI',
  'ECON',
  'EDUC',
  'ENER',
  'ENVI',
  'GOVE',
  'HEAL',
  'INTR',
  'JUST',
  'OP_DATPRO',
  'REGI',
  'SOCI',
  'TECH',
  'TRAN',
] as const;
export type Theme = (typeof THEMES)[number];

/** The English labels of the data themes, as the authority table gives them. */
export const THEME_LABELS: Record<Theme, string> = {
  AGRI: 'Agriculture, fisheries, forestry and food',
  ECON: 'Economy and finance',
  EDUC: 'Education, culture and sport',
  ENER: 'Energy',
  ENVI: 'Environment',
  GOVE: 'Government and public sector',
  HEAL: 'Health',
  INTR: 'International issues',
  JUST: 'Justice, legal system and public safety',
  OP_DATPRO: 'Provisional data',
  REGI: 'Regions and cities',
  SOCI: 'Population and society',
  TECH: 'Science and technology',
  TRAN: 'Transport',
};

/** Access rights (DCAT-AP: dct:accessRights). */
export const ACCESS_RIGHTS = ['PUBLIC', 'RESTRICTED', 'NON_PUBLIC'] as const;
export type AccessRights = (typeof ACCESS_RIGHTS)[number];

/** Frequencies (DCAT-AP: dct:accrualPeriodicity). */
export const FREQUENCIES = [
  'CONT',
  'UPDATE_CONT',
  'HOURLY',
  'DAILY',
  'WEEKLY',
  'BIWEEKLY',
  'MONTHLY',
  'BIMONTHLY',
  'QUARTERLY',
  'ANNUAL_2',
  'ANNUAL',
  'BIENNIAL',
  'TRIENNIAL',
  'IRREG',
  'NEVER',
  'UNKNOWN',
] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** File types (DCAT-AP: dct:format), the ones govdx publishes or proxies. */
export const FILE_TYPES = [
  'CSV',
  'JSON',
  'JSON_LD',
  'XML',
  'XLSX',
  'PDF',
  'RDF_TURTLE',
  'ZIP',
  'HTML',
] as const;
export type FileType = (typeof FILE_TYPES)[number];

export const themeIri = (code: Theme): string => `${AUTHORITY}/data-theme/${code}`;
export const accessRightsIri = (code: AccessRights): string => `${AUTHORITY}/access-right/${code}`;
export const frequencyIri = (code: Frequency): string => `${AUTHORITY}/frequency/${code}`;
export const fileTypeIri = (code: FileType): string => `${AUTHORITY}/file-type/${code}`;
export const licenceIri = (code: string): string => `${AUTHORITY}/licence/${code}`;
export const countryIri = (code: string): string => `${AUTHORITY}/country/${code}`;
