/**
 * The agreement workflow over HTTP, on the demo government: who must sign off, who may do what and
 * when, templates, emergencies, amendments, expiry, the public register, and the ledger record of
 * every transition.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedDemo } from '../../src/demo/index.ts';
import { activeAgreement, type Signers, signers } from '../support/agreements.ts';
import { breakLedgerWrites } from '../support/ledger.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`the agreement workflow (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let sign: Signers;
    let admin: string;

    before(async () => {
      server = await startTestServer(
        dialect,
        { demoPopulation: 200 },
        { prepare: (fresh, config) => seedDemo(fresh.store, config, { progress: false }).then(() => {}) },
      );
      sign = signers(server);
      admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
    });
    after(() => server?.close());

    const post = (path: string, token: string, body: unknown = {}) =>
      call(server.url, 'POST', path, { token, body });
    const detail = async (org: string, id: string) =>
      (
        await call(server.url, 'GET', `/api/v1/organizations/${org}/agreements/${id}`, {
          token: await sign(org, 'data_steward'),
        })
      ).body;
    const ledgerKind = async (index: number) =>
      JSON.parse((await server.node.app.ledger.entry(index)).event).kind as string;

    /** A request of the Housing Agency to the population register, sent for approval. */
    async function request(body: Record<string, unknown>) {
      const response = await post(
        '/api/v1/organizations/housing-agency/agreements',
        await sign('housing-agency', 'data_steward'),
        {
          provider: 'population-register',
          service: 'person',
          purpose: 'housing-register-upkeep',
          validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
          retentionDays: 90,
          submit: true,
          ...body,
        },
      );
      assert.equal(response.status, 201, response.text);
      return response.body;
    }
    const act = async (org: string, id: string, action: string, token: string, reason?: string) =>
      post(`/api/v1/organizations/${org}/agreements/${id}/${action}`, token, reason ? { reason } : {});

    test('personal fields need the provider’s DPO; the agreement is active only after the last sign-off, one person each', async () => {
      const agreement = await request({ fields: ['national_id', 'given_name'] });
      assert.equal(agreement.status, 'submitted');
      assert.deepEqual(
        agreement.approvals.map((a: any) => [a.party, a.decision]),
        [
          ['provider_steward', null],
          ['provider_dpo', null],
          ['consumer_steward', 'approved'],
        ],
        'the consumer’s steward signed by sending it',
      );
      const path = 'population-register';
      const steward = await sign(path, 'data_steward');
      // Nobody else signs for them: another organization's DPO, a platform admin, the consumer's DPO.
      for (const [org, token] of [
        ['address-register', await sign('address-register', 'data_protection_officer')],
        [path, admin],
        ['housing-agency', await sign('housing-agency', 'data_protection_officer')],
      ] as const) {
        const refused = await act(org, agreement.id, 'approve', token);
        assert.ok([403, 404].includes(refused.status), refused.text);
      }
      const first = await act(path, agreement.id, 'approve', steward);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.status, 'submitted', 'still waiting for the DPO');
      const twice = await act(path, agreement.id, 'approve', steward);
      assert.equal(twice.status, 403);
      assert.match(twice.body.error.message, /already signed/);
      const last = await act(path, agreement.id, 'approve', await sign(path, 'data_protection_officer'));
      assert.equal(last.body.status, 'active', last.text);
      assert.ok(last.body.activatedAt && last.body.timeToShareSeconds !== null);

      const { history } = await detail(path, agreement.id);
      assert.deepEqual(
        history.map((h: any) => [h.action, h.toStatus]),
        [
          ['request', 'draft'],
          ['submit', 'submitted'],
          ['approve', 'submitted'],
          ['approve', 'active'],
        ],
      );
      const kinds = [];
      for (const h of history) {
        assert.ok(Number.isInteger(h.ledgerIndex), `${h.action} is on the ledger`);
        kinds.push(await ledgerKind(h.ledgerIndex));
      }
      assert.deepEqual(kinds, [
        'agreement.requested',
        'agreement.submitted',
        'agreement.approved',
        'agreement.activated',
      ]);
    });

    test('special-category fields need both DPOs and the provider’s legal reviewer, and an Art. 9(2) condition', async () => {
      const token = await sign('exampleton-social', 'data_steward');
      const body = {
        provider: 'health-ministry',
        service: 'disability-and-care',
        purpose: 'social-assistance-assessment',
        fields: ['national_id', 'disability_status'],
        validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
        retentionDays: 90,
      };
      const without = await post('/api/v1/organizations/exampleton-social/agreements', token, {
        ...body,
        specialCategoryBasis: null,
      });
      assert.equal(without.status, 400, without.text);
      assert.match(without.body.error.message, /Art\. 9/);
      const made = await post('/api/v1/organizations/exampleton-social/agreements', token, body);
      assert.equal(made.status, 201, made.text);
      assert.deepEqual(
        made.body.approvals.map((a: any) => a.party),
        ['provider_steward', 'provider_dpo', 'consumer_dpo', 'legal_reviewer', 'consumer_steward'],
      );
      const legal = made.body.approvals.find((a: any) => a.party === 'legal_reviewer');
      assert.deepEqual([legal.organization, legal.role], ['health-ministry', 'legal_reviewer']);
    });

    test('each side may take only its own actions, and only from the states they apply to', async () => {
      const agreement = await activeAgreement(server.url, sign, {
        provider: 'population-register',
        consumer: 'housing-agency',
        service: 'person',
        purpose: 'housing-register-upkeep',
        fields: ['address_id'],
      });
      const provider = 'population-register';
      const consumer = 'housing-agency';
      const cases: [string, string, string, number, string?][] = [
        ['suspend', consumer, 'data_steward', 403],
        ['resume', provider, 'data_steward', 409],
        ['withdraw', consumer, 'data_steward', 409],
        ['suspend', provider, 'data_protection_officer', 200, 'suspended'],
        ['resume', provider, 'data_protection_officer', 403],
        ['resume', provider, 'data_steward', 200, 'active'],
        ['expire', consumer, 'data_steward', 403],
        ['revoke', consumer, 'data_steward', 200, 'revoked'],
        ['resume', provider, 'data_steward', 409],
      ];
      for (const [action, org, role, status, after] of cases) {
        const response = await act(
          org,
          agreement.id,
          action,
          await sign(org, role as never),
          `The test asks to ${action}.`,
        );
        assert.equal(response.status, status, `${role} of ${org} asks to ${action}: ${response.text}`);
        if (after) assert.equal(response.body.status, after);
      }
      const outsider = await act(
        'tax-agency',
        agreement.id,
        'revoke',
        await sign('tax-agency', 'data_steward'),
        'Not mine.',
      );
      assert.equal(outsider.status, 404, 'an organization not party to it does not see it');
      const reasonless = await post(
        `/api/v1/organizations/${provider}/agreements/${agreement.id}/suspend`,
        await sign(provider, 'data_steward'),
        {},
      );
      assert.equal(reasonless.status, 400);
    });

    test('a request from a template that changes nothing needs only the provider’s steward; a changed one needs everyone', async () => {
      const unchanged = await request({
        template: 'person-for-housing-register',
        purpose: undefined,
        validUntil: undefined,
        retentionDays: undefined,
      });
      assert.deepEqual(
        unchanged.approvals.map((a: any) => a.party),
        ['provider_steward'],
      );
      assert.equal(unchanged.template, 'person-for-housing-register');
      const stricter = await request({
        template: 'person-for-housing-register',
        fields: ['national_id'],
        retentionDays: 30,
      });
      assert.deepEqual(
        stricter.approvals.map((a: any) => a.party),
        ['provider_steward'],
        'fewer fields and less retention change nothing',
      );
      const more = await request({
        template: 'person-for-housing-register',
        fields: ['national_id', 'date_of_birth'],
      });
      assert.deepEqual(
        more.approvals.map((a: any) => a.party),
        ['provider_steward', 'provider_dpo', 'consumer_steward'],
      );
      const approved = await act(
        'population-register',
        unchanged.id,
        'approve',
        await sign('population-register', 'data_steward'),
      );
      assert.equal(approved.body.status, 'active', approved.text);
    });

    test('under an emergency an emergency template activates on request and ends with the emergency', async () => {
      const endsAt = new Date(Date.now() + 5 * DAY).toISOString();
      const declared = await post('/api/v1/emergencies', admin, {
        name: 'River flood',
        reason: 'The river burst its banks.',
        endsAt,
      });
      assert.equal(declared.status, 201, declared.text);
      const response = await post(
        '/api/v1/organizations/exampleton-social/agreements',
        await sign('exampleton-social', 'data_steward'),
        {
          provider: 'population-register',
          service: 'person',
          template: 'households-in-an-emergency',
          submit: true,
        },
      );
      assert.equal(response.status, 201, response.text);
      const made = response.body;
      assert.equal(made.status, 'active', 'active on request');
      assert.equal(made.emergency.name, 'River flood');
      assert.equal(made.validUntil, endsAt, 'ends at the emergency’s end');
      assert.ok(
        made.approvals.some((a: any) => a.decision === null),
        'sign-offs are collected afterwards',
      );
      const register = await call(
        server.url,
        'GET',
        '/agreements/register?status=active&organization=exampleton-social',
      );
      assert.ok(
        register.body.items.some((e: any) => e.id === made.id && e.emergency?.name === 'River flood'),
      );
      // In force at once, it would count as 0 seconds and flatter the time to share: it is counted apart.
      const share = await call(server.url, 'GET', '/agreements/time-to-share');
      assert.equal(share.body.emergencyAgreements, 1);
      assert.ok(
        !share.body.organizations.some((o: any) => o.medianSeconds === 0),
        'no organization has a median of 0 seconds',
      );

      const ended = await post(`/api/v1/emergencies/${declared.body.id}/end`, admin, {
        reason: 'The water has gone down.',
      });
      assert.equal(ended.status, 200, ended.text);
      const after = (await detail('exampleton-social', made.id)).agreement;
      assert.equal(after.status, 'expired');
      assert.match(after.statusReason, /emergency/);
    });

    test('an amendment is a new version that replaces the old once approved; the history keeps both', async () => {
      const first = await activeAgreement(server.url, sign, {
        provider: 'address-register',
        consumer: 'housing-agency',
        service: 'address',
        purpose: 'housing-register-upkeep',
        fields: ['address_id', 'postcode'],
      });
      const steward = await sign('housing-agency', 'data_steward');
      const hook = await post('/api/v1/organizations/housing-agency/webhooks', steward, {
        url: 'https://hooks.housing.example/agreements',
        events: ['agreement.superseded', 'agreement.activated'],
      });
      assert.equal(hook.status, 201, hook.text);
      const amended = await post(
        `/api/v1/organizations/housing-agency/agreements/${first.id}/amend`,
        await sign('housing-agency', 'data_steward'),
        { fields: ['address_id', 'postcode', 'municipality'], reason: 'We also need the municipality.' },
      );
      assert.equal(amended.status, 201, amended.text);
      assert.deepEqual(
        [amended.body.version, amended.body.status, amended.body.lineageId],
        [2, 'submitted', first.id],
      );
      assert.equal(
        (await detail('housing-agency', first.id)).agreement.status,
        'active',
        'the old version holds meanwhile',
      );
      const again = await post(
        `/api/v1/organizations/housing-agency/agreements/${first.id}/amend`,
        await sign('housing-agency', 'data_steward'),
        { retentionDays: 10, reason: 'A second change.' },
      );
      assert.equal(again.status, 409, 'one amendment at a time');
      const approved = await act(
        'address-register',
        amended.body.id,
        'approve',
        await sign('address-register', 'data_steward'),
      );
      assert.equal(approved.body.status, 'active', approved.text);
      const { agreement, versions, history } = await detail('housing-agency', first.id);
      assert.equal(agreement.status, 'superseded');
      assert.deepEqual(
        versions.map((v: any) => [v.version, v.status]),
        [
          [1, 'superseded'],
          [2, 'active'],
        ],
      );
      assert.ok(history.some((h: any) => h.action.startsWith('supersede') && h.toStatus === 'superseded'));
      assert.ok(
        history.some(
          (h: any) => h.action.startsWith('amend') && h.reason === 'We also need the municipality.',
        ),
      );
    });

    test('govdx ends agreements past their end date, recorded on the ledger, and flags those ending within 30 days once', async () => {
      const agreement = await activeAgreement(server.url, sign, {
        provider: 'tax-agency',
        consumer: 'housing-agency',
        service: 'income',
        purpose: 'housing-register-upkeep',
        fields: ['year'],
        validUntil: new Date(Date.now() + 20 * DAY).toISOString(),
      });
      const app = server.node.app;
      const flagged = await app.agreements.sweep(new Date());
      assert.ok(flagged.flagged >= 1);
      const queue = await call(server.url, 'GET', '/api/v1/organizations/housing-agency/approvals', {
        token: await sign('housing-agency', 'data_steward'),
      });
      assert.ok(queue.body.endingSoon.some((a: any) => a.id === agreement.id && a.endsSoon));
      const later = new Date(Date.now() + 21 * DAY);
      const swept = await app.agreements.sweep(later);
      assert.ok(swept.expired >= 1);
      assert.equal((await app.agreements.sweep(later)).expired, 0, 'each ends once');
      const { agreement: ended, history } = await detail('housing-agency', agreement.id);
      assert.equal(ended.status, 'expired');
      const last = history.at(-1);
      assert.deepEqual([last.action, last.actor], ['expire', 'govdx']);
      assert.equal(await ledgerKind(last.ledgerIndex), 'agreement.expired');
    });

    test('without the ledger, an approval that would let data flow is not made; a revocation stands', async () => {
      const store = server.fresh.store;
      const agreement = await request({ fields: ['address_id'] });
      const live = await activeAgreement(server.url, sign, {
        provider: 'address-register',
        consumer: 'exampleton-social',
        service: 'address',
        purpose: 'housing-register-upkeep',
        fields: ['postcode'],
      });
      const restore = await breakLedgerWrites(store);
      try {
        const provider = 'population-register';
        const first = await act(provider, agreement.id, 'approve', await sign(provider, 'data_steward'));
        assert.equal(first.status, 503, first.text);
        assert.equal(first.body.error.code, 'LEDGER_UNAVAILABLE');
        const { agreement: unchanged, history } = await detail(provider, agreement.id);
        assert.equal(unchanged.status, 'submitted');
        assert.equal(
          unchanged.approvals.find((a: any) => a.party === 'provider_steward').decision,
          null,
          'the sign-off is undone',
        );
        assert.ok(!history.some((h: any) => h.action === 'approve'));
        const revoked = await act(
          'address-register',
          live.id,
          'revoke',
          await sign('address-register', 'data_steward'),
          'Stop now.',
        );
        assert.equal(revoked.status, 503, revoked.text);
        assert.match(revoked.body.error.message, /is made/);
        assert.equal(
          (await detail('exampleton-social', live.id)).agreement.status,
          'revoked',
          'stopping data stands',
        );
      } finally {
        await restore();
      }
    });

    test('the public register shows what was in force, without sign-in, and never a request; each entry as ODRL', async () => {
      const draft = await request({ fields: ['address_id'], submit: false });
      const register = await call(server.url, 'GET', '/agreements/register?limit=200');
      assert.equal(register.status, 200, register.text);
      const statuses = new Set(register.body.items.map((e: any) => e.status));
      for (const hidden of ['draft', 'submitted', 'rejected', 'withdrawn'])
        assert.ok(!statuses.has(hidden), hidden);
      for (const shown of ['active', 'suspended', 'revoked', 'expired', 'superseded'])
        assert.ok(statuses.has(shown), shown);
      assert.ok(!register.body.items.some((e: any) => e.id === draft.id));
      assert.doesNotMatch(register.text, /EX\d{9}/, 'no national ID');
      assert.equal((await call(server.url, 'GET', `/agreements/${draft.id}/odrl`)).status, 404);
      const entry = register.body.items.find((e: any) => e.status === 'active');
      const odrl = await call(server.url, 'GET', `/agreements/${entry.id}/odrl`);
      assert.equal(odrl.status, 200);
      assert.match(odrl.headers.get('content-type') ?? '', /application\/ld\+json/);
      assert.equal(odrl.body['@type'], 'Agreement');
      const share = await call(server.url, 'GET', '/agreements/time-to-share');
      assert.ok(share.body.overall.agreements > 0 && share.body.overall.medianSeconds >= 0);
      assert.ok(share.body.organizations.some((o: any) => o.organization === 'housing-agency'));
    });
  });
}
