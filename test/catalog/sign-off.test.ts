/**
 * Issue 14, finding 5: a steward must not be able to hide lookups from citizens by relabelling a
 * register. Whether a service is about people is declared on its dataset, and a change that lowers a
 * field's sensitivity, changes the key field, declares the records no longer about people, or moves a
 * proxied service's provider address waits for the data protection officer's sign-off. Every proposal,
 * decision and applied change is a ledger event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import { citizen, exchange, OFFICIAL, startTestbed, type Testbed } from '../exchange/support.ts';
import { breakLedgerWrites } from '../support/ledger.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const HOUSING = 'housing-agency/benefit-system';
const BENEFIT = 'housing-benefit-eligibility';
const POPULATION = '/api/v1/organizations/population-register/datasets/population';

/** The ledger events from `from` on. */
async function eventsSince(tb: Testbed, from: number): Promise<LedgerEvent[]> {
  const size = (await tb.server.node.app.ledger.treeHead()).size;
  const events: LedgerEvent[] = [];
  for (let index = from; index < size; index++) events.push(await tb.event(index));
  return events;
}

for (const dialect of DIALECTS) {
  describe(`sign-off for catalog changes that could hide people (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let tb: Testbed;
    let housing: string;
    const person = citizen('citizen');

    before(async () => {
      tb = await startTestbed(dialect);
      housing = await tb.token(HOUSING);
    });
    after(() => tb?.close());

    async function populationFields(): Promise<Array<{ name: string; sensitivity: string }>> {
      const response = await call(tb.url, 'GET', POPULATION);
      assert.equal(response.status, 200, response.text);
      return response.body.fields;
    }

    test('a steward who labels the key field open cannot make person lookups without a Data-Subject', async () => {
      const steward = await tb.steward('population-register');
      const fields = (await populationFields()).map((f) =>
        f.name === 'national_id' ? { ...f, sensitivity: 'open' } : f,
      );
      const lowered = await call(tb.url, 'PATCH', POPULATION, { token: steward, body: { fields } });
      assert.ok(lowered.status < 300, lowered.text);

      const lookup = await exchange(tb.url, housing, `/population-register/person/${person}`, {
        purpose: BENEFIT,
      });
      assert.equal(lookup.status, 400, `a lookup of a person without naming them: ${lookup.text}`);
      assert.equal(lookup.body.error.code, 'SUBJECT_REQUIRED');

      const named = await exchange(tb.url, housing, `/population-register/person/${person}`, {
        purpose: BENEFIT,
        subject: person,
        official: OFFICIAL,
      });
      assert.equal(named.status, 200, named.text);
      const event = await tb.event(Number(named.headers.get('exchange-receipt')));
      assert.equal(event.subject, person, "the lookup reaches the person's tracker");
    });

    test('lowering a sensitivity waits for the data protection officer, and the proposal is on the ledger', async () => {
      const steward = await tb.steward('population-register');
      const from = (await tb.server.node.app.ledger.treeHead()).size;
      const fields = (await populationFields()).map((f) =>
        f.name === 'given_name' ? { ...f, sensitivity: 'internal' } : f,
      );
      const proposed = await call(tb.url, 'PATCH', POPULATION, { token: steward, body: { fields } });
      assert.equal(proposed.status, 202, proposed.text);
      assert.equal(proposed.body.status, 'pending');
      assert.deepEqual(
        proposed.body.reasons.map((r: { kind: string; field?: string }) => [r.kind, r.field]),
        [['sensitivity_lowered', 'given_name']],
      );
      assert.equal((await populationFields()).find((f) => f.name === 'given_name')?.sensitivity, 'personal');
      const events = await eventsSince(tb, from);
      const proposal = events.find(
        (e) => e.kind === 'dataset.change_proposed' && e.changeId === proposed.body.id,
      );
      assert.ok(proposal, JSON.stringify(events));
      assert.equal(proposal.organization, 'population-register');
      assert.equal(typeof proposal.by, 'string');

      const listed = await call(
        tb.url,
        'GET',
        '/api/v1/organizations/population-register/catalog-changes?status=pending',
        {
          token: await tb.signers('population-register', 'data_protection_officer'),
        },
      );
      assert.equal(listed.status, 200, listed.text);
      assert.ok(listed.body.items.some((c: { id: string }) => c.id === proposed.body.id));
    });

    test('the proposer, a platform admin and another organization’s officer cannot sign off; the officer rejects with a reason', async () => {
      const both = await tb.server.user([
        { role: 'data_steward', organization: 'population-register' },
        { role: 'data_protection_officer', organization: 'population-register' },
      ]);
      const fields = (await populationFields()).map((f) =>
        f.name === 'sex' ? { ...f, sensitivity: 'open' } : f,
      );
      const proposed = await call(tb.url, 'PATCH', POPULATION, { token: both.token, body: { fields } });
      assert.equal(proposed.status, 202, proposed.text);
      const path = `/api/v1/organizations/population-register/catalog-changes/${proposed.body.id}`;
      const body = { reason: 'Looks fine to me.' };
      for (const token of [
        both.token,
        tb.admin,
        await tb.signers('tax-agency', 'data_protection_officer'),
        await tb.steward('population-register'),
      ]) {
        const refused = await call(tb.url, 'POST', `${path}/approve`, { token, body });
        assert.equal(refused.status, 403, refused.text);
        assert.equal(refused.body.error.code, 'FORBIDDEN');
      }
      const from = (await tb.server.node.app.ledger.treeHead()).size;
      const rejected = await call(tb.url, 'POST', `${path}/reject`, {
        token: await tb.signers('population-register', 'data_protection_officer'),
        body: { reason: 'Sex is personal data under the GDPR.' },
      });
      assert.equal(rejected.status, 200, rejected.text);
      assert.equal(rejected.body.status, 'rejected');
      assert.equal(rejected.body.reason, 'Sex is personal data under the GDPR.');
      assert.equal((await populationFields()).find((f) => f.name === 'sex')?.sensitivity, 'personal');
      const events = await eventsSince(tb, from);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['dataset.change_rejected'],
      );
      const again = await call(tb.url, 'POST', `${path}/approve`, {
        token: await tb.signers('population-register', 'data_protection_officer'),
        body,
      });
      assert.equal(again.status, 409, again.text);
    });

    test('a platform admin cannot sign off as data protection officer through a personal access token', async () => {
      const fields = (await populationFields()).map((f) =>
        f.name === 'date_of_birth' ? { ...f, sensitivity: 'open' } : f,
      );
      const proposed = await call(tb.url, 'PATCH', POPULATION, {
        token: await tb.steward('population-register'),
        body: { fields },
      });
      assert.equal(proposed.status, 202, proposed.text);
      // The attack: a token carrying data_protection_officer of the owner, made by the platform admin.
      const made = await call(tb.url, 'POST', '/api/v1/organizations/population-register/tokens', {
        token: tb.admin,
        body: { name: 'sign-offs', roles: ['data_protection_officer'] },
      });
      if (made.status === 201) {
        const approved = await call(
          tb.url,
          'POST',
          `/api/v1/organizations/population-register/catalog-changes/${proposed.body.id}/approve`,
          { token: made.body.secret, body: { reason: 'Fine.' } },
        );
        assert.fail(`the admin's token signed a change off: ${approved.status} ${approved.text}`);
      }
      assert.equal(made.status, 403, made.text);
      assert.deepEqual(made.body.error.details.refused, ['data_protection_officer']);
      assert.equal(
        (await populationFields()).find((f) => f.name === 'date_of_birth')?.sensitivity,
        'personal',
      );
    });

    test('an approved relabelling of the key field is applied and recorded, and person lookups still name the person', async () => {
      const steward = await tb.steward('population-register');
      const fields = (await populationFields()).map((f) =>
        f.name === 'national_id' ? { ...f, sensitivity: 'open' } : f,
      );
      const proposed = await call(tb.url, 'PATCH', POPULATION, { token: steward, body: { fields } });
      assert.equal(proposed.status, 202, proposed.text);
      const from = (await tb.server.node.app.ledger.treeHead()).size;
      const approved = await call(
        tb.url,
        'POST',
        `/api/v1/organizations/population-register/catalog-changes/${proposed.body.id}/approve`,
        {
          token: await tb.signers('population-register', 'data_protection_officer'),
          body: { reason: 'The identifier is published in the gazette.' },
        },
      );
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.status, 'approved');
      const dataset = (await call(tb.url, 'GET', POPULATION)).body;
      assert.equal(
        dataset.fields.find((f: { name: string }) => f.name === 'national_id').sensitivity,
        'open',
      );
      assert.equal(dataset.aboutPeople, true, 'the records are still declared about people');
      const events = await eventsSince(tb, from);
      assert.deepEqual(events.map((e) => e.kind).sort(), ['dataset.change_approved', 'dataset.changed']);
      const applied = events.find((e) => e.kind === 'dataset.changed')!;
      assert.deepEqual(applied.sensitivityChanged, [{ field: 'national_id', from: 'personal', to: 'open' }]);
      assert.equal(applied.changeId, proposed.body.id);
      assert.equal(typeof applied.approvedBy, 'string');
      assert.notEqual(applied.approvedBy, applied.by);

      const lookup = await exchange(tb.url, housing, `/population-register/person/${person}`, {
        purpose: BENEFIT,
      });
      assert.equal(lookup.status, 400, lookup.text);
      assert.equal(lookup.body.error.code, 'SUBJECT_REQUIRED');
    });

    test('declaring the records no longer about people waits for sign-off', async () => {
      const proposed = await call(tb.url, 'PATCH', POPULATION, {
        token: await tb.steward('population-register'),
        body: { aboutPeople: false },
      });
      // national_id is open now (approved above), so only the declaration keeps lookups naming the person.
      assert.equal(proposed.status, 202, proposed.text);
      assert.deepEqual(
        proposed.body.reasons.map((r: { kind: string }) => r.kind),
        ['no_longer_about_people'],
      );
      assert.equal((await call(tb.url, 'GET', POPULATION)).body.aboutPeople, true);
    });

    test('raising a sensitivity or adding a field applies at once and is a ledger event', async () => {
      const from = (await tb.server.node.app.ledger.treeHead()).size;
      const fields = [
        ...(await populationFields()).map((f) =>
          f.name === 'citizenship' ? { ...f, sensitivity: 'special' } : f,
        ),
        { name: 'marital_status', type: 'string', sensitivity: 'personal' },
      ];
      const changed = await call(tb.url, 'PATCH', POPULATION, {
        token: await tb.steward('population-register'),
        body: { fields },
      });
      assert.equal(changed.status, 200, changed.text);
      const events = await eventsSince(tb, from);
      assert.equal(events.length, 1, JSON.stringify(events));
      assert.equal(events[0]!.kind, 'dataset.changed');
      assert.equal(events[0]!.organization, 'population-register');
      assert.deepEqual(events[0]!.fieldsAdded, [{ name: 'marital_status', sensitivity: 'personal' }]);
      assert.deepEqual(events[0]!.sensitivityChanged, [
        { field: 'citizenship', from: 'personal', to: 'special' },
      ]);
    });

    test("a service's provider address changes only with the officer's sign-off", async () => {
      const path = '/api/v1/organizations/tax-agency/services/income';
      const before = (await call(tb.url, 'GET', path)).body;
      const moved = `${before.baseUrl.replace(/\/+$/, '')}/v2`;
      const proposed = await call(tb.url, 'PATCH', path, {
        token: await tb.steward('tax-agency'),
        body: { baseUrl: moved },
      });
      assert.equal(proposed.status, 202, proposed.text);
      assert.equal(proposed.body.reasons[0].kind, 'provider_address_changed');
      assert.equal((await call(tb.url, 'GET', path)).body.baseUrl, before.baseUrl);
      const from = (await tb.server.node.app.ledger.treeHead()).size;
      const approved = await call(
        tb.url,
        'POST',
        `/api/v1/organizations/tax-agency/catalog-changes/${proposed.body.id}/approve`,
        {
          token: await tb.signers('tax-agency', 'data_protection_officer'),
          body: { reason: 'The tax agency moved its API.' },
        },
      );
      assert.equal(approved.status, 200, approved.text);
      assert.equal((await call(tb.url, 'GET', path)).body.baseUrl, moved);
      const events = await eventsSince(tb, from);
      const applied = events.find((e) => e.kind === 'service.changed');
      assert.deepEqual(applied?.baseUrl, { from: before.baseUrl, to: moved });
      assert.ok(events.some((e) => e.kind === 'service.change_approved'));
    });

    test('registering a dataset and a service are ledger events; a personal key cannot be declared not about people', async () => {
      const steward = await tb.steward('tax-agency');
      const base = '/api/v1/organizations/tax-agency';
      const refused = await call(tb.url, 'POST', `${base}/datasets`, {
        token: steward,
        body: {
          slug: 'pensions',
          title: 'Pensions',
          classification: 'confidential',
          keyField: 'national_id',
          aboutPeople: false,
          fields: [{ name: 'national_id', type: 'string', sensitivity: 'personal' }],
        },
      });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error.code, 'VALIDATION_FAILED');

      const from = (await tb.server.node.app.ledger.treeHead()).size;
      const dataset = await call(tb.url, 'POST', `${base}/datasets`, {
        token: steward,
        body: {
          slug: 'pensions',
          title: 'Pensions',
          classification: 'confidential',
          keyField: 'national_id',
          fields: [{ name: 'national_id', type: 'string', sensitivity: 'personal' }],
        },
      });
      assert.equal(dataset.status, 201, dataset.text);
      assert.equal(dataset.body.aboutPeople, true);
      const service = await call(tb.url, 'POST', `${base}/services`, {
        token: steward,
        body: { slug: 'pensions', dataset: 'pensions', title: 'Pensions', kind: 'hosted' },
      });
      assert.equal(service.status, 201, service.text);
      const events = await eventsSince(tb, from);
      assert.deepEqual(
        events.map((e) => [e.kind, e.organization]),
        [
          ['dataset.created', 'tax-agency'],
          ['service.created', 'tax-agency'],
        ],
      );
      assert.deepEqual(events[0]!.fields, [{ name: 'national_id', sensitivity: 'personal' }]);
      assert.equal(events[0]!.aboutPeople, true);
      assert.equal(typeof events[1]!.by, 'string');
    });

    test('when the ledger cannot record a proposal or an approval, nothing is proposed or changed', async () => {
      const steward = await tb.steward('population-register');
      const fields = (await populationFields()).map((f) =>
        f.name === 'family_name' ? { ...f, sensitivity: 'open' } : f,
      );
      const proposed = await call(tb.url, 'PATCH', POPULATION, { token: steward, body: { fields } });
      assert.equal(proposed.status, 202, proposed.text);
      const repair = await breakLedgerWrites(tb.server.fresh.store);
      try {
        const unrecorded = await call(tb.url, 'PATCH', POPULATION, { token: steward, body: { fields } });
        assert.equal(unrecorded.status, 503, unrecorded.text);
        assert.equal(unrecorded.body.error.code, 'LEDGER_UNAVAILABLE');
        const approve = await call(
          tb.url,
          'POST',
          `/api/v1/organizations/population-register/catalog-changes/${proposed.body.id}/approve`,
          {
            token: await tb.signers('population-register', 'data_protection_officer'),
            body: { reason: 'Fine.' },
          },
        );
        assert.equal(approve.status, 503, approve.text);
        assert.equal(
          (await populationFields()).find((f) => f.name === 'family_name')?.sensitivity,
          'personal',
        );
        const still = await call(
          tb.url,
          'GET',
          `/api/v1/organizations/population-register/catalog-changes/${proposed.body.id}`,
          { token: steward },
        );
        assert.equal(still.body.status, 'pending');
        const pending = await call(
          tb.url,
          'GET',
          '/api/v1/organizations/population-register/catalog-changes?status=pending&limit=200',
          { token: steward },
        );
        assert.equal(
          pending.body.items.filter((c: { reasons: Array<{ field?: string }> }) =>
            c.reasons.some((r) => r.field === 'family_name'),
          ).length,
          1,
          'the unrecorded proposal was not kept',
        );
      } finally {
        await repair();
      }
    });
  });
}
