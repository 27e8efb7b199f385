/**
 * Sources linked to a register through the API (issue 18): a linkage job gives source records the
 * register's entity identifier or sends doubtful pairs to the register steward's review; decisions hold
 * when the job runs again; only the register's steward decides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const skips = new Map(await Promise.all(DIALECTS.map(async (d) => [d, await skipUnless(d)] as const)));

const GIVEN = ['Ada', 'Bruno', 'Cecilia', 'Dmitri', 'Elin', 'Farah', 'Gustav', 'Hanna', 'Ivo', 'Jana'];
const FAMILY = ['Kask', 'Lepp', 'Mets', 'Nurm', 'Oja', 'Pärn', 'Rebane', 'Saar', 'Tamm', 'Uus'];

interface Person {
  national_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sex: string;
}

/** 100 people of the register, each with their own name and birth date. */
const people: Person[] = Array.from({ length: 100 }, (_, i) => ({
  national_id: `EX${String(100_000 + i).padStart(9, '0')}`,
  given_name: GIVEN[i % 10]!,
  family_name: FAMILY[Math.floor(i / 10)]!,
  date_of_birth: `19${50 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`,
  sex: i % 2 === 0 ? 'female' : 'male',
}));
/** Two twins: one more person of the register with the same name, birth date and sex as person 90 or 91. */
const twins = [90, 91].map((i, n) => ({
  ...people[i]!,
  national_id: `EX${String(200_000 + n).padStart(9, '0')}`,
}));
const register = [...people, ...twins];

const csv = (rows: ReadonlyArray<object>) => {
  const columns = Object.keys(rows[0]!);
  return `${columns.join(',')}\n${rows.map((r) => columns.map((c) => (r as Record<string, string>)[c]).join(',')).join('\n')}\n`;
};

/** The city's clients: copies of people 0–29 (client c0…c29), and one copy of each twin (t90, t91). */
const clients = [
  ...people.slice(0, 30).map(({ national_id, ...p }, i) => ({ client_id: `c${i}`, ...p })),
  ...[90, 91].map((i) => {
    const { national_id, ...p } = people[i]!;
    return { client_id: `t${i}`, ...p };
  }),
];

const FIELDS = [
  { name: 'given_name', type: 'string', sensitivity: 'personal' },
  { name: 'family_name', type: 'string', sensitivity: 'personal' },
  { name: 'date_of_birth', type: 'date', sensitivity: 'personal' },
  { name: 'sex', type: 'string', sensitivity: 'personal' },
];

for (const dialect of DIALECTS) {
  describe(`sources and their linkage to a register (${dialect})`, { skip: skips.get(dialect)! }, () => {
    let server: TestServer;
    const tokens: Record<string, string> = {};
    let source = '';
    const as = (who: string) => ({ token: tokens[who]! });
    const api = (path: string) => `/api/v1/sources/${source}${path}`;

    async function runJob(who = 'registerSteward') {
      const started = await call(server.url, 'POST', api('/linkage-jobs'), { ...as(who), body: {} });
      assert.equal(started.status, 201, started.text);
      assert.equal(started.body.status, 'running');
      for (;;) {
        const job = await call(server.url, 'GET', api(`/linkage-jobs/${started.body.id}`), as(who));
        assert.equal(job.status, 200, job.text);
        if (job.body.status !== 'running') return job.body;
        await sleep(50);
      }
    }
    const queue = async () =>
      (await call(server.url, 'GET', api('/review?limit=200'), as('registerSteward'))).body.items;
    const links = async () => {
      const page = await call(server.url, 'GET', api('/links?limit=200'), as('citySteward'));
      assert.equal(page.status, 200, page.text);
      return new Map<string, { entityId: string; origin: string }>(
        page.body.items.map((l: { recordKey: string }) => [l.recordKey, l]),
      );
    };

    before(async () => {
      server = await startTestServer(dialect);
      tokens.registerSteward = (
        await server.user([{ role: 'data_steward', organization: 'registry' }])
      ).token;
      tokens.citySteward = (await server.user([{ role: 'data_steward', organization: 'city' }])).token;
      tokens.outsider = (await server.user([{ role: 'data_steward', organization: 'elsewhere' }])).token;
      tokens.auditor = (await server.user([{ role: 'auditor', organization: 'registry' }])).token;
      const datasets: Array<[string, string, string, string, string]> = [
        ['registerSteward', 'registry', 'population', 'national_id', csv(register)],
        ['citySteward', 'city', 'clients', 'client_id', csv(clients)],
      ];
      for (const [who, org, slug, key, file] of datasets) {
        const made = await call(server.url, 'POST', `/api/v1/organizations/${org}/datasets`, {
          ...as(who),
          body: {
            slug,
            title: slug,
            classification: 'restricted',
            keyField: key,
            fields: [{ name: key, type: 'string', sensitivity: 'personal' }, ...FIELDS],
          },
        });
        assert.equal(made.status, 201, made.text);
        const imported = await call(
          server.url,
          'POST',
          `/api/v1/organizations/${org}/datasets/${slug}/imports`,
          {
            ...as(who),
            rawBody: file,
            headers: { 'content-type': 'text/csv' },
          },
        );
        assert.equal(imported.body.status, 'completed', imported.text);
      }
    });
    after(() => server?.close());

    test("an organization registers its dataset as a source of another organization's register", async () => {
      const body = { dataset: 'clients', register: { organization: 'registry', dataset: 'population' } };
      const refused = await call(server.url, 'POST', '/api/v1/organizations/city/sources', {
        ...as('outsider'),
        body,
      });
      assert.equal(refused.status, 403, refused.text);
      const made = await call(server.url, 'POST', '/api/v1/organizations/city/sources', {
        ...as('citySteward'),
        body: { ...body, lowerThreshold: 0.2, upperThreshold: 0.95 },
      });
      assert.equal(made.status, 201, made.text);
      source = made.body.id;
      assert.deepEqual(
        [made.body.records, made.body.linked, made.body.pending, made.body.mayRun, made.body.mayReview],
        [32, 0, 0, true, false],
      );
      // The register's steward sees it among the sources of their organization.
      const listed = await call(
        server.url,
        'GET',
        '/api/v1/organizations/registry/sources',
        as('registerSteward'),
      );
      assert.deepEqual(
        listed.body.items.map((s: { id: string; mayReview: boolean }) => [s.id, s.mayReview]),
        [[source, true]],
      );
    });

    test("a job links the sure records to the register's entity and sends the doubtful pairs to review", async () => {
      const job = await runJob('citySteward');
      assert.equal(job.status, 'completed', job.failure);
      assert.deepEqual([job.sourceRecords, job.registerRecords], [32, 102]);
      const linked = await links();
      for (let i = 0; i < 30; i++)
        assert.equal(linked.get(`c${i}`)?.entityId, people[i]!.national_id, `c${i}`);
      assert.equal(job.linked, 30);
      // Each twin's copy matches two register records equally: both pairs wait for the steward.
      const pending = await queue();
      assert.deepEqual(
        pending.map((p: { recordKey: string; entityId: string }) => `${p.recordKey} ${p.entityId}`).sort(),
        [
          `t90 ${people[90]!.national_id}`,
          `t90 ${twins[0]!.national_id}`,
          `t91 ${people[91]!.national_id}`,
          `t91 ${twins[1]!.national_id}`,
        ].sort(),
      );
      assert.equal(job.queued, 4);
      const detail = await call(server.url, 'GET', api(`/review/${pending[0].id}`), as('registerSteward'));
      assert.equal(detail.status, 200, detail.text);
      assert.equal(detail.body.explanation.left_id, pending[0].recordKey);
      assert.ok(
        detail.body.fields.some(
          (f: { name: string; source: string | null }) => f.name === 'given_name' && f.source,
        ),
      );
    });

    test('only the register steward decides; a decision is taken once and goes on the ledger', async () => {
      const [pair] = await queue();
      const byCity = await call(server.url, 'POST', api(`/review/${pair.id}`), {
        ...as('citySteward'),
        body: { decision: 'accept' },
      });
      assert.equal(byCity.status, 403, byCity.text);
      assert.equal(byCity.body.error.code, 'FORBIDDEN');
      const byOutsider = await call(server.url, 'POST', api('/linkage-jobs'), {
        ...as('outsider'),
        body: {},
      });
      assert.equal(byOutsider.status, 403, byOutsider.text);
      const unseen = await call(server.url, 'GET', api('/review'), as('citySteward'));
      assert.equal(unseen.status, 403, unseen.text);
    });

    test('accepted, rejected and split decisions hold when the job runs again', async () => {
      const pending = await queue();
      const pick = (record: string, entity: string) =>
        pending.find(
          (p: { recordKey: string; entityId: string }) => p.recordKey === record && p.entityId === entity,
        );
      const accept = pick('t90', twins[0]!.national_id);
      const reject = pick('t91', people[91]!.national_id);
      const decide = (id: string, decision: string) =>
        call(server.url, 'POST', api(`/review/${id}`), {
          ...as('registerSteward'),
          body: { decision, reason: 'Checked the case file.' },
        });
      assert.equal((await decide(accept.id, 'accept')).body.status, 'accepted');
      assert.equal((await decide(reject.id, 'reject')).body.status, 'rejected');
      const again = await decide(accept.id, 'reject');
      assert.equal(again.status, 409, again.text);
      assert.equal(again.body.error.code, 'PAIR_DECIDED');
      // Accepting t90's pair settles t90: its other pair leaves the queue.
      assert.deepEqual(
        (await queue()).map((p: { recordKey: string; entityId: string }) => `${p.recordKey} ${p.entityId}`),
        [`t91 ${twins[1]!.national_id}`],
      );
      const split = await call(server.url, 'POST', api('/links/c3/split'), {
        ...as('registerSteward'),
        body: { reason: 'Not the same person.' },
      });
      assert.equal(split.status, 200, split.text);
      assert.equal(split.body.status, 'rejected');

      const job = await runJob();
      assert.equal(job.status, 'completed', job.failure);
      const linked = await links();
      assert.deepEqual(linked.get('t90'), {
        ...linked.get('t90'),
        entityId: twins[0]!.national_id,
        origin: 'accepted',
      });
      // With its rejected pair out, t91 has one sure match left, which links it.
      assert.equal(linked.get('t91')?.entityId, twins[1]!.national_id);
      assert.equal(linked.get('c3'), undefined, 'a split record is not linked again');
      assert.equal(linked.get('c4')?.entityId, people[4]!.national_id);
      assert.deepEqual(await queue(), [], 'no decided pair is proposed again');
      assert.equal(job.kept, 1);

      const merged = await call(server.url, 'POST', api('/links/c3/merge'), {
        ...as('registerSteward'),
        body: { entityId: people[3]!.national_id, reason: 'Confirmed by phone after all.' },
      });
      assert.equal(merged.status, 200, merged.text);
      assert.equal(merged.body.origin, 'merged');
      const elsewhere = await call(server.url, 'POST', api('/links/c3/merge'), {
        ...as('registerSteward'),
        body: { entityId: people[5]!.national_id },
      });
      assert.equal(elsewhere.status, 409, elsewhere.text);
      assert.equal(elsewhere.body.error.code, 'RECORD_LINKED');

      const events = await call(
        server.url,
        'GET',
        '/api/v1/governance-events?organization=registry',
        as('auditor'),
      );
      const kinds = events.body.items.map((e: { kind: string }) => e.kind);
      for (const kind of [
        'source.link_accepted',
        'source.link_rejected',
        'source.link_split',
        'source.link_merged',
      ])
        assert.ok(kinds.includes(kind), kind);
    });

    test('one job at a time per source; a running job is cancelled', async () => {
      const running = crypto.randomUUID();
      const at = new Date().toISOString();
      await server.fresh.store.db
        .insertInto('linkage_jobs')
        .values({
          id: running,
          source_id: source,
          status: 'running',
          started_by: null,
          started_at: at,
          updated_at: at,
          stage: null,
          finished_at: null,
          cancel_requested: 0,
          failure: null,
          ...{ source_records: 0, register_records: 0, linked: 0, queued: 0, kept: 0 },
        })
        .execute();
      const second = await call(server.url, 'POST', api('/linkage-jobs'), {
        ...as('registerSteward'),
        body: {},
      });
      assert.equal(second.status, 409, second.text);
      assert.equal(second.body.error.code, 'LINKAGE_RUNNING');
      const cancelled = await call(server.url, 'POST', api(`/linkage-jobs/${running}/cancel`), {
        ...as('citySteward'),
        body: {},
      });
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.body.cancelRequested, true);
      await server.fresh.store.db
        .updateTable('linkage_jobs')
        .set({ status: 'cancelled' })
        .where('id', '=', running)
        .execute();
    });
  });
}
