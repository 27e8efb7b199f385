/** Rate limits and quotas: the arithmetic without a server, and a system's limit over HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DailyQuota, RateLimiter } from '../../src/exchange/index.ts';
import { citizen, exchange, OFFICIAL, startTestbed, type Testbed } from './support.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('rate limits and quotas', () => {
  test('a bucket of N per minute lets N through at once, then one every 60/N seconds', () => {
    const limiter = new RateLimiter();
    const t = 1_000_000;
    for (let i = 0; i < 6; i++) assert.equal(limiter.take('s', 6, t), 0, `call ${i + 1} of 6`);
    assert.equal(limiter.take('s', 6, t), 10, 'the 7th waits for the next token, 10 s away');
    assert.equal(limiter.take('s', 6, t + 5_000), 5);
    assert.equal(limiter.take('s', 6, t + 10_000), 0, 'a token has refilled');
    assert.equal(limiter.take('s', 6, t + 10_001), 10);
    assert.equal(limiter.take('other', 6, t), 0, 'each key has its own bucket');
    for (let i = 0; i < 6; i++) limiter.take('refill', 6, t);
    for (let i = 0; i < 6; i++)
      assert.equal(limiter.take('refill', 6, t + MINUTE), 0, 'a quiet minute refills it whole');
  });

  test('a limit of 0 is no limit', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 1000; i++) assert.equal(limiter.take('s', 0), 0);
    const quota = new DailyQuota();
    for (let i = 0; i < 1000; i++) assert.equal(quota.take('s', 0), 0);
  });

  test('a daily quota counts calls in the UTC day and says how long until the next', () => {
    const quota = new DailyQuota();
    const noonUtc = 20_000 * DAY + 12 * 3_600_000;
    assert.equal(quota.take('a', 2, noonUtc), 0);
    assert.equal(quota.take('a', 2, noonUtc + 1), 0);
    assert.equal(quota.take('a', 2, noonUtc + 2), 12 * 3600, 'twelve hours to midnight UTC');
    assert.equal(quota.take('a', 2, 20_001 * DAY), 0, 'a new day, a new quota');
  });
});

describe('a system over its rate limit (sqlite)', () => {
  let tb: Testbed;
  before(async () => {
    tb = await startTestbed('sqlite', { exchangeSystemRateLimit: 3 });
  });
  after(() => tb?.close());

  test('gets 429 RATE_LIMITED with Retry-After, recorded, and nothing of the data', async () => {
    const token = await tb.token('housing-agency/benefit-system');
    const person = citizen('citizen');
    const call = () =>
      exchange(tb.url, token, `/population-register/person/${person}`, {
        purpose: 'housing-benefit-eligibility',
        subject: person,
        official: OFFICIAL,
      });
    for (let i = 0; i < 3; i++) assert.equal((await call()).status, 200);
    const limited = await call();
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(
      retry > 15 && retry <= 20,
      `Retry-After ${retry}: about the 20 s a token of 3 per minute takes`,
    );
    assert.ok(!limited.text.includes('given_name'));
    const event = await tb.event(Number(limited.headers.get('exchange-receipt')));
    assert.equal(event.code, 'RATE_LIMITED');
    assert.equal(event.outcome, 'denied');
  });
});
