/** The admin API for datasets, services, systems, purposes, people and members: what it accepts and its rules. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { populationFields, privateJwk, publicJwks } from '../support/fixtures.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`datasets, services, systems, purposes, people (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let server: TestServer;
    let admin: string;
    let steward: string;
    let stewardId: string;
    let orgAdmin: string;
    let dpo: string;
    let auditor: string;
    const api = (method: string, path: string, token?: string, body?: unknown) =>
      call(server.url, method, path, {
        ...(token ? { token } : {}),
        ...(body !== undefined ? { body } : {}),
      });

    before(async () => {
      server = await startTestServer(dialect);
      admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
      const s = await server.user([{ role: 'data_steward', organization: 'population-register' }], {
        name: 'Stella Steward',
      });
      steward = s.token;
      stewardId = s.personId;
      orgAdmin = (await server.user([{ role: 'organization_admin', organization: 'population-register' }]))
        .token;
      dpo = (await server.user([{ role: 'data_protection_officer', organization: 'housing-agency' }])).token;
      auditor = (await server.user([{ role: 'auditor', organization: 'data-protection-authority' }])).token;
    });
    after(() => server?.close());

    test('a steward registers a dataset with its fields, sensitivities and themselves as steward', async () => {
      const created = await api('POST', '/api/v1/organizations/population-register/datasets', steward, {
        slug: 'population',
        title: 'Population register',
        classification: 'restricted',
        keyField: 'national_id',
        stewardId,
        fields: populationFields,
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.steward.name, 'Stella Steward');
      assert.deepEqual(
        created.body.fields.map((f: any) => [f.name, f.sensitivity]),
        populationFields.map((f) => [f.name, f.sensitivity]),
      );
      const read = await api('GET', '/api/v1/organizations/population-register/datasets/population');
      assert.equal(read.status, 200);
      assert.equal(read.body.keyField, 'national_id');
      assert.equal(read.body.fields[3].name, 'address.postcode');
    });

    test('the steward of a dataset must be a data steward of its organization', async () => {
      const outsider = await server.user([{ role: 'data_steward', organization: 'housing-agency' }]);
      const response = await api('POST', '/api/v1/organizations/population-register/datasets', steward, {
        slug: 'wrong-steward',
        title: 'T',
        classification: 'internal',
        stewardId: outsider.personId,
        fields: [],
      });
      assert.equal(response.status, 422);
      assert.equal(response.body.error.code, 'INVALID_REFERENCE');
    });

    test('duplicate field names and a key field that is not a field are refused', async () => {
      const twice = await api('POST', '/api/v1/organizations/population-register/datasets', steward, {
        slug: 'dup',
        title: 'T',
        classification: 'internal',
        fields: [
          { name: 'a', type: 'string', sensitivity: 'open' },
          { name: 'a', type: 'integer', sensitivity: 'open' },
        ],
      });
      assert.equal(twice.status, 400);
      assert.match(twice.body.error.message, /Two fields are named "a"/);
      const key = await api('POST', '/api/v1/organizations/population-register/datasets', steward, {
        slug: 'nokey',
        title: 'T',
        classification: 'internal',
        keyField: 'id',
        fields: [{ name: 'a', type: 'string', sensitivity: 'open' }],
      });
      assert.equal(key.status, 400);
      assert.match(key.body.error.message, /key field "id"/);
    });

    test('changing fields replaces the whole list at once, and a failed change keeps the old list', async () => {
      await api('POST', '/api/v1/organizations/population-register/datasets', steward, {
        slug: 'addresses',
        title: 'Addresses',
        classification: 'internal',
        keyField: 'address_id',
        fields: [
          { name: 'address_id', type: 'string', sensitivity: 'internal' },
          { name: 'street', type: 'string', sensitivity: 'open' },
        ],
      });
      const changed = await api(
        'PATCH',
        '/api/v1/organizations/population-register/datasets/addresses',
        steward,
        {
          fields: [
            { name: 'address_id', type: 'string', sensitivity: 'internal' },
            { name: 'postcode', type: 'string', sensitivity: 'open' },
          ],
        },
      );
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(
        changed.body.fields.map((f: any) => f.name),
        ['address_id', 'postcode'],
      );
      const failed = await api(
        'PATCH',
        '/api/v1/organizations/population-register/datasets/addresses',
        steward,
        {
          fields: [{ name: 'postcode', type: 'string', sensitivity: 'open' }],
        },
      );
      assert.equal(failed.status, 400, 'dropping the key field must fail');
      const after = await api('GET', '/api/v1/organizations/population-register/datasets/addresses');
      assert.deepEqual(
        after.body.fields.map((f: any) => f.name),
        ['address_id', 'postcode'],
      );
    });

    test('datasets filter by organization, classification and sensitivity', async () => {
      await api('POST', '/api/v1/organizations/population-register/datasets', steward, {
        slug: 'statistics',
        title: 'Statistics',
        classification: 'public',
        fields: [{ name: 'count', type: 'integer', sensitivity: 'open' }],
      });
      const open = await api('GET', '/api/v1/datasets?classification=public');
      assert.deepEqual(
        open.body.items.map((d: any) => d.slug),
        ['statistics'],
      );
      const personal = await api(
        'GET',
        '/api/v1/datasets?sensitivity=personal&organization=population-register',
      );
      assert.deepEqual(
        personal.body.items.map((d: any) => d.slug),
        ['population'],
      );
      const unknownOrg = await api('GET', '/api/v1/datasets?organization=nowhere');
      assert.equal(unknownOrg.status, 404);
    });

    test('a hosted service needs a keyed dataset and no base URL; a proxied one needs a base URL', async () => {
      const hosted = await api('POST', '/api/v1/organizations/population-register/services', steward, {
        slug: 'person',
        dataset: 'population',
        title: 'Person by national ID',
        kind: 'hosted',
      });
      assert.equal(hosted.status, 201, hosted.text);
      assert.equal(hosted.body.exchangePath, '/exchange/v1/population-register/person');
      const unkeyed = await api('POST', '/api/v1/organizations/population-register/services', steward, {
        slug: 'stats',
        dataset: 'statistics',
        title: 'Stats',
        kind: 'hosted',
      });
      assert.equal(unkeyed.status, 422);
      const noUrl = await api('POST', '/api/v1/organizations/population-register/services', steward, {
        slug: 'remote',
        dataset: 'population',
        title: 'Remote',
        kind: 'proxied',
      });
      assert.equal(noUrl.status, 400);
      assert.match(noUrl.body.error.message, /baseUrl/);
      // A proxied service's address must be on the platform admin's list (test/outbound/ssrf.test.ts).
      const allowed = await api('POST', '/api/v1/provider-origins', admin, {
        origin: 'https://api.population.example',
      });
      assert.equal(allowed.status, 201, allowed.text);
      const proxied = await api('POST', '/api/v1/organizations/population-register/services', steward, {
        slug: 'remote',
        dataset: 'population',
        title: 'Remote',
        kind: 'proxied',
        baseUrl: 'https://api.population.example/v1',
      });
      assert.equal(proxied.status, 201, proxied.text);
      const foreign = await api('POST', '/api/v1/organizations/population-register/services', steward, {
        slug: 'foreign',
        dataset: 'not-ours',
        title: 'X',
        kind: 'hosted',
      });
      assert.equal(foreign.status, 422);
      assert.equal(foreign.body.error.code, 'INVALID_REFERENCE');
      const dropKey = await api(
        'PATCH',
        '/api/v1/organizations/population-register/datasets/population',
        steward,
        { keyField: null },
      );
      assert.equal(dropKey.status, 409, 'a hosted service depends on the key field');
      const list = await api('GET', '/api/v1/organizations/population-register/services');
      assert.deepEqual(
        list.body.items.map((s: any) => s.slug),
        ['person', 'remote'],
      );
    });

    test('systems register public keys only; private keys, duplicate kids and both key sources are refused', async () => {
      const jwks = await publicJwks('k1');
      const ok = await api('POST', '/api/v1/organizations/population-register/systems', orgAdmin, {
        slug: 'frontend',
        name: 'Front end',
        jwks,
      });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.status, 'active');
      const secret = await api('POST', '/api/v1/organizations/population-register/systems', orgAdmin, {
        slug: 'leaky',
        name: 'Leaky',
        jwks: { keys: [await privateJwk('k2')] },
      });
      assert.equal(secret.status, 422);
      assert.equal(secret.body.error.code, 'INVALID_JWKS');
      assert.match(secret.body.error.message, /private key/);
      const dup = await api('POST', '/api/v1/organizations/population-register/systems', orgAdmin, {
        slug: 'dup',
        name: 'Dup',
        jwks: { keys: [jwks.keys[0], jwks.keys[0]] },
      });
      assert.equal(dup.status, 422);
      const broken = await api('POST', '/api/v1/organizations/population-register/systems', orgAdmin, {
        slug: 'broken',
        name: 'Broken',
        jwks: { keys: [{ kty: 'EC', kid: 'x', crv: 'P-256', x: 'AA', y: 'AA' }] },
      });
      assert.equal(broken.status, 422);
      const both = await api('POST', '/api/v1/organizations/population-register/systems', orgAdmin, {
        slug: 'both',
        name: 'Both',
        jwks,
        jwksUri: 'https://keys.example/jwks.json',
      });
      assert.equal(both.status, 400);
      const byUrl = await api('POST', '/api/v1/organizations/population-register/systems', orgAdmin, {
        slug: 'remote-keys',
        name: 'Remote keys',
        jwksUri: 'https://keys.example/jwks.json',
      });
      assert.equal(byUrl.status, 201, byUrl.text);
      assert.equal(byUrl.body.jwks, null);
    });

    test("a system's keys rotate and it can be disabled; only admins and auditors can see systems", async () => {
      const rotated = await api(
        'PATCH',
        '/api/v1/organizations/population-register/systems/frontend',
        orgAdmin,
        { jwks: await publicJwks('k2') },
      );
      assert.equal(rotated.status, 200, rotated.text);
      assert.equal(rotated.body.jwks.keys[0].kid, 'k2');
      const disabled = await api(
        'PATCH',
        '/api/v1/organizations/population-register/systems/frontend',
        orgAdmin,
        { status: 'disabled' },
      );
      assert.equal(disabled.body.status, 'disabled');
      assert.equal(
        (await api('GET', '/api/v1/organizations/population-register/systems', auditor)).status,
        200,
      );
      assert.equal(
        (await api('GET', '/api/v1/organizations/population-register/systems', steward)).status,
        403,
      );
      assert.equal(
        (await api('GET', '/api/v1/organizations/population-register/systems/frontend')).status,
        401,
      );
    });

    test('a DPO registers purposes with their legal basis, spelled out in plain words', async () => {
      const created = await api('POST', '/api/v1/organizations/housing-agency/purposes', dpo, {
        slug: 'housing-benefit-eligibility',
        title: 'Housing benefit eligibility',
        description: 'To decide whether you can get housing benefit.',
        legalBasis: 'gdpr-6-1-e',
        specialCategoryBasis: 'gdpr-9-2-b',
      });
      assert.equal(created.status, 201, created.text);
      assert.match(created.body.legalBasisText, /Public task/);
      assert.match(created.body.specialCategoryBasisText, /social security/);
      const unknownBasis = await api('POST', '/api/v1/organizations/housing-agency/purposes', dpo, {
        slug: 'x',
        title: 'X',
        description: 'X',
        legalBasis: 'because',
      });
      assert.equal(unknownBasis.status, 400);
      assert.match(unknownBasis.body.error.message, /must be one of/);
      const list = await api('GET', '/api/v1/purposes?organization=housing-agency');
      assert.deepEqual(
        list.body.items.map((p: any) => p.slug),
        ['housing-benefit-eligibility'],
      );
      const cleared = await api(
        'PATCH',
        '/api/v1/organizations/housing-agency/purposes/housing-benefit-eligibility',
        dpo,
        { specialCategoryBasis: null },
      );
      assert.equal(cleared.body.specialCategoryBasis, null);
      const elsewhere = await api(
        'PATCH',
        '/api/v1/organizations/population-register/purposes/housing-benefit-eligibility',
        orgAdmin,
        { title: 'Mine' },
      );
      assert.equal(elsewhere.status, 404, 'a purpose is changed only through its own organization');
    });

    test('people are registered by a platform admin; national IDs and emails are unique', async () => {
      const created = await api('POST', '/api/v1/people', admin, {
        name: 'Ada Citizen',
        email: 'ada@example.test',
        nationalId: 'EX123456789',
      });
      assert.equal(created.status, 201, created.text);
      const again = await api('POST', '/api/v1/people', admin, {
        name: 'Ada Again',
        nationalId: 'EX123456789',
      });
      assert.equal(again.status, 409);
      assert.equal((await api('GET', `/api/v1/people/${created.body.id}`, auditor)).body.name, 'Ada Citizen');
      assert.equal((await api('GET', '/api/v1/people', steward)).status, 403);
      const badEmail = await api('POST', '/api/v1/people', admin, { name: 'B', email: 'not-an-email' });
      assert.equal(badEmail.status, 400);
    });

    test("an organization admin sets and removes members' roles, but cannot make platform admins", async () => {
      const person = (await api('POST', '/api/v1/people', admin, { name: 'New Steward' })).body;
      const set = await api(
        'PUT',
        `/api/v1/organizations/population-register/members/${person.id}`,
        orgAdmin,
        { roles: ['data_steward', 'data_protection_officer'] },
      );
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(set.body.roles, ['data_protection_officer', 'data_steward']);
      const members = await api(
        'GET',
        '/api/v1/organizations/population-register/members?limit=200',
        steward,
      );
      assert.ok(members.body.items.some((m: any) => m.personId === person.id));
      const escalate = await api(
        'PUT',
        `/api/v1/organizations/population-register/members/${person.id}`,
        orgAdmin,
        { roles: ['platform_admin'] },
      );
      assert.equal(escalate.status, 403);
      const removed = await api(
        'PUT',
        `/api/v1/organizations/population-register/members/${person.id}`,
        orgAdmin,
        { roles: [] },
      );
      assert.deepEqual(removed.body.roles, []);
      const afterRemoval = await api('GET', `/api/v1/people/${person.id}`, admin);
      assert.deepEqual(afterRemoval.body.memberships, []);
      const ghost = await api(
        'PUT',
        '/api/v1/organizations/population-register/members/no-such-person',
        orgAdmin,
        { roles: ['data_steward'] },
      );
      assert.equal(ghost.status, 404);
    });

    test('GET /api/v1/me tells a token holder who they are and which roles they hold', async () => {
      const me = await api('GET', '/api/v1/me', steward);
      assert.equal(me.status, 200);
      assert.equal(me.body.person.name, 'Stella Steward');
      assert.deepEqual(me.body.roles, [{ role: 'data_steward', organization: 'population-register' }]);
      assert.equal(me.body.via, 'token');
      assert.equal((await api('GET', '/api/v1/me')).status, 401);
    });
  });
}
