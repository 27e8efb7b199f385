/**
 * The usage counts of the exchange: every call lands in exactly one of answered, no record, refused or
 * failed, and only refusals are listed as refusals.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { ExchangeUsage } from '../../src/exchange/index.ts';

const LABELS = { provider: 'register', service: 'person', consumer: 'housing', purpose: 'benefit' };

describe('exchange usage (this node)', () => {
  test('a call allowed but without a record is counted once, as no record, and not as a refusal', async () => {
    const usage = new ExchangeUsage(new Registry());
    usage.record(LABELS, 'allowed', '', 0.002);
    usage.record(LABELS, 'allowed', 'NOT_FOUND', 0.002);
    usage.record(LABELS, 'denied', 'NO_AGREEMENT', 0.001);
    usage.record(LABELS, 'failed', 'PROVIDER_TIMEOUT', 10);
    const [row] = await usage.ofService('register', 'person');
    assert.ok(row);
    assert.deepEqual(
      {
        calls: row.calls,
        answered: row.answered,
        notFound: row.notFound,
        refused: row.refused,
        failed: row.failed,
      },
      { calls: 4, answered: 1, notFound: 1, refused: 1, failed: 1 },
    );
    assert.deepEqual(row.refusals, { NO_AGREEMENT: 1 });
    assert.deepEqual(row.failures, { PROVIDER_TIMEOUT: 1 });
  });
});
