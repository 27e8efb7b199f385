/**
 * Consent records with the fields of ISO/IEC TS 27560: what a consent records by default and when told,
 * its history, its receipt, withdrawal recorded once, and the migration that turns the consents made
 * before it into records without inventing what was not known. On both stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { loadConfig } from '../../src/config/index.ts';
import {
  type ConsentEffects,
  consentReceipt,
  createConsent,
  expireDueConsents,
  getConsent,
  listConsents,
  withdrawConsent,
} from '../../src/consent/index.ts';
import { DEMO_ACCOUNTS, seedDemo } from '../../src/demo/index.ts';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { DIALECTS, type FreshStore, freshStore, skipUnless } from '../support/stores.ts';

const anna = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!.nationalId!;
const ben = DEMO_ACCOUNTS.find((a) => a.username === 'citizen2')!.nationalId!;

for (const dialect of DIALECTS) {
  describe(`consent records (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let fresh: FreshStore;
    const appended: LedgerEvent[] = [];
    let effects: ConsentEffects;

    before(async () => {
      fresh = await freshStore(dialect);
      const config = loadConfig({
        env: {},
        flags: { demoPopulation: 200, logLevel: 'silent', dataDir: fresh.dataDir },
      });
      await seedDemo(fresh.store, config, { progress: false, providerUrl: 'http://127.0.0.1:9' });
      effects = {
        db: fresh.store.db,
        ledger: {
          append: async (event) => {
            appended.push(event);
            return { index: appended.length - 1, leafHash: Buffer.alloc(32) };
          },
        },
        changed: async () => {},
      };
    });
    after(() => fresh?.drop());

    test('by default a consent records the purpose as told, its basis, the agreed data with sources, the consumer and the retention', async () => {
      const consent = await createConsent(
        fresh.store.db,
        {
          subject: ben,
          consumer: 'housing-agency',
          purpose: 'rental-application-prefill',
          fields: ['given_name'],
        },
        null,
      );
      assert.equal(consent.legalBasis, 'gdpr-6-1-a');
      assert.equal(consent.specialCategoryBasis, null);
      assert.match(consent.purposeDescription, /^With your consent, the Housing Agency fills in/);
      assert.deepEqual(consent.piiCategories, [
        {
          field: 'given_name',
          label: 'First name(s)',
          sensitivity: 'personal',
          source: {
            organization: 'population-register',
            organizationName: 'Population Register Office',
            dataset: 'population',
            datasetTitle: 'Population register',
            service: 'person',
            serviceTitle: 'Person lookup',
          },
        },
      ]);
      assert.deepEqual(consent.recipients, [{ organization: 'housing-agency', name: 'Housing Agency' }]);
      assert.equal(consent.retentionDays, 365);
      assert.equal(consent.collectionMethod, 'admin-recorded');
      assert.equal(consent.language, 'en');
      assert.match(consent.notice.version ?? '', /^purpose:rental-application-prefill@\d{4}-/);
      assert.equal(consent.client, null);
      assert.equal(consent.state, 'active');
      assert.deepEqual(
        consent.history.map((h) => [h.event, h.bySubject]),
        [['given', false]],
      );
    });

    test('what the consent page knows is recorded as given: method, notice, client, data and recipients', async () => {
      const consent = await createConsent(
        fresh.store.db,
        {
          subject: ben,
          consumer: 'housing-agency',
          purpose: 'rental-application-prefill',
          fields: ['given_name', 'taxable_income'],
          piiCategories: [
            { field: 'given_name', source: { organization: 'population-register', service: 'person' } },
            { field: 'taxable_income', source: { organization: 'tax-agency' } },
          ],
          recipients: [{ organization: 'housing-agency', name: 'Housing Agency' }, { name: 'Its auditors' }],
          retentionDays: 30,
          collectionMethod: 'oauth-consent-page',
          language: 'en-GB',
          noticeUrl: 'https://govdx.example/consent/notice/42',
          noticeVersion: '2026-01',
          client: 'housing-app',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        null,
      );
      assert.equal(consent.piiCategories[0]?.source?.dataset, 'population');
      assert.deepEqual(consent.piiCategories[1], {
        field: 'taxable_income',
        label: 'Taxable income',
        sensitivity: null,
        source: {
          organization: 'tax-agency',
          organizationName: 'Tax and Customs Board',
          dataset: null,
          datasetTitle: null,
          service: null,
          serviceTitle: null,
        },
      });
      assert.deepEqual(consent.recipients[1], { organization: null, name: 'Its auditors' });
      assert.equal(consent.retentionDays, 30);
      assert.deepEqual(consent.notice, {
        url: 'https://govdx.example/consent/notice/42',
        version: '2026-01',
      });
      assert.equal(consent.client, 'housing-app');
      assert.equal(consent.history[0]?.bySubject, true, 'given by the person on the consent page');

      const receipt = consentReceipt(
        consent,
        { slug: 'housing-agency', name: 'Housing Agency', website: null, email: null },
        { publicUrl: 'https://govdx.example', issuedAt: '2026-01-01T00:00:00.000Z' },
      );
      assert.equal(receipt.collectionMethod, 'oauth-consent-page');
      assert.equal(receipt.policyUrl, 'https://govdx.example/consent/notice/42');
      const purpose = (receipt.services as any)[0].purposes[0];
      assert.equal((receipt.services as any)[0].service, 'housing-app');
      assert.equal(purpose.thirdPartyDisclosure, true);
      assert.equal(purpose.thirdPartyName, 'Its auditors');
      assert.match(purpose.termination, /^Ends on /);
      assert.equal((receipt.consentRecord as any).retention_period, 'P30D');
    });

    test('a consent for special-category data is marked sensitive in its receipt, with those categories', async () => {
      const consent = await createConsent(
        fresh.store.db,
        { subject: ben, consumer: 'exampleton-social', purpose: 'social-assistance-assessment' },
        null,
      );
      const receipt = consentReceipt(
        consent,
        { slug: 'exampleton-social', name: 'City', website: null, email: null },
        { publicUrl: 'https://govdx.example', issuedAt: '2026-01-01T00:00:00.000Z' },
      );
      assert.equal(receipt.sensitive, true);
      assert.deepEqual([...(receipt.spiCat as string[])].sort(), [
        'care_level',
        'chronic_conditions.code',
        'disability_status',
      ]);
    });

    test('a consent past its end date is expired, and its history says when', async () => {
      const consent = await createConsent(
        fresh.store.db,
        {
          subject: ben,
          consumer: 'housing-agency',
          purpose: 'rental-application-prefill',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        },
        null,
      );
      const past = new Date(Date.now() - 1000).toISOString();
      await fresh.store.db
        .updateTable('consents')
        .set({ expires_at: past })
        .where('id', '=', consent.id)
        .execute();
      const expired = await getConsent(fresh.store.db, consent.id);
      assert.equal(expired.status, 'active');
      assert.equal(expired.state, 'expired');
      assert.deepEqual(expired.history.at(-1), {
        event: 'expired',
        at: past,
        bySubject: false,
        reason: null,
        ledgerIndex: null,
      });
    });

    test('the sweep marks a consent past its end date expired, once, with its own ledger entry', async () => {
      const consent = await createConsent(
        fresh.store.db,
        {
          subject: ben,
          consumer: 'housing-agency',
          purpose: 'rental-application-prefill',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        },
        null,
      );
      const before = appended.length;
      const later = new Date(Date.now() + 120_000);
      await expireDueConsents(effects, new Date());
      assert.equal((await getConsent(fresh.store.db, consent.id)).status, 'active', 'not yet due');
      assert.ok((await expireDueConsents(effects, later)) >= 1);
      assert.equal(await expireDueConsents(effects, later), 0, 'each consent expires once');
      const expired = await getConsent(fresh.store.db, consent.id);
      assert.equal(expired.status, 'expired');
      const ends = expired.history.filter((h) => h.event === 'expired');
      assert.equal(ends.length, 1, 'one history entry, not a recorded and a computed one');
      const recorded = appended.slice(before).find((e) => e.consent === consent.id);
      assert.deepEqual([recorded?.kind, recorded?.subject], ['consent.expired', ben]);
      assert.equal(ends[0]!.ledgerIndex, appended.indexOf(recorded!));
    });

    test('withdrawing twice at once withdraws once: one history entry, one ledger entry', async () => {
      const consent = await createConsent(
        fresh.store.db,
        { subject: ben, consumer: 'housing-agency', purpose: 'rental-application-prefill' },
        null,
      );
      const before = appended.length;
      const actor = { personId: null, bySubject: true, reason: 'Twice.' };
      const [a, b] = await Promise.all([
        withdrawConsent(effects, consent.id, actor),
        withdrawConsent(effects, consent.id, actor),
      ]);
      assert.equal(a.state, 'revoked');
      assert.equal(b.state, 'revoked');
      const revoked = (await getConsent(fresh.store.db, consent.id)).history.filter(
        (h) => h.event === 'revoked',
      );
      assert.equal(revoked.length, 1);
      assert.equal(appended.length, before + 1);
      assert.equal(revoked[0]?.ledgerIndex, before, 'the history names the ledger entry');
      assert.deepEqual(
        {
          kind: appended[before]!.kind,
          subject: appended[before]!.subject,
          consent: appended[before]!.consent,
        },
        { kind: 'consent.revoked', subject: ben, consent: consent.id },
      );
    });

    test("the demo citizen's seeded consent is a full record", async () => {
      const { items } = await listConsents(fresh.store.db, anna, 10, null);
      assert.equal(items.length, 1);
      assert.equal(items[0]?.piiCategories.length, 6);
      assert.equal(items[0]?.retentionDays, 365);
    });
  });

  describe(`migration 0007_consent_records (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    test('consents made before it keep what is known, gain their history, and nothing is guessed; it also goes down', async () => {
      const fresh = await freshStore(dialect, { migrate: false });
      try {
        const db = fresh.store.db;
        const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
        const upTo = await migrator.migrateTo('0006_agreement_workflow');
        assert.equal(upTo.error, undefined);
        const at = '2025-01-01T00:00:00.000Z';
        await sql`insert into organizations (id, slug, name, kind, description, created_at, updated_at)
          values ('o1', 'housing', 'Housing', 'agency', '', ${at}, ${at})`.execute(db);
        await sql`insert into purposes (id, slug, organization_id, title, description, legal_basis, special_category_basis, created_at, updated_at)
          values ('p1', 'prefill', 'o1', 'Prefill', 'To fill in your form.', 'gdpr-6-1-a', null, ${at}, ${at})`.execute(
          db,
        );
        await sql`insert into consents (id, subject, consumer_organization_id, purpose_id, fields, status, given_at, expires_at, revoked_at, created_by, created_at, updated_at)
          values ('c1', ${anna}, 'o1', 'p1', '["given_name"]', 'active', ${at}, null, null, null, ${at}, ${at}),
                 ('c2', ${anna}, 'o1', 'p1', '[]', 'revoked', ${at}, null, '2025-02-01T00:00:00.000Z', null, ${at}, ${at})`.execute(
          db,
        );
        const latest = await migrator.migrateToLatest();
        assert.equal(latest.error, undefined);

        const kept = await getConsent(db, 'c1');
        assert.equal(kept.purposeDescription, 'To fill in your form.');
        assert.equal(kept.legalBasis, 'gdpr-6-1-a');
        assert.deepEqual(kept.piiCategories, [
          { field: 'given_name', label: 'Given name', sensitivity: null, source: null },
        ]);
        assert.deepEqual(kept.recipients, [{ organization: 'housing', name: 'Housing' }]);
        assert.equal(kept.retentionDays, null, 'not known, not guessed');
        assert.deepEqual(kept.notice, { url: null, version: null });
        assert.equal(kept.collectionMethod, 'admin-recorded');
        assert.deepEqual(
          kept.history.map((h) => [h.event, h.at]),
          [['given', at]],
        );
        const withdrawn = await getConsent(db, 'c2');
        assert.deepEqual(
          withdrawn.history.map((h) => [h.event, h.at]),
          [
            ['given', at],
            ['revoked', '2025-02-01T00:00:00.000Z'],
          ],
        );

        const down = await migrator.migrateTo('0006_agreement_workflow');
        assert.equal(down.error, undefined);
        const again = await migrator.migrateToLatest();
        assert.equal(again.error, undefined);
        assert.equal((await getConsent(db, 'c2')).history.length, 2);
      } finally {
        await fresh.drop();
      }
    });
  });
}
