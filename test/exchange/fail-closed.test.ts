/**
 * Fail closed: when the access event cannot be made durable, the caller gets 503 LEDGER_UNAVAILABLE
 * and not one byte of the data, for hosted and proxied services alike, and for refusals too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { breakLedgerWrites } from '../support/ledger.ts';
import type { ApiResponse } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { citizen, exchange, OFFICIAL, startTestbed, type Testbed } from './support.ts';

const HOUSING = 'housing-agency/benefit-system';

for (const dialect of DIALECTS) {
  describe(`the exchange fails closed without the ledger (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let tb: Testbed;
    let token: string;
    const person = citizen('citizen');
    const request = { purpose: 'housing-benefit-eligibility', subject: person, official: OFFICIAL };
    const hosted = `/population-register/person/${person}`;
    const proxied = `/tax-agency/income/${person}`;
    /** Something of the person's data that a leak would show. */
    let name: string;
    let income: string;

    before(async () => {
      tb = await startTestbed(dialect);
      token = await tb.token(HOUSING);
      const allowed = await exchange(tb.url, token, hosted, request);
      assert.equal(allowed.status, 200, allowed.text);
      name = allowed.body.given_name;
      const answered = await exchange(tb.url, token, proxied, request);
      assert.equal(answered.status, 200, answered.text);
      income = String(answered.body.taxable_income);
    });
    after(() => tb?.close());

    function nothingReleased(response: ApiResponse<any>) {
      assert.equal(response.status, 503, response.text);
      assert.equal(response.body.error.code, 'LEDGER_UNAVAILABLE');
      assert.equal(response.headers.get('exchange-receipt'), null);
      for (const secret of [name, income, person]) {
        assert.ok(!response.text.includes(secret), `the answer does not contain "${secret}"`);
      }
      assert.deepEqual(Object.keys(response.body), ['error']);
    }

    /** Runs `calls` while the ledger's storage is broken by `breakIt`, and checks nothing was appended. */
    async function whileBroken(breakIt: () => Promise<() => Promise<void>>) {
      const ledger = tb.server.node.app.ledger;
      const before = (await ledger.treeHead()).size;
      const repair = await breakIt();
      try {
        nothingReleased(await exchange(tb.url, token, hosted, request));
        nothingReleased(await exchange(tb.url, token, proxied, request));
        // A refusal that cannot be recorded is not given either: the caller learns only that nothing was recorded.
        nothingReleased(await exchange(tb.url, token, hosted, { ...request, purpose: 'tax-assessment' }));
      } finally {
        await repair();
      }
      assert.equal((await ledger.treeHead()).size, before, 'nothing was appended');
      const again = await exchange(tb.url, token, hosted, request);
      assert.equal(again.status, 200, `works again once the ledger does: ${again.text}`);
    }

    test('a ledger whose storage throws: 503 and no data', () =>
      whileBroken(async () => {
        const storage = tb.server.node.app.ledger.storage;
        const original = storage.appendBatch;
        storage.appendBatch = async () => {
          throw new Error('the disk is gone');
        };
        return async () => {
          storage.appendBatch = original;
        };
      }));

    test('a database that refuses the ledger’s writes: 503 and no data', () =>
      whileBroken(() => breakLedgerWrites(tb.server.fresh.store)));
  });
}
