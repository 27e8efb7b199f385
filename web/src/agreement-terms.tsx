/**
 * The terms an agreement states, as form fields: the service, the purpose, the fields, the condition for
 * special-category data, how long it lasts, how long the data may be kept, onward sharing and
 * safeguards. One set serves the request form, a template's form and a proposal of new terms.
 */
import type { ReactNode } from 'react';
import { RETENTION_DAYS, SPECIAL_CATEGORY_BASES, type SpecialCategoryBasis } from '../../src/domain/index.ts';
import { legalBasisText } from './agreement-labels.tsx';
import type { Purpose, Service } from './api.ts';
import { FieldPicker, type ServiceFields } from './field-picker.tsx';
import { InputField, RadioGroup, SelectField, TextareaField } from './form.tsx';
import { ErrorAlert, Status } from './page.tsx';

/** A whole number in [min, max] from a form value, or null. */
export function wholeNumber(value: FormDataEntryValue | null, min: number, max: number): number | null {
  const text = String(value ?? '').trim();
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** The terms AgreementTermsFields holds, as read from its form. */
export interface AgreementTermsInput {
  /** The condition for special-category data, when the fields include some; otherwise null. */
  specialCategoryBasis: SpecialCategoryBasis | null;
  /** Null when not a whole number of days within RETENTION_DAYS (then `errors.retentionDays` says so). */
  retentionDays: number | null;
  onwardSharing: boolean;
  /** Trimmed; empty when none were written. */
  safeguards: string;
}

/**
 * Reads the terms of AgreementTermsFields from its form's data, with what is wrong beside the field it
 * concerns. `special`: the chosen fields include special-category data, so a condition is needed.
 */
export function readAgreementTerms(
  data: FormData,
  special: boolean,
): { terms: AgreementTermsInput; errors: { special?: string; retentionDays?: string } } {
  const errors: { special?: string; retentionDays?: string } = {};
  const basis = String(data.get('specialCategoryBasis') ?? '').trim();
  if (special && !basis) errors.special = 'Choose the condition that allows special-category data';
  const retentionDays = wholeNumber(data.get('retentionDays'), RETENTION_DAYS.min, RETENTION_DAYS.max);
  if (retentionDays === null) {
    errors.retentionDays = `Enter a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}`;
  }
  const terms: AgreementTermsInput = {
    specialCategoryBasis: special && basis ? (basis as SpecialCategoryBasis) : null,
    retentionDays,
    onwardSharing: data.get('onwardSharing') === 'yes',
    safeguards: String(data.get('safeguards') ?? '').trim(),
  };
  return { terms, errors };
}

/** One of the provider's services; choosing another clears the fields chosen (onChange). */
export function ServiceSelect({
  id,
  services,
  providerName,
  value,
  onChange,
  hint,
  error,
}: {
  id: string;
  services: Service[] | undefined;
  providerName: string;
  value: string;
  onChange(slug: string): void;
  hint?: string;
  error?: string | undefined;
}) {
  return (
    <SelectField
      id={id}
      label="Service"
      hint={hint}
      name="service"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
    >
      <option value="">Choose a service of {providerName}</option>
      {services?.map((s) => (
        <option key={s.slug} value={s.slug}>
          {s.title}
        </option>
      ))}
    </SelectField>
  );
}

/** One of the registered purposes; once chosen, its legal basis is shown. */
export function PurposeSelect({
  id,
  purposes,
  value,
  onChange,
  hint,
  error,
}: {
  id: string;
  purposes: Purpose[] | undefined;
  value: string;
  onChange(slug: string): void;
  /** Said while no purpose is chosen. */
  hint: string;
  error?: string | undefined;
}) {
  const chosen = purposes?.find((p) => p.slug === value);
  return (
    <SelectField
      id={id}
      label="Purpose"
      hint={chosen ? `Legal basis: ${legalBasisText(chosen.legalBasis, chosen.specialCategoryBasis)}.` : hint}
      name="purpose"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
    >
      <option value="">Choose a purpose</option>
      {purposes?.map((p) => (
        <option key={p.slug} value={p.slug}>
          {p.title}
        </option>
      ))}
    </SelectField>
  );
}

export function SpecialCategorySelect({
  id,
  defaultValue,
  error,
}: {
  id: string;
  defaultValue: string;
  error?: string | undefined;
}) {
  return (
    <SelectField
      id={id}
      label="Condition for special-category data"
      hint="Health, beliefs and the like may be shared only under one of the conditions of GDPR Art. 9(2)."
      name="specialCategoryBasis"
      defaultValue={defaultValue}
      error={error}
    >
      <option value="">Choose a condition</option>
      {(Object.entries(SPECIAL_CATEGORY_BASES) as Array<[SpecialCategoryBasis, string]>).map(
        ([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ),
      )}
    </SelectField>
  );
}

interface Wording {
  label: string;
  hint?: string;
  defaultValue?: string;
}

/**
 * The terms after the service and the purpose, named in the form as the API names them (fields are
 * held by the caller; specialCategoryBasis, retentionDays, onwardSharing, safeguards).
 */
export function AgreementTermsFields({
  id,
  serviceFields,
  showFields,
  fields,
  onFieldsChange,
  fieldsHint,
  special,
  period,
  retention,
  onward,
  safeguards,
  errors,
}: {
  id: string;
  serviceFields: ServiceFields;
  /** Whether a service is chosen, so that its fields can be chosen. */
  showFields: boolean;
  fields: ReadonlySet<string>;
  onFieldsChange(next: Set<string>): void;
  fieldsHint?: ReactNode;
  /** The condition for special-category data, asked for while a chosen field is special. */
  special: { defaultValue: string } | null;
  /** How long the agreement lasts: its end date, or a template's longest duration. */
  period: ReactNode;
  retention: Wording;
  onward: { legend: string; defaultValue: 'yes' | 'no' };
  safeguards: Wording;
  errors: { fields?: string | undefined; special?: string | undefined; retentionDays?: string | undefined };
}) {
  return (
    <>
      {showFields ? (
        <>
          <Status loading={serviceFields.loading} label="Loading the service's fields…" />
          {serviceFields.error ? <ErrorAlert error={serviceFields.error} /> : null}
          {serviceFields.fields ? (
            <FieldPicker
              id={`${id}-fields`}
              fields={serviceFields.fields}
              selected={fields}
              onChange={onFieldsChange}
              error={errors.fields}
              {...(fieldsHint ? { hint: fieldsHint } : {})}
            />
          ) : null}
        </>
      ) : null}
      {special ? (
        <SpecialCategorySelect
          id={`${id}-special`}
          defaultValue={special.defaultValue}
          error={errors.special}
        />
      ) : null}
      {period}
      <InputField
        id={`${id}-retention`}
        label={retention.label}
        hint={retention.hint}
        name="retentionDays"
        type="text"
        inputMode="numeric"
        className="input input--short"
        defaultValue={retention.defaultValue}
        error={errors.retentionDays}
      />
      <RadioGroup
        id={`${id}-onward`}
        legend={onward.legend}
        name="onwardSharing"
        defaultValue={onward.defaultValue}
        options={[
          { value: 'no', label: 'No' },
          { value: 'yes', label: 'Yes, under its own agreements' },
        ]}
      />
      <TextareaField
        id={`${id}-safeguards`}
        label={safeguards.label}
        hint={safeguards.hint}
        name="safeguards"
        maxLength={5000}
        defaultValue={safeguards.defaultValue}
      />
    </>
  );
}
