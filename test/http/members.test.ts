/**
 * Who holds which role: only a platform admin grants or removes the global roles (platform admin, auditor),
 * the last platform admin and the last auditor stay, and every change of a person's roles is on the ledger.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { breakLedgerWrites } from '../support/ledger.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`members and their roles (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let admin: { personId: string; token: string };
    let orgAdmin: { personId: string; token: string };

    before(async () => {
      server = await startTestServer(dialect);
      admin = await server.user([{ role: 'platform_admin', organization: 'digital-agency' }]);
      orgAdmin = await server.user([{ role: 'organization_admin', organization: 'digital-agency' }]);
    });
    after(() => server?.close());

    const setRoles = (token: string, personId: string, roles: string[], org = 'digital-agency') =>
      call(server.url, 'PUT', `/api/v1/organizations/${org}/members/${personId}`, {
        token,
        body: { roles },
      });
    const rolesOf = async (personId: string, org = 'digital-agency') => {
      const rows = await server.fresh.store.db
        .selectFrom('memberships')
        .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
        .select('memberships.role')
        .where('memberships.person_id', '=', personId)
        .where('organizations.slug', '=', org)
        .execute();
      return rows.map((r) => r.role).sort();
    };
    const ledgerSize = async () => (await server.node.app.ledger.treeHead()).size;
    const eventAt = async (index: number) => JSON.parse((await server.node.app.ledger.entry(index)).event);

    test('an organization admin cannot strip the auditor role from a member, nor remove the member', async () => {
      const auditor = await server.user([
        { role: 'auditor', organization: 'digital-agency' },
        { role: 'data_steward', organization: 'digital-agency' },
      ]);
      await server.user([{ role: 'auditor', organization: 'data-protection-authority' }]);
      const fewer = await setRoles(orgAdmin.token, auditor.personId, ['data_steward']);
      assert.equal(fewer.status, 403, fewer.text);
      assert.equal(fewer.body.error.code, 'FORBIDDEN');
      assert.match(fewer.body.error.message, /Only a platform admin can grant or remove auditor/);
      const removed = await setRoles(orgAdmin.token, auditor.personId, []);
      assert.equal(removed.status, 403, removed.text);
      assert.deepEqual(await rolesOf(auditor.personId), ['auditor', 'data_steward']);
    });

    test('an organization admin cannot strip the platform admin role from a member', async () => {
      const other = await server.user([
        { role: 'platform_admin', organization: 'digital-agency' },
        { role: 'legal_reviewer', organization: 'digital-agency' },
      ]);
      const response = await setRoles(orgAdmin.token, other.personId, ['legal_reviewer']);
      assert.equal(response.status, 403, response.text);
      assert.deepEqual(await rolesOf(other.personId), ['legal_reviewer', 'platform_admin']);
    });

    test('an organization admin still changes the other roles, and keeps a global role in place', async () => {
      const auditor = await server.user([{ role: 'auditor', organization: 'digital-agency' }]);
      const response = await setRoles(orgAdmin.token, auditor.personId, ['auditor', 'data_steward']);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body.roles, ['auditor', 'data_steward']);
    });

    test('the last auditor cannot be removed, and the last platform admin cannot remove themselves', async () => {
      // Leave exactly one auditor: remove every other one, as a platform admin may.
      const auditors = await server.fresh.store.db
        .selectFrom('memberships')
        .select(['person_id', 'organization_id'])
        .where('role', '=', 'auditor')
        .execute();
      const [last, ...others] = auditors;
      for (const row of others) {
        await server.fresh.store.db
          .deleteFrom('memberships')
          .where('person_id', '=', row.person_id)
          .where('organization_id', '=', row.organization_id)
          .where('role', '=', 'auditor')
          .execute();
      }
      const org = await server.fresh.store.db
        .selectFrom('organizations')
        .select('slug')
        .where('id', '=', last!.organization_id)
        .executeTakeFirstOrThrow();
      const kept = await rolesOf(last!.person_id, org.slug);
      const lastAuditor = await setRoles(
        admin.token,
        last!.person_id,
        kept.filter((r) => r !== 'auditor'),
        org.slug,
      );
      assert.equal(lastAuditor.status, 409, lastAuditor.text);
      assert.equal(lastAuditor.body.error.code, 'LAST_ROLE_HOLDER');
      assert.match(lastAuditor.body.error.message, /last auditor/);
      assert.deepEqual(await rolesOf(last!.person_id, org.slug), kept);

      // The only platform admins are `admin` and the second one made above; remove that one first.
      const admins = await server.fresh.store.db
        .selectFrom('memberships')
        .select('person_id')
        .where('role', '=', 'platform_admin')
        .where('person_id', '!=', admin.personId)
        .execute();
      for (const row of admins) {
        const roles = (await rolesOf(row.person_id)).filter((r) => r !== 'platform_admin');
        assert.equal((await setRoles(admin.token, row.person_id, roles)).status, 200);
      }
      const self = await setRoles(admin.token, admin.personId, []);
      assert.equal(self.status, 409, self.text);
      assert.equal(self.body.error.code, 'LAST_ROLE_HOLDER');
      assert.match(self.body.error.message, /last platform admin/);
      assert.deepEqual(await rolesOf(admin.personId), ['platform_admin']);
    });

    test('every change of roles is a ledger event: who, where, before, after, and by whom', async () => {
      const person = await server.user([], { name: 'New member' });
      const start = await ledgerSize();
      const granted = await setRoles(admin.token, person.personId, ['auditor', 'data_steward']);
      assert.equal(granted.status, 200, granted.text);
      const reduced = await setRoles(orgAdmin.token, person.personId, ['auditor']);
      assert.equal(reduced.status, 200, reduced.text);
      const unchanged = await setRoles(orgAdmin.token, person.personId, ['auditor']);
      assert.equal(unchanged.status, 200, unchanged.text);
      const removed = await setRoles(admin.token, person.personId, []);
      assert.equal(removed.status, 200, removed.text);
      assert.equal(await ledgerSize(), start + 3, 'a change that changes nothing is not an event');
      const events = [await eventAt(start), await eventAt(start + 1), await eventAt(start + 2)];
      for (const event of events) {
        assert.equal(event.kind, 'membership.changed');
        assert.equal(event.organization, 'digital-agency');
        assert.equal(event.person, person.personId);
      }
      assert.deepEqual(
        events.map((e) => [e.rolesBefore, e.rolesAfter, e.by]),
        [
          [[], ['auditor', 'data_steward'], admin.personId],
          [['auditor', 'data_steward'], ['auditor'], orgAdmin.personId],
          [['auditor'], [], admin.personId],
        ],
      );
    });

    test('without the ledger a grant is undone, and a removal stands', async () => {
      const person = await server.user([{ role: 'data_steward', organization: 'digital-agency' }]);
      const restore = await breakLedgerWrites(server.fresh.store);
      try {
        const granted = await setRoles(orgAdmin.token, person.personId, ['data_steward', 'legal_reviewer']);
        assert.equal(granted.status, 503, granted.text);
        assert.equal(granted.body.error.code, 'LEDGER_UNAVAILABLE');
        assert.deepEqual(await rolesOf(person.personId), ['data_steward'], 'the grant was not taken');
        const removed = await setRoles(orgAdmin.token, person.personId, []);
        assert.equal(removed.status, 503, removed.text);
        assert.match(removed.body.error.message, /The change is made/);
        assert.deepEqual(await rolesOf(person.personId), [], 'the removal stands');
      } finally {
        await restore();
      }
    });
  });
}
