/**
 * The catalog's metadata in plain words: EU themes, access rights, update frequencies, licences,
 * and the metadata quality rating (the colour of a rating always comes with its word).
 */
import {
  type AccessRights,
  type Frequency,
  THEME_LABELS,
  type Theme,
} from '../../src/catalog/authority-tables.ts';
import type { QualityRating } from './api.ts';

export { ACCESS_RIGHTS, FREQUENCIES, THEMES } from '../../src/catalog/authority-tables.ts';
export { THEME_LABELS };

export function themeLabel(code: string): string {
  return THEME_LABELS[code as Theme] ?? code;
}

export const ACCESS_RIGHTS_LABELS: Record<AccessRights, string> = {
  PUBLIC: 'Anyone may use it',
  RESTRICTED: 'Only under conditions, such as an agreement',
  NON_PUBLIC: 'Not available to the public',
};

export const FREQUENCY_LABELS: Record<Frequency, string> = {
  CONT: 'Continuously',
  UPDATE_CONT: 'Continuously updated',
  HOURLY: 'Every hour',
  DAILY: 'Every day',
  WEEKLY: 'Every week',
  BIWEEKLY: 'Every two weeks',
  MONTHLY: 'Every month',
  BIMONTHLY: 'Every two months',
  QUARTERLY: 'Every three months',
  ANNUAL_2: 'Twice a year',
  ANNUAL: 'Every year',
  BIENNIAL: 'Every two years',
  TRIENNIAL: 'Every three years',
  IRREG: 'At irregular times',
  NEVER: 'Never: it is not updated',
  UNKNOWN: 'Not known',
};

const LICENCE_BASE = 'http://publications.europa.eu/resource/authority/licence/';

/** The licences a steward is offered, from the EU licence authority table. */
export const LICENCES: ReadonlyArray<{ url: string; label: string }> = [
  { url: `${LICENCE_BASE}CC_BY_4_0`, label: 'Creative Commons Attribution 4.0 (CC BY 4.0)' },
  { url: `${LICENCE_BASE}CC_BYSA_4_0`, label: 'Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)' },
  { url: `${LICENCE_BASE}CC0`, label: 'Creative Commons Zero: no rights reserved (CC0)' },
  { url: `${LICENCE_BASE}ODC_BY`, label: 'Open Data Commons Attribution (ODC-By)' },
  { url: `${LICENCE_BASE}ODC_ODBL`, label: 'Open Data Commons Open Database Licence (ODbL)' },
  { url: `${LICENCE_BASE}ODC_PDDL`, label: 'Open Data Commons Public Domain Dedication (PDDL)' },
];

/** A licence in words: its name when known, else its address. */
export function licenceLabel(url: string | null): string {
  if (!url) return 'No licence stated';
  return LICENCES.find((l) => l.url === url)?.label ?? url;
}

/** A place IRI or name; an IRI shows only its last part ("EST"), which is what people recognise. */
export function placeLabel(spatial: string | null): string {
  if (!spatial) return 'Not stated';
  if (!/^https?:\/\//.test(spatial)) return spatial;
  return decodeURIComponent(spatial.replace(/\/+$/, '').split(/[/#]/).pop() ?? spatial);
}

export const RATING_MEANINGS: Record<QualityRating, string> = {
  Excellent: 'The description is complete: people can find, understand and reuse the data.',
  Good: 'The description is mostly complete; a few things are missing.',
  Sufficient: 'The description has the basics, but much that helps reuse is missing.',
  Bad: 'Important parts of the description are missing.',
};

export function RatingTag({ rating }: { rating: QualityRating }) {
  return <strong className={`tag tag--rating-${rating.toLowerCase()}`}>{rating}</strong>;
}

/** "312 of 405 points" */
export function pointsText(score: number, max: number): string {
  return `${score} of ${max} points`;
}
