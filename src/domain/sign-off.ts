/**
 * Which changes to the catalog wait for the data protection officer. Pure: the API compares a dataset
 * or service before and after a proposed change, and everything that could make people's data flow
 * with less protection, or hide whose data it is, needs the sign-off of the owning organization's data
 * protection officer (never the person who proposed it). Everything else applies at once; either way the
 * change is a ledger event.
 *
 * Whether a service's records are about people is declared on its dataset (`aboutPeople`), not read off
 * one field's label: a steward who relabels the key field `open` does not make person lookups anonymous.
 */
import { SENSITIVITIES, type Sensitivity } from './vocabulary.ts';

/** What the exchange and the catalog decide on: the dataset's fields, its key field, whom it is about. */
export interface DatasetShape {
  fields: ReadonlyArray<{ name: string; sensitivity: Sensitivity }>;
  keyField: string | null;
  aboutPeople: boolean;
}

export type SignOffReason =
  | { kind: 'sensitivity_lowered'; field: string; from: Sensitivity; to: Sensitivity }
  | { kind: 'key_field_changed'; from: string | null; to: string | null }
  | { kind: 'no_longer_about_people' }
  | { kind: 'provider_address_changed'; from: string | null; to: string | null };

/** The governance-relevant difference between two shapes of a dataset: what the ledger records. */
export interface DatasetDifference {
  added: Array<{ name: string; sensitivity: Sensitivity }>;
  removed: Array<{ name: string; sensitivity: Sensitivity }>;
  sensitivity: Array<{ field: string; from: Sensitivity; to: Sensitivity }>;
  keyField: { from: string | null; to: string | null } | null;
  aboutPeople: { from: boolean; to: boolean } | null;
}

const rank = (sensitivity: Sensitivity) => SENSITIVITIES.indexOf(sensitivity);

/** Personal or special-category data (GDPR Art. 4(1) and Art. 9). */
export function isPersonal(sensitivity: Sensitivity | undefined): boolean {
  return sensitivity === 'personal' || sensitivity === 'special';
}

/**
 * Whether each record is about one person, so that the exchange asks who (Data-Subject) and the person
 * sees the lookup: declared on the dataset, and always so when the key field holds personal data.
 */
export function aboutPeople(shape: DatasetShape): boolean {
  if (shape.aboutPeople) return true;
  const key = shape.fields.find((f) => f.name === shape.keyField);
  return isPersonal(key?.sensitivity);
}

export function datasetDifference(before: DatasetShape, after: DatasetShape): DatasetDifference {
  const had = new Map(before.fields.map((f) => [f.name, f.sensitivity]));
  const has = new Map(after.fields.map((f) => [f.name, f.sensitivity]));
  const difference: DatasetDifference = {
    added: after.fields
      .filter((f) => !had.has(f.name))
      .map(({ name, sensitivity }) => ({ name, sensitivity })),
    removed: before.fields
      .filter((f) => !has.has(f.name))
      .map(({ name, sensitivity }) => ({ name, sensitivity })),
    sensitivity: [],
    keyField: before.keyField === after.keyField ? null : { from: before.keyField, to: after.keyField },
    aboutPeople:
      before.aboutPeople === after.aboutPeople ? null : { from: before.aboutPeople, to: after.aboutPeople },
  };
  for (const field of after.fields) {
    const from = had.get(field.name);
    if (from !== undefined && from !== field.sensitivity)
      difference.sensitivity.push({ field: field.name, from, to: field.sensitivity });
  }
  return difference;
}

export function isEmptyDifference(difference: DatasetDifference): boolean {
  return (
    difference.added.length === 0 &&
    difference.removed.length === 0 &&
    difference.sensitivity.length === 0 &&
    difference.keyField === null &&
    difference.aboutPeople === null
  );
}

/**
 * Whether the change only protects more: fields removed (never released again) or made more sensitive,
 * or the records declared about people. Such a change stands even when the ledger cannot record it.
 */
export function onlyProtectsMore(difference: DatasetDifference): boolean {
  return (
    difference.added.length === 0 &&
    difference.keyField === null &&
    (difference.aboutPeople === null || difference.aboutPeople.to) &&
    difference.sensitivity.every((s) => rank(s.to) > rank(s.from))
  );
}

/** What in a change of a dataset needs the data protection officer's sign-off; empty: it applies at once. */
export function datasetSignOffReasons(before: DatasetShape, after: DatasetShape): SignOffReason[] {
  const difference = datasetDifference(before, after);
  const reasons: SignOffReason[] = difference.sensitivity
    .filter((s) => rank(s.to) < rank(s.from))
    .map((s) => ({ kind: 'sensitivity_lowered', field: s.field, from: s.from, to: s.to }));
  if (difference.keyField) reasons.push({ kind: 'key_field_changed', ...difference.keyField });
  if (aboutPeople(before) && !aboutPeople(after)) reasons.push({ kind: 'no_longer_about_people' });
  return reasons;
}

/** What in a change of a service needs the data protection officer's sign-off. */
export function serviceSignOffReasons(
  before: { baseUrl: string | null },
  after: { baseUrl: string | null },
): SignOffReason[] {
  return before.baseUrl === after.baseUrl
    ? []
    : [{ kind: 'provider_address_changed', from: before.baseUrl, to: after.baseUrl }];
}

/** A sentence for each reason, as the steward and the data protection officer read it. */
export function describeSignOffReason(reason: SignOffReason): string {
  switch (reason.kind) {
    case 'sensitivity_lowered':
      return `"${reason.field}" would be labelled ${reason.to} instead of ${reason.from}.`;
    case 'key_field_changed':
      return `Records would be looked up by ${reason.to ? `"${reason.to}"` : 'no key field'} instead of ${reason.from ? `"${reason.from}"` : 'no key field'}.`;
    case 'no_longer_about_people':
      return 'The records would no longer count as being about people: lookups would not name the person, and people would not see them in their data tracker.';
    case 'provider_address_changed':
      return `Requests would be sent to ${reason.to ?? 'no address'} instead of ${reason.from ?? 'no address'}.`;
  }
}
