/** Every list in the admin API pages the same way: `limit` and an opaque `cursor`, each item exactly once. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enqueueWebhookEvent } from '../../src/agreements/index.ts';
import { accessToken } from '../../src/exchange/index.ts';
import { activeAgreement, signers } from '../support/agreements.ts';
import { privateJwk, publicJwks } from '../support/fixtures.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const ITEMS = 5;

for (const dialect of DIALECTS) {
  describe(`pagination of every list (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let admin: string;
    /**
     * `session`: a citizen's own list, which needs their own sign-in; `token`: a list another role reads
     * (the auditor's governance events); the others are read by the platform admin.
     */
    let lists: Array<{ template: string; path: string; key: string; session?: string; token?: string }>;

    before(async () => {
      server = await startTestServer(dialect);
      const sign = signers(server);
      admin = (await server.user([{ role: 'platform_admin', organization: 'operator' }])).token;
      const post = async (path: string, body: unknown) => {
        const response = await call(server.url, 'POST', path, { token: admin, body });
        assert.equal(response.status, 201, `${path}: ${response.text}`);
        return response.body;
      };
      await post('/api/v1/organizations', { slug: 'paged', name: 'Paged', kind: 'agency' });
      // A steward of "paged" who is also its data protection officer: told of each catalog change waiting
      // for their sign-off, and the one who imports into a register and prepares releases from it.
      const steward = await server.user([
        { role: 'data_steward', organization: 'paged' },
        { role: 'data_protection_officer', organization: 'paged' },
      ]);
      const jwks = await publicJwks();
      for (let i = 0; i < ITEMS; i += 1) {
        await post('/api/v1/organizations', { slug: `org-${i}`, name: `Org ${i}`, kind: 'agency' });
        const person = await post('/api/v1/people', { name: `Person ${i}` });
        const member = await call(server.url, 'PUT', `/api/v1/organizations/paged/members/${person.id}`, {
          token: admin,
          body: { roles: ['data_steward'] },
        });
        assert.equal(member.status, 200);
        await post('/api/v1/organizations/paged/tokens', { name: `token ${i}`, roles: ['platform_admin'] });
        await post('/api/v1/organizations/paged/systems', { slug: `system-${i}`, name: `System ${i}`, jwks });
        await post('/api/v1/organizations/paged/datasets', {
          slug: `dataset-${i}`,
          title: `Dataset ${i}`,
          classification: 'internal',
          keyField: 'id',
          fields: [{ name: 'id', type: 'string', sensitivity: 'internal' }],
        });
        // A change waiting for the data protection officer: labelling the key field less sensitive.
        const proposed = await call(
          server.url,
          'PATCH',
          `/api/v1/organizations/paged/datasets/dataset-${i}`,
          {
            token: admin,
            body: { fields: [{ name: 'id', type: 'string', sensitivity: 'open' }] },
          },
        );
        assert.equal(proposed.status, 202, proposed.text);
        await post('/api/v1/organizations/paged/services', {
          slug: `service-${i}`,
          dataset: `dataset-${i}`,
          title: `Service ${i}`,
          kind: 'hosted',
        });
        await post('/api/v1/organizations/paged/purposes', {
          slug: `purpose-${i}`,
          title: `Purpose ${i}`,
          description: 'A reason.',
          legalBasis: 'gdpr-6-1-e',
        });
        await activeAgreement(server.url, sign, {
          provider: 'paged',
          consumer: `org-${i}`,
          service: `service-${i}`,
          purpose: `purpose-${i}`,
          fields: ['id'],
          validUntil: '2099-01-01T00:00:00Z',
        });
        await post('/api/v1/organizations/paged/consent-clients', {
          clientId: `client-${i}`,
          name: `Service ${i}`,
          redirectUris: [`https://service-${i}.paged.example/callback`],
          jwks,
          purposes: [`purpose-${i}`],
        });
        const recorded = await call(server.url, 'POST', `/api/v1/organizations/org-${i}/consents`, {
          token: await sign(`org-${i}`, 'data_steward'),
          body: {
            subject: 'PAGED-SUBJECT',
            purpose: `purpose-${i}`,
            collectionMethod: 'paper',
            evidence: `form ${i}`,
          },
        });
        assert.equal(recorded.status, 201, recorded.text);
      }
      const subject = await server.session((await server.user([], { nationalId: 'PAGED-SUBJECT' })).personId);
      // A webhook with messages owed to it (at an address nothing answers: they stay queued).
      const webhook = await post('/api/v1/organizations/paged/webhooks', {
        url: 'https://hooks.paged.example/govdx',
        events: [],
      });
      const paged = await server.fresh.store.db
        .selectFrom('organizations')
        .select('id')
        .where('slug', '=', 'paged')
        .executeTakeFirstOrThrow();
      for (let i = 0; i < ITEMS; i++) {
        await enqueueWebhookEvent(server.fresh.store.db, [paged.id], 'agreement.approved', { n: i });
      }
      for (let i = 0; i < ITEMS; i++) {
        await post('/api/v1/organizations/paged/datasets/dataset-0/quality-checks', {});
      }
      // A register with imports, and releases prepared from it.
      await post('/api/v1/organizations/paged/datasets', {
        slug: 'facts',
        title: 'Facts',
        classification: 'internal',
        keyField: 'id',
        fields: [
          { name: 'id', type: 'string', sensitivity: 'internal' },
          { name: 'colour', type: 'string', sensitivity: 'internal' },
        ],
      });
      for (let i = 0; i < ITEMS; i++) {
        const rows = [0, 1, 2, 3].map((j) =>
          JSON.stringify({ id: `f-${i}-${j}`, colour: j % 2 ? 'red' : 'blue' }),
        );
        const imported = await call(
          server.url,
          'POST',
          '/api/v1/organizations/paged/datasets/facts/imports',
          {
            token: steward.token,
            rawBody: `${rows.join('\n')}\n`,
            headers: { 'content-type': 'application/x-ndjson' },
          },
        );
        assert.equal(imported.status, 201, imported.text);
      }
      for (let i = 0; i < ITEMS; i++) {
        const prepared = await call(server.url, 'POST', '/api/v1/organizations/paged/releases', {
          token: steward.token,
          body: {
            dataset: 'facts',
            slug: `facts-by-colour-${i}`,
            title: `Facts by colour ${i}`,
            method: 'statistics',
            statistics: {
              dimensions: [{ field: 'colour', kind: 'categories', categories: ['blue', 'red'] }],
              epsilon: '1',
            },
          },
        });
        assert.equal(prepared.status, 201, prepared.text);
      }
      // Sources of a register (issue 18), and the jobs, pairs and links of the first, written straight into the store.
      const person = { name: 'given_name', type: 'string', sensitivity: 'personal' };
      for (const slug of ['people-reg', ...Array.from({ length: ITEMS }, (_, i) => `copy-${i}`)])
        await post('/api/v1/organizations/paged/datasets', {
          slug,
          title: slug,
          classification: 'restricted',
          keyField: 'id',
          fields: [{ name: 'id', type: 'string', sensitivity: 'personal' }, person],
        });
      const sourceIds: string[] = [];
      for (let i = 0; i < ITEMS; i++) {
        const made = await call(server.url, 'POST', '/api/v1/organizations/paged/sources', {
          token: steward.token,
          body: { dataset: `copy-${i}`, register: { organization: 'paged', dataset: 'people-reg' } },
        });
        assert.equal(made.status, 201, made.text);
        sourceIds.push(made.body.id);
      }
      const source = sourceIds[0]!;
      const at = new Date().toISOString();
      for (let i = 0; i < ITEMS; i++) {
        await server.fresh.store.db
          .insertInto('linkage_jobs')
          .values({
            ...{
              id: crypto.randomUUID(),
              source_id: source,
              status: 'completed',
              stage: null,
              started_by: null,
            },
            ...{ started_at: at, updated_at: at, finished_at: at, cancel_requested: 0, failure: null },
            ...{ source_records: 0, register_records: 0, linked: 0, queued: 0, kept: 0 },
          })
          .execute();
        await server.fresh.store.db
          .insertInto('link_pairs')
          .values({
            ...{ id: crypto.randomUUID(), source_id: source, record_key: `r${i}`, entity_id: `e${i}` },
            ...{ status: 'pending', probability: 0.6, weight: 0.6, explanation: null, job_id: null },
            ...{ created_at: at, decided_by: null, decided_at: null, reason: null },
          })
          .execute();
        await server.fresh.store.db
          .insertInto('source_links')
          .values({
            source_id: source,
            record_key: `l${i}`,
            entity_id: `e${i}`,
            origin: 'job',
            probability: 1,
            job_id: null,
            at,
          })
          .execute();
      }
      // A system that follows the changes of each of paged's registers, under an agreement for each (issue 18).
      await post('/api/v1/organizations', { slug: 'follower', name: 'Follower', kind: 'agency' });
      const followerKey = await privateJwk('follower-key');
      const { d: _private, ...followerPublic } = followerKey;
      await post('/api/v1/organizations/follower/systems', {
        slug: 'reader',
        name: 'Reader',
        jwks: { keys: [{ ...followerPublic, alg: 'ES256', use: 'sig' }] },
      });
      for (let i = 0; i < ITEMS; i++) {
        await activeAgreement(server.url, sign, {
          provider: 'paged',
          consumer: 'follower',
          service: `service-${i}`,
          purpose: `purpose-${i}`,
          fields: ['id'],
          validUntil: '2099-01-01T00:00:00Z',
        });
        await post('/api/v1/organizations/follower/systems/reader/feeds', {
          provider: 'paged',
          service: `service-${i}`,
          purpose: `purpose-${i}`,
        });
      }
      const reader = await accessToken(followerKey, 'follower/reader', server.url);
      // A register about people holding the subject's entry, and their requests to correct it.
      await post('/api/v1/organizations/paged/datasets', {
        slug: 'residents',
        title: 'Residents',
        classification: 'restricted',
        keyField: 'national_id',
        fields: [
          { name: 'national_id', type: 'string', sensitivity: 'personal' },
          { name: 'given_name', type: 'string', sensitivity: 'personal' },
        ],
      });
      await post('/api/v1/organizations/paged/services', {
        slug: 'residents',
        dataset: 'residents',
        title: 'Residents',
        kind: 'hosted',
      });
      const residents = await server.fresh.store.db
        .selectFrom('datasets')
        .select('id')
        .where('slug', '=', 'residents')
        .executeTakeFirstOrThrow();
      await server.fresh.store.db
        .insertInto('records')
        .values({
          dataset_id: residents.id,
          key: 'PAGED-SUBJECT',
          data: JSON.stringify({ national_id: 'PAGED-SUBJECT', given_name: 'Paged' }),
          updated_at: new Date().toISOString(),
        })
        .execute();
      for (let i = 0; i < ITEMS; i++) {
        const asked = await call(server.url, 'POST', '/api/v1/me/corrections', {
          session: subject,
          body: {
            organization: 'paged',
            dataset: 'residents',
            key: 'PAGED-SUBJECT',
            field: 'given_name',
            problem: `Wrong, ${i}.`,
            proposed: 'Right',
          },
        });
        assert.equal(asked.status, 201, asked.text);
      }
      await server.node.app.notifications.run();
      lists = [
        { template: '/api/v1/organizations', path: '/api/v1/organizations', key: 'slug' },
        { template: '/api/v1/people', path: '/api/v1/people', key: 'id' },
        {
          template: '/api/v1/organizations/{org}/members',
          path: '/api/v1/organizations/paged/members',
          key: 'personId',
        },
        {
          template: '/api/v1/organizations/{org}/tokens',
          path: '/api/v1/organizations/paged/tokens',
          key: 'id',
        },
        {
          template: '/api/v1/organizations/{org}/systems',
          path: '/api/v1/organizations/paged/systems',
          key: 'slug',
        },
        { template: '/api/v1/datasets', path: '/api/v1/datasets', key: 'id' },
        {
          template: '/api/v1/organizations/{org}/datasets',
          path: '/api/v1/organizations/paged/datasets',
          key: 'slug',
        },
        { template: '/api/v1/services', path: '/api/v1/services', key: 'id' },
        {
          template: '/api/v1/organizations/{org}/datasets/{slug}/quality-checks',
          path: '/api/v1/organizations/paged/datasets/dataset-0/quality-checks',
          key: 'id',
        },
        {
          template: '/api/v1/organizations/{org}/services',
          path: '/api/v1/organizations/paged/services',
          key: 'slug',
        },
        { template: '/api/v1/purposes', path: '/api/v1/purposes', key: 'slug' },
        {
          template: '/api/v1/organizations/{org}/agreements',
          path: '/api/v1/organizations/paged/agreements',
          key: 'id',
        },
        {
          template: '/api/v1/organizations/{org}/catalog-changes',
          path: '/api/v1/organizations/paged/catalog-changes',
          key: 'id',
        },
        {
          template: '/api/v1/organizations/{org}/consent-clients',
          path: '/api/v1/organizations/paged/consent-clients',
          key: 'clientId',
        },
        { template: '/api/v1/consents', path: '/api/v1/consents?subject=PAGED-SUBJECT', key: 'id' },
        { template: '/api/v1/me/consents', path: '/api/v1/me/consents', key: 'id', session: subject },
        {
          template: '/api/v1/me/access-events',
          path: '/api/v1/me/access-events',
          key: 'index',
          session: subject,
        },
        { template: '/api/v1/me/corrections', path: '/api/v1/me/corrections', key: 'id', session: subject },
        {
          template: '/api/v1/organizations/{org}/corrections',
          path: '/api/v1/organizations/paged/corrections',
          key: 'id',
        },
        { template: '/agreements/register', path: '/agreements/register?organization=paged', key: 'id' },
        {
          template: '/api/v1/governance-events',
          path: '/api/v1/governance-events?organization=paged&kind=token.created',
          key: 'index',
          token: (await server.user([{ role: 'auditor', organization: 'dpa' }])).token,
        },
        {
          template: '/api/v1/ledger-events',
          path: '/api/v1/ledger-events?type=governance&organization=paged&kind=token.created',
          key: 'index',
          token: (await server.user([{ role: 'auditor', organization: 'dpa' }])).token,
        },
        {
          template: '/api/v1/organizations/{org}/datasets/{slug}/imports',
          path: '/api/v1/organizations/paged/datasets/facts/imports',
          key: 'id',
          token: steward.token,
        },
        {
          template: '/api/v1/organizations/{org}/releases',
          path: '/api/v1/organizations/paged/releases',
          key: 'id',
          token: steward.token,
        },
        {
          template: '/api/v1/organizations/{org}/sources',
          path: '/api/v1/organizations/paged/sources',
          key: 'id',
          token: steward.token,
        },
        ...(['linkage-jobs', 'review', 'links'] as const).map((list) => ({
          template: `/api/v1/sources/{id}/${list}`,
          path: `/api/v1/sources/${source}/${list}`,
          key: list === 'links' ? 'recordKey' : 'id',
          token: steward.token,
        })),
        {
          template: '/api/v1/me/notifications',
          path: '/api/v1/me/notifications',
          key: 'id',
          token: steward.token,
        },
        {
          template: '/api/v1/organizations/{org}/systems/{slug}/feeds',
          path: '/api/v1/organizations/follower/systems/reader/feeds',
          key: 'id',
        },
        { template: '/exchange/feeds', path: '/exchange/feeds', key: 'id', token: reader },
        {
          template: '/api/v1/organizations/{org}/webhooks/{id}/deliveries',
          path: `/api/v1/organizations/paged/webhooks/${webhook.id}/deliveries`,
          key: 'id',
        },
      ];
    });
    after(() => server?.close());

    test('the table below covers every paged list in the OpenAPI document', async () => {
      const doc = (await call(server.url, 'GET', '/openapi.json')).body;
      const paged = Object.entries<any>(doc.paths)
        .filter(
          ([, ops]) =>
            ops.get?.responses?.['200']?.content?.['application/json']?.schema?.properties?.nextCursor,
        )
        .map(([path]) => path)
        .sort();
      assert.deepEqual(lists.map((l) => l.template).sort(), paged);
    });

    test('walking pages of 2 returns every item once, in the same order as one big page', async () => {
      for (const list of lists) {
        const and = list.path.includes('?') ? '&' : '?';
        const caller = list.session ? { session: list.session } : { token: list.token ?? admin };
        const whole = await call(server.url, 'GET', `${list.path}${and}limit=200`, caller);
        assert.equal(whole.status, 200, `${list.path}: ${whole.text}`);
        assert.equal(whole.body.nextCursor, null, `${list.path}: everything fits in one page of 200`);
        const all = whole.body.items.map((item: any) => item[list.key]);
        assert.ok(all.length >= ITEMS, `${list.path} has at least ${ITEMS} items`);
        const walked: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 100; page += 1) {
          const query: string = cursor
            ? `${and}limit=2&cursor=${encodeURIComponent(cursor)}`
            : `${and}limit=2`;
          const response = await call(server.url, 'GET', `${list.path}${query}`, caller);
          assert.equal(response.status, 200, `${list.path}${query}: ${response.text}`);
          assert.ok(response.body.items.length <= 2);
          walked.push(...response.body.items.map((item: any) => item[list.key]));
          cursor = response.body.nextCursor;
          if (!cursor) break;
        }
        assert.deepEqual(walked, all, `${list.path} pages add up to the whole list`);
        assert.equal(new Set(walked).size, walked.length, `${list.path} repeats nothing`);
      }
    });

    test('items added while paging appear once, after the page they sort into', async () => {
      const first = await call(server.url, 'GET', '/api/v1/organizations/paged/systems?limit=2', {
        token: admin,
      });
      await call(server.url, 'POST', '/api/v1/organizations/paged/systems', {
        token: admin,
        body: { slug: 'system-9', name: 'Late', jwks: await publicJwks() },
      });
      const rest: string[] = [];
      let cursor: string | null = first.body.nextCursor;
      while (cursor) {
        const page: any = await call(
          server.url,
          'GET',
          `/api/v1/organizations/paged/systems?limit=2&cursor=${encodeURIComponent(cursor)}`,
          { token: admin },
        );
        rest.push(...page.body.items.map((s: any) => s.slug));
        cursor = page.body.nextCursor;
      }
      assert.deepEqual(
        [...first.body.items.map((s: any) => s.slug), ...rest],
        ['system-0', 'system-1', 'system-2', 'system-3', 'system-4', 'system-9'],
      );
    });
  });
}
