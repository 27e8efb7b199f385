/**
 * Change feeds (issue 18) over HTTP, on the demo government: the Housing Agency's benefit system follows
 * the population register, and a move reaches it minimized to its agreed fields, each delivery an access
 * event the person sees in My data. A system without an agreement in force cannot subscribe or read; a
 * revoked agreement stops the feed at once; and a system that reads on from its cursor gets every change
 * exactly once, across a restart of the node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FEEDS } from '../../src/demo/index.ts';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import { startNode } from '../../src/node/index.ts';
import { getRecord, putRecords } from '../../src/registry/index.ts';
import { citizen, startTestbed, type Testbed } from '../exchange/support.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const HOUSING = 'housing-agency/benefit-system';
const SOCIAL = 'exampleton-social/case-management';
/** What the Housing Agency's agreement for housing benefit releases of the population register. */
const HOUSING_FIELDS = ['national_id', 'given_name', 'family_name', 'address_id', 'household_id'];

interface FeedChange {
  cursor: string;
  kind: string;
  key: string;
  fields: string[];
  record: Record<string, unknown> | null;
  receipt: number;
}

for (const dialect of DIALECTS) {
  describe(`change feeds (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    let housing: string;
    let feed: string;
    let population: string;
    /** The node started again by the restart test: the test server closes only the one it started. */
    let restarted: Awaited<ReturnType<typeof startNode>> | undefined;

    const db = () => tb.server.fresh.store.db;
    const read = (token: string, id: string, query = '') =>
      call(tb.url, 'GET', `/exchange/feeds/${id}/changes${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    /** A move in the population register: the person's record with a new address. */
    async function move(nationalId: string, addressId: string) {
      const stored = await getRecord(db(), population, nationalId);
      assert.ok(stored, `${nationalId} is in the register`);
      await putRecords(db(), population, [
        { key: nationalId, data: { ...stored.data, address_id: addressId } },
      ]);
    }
    async function accessEventsOf(id: string): Promise<LedgerEvent[]> {
      const rows = await db()
        .selectFrom('ledger_entries')
        .select('event')
        .where('kind', '=', 'access')
        .execute();
      return rows.map((r) => JSON.parse(r.event) as LedgerEvent).filter((e) => e.feed === id);
    }

    before(async () => {
      tb = await startTestbed(dialect);
      housing = await tb.token(HOUSING);
      const row = await db()
        .selectFrom('datasets')
        .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
        .select('datasets.id')
        .where('organizations.slug', '=', 'population-register')
        .where('datasets.slug', '=', 'population')
        .executeTakeFirstOrThrow();
      population = row.id;
    });
    after(async () => {
      await restarted?.close();
      await tb?.close();
    });

    test('the Housing Agency’s system follows the population register from the demo seed', async () => {
      assert.equal(FEEDS[0]!.organization, 'housing-agency');
      const listed = await call(tb.url, 'GET', '/exchange/feeds', {
        headers: { authorization: `Bearer ${housing}` },
      });
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.items.length, 1);
      const [subscription] = listed.body.items;
      assert.equal(subscription.system, HOUSING);
      assert.equal(`${subscription.provider}/${subscription.service}`, 'population-register/person');
      assert.equal(subscription.purpose, 'housing-benefit-eligibility');
      feed = subscription.id;
      const nothing = await read(housing, feed);
      assert.equal(nothing.status, 200, nothing.text);
      assert.deepEqual(nothing.body.changes, [], 'the seeding of the register itself is not delivered');
    });

    test('a move reaches it, minimized to the agreed fields, and the person sees the delivery', async () => {
      const person = citizen('citizen');
      const other = citizen('citizen2');
      await move(person, 'ADDR-MOVED-1');
      // A change of a field the agreement does not release is not the Housing Agency's to know of.
      const stored = await getRecord(db(), population, other);
      await putRecords(db(), population, [
        { key: other, data: { ...stored!.data, date_of_birth: '1970-01-01' } },
      ]);

      const page = await read(housing, feed);
      assert.equal(page.status, 200, page.text);
      const changes = page.body.changes as FeedChange[];
      assert.equal(changes.length, 1, page.text);
      const [change] = changes;
      assert.equal(change!.kind, 'updated');
      assert.equal(change!.key, person);
      assert.deepEqual(change!.fields, ['address_id']);
      assert.equal(change!.record!.address_id, 'ADDR-MOVED-1');
      assert.deepEqual(
        Object.keys(change!.record!).sort(),
        [...HOUSING_FIELDS].sort(),
        'only the agreed fields',
      );
      assert.ok(
        !page.text.includes('date_of_birth') && !page.text.includes(other),
        'nothing of the other change',
      );

      const event = await tb.event(change!.receipt);
      assert.equal(event.kind, 'access');
      assert.equal(event.outcome, 'allowed');
      assert.equal(event.subject, person);
      assert.equal(event.consumer, 'housing-agency');
      assert.equal(event.system, 'benefit-system');
      assert.equal(event.service, 'person');
      assert.equal(event.purpose, 'housing-benefit-eligibility');
      assert.equal(event.feed, feed);
      assert.equal(String(event.change), change!.cursor);

      const account = await db()
        .selectFrom('people')
        .select('id')
        .where('national_id', '=', person)
        .executeTakeFirstOrThrow();
      const mine = await call(tb.url, 'GET', '/api/v1/me/access-events', {
        session: await tb.server.session(account.id),
      });
      assert.equal(mine.status, 200, mine.text);
      const seen = mine.body.items.find((e: { index: number }) => e.index === change!.receipt);
      assert.ok(seen, 'the delivery is in the person’s My data');
      assert.equal(seen.consumer.name, 'Housing Agency');

      const again = await read(housing, feed, `?after=${page.body.cursor}`);
      assert.deepEqual(again.body.changes, [], 'read on from the cursor: nothing twice');
    });

    test('a steward subscribes a system on its behalf, for the kinds of change it asks for', async () => {
      const steward = await tb.signers('exampleton-social', 'data_steward');
      const made = await call(
        tb.url,
        'POST',
        '/api/v1/organizations/exampleton-social/systems/case-management/feeds',
        {
          token: steward,
          body: {
            provider: 'population-register',
            service: 'person',
            purpose: 'social-assistance-assessment',
            kinds: ['created'],
          },
        },
      );
      assert.equal(made.status, 201, made.text);
      assert.equal(made.body.system, SOCIAL);
      const recorded = await db()
        .selectFrom('ledger_entries')
        .select('event')
        .where('kind', '=', 'feed.subscribed')
        .execute();
      assert.ok(
        recorded.some((r) => JSON.parse(r.event).subscription === made.body.id),
        'on the ledger',
      );

      const listed = await call(
        tb.url,
        'GET',
        '/api/v1/organizations/exampleton-social/systems/case-management/feeds',
        {
          token: steward,
        },
      );
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(
        listed.body.items.map((s: { id: string }) => s.id),
        [made.body.id],
      );

      // A move, then a birth: only the birth is asked for.
      await move(citizen('citizen3'), 'ADDR-MOVED-2');
      const stored = await getRecord(db(), population, citizen('citizen3'));
      const baby = { ...stored!.data, national_id: 'EX99999990', given_name: 'Newborn' };
      await putRecords(db(), population, [{ key: 'EX99999990', data: baby }]);
      const social = await tb.token(SOCIAL);
      const page = await read(social, made.body.id);
      assert.equal(page.status, 200, page.text);
      const changes = page.body.changes as FeedChange[];
      assert.deepEqual(
        changes.map((c) => [c.kind, c.key]),
        [['created', 'EX99999990']],
      );
      assert.ok(!('sex' in changes[0]!.record!), 'a field outside the agreement is left out');
    });

    test('no subscription without an agreement that releases the key and the fields asked for', async () => {
      const subscribe = (token: string, body: Record<string, unknown>) =>
        call(tb.url, 'POST', '/exchange/feeds', { headers: { authorization: `Bearer ${token}` }, body });
      const person = { provider: 'population-register', service: 'person' };
      const cases: Array<[string, Record<string, unknown>, number, string]> = [
        [HOUSING, { ...person, purpose: 'social-assistance-assessment' }, 403, 'PURPOSE_NOT_AGREED'],
        [
          HOUSING,
          { ...person, purpose: 'housing-benefit-eligibility', fields: ['date_of_birth'] },
          403,
          'FIELD_NOT_AGREED',
        ],
        // The rental application's agreement does not release the national ID a change is named by.
        [HOUSING, { ...person, purpose: 'rental-application-prefill' }, 403, 'FIELD_NOT_AGREED'],
        [HOUSING, { ...person, purpose: 'housing-benefit-eligibility' }, 409, 'ALREADY_EXISTS'],
        [
          'tax-agency/assessment-engine',
          { ...person, purpose: 'business-licensing' },
          403,
          'AGREEMENT_NOT_ACTIVE',
        ],
        [
          HOUSING,
          { provider: 'tax-agency', service: 'income', purpose: 'housing-benefit-eligibility' },
          400,
          'VALIDATION_FAILED',
        ],
      ];
      for (const [system, body, status, code] of cases) {
        const response = await subscribe(await tb.token(system), body);
        assert.equal(response.status, status, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.error.code, code, response.text);
      }
      const anonymous = await call(tb.url, 'GET', `/exchange/feeds/${feed}/changes`);
      assert.equal(anonymous.status, 401);
      const otherSystem = await read(await tb.token(SOCIAL), feed);
      assert.equal(otherSystem.status, 404, 'a system reads only its own subscriptions');
    });

    test('every change exactly once, in order, across a restart of the node', async () => {
      const people = (
        await db()
          .selectFrom('records')
          .select('key')
          .where('dataset_id', '=', population)
          .orderBy('key')
          .limit(40)
          .execute()
      ).map((r) => r.key);
      const received: FeedChange[] = [];
      let cursor = (await read(housing, feed)).body.cursor as string;
      const readAll = async () => {
        for (;;) {
          const page = await read(housing, feed, `?after=${cursor}&limit=7`);
          assert.equal(page.status, 200, page.text);
          received.push(...page.body.changes);
          cursor = page.body.cursor;
          if (!page.body.more) return;
        }
      };
      for (const [i, key] of people.slice(0, 20).entries()) await move(key, `ADDR-RUN-${i}`);
      const first = await read(housing, feed, `?after=${cursor}&limit=7`);
      received.push(...first.body.changes);
      cursor = first.body.cursor;

      // The node stops mid-stream; the register changes while it is down; a new node serves the same store.
      const config = tb.server.node.app.config;
      await tb.server.node.close();
      for (const [i, key] of people.slice(20).entries()) await move(key, `ADDR-RUN-${20 + i}`);
      restarted = await startNode(config, { store: tb.server.fresh.store, logger: false });
      tb.server.node = restarted;
      housing = await tb.token(HOUSING);
      await readAll();

      assert.deepEqual(
        received.map((c) => c.key),
        people,
        'each moved person once, in the order of the moves',
      );
      const cursors = received.map((c) => Number(c.cursor));
      assert.deepEqual(
        cursors,
        [...cursors].sort((a, b) => a - b),
      );
      const events = (await accessEventsOf(feed)).filter((e) => cursors.includes(Number(e.change)));
      assert.equal(events.length, people.length, 'one access event per delivered change');
      assert.equal(new Set(events.map((e) => e.change)).size, people.length);
      const done = await read(housing, feed, `?after=${cursor}`);
      assert.deepEqual(done.body.changes, [], 'nothing after the last cursor');
    });

    test('a revoked agreement stops the feed at once, and nothing more is recorded', async () => {
      const agreement = await db()
        .selectFrom('agreements')
        .innerJoin('organizations', 'organizations.id', 'agreements.consumer_organization_id')
        .innerJoin('purposes', 'purposes.id', 'agreements.purpose_id')
        .select('agreements.id')
        .where('organizations.slug', '=', 'housing-agency')
        .where('purposes.slug', '=', 'housing-benefit-eligibility')
        .where('agreements.status', '=', 'active')
        .where('agreements.fields', 'like', '%household_id%')
        .executeTakeFirstOrThrow();
      await move(citizen('citizen'), 'ADDR-MOVED-3');
      const revoked = await call(
        tb.url,
        'POST',
        `/api/v1/organizations/population-register/agreements/${agreement.id}/revoke`,
        { token: await tb.steward('population-register'), body: { reason: 'The test revokes it.' } },
      );
      assert.equal(revoked.status, 200, revoked.text);
      const before = (await accessEventsOf(feed)).length;
      const refused = await read(housing, feed);
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.error.code, 'AGREEMENT_REVOKED');
      assert.ok(!refused.text.includes('ADDR-MOVED-3'));
      assert.equal((await accessEventsOf(feed)).length, before, 'no delivery recorded');
    });
  });
}
