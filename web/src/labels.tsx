/** The catalog's vocabulary in plain words; colour always comes with text, never alone. */
import type { Classification, Sensitivity, ServiceKind } from '../../src/domain/index.ts';
import type { Field } from './api.ts';

export const SENSITIVITY_LABELS: Record<Sensitivity, { label: string; meaning: string }> = {
  open: { label: 'Open', meaning: 'Anyone may see it' },
  internal: { label: 'Internal', meaning: 'Only people working in government' },
  personal: { label: 'Personal', meaning: 'Identifies a person; shared only under an agreement' },
  special: {
    label: 'Special category',
    meaning: 'Health, beliefs and the like (GDPR Art. 9); the strictest protection',
  },
};

export const CLASSIFICATION_LABELS: Record<Classification, string> = {
  public: 'Public (open data)',
  internal: 'Internal to government',
  confidential: 'Confidential',
  restricted: 'Restricted',
};

export const SERVICE_KIND_LABELS: Record<ServiceKind, { label: string; meaning: string }> = {
  hosted: { label: 'Hosted', meaning: 'govdx keeps the records and serves them itself.' },
  proxied: {
    label: 'Proxied',
    meaning: "govdx passes each request on to the organization's own system.",
  },
};

export function SensitivityTag({ sensitivity }: { sensitivity: Sensitivity }) {
  return (
    <strong className={`tag tag--${sensitivity}`} title={SENSITIVITY_LABELS[sensitivity].meaning}>
      {SENSITIVITY_LABELS[sensitivity].label}
    </strong>
  );
}

export function FieldsTable({ fields, caption }: { fields: Field[]; caption: string }) {
  if (fields.length === 0) return <p>No fields are described yet.</p>;
  return (
    <table className="table">
      <caption className="table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Sensitivity</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((field) => (
          <tr key={field.name}>
            <th scope="row">
              <code>{field.name}</code>
              {field.label ? <span className="hint table__hint">Citizens read: {field.label}</span> : null}
            </th>
            <td>{field.type}</td>
            <td>
              <SensitivityTag sensitivity={field.sensitivity} />
              <span className="hint table__hint">{SENSITIVITY_LABELS[field.sensitivity].meaning}</span>
            </td>
            <td>{field.description || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "3 personal, 1 special" — how sensitive a dataset is, in one line. */
export function sensitivitySummary(fields: Field[]): string {
  const order: Sensitivity[] = ['special', 'personal', 'internal', 'open'];
  const counts = order
    .map((s) => [s, fields.filter((f) => f.sensitivity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${SENSITIVITY_LABELS[s].label.toLowerCase()}`);
  return counts.length ? counts.join(', ') : 'no fields';
}

export function SensitivityKey() {
  return (
    <details className="details">
      <summary>What the sensitivity levels mean</summary>
      <dl className="summary-list">
        {(Object.keys(SENSITIVITY_LABELS) as Sensitivity[]).map((s) => (
          <div className="summary-list__row" key={s}>
            <dt>
              <SensitivityTag sensitivity={s} />
            </dt>
            <dd>{SENSITIVITY_LABELS[s].meaning}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
