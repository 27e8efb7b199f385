/**
 * The attack of issue 14, finding 9: governance changes that left no trace. Registering a system, renaming
 * it and registering or changing a purpose decide who may get data and what citizens are shown; each is a
 * ledger event naming the organization and the person who made it, or it is not made.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import { populationFields, publicJwks } from '../support/fixtures.ts';
import { breakLedgerWrites } from '../support/ledger.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`governance changes are on the ledger (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let admin: { personId: string; token: string };
    let dpo: { personId: string; token: string };

    before(async () => {
      server = await startTestServer(dialect);
      admin = await server.user([{ role: 'organization_admin', organization: 'tax-agency' }]);
      dpo = await server.user([{ role: 'data_protection_officer', organization: 'tax-agency' }]);
    });
    after(() => server?.close());

    /** The events appended since the tree had `from` entries. */
    async function eventsSince(from: number): Promise<LedgerEvent[]> {
      const ledger = server.node.app.ledger;
      const size = (await ledger.treeHead()).size;
      const events: LedgerEvent[] = [];
      for (let index = from; index < size; index++)
        events.push(JSON.parse((await ledger.entry(index)).event));
      return events;
    }
    const size = async () => (await server.node.app.ledger.treeHead()).size;

    test('registering a system and renaming it are recorded, with the organization and the person', async () => {
      const start = await size();
      const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/systems', {
        token: admin.token,
        body: { slug: 'audit-robot', name: 'Audit robot', jwks: await publicJwks('r1') },
      });
      assert.equal(created.status, 201, created.text);
      const renamed = await call(
        server.url,
        'PATCH',
        '/api/v1/organizations/tax-agency/systems/audit-robot',
        {
          token: admin.token,
          body: { name: 'Benefits helper', description: 'Helps with benefits' },
        },
      );
      assert.equal(renamed.status, 200, renamed.text);
      const events = await eventsSince(start);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['system.registered', 'system.changed'],
      );
      const [registered, changed] = events as [LedgerEvent, LedgerEvent];
      assert.equal(registered.organization, 'tax-agency');
      assert.equal(registered.system, 'audit-robot');
      assert.equal(registered.by, admin.personId);
      assert.deepEqual(registered.keyIds, ['r1']);
      assert.equal(changed.organization, 'tax-agency');
      assert.equal(changed.by, admin.personId);
      assert.deepEqual(changed.changed, ['name', 'description']);
      assert.equal(changed.name, 'Benefits helper');
      assert.equal(changed.previousName, 'Audit robot');
    });

    test('registering and changing a purpose are recorded', async () => {
      const start = await size();
      const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/purposes', {
        token: dpo.token,
        body: {
          slug: 'tax-assessment',
          title: 'Tax assessment',
          description: 'To assess the income tax you owe.',
          legalBasis: 'gdpr-6-1-c',
        },
      });
      assert.equal(created.status, 201, created.text);
      const changed = await call(
        server.url,
        'PATCH',
        '/api/v1/organizations/tax-agency/purposes/tax-assessment',
        {
          token: dpo.token,
          body: { legalBasis: 'gdpr-6-1-e' },
        },
      );
      assert.equal(changed.status, 200, changed.text);
      const events = await eventsSince(start);
      assert.deepEqual(
        events.map((e) => [e.kind, e.organization, e.purpose, e.legalBasis, e.by]),
        [
          ['purpose.registered', 'tax-agency', 'tax-assessment', 'gdpr-6-1-c', dpo.personId],
          ['purpose.changed', 'tax-agency', 'tax-assessment', 'gdpr-6-1-e', dpo.personId],
        ],
      );
    });

    test("a platform admin cannot link their account to a citizen's national ID; an account registered with one is recorded about it", async () => {
      const platformAdmin = await server.user([{ role: 'platform_admin', organization: 'digital-agency' }]);
      const start = await size();
      // The insider points their own account at the citizen's national ID, to read that person's data.
      const linked = await call(server.url, 'PATCH', `/api/v1/people/${platformAdmin.personId}`, {
        token: platformAdmin.token,
        body: { nationalId: '38001010088' },
      });
      assert.equal(linked.status, 403, linked.text);
      assert.equal(linked.body.error.code, 'FORBIDDEN');
      assert.deepEqual(await eventsSince(start), [], 'nothing changed, nothing to record');
      // An account registered with a national ID (say, for a sign-in matched by email) is an event about it.
      const registered = await call(server.url, 'POST', '/api/v1/people', {
        token: platformAdmin.token,
        body: { name: 'Not the citizen', email: 'insider@example.org', nationalId: '38001010088' },
      });
      assert.equal(registered.status, 201, registered.text);
      const [event] = await eventsSince(start);
      assert.equal(event?.kind, 'person.registered');
      assert.equal(event?.person, registered.body.id);
      assert.equal(event?.by, platformAdmin.personId);
      assert.equal(event?.subject, '38001010088', 'the person whose national ID it is can read it');
    });

    test('registering and renaming an organization are recorded', async () => {
      const platformAdmin = await server.user([{ role: 'platform_admin', organization: 'digital-agency' }]);
      const start = await size();
      const created = await call(server.url, 'POST', '/api/v1/organizations', {
        token: platformAdmin.token,
        body: { slug: 'shell-company', name: 'Shell company', kind: 'company' },
      });
      assert.equal(created.status, 201, created.text);
      const renamed = await call(server.url, 'PATCH', '/api/v1/organizations/shell-company', {
        token: platformAdmin.token,
        body: { name: 'Tax Agency' },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.deepEqual(
        (await eventsSince(start)).map((e) => [e.kind, e.organization, e.name, e.by]),
        [
          ['organization.registered', 'shell-company', 'Shell company', platformAdmin.personId],
          ['organization.changed', 'shell-company', 'Tax Agency', platformAdmin.personId],
        ],
      );
    });

    test('the auditor lists governance events by kind, organization and actor, a page at a time', async () => {
      const auditor = await server.user([{ role: 'auditor', organization: 'data-protection-authority' }]);
      const platformAdmin = await server.user([{ role: 'platform_admin', organization: 'digital-agency' }]);
      await server.organization('health-board');
      // A platform admin passes every role check: what they do is listed under their name all the same.
      const planted = await call(server.url, 'POST', '/api/v1/organizations/health-board/systems', {
        token: platformAdmin.token,
        body: { slug: 'quiet-reader', name: 'Quiet reader', jwks: await publicJwks('q1') },
      });
      assert.equal(planted.status, 201, planted.text);
      const list = (query: string, token = auditor.token) =>
        call(server.url, 'GET', `/api/v1/governance-events?${query}`, { token });

      const byActor = await list(`actor=${platformAdmin.personId}`);
      assert.equal(byActor.status, 200, byActor.text);
      assert.deepEqual(
        byActor.body.items.map((e: { kind: string; organizations: string[] }) => [e.kind, e.organizations]),
        [['system.registered', ['health-board']]],
      );
      assert.equal(byActor.body.items[0].actor.id, platformAdmin.personId);
      assert.match(byActor.body.items[0].actor.name, /^Test person/);
      assert.equal(byActor.body.items[0].indexProblem, null);

      const ofTax = await list('organization=tax-agency&kind=system.registered');
      assert.deepEqual(
        ofTax.body.items.map((e: { event: { system: string } }) => e.event.system),
        ['audit-robot'],
      );
      const purposes = await list(`organization=tax-agency&actor=${dpo.personId}`);
      assert.deepEqual(
        purposes.body.items.map((e: { kind: string }) => e.kind),
        ['purpose.changed', 'purpose.registered'],
      );

      // Keyset pages: one at a time, newest first, to the end.
      const seen: number[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page = await list(`organization=tax-agency&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(page.status, 200, page.text);
        seen.push(...page.body.items.map((e: { index: number }) => e.index));
        cursor = page.body.nextCursor;
      }
      assert.equal(seen.length, 4);
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => b - a),
      );

      assert.equal((await list('', platformAdmin.token)).status, 403, 'platform admins read no events');
      assert.equal((await list('', admin.token)).status, 403);
      assert.equal((await call(server.url, 'GET', '/api/v1/governance-events')).status, 401);
      assert.equal((await list('kind=Not a kind')).status, 400);
      assert.equal((await list('cursor=nonsense')).status, 400);
    });

    test("a personal access token's making and revoking are recorded, never its secret", async () => {
      const start = await size();
      const made = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/tokens', {
        token: admin.token,
        body: { name: 'nightly export', roles: ['organization_admin'] },
      });
      assert.equal(made.status, 201, made.text);
      const revoked = await call(
        server.url,
        'DELETE',
        `/api/v1/organizations/tax-agency/tokens/${made.body.id}`,
        { token: admin.token },
      );
      assert.equal(revoked.status, 200, revoked.text);
      const again = await call(
        server.url,
        'DELETE',
        `/api/v1/organizations/tax-agency/tokens/${made.body.id}`,
        { token: admin.token },
      );
      assert.equal(again.status, 200, again.text);
      const events = await eventsSince(start);
      assert.deepEqual(
        events.map((e) => [e.kind, e.organization, e.token, e.owner, e.roles, e.by]),
        [
          [
            'token.created',
            'tax-agency',
            made.body.id,
            admin.personId,
            ['organization_admin'],
            admin.personId,
          ],
          [
            'token.revoked',
            'tax-agency',
            made.body.id,
            admin.personId,
            ['organization_admin'],
            admin.personId,
          ],
        ],
        'made and revoked once each; revoking it again records nothing',
      );
      assert.ok(!JSON.stringify(events).includes(made.body.secret), 'the secret is not on the ledger');
    });

    test('without the ledger a token is not made, and a revocation stands', async () => {
      const kept = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/tokens', {
        token: admin.token,
        body: { name: 'kept', roles: ['organization_admin'] },
      });
      assert.equal(kept.status, 201, kept.text);
      const restore = await breakLedgerWrites(server.fresh.store);
      try {
        const made = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/tokens', {
          token: admin.token,
          body: { name: 'unrecorded', roles: ['organization_admin'] },
        });
        assert.equal(made.status, 503, made.text);
        assert.equal(made.body.error.code, 'LEDGER_UNAVAILABLE');
        const listed = await call(server.url, 'GET', '/api/v1/organizations/tax-agency/tokens?limit=100', {
          token: admin.token,
        });
        assert.ok(
          !listed.body.items.some((t: { name: string }) => t.name === 'unrecorded'),
          'the unrecorded token was taken back',
        );
        const revoked = await call(
          server.url,
          'DELETE',
          `/api/v1/organizations/tax-agency/tokens/${kept.body.id}`,
          { token: admin.token },
        );
        assert.equal(revoked.status, 503, revoked.text);
        assert.match(revoked.body.error.message, /revoked/);
      } finally {
        await restore();
      }
      const used = await call(server.url, 'GET', '/api/v1/me', { token: kept.body.secret });
      assert.equal(used.status, 401, 'the revocation stood: the token is refused');
    });

    test('without the ledger a system is not registered, nor renamed, nor a purpose registered', async () => {
      const restore = await breakLedgerWrites(server.fresh.store);
      try {
        const created = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/systems', {
          token: admin.token,
          body: { slug: 'unseen', name: 'Unseen', jwks: await publicJwks('u1') },
        });
        assert.equal(created.status, 503, created.text);
        assert.equal(created.body.error.code, 'LEDGER_UNAVAILABLE');
        const renamed = await call(
          server.url,
          'PATCH',
          '/api/v1/organizations/tax-agency/systems/audit-robot',
          {
            token: admin.token,
            body: { name: 'Something harmless' },
          },
        );
        assert.equal(renamed.status, 503, renamed.text);
        const purpose = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/purposes', {
          token: dpo.token,
          body: {
            slug: 'unseen-purpose',
            title: 'Unseen',
            description: 'Never recorded.',
            legalBasis: 'gdpr-6-1-a',
          },
        });
        assert.equal(purpose.status, 503, purpose.text);
      } finally {
        await restore();
      }
      const unseen = await call(server.url, 'GET', '/api/v1/organizations/tax-agency/systems/unseen', {
        token: admin.token,
      });
      assert.equal(unseen.status, 404, 'the unrecorded system is not registered');
      const robot = await call(server.url, 'GET', '/api/v1/organizations/tax-agency/systems/audit-robot', {
        token: admin.token,
      });
      assert.equal(robot.body.name, 'Benefits helper', 'the unrecorded rename is undone');
      assert.equal((await call(server.url, 'GET', '/api/v1/purposes/unseen-purpose')).status, 404);
    });

    test("a governance event whose kind is rewritten in the database to 'access' is still listed, flagged", async () => {
      const auditor = await server.user([{ role: 'auditor', organization: 'data-protection-authority' }]);
      const made = await call(server.url, 'POST', '/api/v1/organizations/tax-agency/systems', {
        token: admin.token,
        body: { slug: 'hidden-reader', name: 'Hidden reader', jwks: await publicJwks('h1') },
      });
      assert.equal(made.status, 201, made.text);
      const index = (await size()) - 1;
      const db = server.fresh.store.db;
      // The attack: the operator files the event among the exchange's access events, which the list skips.
      await db
        .updateTable('ledger_entries')
        .set({ kind: 'access' })
        .where('entry_index', '=', index)
        .execute();
      try {
        for (const query of ['', 'kind=system.registered', `actor=${admin.personId}`]) {
          const listed = await call(server.url, 'GET', `/api/v1/governance-events?${query}`, {
            token: auditor.token,
          });
          assert.equal(listed.status, 200, listed.text);
          const found = listed.body.items.find((e: { index: number }) => e.index === index);
          assert.ok(found, `entry ${index} listed for "${query}"`);
          assert.equal(found.kind, 'system.registered');
          assert.match(found.indexProblem, /"access"/);
        }
      } finally {
        await db
          .updateTable('ledger_entries')
          .set({ kind: 'system.registered' })
          .where('entry_index', '=', index)
          .execute();
      }
    });

    const TEMPLATES = '/api/v1/organizations/tax-agency/agreement-templates';
    const WEBHOOKS = '/api/v1/organizations/tax-agency/webhooks';
    let steward: { personId: string; token: string } | undefined;
    /** A steward of tax-agency, with a service and a purpose to make templates for (made once). */
    async function templateMaker() {
      if (steward) return steward;
      steward = await server.user([{ role: 'data_steward', organization: 'tax-agency' }]);
      for (const [path, token, body] of [
        [
          '/api/v1/organizations/tax-agency/datasets',
          steward.token,
          {
            slug: 'income',
            title: 'Income',
            classification: 'restricted',
            keyField: 'national_id',
            fields: populationFields,
          },
        ],
        [
          '/api/v1/organizations/tax-agency/services',
          steward.token,
          { slug: 'income-lookup', dataset: 'income', title: 'Income lookup', kind: 'hosted' },
        ],
        [
          '/api/v1/organizations/tax-agency/purposes',
          dpo.token,
          {
            slug: 'benefits',
            title: 'Benefits',
            description: 'Deciding benefits.',
            legalBasis: 'gdpr-6-1-e',
          },
        ],
      ] as const) {
        const made = await call(server.url, 'POST', path, { token, body });
        assert.equal(made.status, 201, made.text);
      }
      return steward;
    }
    const template = (slug: string, emergency = false) => ({
      slug,
      title: `Template ${slug}`,
      description: 'For the test.',
      service: 'income-lookup',
      purpose: 'benefits',
      fields: ['given_name'],
      maxDurationDays: 30,
      retentionDays: 30,
      safeguards: 'None needed.',
      emergency,
    });

    test('publishing and retiring an agreement template are recorded, emergency templates as such', async () => {
      const { token, personId } = await templateMaker();
      const start = await size();
      const published = await call(server.url, 'POST', TEMPLATES, { token, body: template('flood', true) });
      assert.equal(published.status, 201, published.text);
      const retire = () =>
        call(server.url, 'POST', `${TEMPLATES}/flood/retire`, { token, body: { reason: 'Over.' } });
      assert.equal((await retire()).status, 200);
      assert.equal((await retire()).status, 200, 'retiring it again changes nothing');
      const events = await eventsSince(start);
      assert.deepEqual(
        events.map((e) => [e.kind, e.organization, e.template, e.emergency, e.by]),
        [
          ['agreement_template.published', 'tax-agency', 'flood', true, personId],
          ['agreement_template.retired', 'tax-agency', 'flood', true, personId],
        ],
      );
      const [made] = events as [LedgerEvent];
      assert.equal(made.service, 'income-lookup');
      assert.equal(made.purpose, 'benefits');
      assert.deepEqual(made.fields, ['given_name']);
    });

    test('registering and deleting a webhook are recorded, never its secret', async () => {
      const start = await size();
      const made = await call(server.url, 'POST', WEBHOOKS, {
        token: admin.token,
        body: { url: 'https://hooks.tax.example/govdx', events: ['agreement.revoked'] },
      });
      assert.equal(made.status, 201, made.text);
      const deleted = await call(server.url, 'DELETE', `${WEBHOOKS}/${made.body.id}`, { token: admin.token });
      assert.equal(deleted.status, 204, deleted.text);
      const events = await eventsSince(start);
      assert.deepEqual(
        events.map((e) => [e.kind, e.organization, e.webhook, e.url, e.by]),
        [
          [
            'webhook.registered',
            'tax-agency',
            made.body.id,
            'https://hooks.tax.example/govdx',
            admin.personId,
          ],
          ['webhook.deleted', 'tax-agency', made.body.id, 'https://hooks.tax.example/govdx', admin.personId],
        ],
      );
      assert.deepEqual(events[0]!.events, ['agreement.revoked']);
      assert.ok(!JSON.stringify(events).includes(made.body.secret), 'the secret is not on the ledger');
    });

    test('without the ledger a template or a webhook is not made, and a retirement or deletion stands', async () => {
      const { token } = await templateMaker();
      const kept = await call(server.url, 'POST', TEMPLATES, { token, body: template('kept') });
      assert.equal(kept.status, 201, kept.text);
      const hook = await call(server.url, 'POST', WEBHOOKS, {
        token: admin.token,
        body: { url: 'https://hooks.tax.example/kept' },
      });
      assert.equal(hook.status, 201, hook.text);
      const restore = await breakLedgerWrites(server.fresh.store);
      try {
        const unseen = await call(server.url, 'POST', TEMPLATES, { token, body: template('unseen', true) });
        assert.equal(unseen.status, 503, unseen.text);
        assert.equal(unseen.body.error.code, 'LEDGER_UNAVAILABLE');
        const retired = await call(server.url, 'POST', `${TEMPLATES}/kept/retire`, {
          token,
          body: { reason: 'Over.' },
        });
        assert.equal(retired.status, 503, retired.text);
        assert.equal(retired.body.error.code, 'LEDGER_UNAVAILABLE');
        const unseenHook = await call(server.url, 'POST', WEBHOOKS, {
          token: admin.token,
          body: { url: 'https://hooks.tax.example/unseen' },
        });
        assert.equal(unseenHook.status, 503, unseenHook.text);
        assert.equal(unseenHook.body.error.code, 'LEDGER_UNAVAILABLE');
        const deleted = await call(server.url, 'DELETE', `${WEBHOOKS}/${hook.body.id}`, {
          token: admin.token,
        });
        assert.equal(deleted.status, 503, deleted.text);
        assert.equal(deleted.body.error.code, 'LEDGER_UNAVAILABLE');
      } finally {
        await restore();
      }
      const templates = (await call(server.url, 'GET', TEMPLATES, { token })).body as Array<{
        slug: string;
        status: string;
      }>;
      assert.ok(!templates.some((t) => t.slug === 'unseen'), 'the unrecorded template is undone');
      assert.equal(templates.find((t) => t.slug === 'kept')?.status, 'retired', 'the retirement stands');
      const hooks = (await call(server.url, 'GET', WEBHOOKS, { token: admin.token })).body as Array<{
        url: string;
      }>;
      assert.deepEqual(
        hooks.map((h) => h.url).filter((url) => url.includes('/kept') || url.includes('/unseen')),
        [],
        'the unrecorded webhook is undone, the deletion stands',
      );
    });
  });
}
