/** Which governance events make which notifications, for whom (domain/notification.ts), without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emailRetryDelayMs, noticeTitle, planNotices } from '../../src/domain/index.ts';

describe('notifications from governance events', () => {
  test('a submitted agreement waits for its signatories, once per agreement whatever the event', () => {
    const submitted = planNotices(7, { kind: 'agreement.submitted', agreement: 'a1', by: 'p1' });
    const approved = planNotices(9, { kind: 'agreement.approved', agreement: 'a1', by: 'p2' });
    assert.deepEqual(
      submitted.map((p) => [p.kind, p.audience, p.key]),
      [['approval_waiting', { signatoriesOf: 'a1' }, 'approval_waiting:a1']],
    );
    assert.equal(approved[0]?.key, submitted[0]?.key);
  });

  test('an agreement in force or rejected is told to its authors, with the reason', () => {
    const rejected = planNotices(3, { kind: 'agreement.rejected', agreement: 'a1', reason: 'No purpose.' });
    assert.deepEqual(
      rejected.map((p) => [p.kind, p.audience, p.key, p.reason]),
      [['request_turned_down', { authorsOf: 'a1' }, 'ledger:3', 'No purpose.']],
    );
    const activated = planNotices(4, { kind: 'agreement.activated', agreement: 'a1' }).map((p) => p.kind);
    assert.deepEqual(activated, ['approval_waiting', 'request_approved'], 'an emergency’s may still wait');
  });

  test('a proposed catalog change and a submitted release wait for the officers, not their author', () => {
    const change = planNotices(5, {
      kind: 'dataset.change_proposed',
      organization: 'tax',
      changeId: 'c1',
      by: 'p1',
    });
    assert.deepEqual(change[0]?.audience, { officersOf: 'tax', except: ['p1'] });
    assert.equal(change[0]?.kind, 'sign_off_waiting');
    const release = planNotices(6, {
      kind: 'release.submitted',
      organization: 'tax',
      releaseId: 'r1',
      by: 'p2',
    });
    assert.deepEqual(release[0]?.audience, { officersOf: 'tax', except: ['p2'] });
  });

  test('decisions go back to who proposed, prepared or sent', () => {
    const decided = planNotices(8, {
      kind: 'release.rejected',
      organization: 'tax',
      releaseId: 'r1',
      preparedBy: 'p1',
      submittedBy: 'p1',
      reason: 'Too fine.',
    });
    assert.deepEqual(decided[0]?.audience, { people: ['p1'], organization: 'tax' });
    assert.equal(decided[0]?.kind, 'request_turned_down');
    const change = planNotices(9, {
      kind: 'service.change_approved',
      organization: 'tax',
      changeId: 'c2',
      proposedBy: 'p3',
    });
    assert.deepEqual(change[0]?.audience, { people: ['p3'], organization: 'tax' });
  });

  test('emergencies reach every admin and steward; other events make nothing', () => {
    const declared = planNotices(10, { kind: 'emergency.declared', emergency: 'e1', name: 'Flood' });
    assert.deepEqual(declared[0]?.audience, { everyStewardAndAdmin: true });
    assert.equal(
      noticeTitle('emergency_declared', declared[0]!.subject, { thing: 'Flood', reason: null }),
      'Emergency declared: Flood',
    );
    for (const kind of ['system.registered', 'consent.given', 'agreement.suspended', 'release.prepared']) {
      assert.deepEqual(
        planNotices(1, { kind, agreement: 'a1', organization: 'o', releaseId: 'r' }),
        [],
        kind,
      );
    }
  });

  test('a failed email is tried again after 1, 2, 4 … minutes, at most six hours apart', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => emailRetryDelayMs(n) / 60_000),
      [1, 2, 4, 8],
    );
    assert.equal(emailRetryDelayMs(20), 6 * 3_600_000);
  });
});
