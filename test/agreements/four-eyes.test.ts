/**
 * Four eyes, over HTTP on the demo government: whoever requests, sends or amends an agreement never
 * signs it off as well, even when they also hold the approving role on the other side; and an
 * organization makes no agreement with itself (issue 14, finding 2).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authorsOf } from '../../src/agreements/index.ts';
import { seedDemo } from '../../src/demo/index.ts';
import type { MembershipRole } from '../../src/domain/index.ts';
import { SESSION_COOKIE, startSession } from '../../src/identity/index.ts';
import { activeAgreement, type Signers, signers } from '../support/agreements.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`four eyes on agreements (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let sign: Signers;

    before(async () => {
      server = await startTestServer(
        dialect,
        { demoPopulation: 200 },
        { prepare: (fresh, config) => seedDemo(fresh.store, config, { progress: false }).then(() => {}) },
      );
      sign = signers(server);
    });
    after(() => server?.close());

    /**
     * A person signed in on the web with roles in several organizations. (A personal access token acts
     * in one organization only; a browser session carries every role the person holds.)
     */
    async function person(roles: Array<{ role: MembershipRole; organization: string }>) {
      const { personId } = await server.user(roles);
      const { cookie } = await startSession(server.fresh.store.db, personId, 1, null);
      return `${SESSION_COOKIE}=${cookie}`;
    }
    /** `who` is a token, or a session's cookie. */
    const as = (who: string) =>
      who.startsWith(`${SESSION_COOKIE}=`) ? { headers: { cookie: who } } : { token: who };
    const post = (path: string, who: string, body: unknown = {}) =>
      call(server.url, 'POST', path, { ...as(who), body });
    const approve = (org: string, id: string, token: string) =>
      post(`/api/v1/organizations/${org}/agreements/${id}/approve`, token);
    const waitingFor = async (org: string, token: string) =>
      (await call(server.url, 'GET', `/api/v1/organizations/${org}/approvals`, as(token))).body.waiting.map(
        (w: any) => w.agreement.id,
      ) as string[];
    /** The population register's template for the housing register: only its steward signs off. */
    const fromTemplate = {
      provider: 'population-register',
      service: 'person',
      template: 'person-for-housing-register',
    };

    test('a steward of both organizations who sends a request cannot approve it for the provider', async () => {
      const both = await person([
        { role: 'data_steward', organization: 'housing-agency' },
        { role: 'data_steward', organization: 'population-register' },
      ]);
      const sent = await post('/api/v1/organizations/housing-agency/agreements', both, {
        ...fromTemplate,
        submit: true,
      });
      assert.equal(sent.status, 201, sent.text);
      assert.deepEqual(
        sent.body.approvals.map((a: any) => [a.party, a.decision]),
        [['provider_steward', null]],
      );
      assert.ok(
        !(await waitingFor('population-register', both)).includes(sent.body.id),
        'their own request is not in their queue',
      );
      const own = await approve('population-register', sent.body.id, both);
      assert.equal(own.status, 403, own.text);
      assert.equal(own.body.error.code, 'SELF_APPROVAL');
      assert.match(own.body.error.message, /another person/i);
      const still = await call(
        server.url,
        'GET',
        `/api/v1/organizations/population-register/agreements/${sent.body.id}`,
        as(both),
      );
      assert.equal(still.body.agreement.status, 'submitted', 'nothing in force on one person’s word');
      const other = await approve(
        'population-register',
        sent.body.id,
        await sign('population-register', 'data_steward'),
      );
      assert.equal(other.body.status, 'active', other.text);
    });

    test('whoever requests it and whoever sends it both stay out of its sign-offs', async () => {
      const requester = await person([
        { role: 'data_steward', organization: 'housing-agency' },
        { role: 'data_steward', organization: 'population-register' },
      ]);
      const sender = await person([
        { role: 'organization_admin', organization: 'housing-agency' },
        { role: 'data_steward', organization: 'population-register' },
      ]);
      const draft = await post('/api/v1/organizations/housing-agency/agreements', requester, fromTemplate);
      assert.equal(draft.status, 201, draft.text);
      const sent = await post(
        `/api/v1/organizations/housing-agency/agreements/${draft.body.id}/submit`,
        sender,
      );
      assert.equal(sent.status, 200, sent.text);
      for (const token of [requester, sender]) {
        const refused = await approve('population-register', draft.body.id, token);
        assert.equal(refused.status, 403, refused.text);
        assert.equal(refused.body.error.code, 'SELF_APPROVAL', refused.text);
      }
    });

    test('whoever amends an agreement cannot approve the amendment for the other side', async () => {
      const agreement = await activeAgreement(server.url, sign, {
        provider: 'population-register',
        consumer: 'housing-agency',
        service: 'person',
        purpose: 'housing-register-upkeep',
        fields: ['national_id', 'given_name'],
      });
      const amender = await person([
        { role: 'organization_admin', organization: 'housing-agency' },
        { role: 'data_protection_officer', organization: 'population-register' },
      ]);
      const amended = await post(
        `/api/v1/organizations/housing-agency/agreements/${agreement.id}/amend`,
        amender,
        { fields: ['national_id', 'given_name', 'family_name'], reason: 'We also need the family name.' },
      );
      assert.equal(amended.status, 201, amended.text);
      const refused = await approve('population-register', amended.body.id, amender);
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.error.code, 'SELF_APPROVAL');
    });

    test('the demo’s agreements keep four eyes: no self-agreement, no sign-off by an author beyond sending', async () => {
      const db = server.fresh.store.db;
      const seeded = await db.selectFrom('agreements').selectAll().execute();
      assert.ok(seeded.length > 10);
      for (const row of seeded) {
        assert.notEqual(row.provider_organization_id, row.consumer_organization_id, row.id);
        const authors = await authorsOf(db, row);
        const approvals = await db
          .selectFrom('agreement_approvals')
          .selectAll()
          .where('agreement_id', '=', row.id)
          .where('decided_by', 'is not', null)
          .execute();
        for (const approval of approvals) {
          if (approval.reason === 'Sent the request') continue;
          assert.ok(!authors.includes(approval.decided_by!), `${row.id} ${approval.party}`);
        }
      }
    });

    test('an organization cannot make an agreement with itself', async () => {
      const steward = await sign('population-register', 'data_steward');
      const refused = await post('/api/v1/organizations/population-register/agreements', steward, {
        provider: 'population-register',
        service: 'person',
        purpose: 'housing-register-upkeep',
        fields: ['national_id'],
        validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
        retentionDays: 30,
        submit: true,
      });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.error.code, 'SELF_AGREEMENT');
      assert.match(refused.body.error.message, /itself/);
    });
  });
}
