/** The four-eyes rules of agreements, without a server (domain/agreement.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ActorStanding,
  approvalSlotFor,
  checkAgreementParties,
  GovdxError,
} from '../../src/domain/index.ts';

const both: ActorStanding = {
  personId: 'p1',
  provider: ['data_steward'],
  consumer: ['data_steward'],
  platformAdmin: false,
};
const pending = [{ party: 'provider_steward' as const, decision: null, decidedBy: null }];

test('an author of a version fills none of its sign-offs, whatever roles they hold', () => {
  assert.throws(
    () => approvalSlotFor(pending, both, ['p0', 'p1']),
    (e: unknown) => e instanceof GovdxError && e.code === 'SELF_APPROVAL',
  );
  assert.equal(approvalSlotFor(pending, both, ['p0']), 'provider_steward');
});

test('an organization is never both provider and consumer of one agreement', () => {
  assert.throws(
    () => checkAgreementParties('org-a', 'org-a'),
    (e: unknown) => e instanceof GovdxError && e.code === 'SELF_AGREEMENT',
  );
  checkAgreementParties('org-a', 'org-b');
});
