/**
 * Consents recorded on a person's behalf (issue 14, finding 14): made by an official of the consumer
 * organization, assisted or on paper, always with a reference to the evidence; never by the platform
 * admin. The ledger records who made it and the reference (not the evidence itself), and the citizen
 * sees the consent as one made for them, in My data and in the tracker API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE, startSession } from '../../src/identity/index.ts';
import { citizen, startTestbed, type Testbed } from '../exchange/support.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const PATH = '/api/v1/organizations/housing-agency/consents';

for (const dialect of DIALECTS) {
  describe(`consents recorded on a person's behalf (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let testbed: Testbed;
    let official: { personId: string; token: string };
    let person: string;
    const subject = citizen('citizen2');
    const body = {
      subject,
      purpose: 'rental-application-prefill',
      collectionMethod: 'paper',
      evidence: 'HA-2026-00417 (signed form, scanned into the case file)',
    };

    before(async () => {
      testbed = await startTestbed(dialect);
      official = await testbed.server.user([{ role: 'data_steward', organization: 'housing-agency' }], {
        name: 'Olivia Official',
      });
      // The citizen signed in on the web (their own session).
      const db = testbed.server.node.app.store.db;
      const { id } = await db
        .selectFrom('people')
        .select('id')
        .where('national_id', '=', subject)
        .executeTakeFirstOrThrow();
      person = `${SESSION_COOKIE}=${(await startSession(db, id, 1, null)).cookie}`;
    });
    after(() => testbed?.close());

    const consentCount = async () =>
      Number(
        (
          await testbed.server.node.app.store.db
            .selectFrom('consents')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('subject', '=', subject)
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('the platform admin makes no consent on anyone’s behalf, by any route', async () => {
      const before = await consentCount();
      const old = await call(testbed.url, 'POST', '/api/v1/consents', {
        token: testbed.admin,
        body: { subject, consumer: 'housing-agency', purpose: 'rental-application-prefill' },
      });
      assert.ok([403, 404].includes(old.status), old.text);
      const pretending = await call(testbed.url, 'POST', '/api/v1/consents', {
        token: testbed.admin,
        body: {
          subject,
          consumer: 'housing-agency',
          purpose: 'rental-application-prefill',
          collectionMethod: 'oauth-consent-page',
        },
      });
      assert.ok([403, 404].includes(pretending.status), pretending.text);
      const scoped = await call(testbed.url, 'POST', PATH, { token: testbed.admin, body });
      assert.equal(scoped.status, 403, scoped.text);
      assert.equal(scoped.body.error.code, 'CONSENT_RECORDER_FORBIDDEN');
      assert.equal(await consentCount(), before, 'nothing recorded');
    });

    test('the platform admin cannot make themselves an official through a personal access token', async () => {
      const before = await consentCount();
      // The attack: a token carrying data_steward of the consumer, made by someone who holds no role there.
      const made = await call(testbed.url, 'POST', '/api/v1/organizations/housing-agency/tokens', {
        token: testbed.admin,
        body: { name: 'paper consents', roles: ['data_steward'] },
      });
      if (made.status === 201) {
        const recorded = await call(testbed.url, 'POST', PATH, { token: made.body.secret, body });
        assert.fail(
          `the admin's token with data_steward recorded a consent: ${recorded.status} ${recorded.text}`,
        );
      }
      assert.equal(made.status, 403, made.text);
      assert.equal(made.body.error.code, 'FORBIDDEN');
      assert.deepEqual(made.body.error.details.refused, ['data_steward']);
      assert.equal(await consentCount(), before, 'nothing recorded');
    });

    test('only an official of the consumer records one, and only with a reference to the evidence', async () => {
      const before = await consentCount();
      const stranger = (
        await testbed.server.user([{ role: 'data_steward', organization: 'address-register' }])
      ).token;
      const elsewhere = await call(testbed.url, 'POST', PATH, { token: stranger, body });
      assert.equal(elsewhere.status, 403, elsewhere.text);
      const { evidence: _evidence, ...without } = body;
      const noEvidence = await call(testbed.url, 'POST', PATH, { token: official.token, body: without });
      assert.equal(noEvidence.status, 400, noEvidence.text);
      assert.equal(noEvidence.body.error.code, 'VALIDATION_FAILED');
      const blank = await call(testbed.url, 'POST', PATH, {
        token: official.token,
        body: { ...body, evidence: '' },
      });
      assert.equal(blank.status, 400, blank.text);
      const pageClaim = await call(testbed.url, 'POST', PATH, {
        token: official.token,
        body: { ...body, collectionMethod: 'oauth-consent-page' },
      });
      assert.equal(pageClaim.status, 400, 'an official cannot claim the person used the consent page');
      assert.equal(await consentCount(), before, 'nothing recorded');
    });

    test('the consent names the official and the evidence; the ledger records both; the citizen sees it as made for them', async () => {
      const made = await call(testbed.url, 'POST', PATH, { token: official.token, body });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.body.collectionMethod, 'paper');
      assert.equal(made.body.consumer, 'housing-agency');
      assert.deepEqual(made.body.recordedBy, {
        name: 'Olivia Official',
        organization: 'housing-agency',
        organizationName: 'Housing Agency',
      });
      assert.equal(made.body.evidence, body.evidence);
      assert.equal(made.body.history[0].bySubject, false, 'given through the official');
      const entry = await testbed.event(made.body.history[0].ledgerIndex);
      assert.equal(entry.kind, 'consent.given');
      assert.equal(entry.subject, subject);
      assert.equal(entry.by, official.personId, 'who made it');
      assert.equal(entry.evidence, body.evidence, 'the reference to the evidence, not the evidence');
      assert.equal(entry.collectionMethod, 'paper');

      const asPerson = { headers: { cookie: person } };
      const mine = await call(testbed.url, 'GET', `/api/v1/me/consents/${made.body.id}`, asPerson);
      assert.equal(mine.status, 200, mine.text);
      assert.equal(mine.body.recordedBy.name, 'Olivia Official');
      assert.equal(mine.body.evidence, body.evidence);
      const events = await call(testbed.url, 'GET', '/api/v1/me/access-events?limit=20', asPerson);
      const given = events.body.items.find((e: any) => e.event.consent === made.body.id);
      assert.ok(given, 'the tracker lists it');
      assert.equal(given.kind, 'consent.given');
      assert.equal(given.event.evidence, body.evidence);
      assert.equal(given.event.collectionMethod, 'paper');
    });
  });
}
