/**
 * System authentication: client credentials with private_key_jwt at /oauth/token, and the access tokens
 * the exchange accepts. Forged, expired, replayed and misdirected credentials are all refused.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { CLIENT_ASSERTION_TYPE, clientAssertion, readPrivateJwk } from '../../src/exchange/index.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { citizen, exchange, OFFICIAL, startTestbed, type Testbed } from './support.ts';

const HOUSING = 'housing-agency/benefit-system';

for (const dialect of DIALECTS) {
  describe(`system authentication (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    let key: JWK;
    const person = citizen('citizen');

    before(async () => {
      tb = await startTestbed(dialect, { exchangeTokenSeconds: 120 });
      key = readPrivateJwk(tb.keyFile(HOUSING));
    });
    after(() => tb?.close());

    const tokenRequest = (form: Record<string, string>) =>
      fetch(`${tb.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      }).then(async (r) => ({
        status: r.status,
        headers: r.headers,
        body: (await r.json()) as Record<string, any>,
      }));
    const withAssertion = (assertion: string, extra: Record<string, string> = {}) =>
      tokenRequest({
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
        ...extra,
      });

    /** An assertion with the given claims and header, signed with `signingKey` (the system's own by default). */
    async function assertion(
      claims: Record<string, unknown> = {},
      options: { signingKey?: JWK; header?: Record<string, unknown> } = {},
    ) {
      const now = Math.floor(Date.now() / 1000);
      const signingKey = options.signingKey ?? key;
      return new SignJWT({
        iss: HOUSING,
        sub: HOUSING,
        aud: `${tb.url}/oauth/token`,
        jti: crypto.randomUUID(),
        iat: now,
        exp: now + 60,
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...options.header })
        .sign(await importJWK(signingKey, 'ES256'));
    }

    async function refusedToken(
      response: Awaited<ReturnType<typeof withAssertion>>,
      code: string,
      error = 'invalid_client',
    ) {
      assert.equal(response.body.code, code, JSON.stringify(response.body));
      assert.equal(response.body.error, error);
      assert.equal(response.status, error === 'invalid_client' ? 401 : 400);
      assert.ok(response.body.error_description.length > 10);
      assert.equal(response.body.access_token, undefined);
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }

    test('a valid client assertion gets a short-lived ES256 access token, verifiable with the published keys', async () => {
      const response = await withAssertion(await clientAssertion(key, HOUSING, tb.url));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.token_type, 'Bearer');
      assert.equal(response.body.expires_in, 120);
      assert.equal(response.body.scope, 'exchange');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const token = response.body.access_token as string;
      assert.deepEqual(
        { alg: decodeProtectedHeader(token).alg, typ: decodeProtectedHeader(token).typ },
        { alg: 'ES256', typ: 'at+jwt' },
      );
      const jwks = (await call(tb.url, 'GET', '/exchange/jwks.json')).body;
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
        issuer: tb.url,
        audience: `${tb.url}/exchange`,
      });
      assert.equal(payload.sub, HOUSING);
      assert.equal(payload.exp! - payload.iat!, 120);
      const call1 = await exchange(tb.url, token, `/population-register/person/${person}`, {
        purpose: 'housing-benefit-eligibility',
        subject: person,
        official: OFFICIAL,
      });
      assert.equal(call1.status, 200, call1.text);
    });

    test('an assertion is accepted once: a replay (same jti) is refused', async () => {
      const once = await clientAssertion(key, HOUSING, tb.url);
      assert.equal((await withAssertion(once)).status, 200);
      await refusedToken(await withAssertion(once), 'ASSERTION_REPLAYED');
    });

    test('forged, expired, misdirected, overlong and unsigned assertions are refused', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const stranger = { ...(await exportJWK(privateKey)), kid: key.kid };
      const now = Math.floor(Date.now() / 1000);
      const cases: Array<[string, string]> = [
        ['signed by another key', await assertion({}, { signingKey: stranger })],
        ['expired', await assertion({ iat: now - 600, exp: now - 120 })],
        ['for another audience', await assertion({ aud: 'https://elsewhere.example/token' })],
        ['valid for an hour', await assertion({ exp: now + 3600 })],
        ['without a jti', await assertion({ jti: undefined })],
        ['with sub not the client', await assertion({ sub: 'someone-else' })],
        [
          'unsigned (alg none)',
          new UnsecuredJWT({
            iss: HOUSING,
            sub: HOUSING,
            aud: `${tb.url}/oauth/token`,
            jti: 'x',
            exp: now + 60,
          }).encode(),
        ],
        ['not a JWT', 'not-a-jwt'],
        ['from an unknown system', await assertion({ iss: 'nobody/nothing', sub: 'nobody/nothing' })],
      ];
      for (const [what, forged] of cases) {
        const response = await withAssertion(forged);
        assert.equal(response.status, 401, `${what}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.code, 'ASSERTION_INVALID', what);
      }
      await refusedToken(
        await withAssertion(await clientAssertion(key, HOUSING, tb.url), {
          client_id: 'exampleton-social/case-management',
        }),
        'ASSERTION_INVALID',
      );
    });

    test('the request itself must be client credentials with an assertion, for the exchange scope', async () => {
      await refusedToken(
        await tokenRequest({ grant_type: 'password', username: 'a', password: 'b' }),
        'UNSUPPORTED_GRANT_TYPE',
        'unsupported_grant_type',
      );
      await refusedToken(await tokenRequest({ grant_type: 'client_credentials' }), 'ASSERTION_INVALID');
      const scoped = await withAssertion(await clientAssertion(key, HOUSING, tb.url), { scope: 'admin' });
      assert.equal(scoped.status, 400);
      assert.equal(scoped.body.error, 'invalid_scope');
      await refusedToken(await tokenRequest({}), 'VALIDATION_FAILED', 'invalid_request');
    });

    test('forged, expired, altered and misdirected access tokens are refused at the exchange', async () => {
      const app = tb.server.node.app;
      const system = app.exchange.index.system(HOUSING)!;
      const path = `/population-register/person/${person}`;
      const request = { purpose: 'housing-benefit-eligibility', subject: person, official: OFFICIAL };
      const genuine = (await app.exchange.tokens.issue(system)).token;
      const { privateKey } = await generateKeyPair('ES256');
      const now = Math.floor(Date.now() / 1000);
      const claims = { client_id: HOUSING, system_id: system.id, scope: 'exchange' };
      const signed = (
        audience: string,
        signingKey: CryptoKey | import('node:crypto').KeyObject,
        exp = now + 60,
      ) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: app.exchange.keys.kid, typ: 'at+jwt' })
          .setIssuer(tb.url)
          .setAudience(audience)
          .setSubject(HOUSING)
          .setJti(crypto.randomUUID())
          .setIssuedAt(now - 120)
          .setExpirationTime(exp)
          .sign(signingKey);
      const [header, payload, signature] = genuine.split('.');
      const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      altered.sub = 'exampleton-social/case-management';
      const cases: Array<[string, string, string]> = [
        ['signed by another key', await signed(`${tb.url}/exchange`, privateKey), 'TOKEN_INVALID'],
        [
          'for another audience',
          await signed('https://elsewhere.example', app.exchange.keys.privateKey),
          'TOKEN_INVALID',
        ],
        [
          'expired',
          await signed(`${tb.url}/exchange`, app.exchange.keys.privateKey, now - 60),
          'TOKEN_EXPIRED',
        ],
        ['expired (issued short)', (await app.exchange.tokens.issue(system, -60)).token, 'TOKEN_EXPIRED'],
        [
          'altered',
          `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`,
          'TOKEN_INVALID',
        ],
        ['a client assertion', await clientAssertion(key, HOUSING, tb.url), 'TOKEN_INVALID'],
        [
          'unsigned',
          new UnsecuredJWT(claims)
            .setIssuer(tb.url)
            .setAudience(`${tb.url}/exchange`)
            .setSubject(HOUSING)
            .encode(),
          'TOKEN_INVALID',
        ],
      ];
      for (const [what, token, code] of cases) {
        const response = await exchange(tb.url, token, path, request);
        assert.equal(response.status, 401, `${what}: ${response.text}`);
        assert.equal(response.body.error.code, code, what);
        assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/, what);
        assert.ok(!response.text.includes('given_name'), what);
      }
      assert.equal((await exchange(tb.url, genuine, path, request)).status, 200, 'the genuine token works');
    });

    test('a disabled system gets no token', async () => {
      const admin = (await tb.server.user([{ role: 'organization_admin', organization: 'housing-agency' }]))
        .token;
      const set = (status: string) =>
        call(tb.url, 'PATCH', '/api/v1/organizations/housing-agency/systems/benefit-system', {
          token: admin,
          body: { status },
        });
      assert.equal((await set('disabled')).status, 200);
      await refusedToken(await withAssertion(await clientAssertion(key, HOUSING, tb.url)), 'SYSTEM_DISABLED');
      assert.equal((await set('active')).status, 200);
      assert.equal((await withAssertion(await clientAssertion(key, HOUSING, tb.url))).status, 200);
    });

    test('a token already verified is refused on the next call once its system is disabled or its key taken off', async () => {
      const admin = (await tb.server.user([{ role: 'organization_admin', organization: 'housing-agency' }]))
        .token;
      const systemUrl = '/api/v1/organizations/housing-agency/systems/benefit-system';
      const patch = (body: Record<string, unknown>) =>
        call(tb.url, 'PATCH', systemUrl, { token: admin, body });
      const registered = (await call(tb.url, 'GET', systemUrl, { token: admin })).body.jwks;
      const path = `/population-register/person/${person}`;
      const request = { purpose: 'housing-benefit-eligibility', subject: person, official: OFFICIAL };
      const token = (await withAssertion(await clientAssertion(key, HOUSING, tb.url))).body.access_token;
      const remembered = tb.server.node.app.exchange.tokens.rememberedCount;
      assert.equal((await exchange(tb.url, token, path, request)).status, 200);
      assert.equal(
        tb.server.node.app.exchange.tokens.rememberedCount,
        remembered + 1,
        'the token is remembered',
      );
      assert.equal((await exchange(tb.url, token, path, request)).status, 200, 'and answered from memory');

      assert.equal((await patch({ status: 'disabled' })).status, 200);
      const disabled = await exchange(tb.url, token, path, request);
      assert.equal(disabled.status, 403, disabled.text);
      assert.equal(disabled.body.error.code, 'SYSTEM_DISABLED');
      assert.equal((await patch({ status: 'active' })).status, 200);
      assert.equal((await exchange(tb.url, token, path, request)).status, 200, 'enabled again');

      // The organization replaces the key the token was obtained with by a new one.
      const next = await generateKeyPair('ES256', { extractable: true });
      const nextKey = { ...(await exportJWK(next.privateKey)), kid: 'rotated-1', alg: 'ES256' };
      const { d: _private, ...nextPublic } = nextKey;
      try {
        assert.equal((await patch({ jwks: { keys: [nextPublic] } })).status, 200);
        const revoked = await exchange(tb.url, token, path, request);
        assert.equal(revoked.status, 401, revoked.text);
        assert.equal(revoked.body.error.code, 'TOKEN_INVALID');
        assert.match(revoked.body.error.message, /taken off its registered keys/);
        const fresh = await withAssertion(await clientAssertion(nextKey, HOUSING, tb.url));
        assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
        assert.equal((await exchange(tb.url, fresh.body.access_token, path, request)).status, 200);
      } finally {
        assert.equal((await patch({ jwks: registered })).status, 200);
      }
    });

    describe('a system that publishes its keys at a JWKS URL', () => {
      let keyServer: Server;
      let fetches = 0;
      let own: JWK;

      before(async () => {
        const pair = await generateKeyPair('ES256', { extractable: true });
        own = { ...(await exportJWK(pair.privateKey)), kid: 'remote-1', alg: 'ES256' };
        const published = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'remote-1', alg: 'ES256' }] };
        keyServer = createServer((_request, response) => {
          fetches += 1;
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(published));
        });
        await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
        const address = keyServer.address() as { port: number };
        const admin = (await tb.server.user([{ role: 'organization_admin', organization: 'housing-agency' }]))
          .token;
        const created = await call(tb.url, 'POST', '/api/v1/organizations/housing-agency/systems', {
          token: admin,
          body: {
            slug: 'remote-keys',
            name: 'Keys at a URL',
            jwksUri: `http://127.0.0.1:${address.port}/jwks.json`,
          },
        });
        assert.equal(created.status, 201, created.text);
      });
      after(() => new Promise<void>((resolve) => keyServer?.close(() => resolve())));

      test('its assertions are checked against the keys fetched from there, fetched once and cached', async () => {
        for (let i = 0; i < 3; i++) {
          const response = await withAssertion(
            await clientAssertion(own, 'housing-agency/remote-keys', tb.url),
          );
          assert.equal(response.status, 200, JSON.stringify(response.body));
        }
        assert.equal(fetches, 1);
        const forged = await withAssertion(
          await clientAssertion({ ...key, kid: 'remote-1' }, 'housing-agency/remote-keys', tb.url),
        );
        assert.equal(forged.body.code, 'ASSERTION_INVALID');
      });
    });
  });
}
