import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createIdpAccount, registerIdpClient } from '../../src/identity/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { Browser, signIn } from './browser.ts';

const PASSWORD = 'correct horse battery';

/**
 * Two govdx nodes: `issuer` plays a government's identity provider (its embedded one), and `govdx`
 * is pointed at it as an external issuer, registered there as a client like any other relying party.
 */
for (const dialect of DIALECTS) {
  describe(`sign-in at an external identity provider (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let issuer: TestServer;
    let govdx: TestServer;
    let known: { personId: string };

    before(async () => {
      issuer = await startTestServer(dialect);
      govdx = await startTestServer(dialect, {
        oidcIssuer: `${issuer.url}/idp`,
        oidcClientId: 'govdx-ministry',
        oidcClientSecret: 'ministry-client-secret',
      });
      await registerIdpClient(issuer.fresh.store.db, {
        client_id: 'govdx-ministry',
        client_secret: 'ministry-client-secret',
        client_name: 'govdx of the ministry',
        redirect_uris: [`${govdx.url}/auth/callback`],
        post_logout_redirect_uris: [`${govdx.url}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      });

      // The same person in both places, known by the same e-mail address.
      known = await govdx.user([{ role: 'organization_admin', organization: 'ministry' }], {
        name: 'Eva Admin',
      });
      const { email } = await govdx.fresh.store.db
        .selectFrom('people')
        .select('email')
        .where('id', '=', known.personId)
        .executeTakeFirstOrThrow();
      const atIssuer = await issuer.user([], { name: 'Eva Admin' });
      await issuer.fresh.store.db
        .updateTable('people')
        .set({ email: email!.toUpperCase() })
        .where('id', '=', atIssuer.personId)
        .execute();
      await createIdpAccount(issuer.fresh.store.db, {
        username: 'eva',
        personId: atIssuer.personId,
        password: PASSWORD,
      });

      // Someone the issuer knows but govdx does not.
      const stranger = await issuer.user([], { name: 'Sam Stranger' });
      await createIdpAccount(issuer.fresh.store.db, {
        username: 'sam',
        personId: stranger.personId,
        password: PASSWORD,
      });
    });
    after(async () => {
      await govdx?.close();
      await issuer?.close();
    });

    test('govdx pointed at an external issuer serves no identity provider of its own', async () => {
      const response = await call(govdx.url, 'GET', '/idp/.well-known/openid-configuration');
      assert.equal(response.status, 404);
    });

    test('a person is linked by their verified email on first sign-in, and by the link afterwards', async () => {
      const browser = new Browser();
      const result = await signIn(
        browser,
        govdx.url,
        { username: 'eva', password: PASSWORD },
        { returnTo: '/console' },
      );
      assert.equal(result.next, `${govdx.url}/console`);
      assert.ok(
        result.steps.some((s) => s.url.startsWith(`${issuer.url}/idp/interaction/`)),
        'the password was given at the issuer',
      );
      const me = await call(govdx.url, 'GET', '/api/v1/me', {
        headers: { cookie: `govdx_session=${browser.cookie('govdx_session')}` },
      });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.person.id, known.personId);
      assert.deepEqual(me.body.roles, [{ role: 'organization_admin', organization: 'ministry' }]);

      const link = await govdx.fresh.store.db
        .selectFrom('person_identities')
        .selectAll()
        .where('person_id', '=', known.personId)
        .executeTakeFirstOrThrow();
      assert.equal(link.issuer, `${issuer.url}/idp`);

      // Even if the address changes in govdx later, the link made on first sign-in still holds.
      await govdx.fresh.store.db
        .updateTable('people')
        .set({ email: 'changed@example.test' })
        .where('id', '=', known.personId)
        .execute();
      const again = new Browser();
      await signIn(again, govdx.url, { username: 'eva', password: PASSWORD });
      const session = JSON.parse((await again.request(`${govdx.url}/auth/session`)).text);
      assert.equal(session.person.id, known.personId);
    });

    test('a person the issuer knows but govdx does not is refused with a clear page', async () => {
      const browser = new Browser();
      const result = await signIn(browser, govdx.url, { username: 'sam', password: PASSWORD });
      assert.equal(result.last.status, 403);
      assert.ok(result.last.url.startsWith(`${govdx.url}/auth/callback`));
      assert.match(result.last.text, /Your account is not registered in govdx. Ask your organization admin./);
      assert.match(result.last.text, />Try again<\/a>/);
      assert.equal(browser.cookie('govdx_session'), undefined);
    });

    test('a person who does not allow govdx at the issuer is not signed in', async () => {
      const browser = new Browser();
      const result = await signIn(
        browser,
        govdx.url,
        { username: 'eva', password: PASSWORD },
        { consent: 'deny' },
      );
      assert.equal(result.last.status, 403);
      assert.ok(result.last.url.startsWith(`${govdx.url}/auth/callback?error=access_denied`));
      assert.match(result.last.text, /<h1>You are not signed in<\/h1>/);
      assert.match(result.last.text, />Try again<\/a>/);
      assert.equal(browser.cookie('govdx_session'), undefined);
    });

    test("signing out offers the issuer's end-session address", async () => {
      const browser = new Browser();
      await signIn(browser, govdx.url, { username: 'eva', password: PASSWORD });
      const out = await browser.request(`${govdx.url}/auth/logout`, { method: 'POST' });
      const { logoutUrl } = JSON.parse(out.text);
      assert.ok(logoutUrl.startsWith(`${issuer.url}/idp/session/end?`), logoutUrl);
      assert.equal(new URL(logoutUrl).searchParams.get('post_logout_redirect_uri'), `${govdx.url}/`);
    });
  });
}
