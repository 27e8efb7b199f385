/**
 * Issue 14, finding 11: a deeply nested JSON body sent to the exchange was a stack overflow (500),
 * and went unrecorded. It is a refusal like any other: 400 VALIDATION_FAILED, on the ledger.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { citizen, OFFICIAL, startTestbed, type Testbed } from './support.ts';

const SOCIAL = 'exampleton-social/case-management';
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

for (const dialect of DIALECTS) {
  describe(`a deeply nested body to the exchange (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    let token: string;
    const person = citizen('citizen');

    before(async () => {
      tb = await startTestbed(dialect);
      token = await tb.token(SOCIAL);
    });
    after(() => tb?.close());

    const post = (body: string) =>
      fetch(`${tb.url}/exchange/v1/tax-agency/income/${person}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'data-purpose': 'social-assistance-assessment',
          'data-subject': person,
          'on-behalf-of': OFFICIAL,
        },
        body,
      });

    test('is refused with 400 VALIDATION_FAILED and recorded on the ledger', async () => {
      for (const body of [deep(20_000), `{"a":${deep(10_000)}}`]) {
        const response = await post(body);
        const text = await response.text();
        assert.equal(response.status, 400, text);
        const refusal = JSON.parse(text) as { error: { code: string; message: string } };
        assert.equal(refusal.error.code, 'VALIDATION_FAILED');
        assert.match(refusal.error.message, /nested/);
        const receipt = response.headers.get('exchange-receipt');
        assert.match(receipt ?? '', /^\d+$/, 'the refusal is recorded (Exchange-Receipt)');
        const event = await tb.event(Number(receipt));
        assert.equal(event.kind, 'access');
        assert.equal(event.outcome, 'denied');
        assert.equal(event.code, 'VALIDATION_FAILED');
        assert.equal(event.consumer, 'exampleton-social');
        assert.deepEqual(event.fields, []);
      }
    });

    test('any other JSON body nested too deep is refused with 400 VALIDATION_FAILED too', async () => {
      const response = await call(tb.url, 'POST', '/api/v1/organizations', {
        token: tb.admin,
        rawBody: `{"slug":"deep","name":"Deep","nested":${deep(10_000)}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.error.code, 'VALIDATION_FAILED');
      assert.equal(response.body.error.details.maxDepth, 64);
    });

    test('the node still answers afterwards', async () => {
      const health = await call(tb.url, 'GET', '/healthz');
      assert.equal(health.status, 200);
    });
  });
}
