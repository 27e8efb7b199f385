/**
 * The exchange's decision: may this consumer have this data, for this purpose, now? Pure: everything
 * it needs is passed in, so every rule is tested without a server and every node decides alike.
 *
 * Data flows only when an active agreement covers consumer organization × service × purpose within
 * its validity window; under a consent-based agreement, only with that data subject's active consent
 * for that consumer and purpose; special-category fields (GDPR Art. 9) only under an agreement that
 * names an Art. 9(2) condition. Every refusal has a stable code and a message a civil servant
 * understands; the caller records it and answers with it.
 */
import { type AgreementStatus, type ConsentStatus, requiresConsent } from './agreement.ts';
import type { ErrorCode } from './errors.ts';
import { intersectFields, sensitivityOf } from './minimize.ts';
import { SUBJECT_PATTERN } from './primitives.ts';
import type { LegalBasis, Sensitivity, SpecialCategoryBasis } from './vocabulary.ts';

/** Who the official is, as their organization names them: an employee number or an e-mail address. */
export const OFFICIAL_PATTERN = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

export interface AgreementTerms {
  id: string;
  purposeId: string;
  status: AgreementStatus;
  fields: readonly string[];
  legalBasis: LegalBasis;
  specialCategoryBasis: SpecialCategoryBasis | null;
  /** Milliseconds since the epoch. */
  validFrom: number;
  validUntil: number;
  /** When it was last changed (ms): among several, the latest explains a refusal. */
  changedAt: number;
}

export interface ConsentTerms {
  id: string;
  status: ConsentStatus;
  /** The fields consented to; empty = every field of the agreement. */
  fields: readonly string[];
  /** Null: until revoked. */
  expiresAt: number | null;
  changedAt: number;
}

export interface DecisionRequest {
  /** Now, in milliseconds since the epoch. */
  at: number;
  consumer: { name: string };
  service: {
    title: string;
    providerName: string;
    /** Each record is about one person (its key is personal data): a data subject must be named. */
    personal: boolean;
    /** The dataset's declared fields with their sensitivity. */
    fields: ReadonlyMap<string, Sensitivity>;
  };
  /** The Data-Purpose header as sent (null when absent) and the registered purpose it names. */
  purposeSlug: string | null;
  purpose: { id: string; slug: string; title: string } | null;
  /** The Data-Subject header, and the person whose record the request addresses when the path says so. */
  subject: string | null;
  recordSubject: string | null;
  /** The On-Behalf-Of header: the official acting. */
  official: string | null;
  /** Every agreement between this consumer and this service, whatever its purpose or status. */
  agreements: readonly AgreementTerms[];
  /** Every consent of this subject for this consumer and purpose, whatever its status. */
  consents: readonly ConsentTerms[];
  /**
   * The call is made under this one consent (the person API, after the person consented on govdx's
   * consent page): only it counts, and it is needed whatever the agreement's legal basis.
   */
  boundConsent?: string | null;
}

export type RefusalCode = Extract<
  ErrorCode,
  | 'PURPOSE_REQUIRED'
  | 'PURPOSE_UNKNOWN'
  | 'SUBJECT_REQUIRED'
  | 'SUBJECT_INVALID'
  | 'SUBJECT_MISMATCH'
  | 'OFFICIAL_REQUIRED'
  | 'NO_AGREEMENT'
  | 'PURPOSE_NOT_AGREED'
  | 'AGREEMENT_NOT_ACTIVE'
  | 'AGREEMENT_NOT_YET_VALID'
  | 'AGREEMENT_EXPIRED'
  | 'AGREEMENT_REVOKED'
  | 'SPECIAL_CATEGORY_NOT_AGREED'
  | 'CONSENT_REQUIRED'
  | 'CONSENT_REVOKED'
  | 'CONSENT_EXPIRED'
>;

export type Decision =
  | {
      allowed: true;
      agreement: AgreementTerms;
      consent: ConsentTerms | null;
      /** The fields that may be released: the agreement's, narrowed by the consent, as declared. */
      fields: string[];
    }
  | {
      allowed: false;
      code: RefusalCode;
      message: string;
      agreement: AgreementTerms | null;
      consent: ConsentTerms | null;
    };

function refuse(
  code: RefusalCode,
  message: string,
  agreement: AgreementTerms | null = null,
  consent: ConsentTerms | null = null,
): Decision {
  return { allowed: false, code, message, agreement, consent };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whether the agreement lets data flow at `at`: active, and within its validity window. */
export function inForce(agreement: AgreementTerms, at: number): boolean {
  return agreement.status === 'active' && agreement.validFrom <= at && at < agreement.validUntil;
}

/** Why an agreement that covers the purpose does not let data flow now. */
function agreementRefusal(agreement: AgreementTerms, request: DecisionRequest): Decision {
  const between = `${request.consumer.name} and ${request.service.providerName}`;
  switch (agreement.status) {
    case 'revoked':
      return refuse(
        'AGREEMENT_REVOKED',
        `The agreement between ${between} for this purpose has been revoked. No data can be shared under it.`,
        agreement,
      );
    case 'expired':
    case 'superseded':
      return refuse(
        'AGREEMENT_EXPIRED',
        `The agreement between ${between} for this purpose has ended. A new agreement is needed.`,
        agreement,
      );
    case 'draft':
    case 'submitted':
      return refuse(
        'AGREEMENT_NOT_ACTIVE',
        `The agreement between ${between} for this purpose has not been approved yet.`,
        agreement,
      );
    case 'rejected':
    case 'withdrawn':
      return refuse(
        'AGREEMENT_NOT_ACTIVE',
        `The request for an agreement between ${between} for this purpose was ${agreement.status}. A new request is needed.`,
        agreement,
      );
    case 'suspended':
      return refuse(
        'AGREEMENT_NOT_ACTIVE',
        `The agreement between ${between} for this purpose is suspended. Ask the data steward of ${request.service.providerName} why.`,
        agreement,
      );
    case 'active':
      if (request.at < agreement.validFrom) {
        return refuse(
          'AGREEMENT_NOT_YET_VALID',
          `The agreement between ${between} for this purpose starts on ${day(agreement.validFrom)}.`,
          agreement,
        );
      }
      return refuse(
        'AGREEMENT_EXPIRED',
        `The agreement between ${between} for this purpose ended on ${day(agreement.validUntil)}. A new agreement is needed.`,
        agreement,
      );
  }
}

function latest<T extends { changedAt: number }>(items: readonly T[]): T {
  return items.reduce((a, b) => (b.changedAt > a.changedAt ? b : a));
}

export function decide(request: DecisionRequest): Decision {
  const { service, consumer } = request;

  if (!request.purposeSlug) {
    return refuse(
      'PURPOSE_REQUIRED',
      'Say why the data is needed: send the registered purpose in the Data-Purpose header.',
    );
  }
  const purpose = request.purpose;
  if (!purpose) {
    return refuse(
      'PURPOSE_UNKNOWN',
      `"${request.purposeSlug}" is not a registered purpose. Use the identifier of a purpose listed in the catalog.`,
    );
  }
  if (service.personal) {
    if (!request.subject) {
      return refuse(
        'SUBJECT_REQUIRED',
        `${service.title} holds personal data: name the person concerned by their national ID in the Data-Subject header.`,
      );
    }
    if (!request.official) {
      return refuse(
        'OFFICIAL_REQUIRED',
        `${service.title} holds personal data: name the official acting in the On-Behalf-Of header.`,
      );
    }
  }
  if (request.subject !== null && !SUBJECT_PATTERN.test(request.subject)) {
    return refuse('SUBJECT_INVALID', 'The Data-Subject header is not a national ID.');
  }
  if (request.official !== null && !OFFICIAL_PATTERN.test(request.official)) {
    return refuse(
      'OFFICIAL_REQUIRED',
      'The On-Behalf-Of header must name the official in printable characters, at most 200.',
    );
  }
  if (request.recordSubject !== null && request.recordSubject !== request.subject) {
    return refuse(
      'SUBJECT_MISMATCH',
      'The record asked for is not about the person named in the Data-Subject header.',
    );
  }

  if (request.agreements.length === 0) {
    return refuse(
      'NO_AGREEMENT',
      `${consumer.name} has no data-sharing agreement with ${service.providerName} for ${service.title}. Ask its data steward for one.`,
    );
  }
  const forPurpose = request.agreements.filter((a) => a.purposeId === purpose.id);
  if (forPurpose.length === 0) {
    return refuse(
      'PURPOSE_NOT_AGREED',
      `${consumer.name} may use ${service.title} only for the purposes agreed with ${service.providerName}, and "${purpose.title}" is not one of them.`,
    );
  }
  const current = forPurpose.filter((a) => inForce(a, request.at));
  if (current.length === 0) return agreementRefusal(latest(forPurpose), request);
  const agreement = latest(current);

  const fields: string[] = [];
  for (const field of agreement.fields) {
    const sensitivity = sensitivityOf(field, service.fields);
    if (sensitivity === undefined) continue; // no longer declared: never released
    if (sensitivity === 'special' && agreement.specialCategoryBasis === null) {
      return refuse(
        'SPECIAL_CATEGORY_NOT_AGREED',
        `"${field}" is special-category data (GDPR Art. 9), and the agreement names no Art. 9(2) condition for it. The agreement must be amended before this data can be shared.`,
        agreement,
      );
    }
    fields.push(field);
  }

  const bound = request.boundConsent ?? null;
  if (bound === null && !requiresConsent(agreement.legalBasis, agreement.specialCategoryBasis)) {
    return { allowed: true, agreement, consent: null, fields };
  }
  if (!request.subject) {
    return refuse(
      'SUBJECT_REQUIRED',
      'Data under this agreement is shared only with the consent of the person concerned: name them in the Data-Subject header.',
      agreement,
    );
  }
  const consents = bound === null ? request.consents : request.consents.filter((c) => c.id === bound);
  const active = consents.filter(
    (c) => c.status === 'active' && (c.expiresAt === null || request.at < c.expiresAt),
  );
  if (active.length === 0) {
    const last = consents.length > 0 ? latest(consents) : null;
    if (last?.status === 'revoked') {
      return refuse(
        'CONSENT_REVOKED',
        `The person has withdrawn their consent to ${consumer.name} using their data for "${purpose.title}".`,
        agreement,
        last,
      );
    }
    if (last) {
      return refuse(
        'CONSENT_EXPIRED',
        `The person's consent to ${consumer.name} using their data for "${purpose.title}" has ended. Ask them again.`,
        agreement,
        last,
      );
    }
    return refuse(
      'CONSENT_REQUIRED',
      `This data is shared only with the person's consent, and they have not given ${consumer.name} consent for "${purpose.title}".`,
      agreement,
    );
  }
  const consent = latest(active);
  const consented = intersectFields(fields, consent.fields);
  if (consented.length === 0) {
    return refuse(
      'CONSENT_REQUIRED',
      `The person's consent for "${purpose.title}" does not cover any of the agreed fields.`,
      agreement,
      consent,
    );
  }
  return { allowed: true, agreement, consent, fields: consented };
}
