/**
 * Agreements and consents as states and the moves between them. Pure rules; the store and the API
 * apply them. The agreements part (approval trail) and the consent part (ISO/IEC TS 27560 records)
 * build on these.
 */
import { GovdxError } from './errors.ts';
import type { LegalBasis, SpecialCategoryBasis } from './vocabulary.ts';

/**
 * `draft` waits for approval; only `active` lets data flow; `suspended` is paused and may resume;
 * `revoked` and `expired` are final.
 */
export const AGREEMENT_STATUSES = ['draft', 'active', 'suspended', 'revoked', 'expired'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export const AGREEMENT_ACTIONS = {
  suspend: { from: ['active'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
  revoke: { from: ['draft', 'active', 'suspended'], to: 'revoked' },
  expire: { from: ['active', 'suspended'], to: 'expired' },
} as const satisfies Record<string, { from: readonly AgreementStatus[]; to: AgreementStatus }>;
export type AgreementAction = keyof typeof AGREEMENT_ACTIONS;

/** The status `action` leads to from `current`; CONFLICT when the move is not allowed. */
export function nextAgreementStatus(current: AgreementStatus, action: AgreementAction): AgreementStatus {
  const move = AGREEMENT_ACTIONS[action];
  if (!(move.from as readonly AgreementStatus[]).includes(current)) {
    throw new GovdxError('CONFLICT', `An agreement that is ${current} cannot be asked to ${action}.`, {
      status: current,
      action,
    });
  }
  return move.to;
}

/** A consent is given (`active`), withdrawn by the person (`revoked`), or past its end date (`expired`). */
export const CONSENT_STATUSES = ['active', 'revoked', 'expired'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/**
 * Data may flow under a consent-based agreement only with the data subject's own consent:
 * GDPR Art. 6(1)(a), or Art. 9(2)(a) (explicit consent) for special categories.
 */
export function requiresConsent(legalBasis: LegalBasis, special: SpecialCategoryBasis | null): boolean {
  return legalBasis === 'gdpr-6-1-a' || special === 'gdpr-9-2-a';
}
