/**
 * The pure rules behind the auditor's workbench: which events a ledger search matches, and a system's key
 * history from its key events (src/governance/ledger-events.ts, system-keys.ts), without a server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyHistory, matchesLedgerEvent } from '../../src/governance/index.ts';

const call = {
  kind: 'access',
  at: '2026-02-10T23:59:59.000Z',
  consumer: 'town',
  provider: 'registry',
  system: 'benefits',
  purpose: 'housing',
  outcome: 'allowed',
};
const change = {
  kind: 'system.registered',
  at: '2026-02-11T00:00:00.000Z',
  organization: 'town',
  system: 'benefits',
};

describe('matching a ledger search', () => {
  test('type, kind, organization, system and purpose are judged on the event', () => {
    assert.ok(matchesLedgerEvent(call, { type: 'access', organization: 'registry', system: 'benefits' }));
    assert.ok(!matchesLedgerEvent(call, { type: 'governance' }));
    assert.ok(
      matchesLedgerEvent(change, { type: 'governance', kind: 'system.registered', organization: 'town' }),
    );
    assert.ok(!matchesLedgerEvent(change, { purpose: 'housing' }));
    assert.ok(!matchesLedgerEvent(call, { system: 'benefit' }), 'a slug matches whole, not in part');
  });

  test('days are UTC and both ends are included', () => {
    assert.ok(matchesLedgerEvent(call, { from: '2026-02-10', to: '2026-02-10' }));
    assert.ok(!matchesLedgerEvent(call, { from: '2026-02-11' }));
    assert.ok(matchesLedgerEvent(change, { from: '2026-02-11', to: '2026-02-11' }));
    assert.ok(
      !matchesLedgerEvent({ kind: 'access' }, { from: '2000-01-01' }),
      'an event without a time has no day',
    );
  });
});

describe("a system's key history", () => {
  const event = (index: number, keyIds: string[], by: string | null = 'p1') => ({
    index,
    event: {
      kind: index === 1 ? 'system.registered' : 'system.key_rotated',
      at: `2026-01-0${index}T00:00:00Z`,
      keyIds,
      by,
    },
  });

  test('each key id is added by the event that first lists it and removed by the first that drops it', () => {
    const keys = keyHistory(
      [event(1, ['a']), event(2, ['a', 'b']), event(3, ['b'])],
      [{ kid: 'b', alg: 'ES256', kty: 'EC' }],
      new Map([['p1', 'Ada']]),
    );
    assert.deepEqual(
      keys.map((k) => [k.kid, k.current, k.alg, k.added?.index, k.removed?.index ?? null]),
      [
        ['a', false, null, 1, 3],
        ['b', true, 'ES256', 2, null],
      ],
    );
    assert.deepEqual(keys[0]!.added!.by, { id: 'p1', name: 'Ada' });
  });

  test('a key that comes back counts from its return; one never recorded says so', () => {
    const keys = keyHistory(
      [event(1, ['a']), event(2, []), event(3, ['a'])],
      [{ kid: 'a' }, { kid: 'seeded', alg: 'RS256' }],
    );
    assert.deepEqual(
      keys.map((k) => [k.kid, k.added?.index ?? null, k.removed?.index ?? null, k.current]),
      [
        ['a', 3, null, true],
        ['seeded', null, null, true],
      ],
    );
  });
});
