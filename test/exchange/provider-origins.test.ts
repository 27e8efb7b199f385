/**
 * Issue 14, finding 3, at the exchange: a provider's address is called only while its origin is on the
 * platform admin's list, and only at public addresses unless the admin marked it as inside the
 * platform's network. What answered (a status, a host) never reaches the consumer.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { activeAgreement } from '../support/agreements.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { citizen, exchange, OFFICIAL, startTestbed, type Testbed } from './support.ts';

const HOUSING = 'housing-agency/benefit-system';
const SOCIAL = 'exampleton-social/case-management';
const BENEFIT = 'housing-benefit-eligibility';

for (const dialect of DIALECTS) {
  describe(`provider origins at the exchange (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    let inside: Server;
    let insideUrl: string;
    let insideCalls = 0;
    const person = citizen('citizen');
    const asHousing = { purpose: BENEFIT, subject: person, official: OFFICIAL };

    const origins = async () =>
      (await call(tb.url, 'GET', '/api/v1/provider-origins', { token: tb.admin })).body.items as Array<{
        id: string;
        origin: string;
      }>;
    const allow = async (origin: string, privateNetwork: boolean) => {
      const added = await call(tb.url, 'POST', '/api/v1/provider-origins', {
        token: tb.admin,
        body: { origin, privateNetwork },
      });
      assert.equal(added.status, 201, added.text);
      return added.body.id as string;
    };
    const disallow = async (id: string) => {
      const removed = await call(tb.url, 'DELETE', `/api/v1/provider-origins/${id}`, { token: tb.admin });
      assert.equal(removed.status, 204, removed.text);
    };

    before(async () => {
      // Private networks are not allowed on this platform: only origins the admin marks as inside are.
      tb = await startTestbed(dialect, { outboundPrivateNetworks: 'false' });
      inside = createServer((_request, response) => {
        insideCalls++;
        response.writeHead(500, { 'content-type': 'text/plain', server: 'internal-admin/1.0' }).end('SECRET');
      });
      await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
      insideUrl = `http://127.0.0.1:${(inside.address() as AddressInfo).port}`;

      const steward = await tb.steward('tax-agency');
      const dataset = await call(tb.url, 'POST', '/api/v1/organizations/tax-agency/datasets', {
        token: steward,
        body: {
          slug: 'inside-probe',
          title: 'Inside probe',
          classification: 'confidential',
          keyField: 'national_id',
          fields: [{ name: 'national_id', type: 'string', sensitivity: 'personal' }],
        },
      });
      assert.equal(dataset.status, 201, dataset.text);
      const id = await allow(insideUrl, false);
      const service = await call(tb.url, 'POST', '/api/v1/organizations/tax-agency/services', {
        token: steward,
        body: {
          slug: 'inside',
          dataset: 'inside-probe',
          title: 'Inside',
          kind: 'proxied',
          baseUrl: insideUrl,
        },
      });
      assert.equal(service.status, 201, service.text);
      await disallow(id);
      await activeAgreement(tb.url, tb.signers, {
        provider: 'tax-agency',
        consumer: 'housing-agency',
        service: 'inside',
        purpose: BENEFIT,
        fields: ['national_id'],
      });
    });
    after(async () => {
      await tb?.close();
      await new Promise<void>((resolve) => inside?.close(() => resolve()));
    });

    /** The consumer's answer says nothing of what is inside: no host, no port, no status, no server. */
    function saysNothingInside(text: string) {
      for (const telltale of ['127.0.0.1', new URL(insideUrl).port, '500', 'internal-admin', 'SECRET']) {
        assert.ok(!text.includes(telltale), `the answer mentions "${telltale}": ${text}`);
      }
    }

    test('the demo provider is on the list, inside the platform network', async () => {
      const demo = (await origins()).find((o) => o.origin === new URL(tb.provider.url).origin);
      assert.ok(demo, 'the demo seed put its provider origin on the list');
      const token = await tb.token(SOCIAL);
      const income = await exchange(tb.url, token, `/tax-agency/income/${person}`, {
        purpose: 'social-assistance-assessment',
        subject: person,
        official: OFFICIAL,
      });
      assert.equal(income.status, 200, income.text);
    });

    test('a provider origin taken off the list is refused at the next call, recorded', async () => {
      const token = await tb.token(SOCIAL);
      const path = `/tax-agency/income/${person}`;
      const request = { purpose: 'social-assistance-assessment', subject: person, official: OFFICIAL };
      const demo = (await origins()).find((o) => o.origin === new URL(tb.provider.url).origin)!;
      await disallow(demo.id);
      try {
        const refused = await exchange(tb.url, token, path, request);
        assert.equal(refused.status, 403, refused.text);
        assert.equal(refused.body.error.code, 'PROVIDER_NOT_ALLOWED');
        assert.ok(!refused.text.includes(new URL(tb.provider.url).port), 'no port in the refusal');
        const event = await tb.event(Number(refused.headers.get('exchange-receipt')));
        assert.equal(event.code, 'PROVIDER_NOT_ALLOWED');
        assert.deepEqual(event.fields, []);
      } finally {
        await allow(new URL(tb.provider.url).origin, true);
      }
      assert.equal((await exchange(tb.url, token, path, request)).status, 200, 'allowed again');
    });

    test('an origin on the list but not marked inside is not called at a private address', async () => {
      const id = await allow(insideUrl, false);
      const before = insideCalls;
      const response = await exchange(tb.url, await tb.token(HOUSING), '/tax-agency/inside/x', asHousing);
      assert.equal(response.status, 502, response.text);
      assert.equal(response.body.error.code, 'PROVIDER_UNREACHABLE');
      assert.equal(insideCalls, before, 'the address inside was never called');
      saysNothingInside(response.text);
      await disallow(id);
    });

    test('a provider that fails is reported without its status, host or answer', async () => {
      const id = await allow(insideUrl, true);
      const before = insideCalls;
      const response = await exchange(tb.url, await tb.token(HOUSING), '/tax-agency/inside/x', asHousing);
      assert.equal(insideCalls, before + 1, 'marked inside, the address was called');
      assert.equal(response.status, 502, response.text);
      assert.equal(response.body.error.code, 'PROVIDER_ERROR');
      assert.equal(response.body.error.details, undefined, 'no details.providerStatus');
      saysNothingInside(response.text);
      await disallow(id);
    });
  });
}
