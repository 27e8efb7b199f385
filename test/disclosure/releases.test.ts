/**
 * Issue 20: releases of open data from a register, over HTTP on both stores. A steward prepares
 * k-anonymous microdata or noisy statistics; a data protection officer who did not prepare it signs it off;
 * it is published in the catalog with its method and report; each step is on the ledger; a statistics
 * release spends the dataset's privacy budget, and one that does not fit is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import { startTestbed, type Testbed } from '../exchange/support.ts';
import { breakLedgerWrites } from '../support/ledger.ts';
import { call } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

const ORG = 'population-register';
const RELEASES = `/api/v1/organizations/${ORG}/releases`;
const BUDGET = `/api/v1/organizations/${ORG}/datasets/population/privacy-budget`;

const MICRODATA = {
  dataset: 'population',
  slug: 'residents-by-age-and-sex',
  title: 'Residents by age, sex and citizenship',
  method: 'microdata',
  microdata: {
    quasiIdentifiers: [
      { field: 'date_of_birth', hierarchy: { kind: 'age', at: '2025-12-31', widths: [5, 10, 20, 40] } },
      { field: 'sex', hierarchy: { kind: 'suppress' } },
      { field: 'citizenship', hierarchy: { kind: 'suppress' } },
    ],
    k: 5,
    suppressionLimit: 0.05,
  },
};

const STATISTICS = {
  dataset: 'population',
  slug: 'population-by-sex-and-age',
  title: 'Population by sex and age band',
  method: 'statistics',
  statistics: {
    dimensions: [
      { field: 'sex', kind: 'categories', categories: ['female', 'male'] },
      { field: 'date_of_birth', kind: 'age-bands', at: '2025-12-31', width: 20, max: 80 },
    ],
    epsilon: '1',
  },
};

async function eventsSince(tb: Testbed, from: number): Promise<LedgerEvent[]> {
  const size = (await tb.server.node.app.ledger.treeHead()).size;
  const events: LedgerEvent[] = [];
  for (let index = from; index < size; index++) events.push(await tb.event(index));
  return events;
}

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

for (const dialect of DIALECTS) {
  describe(`releases of open data (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let tb: Testbed;
    let steward: string;
    let officer: string;

    before(async () => {
      tb = await startTestbed(dialect);
      steward = await tb.signers(ORG, 'data_steward');
      officer = await tb.signers(ORG, 'data_protection_officer');
    });
    after(() => tb?.close());

    test('k-anonymous microdata: prepared with its loss against k, signed off, published as an open dataset, each step on the ledger', async () => {
      const from = (await tb.server.node.app.ledger.treeHead()).size;
      const prepared = await call(tb.url, 'POST', RELEASES, { token: steward, body: MICRODATA });
      assert.equal(prepared.status, 201, prepared.text);
      const release = prepared.body;
      assert.equal(release.status, 'draft');
      assert.equal(release.report.k, 5);
      assert.deepEqual(
        release.report.curve.map((p: { k: number }) => p.k),
        [2, 3, 5, 10, 20, 50, 100],
      );
      // A transformation k'-anonymous for k' > k is k-anonymous with fewer records suppressed, so the
      // optimum's non-uniform entropy never falls as k rises.
      const entropies = release.report.curve
        .filter((p: { possible: boolean }) => p.possible)
        .map((p: { nonUniformEntropy: number }) => p.nonUniformEntropy);
      assert.deepEqual(
        [...entropies].sort((a, b) => a - b),
        entropies,
        'more protection never costs less information',
      );
      assert.deepEqual(release.header, ['date_of_birth', 'sex', 'citizenship']);
      assert.ok(release.sample.length > 0);
      assert.ok(
        release.sample.every((row: string[]) => !/^\d{4}-\d{2}-\d{2}$/.test(row[0]!)),
        'no date of birth is shown as recorded',
      );

      const submitted = await call(tb.url, 'POST', `${RELEASES}/${release.id}/submit`, {
        token: steward,
        body: {},
      });
      assert.equal(submitted.status, 200, submitted.text);
      const approved = await call(tb.url, 'POST', `${RELEASES}/${release.id}/approve`, {
        token: officer,
        body: { reason: 'Five or more residents share every combination; checked the report.' },
      });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.status, 'published');
      assert.equal(approved.body.published.dataset, MICRODATA.slug);

      const csv = await call(tb.url, 'GET', `/catalog/datasets/${ORG}/${MICRODATA.slug}.csv`);
      assert.equal(csv.status, 200, csv.text);
      const [header, ...rows] = parseCsv(csv.text);
      assert.deepEqual(header, ['date_of_birth', 'sex', 'citizenship']);
      assert.equal(rows.length, release.report.records, 'every record, suppressed ones as *');
      const classes = new Map<string, number>();
      for (const row of rows)
        if (row[0] !== '*') classes.set(row.join('|'), (classes.get(row.join('|')) ?? 0) + 1);
      assert.ok(classes.size > 0);
      for (const [values, size] of classes) assert.ok(size >= 5, `${values} is shared by only ${size}`);
      assert.ok(rows.filter((row) => row[0] === '*').length <= release.report.records * 0.05);

      const report = await call(tb.url, 'GET', `/catalog/releases/${release.id}.json`);
      assert.equal(report.status, 200, report.text);
      assert.equal(report.body.method, 'microdata');
      assert.equal(report.body.report.k, 5);
      assert.equal(report.body.sample, undefined, 'the public report holds no rows');
      const dcat = await call(tb.url, 'GET', `/catalog/datasets/${ORG}/${MICRODATA.slug}.ttl`);
      assert.equal(dcat.status, 200);
      assert.match(dcat.text, new RegExp(`/catalog/releases/${release.id}\\.json`));

      const kinds = (await eventsSince(tb, from)).map((e) => e.kind);
      for (const kind of ['release.prepared', 'release.submitted', 'release.approved', 'release.published'])
        assert.ok(kinds.includes(kind), `${kind} is on the ledger: ${kinds.join(', ')}`);
    });

    test('a random sample of the register, with t-closeness on a sensitive field: risk measured against everyone', async () => {
      const prepared = await call(tb.url, 'POST', RELEASES, {
        token: steward,
        body: {
          ...MICRODATA,
          slug: 'a-sample',
          microdata: {
            quasiIdentifiers: MICRODATA.microdata.quasiIdentifiers.slice(0, 2),
            sensitive: { field: 'citizenship', tCloseness: { t: 0.5, hierarchy: { kind: 'suppress' } } },
            k: 3,
            suppressionLimit: 0.1,
            sampleFraction: 0.5,
          },
        },
      });
      assert.equal(prepared.status, 201, prepared.text);
      const report = prepared.body.report;
      assert.equal(report.population, 200);
      assert.equal(report.records, 100);
      assert.equal(report.models[1].kind, 'hierarchical-t-closeness');
      assert.ok(
        report.risk.journalist.highest <= report.risk.prosecutor.highest,
        JSON.stringify(report.risk),
      );
      assert.ok(report.risk.marketer.average < report.risk.prosecutor.average, JSON.stringify(report.risk));
      assert.deepEqual(prepared.body.header, ['date_of_birth', 'sex', 'citizenship']);
    });

    test('a direct identifier is never released, and personal data is never kept as it is', async () => {
      const key = await call(tb.url, 'POST', RELEASES, {
        token: steward,
        body: {
          ...MICRODATA,
          slug: 'by-id',
          microdata: {
            ...MICRODATA.microdata,
            quasiIdentifiers: [{ field: 'national_id', hierarchy: { kind: 'mask' } }],
          },
        },
      });
      assert.equal(key.status, 400, key.text);
      assert.equal(key.body.error.code, 'VALIDATION_FAILED');
      assert.match(key.body.error.message, /national_id/);
      const kept = await call(tb.url, 'POST', RELEASES, {
        token: steward,
        body: {
          ...MICRODATA,
          slug: 'with-names',
          microdata: { ...MICRODATA.microdata, keep: ['given_name'] },
        },
      });
      assert.equal(kept.status, 400, kept.text);
      assert.match(kept.body.error.message, /given_name.*personal/);
    });

    test('nobody signs off their own release, and a platform admin is not a data protection officer', async () => {
      const both = (
        await tb.server.user([
          { role: 'data_steward', organization: ORG },
          { role: 'data_protection_officer', organization: ORG },
        ])
      ).token;
      const prepared = await call(tb.url, 'POST', RELEASES, {
        token: both,
        body: { ...MICRODATA, slug: 'own-release' },
      });
      assert.equal(prepared.status, 201, prepared.text);
      const id = prepared.body.id;
      assert.equal(
        (await call(tb.url, 'POST', `${RELEASES}/${id}/submit`, { token: both, body: {} })).status,
        200,
      );
      const own = await call(tb.url, 'POST', `${RELEASES}/${id}/approve`, {
        token: both,
        body: { reason: 'Mine.' },
      });
      assert.equal(own.status, 403, own.text);
      assert.equal(own.body.error.code, 'SELF_APPROVAL');
      const admin = await call(tb.url, 'POST', `${RELEASES}/${id}/approve`, {
        token: tb.admin,
        body: { reason: 'Admin.' },
      });
      assert.equal(admin.status, 403, admin.text);
      assert.equal(admin.body.error.code, 'FORBIDDEN');
      const rejected = await call(tb.url, 'POST', `${RELEASES}/${id}/reject`, {
        token: officer,
        body: { reason: 'Citizenship singles out the few foreign residents; generalise it.' },
      });
      assert.equal(rejected.status, 200, rejected.text);
      assert.equal(rejected.body.status, 'rejected');
      assert.equal(rejected.body.published, null);
      const missing = await call(tb.url, 'GET', `/catalog/datasets/${ORG}/own-release.csv`);
      assert.equal(missing.status, 404);
      const revised = await call(tb.url, 'PUT', `${RELEASES}/${id}`, {
        token: both,
        body: {
          method: 'microdata',
          title: 'Residents by age and sex',
          microdata: { ...MICRODATA.microdata, k: 10 },
        },
      });
      assert.equal(revised.status, 200, revised.text);
      assert.equal(revised.body.status, 'draft');
      assert.equal(revised.body.report.k, 10);
    });

    test('statistics spend the dataset’s privacy budget, set by its officer; a release that does not fit is refused', async () => {
      // The demo's register has a budget; this one starts as a register whose officer has set none.
      await tb.server.node.store.db
        .updateTable('datasets')
        .set({ privacy_budget: null })
        .where('slug', '=', 'population')
        .execute();
      const prepared = await call(tb.url, 'POST', RELEASES, { token: steward, body: STATISTICS });
      assert.equal(prepared.status, 201, prepared.text);
      const release = prepared.body;
      assert.equal(release.report.cells, 2 * 5, 'female and male × 0-19 … 60-79, 80 and over');
      assert.ok(release.report.errorBound95 > 0);
      assert.equal(release.sample, undefined, 'no noisy counts before sign-off');

      const noBudget = await call(tb.url, 'POST', `${RELEASES}/${release.id}/submit`, {
        token: steward,
        body: {},
      });
      assert.equal(noBudget.status, 409, noBudget.text);
      assert.equal(noBudget.body.error.code, 'PRIVACY_BUDGET_EXCEEDED');

      const stewardSets = await call(tb.url, 'PUT', BUDGET, {
        token: steward,
        body: { total: '1.5', reason: 'x' },
      });
      assert.equal(stewardSets.status, 403);
      const set = await call(tb.url, 'PUT', BUDGET, {
        token: officer,
        body: { total: '1.5', reason: 'One table a year at ε = 1, and some room for a correction.' },
      });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual([set.body.total, set.body.spent, set.body.left], ['1.5', '0', '1.5']);

      assert.equal(
        (await call(tb.url, 'POST', `${RELEASES}/${release.id}/submit`, { token: steward, body: {} })).status,
        200,
      );
      const approved = await call(tb.url, 'POST', `${RELEASES}/${release.id}/approve`, {
        token: officer,
        body: { reason: 'ε = 1 for the yearly table.' },
      });
      assert.equal(approved.status, 200, approved.text);
      const json = await call(tb.url, 'GET', `/catalog/datasets/${ORG}/${STATISTICS.slug}.json`);
      assert.equal(json.status, 200, json.text);
      assert.equal(json.body.length, 10, 'every cell, empty or not');
      for (const cell of json.body) {
        assert.ok(Number.isInteger(cell.count) && cell.count >= 0, JSON.stringify(cell));
        assert.equal(cell.margin_of_error_95, release.report.errorBound95);
      }
      const budget = await call(tb.url, 'GET', BUDGET, { token: officer });
      assert.deepEqual([budget.body.spent, budget.body.left], ['1', '0.5']);

      const second = await call(tb.url, 'POST', RELEASES, {
        token: steward,
        body: { ...STATISTICS, slug: 'population-again' },
      });
      assert.equal(second.status, 201, second.text);
      const over = await call(tb.url, 'POST', `${RELEASES}/${second.body.id}/submit`, {
        token: steward,
        body: {},
      });
      assert.equal(over.status, 409, over.text);
      assert.equal(over.body.error.code, 'PRIVACY_BUDGET_EXCEEDED');
      assert.match(over.body.error.message, /0\.5/);

      const lower = await call(tb.url, 'PUT', BUDGET, {
        token: officer,
        body: { total: '0.5', reason: 'Less.' },
      });
      assert.equal(lower.status, 409, 'never below what is spent');
    });

    test('when the ledger cannot record the approval, nothing is published', async () => {
      const prepared = await call(tb.url, 'POST', RELEASES, {
        token: steward,
        body: { ...MICRODATA, slug: 'not-recorded' },
      });
      assert.equal(prepared.status, 201, prepared.text);
      const id = prepared.body.id;
      assert.equal(
        (await call(tb.url, 'POST', `${RELEASES}/${id}/submit`, { token: steward, body: {} })).status,
        200,
      );
      const repair = await breakLedgerWrites(tb.server.node.store);
      let refused: { status: number; text: string; body: any };
      try {
        refused = await call(tb.url, 'POST', `${RELEASES}/${id}/approve`, {
          token: officer,
          body: { reason: 'Fine.' },
        });
      } finally {
        await repair();
      }
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'LEDGER_UNAVAILABLE');
      assert.equal((await call(tb.url, 'GET', `/catalog/datasets/${ORG}/not-recorded.csv`)).status, 404);
      const after = await call(tb.url, 'GET', `${RELEASES}/${id}`, { token: officer });
      assert.equal(after.body.status, 'submitted', 'it still waits for the officer');
      const retried = await call(tb.url, 'POST', `${RELEASES}/${id}/approve`, {
        token: officer,
        body: { reason: 'Fine.' },
      });
      assert.equal(retried.status, 200, retried.text);
    });

    test('a lookup reads another dataset only when it is open or the organization’s own', async () => {
      const closed = await call(tb.url, 'POST', RELEASES, {
        token: steward,
        body: {
          ...STATISTICS,
          slug: 'by-income',
          lookups: [{ field: 'national_id', dataset: 'tax-agency/income', take: ['taxable_income'] }],
        },
      });
      assert.equal(closed.status, 404, closed.text);
      const addresses = await call(tb.url, 'GET', '/catalog/datasets/address-register/addresses.json');
      const municipalities = [
        ...new Set(addresses.body.map((a: { municipality: string }) => a.municipality)),
      ].sort() as string[];
      const open = await call(tb.url, 'POST', RELEASES, {
        token: steward,
        body: {
          ...STATISTICS,
          slug: 'by-municipality',
          lookups: [{ field: 'address_id', dataset: 'address-register/addresses', take: ['municipality'] }],
          statistics: {
            epsilon: '0.5',
            dimensions: [{ field: 'municipality', kind: 'categories', categories: municipalities }],
          },
        },
      });
      assert.equal(open.status, 201, open.text);
      assert.equal(open.body.report.cells, municipalities.length);
      assert.equal(open.body.report.recordsOutside, 0, 'every resident lives at an address of the register');
    });
  });
}
