import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { createIdpAccount, registerIdpClient } from '../../src/identity/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { Browser, formAction, signIn } from './browser.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of DIALECTS) {
  describe(`sign-in at the embedded identity provider (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let server: TestServer;
    let steward: { personId: string };
    let citizen: { personId: string };

    before(async () => {
      server = await startTestServer(dialect);
      const db = server.fresh.store.db;
      steward = await server.user([{ role: 'data_steward', organization: 'tax-agency' }], {
        name: 'Anna Steward',
      });
      await createIdpAccount(db, { username: 'anna', personId: steward.personId, password: PASSWORD });
      citizen = await server.user([], { name: 'Carl Citizen', nationalId: '38001010001' });
      await createIdpAccount(db, { username: 'carl', personId: citizen.personId, password: PASSWORD });
    });
    after(() => server?.close());

    const me = (browser: Browser) =>
      call(server.url, 'GET', '/api/v1/me', {
        headers: { cookie: `govdx_session=${browser.cookie('govdx_session')}` },
      });

    test('a person signs in with username and password and their session opens the API', async () => {
      const browser = new Browser();
      const result = await signIn(
        browser,
        server.url,
        { username: 'anna', password: PASSWORD },
        { returnTo: '/catalog?page=2' },
      );
      assert.equal(result.next, `${server.url}/catalog?page=2`);
      const session = browser.cookieAttributes('govdx_session') ?? '';
      assert.match(session, /HttpOnly/);
      assert.match(session, /SameSite=Lax/);
      assert.match(session, /Path=\//);
      assert.doesNotMatch(session, /Secure/, 'the test server is plain http');

      const response = await me(browser);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.person.id, steward.personId);
      assert.equal(response.body.via, 'session');
    });

    test('the session endpoint shows who is signed in and their roles', async () => {
      const browser = new Browser();
      assert.deepEqual(
        (await browser.request(`${server.url}/auth/session`)).text,
        JSON.stringify({ signedIn: false }),
      );
      await signIn(browser, server.url, { username: 'anna', password: PASSWORD });
      const session = JSON.parse((await browser.request(`${server.url}/auth/session`)).text);
      assert.equal(session.signedIn, true);
      assert.equal(session.person.id, steward.personId);
      assert.equal(session.person.name, 'Anna Steward');
      assert.deepEqual(session.roles, [{ role: 'data_steward', organization: 'tax-agency' }]);
    });

    test('a citizen signs in and is seen as a citizen with their national ID', async () => {
      const browser = new Browser();
      await signIn(browser, server.url, { username: 'carl', password: PASSWORD });
      const session = JSON.parse((await browser.request(`${server.url}/auth/session`)).text);
      assert.equal(session.person.nationalId, '38001010001');
      assert.deepEqual(session.roles, [{ role: 'citizen', organization: null }]);
    });

    test('a wrong password shows the error on the form and starts no session', async () => {
      const browser = new Browser();
      const form = await browser.follow(`${server.url}/auth/login`);
      const attempt = await browser.follow(formAction(form.last, '/login'), {
        form: { username: 'anna', password: 'wrong password' },
      });
      assert.equal(attempt.last.status, 401);
      assert.match(
        attempt.last.text,
        /<p id="login-error" class="error" role="alert">The username or password is wrong.<\/p>/,
      );
      assert.match(
        attempt.last.text,
        /<input id="password"[^>]*aria-invalid="true" aria-describedby="login-error"/,
      );
      assert.match(attempt.last.text, /<input id="username"[^>]*value="anna"/, 'the username is kept');
      assert.equal(browser.cookie('govdx_session'), undefined);
      assert.equal((await me(browser)).status, 401);
    });

    test('an unknown username gets the same answer as a wrong password', async () => {
      const browser = new Browser();
      const form = await browser.follow(`${server.url}/auth/login`);
      const attempt = await browser.follow(formAction(form.last, '/login'), {
        form: { username: 'nobody', password: PASSWORD },
      });
      assert.equal(attempt.last.status, 401);
      assert.match(attempt.last.text, /The username or password is wrong./);
      assert.equal(browser.cookie('govdx_session'), undefined);
    });

    test('a callback whose state was altered is refused and starts no session', async () => {
      const browser = new Browser();
      const result = await browser.follow(`${server.url}/auth/login`);
      const toCallback = await browser.follow(
        formAction(result.last, '/login'),
        { form: { username: 'anna', password: PASSWORD } },
        (url) => url.pathname === '/auth/callback',
      );
      const callback = new URL(toCallback.next!);
      callback.searchParams.set('state', 'forged-state');
      const refused = await browser.request(callback);
      assert.equal(refused.status, 400);
      assert.match(refused.text, /<html lang="en">/);
      assert.match(refused.text, /<a class="button primary" href="\/auth\/login">Try again<\/a>/);
      assert.doesNotMatch(refused.text, /at .*\.ts:\d+/, 'no stack trace');
      assert.equal(browser.cookie('govdx_session'), undefined);
    });

    test('a callback without the login cookie, or with an altered one, is refused', async () => {
      const browser = new Browser();
      const result = await browser.follow(`${server.url}/auth/login?returnTo=/a`);
      const toCallback = await browser.follow(
        formAction(result.last, '/login'),
        { form: { username: 'anna', password: PASSWORD } },
        (url) => url.pathname === '/auth/callback',
      );
      const sealed = browser.cookie('govdx_login', '/auth/callback')!;
      // Another browser (an attacker's) replays the callback without this browser's login cookie.
      const stranger = new Browser();
      assert.equal((await stranger.request(toCallback.next!)).status, 400);
      assert.equal(stranger.cookie('govdx_session'), undefined);
      // The login cookie is signed: changing its return address breaks it.
      const [body, mac] = sealed.split('.');
      const login = JSON.parse(Buffer.from(body!, 'base64url').toString());
      const altered = Buffer.from(JSON.stringify({ ...login, returnTo: '/b' })).toString('base64url');
      browser.setCookie('govdx_login', `${altered}.${mac}`, '/auth');
      assert.equal((await browser.request(toCallback.next!)).status, 400);
      assert.equal(browser.cookie('govdx_session'), undefined);
    });

    for (const returnTo of [
      '//evil.example/path',
      'https://evil.example/',
      '/\\evil.example',
      '/\t/evil.example',
    ]) {
      test(`returnTo ${JSON.stringify(returnTo)} leads off the site, so sign-in returns to / instead`, async () => {
        const browser = new Browser();
        const result = await signIn(
          browser,
          server.url,
          { username: 'anna', password: PASSWORD },
          { returnTo },
        );
        assert.equal(result.next, `${server.url}/`);
        assert.ok(browser.cookie('govdx_session'));
      });
    }

    test('signing out ends the session, and the identity provider signs out too', async () => {
      const browser = new Browser();
      await signIn(browser, server.url, { username: 'anna', password: PASSWORD });
      const oldCookie = browser.cookie('govdx_session')!;
      const out = await browser.request(`${server.url}/auth/logout`, { method: 'POST' });
      assert.equal(out.status, 200);
      const { logoutUrl } = JSON.parse(out.text);
      const end = new URL(logoutUrl);
      assert.equal(`${end.origin}${end.pathname}`, `${server.url}/idp/session/end`);
      assert.ok(end.searchParams.get('id_token_hint'));
      assert.equal(end.searchParams.get('post_logout_redirect_uri'), `${server.url}/`);
      assert.equal(browser.cookie('govdx_session'), undefined, 'the cookie is cleared');
      const stale = await call(server.url, 'GET', '/api/v1/me', {
        headers: { cookie: `govdx_session=${oldCookie}` },
      });
      assert.equal(stale.status, 401);

      // govdx sent the browser with the ID token of the person signed in there: no second question.
      const done = await browser.follow(logoutUrl);
      assert.equal(done.next, `${server.url}/`);
      // The provider forgot the person: signing in again asks for the password.
      const again = await browser.follow(`${server.url}/auth/login`);
      assert.match(again.last.text, /<h1>Sign in to govdx<\/h1>/);
    });

    test("a sign-out request that does not come from govdx with the person's ID token still asks", async () => {
      const browser = new Browser();
      await signIn(browser, server.url, { username: 'anna', password: PASSWORD });
      const asked = await browser.request(`${server.url}/idp/session/end`);
      assert.equal(asked.status, 200);
      assert.match(asked.text, /<h1>Sign out of govdx\?<\/h1>/);
      // Nothing was ended by merely asking: signing in again needs no password.
      const again = await browser.follow(`${server.url}/auth/login`);
      assert.equal(again.next, `${server.url}/`);
    });

    test('an expired session is refused', async () => {
      const browser = new Browser();
      await signIn(browser, server.url, { username: 'anna', password: PASSWORD });
      assert.equal((await me(browser)).status, 200);
      await server.fresh.store.db
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('person_id', '=', steward.personId)
        .execute();
      assert.equal((await me(browser)).status, 401);
      assert.equal(
        (await browser.request(`${server.url}/auth/session`)).text,
        JSON.stringify({ signedIn: false }),
      );
    });

    test('the identity provider states name, email and national ID to a client that is allowed them', async () => {
      const redirectUri = 'http://127.0.0.1:9/callback';
      await registerIdpClient(server.fresh.store.db, {
        client_id: 'benefits-portal',
        client_secret: 'benefits-portal-secret',
        client_name: 'Benefits portal',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      });
      const configuration = await oidc.discovery(
        new URL(`${server.url}/idp`),
        'benefits-portal',
        undefined,
        oidc.ClientSecretBasic('benefits-portal-secret'),
        { execute: [oidc.allowInsecureRequests] },
      );
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const start = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: 'openid profile email national_id',
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const browser = new Browser();
      const isRedirectUri = (url: URL) => url.href.startsWith(redirectUri);
      const form = await browser.follow(start, {}, isRedirectUri);
      const consent = await browser.follow(
        formAction(form.last, '/login'),
        { form: { username: 'carl', password: PASSWORD } },
        isRedirectUri,
      );
      assert.match(consent.last.text, /<h1>Allow Benefits portal to use your details\?<\/h1>/);
      assert.match(consent.last.text, /Your national identification number/);
      const back = await browser.follow(
        formAction(consent.last, '/consent'),
        { form: { decision: 'allow' } },
        isRedirectUri,
      );
      const tokens = await oidc.authorizationCodeGrant(configuration, new URL(back.next!), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const claims = await oidc.fetchUserInfo(configuration, tokens.access_token, citizen.personId);
      assert.equal(claims.sub, citizen.personId);
      assert.equal(claims.name, 'Carl Citizen');
      assert.equal(claims.national_id, '38001010001');
      assert.equal(claims.email_verified, true);
      assert.match(String(claims.email), /@example\.test$/);
    });

    test('the identity provider refuses an authorization request without PKCE', async () => {
      const url = new URL(`${server.url}/idp/auth`);
      url.search = new URLSearchParams({
        client_id: 'govdx',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: `${server.url}/auth/callback`,
        state: 'x',
      }).toString();
      const response = await new Browser().request(url);
      assert.equal(response.status, 303);
      const back = new URL(response.location!);
      assert.equal(back.searchParams.get('error'), 'invalid_request');
      assert.match(back.searchParams.get('error_description') ?? '', /PKCE/);
    });
  });
}
