/**
 * The authorization matrix: every operation of /openapi.json × every kind of caller, against the one
 * declared policy (test/http/authorization-policy.ts). Each cell is a real HTTP call to one server with
 * a request the operation accepts, so an allowed caller gets its answer and a refused one gets the
 * refusal's stable code. An operation missing from the policy, or from the requests below, fails.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JWK } from 'jose';
import * as consent from '../../src/consent/index.ts';
import type { MembershipRole } from '../../src/domain/index.ts';
import { clientAssertion } from '../../src/exchange/index.ts';
import { SESSION_COOKIE, startSession } from '../../src/identity/index.ts';
import { putRecords } from '../../src/registry/index.ts';
import { activeAgreement, type Signers, signers } from '../support/agreements.ts';
import { populationFields, privateJwk } from '../support/fixtures.ts';
import { type ApiResponse, call, startTestServer, type TestServer } from '../support/server.ts';
import {
  CALLER_KINDS,
  CALLERS,
  type Caller,
  type Outcome,
  operationOf,
  POLICY,
} from './authorization-policy.ts';

const CITIZEN_ID = 'EX100000033';
/** The personal access token's creator is a citizen too: the token must not act as them. */
const TOKEN_CREATOR_ID = 'EX100000025';
/** A citizen's national ID that no account holds yet. */
const UNCLAIMED_ID = 'EX100000017';
const OFFICIAL = 'caseworker@partner.example';
const PURPOSE = 'checking';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A release of open data from home's people register (issue 20): statistics, so it needs no records. */
const RELEASE = {
  dataset: 'people',
  title: 'People by municipality',
  method: 'statistics',
  statistics: {
    dimensions: [
      { field: 'municipality', kind: 'categories', categories: ['North', 'South'], other: 'Elsewhere' },
    ],
    epsilon: '1',
  },
};

/** One call: the path with its parameters and query filled in, and a body the operation accepts. */
interface Request {
  path: string;
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of JSON. */
  form?: Record<string, string>;
  /** Sent as it is, with this Content-Type (a file to import). */
  file?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

interface Operation {
  /** Makes the request for one caller; stateful operations make a fresh target for each call. */
  request: (caller: Caller) => Promise<Request> | Request;
  /**
   * Statuses an allowed call may answer besides 2xx and 3xx, where the operation's answer is not a
   * success for reasons other than access (say why).
   */
  answers?: number[];
  /** Called after a call that was let through: the thing it acted on is used up. */
  consumed?: () => void;
}

/**
 * A thing for stateful operations to act on, made when first asked for and kept until a call that is
 * let through uses it up: refused calls change nothing, so they can share one.
 */
function reusable(make: () => Promise<string>) {
  let current: Promise<string> | undefined;
  return {
    take: () => {
      current ??= make();
      return current;
    },
    consumed: () => {
      current = undefined;
    },
  };
}

/** How each kind of caller authenticates: a fresh session cookie for each call, or a bearer token. */
type Credential = { cookie?: string; token?: string };

describe('the authorization matrix: every operation × every kind of caller', () => {
  let server: TestServer;
  let url = '';
  let sign: Signers;
  let operations: Record<string, Operation> = {};
  const people: Partial<Record<Caller, string>> = {};
  let patToken = '';
  /** The person who made the personal access token. */
  let patPerson = '';
  let systemToken = '';
  let systemKey: JWK;
  let doc: any;

  async function credential(caller: Caller): Promise<Credential> {
    switch (caller) {
      case 'anonymous':
        return {};
      case 'personalAccessToken':
        return { token: patToken };
      case 'systemToken':
        return { token: systemToken };
      default: {
        // A fresh session for each call, so that a call that ends a session (sign-out) ends only its own.
        const { cookie } = await startSession(server.fresh.store.db, people[caller]!, 1, null);
        return { cookie };
      }
    }
  }

  async function send(method: string, request: Request, who: Credential): Promise<ApiResponse<any>> {
    const headers: Record<string, string> = { ...request.headers };
    if (who.token) headers.authorization = `Bearer ${who.token}`;
    if (who.cookie) headers.cookie = `${SESSION_COOKIE}=${who.cookie}`;
    let body: string | undefined;
    if (request.file) {
      body = request.file.body;
      headers['content-type'] = request.file.contentType;
    } else if (request.form) {
      body = new URLSearchParams(request.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${url}${request.path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: any = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {}
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** A fixture call by someone entitled to make it; it must succeed. */
  async function setUp(method: string, path: string, token: string, body?: unknown) {
    const response = await call(url, method, path, { token, body });
    assert.ok(response.status < 300, `setting up: ${method} ${path}: ${response.status} ${response.text}`);
    return response.body;
  }

  const person = async (
    roles: Array<{ role: MembershipRole; organization: string }>,
    options: { nationalId?: string; name?: string } = {},
  ) => server.user(roles, options);

  /** A fresh notification of the person's, as the notifications job makes them. */
  async function notificationOf(personId: string): Promise<string> {
    const id = crypto.randomUUID();
    await server.fresh.store.db
      .insertInto('notifications')
      .values({
        id,
        person_id: personId,
        key: `test:${id}`,
        kind: 'emergency_declared',
        title: 'Emergency declared: a test',
        body: 'A test.',
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
    return id;
  }

  before(async () => {
    server = await startTestServer('sqlite');
    url = server.url;
    sign = signers(server);
    doc = (await call(url, 'GET', '/openapi.json')).body;

    // The callers: organization roles in `home`, the global ones elsewhere.
    const holders: Array<[Caller, MembershipRole | null, string]> = [
      ['dataSteward', 'data_steward', 'home'],
      ['organizationAdmin', 'organization_admin', 'home'],
      ['dataProtectionOfficer', 'data_protection_officer', 'home'],
      ['legalReviewer', 'legal_reviewer', 'home'],
      ['auditor', 'auditor', 'data-protection-authority'],
      ['platformAdmin', 'platform_admin', 'digital-agency'],
      ['outsider', 'organization_admin', 'elsewhere'],
    ];
    for (const [caller, role, organization] of holders) {
      people[caller] = (
        await person(role ? [{ role, organization }] : [], { name: CALLERS[caller] })
      ).personId;
    }
    people.citizen = (await person([], { nationalId: CITIZEN_ID, name: 'A citizen' })).personId;
    const patMaker = await person([{ role: 'organization_admin', organization: 'home' }], {
      nationalId: TOKEN_CREATOR_ID,
      name: 'An organization admin who is also a citizen',
    });
    patToken = patMaker.token;
    patPerson = patMaker.personId;
    await server.organization('partner');

    // Fixture makers (their own people, not the callers): home's and partner's signers, a platform admin.
    const admin = (await person([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
    const homeSteward = await sign('home', 'data_steward');
    const homeDpo = await sign('home', 'data_protection_officer');
    const partnerSteward = await sign('partner', 'data_steward');
    const partnerAdmin = await sign('partner', 'organization_admin');
    const homeAdmin = await sign('home', 'organization_admin');

    // Home provides people (with a special-category field); partner provides a register of its own.
    const fields = [
      ...populationFields,
      { name: 'health_condition', type: 'string', sensitivity: 'special', description: 'Health' },
    ];
    await setUp('POST', '/api/v1/organizations/home/datasets', homeSteward, {
      slug: 'people',
      title: 'People',
      classification: 'restricted',
      keyField: 'national_id',
      fields,
    });
    await setUp('POST', '/api/v1/organizations/home/services', homeSteward, {
      slug: 'people-lookup',
      dataset: 'people',
      title: 'Look up a person',
      kind: 'hosted',
    });
    await setUp('POST', '/api/v1/organizations/partner/datasets', partnerSteward, {
      slug: 'benefits',
      title: 'Benefits',
      classification: 'restricted',
      keyField: 'national_id',
      fields: populationFields,
    });
    await setUp('POST', '/api/v1/organizations/partner/services', partnerSteward, {
      slug: 'benefits-lookup',
      dataset: 'benefits',
      title: 'Look up benefits',
      kind: 'hosted',
    });
    // An open dataset with a download, for the open-data catalog's routes.
    const statistics = await setUp('POST', '/api/v1/organizations/home/datasets', homeSteward, {
      slug: 'statistics',
      title: 'Statistics',
      classification: 'public',
      accessRights: 'PUBLIC',
      fields: [{ name: 'municipality', type: 'string', sensitivity: 'open' }],
      distributions: [
        {
          title: 'All of it',
          kind: 'download',
          format: 'CSV',
          accessUrl: 'https://data.home.example/statistics',
        },
      ],
    });
    const resourceId = statistics.distributions[0].id as string;
    await setUp('POST', '/api/v1/organizations/home/purposes', homeDpo, {
      slug: PURPOSE,
      title: 'Checking',
      description: 'To check things.',
      legalBasis: 'gdpr-6-1-e',
      specialCategoryBasis: 'gdpr-9-2-b',
    });

    // Partner's system, with an active agreement to look people up at home.
    systemKey = await privateJwk('partner-key');
    const { d: _private, ...publicKey } = systemKey;
    await setUp('POST', '/api/v1/organizations/partner/systems', partnerAdmin, {
      slug: 'backend',
      name: 'Backend',
      jwks: { keys: [{ ...publicKey, alg: 'ES256', use: 'sig' }] },
    });
    await setUp('POST', '/api/v1/organizations/home/systems', homeAdmin, {
      slug: 'backend',
      name: 'Backend',
      jwks: { keys: [{ ...publicKey, alg: 'ES256', use: 'sig' }] },
    });
    const lookups = await activeAgreement(url, sign, {
      provider: 'home',
      consumer: 'partner',
      service: 'people-lookup',
      purpose: PURPOSE,
      fields: ['national_id', 'given_name'],
    });
    const token = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(await assertionForm()),
    });
    systemToken = ((await token.json()) as { access_token: string }).access_token;
    assert.ok(systemToken, 'the system got an access token');

    // Lookups about the citizen and about the token's creator put events about them on the ledger.
    const lookup = (subject: string) =>
      fetch(`${url}/exchange/v1/home/people-lookup/${subject}`, {
        headers: {
          authorization: `Bearer ${systemToken}`,
          'data-purpose': PURPOSE,
          'data-subject': subject,
          'on-behalf-of': OFFICIAL,
        },
      }).then((r) => r.text());
    await lookup(CITIZEN_ID);
    await lookup(TOKEN_CREATOR_ID);
    const eventAbout = async (subject: string) => {
      const row = await server.fresh.store.db
        .selectFrom('ledger_entries')
        .select('entry_index')
        .where('subject', '=', subject)
        .orderBy('entry_index', 'desc')
        .executeTakeFirst();
      assert.ok(row, `an event about ${subject} is on the ledger`);
      return Number(row.entry_index);
    };
    const citizenEvent = await eventAbout(CITIZEN_ID);
    const creatorEvent = await eventAbout(TOKEN_CREATOR_ID);

    // Consents of the citizen (made directly, as the consent page would).
    const effects: consent.ConsentEffects = {
      db: server.fresh.store.db,
      ledger: server.node.app.ledger,
      changed: (change) => server.node.app.exchange.changed(change),
    };
    const citizenConsent = async () =>
      (
        await consent.giveConsent(
          effects,
          { subject: CITIZEN_ID, consumer: 'partner', purpose: PURPOSE },
          null,
        )
      ).id;
    const readConsent = await citizenConsent();
    const creatorConsent = async () =>
      (
        await consent.giveConsent(
          effects,
          { subject: TOKEN_CREATOR_ID, consumer: 'partner', purpose: PURPOSE },
          null,
        )
      ).id;

    // Things the operations read or change.
    await setUp('POST', '/api/v1/organizations/home/consent-clients', homeSteward, {
      clientId: 'home-service',
      name: 'A service of home',
      redirectUris: ['https://service.home.example/callback'],
      jwks: { keys: [{ ...publicKey, alg: 'ES256', use: 'sig' }] },
      purposes: [PURPOSE],
    });
    const webhook = async () =>
      (
        await setUp('POST', '/api/v1/organizations/home/webhooks', homeSteward, {
          url: 'https://hooks.home.example/govdx',
          events: [],
        })
      ).id as string;
    const readWebhook = await webhook();
    const accessToken = async () =>
      (
        await setUp('POST', '/api/v1/organizations/home/tokens', homeAdmin, {
          name: `script-${crypto.randomUUID().slice(0, 8)}`,
          roles: ['organization_admin'],
        })
      ).id as string;
    const emergency = async () =>
      (
        await setUp('POST', '/api/v1/emergencies', admin, {
          name: 'Flood',
          reason: 'For the test.',
          endsAt: '2099-01-01T00:00:00Z',
        })
      ).id as string;
    const template = async () => {
      const slug = `template-${crypto.randomUUID().slice(0, 8)}`;
      await setUp('POST', '/api/v1/organizations/home/agreement-templates', homeSteward, {
        slug,
        title: 'A template',
        description: 'For the test.',
        service: 'people-lookup',
        purpose: PURPOSE,
        fields: ['given_name'],
        maxDurationDays: 30,
        retentionDays: 30,
        safeguards: 'None needed.',
      });
      return slug;
    };
    // A change waiting for the data protection officer: a new dataset whose personal field a steward
    // makes open (issue 14 #5), so that each decision acts on its own dataset.
    const waitingChange = async () => {
      const slug = `register-${crypto.randomUUID().slice(0, 8)}`;
      const field = { name: 'income', type: 'string', description: 'Income' };
      const path = `/api/v1/organizations/home/datasets/${slug}`;
      await setUp('POST', '/api/v1/organizations/home/datasets', homeSteward, {
        slug,
        title: 'A register',
        classification: 'restricted',
        fields: [{ ...field, sensitivity: 'personal' }],
      });
      return (await setUp('PATCH', path, homeSteward, { fields: [{ ...field, sensitivity: 'open' }] }))
        .id as string;
    };
    const readChange = await waitingChange();
    // Releases of home's people register (issue 20): a statistics design needs no records.
    const draftRelease = async () =>
      (
        await setUp('POST', '/api/v1/organizations/home/releases', homeSteward, {
          ...RELEASE,
          slug: `release-${crypto.randomUUID().slice(0, 8)}`,
        })
      ).id as string;
    const readRelease = await draftRelease();
    const importFile = { body: 'national_id\nEX100000017\n', contentType: 'text/csv' };
    const readImport = await call(url, 'POST', '/api/v1/organizations/home/datasets/people/imports', {
      token: homeSteward,
      rawBody: importFile.body,
      headers: { 'content-type': importFile.contentType },
    });
    assert.equal(readImport.status, 201, readImport.text);
    // Sources of home's people register (issue 18): a fresh copy or source for each call that uses one up,
    // and the running job, pairs, links and records written straight into the store.
    const newCopy = async () => {
      const slug = `copy-${crypto.randomUUID().slice(0, 8)}`;
      await setUp('POST', '/api/v1/organizations/home/datasets', homeSteward, {
        slug,
        title: slug,
        classification: 'restricted',
        keyField: 'client_id',
        fields: [
          { name: 'client_id', type: 'string', sensitivity: 'personal' },
          { name: 'given_name', type: 'string', sensitivity: 'personal' },
        ],
      });
      return slug;
    };
    const newSource = async () =>
      (
        await setUp('POST', '/api/v1/organizations/home/sources', homeSteward, {
          dataset: await newCopy(),
          register: { organization: 'home', dataset: 'people' },
        })
      ).id as string;
    const sourceId = await newSource();
    const sourceDb = server.fresh.store.db;
    const stamp = new Date().toISOString();
    const runningJob = crypto.randomUUID();
    await sourceDb
      .insertInto('linkage_jobs')
      .values({
        ...{ id: runningJob, source_id: sourceId, status: 'running', stage: null, started_by: null },
        ...{ started_at: stamp, updated_at: stamp, finished_at: null, cancel_requested: 0, failure: null },
        ...{ source_records: 0, register_records: 0, linked: 0, queued: 0, kept: 0 },
      })
      .execute();
    const clientsId = (
      await sourceDb
        .selectFrom('sources')
        .select('dataset_id')
        .where('id', '=', sourceId)
        .executeTakeFirstOrThrow()
    ).dataset_id;
    const pendingPair = async () => {
      const id = crypto.randomUUID();
      await sourceDb
        .insertInto('link_pairs')
        .values({
          ...{ id, source_id: sourceId, record_key: `k-${id}`, entity_id: 'EX100000017', status: 'pending' },
          ...{ probability: 0.6, weight: 0.6, explanation: null, job_id: null, created_at: stamp },
          ...{ decided_by: null, decided_at: null, reason: null },
        })
        .execute();
      return id;
    };
    const readPair = await pendingPair();
    const linkedRecord = async () => {
      const key = `l-${crypto.randomUUID()}`;
      await sourceDb
        .insertInto('source_links')
        .values({
          source_id: sourceId,
          record_key: key,
          entity_id: 'EX100000017',
          origin: 'job',
          probability: 1,
          job_id: null,
          at: stamp,
        })
        .execute();
      return key;
    };
    const unlinkedRecord = async () => {
      const key = `m-${crypto.randomUUID()}`;
      await putRecords(sourceDb, clientsId, [{ key, data: { client_id: key, given_name: 'Ada' } }]);
      return key;
    };
    await setUp('PUT', '/api/v1/organizations/home/datasets/people/privacy-budget', homeDpo, {
      total: '1000000',
      reason: 'Room for every release the test makes.',
    });
    const submittedRelease = async () => {
      const id = await draftRelease();
      await setUp('POST', `/api/v1/organizations/home/releases/${id}/submit`, homeSteward, {});
      return id;
    };
    const providerOrigin = async () =>
      (
        await setUp('POST', '/api/v1/provider-origins', admin, {
          origin: `https://${crypto.randomUUID().slice(0, 8)}.provider.example`,
        })
      ).id as string;
    const someone = async (roles: Array<{ role: MembershipRole; organization: string }> = []) =>
      (await person(roles)).personId;

    // Agreements: home receiving (a draft it sends or withdraws), home providing (requests to sign off,
    // active and suspended ones to move on).
    const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const homeDraft = async () =>
      (
        await setUp('POST', '/api/v1/organizations/home/agreements', homeSteward, {
          provider: 'partner',
          service: 'benefits-lookup',
          purpose: PURPOSE,
          fields: ['given_name'],
          validUntil,
          retentionDays: 30,
          submit: false,
        })
      ).id as string;
    const requestToHome = async () =>
      (
        await setUp('POST', '/api/v1/organizations/partner/agreements', partnerSteward, {
          provider: 'home',
          service: 'people-lookup',
          purpose: PURPOSE,
          fields: ['given_name', 'health_condition'],
          validUntil,
          retentionDays: 30,
          submit: true,
        })
      ).id as string;
    const activeAtHome = async () =>
      (
        await activeAgreement(url, sign, {
          provider: 'home',
          consumer: 'partner',
          service: 'people-lookup',
          purpose: PURPOSE,
          fields: ['given_name'],
        })
      ).id;
    const suspendedAtHome = async () => {
      const id = await activeAtHome();
      await setUp('POST', `/api/v1/organizations/home/agreements/${id}/suspend`, homeSteward, {
        reason: 'Paused for the test.',
      });
      return id;
    };

    const reason = { reason: 'Checked by the authorization matrix.' };
    const get = (path: string): Operation => ({ request: () => ({ path }) });
    const homePath = '/api/v1/organizations/home';
    /** The outsider's own organization, in URLs that name home's things. */
    const elsewhere = '/api/v1/organizations/elsewhere';

    operations = {
      'GET /healthz': get('/healthz'),
      'GET /readyz': get('/readyz'),
      'GET /auth/login': get('/auth/login'),
      // Without the sign-in's own cookie and code the callback sends the browser back to try again.
      'GET /auth/callback': {
        request: () => ({ path: '/auth/callback?code=nothing&state=nothing' }),
        answers: [400],
      },
      'POST /auth/logout': { request: () => ({ path: '/auth/logout' }) },
      'GET /auth/session': get('/auth/session'),
      'GET /ledger/checkpoint': get('/ledger/checkpoint'),
      'GET /ledger/key': get('/ledger/key'),
      // A partial tile of the entries the fixtures wrote.
      'GET /ledger/tile/entries/{*}': { request: async () => ({ path: await partialTile('entries') }) },
      'GET /ledger/tile/{level}/{*}': { request: async () => ({ path: await partialTile('0') }) },
      'GET /ledger/proof/inclusion': get(`/ledger/proof/inclusion?index=0&size=${citizenEvent + 1}`),
      'GET /ledger/proof/consistency': get(`/ledger/proof/consistency?from=1&to=${citizenEvent + 1}`),
      'GET /ledger/entries/{index}': get(`/ledger/entries/${citizenEvent}`),
      'GET /ledger/entries/{index} · an event about the token’s creator': get(
        `/ledger/entries/${creatorEvent}`,
      ),
      'GET /ledger/export': get('/ledger/export'),
      'POST /oauth/token': { request: async () => ({ path: '/oauth/token', form: await assertionForm() }) },
      'GET /exchange/jwks.json': get('/exchange/jwks.json'),
      ...exchangeOperations(),
      'GET /consent/v1/person': get('/consent/v1/person'),
      'GET /agreements/register': get('/agreements/register'),
      'GET /agreements/time-to-share': get('/agreements/time-to-share'),
      'GET /agreements/{id}/odrl': get(`/agreements/${lookups.id}/odrl`),
      'GET /agreements/register.csv': get('/agreements/register.csv'),
      'GET /agreements/register/{id}': get(`/agreements/register/${lookups.id}`),
      'GET /catalog/dcat.{format}': get('/catalog/dcat.jsonld'),
      'GET /catalog/datasets/{org}/{file}': get('/catalog/datasets/home/statistics.jsonld'),
      'GET /catalog/search': get('/catalog/search?q=people'),
      'GET /catalog/datasets/{org}/{slug}/usage': get('/catalog/datasets/home/statistics/usage'),
      'GET /catalog/datasets/{org}/{slug}/preview': get('/catalog/datasets/home/statistics/preview'),
      'GET /catalog/quality/datasets/{org}/{slug}': get('/catalog/quality/datasets/home/statistics'),
      'GET /catalog/quality/organizations': get('/catalog/quality/organizations'),
      'GET /catalog/quality/organizations/{org}': get('/catalog/quality/organizations/home'),
      'GET /api/3': get('/api/3'),
      'GET /api/3/action/package_search': get('/api/3/action/package_search?q=people'),
      'GET /api/3/action/package_show': get('/api/3/action/package_show?id=home_statistics'),
      'GET /api/3/action/package_list': get('/api/3/action/package_list'),
      'GET /api/3/action/organization_list': get('/api/3/action/organization_list'),
      'GET /api/3/action/organization_show': get('/api/3/action/organization_show?id=home'),
      'GET /api/3/action/resource_show': get(`/api/3/action/resource_show?id=${resourceId}`),
      'GET /api/3/action/help_show': get('/api/3/action/help_show?name=package_search'),
      // CKAN's answer to an action it does not know is 400, for everyone.
      'GET /api/3/action/{name}': {
        request: () => ({ path: '/api/3/action/no_such_action' }),
        answers: [400],
      },

      'GET /api/v1/organizations': get('/api/v1/organizations'),
      'POST /api/v1/organizations': {
        request: () => ({
          path: '/api/v1/organizations',
          body: { slug: `org-${crypto.randomUUID().slice(0, 8)}`, name: 'New', kind: 'agency' },
        }),
      },
      'GET /api/v1/organizations/{org}': get(homePath),
      'PATCH /api/v1/organizations/{org}': { request: () => ({ path: homePath, body: { name: 'Home' } }) },
      'GET /api/v1/organizations/{org}/members': get(`${homePath}/members`),
      'PUT /api/v1/organizations/{org}/members/{personId}': {
        request: async () => ({
          path: `${homePath}/members/${await someone()}`,
          body: { roles: ['data_steward'] },
        }),
      },
      'PUT /api/v1/organizations/{org}/members/{personId} · granting a global role': {
        request: async () => ({
          path: `${homePath}/members/${await someone()}`,
          body: { roles: ['auditor'] },
        }),
      },
      'PUT /api/v1/organizations/{org}/members/{personId} · removing a global role': {
        request: async () => ({
          path: `${homePath}/members/${await someone([{ role: 'auditor', organization: 'home' }])}`,
          body: { roles: ['data_steward'] },
        }),
      },
      'GET /api/v1/organizations/{org}/tokens': get(`${homePath}/tokens`),
      'POST /api/v1/organizations/{org}/tokens': {
        request: () => ({
          path: `${homePath}/tokens`,
          body: { name: `ci-${crypto.randomUUID().slice(0, 8)}`, roles: ['organization_admin'] },
        }),
      },
      'DELETE /api/v1/organizations/{org}/tokens/{id}': {
        request: async () => ({ path: `${homePath}/tokens/${await accessToken()}` }),
      },
      'DELETE /api/v1/organizations/{org}/tokens/{id} · another organization’s token': {
        request: async () => ({ path: `${elsewhere}/tokens/${await accessToken()}` }),
      },
      'GET /api/v1/me': get('/api/v1/me'),
      'GET /api/v1/people': get('/api/v1/people'),
      'POST /api/v1/people': { request: () => ({ path: '/api/v1/people', body: { name: 'Someone' } }) },
      'GET /api/v1/people/{id}': get(`/api/v1/people/${people.citizen}`),
      'PATCH /api/v1/people/{id}': {
        request: async () => ({ path: `/api/v1/people/${await someone()}`, body: { name: 'Renamed' } }),
      },
      'PATCH /api/v1/people/{id} · changing a national ID': {
        // Each caller tries to take on the national ID of a citizen who has never signed in.
        request: (caller) => ({
          path: `/api/v1/people/${people[caller] ?? people.platformAdmin}`,
          body: { nationalId: UNCLAIMED_ID },
        }),
      },

      'GET /api/v1/organizations/{org}/systems': get(`${homePath}/systems`),
      'POST /api/v1/organizations/{org}/systems': {
        request: () => ({
          path: `${homePath}/systems`,
          body: {
            slug: `system-${crypto.randomUUID().slice(0, 8)}`,
            name: 'A system',
            jwks: { keys: [{ ...publicKey, alg: 'ES256', use: 'sig' }] },
          },
        }),
      },
      'GET /api/v1/organizations/{org}/systems/{slug}': get(`${homePath}/systems/backend`),
      'GET /api/v1/organizations/{org}/systems/{slug}/keys': get(`${homePath}/systems/backend/keys`),
      // Once let through, a kind of change that does not exist is refused (400): home has nothing to follow.
      'POST /api/v1/organizations/{org}/systems/{slug}/feeds': {
        request: () => ({
          path: `${homePath}/systems/backend/feeds`,
          body: { provider: 'home', service: 'people-lookup', purpose: PURPOSE, kinds: ['moved'] },
        }),
        answers: [400],
      },
      'GET /api/v1/organizations/{org}/systems/{slug}/feeds': get(`${homePath}/systems/backend/feeds`),
      'DELETE /api/v1/organizations/{org}/systems/{slug}/feeds/{id}': {
        request: () => ({ path: `${homePath}/systems/backend/feeds/none` }),
        answers: [404],
      },
      'PATCH /api/v1/organizations/{org}/systems/{slug}': {
        request: () => ({ path: `${homePath}/systems/backend`, body: { description: 'Ours' } }),
      },

      'GET /api/v1/datasets': get('/api/v1/datasets'),
      'GET /api/v1/organizations/{org}/datasets': get(`${homePath}/datasets`),
      'POST /api/v1/organizations/{org}/datasets': {
        request: () => ({
          path: `${homePath}/datasets`,
          body: {
            slug: `dataset-${crypto.randomUUID().slice(0, 8)}`,
            title: 'A dataset',
            classification: 'internal',
            fields: [],
          },
        }),
      },
      'GET /api/v1/organizations/{org}/datasets/{slug}': get(`${homePath}/datasets/people`),
      'PATCH /api/v1/organizations/{org}/datasets/{slug}': {
        request: () => ({ path: `${homePath}/datasets/people`, body: { description: 'Everyone' } }),
      },
      'GET /api/v1/organizations/{org}/datasets/{slug}/quality-checks': get(
        `${homePath}/datasets/people/quality-checks`,
      ),
      'POST /api/v1/organizations/{org}/datasets/{slug}/quality-checks': {
        request: () => ({ path: `${homePath}/datasets/people/quality-checks`, body: { checkLinks: false } }),
      },
      'GET /api/v1/organizations/{org}/catalog-changes': get(`${homePath}/catalog-changes`),
      'GET /api/v1/organizations/{org}/catalog-changes/{id}': get(
        `${homePath}/catalog-changes/${readChange}`,
      ),
      ...Object.fromEntries(
        ['approve', 'reject'].map((action) => {
          const target = reusable(waitingChange);
          return [
            `POST /api/v1/organizations/{org}/catalog-changes/{id}/${action}`,
            {
              request: async () => ({
                path: `${homePath}/catalog-changes/${await target.take()}/${action}`,
                body: { reason: 'Checked with the register.' },
              }),
              consumed: target.consumed,
            },
          ];
        }),
      ),
      'POST /api/v1/organizations/{org}/datasets/{slug}/imports': {
        request: () => ({ path: `${homePath}/datasets/people/imports`, file: importFile }),
      },
      'GET /api/v1/organizations/{org}/datasets/{slug}/imports': get(`${homePath}/datasets/people/imports`),
      'GET /api/v1/organizations/{org}/datasets/{slug}/imports/{id}': get(
        `${homePath}/datasets/people/imports/${readImport.body.id}`,
      ),
      'GET /api/v1/organizations/{org}/releases': get(`${homePath}/releases`),
      'POST /api/v1/organizations/{org}/sources': {
        request: async () => ({
          path: `${homePath}/sources`,
          body: { dataset: await newCopy(), register: { organization: 'home', dataset: 'people' } },
        }),
      },
      'GET /api/v1/organizations/{org}/sources': get(`${homePath}/sources`),
      'GET /api/v1/sources/{id}': get(`/api/v1/sources/${sourceId}`),
      'POST /api/v1/sources/{id}/linkage-jobs': {
        request: async () => ({ path: `/api/v1/sources/${await newSource()}/linkage-jobs`, body: {} }),
      },
      'GET /api/v1/sources/{id}/linkage-jobs': get(`/api/v1/sources/${sourceId}/linkage-jobs`),
      'GET /api/v1/sources/{id}/linkage-jobs/{job}': get(
        `/api/v1/sources/${sourceId}/linkage-jobs/${runningJob}`,
      ),
      'POST /api/v1/sources/{id}/linkage-jobs/{job}/cancel': {
        request: () => ({ path: `/api/v1/sources/${sourceId}/linkage-jobs/${runningJob}/cancel`, body: {} }),
      },
      'GET /api/v1/sources/{id}/review': get(`/api/v1/sources/${sourceId}/review`),
      'GET /api/v1/sources/{id}/review/{pair}': get(`/api/v1/sources/${sourceId}/review/${readPair}`),
      'POST /api/v1/sources/{id}/review/{pair}': {
        request: async () => ({
          path: `/api/v1/sources/${sourceId}/review/${await pendingPair()}`,
          body: { decision: 'reject' },
        }),
      },
      'GET /api/v1/sources/{id}/links': get(`/api/v1/sources/${sourceId}/links`),
      'POST /api/v1/sources/{id}/links/{key}/split': {
        request: async () => ({
          path: `/api/v1/sources/${sourceId}/links/${await linkedRecord()}/split`,
          body: {},
        }),
      },
      'POST /api/v1/sources/{id}/links/{key}/merge': {
        request: async () => ({
          path: `/api/v1/sources/${sourceId}/links/${await unlinkedRecord()}/merge`,
          body: { entityId: 'EX100000017' },
        }),
      },
      'POST /api/v1/organizations/{org}/releases': {
        request: () => ({
          path: `${homePath}/releases`,
          body: { ...RELEASE, slug: `release-${crypto.randomUUID().slice(0, 8)}` },
        }),
      },
      'GET /api/v1/organizations/{org}/releases/{id}': get(`${homePath}/releases/${readRelease}`),
      'PUT /api/v1/organizations/{org}/releases/{id}': {
        request: () => ({
          path: `${homePath}/releases/${readRelease}`,
          body: { method: RELEASE.method, title: RELEASE.title, statistics: RELEASE.statistics },
        }),
      },
      'POST /api/v1/organizations/{org}/releases/{id}/submit': (() => {
        const target = reusable(draftRelease);
        return {
          request: async () => ({ path: `${homePath}/releases/${await target.take()}/submit`, body: {} }),
          consumed: target.consumed,
        };
      })(),
      ...Object.fromEntries(
        ['approve', 'reject'].map((action) => {
          const target = reusable(submittedRelease);
          return [
            `POST /api/v1/organizations/{org}/releases/{id}/${action}`,
            {
              request: async () => ({
                path: `${homePath}/releases/${await target.take()}/${action}`,
                body: { reason: 'Checked the design.' },
              }),
              consumed: target.consumed,
            },
          ];
        }),
      ),
      'GET /api/v1/organizations/{org}/datasets/{slug}/privacy-budget': get(
        `${homePath}/datasets/people/privacy-budget`,
      ),
      'PUT /api/v1/organizations/{org}/datasets/{slug}/privacy-budget': {
        request: () => ({
          path: `${homePath}/datasets/people/privacy-budget`,
          body: { total: '1000', reason: 'Room for the test releases.' },
        }),
      },
      'GET /catalog/releases/{file}': {
        request: () => ({ path: `/catalog/releases/${crypto.randomUUID()}.json` }),
        answers: [404],
      },
      'GET /api/v1/services': get('/api/v1/services'),
      'GET /api/v1/organizations/{org}/services': get(`${homePath}/services`),
      'POST /api/v1/organizations/{org}/services': {
        request: () => ({
          path: `${homePath}/services`,
          body: {
            slug: `service-${crypto.randomUUID().slice(0, 8)}`,
            dataset: 'people',
            title: 'Another lookup',
            kind: 'hosted',
          },
        }),
      },
      'GET /api/v1/organizations/{org}/services/{slug}': get(`${homePath}/services/people-lookup`),
      'PATCH /api/v1/organizations/{org}/services/{slug}': {
        request: () => ({ path: `${homePath}/services/people-lookup`, body: { title: 'Find a person' } }),
      },
      'GET /api/v1/organizations/{org}/services/{slug}/usage': get(
        `${homePath}/services/people-lookup/usage`,
      ),
      'GET /api/v1/organizations/{org}/usage': get(`${homePath}/usage?from=2025-01-01&to=2025-01-31`),
      'GET /api/v1/usage': get('/api/v1/usage?format=csv'),

      'GET /api/v1/purposes': get('/api/v1/purposes'),
      'GET /api/v1/purposes/{slug}': get(`/api/v1/purposes/${PURPOSE}`),
      'POST /api/v1/organizations/{org}/purposes': {
        request: () => ({
          path: `${homePath}/purposes`,
          body: {
            slug: `purpose-${crypto.randomUUID().slice(0, 8)}`,
            title: 'P',
            description: 'A reason.',
            legalBasis: 'gdpr-6-1-c',
          },
        }),
      },
      'PATCH /api/v1/organizations/{org}/purposes/{slug}': {
        request: () => ({ path: `${homePath}/purposes/${PURPOSE}`, body: { title: 'Checking eligibility' } }),
      },

      'GET /api/v1/organizations/{org}/agreements': get(`${homePath}/agreements`),
      'POST /api/v1/organizations/{org}/agreements': {
        request: () => ({
          path: `${homePath}/agreements`,
          body: {
            provider: 'partner',
            service: 'benefits-lookup',
            purpose: PURPOSE,
            fields: ['given_name'],
            validUntil,
            retentionDays: 30,
          },
        }),
      },
      'GET /api/v1/organizations/{org}/agreements/{id}': get(`${homePath}/agreements/${lookups.id}`),
      'GET /api/v1/organizations/{org}/agreements/{id} · an agreement the organization is not party to': get(
        `${elsewhere}/agreements/${lookups.id}`,
      ),
      'POST /api/v1/organizations/{org}/agreements/{id}/revoke · an agreement the organization is not party to':
        {
          request: () => ({ path: `${elsewhere}/agreements/${lookups.id}/revoke`, body: reason }),
        },
      ...agreementMoves(),
      'GET /api/v1/organizations/{org}/approvals': get(`${homePath}/approvals`),
      'GET /api/v1/organizations/{org}/agreement-templates': get(`${homePath}/agreement-templates`),
      'POST /api/v1/organizations/{org}/agreement-templates': {
        request: () => ({
          path: `${homePath}/agreement-templates`,
          body: {
            slug: `template-${crypto.randomUUID().slice(0, 8)}`,
            title: 'Template',
            description: 'For the test.',
            service: 'people-lookup',
            purpose: PURPOSE,
            fields: ['given_name'],
            maxDurationDays: 30,
            retentionDays: 30,
            safeguards: 'None needed.',
          },
        }),
      },
      'POST /api/v1/organizations/{org}/agreement-templates/{slug}/retire': {
        request: async () => ({
          path: `${homePath}/agreement-templates/${await template()}/retire`,
          body: { reason: 'No longer offered.' },
        }),
      },
      'POST /api/v1/organizations/{org}/agreement-templates/{slug}/retire · another organization’s template':
        {
          request: async () => ({
            path: `${elsewhere}/agreement-templates/${await template()}/retire`,
            body: { reason: 'No longer offered.' },
          }),
        },
      'GET /api/v1/agreement-templates': get('/api/v1/agreement-templates'),
      'GET /api/v1/governance-events': get('/api/v1/governance-events?kind=system.registered'),
      'GET /api/v1/ledger-events': get('/api/v1/ledger-events?type=access'),
      'GET /api/v1/ledger-events/export': get('/api/v1/ledger-events/export?format=jsonl&type=governance'),
      'GET /api/v1/provider-origins': get('/api/v1/provider-origins'),
      'POST /api/v1/provider-origins': {
        request: () => ({
          path: '/api/v1/provider-origins',
          body: { origin: `https://${crypto.randomUUID().slice(0, 8)}.provider.example` },
        }),
      },
      'DELETE /api/v1/provider-origins/{id}': (() => {
        const target = reusable(providerOrigin);
        return {
          request: async () => ({ path: `/api/v1/provider-origins/${await target.take()}` }),
          consumed: target.consumed,
        };
      })(),
      'GET /api/v1/emergencies': get('/api/v1/emergencies'),
      'POST /api/v1/emergencies': {
        request: () => ({
          path: '/api/v1/emergencies',
          body: { name: 'Storm', reason: 'For the test.', endsAt: '2099-01-01T00:00:00Z' },
        }),
      },
      'POST /api/v1/emergencies/{id}/end': (() => {
        const target = reusable(emergency);
        return {
          request: async () => ({
            path: `/api/v1/emergencies/${await target.take()}/end`,
            body: { reason: 'The water has gone down.' },
          }),
          consumed: target.consumed,
        };
      })(),

      'GET /api/v1/consents': get(`/api/v1/consents?subject=${CITIZEN_ID}`),
      'POST /api/v1/organizations/{org}/consents': {
        request: () => ({
          path: `${homePath}/consents`,
          body: {
            subject: CITIZEN_ID,
            purpose: PURPOSE,
            collectionMethod: 'paper',
            evidence: 'Form HA-2026-00001, signed at the desk',
          },
        }),
      },
      'GET /api/v1/consents/{id}': get(`/api/v1/consents/${readConsent}`),
      'POST /api/v1/consents/{id}/revoke': {
        request: async () => ({
          path: `/api/v1/consents/${await citizenConsent()}/revoke`,
          body: { reason: 'Withdrawn by the person.' },
        }),
      },
      'GET /api/v1/organizations/{org}/consent-clients': get(`${homePath}/consent-clients`),
      'POST /api/v1/organizations/{org}/consent-clients': {
        request: () => ({
          path: `${homePath}/consent-clients`,
          body: {
            clientId: `client-${crypto.randomUUID().slice(0, 8)}`,
            name: 'A service',
            redirectUris: ['https://service.home.example/callback'],
            jwks: { keys: [{ ...publicKey, alg: 'ES256', use: 'sig' }] },
            purposes: [PURPOSE],
          },
        }),
      },
      'GET /api/v1/organizations/{org}/consent-clients/{clientId}': get(
        `${homePath}/consent-clients/home-service`,
      ),
      'PATCH /api/v1/organizations/{org}/consent-clients/{clientId}': {
        request: () => ({
          path: `${homePath}/consent-clients/home-service`,
          body: { name: 'A changed service' },
        }),
      },
      'PATCH /api/v1/organizations/{org}/consent-clients/{clientId} · another organization’s client': {
        request: () => ({ path: `${elsewhere}/consent-clients/home-service`, body: { name: 'Taken over' } }),
      },

      'GET /api/v1/me/data': get('/api/v1/me/data'),
      'GET /api/v1/me/access-events': get('/api/v1/me/access-events'),
      'GET /api/v1/me/access-events/{index}/receipt': get(`/api/v1/me/access-events/${citizenEvent}/receipt`),
      'GET /api/v1/me/access-events/{index}/receipt · an event about someone else': get(
        `/api/v1/me/access-events/${creatorEvent}/receipt`,
      ),
      'GET /api/v1/me/access-events/{index}': get(`/api/v1/me/access-events/${citizenEvent}`),
      'GET /api/v1/me/access-events/{index} · an event about someone else': get(
        `/api/v1/me/access-events/${creatorEvent}`,
      ),
      'GET /api/v1/me/consents': get('/api/v1/me/consents'),
      // No entry of the citizen's in this testbed's registers: an allowed request is answered 404.
      'POST /api/v1/me/corrections': {
        request: () => ({
          path: '/api/v1/me/corrections',
          body: {
            organization: 'home',
            dataset: 'people',
            key: CITIZEN_ID,
            field: 'name',
            problem: 'My name is misspelt.',
            proposed: 'Anna',
          },
        }),
        answers: [404],
      },
      'GET /api/v1/me/corrections': get('/api/v1/me/corrections'),
      'GET /api/v1/organizations/{org}/corrections': get(`${homePath}/corrections?status=waiting`),
      'POST /api/v1/organizations/{org}/corrections/{id}/answer': {
        request: () => ({
          path: `${homePath}/corrections/${crypto.randomUUID()}/answer`,
          body: { outcome: 'declined', reason: 'The register is right.' },
        }),
        answers: [404],
      },
      'GET /api/v1/me/consents/{id}': get(`/api/v1/me/consents/${readConsent}`),
      'GET /api/v1/me/consents/{id}/receipt': get(`/api/v1/me/consents/${readConsent}/receipt`),
      'POST /api/v1/me/consents/{id}/revoke': {
        request: async () => ({
          path: `/api/v1/me/consents/${await citizenConsent()}/revoke`,
          body: { reason: 'I changed my mind.' },
        }),
      },
      'POST /api/v1/me/consents/{id}/revoke · another person’s consent': {
        request: async () => ({
          path: `/api/v1/me/consents/${await creatorConsent()}/revoke`,
          body: { reason: 'Not mine to withdraw.' },
        }),
      },
      'GET /api/v1/me/export': get('/api/v1/me/export'),

      'GET /api/v1/me/notifications': get('/api/v1/me/notifications'),
      'POST /api/v1/me/notifications/{id}/read': {
        request: async (caller) => ({
          path: `/api/v1/me/notifications/${await notificationOf(people[caller] ?? patPerson)}/read`,
          body: {},
        }),
      },
      'POST /api/v1/me/notifications/{id}/read · another person’s notification': {
        request: async () => ({
          path: `/api/v1/me/notifications/${await notificationOf((await person([])).personId)}/read`,
          body: {},
        }),
      },
      'POST /api/v1/me/notifications/read-all': {
        request: () => ({ path: '/api/v1/me/notifications/read-all', body: {} }),
      },

      'GET /api/v1/organizations/{org}/webhooks': get(`${homePath}/webhooks`),
      'POST /api/v1/organizations/{org}/webhooks': {
        request: () => ({
          path: `${homePath}/webhooks`,
          body: { url: 'https://hooks.home.example/govdx', events: [] },
        }),
      },
      'DELETE /api/v1/organizations/{org}/webhooks/{id}': {
        request: async () => ({ path: `${homePath}/webhooks/${await webhook()}` }),
      },
      'GET /api/v1/organizations/{org}/webhooks/{id}/deliveries': get(
        `${homePath}/webhooks/${readWebhook}/deliveries`,
      ),
      'DELETE /api/v1/organizations/{org}/webhooks/{id} · another organization’s webhook': {
        request: async () => ({ path: `${elsewhere}/webhooks/${await webhook()}` }),
      },
      'GET /api/v1/organizations/{org}/webhooks/{id}/deliveries · another organization’s webhook': get(
        `${elsewhere}/webhooks/${readWebhook}/deliveries`,
      ),
    };

    function exchangeOperations(): Record<string, Operation> {
      const headers = { 'data-purpose': PURPOSE, 'data-subject': CITIZEN_ID, 'on-behalf-of': OFFICIAL };
      /**
       * A hosted register answers one keyed GET (…/{key}); it holds no records here, so an allowed lookup
       * is decided, recorded and not found (404). Its other forms are for proxied services, and a system
       * that gets through is told so (400), after its token was accepted.
       */
      const lookup = (path: string, answers: number[], body?: unknown): Operation => ({
        request: () => ({ path, headers, ...(body === undefined ? {} : { body }) }),
        answers,
      });
      const service = '/exchange/v1/home/people-lookup';
      return {
        'GET /exchange/v1/{provider}/{service}': lookup(service, [400]),
        'POST /exchange/v1/{provider}/{service}': lookup(service, [400], {}),
        'GET /exchange/v1/{provider}/{service}/{*}': lookup(`${service}/${CITIZEN_ID}`, [404]),
        'POST /exchange/v1/{provider}/{service}/{*}': lookup(`${service}/${CITIZEN_ID}`, [400], {}),
        // Partner's system may follow home's register (201, then 409: it already does); the feeds named
        // here do not exist (404).
        'POST /exchange/feeds': {
          request: () => ({
            path: '/exchange/feeds',
            body: { provider: 'home', service: 'people-lookup', purpose: PURPOSE },
          }),
          answers: [409],
        },
        'GET /exchange/feeds': { request: () => ({ path: '/exchange/feeds' }) },
        'DELETE /exchange/feeds/{id}': { request: () => ({ path: '/exchange/feeds/none' }), answers: [404] },
        'GET /exchange/feeds/{id}/changes': {
          request: () => ({ path: '/exchange/feeds/none/changes' }),
          answers: [404],
        },
      };
    }

    function agreementMoves(): Record<string, Operation> {
      const move = (action: string, make: () => Promise<string>, body: unknown = reason): Operation => {
        const target = reusable(make);
        return {
          request: async () => ({ path: `${homePath}/agreements/${await target.take()}/${action}`, body }),
          consumed: target.consumed,
        };
      };
      const key = (action: string) => `POST /api/v1/organizations/{org}/agreements/{id}/${action}`;
      return {
        [key('submit')]: move('submit', homeDraft),
        [key('withdraw')]: move('withdraw', homeDraft),
        [key('approve')]: move('approve', requestToHome, {}),
        [key('reject')]: move('reject', requestToHome),
        [key('suspend')]: move('suspend', activeAtHome),
        [key('resume')]: move('resume', suspendedAtHome),
        [key('revoke')]: move('revoke', activeAtHome),
        [key('expire')]: move('expire', activeAtHome),
        [key('amend')]: move('amend', activeAtHome, { ...reason, retentionDays: 20 }),
      };
    }
  });
  after(() => server?.close());

  /** The form of a token request with a fresh client assertion of partner's system. */
  async function assertionForm() {
    return {
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await clientAssertion(systemKey, 'partner/backend', url),
    };
  }

  /** The path of the partial tile at `level` that holds the ledger's latest entries. */
  async function partialTile(level: string) {
    const size = (await server.node.app.ledger.checkpoint()).size;
    const width = size % 256;
    const index = Math.floor(size / 256);
    const name = String(index).padStart(3, '0');
    return `/ledger/tile/${level}/${name}${width ? `.p/${width}` : ''}`;
  }

  /** Every operation of the OpenAPI document, as `METHOD /path`. */
  function documented(): string[] {
    const keys: string[] = [];
    for (const [path, methods] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(methods)) keys.push(`${method.toUpperCase()} ${path}`);
    }
    return keys.sort();
  }

  test('the policy declares every operation of /openapi.json, and nothing that is not one', () => {
    const operations = documented();
    const declared = [...new Set(Object.keys(POLICY).map(operationOf))].sort();
    const missing = operations.filter((op) => !declared.includes(op));
    const unknown = declared.filter((op) => !operations.includes(op));
    assert.deepEqual(missing, [], `operations with no rule (denied until declared): ${missing.join('; ')}`);
    assert.deepEqual(unknown, [], `rules for operations that do not exist: ${unknown.join('; ')}`);
  });

  test('every rule has a request to try it with, for every kind of caller', () => {
    assert.deepEqual(Object.keys(operations).sort(), Object.keys(POLICY).sort());
    for (const [key, rule] of Object.entries(POLICY))
      assert.deepEqual(Object.keys(rule.cells).sort(), [...CALLER_KINDS].sort(), key);
  });

  test('each caller gets what the policy says, on each operation', async () => {
    const disagreements: string[] = [];
    for (const [key, rule] of Object.entries(POLICY)) {
      const operation = operations[key];
      if (!operation) continue;
      const method = operationOf(key).split(' ')[0]!;
      for (const caller of CALLER_KINDS) {
        const expected = rule.cells[caller];
        let request: Request;
        try {
          request = await operation.request(caller);
        } catch (error) {
          disagreements.push(`${key} as ${caller}: could not set the call up: ${(error as Error).message}`);
          continue;
        }
        const response = await send(method, request, await credential(caller));
        const actual = outcomeOf(response, operation);
        if (actual === 'allowed') operation.consumed?.();
        if (actual !== expected) {
          disagreements.push(
            `${key} as ${caller} (${CALLERS[caller]}): expected ${phrase(expected)}, got ${actual} ` +
              `(${response.status} ${response.text.replace(/\s+/g, ' ').slice(0, 160)})${rule.because ? ` [${rule.because}]` : ''}`,
          );
        }
      }
    }
    assert.equal(
      disagreements.length,
      0,
      `${disagreements.length} cells disagree with the policy:\n${disagreements.join('\n')}`,
    );
  });
});

const REFUSALS = new Set(['UNAUTHENTICATED', 'TOKEN_INVALID', 'FORBIDDEN']);

function phrase(outcome: Outcome): string {
  return outcome === 'allowed' ? 'allowed' : `refused with ${outcome}`;
}

/**
 * What a response says about access: allowed, refused with a code, or something else gone wrong. A
 * refusal is 401 or 403 with govdx's code (in its own envelope, in OAuth's at /oauth/token, or CKAN's
 * error type under /api/3).
 */
function outcomeOf(response: ApiResponse<any>, operation: Operation): string {
  const code: unknown = response.body?.error?.code ?? response.body?.code ?? response.body?.error?.__type;
  if (response.status === 401 || response.status === 403)
    return typeof code === 'string' ? code : `${response.status}`;
  // RFC 6749 §5.2: the token endpoint answers a request with two ways of authenticating with 400.
  if (typeof response.body?.code === 'string' && REFUSALS.has(response.body.code)) return response.body.code;
  if (response.status === 404 && code === 'NOT_FOUND' && !operation.answers?.includes(404))
    return 'NOT_FOUND';
  if (response.status < 400 || operation.answers?.includes(response.status)) return 'allowed';
  return `not refused by access control, but answered ${response.status}${typeof code === 'string' ? ` ${code}` : ''}`;
}
