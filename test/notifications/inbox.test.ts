/**
 * Notifications over HTTP, on the demo government: made by the node's job from the governance events,
 * for the people concerned only, once each, with a per-person read state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedDemo } from '../../src/demo/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`notifications (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let requester: { personId: string; token: string };
    let providerSteward: { personId: string; token: string };
    let providerOfficer: { personId: string; token: string };
    let outsider: { personId: string; token: string };
    let admin: string;

    before(async () => {
      server = await startTestServer(
        dialect,
        { demoPopulation: 200 },
        { prepare: (fresh, config) => seedDemo(fresh.store, config, { progress: false }).then(() => {}) },
      );
      requester = await server.user([{ role: 'data_steward', organization: 'housing-agency' }]);
      providerSteward = await server.user([{ role: 'data_steward', organization: 'population-register' }]);
      providerOfficer = await server.user([
        { role: 'data_protection_officer', organization: 'population-register' },
      ]);
      outsider = await server.user([{ role: 'legal_reviewer', organization: 'address-register' }]);
      admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
      await server.node.app.notifications.run();
    });
    after(() => server?.close());

    const inbox = async (token: string, query = '') =>
      (await call(server.url, 'GET', `/api/v1/me/notifications${query}`, { token })).body;
    const run = () => server.node.app.notifications.run();

    async function request(fields: string[]) {
      const response = await call(server.url, 'POST', '/api/v1/organizations/housing-agency/agreements', {
        token: requester.token,
        body: {
          provider: 'population-register',
          service: 'person',
          purpose: 'housing-register-upkeep',
          validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
          retentionDays: 90,
          fields,
          submit: true,
        },
      });
      assert.equal(response.status, 201, response.text);
      return response.body as { id: string };
    }
    const act = (id: string, action: string, token: string, body: unknown = {}) =>
      call(server.url, 'POST', `/api/v1/organizations/population-register/agreements/${id}/${action}`, {
        token,
        body,
      });

    test('a submitted request is in the inbox of each person who can sign it off, once, linking to it', async () => {
      const agreement = await request(['national_id', 'given_name']);
      await run();
      await run();
      for (const person of [providerSteward, providerOfficer]) {
        const page = await inbox(person.token);
        const about = page.items.filter((n: any) => n.link.endsWith(agreement.id));
        assert.equal(about.length, 1, 'made once, however many runs');
        assert.equal(about[0].kind, 'approval_waiting');
        assert.equal(about[0].link, `/agency-console/population-register/agreements/${agreement.id}`);
        assert.match(about[0].title, /Your approval is needed: the agreement for "Person lookup" from/);
        assert.equal(about[0].read, false);
        assert.ok(page.unread >= 1);
      }
      const own = await inbox(requester.token);
      assert.ok(!own.items.some((n: any) => n.kind === 'approval_waiting'), 'not the requester, who sent it');
      const stranger = await inbox(outsider.token);
      assert.ok(!stranger.items.some((n: any) => n.link.endsWith(agreement.id)), 'nobody else');
    });

    test('the requester is told when the request is approved and when one is turned down, with the reason', async () => {
      const approved = await request(['national_id', 'given_name']);
      assert.equal((await act(approved.id, 'approve', providerSteward.token)).status, 200);
      assert.equal((await act(approved.id, 'approve', providerOfficer.token)).status, 200);
      const refused = await request(['national_id']);
      const rejected = await act(refused.id, 'reject', providerSteward.token, {
        reason: 'Use the address register instead.',
      });
      assert.equal(rejected.status, 200, rejected.text);
      await run();
      const page = await inbox(requester.token);
      const of = (id: string) => page.items.find((n: any) => n.link.endsWith(id));
      assert.equal(of(approved.id)?.kind, 'request_approved');
      assert.equal(of(approved.id)?.link, `/agency-console/housing-agency/agreements/${approved.id}`);
      assert.equal(of(refused.id)?.kind, 'request_turned_down');
      assert.match(of(refused.id)?.body, /Use the address register instead\./);
    });

    test('an emergency declared and ended reaches every organization admin and data steward, not others', async () => {
      const declared = await call(server.url, 'POST', '/api/v1/emergencies', {
        token: admin,
        body: {
          name: 'Storm Ada',
          reason: 'Power lines are down.',
          endsAt: new Date(Date.now() + 3 * DAY).toISOString(),
        },
      });
      assert.equal(declared.status, 201, declared.text);
      const ended = await call(server.url, 'POST', `/api/v1/emergencies/${declared.body.id}/end`, {
        token: admin,
        body: { reason: 'Power is back.' },
      });
      assert.equal(ended.status, 200, ended.text);
      await run();
      const kinds = (page: any) =>
        page.items
          .filter((n: any) => n.title.includes('Storm Ada'))
          .map((n: any) => n.kind)
          .sort();
      assert.deepEqual(kinds(await inbox(requester.token)), ['emergency_declared', 'emergency_ended']);
      assert.deepEqual(kinds(await inbox(outsider.token)), [], 'a legal reviewer is not told');
    });

    test('an agreement ending within 30 days is told to both organizations’ admins and stewards, once', async () => {
      const response = await call(server.url, 'POST', '/api/v1/organizations/housing-agency/agreements', {
        token: requester.token,
        body: {
          provider: 'population-register',
          service: 'person',
          purpose: 'housing-register-upkeep',
          validUntil: new Date(Date.now() + 10 * DAY).toISOString(),
          retentionDays: 30,
          fields: ['national_id', 'given_name'],
          submit: true,
        },
      });
      assert.equal(response.status, 201, response.text);
      const id = response.body.id;
      assert.equal((await act(id, 'approve', providerSteward.token)).status, 200);
      assert.equal((await act(id, 'approve', providerOfficer.token)).status, 200);
      await run();
      await run();
      for (const person of [requester, providerSteward]) {
        const ending = (await inbox(person.token)).items.filter(
          (n: any) => n.kind === 'agreement_ending' && n.link.endsWith(id),
        );
        assert.equal(ending.length, 1);
        assert.match(ending[0].title, /^Ending within 30 days: the agreement for "Person lookup"/);
      }
    });

    test('read state is per person: one read, all read, someone else’s is not found', async () => {
      const before = await inbox(providerSteward.token, '?unread=true');
      assert.ok(before.unread >= 2);
      const first = before.items[0];
      const read = await call(server.url, 'POST', `/api/v1/me/notifications/${first.id}/read`, {
        token: providerSteward.token,
        body: {},
      });
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.read, true);
      assert.equal((await inbox(providerSteward.token)).unread, before.unread - 1);
      const theirs = await call(server.url, 'POST', `/api/v1/me/notifications/${first.id}/read`, {
        token: providerOfficer.token,
        body: {},
      });
      assert.equal(theirs.status, 404, 'another person’s notification is not found');
      const officerBefore = (await inbox(providerOfficer.token)).unread;
      const all = await call(server.url, 'POST', '/api/v1/me/notifications/read-all', {
        token: providerSteward.token,
        body: {},
      });
      assert.equal(all.status, 200, all.text);
      assert.deepEqual(all.body, { marked: before.unread - 1, unread: 0 });
      assert.equal((await inbox(providerOfficer.token)).unread, officerBefore, 'the officer’s are untouched');
    });

    test('pages: newest first, a cursor to the next, the unread count on every page', async () => {
      const first = await inbox(requester.token, '?limit=1');
      assert.equal(first.items.length, 1);
      assert.ok(first.nextCursor);
      const second = await inbox(requester.token, `?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`);
      assert.equal(second.items.length, 1);
      assert.notEqual(second.items[0].id, first.items[0].id);
      assert.ok(second.items[0].createdAt <= first.items[0].createdAt);
      assert.equal(second.unread, first.unread);
    });
  });
}
