/**
 * Bad input gets a clear error and loses nothing: every write route of the admin API, fed malformed
 * JSON, wrong types, unknown fields, an oversized body, the wrong media type, no credentials, a bad
 * token and the wrong role, refuses with the documented code and leaves the store unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { putRecords } from '../../src/registry/index.ts';
import { activeAgreement, signers } from '../support/agreements.ts';
import { populationFields, publicJwks, tableCounts } from '../support/fixtures.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

/** An agreement request of another organization for the test provider's service, for the action routes. */
const newAgreement = () => ({
  provider: 'provider',
  service: 'people-lookup',
  purpose: 'checking',
  fields: ['given_name', 'address.postcode'],
  validUntil: '2099-01-01T00:00:00Z',
  retentionDays: 30,
});

/** A statistics release of the people register (issue 20): it needs no records. */
const newRelease = () => ({
  dataset: 'people',
  slug: 'people-by-municipality',
  title: 'People by municipality',
  method: 'statistics',
  statistics: {
    dimensions: [
      { field: 'municipality', kind: 'categories', categories: ['North', 'South'], other: 'Elsewhere' },
    ],
    epsilon: '1',
  },
});

interface WriteRoute {
  method: 'POST' | 'PATCH' | 'PUT';
  path: string;
  /** The OpenAPI path template, to prove every write route is covered. */
  template: string;
  valid: () => Record<string, unknown>;
  wrongType: Record<string, unknown>;
  /** Who may call it, and someone who may not (null: every signed-in person may, about their own things). */
  allowed: () => string;
  forbidden: (() => string) | null;
  /** True when `allowed` is a session (a citizen's own routes take no personal access token). */
  signedIn?: true;
}

/** A write route whose body is a file (an import): refused in its own way, by media type and by columns. */
interface UploadRoute {
  path: string;
  template: string;
  valid: () => { body: string; contentType: string };
  /** A file of the right type that the route refuses whole, and a word its refusal names. */
  refused: { body: string; contentType: string; mentions: string };
  allowed: () => string;
  forbidden: () => string;
}

/** The allowed caller's credentials for call(). */
const allowedCaller = (route: WriteRoute) =>
  route.signedIn ? { session: route.allowed() } : { token: route.allowed() };

for (const dialect of DIALECTS) {
  describe(`admin API refuses bad input (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    const tokens: Record<string, string> = {};
    let personId = '';
    let jwks: Awaited<ReturnType<typeof publicJwks>>;
    let routes: WriteRoute[] = [];
    let uploads: UploadRoute[] = [];

    before(async () => {
      server = await startTestServer(dialect, { bodyLimitBytes: 4096 });
      tokens.admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
      tokens.orgAdmin = (await server.user([{ role: 'organization_admin', organization: 'provider' }])).token;
      const steward = await server.user([{ role: 'data_steward', organization: 'provider' }]);
      tokens.steward = steward.token;
      // A notification of the steward's, for the route that marks one read.
      const notification = crypto.randomUUID();
      await server.fresh.store.db
        .insertInto('notifications')
        .values({
          id: notification,
          person_id: steward.personId,
          key: 'test:validation',
          kind: 'approval_waiting',
          title: 'Your approval is needed',
          body: 'A request is waiting.',
          link: '/agency-console',
          ledger_index: null,
          created_at: new Date().toISOString(),
          read_at: null,
          email_status: 'none',
          email_attempts: 0,
          email_next_at: null,
          email_error: null,
          emailed_at: null,
        })
        .execute();
      tokens.dpo = (await server.user([{ role: 'data_protection_officer', organization: 'provider' }])).token;
      tokens.outsider = (
        await server.user([{ role: 'organization_admin', organization: 'elsewhere' }])
      ).token;
      const person = await server.user([], { name: 'Subject of membership' });
      personId = person.personId;
      jwks = await publicJwks();
      const as = (token: string) => ({ token });
      // Existing things for the PATCH routes to change.
      const made = [
        await call(server.url, 'POST', '/api/v1/organizations/provider/datasets', {
          ...as(tokens.steward),
          body: {
            slug: 'people',
            title: 'People',
            classification: 'restricted',
            keyField: 'national_id',
            fields: populationFields,
          },
        }),
        await call(server.url, 'POST', '/api/v1/organizations/provider/services', {
          ...as(tokens.steward),
          body: { slug: 'people-lookup', dataset: 'people', title: 'Look up a person', kind: 'hosted' },
        }),
        await call(server.url, 'POST', '/api/v1/organizations/provider/systems', {
          ...as(tokens.orgAdmin),
          body: { slug: 'backend', name: 'Backend', jwks },
        }),
        await call(server.url, 'POST', '/api/v1/organizations/provider/purposes', {
          ...as(tokens.dpo),
          body: {
            slug: 'checking',
            title: 'Checking',
            description: 'To check things.',
            legalBasis: 'gdpr-6-1-e',
          },
        }),
      ];
      for (const response of made) assert.equal(response.status, 201, response.text);
      // Two changes waiting for the data protection officer, on a dataset nothing else here changes.
      const signedOff = await call(server.url, 'POST', '/api/v1/organizations/provider/datasets', {
        ...as(tokens.steward),
        body: {
          slug: 'to-sign-off',
          title: 'To sign off',
          classification: 'restricted',
          fields: [{ name: 'note', type: 'string', sensitivity: 'personal' }],
        },
      });
      assert.equal(signedOff.status, 201, signedOff.text);
      const waiting = async () => {
        const proposed = await call(
          server.url,
          'PATCH',
          '/api/v1/organizations/provider/datasets/to-sign-off',
          {
            ...as(tokens.steward!),
            body: { fields: [{ name: 'note', type: 'string', sensitivity: 'open' }] },
          },
        );
        assert.equal(proposed.status, 202, proposed.text);
        return proposed.body.id as string;
      };
      const changeIds = { approve: await waiting(), reject: await waiting() };
      // Releases of the people register (issue 20), each in the state its route acts on.
      const budget = await call(
        server.url,
        'PUT',
        '/api/v1/organizations/provider/datasets/people/privacy-budget',
        {
          ...as(tokens.dpo!),
          body: { total: '100', reason: 'Room for the validation test.' },
        },
      );
      assert.equal(budget.status, 200, budget.text);
      const release = async (submitted: boolean) => {
        const made = await call(server.url, 'POST', '/api/v1/organizations/provider/releases', {
          ...as(tokens.steward!),
          body: { ...newRelease(), slug: `release-${crypto.randomUUID().slice(0, 8)}` },
        });
        assert.equal(made.status, 201, made.text);
        if (submitted) {
          const sent = await call(
            server.url,
            'POST',
            `/api/v1/organizations/provider/releases/${made.body.id}/submit`,
            {
              ...as(tokens.steward!),
              body: {},
            },
          );
          assert.equal(sent.status, 200, sent.text);
        }
        return made.body.id as string;
      };
      const releaseIds = {
        revise: await release(false),
        submit: await release(false),
        approve: await release(true),
        reject: await release(true),
      };
      const consentClient = await call(server.url, 'POST', '/api/v1/organizations/provider/consent-clients', {
        ...as(tokens.steward),
        body: {
          clientId: 'patchable',
          name: 'A service to change',
          redirectUris: ['https://service.provider.example/callback'],
          jwks,
          purposes: ['checking'],
        },
      });
      assert.equal(consentClient.status, 201, consentClient.text);
      // Agreements, templates and an emergency for the routes that change them: one per action, each
      // in the state its action applies to.
      tokens.consumer = (await server.user([{ role: 'data_steward', organization: 'elsewhere' }])).token;
      const sign = signers(server);
      const requested = async (submit: boolean) => {
        const created = await call(server.url, 'POST', '/api/v1/organizations/elsewhere/agreements', {
          ...as(tokens.consumer!),
          body: { ...newAgreement(), submit },
        });
        assert.equal(created.status, 201, created.text);
        return created.body.id as string;
      };
      const active = async () =>
        (await activeAgreement(server.url, sign, { ...newAgreement(), consumer: 'elsewhere' })).id;
      // A system of elsewhere's, and an agreement of its own purpose that releases the register's key: the
      // steward subscribes the system to the register's changes (issue 18).
      const following = [
        await call(server.url, 'POST', '/api/v1/organizations/provider/purposes', {
          ...as(tokens.dpo!),
          body: {
            slug: 'following',
            title: 'Following',
            description: 'To follow changes.',
            legalBasis: 'gdpr-6-1-e',
          },
        }),
        await call(server.url, 'POST', '/api/v1/organizations/elsewhere/systems', {
          ...as(tokens.outsider!),
          body: { slug: 'follower', name: 'Follower', jwks },
        }),
      ];
      for (const response of following) assert.equal(response.status, 201, response.text);
      await activeAgreement(server.url, sign, {
        ...newAgreement(),
        consumer: 'elsewhere',
        purpose: 'following',
        fields: ['national_id', 'given_name'],
      });
      const agreementIds = {
        submit: await requested(false),
        withdraw: await requested(false),
        approve: await requested(true),
        reject: await requested(true),
        suspend: await active(),
        resume: await active(),
        revoke: await active(),
        expire: await active(),
        amend: await active(),
      };
      const suspended = await call(
        server.url,
        'POST',
        `/api/v1/organizations/provider/agreements/${agreementIds.resume}/suspend`,
        { ...as(tokens.steward!), body: { reason: 'Paused for the test.' } },
      );
      assert.equal(suspended.status, 200, suspended.text);
      const template = await call(server.url, 'POST', '/api/v1/organizations/provider/agreement-templates', {
        ...as(tokens.steward!),
        body: {
          slug: 'to-retire',
          title: 'A template to retire',
          description: 'For the test.',
          service: 'people-lookup',
          purpose: 'checking',
          fields: ['given_name'],
          maxDurationDays: 30,
          retentionDays: 30,
          safeguards: 'None needed.',
        },
      });
      assert.equal(template.status, 201, template.text);
      const emergency = await call(server.url, 'POST', '/api/v1/emergencies', {
        ...as(tokens.admin!),
        body: { name: 'Test flood', reason: 'For the test.', endsAt: '2099-01-01T00:00:00Z' },
      });
      assert.equal(emergency.status, 201, emergency.text);
      const onPaper = { purpose: 'checking', collectionMethod: 'paper', evidence: 'EL-1 (signed form)' };
      const consent = await call(server.url, 'POST', '/api/v1/organizations/elsewhere/consents', {
        ...as(tokens.consumer!),
        body: { subject: 'EX100000017', ...onPaper },
      });
      assert.equal(consent.status, 201, consent.text);
      const own = await call(server.url, 'POST', '/api/v1/organizations/elsewhere/consents', {
        ...as(tokens.consumer!),
        body: { subject: 'EX100000033', ...onPaper },
      });
      assert.equal(own.status, 201, own.text);
      // Sources of the people register (issue 18): one with a running job, a pair waiting, a linked record
      // and a record to merge (written straight into the store); one with nothing running, to start a job.
      const clientFields = [
        { name: 'client_id', type: 'string', sensitivity: 'personal' },
        { name: 'given_name', type: 'string', sensitivity: 'personal' },
      ];
      for (const slug of ['clients', 'clients-b', 'clients-new']) {
        const copy: { status: number; text: string } = await call(
          server.url,
          'POST',
          '/api/v1/organizations/elsewhere/datasets',
          {
            ...as(tokens.consumer!),
            body: {
              slug,
              title: slug,
              classification: 'restricted',
              keyField: 'client_id',
              fields: clientFields,
            },
          },
        );
        assert.equal(copy.status, 201, copy.text);
      }
      const sources: string[] = [];
      for (const dataset of ['clients', 'clients-b']) {
        const registered: { status: number; text: string; body: { id: string } } = await call(
          server.url,
          'POST',
          '/api/v1/organizations/elsewhere/sources',
          {
            ...as(tokens.consumer!),
            body: { dataset, register: { organization: 'provider', dataset: 'people' } },
          },
        );
        assert.equal(registered.status, 201, registered.text);
        sources.push(registered.body.id);
      }
      const [source, idleSource] = sources as [string, string];
      const db = server.fresh.store.db;
      const at = new Date().toISOString();
      const runningJob = crypto.randomUUID();
      await db
        .insertInto('linkage_jobs')
        .values({
          ...{ id: runningJob, source_id: source, status: 'running', stage: null, started_by: null },
          ...{ started_at: at, updated_at: at, finished_at: null, cancel_requested: 0, failure: null },
          ...{ source_records: 0, register_records: 0, linked: 0, queued: 0, kept: 0 },
        })
        .execute();
      const waitingPair = crypto.randomUUID();
      await db
        .insertInto('link_pairs')
        .values({
          ...{ id: waitingPair, source_id: source, record_key: 'k0', entity_id: 'EX100000058' },
          ...{ status: 'pending', probability: 0.6, weight: 0.6, explanation: null, job_id: null },
          ...{ created_at: at, decided_by: null, decided_at: null, reason: null },
        })
        .execute();
      await db
        .insertInto('source_links')
        .values({
          source_id: source,
          record_key: 'k1',
          entity_id: 'EX100000058',
          origin: 'job',
          probability: 1,
          job_id: null,
          at,
        })
        .execute();
      const datasetIdOf = async (slug: string) =>
        (await db.selectFrom('datasets').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
      await putRecords(db, await datasetIdOf('clients'), [
        { key: 'k2', data: { client_id: 'k2', given_name: 'Ada' } },
      ]);
      await putRecords(db, await datasetIdOf('people'), [
        { key: 'EX100000058', data: { national_id: 'EX100000058', given_name: 'Ada' } },
      ]);
      tokens.citizen = await server.session((await server.user([], { nationalId: 'EX100000033' })).personId);
      // The citizen's entry in the people register, which they ask to correct; one request waits for an answer.
      const people = await server.fresh.store.db
        .selectFrom('datasets')
        .select('id')
        .where('slug', '=', 'people')
        .executeTakeFirstOrThrow();
      await server.fresh.store.db
        .insertInto('records')
        .values({
          dataset_id: people.id,
          key: 'EX100000033',
          data: JSON.stringify({ national_id: 'EX100000033', given_name: 'Ana' }),
          updated_at: new Date().toISOString(),
        })
        .execute();
      const correction = () => ({
        organization: 'provider',
        dataset: 'people',
        key: 'EX100000033',
        field: 'given_name',
        problem: 'My name is misspelt.',
        proposed: 'Anna',
      });
      const waitingCorrection = await call(server.url, 'POST', '/api/v1/me/corrections', {
        session: tokens.citizen,
        body: correction(),
      });
      assert.equal(waitingCorrection.status, 201, waitingCorrection.text);
      /** Who acts, and who may not: the receiving side for its own moves, the providing side for the rest. */
      const receiving = ['submit', 'withdraw'];
      const agreementAction = (action: keyof typeof agreementIds): WriteRoute => ({
        method: 'POST',
        path: `/api/v1/organizations/${receiving.includes(action) ? 'elsewhere' : 'provider'}/agreements/${agreementIds[action]}/${action}`,
        template: `/api/v1/organizations/{org}/agreements/{id}/${action}`,
        valid: () =>
          action === 'amend'
            ? { reason: 'Checked by the validation test.', retentionDays: 20 }
            : { reason: 'Checked by the validation test.' },
        wrongType: { reason: 5 },
        allowed: () => (receiving.includes(action) ? tokens.consumer! : tokens.steward!),
        forbidden: () => (receiving.includes(action) ? tokens.dpo! : tokens.orgAdmin!),
      });

      let n = 0;
      const unique = () => `new-${++n}`;
      uploads = [
        {
          path: '/api/v1/organizations/provider/datasets/people/imports',
          template: '/api/v1/organizations/{org}/datasets/{slug}/imports',
          valid: () => ({ body: 'national_id,given_name\nEX100000017,Ada\n', contentType: 'text/csv' }),
          refused: {
            body: 'national_id,shoe_size\nEX100000017,44\n',
            contentType: 'text/csv',
            mentions: 'shoe_size',
          },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
      ];
      routes = [
        {
          method: 'POST',
          path: '/api/v1/organizations',
          template: '/api/v1/organizations',
          valid: () => ({ slug: unique(), name: 'New', kind: 'agency' }),
          wrongType: { slug: 'x1', name: 42, kind: 'agency' },
          allowed: () => tokens.admin!,
          forbidden: () => tokens.orgAdmin!,
        },
        {
          method: 'PATCH',
          path: '/api/v1/organizations/provider',
          template: '/api/v1/organizations/{org}',
          valid: () => ({ name: 'Provider' }),
          wrongType: { name: ['Provider'] },
          allowed: () => tokens.orgAdmin!,
          forbidden: () => tokens.steward!,
        },
        {
          method: 'PUT',
          path: `/api/v1/organizations/provider/members/${personId}`,
          template: '/api/v1/organizations/{org}/members/{personId}',
          valid: () => ({ roles: ['data_steward'] }),
          wrongType: { roles: 'data_steward' },
          allowed: () => tokens.orgAdmin!,
          forbidden: () => tokens.outsider!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/tokens',
          template: '/api/v1/organizations/{org}/tokens',
          valid: () => ({ name: unique(), roles: ['organization_admin'] }),
          wrongType: { name: 'ci', roles: ['organization_admin'], expiresInDays: '30' },
          allowed: () => tokens.orgAdmin!,
          forbidden: () => tokens.steward!,
        },
        {
          method: 'POST',
          path: '/api/v1/people',
          template: '/api/v1/people',
          valid: () => ({ name: 'Someone' }),
          wrongType: { name: 'Someone', nationalId: 12345678 },
          allowed: () => tokens.admin!,
          forbidden: () => tokens.orgAdmin!,
        },
        {
          method: 'PATCH',
          path: `/api/v1/people/${personId}`,
          template: '/api/v1/people/{id}',
          valid: () => ({ name: 'Renamed' }),
          wrongType: { name: false },
          allowed: () => tokens.admin!,
          forbidden: () => tokens.orgAdmin!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/systems',
          template: '/api/v1/organizations/{org}/systems',
          valid: () => ({ slug: unique(), name: 'A system', jwks }),
          wrongType: { slug: 'sys-x', name: 'S', jwks: 'not-an-object' },
          allowed: () => tokens.orgAdmin!,
          forbidden: () => tokens.steward!,
        },
        {
          method: 'PATCH',
          path: '/api/v1/organizations/provider/systems/backend',
          template: '/api/v1/organizations/{org}/systems/{slug}',
          valid: () => ({ description: 'Main backend' }),
          wrongType: { status: true },
          allowed: () => tokens.orgAdmin!,
          forbidden: () => tokens.outsider!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/datasets',
          template: '/api/v1/organizations/{org}/datasets',
          valid: () => ({ slug: unique(), title: 'A dataset', classification: 'internal', fields: [] }),
          wrongType: {
            slug: 'ds-x',
            title: 'T',
            classification: 'internal',
            fields: [{ name: 'a', type: 'string', sensitivity: 3 }],
          },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'PATCH',
          path: '/api/v1/organizations/provider/datasets/people',
          template: '/api/v1/organizations/{org}/datasets/{slug}',
          valid: () => ({ description: 'Everyone' }),
          wrongType: { title: 7 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.outsider!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/datasets/people/quality-checks',
          template: '/api/v1/organizations/{org}/datasets/{slug}/quality-checks',
          valid: () => ({ checkLinks: false }),
          wrongType: { checkLinks: 'yes' },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/services',
          template: '/api/v1/organizations/{org}/services',
          valid: () => ({ slug: unique(), dataset: 'people', title: 'Another lookup', kind: 'hosted' }),
          wrongType: { slug: 'svc-x', dataset: 'people', title: 'T', kind: 'hosted', baseUrl: 80 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'PATCH',
          path: '/api/v1/organizations/provider/services/people-lookup',
          template: '/api/v1/organizations/{org}/services/{slug}',
          valid: () => ({ title: 'Find a person' }),
          wrongType: { title: null },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.outsider!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/releases',
          template: '/api/v1/organizations/{org}/releases',
          valid: () => ({ ...newRelease(), slug: unique() }),
          wrongType: { ...newRelease(), slug: unique(), method: 'census' },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'PUT',
          path: `/api/v1/organizations/provider/releases/${releaseIds.revise}`,
          template: '/api/v1/organizations/{org}/releases/{id}',
          valid: () => {
            const { dataset: _d, slug: _s, ...revision } = newRelease();
            return revision;
          },
          wrongType: { method: 'statistics', title: 'T', statistics: { dimensions: [], epsilon: 1 } },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: `/api/v1/organizations/provider/releases/${releaseIds.submit}/submit`,
          template: '/api/v1/organizations/{org}/releases/{id}/submit',
          valid: () => ({ note: 'Ready for you.' }),
          wrongType: { note: 5 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        ...(['approve', 'reject'] as const).map(
          (action): WriteRoute => ({
            method: 'POST',
            path: `/api/v1/organizations/provider/releases/${releaseIds[action]}/${action}`,
            template: `/api/v1/organizations/{org}/releases/{id}/${action}`,
            valid: () => ({ reason: 'Checked by the validation test.' }),
            wrongType: { reason: 5 },
            allowed: () => tokens.dpo!,
            forbidden: () => tokens.steward!,
          }),
        ),
        {
          method: 'PUT',
          path: '/api/v1/organizations/provider/datasets/people/privacy-budget',
          template: '/api/v1/organizations/{org}/datasets/{slug}/privacy-budget',
          valid: () => ({ total: '200', reason: 'More room.' }),
          wrongType: { total: 200, reason: 'More room.' },
          allowed: () => tokens.dpo!,
          forbidden: () => tokens.steward!,
        },
        ...(['approve', 'reject'] as const).map(
          (action): WriteRoute => ({
            method: 'POST',
            path: `/api/v1/organizations/provider/catalog-changes/${changeIds[action]}/${action}`,
            template: `/api/v1/organizations/{org}/catalog-changes/{id}/${action}`,
            valid: () => ({ reason: 'Checked by the validation test.' }),
            wrongType: { reason: 5 },
            allowed: () => tokens.dpo!,
            forbidden: () => tokens.steward!,
          }),
        ),
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/purposes',
          template: '/api/v1/organizations/{org}/purposes',
          valid: () => ({ slug: unique(), title: 'P', description: 'A reason.', legalBasis: 'gdpr-6-1-c' }),
          wrongType: { slug: 'p-x', title: 'P', description: 'D', legalBasis: 6 },
          allowed: () => tokens.dpo!,
          forbidden: () => tokens.steward!,
        },
        {
          method: 'PATCH',
          path: '/api/v1/organizations/provider/purposes/checking',
          template: '/api/v1/organizations/{org}/purposes/{slug}',
          valid: () => ({ title: 'Checking eligibility' }),
          wrongType: { specialCategoryBasis: 9 },
          allowed: () => tokens.dpo!,
          forbidden: () => tokens.outsider!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/elsewhere/agreements',
          template: '/api/v1/organizations/{org}/agreements',
          valid: newAgreement,
          wrongType: { ...newAgreement(), retentionDays: '30' },
          allowed: () => tokens.consumer!,
          forbidden: () => tokens.dpo!,
        },
        ...(Object.keys(agreementIds) as (keyof typeof agreementIds)[]).map(agreementAction),
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/agreement-templates',
          template: '/api/v1/organizations/{org}/agreement-templates',
          valid: () => ({
            slug: unique(),
            title: 'Template',
            description: 'For the test.',
            service: 'people-lookup',
            purpose: 'checking',
            fields: ['given_name'],
            maxDurationDays: 30,
            retentionDays: 30,
            safeguards: 'None needed.',
          }),
          wrongType: {
            slug: 't-x',
            title: 'T',
            description: 'D',
            service: 'people-lookup',
            purpose: 'checking',
            fields: ['given_name'],
            maxDurationDays: '30',
            retentionDays: 30,
            safeguards: 'S',
          },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/agreement-templates/to-retire/retire',
          template: '/api/v1/organizations/{org}/agreement-templates/{slug}/retire',
          valid: () => ({ reason: 'No longer offered.' }),
          wrongType: { reason: 5 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: '/api/v1/emergencies',
          template: '/api/v1/emergencies',
          valid: () => ({ name: 'Storm', reason: 'For the test.', endsAt: '2099-01-01T00:00:00Z' }),
          wrongType: { name: 'Storm', reason: 'For the test.', endsAt: 20990101 },
          allowed: () => tokens.admin!,
          forbidden: () => tokens.orgAdmin!,
        },
        {
          method: 'POST',
          path: `/api/v1/emergencies/${emergency.body.id}/end`,
          template: '/api/v1/emergencies/{id}/end',
          valid: () => ({ reason: 'The water has gone down.' }),
          wrongType: { reason: 5 },
          allowed: () => tokens.admin!,
          forbidden: () => tokens.orgAdmin!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/consent-clients',
          template: '/api/v1/organizations/{org}/consent-clients',
          valid: () => ({
            clientId: unique(),
            name: 'A service',
            redirectUris: ['https://service.provider.example/callback'],
            jwks,
            purposes: ['checking'],
          }),
          wrongType: {
            clientId: 'svc-x',
            name: 'S',
            redirectUris: 'https://service.provider.example/callback',
            jwks,
            purposes: ['checking'],
          },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'PATCH',
          path: '/api/v1/organizations/provider/consent-clients/patchable',
          template: '/api/v1/organizations/{org}/consent-clients/{clientId}',
          valid: () => ({ name: 'A changed service' }),
          wrongType: { preview: 'yes' },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/elsewhere/systems/follower/feeds',
          template: '/api/v1/organizations/{org}/systems/{slug}/feeds',
          valid: () => ({ provider: 'provider', service: 'people-lookup', purpose: 'following' }),
          wrongType: { provider: 'provider', service: 'people-lookup', purpose: 'following', kinds: 'all' },
          allowed: () => tokens.consumer!,
          forbidden: () => tokens.steward!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/provider/webhooks',
          template: '/api/v1/organizations/{org}/webhooks',
          valid: () => ({ url: 'https://hooks.provider.example/govdx', events: [] }),
          wrongType: { url: 5, events: [] },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/elsewhere/consents',
          template: '/api/v1/organizations/{org}/consents',
          valid: () => ({
            subject: 'EX100000025',
            purpose: 'checking',
            collectionMethod: 'assisted',
            evidence: 'EL-2 (case note)',
          }),
          wrongType: {
            subject: 100000025,
            purpose: 'checking',
            collectionMethod: 'assisted',
            evidence: 'EL-2',
          },
          allowed: () => tokens.consumer!,
          forbidden: () => tokens.steward!,
        },
        {
          method: 'POST',
          path: `/api/v1/consents/${consent.body.id}/revoke`,
          template: '/api/v1/consents/{id}/revoke',
          valid: () => ({ reason: 'Withdrawn by the person.' }),
          wrongType: { reason: 5 },
          allowed: () => tokens.admin!,
          forbidden: () => tokens.orgAdmin!,
        },
        {
          method: 'POST',
          path: `/api/v1/me/consents/${own.body.id}/revoke`,
          template: '/api/v1/me/consents/{id}/revoke',
          valid: () => ({ reason: 'I changed my mind.' }),
          wrongType: { reason: 5 },
          allowed: () => tokens.citizen!,
          forbidden: () => tokens.admin!,
          signedIn: true,
        },
        {
          method: 'POST',
          path: '/api/v1/me/corrections',
          template: '/api/v1/me/corrections',
          valid: correction,
          wrongType: { ...correction(), problem: 5 },
          allowed: () => tokens.citizen!,
          forbidden: () => tokens.admin!,
          signedIn: true,
        },
        {
          method: 'POST',
          path: `/api/v1/organizations/provider/corrections/${waitingCorrection.body.id}/answer`,
          template: '/api/v1/organizations/{org}/corrections/{id}/answer',
          valid: () => ({ outcome: 'corrected', reason: 'Spelling corrected.' }),
          wrongType: { outcome: 'corrected', reason: 5 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.outsider!,
        },
        {
          method: 'POST',
          path: `/api/v1/me/notifications/${notification}/read`,
          template: '/api/v1/me/notifications/{id}/read',
          valid: () => ({}),
          wrongType: { read: true },
          allowed: () => tokens.steward!,
          forbidden: null,
        },
        {
          method: 'POST',
          path: '/api/v1/me/notifications/read-all',
          template: '/api/v1/me/notifications/read-all',
          valid: () => ({}),
          wrongType: { before: 5 },
          allowed: () => tokens.steward!,
          forbidden: null,
        },
        {
          method: 'POST',
          path: '/api/v1/organizations/elsewhere/sources',
          template: '/api/v1/organizations/{org}/sources',
          valid: () => ({
            dataset: 'clients-new',
            register: { organization: 'provider', dataset: 'people' },
          }),
          wrongType: { dataset: 5, register: { organization: 'provider', dataset: 'people' } },
          allowed: () => tokens.consumer!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: `/api/v1/sources/${idleSource}/linkage-jobs`,
          template: '/api/v1/sources/{id}/linkage-jobs',
          valid: () => ({}),
          wrongType: { wait: true },
          allowed: () => tokens.consumer!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: `/api/v1/sources/${source}/linkage-jobs/${runningJob}/cancel`,
          template: '/api/v1/sources/{id}/linkage-jobs/{job}/cancel',
          valid: () => ({}),
          wrongType: { now: true },
          allowed: () => tokens.consumer!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: `/api/v1/sources/${source}/review/${waitingPair}`,
          template: '/api/v1/sources/{id}/review/{pair}',
          valid: () => ({ decision: 'accept', reason: 'Same person.' }),
          wrongType: { decision: 5 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: `/api/v1/sources/${source}/links/k1/split`,
          template: '/api/v1/sources/{id}/links/{key}/split',
          valid: () => ({ reason: 'Not the same person.' }),
          wrongType: { reason: 5 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: `/api/v1/sources/${source}/links/k2/merge`,
          template: '/api/v1/sources/{id}/links/{key}/merge',
          valid: () => ({ entityId: 'EX100000058' }),
          wrongType: { entityId: 58 },
          allowed: () => tokens.steward!,
          forbidden: () => tokens.dpo!,
        },
        {
          method: 'POST',
          path: '/api/v1/provider-origins',
          template: '/api/v1/provider-origins',
          valid: () => ({ origin: `https://${unique()}.provider.example` }),
          wrongType: { origin: 'https://x.provider.example', privateNetwork: 'yes' },
          allowed: () => tokens.admin!,
          forbidden: () => tokens.orgAdmin!,
        },
      ];
    });
    after(() => server?.close());

    test('the table below covers every write route in the OpenAPI document', async () => {
      const doc = (await call(server.url, 'GET', '/openapi.json')).body;
      const writes: string[] = [];
      for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
        for (const method of ['post', 'put', 'patch'])
          if (operations[method] && path.startsWith('/api/')) writes.push(`${method.toUpperCase()} ${path}`);
      }
      assert.deepEqual(
        [
          ...routes.map((r) => `${r.method} ${r.template}`),
          ...uploads.map((u) => `POST ${u.template}`),
        ].sort(),
        writes.sort(),
      );
    });

    test('each upload route takes its file, and refuses the wrong media type, caller or columns, changing nothing', async () => {
      for (const route of uploads) {
        const send = (file: { body: string; contentType: string }, token?: string) =>
          call(server.url, 'POST', route.path, {
            ...(token === undefined ? {} : { token }),
            rawBody: file.body,
            headers: { 'content-type': file.contentType },
          });
        const accepted = await send(route.valid(), route.allowed());
        assert.equal(accepted.status, 201, accepted.text);
        assert.equal(accepted.body.status, 'completed');
        const refusals: Array<
          [string, () => Promise<{ status: number; text: string; body: any }>, number, string]
        > = [
          [
            'JSON',
            () => send({ body: '{}', contentType: 'application/json' }, route.allowed()),
            415,
            'UNSUPPORTED_MEDIA_TYPE',
          ],
          ['no credentials', () => send(route.valid()), 401, 'UNAUTHENTICATED'],
          ['unknown token', () => send(route.valid(), 'gdx_pat_not-a-real-token'), 401, 'TOKEN_INVALID'],
          ['wrong role', () => send(route.valid(), route.forbidden()), 403, 'FORBIDDEN'],
          ['unknown column', () => send(route.refused, route.allowed()), 400, 'VALIDATION_FAILED'],
          [
            'not Parquet',
            () =>
              send(
                { body: 'not a parquet file', contentType: 'application/vnd.apache.parquet' },
                route.allowed(),
              ),
            400,
            'VALIDATION_FAILED',
          ],
        ];
        for (const [name, request, status, code] of refusals) {
          const before = await tableCounts(server.fresh.store.db);
          const response = await request();
          assert.equal(response.status, status, `${name}: ${response.text}`);
          assert.equal(response.body.error?.code, code, name);
          if (name === 'unknown column')
            assert.match(response.body.error.message, new RegExp(route.refused.mentions));
          assert.deepEqual(await tableCounts(server.fresh.store.db), before, `${name} changed the store`);
        }
      }
    });

    test('each route accepts its valid body from an allowed caller', async () => {
      for (const route of routes) {
        const response = await call(server.url, route.method, route.path, {
          ...allowedCaller(route),
          body: route.valid(),
        });
        assert.ok(
          response.status === 200 || response.status === 201,
          `${route.method} ${route.path}: ${response.status} ${response.text}`,
        );
      }
    });

    /** Sends each bad request to each route and checks the refusal and that nothing changed. */
    async function refuses(
      name: string,
      request: (route: WriteRoute) => Parameters<typeof call>[3],
      expected: { status: number; code: string; mentions?: (route: WriteRoute) => string },
      only: (route: WriteRoute) => boolean = () => true,
    ) {
      for (const route of routes.filter(only)) {
        const before = await tableCounts(server.fresh.store.db);
        const response = await call(server.url, route.method, route.path, request(route));
        const where = `${name}: ${route.method} ${route.path}`;
        assert.equal(response.status, expected.status, `${where}: ${response.text}`);
        assert.equal(response.body.error?.code, expected.code, where);
        assert.equal(typeof response.body.error.message, 'string', where);
        assert.ok(response.body.error.message.length > 10, where);
        assert.doesNotMatch(response.text, /at \S+ \(|node_modules|stack/i, `${where} leaks internals`);
        if (expected.mentions)
          assert.match(response.body.error.message, new RegExp(expected.mentions(route)), where);
        assert.deepEqual(await tableCounts(server.fresh.store.db), before, `${where} changed the store`);
      }
    }

    test('malformed JSON is refused with MALFORMED_JSON', () =>
      refuses(
        'malformed',
        (r) => ({
          ...allowedCaller(r),
          rawBody: '{"name": "unterminated',
          headers: { 'content-type': 'application/json' },
        }),
        { status: 400, code: 'MALFORMED_JSON' },
      ));

    test('a value of the wrong type is refused with VALIDATION_FAILED, not coerced', () =>
      refuses('wrong type', (r) => ({ ...allowedCaller(r), body: r.wrongType }), {
        status: 400,
        code: 'VALIDATION_FAILED',
      }));

    test('an unknown field is refused with VALIDATION_FAILED naming the field, not dropped', () =>
      refuses('unknown field', (r) => ({ ...allowedCaller(r), body: { ...r.valid(), surpriseField: 1 } }), {
        status: 400,
        code: 'VALIDATION_FAILED',
        mentions: () => 'surpriseField',
      }));

    test('a body over the configured limit is refused with BODY_TOO_LARGE', () =>
      refuses(
        'oversized',
        (r) => ({ ...allowedCaller(r), body: { ...r.valid(), description: 'x'.repeat(5000) } }),
        { status: 413, code: 'BODY_TOO_LARGE' },
      ));

    test('a body that is not JSON is refused with UNSUPPORTED_MEDIA_TYPE', () =>
      refuses(
        'media type',
        (r) => ({
          ...allowedCaller(r),
          rawBody: 'name=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      ));

    test('without credentials every write is refused with UNAUTHENTICATED', () =>
      refuses('no auth', (r) => ({ body: r.valid() }), { status: 401, code: 'UNAUTHENTICATED' }));

    test('an unknown or malformed token is refused with TOKEN_INVALID', async () => {
      await refuses('unknown token', (r) => ({ token: 'gdx_pat_not-a-real-token', body: r.valid() }), {
        status: 401,
        code: 'TOKEN_INVALID',
      });
      await refuses(
        'basic auth',
        (r) => ({ headers: { authorization: 'Basic dXNlcjpwYXNz' }, body: r.valid() }),
        { status: 401, code: 'TOKEN_INVALID' },
      );
    });

    test('a caller without the required role is refused with FORBIDDEN', () =>
      refuses(
        'wrong role',
        (r) => ({ token: r.forbidden!(), body: r.valid() }),
        { status: 403, code: 'FORBIDDEN' },
        (r) => r.forbidden !== null,
      ));

    test('a bad query string is refused: out-of-range limit, unknown parameter, foreign cursor', async () => {
      for (const query of ['limit=0', 'limit=201', 'limit=ten', 'colour=blue', 'cursor=bm90LW91cnM']) {
        const response = await call(server.url, 'GET', `/api/v1/organizations?${query}`);
        assert.equal(response.status, 400, `${query}: ${response.text}`);
        assert.equal(response.body.error.code, 'VALIDATION_FAILED', query);
      }
    });

    test('a bad usage query is refused: a day that is not one, a range backwards or over a year, an unknown format or parameter', async () => {
      const routes: Array<[string, string]> = [
        ['/api/v1/organizations/provider/services/people-lookup/usage', tokens.steward!],
        ['/api/v1/organizations/provider/usage', tokens.steward!],
        ['/api/v1/usage', tokens.admin!],
      ];
      const bad = [
        'from=yesterday',
        'to=2025-02-30',
        'from=2025-03-02&to=2025-03-01',
        'from=2024-01-01&to=2025-01-01',
        'format=xml',
        'colour=blue',
        'consumer=Not_A_Slug',
      ];
      for (const [path, token] of routes) {
        for (const query of bad) {
          const response = await call(server.url, 'GET', `${path}?${query}`, { token });
          assert.equal(response.status, 400, `${path}?${query}: ${response.text}`);
          assert.equal(response.body.error.code, 'VALIDATION_FAILED', `${path}?${query}`);
        }
        const fine = await call(server.url, 'GET', `${path}?from=2024-01-02&to=2025-01-01`, { token });
        assert.equal(fine.status, 200, `366 days are allowed: ${fine.text}`);
      }
    });

    test('unknown paths and unknown things answer 404 with a stable code', async () => {
      const route = await call(server.url, 'GET', '/api/v1/nothing-here');
      assert.equal(route.status, 404);
      assert.equal(route.body.error.code, 'ROUTE_NOT_FOUND');
      const thing = await call(server.url, 'GET', '/api/v1/organizations/no-such-org');
      assert.equal(thing.status, 404);
      assert.equal(thing.body.error.code, 'NOT_FOUND');
      const bad = await call(server.url, 'GET', '/api/v1/organizations/Not_A_Slug');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    });
  });
}
