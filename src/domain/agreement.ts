/**
 * Agreements and consents as states and the moves between them. Pure rules; the store and the API
 * apply them. The agreements part (approval trail) and the consent part (ISO/IEC TS 27560 records)
 * build on these.
 */
import { GovdxError } from './errors.ts';
import type { Role } from './roles.ts';
import type { LegalBasis, Sensitivity, SpecialCategoryBasis } from './vocabulary.ts';

/**
 * An agreement version is drafted and submitted by the consumer, signed off by every required party
 * (`submitted` until then), and only then `active`: the one status that lets data flow. `suspended`
 * is paused and may resume. `rejected`, `withdrawn`, `revoked`, `expired` and `superseded` (replaced by
 * an amended version) are final.
 */
export const AGREEMENT_STATUSES = [
  'draft',
  'submitted',
  'active',
  'suspended',
  'rejected',
  'withdrawn',
  'revoked',
  'expired',
  'superseded',
] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export const FINAL_AGREEMENT_STATUSES: readonly AgreementStatus[] = [
  'rejected',
  'withdrawn',
  'revoked',
  'expired',
  'superseded',
];

export const AGREEMENT_STATUS_LABELS: Record<AgreementStatus, string> = {
  draft: 'Draft, not yet sent',
  submitted: 'Waiting for approval',
  active: 'In force',
  suspended: 'Paused',
  rejected: 'Turned down',
  withdrawn: 'Withdrawn by the requester',
  revoked: 'Ended early',
  expired: 'Ended',
  superseded: 'Replaced by a newer version',
};

/** Which side of an agreement a person acts for. */
export type AgreementSide = 'provider' | 'consumer';

/**
 * The sign-offs an agreement can need, each by one person holding a role on one side. The legal
 * reviewer is the providing organization's: it answers for releasing special-category data.
 */
export const APPROVAL_PARTIES = {
  provider_steward: {
    side: 'provider',
    role: 'data_steward',
    label: 'Data steward of the providing organization',
  },
  provider_dpo: {
    side: 'provider',
    role: 'data_protection_officer',
    label: 'Data protection officer of the providing organization',
  },
  consumer_dpo: {
    side: 'consumer',
    role: 'data_protection_officer',
    label: 'Data protection officer of the receiving organization',
  },
  legal_reviewer: {
    side: 'provider',
    role: 'legal_reviewer',
    label: 'Legal reviewer of the providing organization',
  },
  consumer_steward: {
    side: 'consumer',
    role: 'data_steward',
    label: 'Data steward of the receiving organization',
  },
} as const satisfies Record<string, { side: AgreementSide; role: Role; label: string }>;
export type ApprovalParty = keyof typeof APPROVAL_PARTIES;
const PARTY_ORDER = Object.keys(APPROVAL_PARTIES) as ApprovalParty[];

/**
 * Who must sign an agreement version off before it is active:
 * - the provider's data steward, always;
 * - the provider's data protection officer when any field is personal or special-category;
 * - both data protection officers and the provider's legal reviewer when any field is special-category;
 * - the consumer's data steward;
 * except that a request from a published template that changes none of its terms needs only the
 * provider's data steward: everything else was agreed when the template was published.
 */
export function requiredApprovals(
  sensitivities: readonly Sensitivity[],
  unchangedTemplate: boolean,
): ApprovalParty[] {
  if (unchangedTemplate) return ['provider_steward'];
  const parties = new Set<ApprovalParty>(['provider_steward', 'consumer_steward']);
  if (sensitivities.some((s) => s === 'personal' || s === 'special')) parties.add('provider_dpo');
  if (sensitivities.includes('special')) {
    parties.add('provider_dpo');
    parties.add('consumer_dpo');
    parties.add('legal_reviewer');
  }
  return PARTY_ORDER.filter((p) => parties.has(p));
}

export interface ApprovalSlot {
  party: ApprovalParty;
  decision: 'approved' | 'rejected' | null;
  decidedBy: string | null;
}

/** The roles a person holds on each side of one agreement (empty when not a member there). */
export interface ActorStanding {
  personId: string;
  provider: readonly Role[];
  consumer: readonly Role[];
  platformAdmin: boolean;
}

/** Throws FORBIDDEN unless the person holds the role of one of the agreement's sign-offs, given or not. */
export function checkSignatory(slots: readonly ApprovalSlot[], actor: ActorStanding): void {
  const signs = slots.some((s) => {
    const { side, role } = APPROVAL_PARTIES[s.party];
    return actor[side].includes(role);
  });
  if (!signs) {
    throw new GovdxError(
      'FORBIDDEN',
      `Only these people sign this agreement off: ${slots.map((s) => APPROVAL_PARTIES[s.party].label.toLowerCase()).join('; ')}.`,
    );
  }
}

/** Throws SELF_AGREEMENT when an organization would provide data to itself: there is nobody to agree with. */
export function checkAgreementParties(providerId: string, consumerId: string): void {
  if (providerId === consumerId) {
    throw new GovdxError(
      'SELF_AGREEMENT',
      'An organization cannot make an agreement with itself. Choose another organization to provide the data.',
    );
  }
}

/**
 * Four eyes: the people who made an agreement version (who requested it, sent it for approval, or
 * amended it) never sign it off, on either side, even when they hold the approving role there too.
 * Sending a request is the consumer's own word; the sign-offs are other people's.
 */
export function checkNotAuthor(authors: readonly (string | null)[], actor: ActorStanding): void {
  if (authors.includes(actor.personId)) {
    throw new GovdxError(
      'SELF_APPROVAL',
      'You requested, sent or amended this agreement, so you cannot approve or turn it down as well. Another person must decide.',
    );
  }
}

/**
 * The pending sign-off this person may give: the first, in the order of APPROVAL_PARTIES, whose role
 * they hold on its side. One person signs at most once per agreement version, nobody signs what they
 * requested, sent or amended (`authors`, four eyes: checkNotAuthor), and a platform administrator
 * signs nothing on an organization's behalf.
 */
export function approvalSlotFor(
  slots: readonly ApprovalSlot[],
  actor: ActorStanding,
  authors: readonly (string | null)[],
): ApprovalParty {
  checkNotAuthor(authors, actor);
  if (slots.some((s) => s.decidedBy === actor.personId)) {
    throw new GovdxError(
      'FORBIDDEN',
      'You have already signed this agreement off. Another person must give the remaining approvals.',
    );
  }
  const pending = slots.filter((s) => s.decision === null);
  if (pending.length === 0) {
    throw new GovdxError(
      'CONFLICT',
      'This agreement has every approval it needs; nothing is waiting for you.',
    );
  }
  const slot = pending.find((s) => {
    const { side, role } = APPROVAL_PARTIES[s.party];
    return actor[side].includes(role);
  });
  if (!slot) {
    throw new GovdxError(
      'FORBIDDEN',
      `This agreement is waiting for: ${pending.map((s) => APPROVAL_PARTIES[s.party].label.toLowerCase()).join('; ')}. You hold none of those roles.`,
      { waitingFor: pending.map((s) => s.party) },
    );
  }
  return slot.party;
}

/**
 * What may be done to an agreement version, from which statuses, and by whom: the roles on the
 * provider's and on the consumer's side, and whether a platform administrator may (only to stop data
 * flowing). `approve` and `reject` are decided by approvalSlotFor; `expire` and `supersede` are made
 * by govdx itself, or `expire` by the provider ending an agreement early.
 */
export const AGREEMENT_ACTIONS = {
  submit: { from: ['draft'], provider: [], consumer: ['data_steward', 'organization_admin'], admin: false },
  withdraw: {
    from: ['draft', 'submitted'],
    provider: [],
    consumer: ['data_steward', 'organization_admin'],
    admin: false,
  },
  approve: { from: ['submitted', 'active'], provider: [], consumer: [], admin: false },
  reject: { from: ['submitted', 'active'], provider: [], consumer: [], admin: false },
  suspend: {
    from: ['active'],
    provider: ['data_steward', 'data_protection_officer'],
    consumer: [],
    admin: true,
  },
  resume: { from: ['suspended'], provider: ['data_steward'], consumer: [], admin: false },
  revoke: {
    from: ['active', 'suspended'],
    provider: ['data_steward', 'data_protection_officer'],
    consumer: ['data_steward'],
    admin: true,
  },
  expire: { from: ['active', 'suspended'], provider: ['data_steward'], consumer: [], admin: false },
  amend: {
    from: ['active', 'suspended'],
    provider: ['data_steward'],
    consumer: ['data_steward', 'organization_admin'],
    admin: false,
  },
} as const satisfies Record<
  string,
  { from: readonly AgreementStatus[]; provider: readonly Role[]; consumer: readonly Role[]; admin: boolean }
>;
export type AgreementAction = keyof typeof AGREEMENT_ACTIONS;

/** Whether the action applies to an agreement in `current` (checkAgreementAction throws when not). */
export function agreementActionApplies(current: AgreementStatus, action: AgreementAction): boolean {
  return (AGREEMENT_ACTIONS[action].from as readonly AgreementStatus[]).includes(current);
}

/** Throws CONFLICT when the action does not apply to an agreement in `current`. */
export function checkAgreementAction(current: AgreementStatus, action: AgreementAction): void {
  if (!agreementActionApplies(current, action)) {
    throw new GovdxError(
      'CONFLICT',
      `An agreement that is ${AGREEMENT_STATUS_LABELS[current].toLowerCase()} cannot be asked to ${action}.`,
      { status: current, action },
    );
  }
}

/**
 * Whether the person's roles on either side (or as platform administrator) permit the action, whatever
 * the agreement's status (approvals: see approvalSlotFor).
 */
export function mayTakeAgreementAction(
  action: AgreementAction,
  actor: Pick<ActorStanding, 'provider' | 'consumer' | 'platformAdmin'>,
): boolean {
  const move = AGREEMENT_ACTIONS[action];
  if (move.admin && actor.platformAdmin) return true;
  const holds = (side: AgreementSide) =>
    (move[side] as readonly Role[]).some((role) => actor[side].includes(role));
  return holds('provider') || holds('consumer');
}

/** Throws FORBIDDEN unless the actor may take the action (approvals: see approvalSlotFor). */
export function checkAgreementActor(action: AgreementAction, actor: ActorStanding): void {
  const move = AGREEMENT_ACTIONS[action];
  if (mayTakeAgreementAction(action, actor)) return;
  const who = [
    ...(move.provider.length ? [`the providing organization (${move.provider.join(' or ')})`] : []),
    ...(move.consumer.length ? [`the receiving organization (${move.consumer.join(' or ')})`] : []),
  ];
  throw new GovdxError(
    'FORBIDDEN',
    who.length
      ? `Only someone from ${who.join(' or from ')} can ${action} this agreement.`
      : `Nobody can ${action} this agreement by hand.`,
    { action },
  );
}

/**
 * Which actions ask for a reason: `required` (it is recorded and the other side sees it), `optional`
 * (a comment), `none` (none is asked for; one sent anyway is recorded). Ending an agreement or a request,
 * pausing, resuming and proposing new terms are always explained.
 */
export const AGREEMENT_ACTION_REASONS: Record<AgreementAction, 'required' | 'optional' | 'none'> = {
  submit: 'none',
  withdraw: 'required',
  approve: 'optional',
  reject: 'required',
  suspend: 'required',
  resume: 'required',
  revoke: 'required',
  expire: 'required',
  amend: 'required',
};

/** Throws VALIDATION_FAILED when the action needs a reason and none is given. */
export function checkAgreementReason(action: AgreementAction, reason: string | null): void {
  if (AGREEMENT_ACTION_REASONS[action] !== 'required' || reason) return;
  throw new GovdxError(
    'VALIDATION_FAILED',
    action === 'reject'
      ? 'Say why the agreement is turned down ("reason").'
      : `Say why you ${action} the agreement ("reason").`,
  );
}

/**
 * The sign-off the person proposing new terms gives by proposing them: their own side's data
 * steward's, as a consumer's steward does by sending a request; none when they are not a steward.
 */
export function amendingSignOff(actor: Pick<ActorStanding, 'provider' | 'consumer'>): ApprovalParty | null {
  if (actor.provider.includes('data_steward')) return 'provider_steward';
  if (actor.consumer.includes('data_steward')) return 'consumer_steward';
  return null;
}

/**
 * Statuses that stop data flowing (or end a request): a move to one takes effect at once and stands
 * even when the ledger cannot record it.
 */
export const STOPPING_AGREEMENT_STATUSES: readonly AgreementStatus[] = [
  'suspended',
  'rejected',
  'withdrawn',
  'revoked',
  'expired',
];

/**
 * The status after `action`: approvals and rejections depend on the other sign-offs and on the
 * emergency fast track, the rest are fixed moves.
 */
export function nextAgreementStatus(
  current: AgreementStatus,
  action: AgreementAction,
  context: { allApproved?: boolean; emergency?: boolean } = {},
): AgreementStatus {
  checkAgreementAction(current, action);
  switch (action) {
    case 'submit':
      return context.emergency || context.allApproved ? 'active' : 'submitted';
    case 'approve':
      return current === 'active' || context.allApproved ? 'active' : 'submitted';
    case 'reject':
      // Under an emergency the agreement is already active: turning it down afterwards ends it.
      return current === 'active' ? 'revoked' : 'rejected';
    case 'withdraw':
      return 'withdrawn';
    case 'suspend':
      return 'suspended';
    case 'resume':
      return 'active';
    case 'revoke':
      return 'revoked';
    case 'expire':
      return 'expired';
    case 'amend':
      return current;
  }
}

/** An agreement made under an emergency ends when the emergency ends, at the latest. */
export function emergencyEnd(validUntil: string, emergencyEndsAt: string | null): string {
  return emergencyEndsAt !== null && emergencyEndsAt < validUntil ? emergencyEndsAt : validUntil;
}

/** Agreements ending within this many days are flagged to their parties. */
export const EXPIRY_NOTICE_DAYS = 30;

const DAY_MS = 86_400_000;

/** The moment `days` whole days after `from` (ISO 8601 in, ISO 8601 out). */
export function daysAfter(from: string | Date, days: number): string {
  return new Date(new Date(from).getTime() + days * DAY_MS).toISOString();
}

/** Throws VALIDATION_FAILED unless the agreement ends after it starts (both ISO 8601, UTC). */
export function checkWindow(validFrom: string, validUntil: string): void {
  if (validUntil <= validFrom) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'An agreement must end after it starts ("validUntil" after "validFrom").',
    );
  }
}

/** A published template's terms, as unchangedTemplate compares them. */
export interface TemplateTerms {
  purposeId: string;
  fields: readonly string[];
  legalBasis: string;
  specialCategoryBasis: string | null;
  retentionDays: number;
  onwardSharing: boolean;
  safeguards: string;
  maxDurationDays: number;
}

/** The terms a request asks for, once the template has filled what it left out. */
export interface RequestedTerms {
  purposeId: string;
  fields: readonly string[];
  legalBasis: string;
  specialCategoryBasis: string | null;
  retentionDays: number;
  onwardSharing: boolean;
  /** The safeguards the request states itself; undefined when it takes the template's. */
  safeguards: string | undefined;
  validFrom: string;
  validUntil: string;
}

/**
 * Whether a request "changes nothing" of the template it starts from (requiredApprovals): the
 * template's terms or stricter ones (fewer fields, shorter retention and duration, no onward sharing
 * where it allowed some), the same purpose, legal basis and safeguards.
 */
export function unchangedTemplate(template: TemplateTerms | undefined, terms: RequestedTerms): boolean {
  return (
    template !== undefined &&
    terms.purposeId === template.purposeId &&
    terms.fields.every((f) => template.fields.includes(f)) &&
    terms.legalBasis === template.legalBasis &&
    terms.specialCategoryBasis === template.specialCategoryBasis &&
    terms.retentionDays <= template.retentionDays &&
    (!terms.onwardSharing || template.onwardSharing) &&
    (terms.safeguards === undefined || terms.safeguards === template.safeguards) &&
    Date.parse(terms.validUntil) - Date.parse(terms.validFrom) <= template.maxDurationDays * DAY_MS
  );
}

/** Agreements ending before this moment are flagged to their parties when swept at `at`. */
export function expiryNoticeUntil(at: Date): string {
  return daysAfter(at, EXPIRY_NOTICE_DAYS);
}

/** Whether an agreement ends soon at `at` (ms): active, not yet ended, ending within EXPIRY_NOTICE_DAYS. */
export function endsSoon(status: AgreementStatus, validUntil: string, at: number): boolean {
  const until = Date.parse(validUntil);
  return status === 'active' && until > at && until - at <= EXPIRY_NOTICE_DAYS * DAY_MS;
}

/** How long a consumer may keep what it receives under an agreement, in whole days. */
export const RETENTION_DAYS = { min: 1, max: 36500 } as const;

/**
 * The last moment of a calendar day (`YYYY-MM-DD`, as a date input gives it) in the local time zone, as
 * ISO 8601: an end date a person picks ends with its day.
 */
export function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

/**
 * Why a calendar day cannot be the end date of an agreement or an emergency, at `at` (ms): none given,
 * not a real date, or its day (endOfDay) not in the future; null when it can.
 */
export function endDateProblem(date: string, at: number): 'missing' | 'not-a-date' | 'past' | null {
  if (!date) return 'missing';
  if (Number.isNaN(Date.parse(`${date}T00:00:00`))) return 'not-a-date';
  if (Date.parse(endOfDay(date)) <= at) return 'past';
  return null;
}

/** Median and count of time-to-share (submitted → active), in seconds. */
export function timeToShare(durationsSeconds: readonly number[]): {
  agreements: number;
  medianSeconds: number | null;
} {
  if (durationsSeconds.length === 0) return { agreements: 0, medianSeconds: null };
  const sorted = [...durationsSeconds].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { agreements: sorted.length, medianSeconds: Math.round(median) };
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
