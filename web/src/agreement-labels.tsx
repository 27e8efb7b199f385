/** Agreements in plain words: their status, legal basis, fields and how long things took. */
import type { ReactNode } from 'react';
import {
  AGREEMENT_STATUS_LABELS,
  type AgreementStatus,
  LEGAL_BASES,
  type LegalBasis,
  SENSITIVITIES,
  type Sensitivity,
  SPECIAL_CATEGORY_BASES,
  type SpecialCategoryBasis,
} from '../../src/domain/index.ts';
import type { Emergency, FieldTerm } from './api.ts';
import { SensitivityTag } from './labels.tsx';
import { formatDate } from './page.tsx';

export { AGREEMENT_STATUS_LABELS };

const STATUS_TONES: Record<AgreementStatus, string> = {
  draft: 'grey',
  submitted: 'internal',
  active: 'open',
  suspended: 'personal',
  rejected: 'grey',
  withdrawn: 'grey',
  revoked: 'grey',
  expired: 'grey',
  superseded: 'grey',
};

export function AgreementStatusTag({ status }: { status: AgreementStatus }) {
  return <strong className={`tag tag--${STATUS_TONES[status]}`}>{AGREEMENT_STATUS_LABELS[status]}</strong>;
}

/** "Public task or official authority (GDPR Art. 6(1)(e))", and the Art. 9(2) condition when there is one. */
export function legalBasisText(legalBasis: LegalBasis, special: SpecialCategoryBasis | null): string {
  const basis = LEGAL_BASES[legalBasis] ?? legalBasis;
  return special
    ? `${basis}; for special-category data: ${SPECIAL_CATEGORY_BASES[special] ?? special}`
    : basis;
}

function isSensitivity(value: string): value is Sensitivity {
  return (SENSITIVITIES as readonly string[]).includes(value);
}

/** An agreed field's sensitivity as its dataset declares it; a field the schema no longer has says so. */
export function FieldSensitivity({ sensitivity }: { sensitivity: string }) {
  if (isSensitivity(sensitivity)) return <SensitivityTag sensitivity={sensitivity} />;
  return <strong className="tag tag--grey">No longer in the dataset</strong>;
}

export function FieldTermsTable({ fields, caption }: { fields: FieldTerm[]; caption: string }) {
  return (
    <table className="table">
      <caption className="table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Sensitivity</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((field) => (
          <tr key={field.name}>
            <th scope="row">
              <code>{field.name}</code>
            </th>
            <td>
              <FieldSensitivity sensitivity={field.sensitivity} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The banner for an emergency in force, or for an agreement made under one. */
export function EmergencyBanner({
  emergency,
  children,
}: {
  emergency: Pick<Emergency, 'name' | 'endsAt'>;
  children?: ReactNode;
}) {
  return (
    <div className="banner banner--emergency">
      <p className="banner__title">
        <strong className="tag tag--special">Emergency</strong> {emergency.name}
      </p>
      {children ?? (
        <p>
          Made under a declared emergency: it was in force at once, before every approval was given, and it
          ends on {formatDate(emergency.endsAt)} at the latest.
        </p>
      )}
    </div>
  );
}
