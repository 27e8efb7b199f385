/**
 * Issue 16: the auditor's workbench over HTTP (search every ledger event by kind, organization, system,
 * purpose and day; export what was found; a system's keys as the ledger recorded them) and the public
 * register of agreements (filters, search, CSV, one agreement in plain terms with its sign-offs).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { activeAgreement, signers } from '../support/agreements.ts';
import { publicJwks } from '../support/fixtures.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`the auditor's workbench and the public register (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let server: TestServer;
    let auditor: string;
    let admin: string;
    let agreementId: string;

    before(async () => {
      server = await startTestServer(dialect);
      const sign = signers(server);
      auditor = (await server.user([{ role: 'auditor', organization: 'dpa' }])).token;
      admin = (await server.user([{ role: 'platform_admin', organization: 'operator' }])).token;
      const post = async (path: string, body: unknown) => {
        const response = await call(server.url, 'POST', path, { token: admin, body });
        assert.equal(response.status, 201, `${path}: ${response.text}`);
        return response.body;
      };
      await post('/api/v1/organizations', { slug: 'registry', name: 'Population Registry', kind: 'agency' });
      await post('/api/v1/organizations', { slug: 'town', name: 'Town of Example', kind: 'municipality' });
      await post('/api/v1/organizations', { slug: 'charity', name: 'Food Bank', kind: 'civil-society' });
      await post('/api/v1/organizations/registry/datasets', {
        slug: 'people',
        title: 'People',
        classification: 'internal',
        keyField: 'id',
        fields: [{ name: 'id', type: 'string', sensitivity: 'internal' }],
      });
      await post('/api/v1/organizations/registry/services', {
        slug: 'people-lookup',
        dataset: 'people',
        title: 'People lookup',
        kind: 'hosted',
      });
      for (const [slug, title, legalBasis] of [
        ['housing-benefit', 'Housing benefit eligibility', 'gdpr-6-1-e'],
        ['food-parcels', 'Food parcel deliveries', 'gdpr-6-1-a'],
      ] as const) {
        await post('/api/v1/organizations/registry/purposes', {
          slug,
          title,
          description: `Deciding ${title.toLowerCase()}.`,
          legalBasis,
        });
      }
      const housing = await activeAgreement(server.url, sign, {
        provider: 'registry',
        consumer: 'town',
        service: 'people-lookup',
        purpose: 'housing-benefit',
        fields: ['id'],
        legalBasis: 'gdpr-6-1-e',
      });
      agreementId = housing.id;
      await activeAgreement(server.url, sign, {
        provider: 'registry',
        consumer: 'charity',
        service: 'people-lookup',
        purpose: 'food-parcels',
        fields: ['id'],
        legalBasis: 'gdpr-6-1-a',
      });
      // A draft is never in the register.
      const draft = await call(server.url, 'POST', '/api/v1/organizations/town/agreements', {
        token: await sign('town', 'data_steward'),
        body: {
          provider: 'registry',
          service: 'people-lookup',
          purpose: 'food-parcels',
          fields: ['id'],
          validUntil: '2099-01-01T00:00:00Z',
          retentionDays: 30,
        },
      });
      assert.equal(draft.status, 201, draft.text);

      // A system whose key is replaced: the ledger holds both changes.
      await post('/api/v1/organizations/town/systems', {
        slug: 'benefits',
        name: 'Benefits',
        jwks: await publicJwks('first'),
      });
      const rotated = await call(server.url, 'PATCH', '/api/v1/organizations/town/systems/benefits', {
        token: admin,
        body: { jwks: await publicJwks('second') },
      });
      assert.equal(rotated.status, 200, rotated.text);

      // The exchange's decisions, on days of our choosing.
      const ledger = server.node.app.ledger;
      const access = (at: string, system: string, purpose: string, outcome: string) =>
        ledger.append({
          kind: 'access',
          at,
          subject: null,
          outcome,
          consumer: 'town',
          system,
          provider: 'registry',
          service: 'people-lookup',
          purpose,
        });
      await access('2026-01-02T10:00:00.000Z', 'benefits', 'housing-benefit', 'allowed');
      await access('2026-01-03T10:00:00.000Z', 'benefits', 'housing-benefit', 'denied');
      await access('2026-03-05T10:00:00.000Z', 'clerk-desk', 'food-parcels', 'allowed');
    });
    after(() => server?.close());

    const search = async (query: string) => {
      const response = await call(server.url, 'GET', `/api/v1/ledger-events?${query}`, { token: auditor });
      assert.equal(response.status, 200, response.text);
      return response.body.items as Array<Record<string, any>>;
    };

    test('the auditor finds access events by system, purpose and days', async () => {
      const bySystem = await search('type=access&system=benefits');
      assert.deepEqual(
        bySystem.map((e) => [e.type, e.system, e.outcome, e.at.slice(0, 10)]),
        [
          ['access', 'benefits', 'denied', '2026-01-03'],
          ['access', 'benefits', 'allowed', '2026-01-02'],
        ],
      );
      assert.deepEqual(
        (await search('purpose=food-parcels&type=access')).map((e) => e.system),
        ['clerk-desk'],
      );
      assert.deepEqual(
        (await search('type=access&from=2026-01-03&to=2026-03-05')).map((e) => e.at.slice(0, 10)),
        ['2026-03-05', '2026-01-03'],
      );
    });

    test('a search by organization finds its governance changes and its calls', async () => {
      const town = await search('organization=town&limit=200');
      const kinds = new Set(town.map((e) => e.kind));
      for (const kind of ['access', 'system.registered', 'system.key_rotated', 'agreement.activated']) {
        assert.ok(kinds.has(kind), `${kind} is among the town's events`);
      }
      assert.ok(town.every((e) => e.organizations.includes('town')));
      const governance = await search('type=governance&kind=system.key_rotated&organization=town');
      assert.equal(governance.length, 1);
      assert.equal(governance[0]!.actor.id.length > 0, true);
    });

    test('what the search found exports as JSON Lines and as CSV', async () => {
      const found = await search('type=access&system=benefits');
      // Read as text: JSON Lines is not one JSON document.
      const jsonl = await fetch(
        `${server.url}/api/v1/ledger-events/export?format=jsonl&type=access&system=benefits`,
        {
          headers: { authorization: `Bearer ${auditor}` },
        },
      );
      assert.equal(jsonl.status, 200);
      assert.match(jsonl.headers.get('content-type') ?? '', /application\/x-ndjson/);
      const lines = (await jsonl.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.deepEqual(lines, found);

      const csv = await call(
        server.url,
        'GET',
        '/api/v1/ledger-events/export?format=csv&type=access&system=benefits',
        { token: auditor },
      );
      assert.equal(csv.status, 200, csv.text);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const rows = csv.text.trim().split('\r\n');
      assert.equal(rows[0], 'index,at,type,kind,outcome,organizations,system,purpose,actor,event');
      assert.equal(rows.length, 3);
      assert.match(
        rows[1]!,
        new RegExp(`^${found[0]!.index},2026-01-03T10:00:00.000Z,access,access,denied,`),
      );
    });

    test('nobody but an auditor searches or exports the ledger, a platform admin included', async () => {
      for (const path of ['/api/v1/ledger-events', '/api/v1/ledger-events/export?format=csv']) {
        const refused = await call(server.url, 'GET', path, { token: admin });
        assert.equal(refused.status, 403, path);
        assert.equal(refused.body.error.code, 'FORBIDDEN');
        assert.equal((await call(server.url, 'GET', path)).status, 401, path);
      }
    });

    test("a system's keys show when each was added and removed, and by whom", async () => {
      const response = await call(server.url, 'GET', '/api/v1/organizations/town/systems/benefits/keys', {
        token: auditor,
      });
      assert.equal(response.status, 200, response.text);
      const [first, second] = response.body.keys;
      assert.deepEqual([first.kid, first.current, first.alg], ['first', false, null]);
      assert.deepEqual([second.kid, second.current, second.alg, second.kty], ['second', true, 'ES256', 'EC']);
      assert.ok(first.added.index < first.removed.index);
      assert.equal(first.removed.index, second.added.index);
      assert.ok(first.added.at && first.added.by.id);
      assert.equal(second.removed, null);
    });

    const register = async (query: string) => {
      const response = await call(server.url, 'GET', `/agreements/register?${query}`);
      assert.equal(response.status, 200, response.text);
      return (response.body.items as Array<Record<string, any>>).map((e) => e.consumer).sort();
    };

    test('the register filters by provider, consumer, legal basis and purpose, and searches words', async () => {
      assert.deepEqual(await register('provider=registry'), ['charity', 'town']);
      assert.deepEqual(await register('consumer=charity'), ['charity']);
      assert.deepEqual(await register('legalBasis=gdpr-6-1-e'), ['town']);
      assert.deepEqual(await register('purpose=food-parcels'), ['charity']);
      assert.deepEqual(await register('q=FOOD%20bank'), ['charity']);
      assert.deepEqual(await register('q=housing%20town'), ['town']);
      assert.deepEqual(await register('q=100%25'), []);
      const bad = await call(server.url, 'GET', '/agreements/register?legalBasis=because');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    });

    test('the register exports as CSV with the same filters', async () => {
      const csv = await call(server.url, 'GET', '/agreements/register.csv?provider=registry');
      assert.equal(csv.status, 200, csv.text);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const rows = csv.text.trim().split('\r\n');
      assert.match(rows[0]!, /^id,version,status,provider,consumer,service,purpose,legal_basis,/);
      assert.equal(rows.length, 3);
      assert.ok(rows.some((row) => row.includes('Food Bank') && row.includes('/odrl')));
      const one = await call(server.url, 'GET', '/agreements/register.csv?consumer=town');
      assert.equal(one.text.trim().split('\r\n').length, 2);
    });

    test('one agreement reads in plain terms, with its sign-offs and nobody’s name', async () => {
      const response = await call(server.url, 'GET', `/agreements/register/${agreementId}`);
      assert.equal(response.status, 200, response.text);
      const agreement = response.body;
      assert.equal(agreement.purposeDescription, 'Deciding housing benefit eligibility.');
      assert.equal(agreement.providerName, 'Population Registry');
      assert.ok(agreement.signOffs.length > 0);
      for (const signOff of agreement.signOffs) {
        assert.deepEqual(Object.keys(signOff).sort(), [
          'decidedAt',
          'decision',
          'label',
          'organization',
          'organizationName',
          'party',
        ]);
        assert.equal(signOff.decision, 'approved');
      }
      const missing = await call(server.url, 'GET', '/agreements/register/no-such-agreement');
      assert.equal(missing.status, 404);
    });

    test('an agreement never in force is not in the public register', async () => {
      const drafts = await call(server.url, 'GET', '/api/v1/organizations/town/agreements?limit=200', {
        token: admin,
      });
      const draft = drafts.body.items.find((a: { status: string }) => a.status !== 'active');
      assert.ok(draft, 'the draft exists');
      const response = await call(server.url, 'GET', `/agreements/register/${draft.id}`);
      assert.equal(response.status, 404);
    });
  });
}
