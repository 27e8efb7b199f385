/**
 * The exchange over HTTP, against a real govdx node and a real provider process: what is released, to
 * whom, and what is recorded; every refusal; changes that take effect on the next call; providers that
 * misbehave. Each answer is checked for what it must not contain.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { AGREEMENTS } from '../../src/demo/index.ts';
import { addressIdAt, registryCodeAt } from '../../src/demo/population.ts';
import { openCheckpoint, parseVerifierKey, verifyInclusion } from '../../src/ledger/index.ts';
import { activeAgreement } from '../support/agreements.ts';
import { type ApiResponse, call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { citizen, exchange, OFFICIAL, SECRET, startTestbed, type Testbed } from './support.ts';

const HOUSING = 'housing-agency/benefit-system';
const SOCIAL = 'exampleton-social/case-management';
const TAX = 'tax-agency/assessment-engine';
const BENEFIT = 'housing-benefit-eligibility';
const ASSESSMENT = 'social-assistance-assessment';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of DIALECTS) {
  describe(`the exchange over HTTP (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    const tokens: Record<string, string> = {};
    const person = citizen('citizen');
    const asHousing = { purpose: BENEFIT, subject: person, official: OFFICIAL };

    before(async () => {
      tb = await startTestbed(dialect);
      for (const clientId of [HOUSING, SOCIAL, TAX]) tokens[clientId] = await tb.token(clientId);
    });
    after(() => tb?.close());

    /** Makes an agreement active through the workflow: requested by the consumer, signed off by each party. */
    async function agree(provider: string, body: Record<string, unknown>) {
      const { consumer, service, ...terms } = body as { consumer: string; service: string };
      return activeAgreement(tb.url, tb.signers, { provider, consumer, service, ...terms });
    }

    async function change(agreement: { id: string; provider: string }, action: string) {
      const response = await call(
        tb.url,
        'POST',
        `/api/v1/organizations/${agreement.provider}/agreements/${agreement.id}/${action}`,
        { token: await tb.steward(agreement.provider), body: { reason: `The test asks to ${action}.` } },
      );
      assert.equal(response.status, 200, response.text);
    }

    /** Checks a refusal: status, code, a message, nothing of the data, and its ledger entry. */
    async function refused(response: ApiResponse<any>, status: number, code: string, outcome = 'denied') {
      assert.equal(response.status, status, response.text);
      assert.equal(response.body.error?.code, code, response.text);
      assert.ok(response.body.error.message.length > 20, 'a message a civil servant understands');
      assert.ok(!response.text.includes(SECRET), 'nothing of the provider’s answer leaks');
      assert.ok(!response.text.includes('given_name'), 'no data in a refusal');
      const receipt = response.headers.get('exchange-receipt');
      assert.match(receipt ?? '', /^\d+$/, `${code} is recorded (Exchange-Receipt)`);
      const event = await tb.event(Number(receipt));
      assert.equal(event.kind, 'access');
      assert.equal(event.outcome, outcome);
      assert.equal(event.code, code);
      return event;
    }

    test('a hosted register answers with only the agreed fields, recorded on the ledger with a verifiable receipt', async () => {
      const response = await exchange(
        tb.url,
        tokens[HOUSING]!,
        `/population-register/person/${person}`,
        asHousing,
      );
      assert.equal(response.status, 200, response.text);
      const agreed = AGREEMENTS.find(
        (a) => a.consumer === 'housing-agency' && a.service === 'person' && a.purpose === BENEFIT,
      )!;
      assert.deepEqual(Object.keys(response.body).sort(), [...agreed.fields].sort());
      assert.equal(response.body.national_id, person);
      assert.equal(response.headers.get('cache-control'), 'no-store');

      const index = Number(response.headers.get('exchange-receipt'));
      const event = await tb.event(index);
      assert.equal(event.outcome, 'allowed');
      assert.equal(event.subject, person);
      assert.equal(event.official, OFFICIAL);
      assert.equal(event.consumer, 'housing-agency');
      assert.equal(event.system, 'benefit-system');
      assert.equal(event.purpose, BENEFIT);
      assert.deepEqual(event.fields, agreed.fields);
      assert.equal(
        event.responseDigest,
        `sha256:${createHash('sha256').update(response.text).digest('base64url')}`,
      );
      assert.ok(!JSON.stringify(event).includes(response.body.given_name), 'the event holds no data');

      const key = parseVerifierKey((await call(tb.url, 'GET', '/ledger/key')).text);
      const checkpoint = openCheckpoint((await call(tb.url, 'GET', '/ledger/checkpoint')).text, [key]);
      const proof = await call(
        tb.url,
        'GET',
        `/ledger/proof/inclusion?index=${index}&size=${checkpoint.size}`,
      );
      assert.equal(proof.status, 200, proof.text);
      const leaf = Buffer.from(response.headers.get('exchange-receipt-leaf-hash')!, 'base64');
      const hashes = proof.body.hashes.map((h: string) => Buffer.from(h, 'base64'));
      assert.ok(
        verifyInclusion(leaf, index, checkpoint.size, hashes, checkpoint.rootHash),
        'the receipt is in the log',
      );
    });

    test('a proxied service is answered by the provider, minimized in nested objects and arrays', async () => {
      const income = await exchange(tb.url, tokens[SOCIAL]!, `/tax-agency/income/${person}`, {
        purpose: ASSESSMENT,
        subject: person,
        official: OFFICIAL,
      });
      assert.equal(income.status, 200, income.text);
      assert.equal(income.body.national_id, person);
      assert.equal(income.body.income_tax_withheld, undefined, 'not agreed');
      if (income.body.employer !== null) assert.deepEqual(Object.keys(income.body.employer), ['name']);

      const health = await exchange(
        tb.url,
        tokens[SOCIAL]!,
        `/health-ministry/disability-and-care/${person}`,
        {
          purpose: ASSESSMENT,
          subject: person,
          official: OFFICIAL,
        },
      );
      assert.equal(health.status, 200, health.text);
      assert.deepEqual(Object.keys(health.body).sort(), [
        'care_level',
        'chronic_conditions',
        'disability_status',
        'national_id',
      ]);
      for (const condition of health.body.chronic_conditions)
        assert.deepEqual(Object.keys(condition), ['code']);
      assert.equal(health.body.general_practitioner, undefined);
    });

    test('a service set to per-request JWS is signed that way, and its provider still answers', async () => {
      const steward = await tb.steward('tax-agency');
      const set = (requestAssertion: string) =>
        call(tb.url, 'PATCH', '/api/v1/organizations/tax-agency/services/income', {
          token: steward,
          body: { requestAssertion },
        });
      const ask = () =>
        exchange(tb.url, tokens[SOCIAL]!, `/tax-agency/income/${person}`, {
          purpose: ASSESSMENT,
          subject: person,
          official: OFFICIAL,
        });
      assert.equal(
        tb.server.node.app.exchange.index.service('tax-agency', 'income')?.requestAssertion,
        'batch',
      );
      const jws = await set('jws');
      assert.equal(jws.status, 200, jws.text);
      assert.equal(jws.body.requestAssertion, 'jws');
      try {
        assert.equal(
          tb.server.node.app.exchange.index.service('tax-agency', 'income')?.requestAssertion,
          'jws',
        );
        const answered = await ask();
        assert.equal(answered.status, 200, answered.text);
        assert.equal(answered.body.national_id, person);
      } finally {
        assert.equal((await set('batch')).status, 200);
      }
      assert.equal((await ask()).status, 200, 'and in batches again');
    });

    test('the provider refuses a request that did not come through the exchange', async () => {
      const direct = await call(tb.provider.url, 'GET', `/income/${person}`);
      assert.equal(direct.status, 401);
      const forged = await call(tb.provider.url, 'GET', `/income/${person}`, { token: tokens[HOUSING] });
      assert.equal(forged.status, 401, 'an access token is not a request assertion');
    });

    describe('a provider answering more than agreed', () => {
      before(async () => {
        const steward = await tb.steward('tax-agency');
        const dataset = await call(tb.url, 'POST', '/api/v1/organizations/tax-agency/datasets', {
          token: steward,
          body: {
            slug: 'probe',
            title: 'Probe',
            classification: 'confidential',
            keyField: 'national_id',
            fields: [
              { name: 'national_id', type: 'string', sensitivity: 'personal' },
              { name: 'name', type: 'string', sensitivity: 'personal' },
              { name: 'nested.agreed', type: 'string', sensitivity: 'personal' },
              { name: 'nested.secret', type: 'string', sensitivity: 'personal' },
              { name: 'nested.deeper.agreed', type: 'integer', sensitivity: 'personal' },
              { name: 'list', type: 'array', sensitivity: 'personal' },
              { name: 'results', type: 'array', sensitivity: 'personal' },
              { name: 'secret', type: 'string', sensitivity: 'personal' },
            ],
          },
        });
        assert.equal(dataset.status, 201, dataset.text);
        // The misbehaving provider and an address where nothing listens, on the platform's list.
        for (const origin of [new URL(tb.provider.bad).origin, 'http://127.0.0.1:9']) {
          const allowed = await call(tb.url, 'POST', '/api/v1/provider-origins', {
            token: tb.admin,
            body: { origin, privateNetwork: true },
          });
          assert.equal(allowed.status, 201, allowed.text);
        }
        for (const slug of [
          'overshare',
          'query',
          'hang',
          'error',
          'garbage',
          'invalid-json',
          'primitive',
          'huge',
          'huge-stream',
          'drip',
          'gone',
        ]) {
          const baseUrl = slug === 'gone' ? 'http://127.0.0.1:9/nothing' : `${tb.provider.bad}/${slug}`;
          const service = await call(tb.url, 'POST', '/api/v1/organizations/tax-agency/services', {
            token: steward,
            body: {
              slug: `probe-${slug}`,
              dataset: 'probe',
              title: `Probe ${slug}`,
              kind: 'proxied',
              baseUrl,
            },
          });
          assert.equal(service.status, 201, service.text);
          await agree('tax-agency', {
            consumer: 'housing-agency',
            service: `probe-${slug}`,
            purpose: BENEFIT,
            fields: [
              'national_id',
              'name',
              'nested.agreed',
              'nested.deeper.agreed',
              'list.code',
              'results.name',
            ],
          });
        }
      });

      test('only the agreed members reach the consumer, at every depth', async () => {
        const response = await exchange(
          tb.url,
          tokens[HOUSING]!,
          `/tax-agency/probe-overshare/${person}`,
          asHousing,
        );
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.body, {
          national_id: person,
          name: 'Agreed Name',
          nested: { agreed: 'kept', deeper: { agreed: 1 } },
          list: [{ code: 'A1' }, { code: 'B2' }],
        });
        assert.ok(!response.text.includes(SECRET));
      });

      test('a POST query is forwarded and its answer minimized too', async () => {
        const response = await exchange(tb.url, tokens[HOUSING]!, '/tax-agency/probe-query', {
          ...asHousing,
          method: 'POST',
          body: { find: 'anyone' },
        });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.body, { results: [{ name: 'Agreed Name' }] });
        const event = await tb.event(Number(response.headers.get('exchange-receipt')));
        assert.equal(event.method, 'POST');
        assert.match(String(event.requestDigest), /^sha256:/);
      });

      const failures: Array<[string, number, string]> = [
        ['hang', 504, 'PROVIDER_TIMEOUT'],
        ['drip', 504, 'PROVIDER_TIMEOUT'],
        ['error', 502, 'PROVIDER_ERROR'],
        ['garbage', 502, 'PROVIDER_RESPONSE_INVALID'],
        ['invalid-json', 502, 'PROVIDER_RESPONSE_INVALID'],
        ['primitive', 502, 'PROVIDER_RESPONSE_INVALID'],
        ['huge', 502, 'PROVIDER_RESPONSE_TOO_LARGE'],
        ['huge-stream', 502, 'PROVIDER_RESPONSE_TOO_LARGE'],
        ['gone', 502, 'PROVIDER_UNREACHABLE'],
      ];
      for (const [slug, status, code] of failures) {
        test(`a provider that answers "${slug}" gives ${code}: a clear error, recorded, nothing leaked`, async () => {
          const started = Date.now();
          const response = await exchange(
            tb.url,
            tokens[HOUSING]!,
            `/tax-agency/probe-${slug}/${person}`,
            asHousing,
          );
          await refused(response, status, code, 'failed');
          assert.ok(Date.now() - started < 5000, 'within the configured deadline');
          // Nothing of what answered: no status, no content type, no address (only the exchange's own limits).
          const details = response.body.error.details ?? {};
          assert.deepEqual(
            Object.keys(details).filter((k) => !['timeoutMs', 'limitBytes'].includes(k)),
            [],
          );
          assert.ok(!response.text.includes('127.0.0.1'), response.text);
          assert.doesNotMatch(response.body.error.message, /HTTP \d{3}/);
        });
      }

      test('a path that would step out of the service is refused', async () => {
        // Sent as written: fetch() would resolve the dot segments before sending.
        const raw = (path: string) =>
          new Promise<ApiResponse<any>>((resolve, reject) => {
            const request = httpRequest(`${tb.url}/exchange/v1/tax-agency/probe-overshare${path}`, {
              headers: {
                authorization: `Bearer ${tokens[HOUSING]}`,
                'data-purpose': BENEFIT,
                'data-subject': person,
                'on-behalf-of': OFFICIAL,
              },
            });
            request.path = `/exchange/v1/tax-agency/probe-overshare${path}`;
            request.on('response', (response) => {
              let text = '';
              response.on('data', (chunk) => {
                text += chunk;
              });
              response.on('end', () =>
                resolve({
                  status: response.statusCode ?? 0,
                  headers: new Headers(response.headers as Record<string, string>),
                  body: JSON.parse(text),
                  text,
                }),
              );
            });
            request.on('error', reject);
            request.end();
          });
        for (const path of ['/../../health-ministry/x', '/%2e%2e/x', '/a/%2E./x', '/a%2Fb', '/a%5cb']) {
          await refused(await raw(path), 400, 'VALIDATION_FAILED');
        }
      });
    });

    test('every refusal has a stable code, a message, and its own ledger entry', async () => {
      const suspended = await agree('address-register', {
        consumer: 'exampleton-social',
        service: 'address',
        purpose: ASSESSMENT,
        fields: ['postcode'],
      });
      await change(suspended, 'suspend');
      await agree('business-register', {
        consumer: 'exampleton-social',
        service: 'business',
        purpose: ASSESSMENT,
        fields: ['name'],
        validFrom: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      });
      const revoked = await agree('business-register', {
        consumer: 'housing-agency',
        service: 'business',
        purpose: BENEFIT,
        fields: ['name'],
      });
      await change(revoked, 'revoke');
      const expired = await agree('population-register', {
        consumer: 'tax-agency',
        service: 'person',
        purpose: 'tax-assessment',
        fields: ['household_id'],
      });
      await change(expired, 'expire');

      const other = citizen('citizen2');
      const personPath = `/population-register/person/${person}`;
      const cases: Array<[string, string, string, Parameters<typeof exchange>[3], number]> = [
        ['PURPOSE_REQUIRED', HOUSING, personPath, { subject: person, official: OFFICIAL }, 400],
        ['PURPOSE_UNKNOWN', HOUSING, personPath, { ...asHousing, purpose: 'curiosity' }, 403],
        ['SUBJECT_REQUIRED', HOUSING, personPath, { purpose: BENEFIT, official: OFFICIAL }, 400],
        ['SUBJECT_INVALID', HOUSING, personPath, { ...asHousing, subject: 'not an id' }, 400],
        ['OFFICIAL_REQUIRED', HOUSING, personPath, { purpose: BENEFIT, subject: person }, 400],
        ['SUBJECT_MISMATCH', HOUSING, personPath, { ...asHousing, subject: other }, 403],
        ['NO_AGREEMENT', HOUSING, `/health-ministry/disability-and-care/${person}`, asHousing, 403],
        ['PURPOSE_NOT_AGREED', HOUSING, personPath, { ...asHousing, purpose: 'tax-assessment' }, 403],
        [
          'AGREEMENT_NOT_ACTIVE',
          SOCIAL,
          `/address-register/address/${addressIdAt(0)}`,
          { purpose: ASSESSMENT },
          403,
        ],
        [
          'AGREEMENT_NOT_YET_VALID',
          SOCIAL,
          `/business-register/business/${registryCodeAt(0)}`,
          { purpose: ASSESSMENT },
          403,
        ],
        [
          'AGREEMENT_REVOKED',
          HOUSING,
          `/business-register/business/${registryCodeAt(0)}`,
          { purpose: BENEFIT },
          403,
        ],
        ['AGREEMENT_EXPIRED', TAX, personPath, { ...asHousing, purpose: 'tax-assessment' }, 403],
        [
          'CONSENT_REQUIRED',
          HOUSING,
          `/population-register/person/${other}`,
          { purpose: 'rental-application-prefill', subject: other, official: OFFICIAL },
          403,
        ],
        ['NOT_FOUND', HOUSING, `/population-register/nothing/${person}`, asHousing, 404],
      ];
      for (const [code, clientId, path, request, status] of cases) {
        const event = await refused(await exchange(tb.url, tokens[clientId]!, path, request), status, code);
        assert.deepEqual(event.fields, [], `${code}: no fields released`);
      }
    });

    test('a record the register does not hold is 404, recorded as an allowed look-up that found nothing', async () => {
      const stranger = 'EX999999999';
      const response = await exchange(tb.url, tokens[HOUSING]!, `/population-register/person/${stranger}`, {
        ...asHousing,
        subject: stranger,
      });
      const event = await refused(response, 404, 'NOT_FOUND', 'allowed');
      assert.equal(event.status, 404);
    });

    test('a revoked consent refuses the very next call', async () => {
      const subject = citizen('citizen3');
      const path = `/population-register/person/${subject}`;
      const request = { purpose: 'rental-application-prefill', subject, official: OFFICIAL };
      await refused(await exchange(tb.url, tokens[HOUSING]!, path, request), 403, 'CONSENT_REQUIRED');
      const given = await call(tb.url, 'POST', '/api/v1/organizations/housing-agency/consents', {
        token: await tb.steward('housing-agency'),
        body: {
          subject,
          collectionMethod: 'paper',
          evidence: 'Signed form, exchange test',
          purpose: 'rental-application-prefill',
          fields: ['given_name'],
        },
      });
      assert.equal(given.status, 201, given.text);
      const allowed = await exchange(tb.url, tokens[HOUSING]!, path, request);
      assert.equal(allowed.status, 200, allowed.text);
      assert.deepEqual(Object.keys(allowed.body), ['given_name'], 'the consent narrows the agreed fields');
      assert.equal((await tb.event(Number(allowed.headers.get('exchange-receipt')))).consent, given.body.id);

      const revoked = await call(tb.url, 'POST', `/api/v1/consents/${given.body.id}/revoke`, {
        token: tb.admin,
        body: { reason: 'The person changed their mind.' },
      });
      assert.equal(revoked.status, 200, revoked.text);
      await refused(await exchange(tb.url, tokens[HOUSING]!, path, request), 403, 'CONSENT_REVOKED');
    });

    test('a consent that ends mid-run refuses the next call', async () => {
      const subject = citizen('citizen2');
      const given = await call(tb.url, 'POST', '/api/v1/organizations/housing-agency/consents', {
        token: await tb.steward('housing-agency'),
        body: {
          subject,
          collectionMethod: 'paper',
          evidence: 'Signed form, exchange test',
          purpose: 'rental-application-prefill',
          expiresAt: new Date(Date.now() + 1500).toISOString(),
        },
      });
      assert.equal(given.status, 201, given.text);
      const path = `/population-register/person/${subject}`;
      const request = { purpose: 'rental-application-prefill', subject, official: OFFICIAL };
      assert.equal((await exchange(tb.url, tokens[HOUSING]!, path, request)).status, 200);
      await sleep(1600);
      await refused(await exchange(tb.url, tokens[HOUSING]!, path, request), 403, 'CONSENT_EXPIRED');
    });

    test('an agreement that expires mid-run refuses the next call', async () => {
      await agree('address-register', {
        consumer: 'tax-agency',
        service: 'address',
        purpose: 'tax-assessment',
        fields: ['postcode'],
        validUntil: new Date(Date.now() + 1500).toISOString(),
      });
      const path = `/address-register/address/${addressIdAt(0)}`;
      const first = await exchange(tb.url, tokens[TAX]!, path, { purpose: 'tax-assessment' });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(Object.keys(first.body), ['postcode']);
      await sleep(1600);
      await refused(
        await exchange(tb.url, tokens[TAX]!, path, { purpose: 'tax-assessment' }),
        403,
        'AGREEMENT_EXPIRED',
      );
    });

    test('suspending refuses the next call, resuming allows it again, revoking is final', async () => {
      const agreement = await agree('business-register', {
        consumer: 'tax-agency',
        service: 'business',
        purpose: 'business-licensing',
        fields: ['name', 'status'],
      });
      const path = `/business-register/business/${registryCodeAt(0)}`;
      const request = { purpose: 'business-licensing' };
      assert.equal((await exchange(tb.url, tokens[TAX]!, path, request)).status, 200);
      await change(agreement, 'suspend');
      await refused(await exchange(tb.url, tokens[TAX]!, path, request), 403, 'AGREEMENT_NOT_ACTIVE');
      await change(agreement, 'resume');
      assert.equal((await exchange(tb.url, tokens[TAX]!, path, request)).status, 200);
      await change(agreement, 'revoke');
      await refused(await exchange(tb.url, tokens[TAX]!, path, request), 403, 'AGREEMENT_REVOKED');
      const again = await call(
        tb.url,
        'POST',
        `/api/v1/organizations/business-register/agreements/${agreement.id}/resume`,
        {
          token: await tb.steward('business-register'),
          body: { reason: 'Try to bring it back.' },
        },
      );
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'CONFLICT');
    });

    test('when an agreed field becomes special-category data, the next call is refused', async () => {
      await agree('population-register', {
        consumer: 'exampleton-social',
        service: 'person',
        purpose: 'rental-application-prefill',
        fields: ['sex'],
        legalBasis: 'gdpr-6-1-e',
      });
      const path = `/population-register/person/${person}`;
      const request = { purpose: 'rental-application-prefill', subject: person, official: OFFICIAL };
      assert.equal((await exchange(tb.url, tokens[SOCIAL]!, path, request)).status, 200);
      const steward = await tb.steward('population-register');
      const dataset = await call(
        tb.url,
        'GET',
        '/api/v1/organizations/population-register/datasets/population',
      );
      const fields = dataset.body.fields.map((f: Record<string, string>) =>
        f.name === 'sex' ? { ...f, sensitivity: 'special' } : f,
      );
      const changed = await call(
        tb.url,
        'PATCH',
        '/api/v1/organizations/population-register/datasets/population',
        {
          token: steward,
          body: { fields },
        },
      );
      assert.equal(changed.status, 200, changed.text);
      await refused(
        await exchange(tb.url, tokens[SOCIAL]!, path, request),
        403,
        'SPECIAL_CATEGORY_NOT_AGREED',
      );
      const restored = await call(
        tb.url,
        'PATCH',
        '/api/v1/organizations/population-register/datasets/population',
        {
          token: steward,
          body: { fields: dataset.body.fields },
        },
      );
      // Making it less sensitive again waits for the data protection officer (issue 14, finding 5).
      assert.equal(restored.status, 202, restored.text);
      const approved = await call(
        tb.url,
        'POST',
        `/api/v1/organizations/population-register/catalog-changes/${restored.body.id}/approve`,
        {
          token: await tb.signers('population-register', 'data_protection_officer'),
          body: { reason: 'Back as it was before the test.' },
        },
      );
      assert.equal(approved.status, 200, approved.text);
    });

    test('an agreement over its rate limit gets 429 with Retry-After; over its daily quota too', async () => {
      await agree('population-register', {
        consumer: 'tax-agency',
        service: 'person',
        purpose: 'business-licensing',
        fields: ['family_name'],
        rateLimitPerMinute: 2,
      });
      const path = `/population-register/person/${person}`;
      const request = { purpose: 'business-licensing', subject: person, official: OFFICIAL };
      for (let i = 0; i < 2; i++)
        assert.equal((await exchange(tb.url, tokens[TAX]!, path, request)).status, 200);
      const limited = await exchange(tb.url, tokens[TAX]!, path, request);
      await refused(limited, 429, 'RATE_LIMITED');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);

      await agree('address-register', {
        consumer: 'tax-agency',
        service: 'address',
        purpose: 'business-licensing',
        fields: ['street'],
        quotaPerDay: 1,
      });
      const addressPath = `/address-register/address/${addressIdAt(1)}`;
      assert.equal(
        (await exchange(tb.url, tokens[TAX]!, addressPath, { purpose: 'business-licensing' })).status,
        200,
      );
      const spent = await exchange(tb.url, tokens[TAX]!, addressPath, { purpose: 'business-licensing' });
      await refused(spent, 429, 'QUOTA_EXCEEDED');
      const retry = Number(spent.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 86_400, `Retry-After ${retry} s is before the next UTC day`);
    });

    test('a disabled system is refused on its next call, whatever token it holds', async () => {
      const admin = (await tb.server.user([{ role: 'organization_admin', organization: 'tax-agency' }]))
        .token;
      const disable = (status: string) =>
        call(tb.url, 'PATCH', '/api/v1/organizations/tax-agency/systems/assessment-engine', {
          token: admin,
          body: { status },
        });
      assert.equal((await disable('disabled')).status, 200);
      const response = await exchange(
        tb.url,
        tokens[TAX]!,
        `/business-register/business/${registryCodeAt(0)}`,
        {
          purpose: 'business-licensing',
        },
      );
      assert.equal(response.status, 403, response.text);
      assert.equal(response.body.error.code, 'SYSTEM_DISABLED');
      assert.equal((await disable('active')).status, 200);
    });

    test('calls without a valid access token are refused before anything else', async () => {
      const path = `/population-register/person/${person}`;
      const none = await exchange(tb.url, null, path, asHousing);
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'UNAUTHENTICATED');
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      const pat = (await tb.server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
      const personal = await exchange(tb.url, pat, path, asHousing);
      assert.equal(personal.status, 401);
      assert.equal(personal.body.error.code, 'TOKEN_INVALID');
      assert.equal(
        personal.headers.get('exchange-receipt'),
        null,
        'an unauthenticated call is not a decision',
      );
    });

    test('usage is counted by service, consumer, purpose and code, in /metrics and, by day, in the store', async () => {
      const metrics = (await call(tb.url, 'GET', '/metrics')).text;
      assert.match(
        metrics,
        /govdx_exchange_calls_total\{provider="population-register",service="person",consumer="housing-agency",purpose="housing-benefit-eligibility",outcome="allowed",code=""\} \d+/,
      );
      assert.match(metrics, /govdx_exchange_calls_total\{[^}]*outcome="denied",code="SUBJECT_MISMATCH"\} 1/);
      assert.match(metrics, /govdx_exchange_call_duration_seconds_bucket\{[^}]*service="income"/);

      const steward = await tb.steward('population-register');
      const usagePath = '/api/v1/organizations/population-register/services/person/usage';
      const usage = await call(tb.url, 'GET', usagePath, { token: steward });
      assert.equal(usage.status, 200, usage.text);
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(usage.body.to, today);
      const housing = usage.body.totals.find(
        (r: { consumer: string; purpose: string }) =>
          r.consumer === 'housing-agency' && r.purpose === BENEFIT,
      );
      assert.equal(housing.consumerName, 'Housing Agency');
      assert.ok(housing.answered >= 1);
      assert.ok(housing.refusals.SUBJECT_MISMATCH >= 1);
      assert.equal(housing.calls, housing.answered + housing.notFound + housing.refused + housing.failed);
      assert.ok(housing.p50Ms > 0 && housing.p95Ms >= housing.p50Ms);
      const day = usage.body.days.find(
        (r: { day: string; consumer: string; purpose: string }) =>
          r.day === today && r.consumer === 'housing-agency' && r.purpose === BENEFIT,
      );
      assert.equal(day.calls, housing.calls, 'every call of the test was today');

      const csv = await call(tb.url, 'GET', `${usagePath}?format=csv`, { token: steward });
      assert.equal(csv.status, 200, csv.text);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(
        csv.headers.get('content-disposition') ?? '',
        /attachment; filename="usage-population-register-person-/,
      );
      const [header, ...lines] = csv.text.trimEnd().split('\r\n');
      assert.match(
        header ?? '',
        /^day,provider,service,consumer,purpose,calls,answered,not_found,refused,failed,.*refused SUBJECT_MISMATCH.*,p50_ms,p95_ms$/,
      );
      assert.ok(
        lines.some((line) =>
          line.startsWith(`${today},population-register,person,housing-agency,${BENEFIT},${housing.calls},`),
        ),
      );
      const accepted = await call(tb.url, 'GET', usagePath, {
        token: steward,
        headers: { accept: 'text/csv' },
      });
      assert.equal(accepted.text, csv.text, 'Accept: text/csv gives the same CSV');

      const own = await call(tb.url, 'GET', '/api/v1/organizations/housing-agency/usage', {
        token: await tb.steward('housing-agency'),
      });
      assert.equal(own.status, 200, own.text);
      assert.ok(own.body.totals.every((r: { consumer: string }) => r.consumer === 'housing-agency'));
      assert.ok(own.body.totals.some((r: { provider: string }) => r.provider === 'population-register'));

      const outsider = await tb.steward('tax-agency');
      const refusedUsage = await call(tb.url, 'GET', usagePath, { token: outsider });
      assert.equal(refusedUsage.status, 403);
    });

    test('the exchange publishes its keys, and its routes are in the OpenAPI document', async () => {
      const jwks = await call(tb.url, 'GET', '/exchange/jwks.json');
      assert.equal(jwks.status, 200);
      assert.equal(jwks.body.keys[0].kty, 'EC');
      assert.equal(jwks.body.keys[0].d, undefined, 'no private part');
      const doc = (await call(tb.url, 'GET', '/openapi.json')).body;
      const operation =
        doc.paths['/exchange/v1/{provider}/{service}/{*}'] ??
        doc.paths['/exchange/v1/{provider}/{service}/*'];
      assert.ok(
        operation?.get,
        Object.keys(doc.paths)
          .filter((p: string) => p.startsWith('/exchange'))
          .join(', '),
      );
      assert.deepEqual(operation.get.security, [{ exchangeToken: ['exchange'] }]);
      assert.ok(doc.paths['/oauth/token']?.post);
    });
  });
}
