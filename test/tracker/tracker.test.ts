/**
 * The citizen's tracker over HTTP, on a seeded demo with real exchange calls: each citizen sees what the
 * registers hold about them and every event about them (allowed and refused), never another citizen's;
 * each event's receipt verifies against the ledger's key; withdrawing a consent from "My data" refuses the
 * next call made on it and is recorded; the export holds all of it; nobody else gets in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compactVerify, createLocalJWKSet } from 'jose';
import { AGREEMENTS, DEMO_ACCOUNTS } from '../../src/demo/index.ts';
import { checkReceipt, type EntryReceipt, parseVerifierKey } from '../../src/ledger/index.ts';
import { citizen, exchange, OFFICIAL, startTestbed, type Testbed } from '../exchange/support.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const HOUSING = 'housing-agency/benefit-system';
const BENEFIT = 'housing-benefit-eligibility';
const PREFILL = 'rental-application-prefill';

for (const dialect of DIALECTS) {
  describe(`the citizen's tracker (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    let housing: string;
    const anna = citizen('citizen');
    const ben = citizen('citizen2');
    const sessions: Record<string, string> = {};
    /** Ledger entries of the calls made in before(). */
    const calls = { annaAllowed: -1, annaRefused: -1, annaRefusedCode: '', benAllowed: -1 };

    /** The demo person with this national ID, signed in as themselves (a session: their own data takes no token). */
    async function sessionOf(nationalId: string): Promise<string> {
      const person = await tb.server.fresh.store.db
        .selectFrom('people')
        .select('id')
        .where('national_id', '=', nationalId)
        .executeTakeFirstOrThrow();
      return tb.server.session(person.id);
    }

    const me = (who: 'anna' | 'ben' | 'steward', method: string, path: string, body?: unknown) =>
      call(tb.url, method, `/api/v1/me${path}`, { session: sessions[who]!, body });

    /** Every event of a person's tracker, walking pages of `limit`. */
    async function allEvents(who: 'anna' | 'ben', limit = 200): Promise<any[]> {
      const items: any[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await me(who, 'GET', `/access-events${query}`);
        assert.equal(page.status, 200, page.text);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    }

    before(async () => {
      tb = await startTestbed(dialect);
      housing = await tb.token(HOUSING);
      sessions.anna = await sessionOf(anna);
      sessions.ben = await sessionOf(ben);
      sessions.steward = await tb.server.session(
        (await tb.server.user([{ role: 'data_steward', organization: 'housing-agency' }])).personId,
      );

      const lookUp = (record: string, subject: string, purpose = BENEFIT) =>
        exchange(tb.url, housing, `/population-register/person/${record}`, {
          purpose,
          subject,
          official: OFFICIAL,
        });
      const allowed = await lookUp(anna, anna);
      assert.equal(allowed.status, 200, allowed.text);
      calls.annaAllowed = Number(allowed.headers.get('exchange-receipt'));
      // Under a purpose the Housing Agency has not agreed for this service: refused, and recorded.
      const refused = await lookUp(anna, anna, 'social-assistance-assessment');
      assert.equal(refused.status, 403, refused.text);
      calls.annaRefused = Number(refused.headers.get('exchange-receipt'));
      calls.annaRefusedCode = refused.body.error.code;
      const other = await lookUp(ben, ben);
      assert.equal(other.status, 200, other.text);
      calls.benAllowed = Number(other.headers.get('exchange-receipt'));
    });
    after(() => tb?.close());

    test('a citizen sees who looked at their data: organization, system, official, service, fields, purpose, agreement, outcome', async () => {
      const events = await allEvents('anna');
      const looked = events.find((e) => e.index === calls.annaAllowed);
      assert.ok(looked, 'the allowed lookup is listed');
      const agreed = AGREEMENTS.find(
        (a) => a.consumer === 'housing-agency' && a.service === 'person' && a.purpose === BENEFIT,
      )!;
      assert.equal(looked.kind, 'access');
      assert.equal(looked.outcome, 'allowed');
      assert.equal(looked.code, null);
      assert.deepEqual(looked.consumer, { slug: 'housing-agency', name: 'Housing Agency' });
      assert.deepEqual(looked.system, { slug: 'benefit-system', name: 'Housing benefit case system' });
      assert.equal(looked.official, OFFICIAL);
      assert.deepEqual(looked.provider, { slug: 'population-register', name: 'Population Register Office' });
      assert.deepEqual(looked.service, { slug: 'person', name: 'Person lookup' });
      assert.deepEqual([...looked.fields].sort(), [...agreed.fields].sort());
      assert.deepEqual(looked.purpose, { slug: BENEFIT, name: 'Housing benefit eligibility' });
      assert.match(looked.agreement, /^[0-9a-f-]{36}$/);
      assert.equal(looked.consent, null);
      assert.match(looked.at, /^\d{4}-\d\d-\d\dT/);
      assert.equal(looked.event.subject, anna);

      const refused = events.find((e) => e.index === calls.annaRefused);
      assert.ok(refused, 'the refused lookup is listed too');
      assert.equal(refused.outcome, 'denied');
      assert.equal(refused.code, calls.annaRefusedCode);
      assert.deepEqual(refused.fields, [], 'nothing was released');
      assert.deepEqual(refused.purpose, {
        slug: 'social-assistance-assessment',
        name: 'Social assistance assessment',
      });
    });

    test('events come newest first, and pages of 1 add up to the whole list', async () => {
      const whole = await allEvents('anna');
      const indexes = whole.map((e) => e.index);
      assert.deepEqual(
        indexes,
        [...indexes].sort((a, b) => b - a),
      );
      assert.deepEqual(
        (await allEvents('anna', 1)).map((e) => e.index),
        indexes,
      );
    });

    test("a citizen never sees another citizen's events, nor their receipts", async () => {
      const annas = await allEvents('anna');
      const bens = await allEvents('ben');
      assert.ok(annas.every((e) => e.event.subject === anna));
      assert.ok(bens.every((e) => e.event.subject === ben));
      assert.ok(bens.some((e) => e.index === calls.benAllowed));
      assert.ok(!annas.some((e) => e.index === calls.benAllowed));
      assert.ok(!bens.some((e) => e.index === calls.annaAllowed || e.index === calls.annaRefused));

      const receipt = await me('anna', 'GET', `/access-events/${calls.benAllowed}/receipt`);
      assert.equal(receipt.status, 403, receipt.text);
      assert.equal(receipt.body.error.code, 'FORBIDDEN');
      assert.ok(!receipt.text.includes(ben), 'the refusal names nobody');
      const missing = await me('anna', 'GET', '/access-events/99999999/receipt');
      assert.equal(missing.status, 404, missing.text);
    });

    test('a citizen reads a receipt of a release of their data: who, which details, why, under which agreement and legal basis', async () => {
      const response = await me('anna', 'GET', `/access-events/${calls.annaAllowed}`);
      assert.equal(response.status, 200, response.text);
      const { event, legalBasis, agreement, purposeDescription } = response.body;
      assert.equal(event.index, calls.annaAllowed);
      assert.deepEqual(event.consumer, { slug: 'housing-agency', name: 'Housing Agency' });
      assert.equal(event.official, OFFICIAL);
      assert.ok(event.fields.length > 0, 'the details released');
      assert.equal(agreement.id, event.agreement);
      assert.match(agreement.validUntil, /^\d{4}-/);
      assert.ok(agreement.retentionDays > 0);
      assert.match(legalBasis.text, /GDPR Art\. 6\(1\)/);
      assert.equal(typeof purposeDescription, 'string');
    });

    test("another person's receipt, or one that does not exist, is not found; an account without a national ID is refused", async () => {
      const others = await me('anna', 'GET', `/access-events/${calls.benAllowed}`);
      assert.equal(others.status, 404, others.text);
      assert.equal(others.body.error.code, 'NOT_FOUND');
      assert.ok(!others.text.includes(ben), 'the answer names nobody');
      const missing = await me('anna', 'GET', '/access-events/99999999');
      assert.equal(missing.status, 404, missing.text);
      const steward = await me('steward', 'GET', `/access-events/${calls.annaAllowed}`);
      assert.equal(steward.status, 403, steward.text);
    });

    test('the subject index alone is not trusted: an event indexed under the wrong person is a notice, not its content', async () => {
      const db = tb.server.fresh.store.db;
      // A database operator points Ben's entry at Anna in the index (the open run is read from this column).
      await db
        .updateTable('ledger_entries')
        .set({ subject: anna })
        .where('entry_index', '=', calls.benAllowed)
        .execute();
      try {
        assert.ok((await tb.server.node.app.ledger.storage.indexesAbout(anna)).includes(calls.benAllowed));
        const annas = await allEvents('anna');
        const misfiled = annas.find((e) => e.index === calls.benAllowed);
        assert.ok(misfiled, 'the disagreement is shown, not skipped silently');
        assert.match(misfiled.indexProblem ?? '', /about someone else, so it is not shown/);
        assert.deepEqual(misfiled.event, {}, "nothing of Ben's event is shown to Anna");
        assert.equal(misfiled.consumer, null);
        const receipt = await me('anna', 'GET', `/access-events/${calls.benAllowed}/receipt`);
        assert.equal(receipt.status, 403, receipt.text);
      } finally {
        await db
          .updateTable('ledger_entries')
          .set({ subject: ben })
          .where('entry_index', '=', calls.benAllowed)
          .execute();
      }
    });

    test("an event's receipt verifies against the ledger's key, and a changed event does not", async () => {
      const response = await me('anna', 'GET', `/access-events/${calls.annaAllowed}/receipt`);
      assert.equal(response.status, 200, response.text);
      const receipt = response.body as EntryReceipt;
      assert.equal(receipt.index, calls.annaAllowed);
      assert.equal(receipt.event.subject, anna);
      const key = await call(tb.url, 'GET', '/ledger/key');
      const verifier = parseVerifierKey(key.text);
      assert.deepEqual(checkReceipt(receipt, verifier).ok, true);
      const altered = { ...receipt, event: { ...receipt.event, official: 'someone.else@housing.example' } };
      assert.equal(checkReceipt(altered, verifier).ok, false);
    });

    test('a citizen sees what the registers hold about them, with sources and dates, and nobody else', async () => {
      const response = await me('anna', 'GET', '/data');
      assert.equal(response.status, 200, response.text);
      const data = response.body;
      assert.equal(data.subject, anna);
      const person = data.records.find((r: any) => r.dataset === 'population');
      assert.ok(person, 'the population register entry');
      assert.equal(person.key, anna);
      assert.equal(person.organizationName, 'Population Register Office');
      assert.equal(person.linkedBy, null);
      assert.match(person.updatedAt, /^\d{4}-\d\d-\d\dT/);
      const fact = (name: string) => person.facts.find((f: any) => f.field === name);
      const account = DEMO_ACCOUNTS.find((a) => a.nationalId === anna)!;
      assert.equal(`${fact('given_name').value} ${fact('family_name').value}`, account.name);
      assert.equal(fact('given_name').description, 'Given name(s)');
      assert.equal(fact('national_id').value, anna);

      const address = data.records.find((r: any) => r.dataset === 'addresses');
      assert.ok(address, 'the address the population register names');
      assert.deepEqual(address.linkedBy, { dataset: 'population', field: 'address_id' });
      assert.equal(address.key, fact('address_id').value);
      assert.equal(address.organizationName, 'Land and Address Board');

      // Plain words: the steward's label for each field, and no code left unexplained.
      assert.equal(fact('citizenship').label, 'Country of citizenship');
      assert.equal(fact('date_of_birth').label, 'Date of birth');
      assert.doesNotMatch(fact('citizenship').text, /^[A-Z]{2}$/, 'a country by name, not its code');
      const street = address.facts.find((f: any) => f.field === 'street').value;
      assert.ok(fact('address_id').text.startsWith(street), fact('address_id').text);
      assert.doesNotMatch(fact('address_id').text, /AD\d{8}/, 'the address written out, not its code');
      assert.match(fact('date_of_birth').text, /^\d{1,2} [A-Z][a-z]+ \d{4}$/);

      assert.deepEqual(data.elsewhere.map((e: any) => e.dataset).sort(), ['disability-and-care', 'income']);
      assert.ok(!response.text.includes(ben), "nothing of Ben's");
      assert.ok(
        !data.records.some((r: any) => r.dataset === 'businesses'),
        'businesses are not about people',
      );
    });

    test('a citizen sees their consents as consent records, and gets a receipt signed by govdx', async () => {
      const list = await me('anna', 'GET', '/consents');
      assert.equal(list.status, 200, list.text);
      assert.equal(list.body.items.length, 1);
      const consent = list.body.items[0];
      assert.equal(consent.consumer, 'housing-agency');
      assert.equal(consent.purpose, PREFILL);
      assert.equal(consent.state, 'active');
      assert.equal(consent.legalBasis, 'gdpr-6-1-a');
      assert.match(consent.purposeDescription, /With your consent, the Housing Agency fills in/);
      assert.equal(consent.retentionDays, 365);
      assert.equal(consent.collectionMethod, 'paper', 'recorded by an official of the Housing Agency');
      assert.equal(consent.recordedBy.organization, 'housing-agency');
      assert.match(consent.evidence, /^HA-2026-00117/);
      assert.deepEqual(consent.recipients, [{ organization: 'housing-agency', name: 'Housing Agency' }]);
      const sources = consent.piiCategories.map(
        (p: any) => `${p.source?.organization}/${p.source?.service} ${p.field}`,
      );
      assert.deepEqual(sources.sort(), [
        'population-register/person address_id',
        'population-register/person family_name',
        'population-register/person given_name',
        'tax-agency/income currency',
        'tax-agency/income taxable_income',
        'tax-agency/income year',
      ]);
      assert.deepEqual(
        consent.history.map((h: any) => h.event),
        ['given'],
      );
      assert.deepEqual((await me('ben', 'GET', '/consents')).body.items, [], 'Ben has none');

      const download = await me('anna', 'GET', `/consents/${consent.id}/receipt`);
      assert.equal(download.status, 200, download.text);
      assert.match(
        download.headers.get('content-disposition') ?? '',
        /^attachment; filename="consent-receipt-/,
      );
      const { receipt, jws, jwksUri } = download.body;
      assert.equal(receipt.version, 'KI-CR-v1.1.0');
      assert.equal(receipt.consentReceiptID, consent.id);
      assert.equal(receipt.piiPrincipalId, anna);
      assert.equal(receipt.piiControllers[0].piiController, 'Housing Agency');
      assert.equal(receipt.collectionMethod, 'paper');
      assert.equal(receipt.services[0].purposes[0].consentType, 'EXPLICIT');
      assert.equal(receipt.consentRecord.record_id, consent.id);
      assert.equal(receipt.consentRecord.purposes[0].lawful_basis, 'gdpr-6-1-a');
      assert.equal(receipt.consentRecord.retention_period, 'P365D');
      assert.equal(receipt.consentRecord.events[0].event_type, 'consent_given');
      const jwks = await (await fetch(jwksUri.replace(/^https?:\/\/[^/]+/, tb.url))).json();
      const verified = await compactVerify(jws, createLocalJWKSet(jwks));
      assert.deepEqual(JSON.parse(new TextDecoder().decode(verified.payload)), receipt);

      const others = await me('ben', 'GET', `/consents/${consent.id}/receipt`);
      assert.equal(others.status, 404, others.text);
      assert.equal((await me('ben', 'GET', `/consents/${consent.id}`)).status, 404);
    });

    test('withdrawing a consent from My data refuses the next exchange call and is recorded on the ledger', async () => {
      const prefill = () =>
        exchange(tb.url, housing, `/population-register/person/${anna}`, {
          purpose: PREFILL,
          subject: anna,
          official: OFFICIAL,
        });
      assert.equal((await prefill()).status, 200, 'allowed while the consent stands');
      const [consent] = (await me('anna', 'GET', '/consents')).body.items;

      const byBen = await me('ben', 'POST', `/consents/${consent.id}/revoke`, {});
      assert.equal(byBen.status, 404, "Ben cannot withdraw Anna's consent");
      assert.equal((await me('anna', 'GET', `/consents/${consent.id}`)).body.state, 'active');

      const withdrawn = await me('anna', 'POST', `/consents/${consent.id}/revoke`, {
        reason: 'I changed my mind.',
      });
      assert.equal(withdrawn.status, 200, withdrawn.text);
      assert.equal(withdrawn.body.state, 'revoked');
      const revocation = withdrawn.body.history.find((h: any) => h.event === 'revoked');
      assert.equal(revocation.bySubject, true);
      assert.equal(revocation.reason, 'I changed my mind.');

      const refused = await prefill();
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.error.code, 'CONSENT_REVOKED');

      const event = await tb.event(revocation.ledgerIndex);
      assert.equal(event.kind, 'consent.revoked');
      assert.equal(event.subject, anna);
      assert.equal(event.consent, consent.id);
      assert.equal(event.reason, 'I changed my mind.');
      const listed = (await allEvents('anna')).find((e) => e.index === revocation.ledgerIndex);
      assert.equal(listed?.kind, 'consent.revoked');
      assert.ok(
        (await allEvents('anna')).some(
          (e) => e.index === Number(refused.headers.get('exchange-receipt')) && e.code === 'CONSENT_REVOKED',
        ),
        'the refused call is in the tracker',
      );

      const size = await tb.server.node.app.ledger.storage.treeSize();
      const again = await me('anna', 'POST', `/consents/${consent.id}/revoke`, {});
      assert.equal(again.status, 200);
      assert.equal(again.body.history.filter((h: any) => h.event === 'revoked').length, 1);
      assert.equal(await tb.server.node.app.ledger.storage.treeSize(), size, 'nothing more is recorded');
    });

    test('the export holds my data, every event with a receipt that verifies, and my consents', async () => {
      const response = await me('anna', 'GET', '/export');
      assert.equal(response.status, 200, response.text);
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /^attachment; filename="my-data-\d{4}-\d\d-\d\d\.json"$/,
      );
      const exported = response.body;
      assert.equal(exported.person.nationalId, anna);
      assert.deepEqual(exported.data, (await me('anna', 'GET', '/data')).body);
      assert.deepEqual(
        exported.accessEvents.map((e: any) => e.index),
        (await allEvents('anna')).map((e) => e.index),
      );
      assert.deepEqual(exported.consents, (await me('anna', 'GET', '/consents')).body.items);
      const key = (await call(tb.url, 'GET', '/ledger/key')).text.trim();
      assert.equal(exported.ledger.verifierKey, key);
      const verifier = parseVerifierKey(key);
      assert.equal(exported.receipts.length, exported.accessEvents.length);
      for (const receipt of exported.receipts) {
        assert.equal(receipt.event.subject, anna);
        assert.ok(checkReceipt(receipt, verifier).ok, `entry ${receipt.index} verifies`);
      }
      assert.ok(!response.text.includes(ben), "nothing of Ben's");
    });

    test('someone who is not a citizen is refused, and nobody signed out gets in', async () => {
      const routes: Array<[string, string]> = [
        ['GET', '/data'],
        ['GET', '/access-events'],
        ['GET', `/access-events/${calls.annaAllowed}/receipt`],
        ['GET', '/consents'],
        ['GET', '/export'],
        ['POST', '/consents/anything/revoke'],
      ];
      for (const [method, path] of routes) {
        const body = method === 'POST' ? {} : undefined;
        const staff = await me('steward', method, path, body);
        assert.equal(staff.status, 403, `${method} ${path}: ${staff.text}`);
        assert.equal(staff.body.error.code, 'FORBIDDEN');
        const anonymous = await call(tb.url, method, `/api/v1/me${path}`, { body });
        assert.equal(anonymous.status, 401, `${method} ${path}: ${anonymous.text}`);
      }
    });
  });
}
