/**
 * Correction requests over HTTP, on a seeded demo: a citizen asks the Population Register Office to correct
 * their entry; its stewards see the request in their queue and answer it; each request and answer is on the
 * ledger and reaches the people concerned as a notification. Only one's own entries can be the subject of a
 * request, only the register's stewards answer, and an answer is given once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { citizen, startTestbed, type Testbed } from '../exchange/support.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const REGISTER = '/api/v1/organizations/population-register/corrections';

for (const dialect of DIALECTS) {
  describe(`correction requests (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    const anna = citizen('citizen');
    const ben = citizen('citizen2');
    const sessions: Record<string, string> = {};
    let steward = '';
    let stewardId = '';
    let outsider = '';

    const sessionOf = async (nationalId: string) => {
      const person = await tb.server.fresh.store.db
        .selectFrom('people')
        .select('id')
        .where('national_id', '=', nationalId)
        .executeTakeFirstOrThrow();
      return { id: person.id, session: await tb.server.session(person.id) };
    };
    const ask = (who: string, body: Record<string, unknown>) =>
      call(tb.url, 'POST', '/api/v1/me/corrections', { session: sessions[who]!, body });
    const request = (key: string, field = 'given_name') => ({
      organization: 'population-register',
      dataset: 'population',
      key,
      field,
      problem: 'My given name is misspelt.',
      proposed: 'Annika',
    });

    before(async () => {
      tb = await startTestbed(dialect);
      sessions.anna = (await sessionOf(anna)).session;
      sessions.ben = (await sessionOf(ben)).session;
      const made = await tb.server.user([{ role: 'data_steward', organization: 'population-register' }]);
      steward = made.token;
      stewardId = made.personId;
      outsider = await tb.steward('housing-agency');
    });
    after(() => tb?.close());

    test('a citizen asks for a correction of their entry; the stewards answer; both are on the ledger and notified', async () => {
      const asked = await ask('anna', request(anna));
      assert.equal(asked.status, 201, asked.text);
      assert.equal(asked.body.status, 'waiting');
      assert.equal(asked.body.organization.name, 'Population Register Office');
      assert.equal(asked.body.field, 'given_name');
      assert.notEqual(asked.body.recordedValue, '', 'what the register held is kept with the request');

      const mine = await call(tb.url, 'GET', '/api/v1/me/corrections', { session: sessions.anna! });
      assert.deepEqual(
        mine.body.items.map((r: any) => [r.id, r.status]),
        [[asked.body.id, 'waiting']],
      );
      const queue = await call(tb.url, 'GET', `${REGISTER}?status=waiting`, { token: steward });
      assert.equal(queue.status, 200, queue.text);
      assert.ok(queue.body.items.some((r: any) => r.id === asked.body.id));

      const requested = (await tb.server.node.app.ledger.storage.indexesAbout(anna)).at(-1)!;
      const event = await tb.event(requested);
      assert.equal(event.kind, 'correction.requested');
      assert.equal(event.correction, asked.body.id);
      assert.equal(event.organization, 'population-register');
      assert.equal(JSON.stringify(event).includes('misspelt'), false, 'the free text stays off the ledger');

      const answer = `${REGISTER}/${asked.body.id}/answer`;
      const silent = await call(tb.url, 'POST', answer, { token: steward, body: { outcome: 'declined' } });
      assert.equal(silent.status, 400, silent.text);
      assert.equal(silent.body.error.code, 'VALIDATION_FAILED', 'a declined request says why');
      const declined = await call(tb.url, 'POST', answer, {
        token: steward,
        body: { outcome: 'declined', reason: 'The birth certificate gives the name as registered.' },
      });
      assert.equal(declined.status, 200, declined.text);
      assert.equal(declined.body.status, 'declined');
      assert.equal(declined.body.answer, 'The birth certificate gives the name as registered.');
      const again = await call(tb.url, 'POST', answer, { token: steward, body: { outcome: 'corrected' } });
      assert.equal(again.status, 409, again.text);
      assert.equal(again.body.error.code, 'CONFLICT');
      const answered = await tb.event((await tb.server.node.app.ledger.storage.indexesAbout(anna)).at(-1)!);
      assert.equal(answered.kind, 'correction.answered');
      assert.equal(answered.outcome, 'declined');

      await tb.server.node.app.notifications.run();
      const stewardInbox = await tb.server.fresh.store.db
        .selectFrom('notifications')
        .select(['kind', 'title', 'link'])
        .where('person_id', '=', stewardId)
        .where('kind', '=', 'correction_requested')
        .execute();
      assert.deepEqual(stewardInbox, [
        {
          kind: 'correction_requested',
          title: 'A correction is asked for: the population register',
          link: '/agency-console/population-register/corrections',
        },
      ]);
      const annasInbox = await call(tb.url, 'GET', '/api/v1/me/notifications', { session: sessions.anna! });
      const told = annasInbox.body.items.find((n: any) => n.kind === 'correction_declined');
      assert.ok(told, annasInbox.text);
      assert.equal(told.title, 'Not corrected: your entry in the population register');
      assert.match(told.body, /Reason given: The birth certificate/);
      assert.equal(told.link, '/my-data#corrections-heading');
    });

    test("another person's entry is not found, nor an unknown detail of one's own accepted", async () => {
      const others = await ask('anna', request(ben));
      assert.equal(others.status, 404, others.text);
      assert.equal(others.body.error.code, 'NOT_FOUND');
      const unknown = await ask('anna', request(anna, 'favourite_colour'));
      assert.equal(unknown.status, 400, unknown.text);
      assert.equal(unknown.body.error.code, 'VALIDATION_FAILED');
      const blank = await ask('anna', { ...request(anna), problem: '   ' });
      assert.equal(blank.status, 400, blank.text);
    });

    test("only the register's stewards see and answer its requests; a person sees only their own", async () => {
      const asked = await ask('ben', request(ben, 'family_name'));
      assert.equal(asked.status, 201, asked.text);
      const annas = await call(tb.url, 'GET', '/api/v1/me/corrections', { session: sessions.anna! });
      assert.ok(!annas.body.items.some((r: any) => r.id === asked.body.id));
      const elsewhere = await call(tb.url, 'GET', REGISTER, { token: outsider });
      assert.equal(elsewhere.status, 403, elsewhere.text);
      const housingQueue = await call(tb.url, 'GET', '/api/v1/organizations/housing-agency/corrections', {
        token: outsider,
      });
      assert.equal(housingQueue.status, 200);
      assert.ok(!housingQueue.body.items.some((r: any) => r.id === asked.body.id));
      const fromElsewhere = await call(
        tb.url,
        'POST',
        `/api/v1/organizations/housing-agency/corrections/${asked.body.id}/answer`,
        { token: outsider, body: { outcome: 'corrected' } },
      );
      assert.equal(fromElsewhere.status, 404, "another organization's request is not found");
      const corrected = await call(tb.url, 'POST', `${REGISTER}/${asked.body.id}/answer`, {
        token: steward,
        body: { outcome: 'corrected', reason: 'Spelling corrected.' },
      });
      assert.equal(corrected.status, 200, corrected.text);
      assert.equal(corrected.body.status, 'corrected');
    });
  });
}
