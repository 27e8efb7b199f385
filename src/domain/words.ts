/**
 * Plain words for citizens: a field's label, a register's codes written out (a country's name, an address),
 * dates and durations in one way everywhere. Pure: the server's pages and the web app both use these, and
 * they are tested without either (test/domain/words.test.ts).
 */
import type { FieldType } from './vocabulary.ts';

/** `date_of_birth` → "Date of birth"; `birth_place.country` → "Birth place: country". */
export function humanFieldName(name: string): string {
  const words = name
    .split('.')
    .map((part) => part.replaceAll('_', ' ').trim())
    .filter(Boolean)
    .join(': ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a citizen reads for a field: the steward's plain label, or else its name in words. */
export function fieldLabel(field: { name: string; label?: string | null }): string {
  const label = field.label?.trim();
  return label ? label : humanFieldName(field.name);
}

/** 3 December 2027: how every page writes a day (UTC, so that a `YYYY-MM-DD` stays that day). */
export function dayInWords(iso: string): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * A number of days as people say it: whole years as years ("2 years", not "730 days"), else days.
 * Retention periods, agreement lengths and consents all go through this one formatter.
 */
export function daysInWords(days: number): string {
  if (days >= 365 && days % 365 === 0) return plural(days / 365, 'year');
  return plural(days, 'day');
}

/** A span of time in the largest unit that reads naturally: "45 seconds", "12 minutes", "3 days", "2 years". */
export function secondsInWords(seconds: number): string {
  if (seconds >= 365 * 86_400 && Number.isInteger(seconds / 86_400)) {
    const days = seconds / 86_400;
    if (days % 365 === 0) return daysInWords(days);
  }
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    // A unit is used beyond 1.5 of it: "90 minutes" rather than "2 hours" for 1 h 30, but "2 days" for 47 h.
    if (seconds > size * 1.5 || (size === 60 && seconds >= 60))
      return plural(Math.round(seconds / size), unit);
  }
  return plural(Math.round(seconds), 'second');
}

/** The Republic of Example's code is one ISO 3166-1 leaves to users, so no library knows its name. */
const USER_ASSIGNED_COUNTRIES: Readonly<Record<string, string>> = { XE: 'Republic of Example' };

/** An ISO 3166-1 alpha-2 code's country name ("DE" → "Germany"); an unknown code is given back as it is. */
export function countryName(code: string): string {
  const upper = code.toUpperCase();
  if (USER_ASSIGNED_COUNTRIES[upper]) return USER_ASSIGNED_COUNTRIES[upper];
  if (!/^[A-Z]{2}$/.test(upper)) return code;
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(upper) ?? code;
  } catch {
    return code;
  }
}

/** An address register's record written out: "Harbour Street 12-4, 10115 Capital". */
export function addressInWords(address: Record<string, unknown>): string | null {
  const text = (key: string) => {
    const value = address[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  };
  if (!text('street') && !text('municipality')) return null;
  const flat = text('apartment') ? `-${text('apartment')}` : '';
  const street = [text('street'), `${text('house_number')}${flat}`].filter(Boolean).join(' ');
  const town = [text('postcode'), text('municipality')].filter(Boolean).join(' ');
  return [street, town].filter(Boolean).join(', ');
}

/** A field's last name part: `birth_place.country` → `country`. */
const leaf = (name: string) => name.slice(name.lastIndexOf('.') + 1);

/** Fields that hold an ISO 3166-1 country code in the registers. */
export function isCountryField(name: string): boolean {
  return ['citizenship', 'country', 'nationality'].includes(leaf(name));
}

export interface ValueContext {
  /** The record a code points to in another register (the address an `address_id` names), if any. */
  linked?: Record<string, unknown> | null;
}

/**
 * A register's value as a citizen reads it: no codes left unexplained. Countries by name, an address
 * identifier as the address, a household's identifier with what it means, days in words.
 */
export function valueInWords(
  field: { name: string; type?: FieldType | string },
  value: unknown,
  context: ValueContext = {},
): string {
  if (value === null || value === undefined || value === '') return 'Not recorded';
  const name = leaf(field.name);
  if (typeof value === 'string') {
    if (isCountryField(field.name)) return countryName(value);
    if (name === 'address_id') {
      const address = context.linked ? addressInWords(context.linked) : null;
      return address ?? `An address the address register knows as ${value}`;
    }
    if (name === 'household_id')
      return `Household number ${value}: everyone registered as living with you shares this number`;
    if (field.type === 'date') return dayInWords(value);
    if (name === 'sex') return value.charAt(0).toUpperCase() + value.slice(1);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null))
    return value.join(', ');
  if (typeof value === 'object') {
    const address = addressInWords(value as Record<string, unknown>);
    if (address) return address;
  }
  return JSON.stringify(value);
}
