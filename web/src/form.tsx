/**
 * Form controls with their label, hint and error message tied to them, so that a screen reader reads
 * all three; the error is also marked on the control (aria-invalid).
 */
import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useState,
} from 'react';
import { dayInWords } from '../../src/domain/index.ts';

interface Described {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
}

function describedBy({ id, hint, error }: Described): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Group({ id, label, hint, error, children }: Described & { children: ReactNode }) {
  return (
    <div className={`form-group${error ? ' form-group--error' : ''}`}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <ErrorMessage id={id} error={error} />
      {children}
    </div>
  );
}

export function ErrorMessage({ id, error }: { id: string; error?: string | undefined }) {
  if (!error) return null;
  return (
    <p className="error-message" id={`${id}-error`}>
      <span className="visually-hidden">Error:</span> {error}
    </p>
  );
}

export function InputField({
  id,
  label,
  hint,
  error,
  className = 'input',
  ...input
}: Described & InputHTMLAttributes<HTMLInputElement>) {
  if (input.type === 'date') return <DateField {...{ id, label, hint, error, className, ...input }} />;
  return (
    <Group id={id} label={label} hint={hint} error={error}>
      <input
        className={className}
        id={id}
        aria-describedby={describedBy({ id, label, hint, error })}
        aria-invalid={error ? true : undefined}
        {...input}
      />
    </Group>
  );
}

export function TextareaField({
  id,
  label,
  hint,
  error,
  ...textarea
}: Described & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Group id={id} label={label} hint={hint} error={error}>
      <textarea
        className="input textarea"
        id={id}
        rows={4}
        aria-describedby={describedBy({ id, label, hint, error })}
        aria-invalid={error ? true : undefined}
        {...textarea}
      />
    </Group>
  );
}

export function SelectField({
  id,
  label,
  hint,
  error,
  children,
  ...select
}: Described & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Group id={id} label={label} hint={hint} error={error}>
      <select
        className="select"
        id={id}
        aria-describedby={describedBy({ id, label, hint, error })}
        aria-invalid={error ? true : undefined}
        {...select}
      >
        {children}
      </select>
    </Group>
  );
}

/** A question answered by one of a few choices. */
export function RadioGroup({
  id,
  legend,
  hint,
  name,
  options,
  value,
  defaultValue,
  onChange,
}: {
  id: string;
  legend: ReactNode;
  hint?: ReactNode;
  name: string;
  options: Array<{ value: string; label: ReactNode; hint?: ReactNode }>;
  value?: string;
  defaultValue?: string;
  onChange?(value: string): void;
}) {
  return (
    <fieldset className="form-group fieldset" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend className="label">{legend}</legend>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {options.map((option) => {
        const optionId = `${id}-${option.value}`;
        return (
          <div className="choice" key={option.value}>
            <input
              id={optionId}
              type="radio"
              name={name}
              value={option.value}
              {...(value === undefined
                ? { defaultChecked: defaultValue === option.value }
                : { checked: value === option.value })}
              onChange={() => onChange?.(option.value)}
              aria-describedby={option.hint ? `${optionId}-hint` : undefined}
            />
            <label htmlFor={optionId}>{option.label}</label>
            {option.hint ? (
              <span className="hint choice__hint" id={`${optionId}-hint`}>
                {option.hint}
              </span>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}

/** After a failed check, takes the person to the first control that needs their attention. */
export function focusFirstError(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => {
    const control = form?.querySelector<HTMLElement>(
      '.form-group--error input, .form-group--error select, .form-group--error textarea',
    );
    control?.focus();
  });
}

/** A date as a date input's value, in the person's time zone. */
export function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A date input that also writes the chosen day in words ("3 December 2027"), the way every page writes
 * dates, since the browser shows it in its own format (mm/dd/yyyy in many).
 */
export function DateField({
  id,
  label,
  hint,
  error,
  className = 'input',
  onChange,
  ...input
}: Described & InputHTMLAttributes<HTMLInputElement>) {
  const [chosen, setChosen] = useState(String(input.value ?? input.defaultValue ?? ''));
  const day = String(input.value ?? chosen);
  return (
    <Group id={id} label={label} hint={hint} error={error}>
      <input
        className={className}
        id={id}
        aria-describedby={[describedBy({ id, label, hint, error }), `${id}-words`].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
        onChange={(event) => {
          setChosen(event.currentTarget.value);
          onChange?.(event);
        }}
        {...input}
        type="date"
      />
      <p className="hint date-words" id={`${id}-words`} aria-live="polite">
        {/^\d{4}-\d{2}-\d{2}$/.test(day) ? `That is ${dayInWords(day)}.` : ''}
      </p>
    </Group>
  );
}
