/**
 * The usage counts of the exchange: every call lands in exactly one of answered, no record, refused or
 * failed, and only refusals are listed as refusals; counts kept in the store add up across nodes and
 * survive a failed flush.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { ExchangeUsage, readUsage } from '../../src/exchange/index.ts';
import { DIALECTS, type FreshStore, freshStore, skipUnless } from '../support/stores.ts';

const LABELS = { provider: 'register', service: 'person', consumer: 'housing', purpose: 'benefit' };
const today = () => new Date().toISOString().slice(0, 10);

for (const dialect of DIALECTS) {
  describe(`exchange usage kept in the store (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => {
      fresh = await freshStore(dialect);
    });
    after(() => fresh?.drop());
    const node = () => new ExchangeUsage(new Registry(), { db: fresh.store.db, flushMs: 60_000 });
    const report = () => readUsage(fresh.store.db, { from: today(), to: today(), provider: 'register' });

    test('a call allowed but without a record is counted once, as no record, and not as a refusal', async () => {
      await sql`delete from usage_daily`.execute(fresh.store.db);
      const usage = node();
      usage.record(LABELS, 'allowed', '', 0.002);
      usage.record(LABELS, 'allowed', 'NOT_FOUND', 0.002);
      usage.record(LABELS, 'denied', 'NO_AGREEMENT', 0.001);
      usage.record(LABELS, 'failed', 'PROVIDER_TIMEOUT', 10);
      await usage.close();
      const { days, totals } = await report();
      assert.equal(days.length, 1);
      const [row] = totals;
      assert.ok(row);
      assert.deepEqual(
        [row.calls, row.answered, row.notFound, row.refused, row.failed],
        [4, 1, 1, 1, 1],
        'calls, answered, not found, refused, failed',
      );
      assert.deepEqual(row.refusals, { NO_AGREEMENT: 1 });
      assert.deepEqual(row.failures, { PROVIDER_TIMEOUT: 1 });
    });

    test("two nodes' counts add up, and latency percentiles come from their summed histograms", async () => {
      await sql`delete from usage_daily`.execute(fresh.store.db);
      const [a, b] = [node(), node()];
      for (let i = 0; i < 90; i++) a.record(LABELS, 'allowed', '', 0.0005);
      for (let i = 0; i < 10; i++) b.record(LABELS, 'allowed', '', 0.004);
      await a.flush();
      a.record(LABELS, 'denied', 'CONSENT_REVOKED', 0.0005);
      await Promise.all([a.close(), b.close()]);
      const [row] = (await report()).totals;
      assert.equal(row?.calls, 101);
      assert.equal(row?.answered, 100);
      assert.deepEqual(row?.refusals, { CONSENT_REVOKED: 1 });
      assert.ok(row!.p50Ms! <= 1, `the median is among the fast calls: ${row!.p50Ms} ms`);
      assert.ok(row!.p95Ms! > 2 && row!.p95Ms! <= 5, `p95 is among the slow ones: ${row!.p95Ms} ms`);
    });

    test('a flush that fails keeps its counts for the next', async () => {
      await sql`delete from usage_daily`.execute(fresh.store.db);
      const errors: string[] = [];
      const usage = new ExchangeUsage(new Registry(), {
        db: fresh.store.db,
        flushMs: 60_000,
        onError: (_error, what) => errors.push(what),
      });
      usage.record(LABELS, 'allowed', '', 0.001);
      await sql`alter table usage_daily rename to usage_daily_away`.execute(fresh.store.db);
      try {
        await usage.flush();
      } finally {
        await sql`alter table usage_daily_away rename to usage_daily`.execute(fresh.store.db);
      }
      assert.deepEqual(errors, ['adding usage to the store']);
      usage.record(LABELS, 'allowed', '', 0.001);
      await usage.close();
      assert.equal((await report()).totals[0]?.calls, 2);
    });
  });
}
