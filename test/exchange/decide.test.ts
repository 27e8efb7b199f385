/** The decision rules, without a server: every refusal code and what lets data flow. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AgreementTerms,
  type ConsentTerms,
  type DecisionRequest,
  decide,
  nextAgreementStatus,
  type Sensitivity,
} from '../../src/domain/index.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

const fields = new Map<string, Sensitivity>([
  ['national_id', 'personal'],
  ['name', 'personal'],
  ['address.postcode', 'personal'],
  ['address.street', 'personal'],
  ['conditions', 'special'],
  ['municipality', 'open'],
]);

const agreement = (changes: Partial<AgreementTerms> = {}): AgreementTerms => ({
  id: 'a1',
  purposeId: 'p-benefit',
  status: 'active',
  fields: ['national_id', 'name', 'address'],
  legalBasis: 'gdpr-6-1-e',
  specialCategoryBasis: null,
  validFrom: NOW - 30 * DAY,
  validUntil: NOW + 30 * DAY,
  changedAt: NOW - 30 * DAY,
  ...changes,
});

const consent = (changes: Partial<ConsentTerms> = {}): ConsentTerms => ({
  id: 'c1',
  status: 'active',
  fields: [],
  expiresAt: null,
  changedAt: NOW - DAY,
  ...changes,
});

const request = (changes: Partial<DecisionRequest> = {}): DecisionRequest => ({
  at: NOW,
  consumer: { name: 'Housing Agency' },
  service: { title: 'Person lookup', providerName: 'Population Register Office', personal: true, fields },
  purposeSlug: 'housing-benefit',
  purpose: { id: 'p-benefit', slug: 'housing-benefit', title: 'Housing benefit' },
  subject: 'EX100000199',
  recordSubject: 'EX100000199',
  official: 'caseworker@housing.example',
  agreements: [agreement()],
  consents: [],
  ...changes,
});

function refusal(r: DecisionRequest): string {
  const decision = decide(r);
  assert.equal(decision.allowed, false, 'refused');
  if (decision.allowed) return '';
  assert.ok(decision.message.length > 20, 'with a message a person understands');
  return decision.code;
}

describe('decide', () => {
  test('an active agreement in its window lets the agreed fields flow', () => {
    const decision = decide(request());
    assert.equal(decision.allowed, true);
    if (!decision.allowed) return;
    assert.equal(decision.agreement.id, 'a1');
    assert.deepEqual(decision.fields, ['national_id', 'name', 'address']);
    assert.equal(decision.consent, null);
  });

  test('a request without a purpose, or with an unregistered one, is refused', () => {
    assert.equal(refusal(request({ purposeSlug: null, purpose: null })), 'PURPOSE_REQUIRED');
    assert.equal(refusal(request({ purposeSlug: 'curiosity', purpose: null })), 'PURPOSE_UNKNOWN');
  });

  test('personal data needs the data subject and the official named', () => {
    assert.equal(refusal(request({ subject: null, recordSubject: null })), 'SUBJECT_REQUIRED');
    assert.equal(refusal(request({ official: null })), 'OFFICIAL_REQUIRED');
    assert.equal(refusal(request({ official: 'tab\tinside' })), 'OFFICIAL_REQUIRED');
    assert.equal(refusal(request({ subject: 'robert; drop table', recordSubject: null })), 'SUBJECT_INVALID');
  });

  test('a service without personal data needs neither subject nor official', () => {
    const open = { title: 'Address lookup', providerName: 'Land Board', personal: false, fields };
    const decision = decide(request({ service: open, subject: null, recordSubject: null, official: null }));
    assert.equal(decision.allowed, true);
  });

  test("asking for one person's record in another person's name is refused", () => {
    assert.equal(refusal(request({ recordSubject: 'EX100000207' })), 'SUBJECT_MISMATCH');
  });

  test('no agreement, or none for this purpose', () => {
    assert.equal(refusal(request({ agreements: [] })), 'NO_AGREEMENT');
    assert.equal(refusal(request({ agreements: [agreement({ purposeId: 'p-tax' })] })), 'PURPOSE_NOT_AGREED');
  });

  test('an agreement that is not active, not yet valid, ended, or revoked is refused with its own code', () => {
    const cases: Array<[Partial<AgreementTerms>, string]> = [
      [{ status: 'draft' }, 'AGREEMENT_NOT_ACTIVE'],
      [{ status: 'suspended' }, 'AGREEMENT_NOT_ACTIVE'],
      [{ validFrom: NOW + DAY }, 'AGREEMENT_NOT_YET_VALID'],
      [{ validUntil: NOW }, 'AGREEMENT_EXPIRED'],
      [{ status: 'expired' }, 'AGREEMENT_EXPIRED'],
      [{ status: 'revoked' }, 'AGREEMENT_REVOKED'],
    ];
    for (const [changes, code] of cases) {
      assert.equal(refusal(request({ agreements: [agreement(changes)] })), code, JSON.stringify(changes));
    }
  });

  test('a usable agreement wins over older unusable ones; the latest explains a refusal', () => {
    const revoked = agreement({ id: 'old', status: 'revoked', changedAt: NOW - 2 * DAY });
    const active = agreement({ id: 'new', changedAt: NOW - DAY });
    const decision = decide(request({ agreements: [revoked, active] }));
    assert.equal(decision.allowed && decision.agreement.id, 'new');
    const suspended = agreement({ id: 'later', status: 'suspended', changedAt: NOW });
    assert.equal(refusal(request({ agreements: [revoked, suspended] })), 'AGREEMENT_NOT_ACTIVE');
  });

  test('special-category fields need an Art. 9(2) condition in the agreement', () => {
    const withHealth = agreement({ fields: ['national_id', 'conditions'] });
    assert.equal(refusal(request({ agreements: [withHealth] })), 'SPECIAL_CATEGORY_NOT_AGREED');
    const below = agreement({ fields: ['conditions.code'] });
    assert.equal(refusal(request({ agreements: [below] })), 'SPECIAL_CATEGORY_NOT_AGREED');
    const lawful = decide(
      request({
        agreements: [agreement({ fields: ['conditions.code'], specialCategoryBasis: 'gdpr-9-2-b' })],
      }),
    );
    assert.equal(lawful.allowed, true);
  });

  test('fields the dataset no longer declares are never released', () => {
    const decision = decide(request({ agreements: [agreement({ fields: ['name', 'shoe_size'] })] }));
    assert.deepEqual(decision.allowed && decision.fields, ['name']);
  });

  test('under a consent-based agreement, data flows only with an active consent', () => {
    const byConsent = agreement({ legalBasis: 'gdpr-6-1-a' });
    assert.equal(refusal(request({ agreements: [byConsent] })), 'CONSENT_REQUIRED');
    assert.equal(
      refusal(request({ agreements: [byConsent], consents: [consent({ status: 'revoked' })] })),
      'CONSENT_REVOKED',
    );
    assert.equal(
      refusal(request({ agreements: [byConsent], consents: [consent({ expiresAt: NOW })] })),
      'CONSENT_EXPIRED',
    );
    const given = decide(request({ agreements: [byConsent], consents: [consent()] }));
    assert.equal(given.allowed && given.consent?.id, 'c1');
  });

  test('explicit consent (Art. 9(2)(a)) for special data needs a consent too', () => {
    const explicit = agreement({ fields: ['conditions'], specialCategoryBasis: 'gdpr-9-2-a' });
    assert.equal(refusal(request({ agreements: [explicit] })), 'CONSENT_REQUIRED');
  });

  test('a consent narrows the agreed fields to those it covers', () => {
    const byConsent = agreement({ legalBasis: 'gdpr-6-1-a', fields: ['name', 'address'] });
    const narrow = decide(
      request({
        agreements: [byConsent],
        consents: [consent({ fields: ['address.postcode', 'national_id'] })],
      }),
    );
    assert.deepEqual(narrow.allowed && narrow.fields, ['address.postcode']);
    assert.equal(
      refusal(request({ agreements: [byConsent], consents: [consent({ fields: ['municipality'] })] })),
      'CONSENT_REQUIRED',
    );
  });

  test('agreement moves: suspend and resume, revoke and expire are final', () => {
    assert.equal(nextAgreementStatus('active', 'suspend'), 'suspended');
    assert.equal(nextAgreementStatus('suspended', 'resume'), 'active');
    assert.equal(nextAgreementStatus('suspended', 'revoke'), 'revoked');
    assert.throws(() => nextAgreementStatus('revoked', 'resume'), { code: 'CONFLICT' });
    assert.throws(() => nextAgreementStatus('expired', 'suspend'), { code: 'CONFLICT' });
  });
});
