/** Personal access tokens: created and revoked by organization admins; hashed at rest; bounded by the creator's roles. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newSecret, sha256Hex, TOKEN_PREFIX } from '../../src/identity/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`personal access tokens (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let orgAdmin: { personId: string; token: string };

    before(async () => {
      server = await startTestServer(dialect);
      orgAdmin = await server.user([
        { role: 'organization_admin', organization: 'tax-agency' },
        { role: 'data_steward', organization: 'tax-agency' },
      ]);
    });
    after(() => server?.close());

    const create = (body: unknown, token = orgAdmin.token) =>
      call(server.url, 'POST', '/api/v1/organizations/tax-agency/tokens', { token, body });

    test('the secret is shown once, stored only as a hash, and works as a bearer token', async () => {
      const created = await create({ name: 'nightly import', roles: ['data_steward'], expiresInDays: 30 });
      assert.equal(created.status, 201, created.text);
      const secret: string = created.body.secret;
      assert.match(secret, /^gdx_pat_[A-Za-z0-9_-]{43}$/);
      const row = await server.fresh.store.db
        .selectFrom('access_tokens')
        .selectAll()
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.secret_hash, sha256Hex(secret));
      assert.ok(!JSON.stringify(row).includes(secret.slice(8)), 'the secret itself is not stored');
      const listed = await call(server.url, 'GET', '/api/v1/organizations/tax-agency/tokens', {
        token: orgAdmin.token,
      });
      assert.ok(!listed.text.includes(secret.slice(8)), 'the list never shows secrets');
      const me = await call(server.url, 'GET', '/api/v1/me', { token: secret });
      assert.equal(me.status, 200);
      assert.deepEqual(
        me.body.roles.map((r: any) => r.role),
        ['data_steward'],
      );
      const days = (Date.parse(created.body.expiresAt) - Date.now()) / 86400_000;
      assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    });

    test("a token carries only the roles it was given, not all of its creator's", async () => {
      const steward = (await create({ name: 'steward only', roles: ['data_steward'] })).body.secret;
      const patch = await call(server.url, 'PATCH', '/api/v1/organizations/tax-agency', {
        token: steward,
        body: { name: 'Renamed' },
      });
      assert.equal(patch.status, 403);
    });

    test('a token cannot be given a role its creator does not hold', async () => {
      const response = await create({ name: 'dpo', roles: ['data_protection_officer'] });
      assert.equal(response.status, 403);
      assert.deepEqual(response.body.error.details.refused, ['data_protection_officer']);
    });

    test("a platform admin's token for an organization's role is refused at creation and at every use", async () => {
      const admin = await server.user([{ role: 'platform_admin', organization: 'operator' }]);
      const refused = await create({ name: 'steward', roles: ['data_steward'] }, admin.token);
      assert.equal(refused.status, 403, refused.text);
      assert.deepEqual(refused.body.error.details.refused, ['data_steward']);
      // One made before this rule, or written into the store: refused when used.
      const secret = newSecret(TOKEN_PREFIX);
      await server.fresh.store.db
        .insertInto('access_tokens')
        .values({
          id: crypto.randomUUID(),
          organization_id: await server.organization('tax-agency'),
          person_id: admin.personId,
          name: 'old',
          secret_hash: sha256Hex(secret),
          roles: JSON.stringify(['data_steward']),
          created_at: new Date().toISOString(),
          expires_at: null,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      const used = await call(server.url, 'GET', '/api/v1/me', { token: secret });
      assert.equal(used.status, 401, used.text);
      assert.equal(used.body.error.code, 'TOKEN_INVALID');
    });

    test('a revoked token is refused at once', async () => {
      const created = (await create({ name: 'to revoke', roles: ['organization_admin'] })).body;
      assert.equal((await call(server.url, 'GET', '/api/v1/me', { token: created.secret })).status, 200);
      const revoked = await call(
        server.url,
        'DELETE',
        `/api/v1/organizations/tax-agency/tokens/${created.id}`,
        { token: orgAdmin.token },
      );
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revokedAt);
      const refused = await call(server.url, 'GET', '/api/v1/me', { token: created.secret });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'TOKEN_INVALID');
      assert.match(refused.body.error.message, /revoked/);
    });

    test('an expired token is refused', async () => {
      const created = (await create({ name: 'short', roles: ['data_steward'], expiresInDays: 1 })).body;
      await server.fresh.store.db
        .updateTable('access_tokens')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', created.id)
        .execute();
      const refused = await call(server.url, 'GET', '/api/v1/me', { token: created.secret });
      assert.equal(refused.status, 401);
      assert.match(refused.body.error.message, /expired/);
    });

    test('when its creator is removed from the organization, the token is refused', async () => {
      const person = await server.user([{ role: 'organization_admin', organization: 'tax-agency' }]);
      const token = (await create({ name: 'admin script', roles: ['organization_admin'] }, person.token)).body
        .secret;
      assert.equal(
        (
          await call(server.url, 'PATCH', '/api/v1/organizations/tax-agency', {
            token,
            body: { description: 'ok' },
          })
        ).status,
        200,
      );
      const removed = await call(
        server.url,
        'PUT',
        `/api/v1/organizations/tax-agency/members/${person.personId}`,
        { token: orgAdmin.token, body: { roles: [] } },
      );
      assert.equal(removed.status, 200);
      assert.equal(
        (
          await call(server.url, 'PATCH', '/api/v1/organizations/tax-agency', {
            token,
            body: { description: 'not ok' },
          })
        ).status,
        401,
      );
    });

    test('an admin of another organization cannot list or revoke these tokens', async () => {
      const created = (await create({ name: 'protected', roles: ['data_steward'] })).body;
      const other = await server.user([{ role: 'organization_admin', organization: 'health-ministry' }]);
      assert.equal(
        (await call(server.url, 'GET', '/api/v1/organizations/tax-agency/tokens', { token: other.token }))
          .status,
        403,
      );
      assert.equal(
        (
          await call(server.url, 'DELETE', `/api/v1/organizations/tax-agency/tokens/${created.id}`, {
            token: other.token,
          })
        ).status,
        403,
      );
      assert.equal(
        (
          await call(server.url, 'DELETE', `/api/v1/organizations/health-ministry/tokens/${created.id}`, {
            token: other.token,
          })
        ).status,
        404,
      );
      assert.equal((await call(server.url, 'GET', '/api/v1/me', { token: created.secret })).status, 200);
    });

    test("a personal access token never acts as the citizen: a person's own data needs their own sign-in", async () => {
      const person = await server.user([{ role: 'data_steward', organization: 'tax-agency' }], {
        nationalId: '38001019999',
      });
      const { index } = await server.node.app.ledger.append({ kind: 'access', subject: '38001019999' });
      const session = await server.session(person.personId);
      for (const path of [
        '/api/v1/me/data',
        '/api/v1/me/export',
        '/api/v1/me/access-events',
        '/api/v1/me/consents',
        `/api/v1/me/access-events/${index}/receipt`,
        `/ledger/entries/${index}`,
      ]) {
        const byToken = await call(server.url, 'GET', path, { token: person.token });
        assert.equal(byToken.status, 403, `${path} with a token: ${byToken.text}`);
        assert.equal(byToken.body.error.code, 'FORBIDDEN');
        const signedIn = await call(server.url, 'GET', path, { session });
        assert.equal(signedIn.status, 200, `${path} signed in: ${signedIn.text}`);
      }
      const withdraw = await call(server.url, 'POST', '/api/v1/me/consents/any/revoke', {
        token: person.token,
        body: {},
      });
      assert.equal(withdraw.status, 403, withdraw.text);
    });

    test('a token stops working at once when its creator loses the role it was made under', async () => {
      const person = await server.user([
        { role: 'organization_admin', organization: 'tax-agency' },
        { role: 'data_steward', organization: 'tax-agency' },
      ]);
      const token = (await create({ name: 'steward script', roles: ['data_steward'] }, person.token)).body
        .secret;
      assert.equal((await call(server.url, 'GET', '/api/v1/me', { token })).status, 200);
      const demoted = await call(
        server.url,
        'PUT',
        `/api/v1/organizations/tax-agency/members/${person.personId}`,
        { token: orgAdmin.token, body: { roles: ['organization_admin'] } },
      );
      assert.equal(demoted.status, 200, demoted.text);
      for (const path of ['/api/v1/me', '/api/v1/agreement-templates']) {
        const refused = await call(server.url, 'GET', path, { token });
        assert.equal(refused.status, 401, `${path}: ${refused.text}`);
        assert.equal(refused.body.error.code, 'TOKEN_INVALID');
        assert.match(refused.body.error.message, /no longer holds/);
      }
    });
  });
}
