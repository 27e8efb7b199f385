/**
 * Choosing the fields of a service for an agreement or a template: only the fields its dataset's
 * schema declares, each with its sensitivity in plain words.
 */
import type { ReactNode } from 'react';
import type { ApiError, Dataset, Field, Service } from './api.ts';
import { SENSITIVITY_LABELS, SensitivityTag } from './labels.tsx';
import { useApi } from './use-api.ts';

export interface ServiceFields {
  fields: Field[] | undefined;
  loading: boolean;
  error: ApiError | undefined;
}

/** The fields behind a provider's service (none while either is not chosen). */
export function useServiceFields(provider: string, service: string): ServiceFields {
  const servicePath =
    provider && service
      ? `/api/v1/organizations/${encodeURIComponent(provider)}/services/${encodeURIComponent(service)}`
      : null;
  const found = useApi<Service>(servicePath);
  const dataset = useApi<Dataset>(
    found.data
      ? `/api/v1/organizations/${encodeURIComponent(provider)}/datasets/${encodeURIComponent(found.data.dataset)}`
      : null,
  );
  return {
    fields: dataset.data?.fields,
    loading: found.loading || dataset.loading,
    error: found.error ?? dataset.error,
  };
}

export function FieldPicker({
  id,
  fields,
  selected,
  onChange,
  error,
  hint,
}: {
  id: string;
  fields: Field[];
  selected: ReadonlySet<string>;
  onChange(next: Set<string>): void;
  error?: string | undefined;
  hint?: ReactNode;
}) {
  function toggle(name: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(name);
    else next.delete(name);
    onChange(next);
  }
  return (
    <fieldset
      className={`form-group fieldset${error ? ' form-group--error' : ''}`}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
    >
      <legend className="label">Fields</legend>
      <p className="hint" id={`${id}-hint`}>
        {hint ?? 'Choose only the fields you need. Personal and special-category fields need more approvals.'}
      </p>
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <span className="visually-hidden">Error:</span> {error}
        </p>
      ) : null}
      {fields.map((field) => {
        const inputId = `${id}-${field.name}`;
        return (
          <div className="choice" key={field.name}>
            <input
              id={inputId}
              type="checkbox"
              name="fields"
              value={field.name}
              checked={selected.has(field.name)}
              onChange={(event) => toggle(field.name, event.currentTarget.checked)}
              aria-describedby={`${inputId}-about`}
            />
            <label htmlFor={inputId}>
              <code>{field.name}</code>
            </label>
            <span id={`${inputId}-about`} className="choice__hint">
              <SensitivityTag sensitivity={field.sensitivity} />
              <span className="visually-hidden">: {SENSITIVITY_LABELS[field.sensitivity].meaning}.</span>
              {field.description ? ` ${field.description}` : null}
            </span>
          </div>
        );
      })}
    </fieldset>
  );
}
