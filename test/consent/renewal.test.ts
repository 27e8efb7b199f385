/**
 * One consent per person, service and purpose (issue 14, finding 13): consenting again through the
 * consent server renews the consent in force (recorded on the ledger as `consent.renewed`) instead of
 * adding another; withdrawing it ends every grant the service holds; the store refuses a second active
 * consent; and migration 0015 merges the duplicates made before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator } from 'kysely';
import { PersonApiError } from '../../src/demo/housing-app/govdx-client.ts';
import { migrateToLatest } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { citizen, startTestbed, type Testbed } from '../exchange/support.ts';
import { call } from '../support/server.ts';
import { DIALECTS, freshStore, skipUnless } from '../support/stores.ts';
import { consentTo, registerService, type TestService } from './support.ts';

for (const dialect of DIALECTS) {
  describe(`one consent per service and purpose (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let testbed: Testbed;
    let service: TestService;

    before(async () => {
      testbed = await startTestbed(dialect);
      service = await registerService(testbed);
    });
    after(() => testbed?.close());

    const consentsOf = async (subject: string) =>
      (
        await call(testbed.url, 'GET', `/api/v1/consents?subject=${subject}&limit=200`, {
          token: testbed.admin,
        })
      ).body.items as any[];

    test('consenting twice renews the one consent; withdrawing it refuses every token the service holds', async () => {
      const subject = citizen('citizen2');
      const first = await consentTo(testbed, service, { scopes: ['name'], username: 'citizen2' });
      const firstToken = (await first.client.finish(first.callback!, first.pending)).accessToken;
      const one = await first.client.person(firstToken);
      const second = await consentTo(testbed, service, {
        scopes: ['name', 'address'],
        username: 'citizen2',
        browser: first.browser,
      });
      const secondToken = (await second.client.finish(second.callback!, second.pending)).accessToken;
      const two = await second.client.person(secondToken);
      assert.equal(one.consent, two.consent, 'both grants stand under one consent');

      const mine = (await consentsOf(subject)).filter((c) => c.client === service.clientId);
      assert.equal(mine.length, 1, 'one consent, not two');
      const [consent] = mine;
      assert.equal(consent.state, 'active');
      assert.deepEqual(
        consent.history.map((h: any) => [h.event, h.bySubject]),
        [
          ['given', true],
          ['renewed', true],
        ],
      );
      assert.ok(
        consent.piiCategories.some((p: any) => p.field.startsWith('address')),
        'the new terms',
      );
      const renewal = consent.history[1];
      const entry = JSON.parse((await testbed.server.node.app.ledger.entry(renewal.ledgerIndex)).event);
      assert.equal(entry.kind, 'consent.renewed');
      assert.equal(entry.subject, subject, 'the person reads it in My data');
      assert.equal(entry.consent, consent.id);

      const withdrawn = await call(testbed.url, 'POST', `/api/v1/consents/${consent.id}/revoke`, {
        token: testbed.admin,
        body: { reason: 'The person asked.' },
      });
      assert.equal(withdrawn.status, 200, withdrawn.text);
      await assert.rejects(
        second.client.person(secondToken),
        (error: unknown) =>
          error instanceof PersonApiError && error.status === 403 && error.code === 'CONSENT_REVOKED',
      );
      // The first grant's token is refused too, whether as withdrawn or as replaced by the second grant.
      await assert.rejects(
        first.client.person(firstToken),
        (error: unknown) => error instanceof PersonApiError,
      );
      const after = (await consentsOf(subject)).filter((c) => c.client === service.clientId);
      assert.deepEqual(
        after.map((c) => c.state),
        ['revoked'],
      );
    });

    test('after a withdrawal, consenting again gives a new consent', async () => {
      const subject = citizen('citizen3');
      const first = await consentTo(testbed, service, { scopes: ['name'], username: 'citizen3' });
      const token = (await first.client.finish(first.callback!, first.pending)).accessToken;
      const { consent } = await first.client.person(token);
      await call(testbed.url, 'POST', `/api/v1/consents/${consent}/revoke`, {
        token: testbed.admin,
        body: {},
      });
      const again = await consentTo(testbed, service, {
        scopes: ['name'],
        username: 'citizen3',
        browser: first.browser,
      });
      const renewed = await again.client.person(
        (await again.client.finish(again.callback!, again.pending)).accessToken,
      );
      assert.notEqual(renewed.consent, consent);
      const states = (await consentsOf(subject))
        .filter((c) => c.client === service.clientId)
        .map((c) => c.state)
        .sort();
      assert.deepEqual(states, ['active', 'revoked']);
    });

    test('the store refuses a second active consent for the same person, consumer, purpose and service', async () => {
      const db = testbed.server.node.app.store.db;
      const row = await db
        .selectFrom('consents')
        .selectAll()
        .where('status', '=', 'active')
        .where('client_id', 'is not', null)
        .executeTakeFirstOrThrow();
      await assert.rejects(
        db
          .insertInto('consents')
          .values({ ...row, id: crypto.randomUUID() })
          .execute(),
      );
      // Without a service (recorded by an official), the same holds.
      const { client_id: _client, ...official } = row;
      await db
        .insertInto('consents')
        .values({ ...official, id: 'official-1', client_id: null })
        .execute();
      await assert.rejects(
        db
          .insertInto('consents')
          .values({ ...official, id: 'official-2', client_id: null })
          .execute(),
      );
      await db.deleteFrom('consents').where('id', '=', 'official-1').execute();
    });
  });

  describe(`migration 0015 merges duplicate consents (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    test('the latest of each group stays in force with every grant; the others end, withdrawn by govdx', async () => {
      const fresh = await freshStore(dialect, { migrate: false });
      try {
        const db = fresh.store.db;
        const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
        const { error } = await migrator.migrateTo('0013_catalog_sensitivity');
        assert.ifError(error);
        const at = (n: number) => new Date(Date.UTC(2026, 0, n)).toISOString();
        await db
          .insertInto('organizations')
          .values({
            id: 'o1',
            slug: 'housing',
            name: 'Housing',
            kind: 'agency',
            description: '',
            website: null,
            contact_email: null,
            created_at: at(1),
            updated_at: at(1),
          })
          .execute();
        await db
          .insertInto('purposes')
          .values({
            id: 'p1',
            slug: 'prefill',
            organization_id: 'o1',
            title: 'Pre-filling',
            description: '',
            legal_basis: 'gdpr-6-1-a',
            special_category_basis: null,
            created_at: at(1),
            updated_at: at(1),
          })
          .execute();
        const consent = (id: string, day: number, client: string | null, status = 'active') => ({
          id,
          subject: 'EX1',
          consumer_organization_id: 'o1',
          purpose_id: 'p1',
          fields: '[]',
          status,
          given_at: at(day),
          expires_at: null,
          revoked_at: null,
          created_by: null,
          created_at: at(day),
          updated_at: at(day),
          purpose_description: '',
          legal_basis: 'gdpr-6-1-a',
          special_category_basis: null,
          pii_categories: '[]',
          recipients: '[]',
          retention_days: null,
          collection_method: 'oauth-consent-page',
          language: 'en',
          notice_url: null,
          notice_version: null,
          client_id: client,
        });
        await (db as any)
          .insertInto('consents')
          .values([
            consent('a', 1, 'svc'),
            consent('b', 3, 'svc'),
            consent('c', 2, 'svc'),
            consent('d', 1, 'other-svc'),
            consent('e', 1, null),
            consent('f', 2, null),
            consent('g', 4, 'svc', 'revoked'),
          ])
          .execute();
        await db
          .insertInto('consent_grants')
          .values(
            ['a', 'b', 'c'].map((id) => ({
              grant_id: `grant-${id}`,
              consent_id: id,
              client_id: 'svc',
              created_at: at(5),
            })),
          )
          .execute();

        await migrateToLatest(fresh.store);

        const rows = await db.selectFrom('consents').select(['id', 'status']).orderBy('id').execute();
        assert.deepEqual(
          rows.map((r) => `${r.id}:${r.status}`),
          ['a:revoked', 'b:active', 'c:revoked', 'd:active', 'e:revoked', 'f:active', 'g:revoked'],
        );
        const grants = await db.selectFrom('consent_grants').select('consent_id').execute();
        assert.deepEqual(
          grants.map((g) => g.consent_id),
          ['b', 'b', 'b'],
          'the service’s grants stand under the one kept',
        );
        const ended = await db
          .selectFrom('consent_events')
          .selectAll()
          .where('consent_id', '=', 'a')
          .execute();
        assert.equal(ended.length, 1);
        assert.equal(ended[0]!.event, 'revoked');
        assert.equal(ended[0]!.by_subject, 0, 'not by the person');
        assert.match(ended[0]!.reason ?? '', /one consent per service and purpose/);
        await assert.rejects(
          db
            .insertInto('consents')
            .values({ ...consent('h', 6, 'svc'), evidence_reference: null } as never)
            .execute(),
          'the unique index holds from now on',
        );
      } finally {
        await fresh.drop();
      }
    });
  });
}
