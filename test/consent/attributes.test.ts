/** The attribute scopes and the rules over them, without a server; and the decision under one consent. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ATTRIBUTE_SCOPES,
  agreedField,
  attributeScopes,
  consentedFields,
  scopeGaps,
  servicesRead,
  unknownScopes,
} from '../../src/consent/index.ts';
import { AGREEMENTS, DATASETS, SERVICES } from '../../src/demo/index.ts';
import { type AgreementTerms, type ConsentTerms, decide, type Sensitivity } from '../../src/domain/index.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

const agreement = (fields: string[], changes: Partial<AgreementTerms> = {}): AgreementTerms => ({
  id: 'a1',
  purposeId: 'p1',
  status: 'active',
  fields,
  legalBasis: 'gdpr-6-1-a',
  specialCategoryBasis: null,
  validFrom: NOW - DAY,
  validUntil: NOW + DAY,
  changedAt: NOW - DAY,
  ...changes,
});

describe('attribute scopes', () => {
  test('every attribute reads only fields its register declares', () => {
    for (const scope of ATTRIBUTE_SCOPES) {
      for (const read of servicesRead([scope])) {
        const service = SERVICES.find((s) => s.organization === read.provider && s.slug === read.service);
        assert.ok(service, `${scope}: ${read.provider}/${read.service} is a demo service`);
        const declared = DATASETS.find((d) => d.slug === service.dataset)!.fields.map((f) => f.name);
        for (const field of read.fields)
          assert.ok(declared.includes(field), `${scope}: ${field} is declared`);
      }
    }
  });

  test('unknown scopes are those that are neither an attribute nor openid', () => {
    assert.deepEqual(unknownScopes(['openid', 'name', 'shoe-size', 'income', 'profile']), [
      'shoe-size',
      'profile',
    ]);
    assert.deepEqual(attributeScopes(['income', 'openid', 'name']), ['name', 'income']);
  });

  test('the consent lists every field the scopes read, once', () => {
    assert.deepEqual(consentedFields(['name']), ['given_name', 'family_name']);
    assert.deepEqual(consentedFields(['name', 'address']).sort(), [
      'address_id',
      'apartment',
      'family_name',
      'given_name',
      'house_number',
      'municipality',
      'postcode',
      'street',
    ]);
  });

  test('a register is read once, and a read keyed by another read’s field comes after it', () => {
    const reads = servicesRead(['address', 'name', 'income']);
    assert.deepEqual(
      reads.map((r) => `${r.provider}/${r.service}`),
      ['population-register/person', 'tax-agency/income', 'address-register/address'],
    );
    assert.deepEqual(reads[0]!.fields, ['given_name', 'family_name', 'address_id']);
  });

  test('an agreed object covers its members; a member does not cover its object', () => {
    assert.equal(agreedField(['employer'], 'employer.name'), true);
    assert.equal(agreedField(['employer.name'], 'employer'), false);
    assert.equal(agreedField(['given_name'], 'given_name'), true);
  });

  test('a scope is asked for only when agreements in force cover all its fields', () => {
    const person = agreement(['given_name', 'family_name', 'address_id']);
    const of = (read: { service: string }) => (read.service === 'person' ? [person] : []);
    assert.deepEqual(scopeGaps(['name'], of, NOW), []);
    assert.deepEqual(scopeGaps(['dob'], of, NOW), [
      { scope: 'dob', provider: 'population-register', service: 'person', fields: ['date_of_birth'] },
    ]);
    assert.deepEqual(
      scopeGaps(['address'], of, NOW).map((g) => `${g.scope} ${g.service}`),
      ['address address'],
      'the address register needs its own agreement',
    );
    for (const status of ['suspended', 'revoked', 'expired', 'submitted'] as const) {
      const stopped = () => [agreement(['given_name', 'family_name'], { status })];
      assert.equal(scopeGaps(['name'], stopped, NOW).length, 1, `${status} covers nothing`);
    }
    const ended = () => [agreement(['given_name', 'family_name'], { validUntil: NOW - 1 })];
    assert.equal(scopeGaps(['name'], ended, NOW).length, 1, 'an agreement past its end covers nothing');
  });

  test('the demo’s consent purpose covers name, address and income, and not date of birth', () => {
    const demo = (read: { provider: string; service: string }) =>
      AGREEMENTS.filter(
        (a) =>
          a.purpose === 'housing-benefit-application' &&
          a.provider === read.provider &&
          a.service === read.service,
      ).map((a) => agreement(a.fields));
    assert.deepEqual(scopeGaps(['name', 'address', 'income'], demo, NOW), []);
    assert.equal(scopeGaps(['dob'], demo, NOW)[0]?.scope, 'dob');
  });
});

describe('a decision under one consent (the person API)', () => {
  const fields = new Map<string, Sensitivity>([
    ['given_name', 'personal'],
    ['family_name', 'personal'],
  ]);
  const consent = (id: string, changes: Partial<ConsentTerms> = {}): ConsentTerms => ({
    id,
    status: 'active',
    fields: ['given_name'],
    expiresAt: null,
    changedAt: NOW - DAY,
    ...changes,
  });
  const request = (
    consents: ConsentTerms[],
    boundConsent: string | null,
    legalBasis = 'gdpr-6-1-a' as const,
  ) =>
    decide({
      at: NOW,
      consumer: { name: 'Housing Agency' },
      service: { title: 'Person lookup', providerName: 'Population Register Office', personal: true, fields },
      purposeSlug: 'p',
      purpose: { id: 'p1', slug: 'p', title: 'Pre-filling' },
      subject: 'EX100000017',
      recordSubject: 'EX100000017',
      official: 'service',
      agreements: [agreement(['given_name', 'family_name'], { legalBasis })],
      consents,
      boundConsent,
    });

  test('only the bound consent counts: another active consent does not stand in for a withdrawn one', () => {
    const decision = request(
      [consent('old', { fields: [] }), consent('mine', { status: 'revoked', changedAt: NOW })],
      'mine',
    );
    assert.equal(decision.allowed, false);
    assert.equal(decision.allowed ? null : decision.code, 'CONSENT_REVOKED');
    assert.equal(decision.consent?.id, 'mine');
  });

  test('the bound consent narrows the fields', () => {
    const decision = request([consent('mine')], 'mine');
    assert.ok(decision.allowed);
    assert.deepEqual(decision.fields, ['given_name']);
  });

  test('it is needed even under an agreement whose basis is not consent', () => {
    const withdrawn = request([consent('mine', { status: 'revoked' })], 'mine', 'gdpr-6-1-e' as never);
    assert.equal(withdrawn.allowed ? null : withdrawn.code, 'CONSENT_REVOKED');
    const unbound = request([consent('mine', { status: 'revoked' })], null, 'gdpr-6-1-e' as never);
    assert.equal(unbound.allowed, true, 'an ordinary call under a public-task agreement needs no consent');
  });
});
