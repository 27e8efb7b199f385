/**
 * The consent authorization server and the person API over HTTP, as a service (openid-client, PAR,
 * PKCE, private_key_jwt) and a citizen's browser use them: every refusal is clear, nothing is released
 * that the citizen did not consent to, every release is on the ledger, and a withdrawal takes effect on
 * the next call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { pairwiseKey, pairwiseSubject } from '../../src/consent/index.ts';
import { PersonApiError } from '../../src/demo/housing-app/govdx-client.ts';
import { citizen, startTestbed, type Testbed } from '../exchange/support.ts';
import { Browser } from '../identity/browser.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import {
  answer,
  consentTo,
  PURPOSE,
  pushRequest,
  REDIRECT_URI,
  registerService,
  type TestService,
} from './support.ts';

const subject = citizen('citizen');

for (const dialect of DIALECTS) {
  describe(`consent authorization server and person API (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let testbed: Testbed;
    let service: TestService;

    before(async () => {
      testbed = await startTestbed(dialect);
      service = await registerService(testbed);
    });
    after(() => testbed?.close());

    const consentRecord = async (id: string) =>
      (await call(testbed.url, 'GET', `/api/v1/consents/${id}`, { token: testbed.admin })).body;

    test('discovery at /consent/.well-known/openid-configuration offers PAR, PKCE S256 and private_key_jwt only', async () => {
      const response = await call(testbed.url, 'GET', '/consent/.well-known/openid-configuration');
      assert.equal(response.status, 200, response.text);
      const metadata = response.body;
      assert.equal(metadata.issuer, `${testbed.url}/consent`);
      assert.equal(metadata.pushed_authorization_request_endpoint, `${testbed.url}/consent/request`);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['private_key_jwt']);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      for (const scope of ['openid', 'name', 'dob', 'address', 'income'])
        assert.ok(metadata.scopes_supported.includes(scope), scope);
      const jwks = await call(testbed.url, 'GET', new URL(metadata.jwks_uri).pathname);
      assert.equal(jwks.body.keys[0].alg, 'ES256');
      assert.equal(jwks.body.keys[0].d, undefined, 'only the public key is published');
    });

    test('the consent page names the organization, the purpose and its legal basis, and each attribute with its register, last update and retention', async () => {
      const client = service.client();
      const { url } = await client.begin();
      const { reachConsentPage } = await import('./support.ts');
      const page = await reachConsentPage(new Browser(), testbed.url, url.href);
      assert.equal(page.status, 200, page.text);
      for (const text of [
        'Share your details with the Housing Agency?',
        'Housing benefit application (test)',
        'Pre-filling your housing benefit application',
        'Consent of the data subject (GDPR Art. 6(1)(a))',
        'Your name',
        'Your registered address',
        'Your taxable income last year',
        'Population register, kept by the Population Register Office',
        'Address register, kept by the Land and Address Board',
        'Annual income, kept by the Tax and Customs Board',
        'Asked from the Tax and Customs Board when it is sent',
        '2 years',
        'Yes, share my details',
        'No, do not share',
      ]) {
        assert.ok(page.text.includes(text), `the page says "${text}"`);
      }
      assert.match(
        page.text,
        /Last updated<\/dt><dd>\d{1,2} \w+ \d{4}</,
        'the register’s last update, as a date',
      );
      assert.match(page.text, /<html lang="en">/);
    });

    test('approving records the consent on the ledger; the person API answers with the consented attributes, signed by govdx, each read recorded with the citizen as subject', async () => {
      const before = (await testbed.server.node.app.ledger.treeHead()).size;
      const { client, pending, callback } = await consentTo(testbed, service);
      assert.ok(callback, 'the browser is sent back to the service');
      assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
      const { accessToken } = await client.finish(callback, pending);
      const person = await client.person(accessToken);

      assert.deepEqual(Object.keys(person.attributes).sort(), ['address', 'income', 'name']);
      assert.equal(typeof (person.attributes.name!.value as any).given_name, 'string');
      assert.deepEqual(Object.keys(person.attributes.name!.value as object).sort(), [
        'family_name',
        'given_name',
      ]);
      assert.deepEqual(person.attributes.name!.source, {
        organization: 'population-register',
        organizationName: 'Population Register Office',
        register: 'Population register',
      });
      assert.equal(person.attributes.name!.classification, 'confidential');
      assert.match(person.attributes.name!.lastUpdated!, /^\d{4}-\d{2}-\d{2}T/);
      assert.equal(person.attributes.address!.source.register, 'Address register');
      assert.equal(typeof (person.attributes.address!.value as any).street, 'string');
      assert.deepEqual(Object.keys(person.attributes.income!.value as object).sort(), [
        'currency',
        'taxable_income',
        'year',
      ]);
      assert.equal(person.attributes.income!.lastUpdated, null, 'asked from the provider: no register date');
      assert.equal(person.purpose, PURPOSE);
      assert.equal(person.aud, service.clientId);

      const consent = await consentRecord(person.consent);
      assert.equal(consent.subject, subject);
      assert.equal(consent.consumer, 'housing-agency');
      assert.equal(consent.purpose, PURPOSE);
      assert.equal(consent.status, 'active');
      assert.equal(consent.collectionMethod, 'oauth-consent-page');
      assert.equal(consent.client, service.clientId);
      assert.deepEqual([...consent.fields].sort(), [
        'address_id',
        'apartment',
        'currency',
        'family_name',
        'given_name',
        'house_number',
        'municipality',
        'postcode',
        'street',
        'taxable_income',
        'year',
      ]);

      const events = [];
      const size = (await testbed.server.node.app.ledger.treeHead()).size;
      for (let i = before; i < size; i++) events.push(await testbed.event(i));
      const given = events.find((e) => e.kind === 'consent.given' && e.consent === person.consent);
      assert.ok(given, 'consent.given is on the ledger');
      assert.equal(given.subject, subject);
      assert.equal(person.receipts.length, 3, 'one access event per register read');
      for (const index of person.receipts) {
        const event = await testbed.event(index);
        assert.equal(event.kind, 'access');
        assert.equal(event.outcome, 'allowed');
        assert.equal(event.subject, subject);
        assert.equal(event.consumer, 'housing-agency');
        assert.equal(event.system, service.clientId);
        assert.equal(event.purpose, PURPOSE);
        assert.equal(event.consent, person.consent);
      }
      const reads = await Promise.all(person.receipts.map((i) => testbed.event(i)));
      assert.deepEqual(reads.map((e) => `${e.provider}/${e.service}`).sort(), [
        'address-register/address',
        'population-register/person',
        'tax-agency/income',
      ]);
    });

    test('the person API never returns an attribute the citizen did not consent to', async () => {
      const { client, pending, callback } = await consentTo(testbed, service, { scopes: ['name'] });
      const { accessToken } = await client.finish(callback!, pending);
      const person = await client.person(accessToken);
      assert.deepEqual(Object.keys(person.attributes), ['name']);
      assert.equal(person.receipts.length, 1, 'only the population register is read');
      const event = await testbed.event(person.receipts[0]!);
      assert.deepEqual([...(event.fields as string[])].sort(), ['family_name', 'given_name']);
      const consent = await consentRecord(person.consent);
      assert.deepEqual([...consent.fields].sort(), ['family_name', 'given_name']);
      const raw = await fetch(`${testbed.url}/consent/v1/person`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      const payload = decodeJwt(await raw.text());
      for (const secret of ['address', 'income', 'taxable_income', 'street', 'date_of_birth', 'address_id']) {
        assert.ok(!JSON.stringify(payload).includes(secret), `no "${secret}" in the answer`);
      }
    });

    test('a service knows the citizen by a pairwise sub, the same in the ID token and the person API, and for every service of its organization only', async () => {
      const first = await consentTo(testbed, service, { scopes: ['name'] });
      const { accessToken, sub } = await first.client.finish(first.callback!, first.pending);
      const person = await first.client.person(accessToken);
      assert.equal(person.sub, sub, 'the person API names the citizen as the ID token did');

      const db = testbed.server.node.app.store.db;
      const { id: personId } = await db
        .selectFrom('people')
        .select('id')
        .where('national_id', '=', subject)
        .executeTakeFirstOrThrow();
      assert.notEqual(sub, personId, "not govdx's own ID");
      assert.ok(!sub.includes(subject), 'not the national ID');
      assert.match(sub, /^[A-Za-z0-9_-]{43}$/);

      const sibling = await registerService(testbed);
      const second = await consentTo(testbed, sibling, { scopes: ['name'] });
      const again = await second.client.finish(second.callback!, second.pending);
      assert.equal(
        again.sub,
        sub,
        'another service of the Housing Agency, the same controller, sees the same sub',
      );

      // Derived from the organization: another organization's services would see another.
      const key = await pairwiseKey(db);
      assert.equal(pairwiseSubject(key, 'housing-agency', personId), sub);
      assert.notEqual(pairwiseSubject(key, 'social-insurance', personId), sub);
    });

    test('PKCE is required: a request without a code challenge, or with the plain method, is refused', async () => {
      const without = await pushRequest(testbed, service, {
        code_challenge: null,
        code_challenge_method: null,
      });
      assert.equal(without.status, 400);
      assert.equal(without.body.error, 'invalid_request');
      assert.match(without.body.error_description!, /PKCE/);
      const plain = await pushRequest(testbed, service, {
        code_challenge_method: 'plain',
        code_challenge: 'x'.repeat(43),
      });
      assert.equal(plain.status, 400);
      assert.equal(plain.body.error, 'invalid_request');
      // The front channel too: the error goes back to the (registered) redirect URI.
      const front = await fetch(
        `${testbed.url}/consent/auth?${new URLSearchParams({ client_id: service.clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid name', purpose: PURPOSE })}`,
        { redirect: 'manual' },
      );
      const location = new URL(front.headers.get('location') ?? 'http://none');
      assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description') ?? '', /PKCE/);
    });

    test('the code must be traded with its PKCE verifier', async () => {
      const { client, callback } = await consentTo(testbed, service, { scopes: ['name'] });
      await assert.rejects(
        client.finish(callback!, {
          state: callback!.searchParams.get('state')!,
          verifier: oidc.randomPKCECodeVerifier(),
        }),
        (error: any) => error.error === 'invalid_grant',
      );
    });

    test('a redirect URI the service did not register is refused, and the browser is not sent there', async () => {
      const pushed = await pushRequest(testbed, service, { redirect_uri: 'https://evil.example/callback' });
      assert.equal(pushed.status, 400);
      assert.equal(pushed.body.error, 'invalid_request');
      assert.match(pushed.body.error_description!, /redirect_uri/);
      const front = await fetch(
        `${testbed.url}/consent/auth?${new URLSearchParams({ client_id: service.clientId, response_type: 'code', redirect_uri: 'https://evil.example/callback', scope: 'openid name', purpose: PURPOSE, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
        { redirect: 'manual' },
      );
      assert.equal(front.status, 400);
      assert.equal(front.headers.get('location'), null);
      const page = await front.text();
      assert.match(page, /request cannot be completed/);
      assert.match(page, /redirect_uri/);
    });

    test('an unknown scope is refused with invalid_scope, naming it', async () => {
      const pushed = await pushRequest(testbed, service, { scope: 'openid name shoe-size' });
      assert.equal(pushed.status, 400);
      assert.equal(pushed.body.error, 'invalid_scope');
      assert.match(pushed.body.error_description!, /"shoe-size" is not an attribute govdx can release/);
      const none = await pushRequest(testbed, service, { scope: 'openid' });
      assert.equal(none.body.error, 'invalid_scope');
      assert.match(none.body.error_description!, /at least one attribute/);
    });

    test('a scope whose fields no agreement in force covers is refused, saying which agreement is missing', async () => {
      const pushed = await pushRequest(testbed, service, { scope: 'openid name dob' });
      assert.equal(pushed.status, 400);
      assert.equal(pushed.body.error, 'invalid_scope');
      assert.equal(
        pushed.body.error_description,
        '"dob" cannot be asked for: Housing Agency has no agreement in force with Population Register Office for "Pre-filling your housing benefit application" that covers date_of_birth.',
      );
    });

    test('the purpose must be sent, and be one the service is registered for', async () => {
      const missing = await pushRequest(testbed, service, { purpose: null });
      assert.equal(missing.body.error, 'invalid_request');
      assert.match(missing.body.error_description!, /Send the registered purpose as the "purpose" parameter/);
      const other = await pushRequest(testbed, service, { purpose: 'rental-application-prefill' });
      assert.equal(other.body.error, 'invalid_request');
      assert.match(other.body.error_description!, /not a purpose .* is registered to ask consent for/);
    });

    test('the service must authenticate with private_key_jwt, with its registered key', async () => {
      const anonymous = await pushRequest(testbed, service, {}, 'none');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error, 'invalid_client');
      const forged = await pushRequest(testbed, service, {}, 'wrong-key');
      assert.equal(forged.status, 401);
      assert.equal(forged.body.error, 'invalid_client');
      const secret = await pushRequest(testbed, service, { client_secret: 'guess' }, 'none');
      assert.equal(secret.body.error, 'invalid_client');
      const ok = await pushRequest(testbed, service);
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.match(ok.body.request_uri!, /^urn:ietf:params:oauth:request_uri:/);
    });

    test("a service's rotated key and changed redirect URI hold from its next request", async () => {
      const rotating = await registerService(testbed);
      assert.equal((await pushRequest(testbed, rotating)).status, 201);
      const next = await generateKeyPair('ES256', { extractable: true });
      const kid = `${rotating.clientId}-next`;
      const nextKey = { ...(await exportJWK(next.privateKey)), kid, alg: 'ES256' };
      const changed = await call(
        testbed.url,
        'PATCH',
        `/api/v1/organizations/housing-agency/consent-clients/${rotating.clientId}`,
        {
          token: await testbed.steward('housing-agency'),
          body: {
            redirectUris: ['https://housing.example/return'],
            jwks: { keys: [{ ...(await exportJWK(next.publicKey)), kid, alg: 'ES256', use: 'sig' }] },
          },
        },
      );
      assert.equal(changed.status, 200, changed.text);

      const oldKey = await pushRequest(testbed, rotating, { redirect_uri: 'https://housing.example/return' });
      assert.equal(oldKey.status, 401, 'the old key no longer authenticates the service');
      assert.equal(oldKey.body.error, 'invalid_client');
      const rotated = { ...rotating, signingKey: nextKey };
      const oldAddress = await pushRequest(testbed, rotated);
      assert.equal(oldAddress.status, 400, 'the old redirect URI is no longer accepted');
      assert.match(oldAddress.body.error_description!, /redirect_uri/);
      const ok = await pushRequest(testbed, rotated, { redirect_uri: 'https://housing.example/return' });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    });

    test('an expired code is refused', async () => {
      const { client, pending, callback } = await consentTo(testbed, service, { scopes: ['name'] });
      // As if the code's minute had passed: the store no longer returns it.
      await testbed.server.fresh.store.db
        .updateTable('oidc_payloads')
        .set({ expires_at: '2000-01-01T00:00:00.000Z' })
        .where('model', '=', 'consent.AuthorizationCode')
        .execute();
      await assert.rejects(
        client.finish(callback!, pending),
        (error: any) => error.error === 'invalid_grant',
      );
    });

    test('a replayed code is refused, and the tokens it gave are revoked', async () => {
      const { client, pending, callback } = await consentTo(testbed, service, { scopes: ['name'] });
      const { accessToken } = await client.finish(callback!, pending);
      await assert.rejects(
        client.finish(callback!, pending),
        (error: any) => error.error === 'invalid_grant',
      );
      await assert.rejects(
        client.person(accessToken),
        (error: unknown) =>
          error instanceof PersonApiError && error.status === 401 && error.code === 'TOKEN_INVALID',
      );
    });

    test('a tampered answer is refused by the service’s verification', async () => {
      const { client, pending, callback } = await consentTo(testbed, service, { scopes: ['name'] });
      const { accessToken } = await client.finish(callback!, pending);
      const response = await fetch(`${testbed.url}/consent/v1/person`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      assert.equal(response.headers.get('content-type'), 'application/jose');
      const jws = await response.text();
      assert.equal(decodeProtectedHeader(jws).alg, 'ES256');
      const verified = await client.verify(jws);
      assert.equal(verified.aud, service.clientId);
      const [header, payload, signature] = jws.split('.');
      const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      altered.attributes.name.value.family_name = 'Someone-Else';
      const tampered = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
      await assert.rejects(client.verify(tampered), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
      const flipped = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      await assert.rejects(client.verify(flipped));
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
      await assert.rejects(client.verify(unsigned));
    });

    test('declining sends access_denied to the service, and records no consent', async () => {
      const count = async () =>
        (
          await call(testbed.url, 'GET', `/api/v1/consents?subject=${subject}&limit=200`, {
            token: testbed.admin,
          })
        ).body.items.length;
      const before = await count();
      const { client, pending, callback } = await consentTo(testbed, service, { decision: 'decline' });
      assert.ok(callback);
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('code'), null);
      await assert.rejects(client.finish(callback, pending), (error: any) => error.error === 'access_denied');
      assert.equal(await count(), before);
    });

    test('a withdrawn consent refuses the next person call with CONSENT_REVOKED, recorded on the ledger', async () => {
      const { client, pending, callback } = await consentTo(testbed, service);
      const { accessToken } = await client.finish(callback!, pending);
      const person = await client.person(accessToken);
      const revoked = await call(testbed.url, 'POST', `/api/v1/consents/${person.consent}/revoke`, {
        token: testbed.admin,
        body: { reason: 'The person changed their mind.' },
      });
      assert.equal(revoked.status, 200, revoked.text);
      const before = (await testbed.server.node.app.ledger.treeHead()).size;
      await assert.rejects(
        client.person(accessToken),
        (error: unknown) =>
          error instanceof PersonApiError && error.status === 403 && error.code === 'CONSENT_REVOKED',
      );
      const event = await testbed.event(before);
      assert.equal(event.kind, 'access');
      assert.equal(event.outcome, 'denied');
      assert.equal(event.code, 'CONSENT_REVOKED');
      assert.equal(event.subject, subject);
      assert.equal(event.consent, person.consent);
      assert.equal(
        (await testbed.server.node.app.ledger.treeHead()).size,
        before + 1,
        'stops at the first refusal',
      );
    });

    test('another consent of the citizen for the same purpose does not stand in for the withdrawn one', async () => {
      const first = await consentTo(testbed, service, { scopes: ['name'] });
      const { accessToken } = await first.client.finish(first.callback!, first.pending);
      const consentId = (await first.client.person(accessToken)).consent;
      const second = await consentTo(testbed, service, { scopes: ['name'] });
      await second.client.finish(second.callback!, second.pending);
      await call(testbed.url, 'POST', `/api/v1/consents/${consentId}/revoke`, {
        token: testbed.admin,
        body: {},
      });
      await assert.rejects(first.client.person(accessToken), { code: 'CONSENT_REVOKED' });
    });

    test('without the ledger nothing is released: 503 LEDGER_UNAVAILABLE', async () => {
      const { client, pending, callback } = await consentTo(testbed, service, { scopes: ['name'] });
      const { accessToken } = await client.finish(callback!, pending);
      const storage = testbed.server.node.app.ledger.storage;
      const original = storage.appendBatch;
      storage.appendBatch = async () => {
        throw new Error('the disk is gone');
      };
      try {
        const response = await fetch(`${testbed.url}/consent/v1/person`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        assert.equal(response.status, 503);
        const body = await response.json();
        assert.deepEqual(Object.keys(body), ['error']);
        assert.equal(body.error.code, 'LEDGER_UNAVAILABLE');
      } finally {
        storage.appendBatch = original;
      }
      assert.ok((await client.person(accessToken)).attributes.name, 'works again once the ledger does');
    });

    test('the person API refuses a missing or unknown access token', async () => {
      const none = await call(testbed.url, 'GET', '/consent/v1/person');
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'UNAUTHENTICATED');
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      const unknown = await call(testbed.url, 'GET', '/consent/v1/person', { token: 'not-a-token' });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.error.code, 'TOKEN_INVALID');
      assert.match(unknown.headers.get('www-authenticate') ?? '', /invalid_token/);
      // An exchange token of a system is not a consent token.
      const system = await testbed.token('housing-agency/benefit-system');
      const wrong = await call(testbed.url, 'GET', '/consent/v1/person', { token: system });
      assert.equal(wrong.status, 401);
    });

    test('a service that registered an encryption key gets the answer as a JWE around the signed JWT', async () => {
      const encrypted = await registerService(testbed, { encrypted: true });
      const { client, pending, callback } = await consentTo(testbed, encrypted, { scopes: ['name'] });
      const { accessToken } = await client.finish(callback!, pending);
      const response = await fetch(`${testbed.url}/consent/v1/person`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      const jwe = await response.text();
      assert.equal(jwe.split('.').length, 5, 'compact JWE');
      const header = decodeProtectedHeader(jwe);
      assert.equal(header.alg, 'ECDH-ES+A256KW');
      assert.equal(header.enc, 'A256GCM');
      assert.equal(header.cty, 'JWT');
      assert.equal(header.kid, encrypted.decryptionKey!.kid);
      const person = await client.verify(jwe);
      assert.deepEqual(Object.keys(person.attributes), ['name']);
    });

    test('preview: the citizen sees the values before they are sent; Send releases them, Cancel withdraws the consent', async () => {
      const previewing = await registerService(testbed, { preview: true });
      const nameOf = async () => {
        const record = await testbed.server.fresh.store.db
          .selectFrom('records')
          .select('data')
          .where('key', '=', subject)
          .executeTakeFirstOrThrow();
        const data = JSON.parse(record.data);
        return `${data.given_name} ${data.family_name}`;
      };
      const sent = await consentTo(testbed, previewing, { scopes: ['name'] });
      assert.equal(sent.callback, null, 'approving shows the preview first');
      const preview = sent.back.last;
      assert.equal(preview.status, 200);
      assert.ok(preview.text.includes('Check your details before they are sent'));
      assert.ok(preview.text.includes(await nameOf()), 'the actual name is shown');
      const released = await answer(sent.browser, testbed.url, preview, {
        decision: 'send',
        grant: /name="grant" value="([^"]+)"/.exec(preview.text)![1]!,
      });
      const { accessToken } = await sent.client.finish(new URL(released.next!), sent.pending);
      const person = await sent.client.person(accessToken);
      assert.equal(
        `${(person.attributes.name!.value as any).given_name} ${(person.attributes.name!.value as any).family_name}`,
        await nameOf(),
      );
      const shown = await testbed.event(person.receipts[0]! - 1);
      assert.equal(shown.preview, true, 'the preview read is recorded as one');

      const cancelled = await consentTo(testbed, previewing, { scopes: ['name'] });
      const back = await answer(cancelled.browser, testbed.url, cancelled.back.last, {
        decision: 'cancel',
        grant: /name="grant" value="([^"]+)"/.exec(cancelled.back.last.text)![1]!,
      });
      const callback = new URL(back.next!);
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      const consents = (
        await call(testbed.url, 'GET', `/api/v1/consents?subject=${subject}&limit=200`, {
          token: testbed.admin,
        })
      ).body.items.filter((c: any) => c.client === previewing.clientId);
      // One consent per service and purpose: the second approval renewed the first, and cancelling
      // after seeing the details withdraws it; the person's last word is no.
      assert.deepEqual(
        consents.map((c: any) => c.status),
        ['revoked'],
      );
    });
  });
}
