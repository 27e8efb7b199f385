/**
 * Issue 16: the auditor's workbench in the browser (search the ledger and download what was found, check
 * the whole ledger against its signed checkpoint, an organization's agreements, systems with their keys,
 * consent services and changes), refused to everyone else; and the public register of agreements (search,
 * filters, CSV, one agreement in plain words). Every page passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, demoKeyDir, demoKeyFile, ORGANIZATIONS, SYSTEMS } from '../../src/demo/index.ts';
import { accessToken, readPrivateJwk } from '../../src/exchange/index.ts';
import { publicJwks } from '../support/fixtures.ts';
import {
  assertAccessible,
  assertReflows,
  type DemoSite,
  inNewWindow,
  launchChromium,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
  textOf,
} from './demo-site.ts';

const housing = ORGANIZATIONS.find((o) => o.slug === 'housing-agency')!;
const population = ORGANIZATIONS.find((o) => o.slug === 'population-register')!;
const housingSystem = SYSTEMS.find((s) => s.organization === 'housing-agency')!;

/** What a download link gives, fetched with the page's own session. */
async function download(page: Page, name: RegExp): Promise<{ href: string; text: string }> {
  const href = await page.getByRole('link', { name }).first().getAttribute('href');
  assert.ok(href, `a link named ${name}`);
  return { href, text: await page.evaluate((url) => fetch(url).then((r) => r.text()), href) };
}

describe("the auditor's workbench and the public register", { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    // The platform administrator registers a system for the Housing Agency: a governance event.
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin');
      const response = await page.request.post(`${site.url}/api/v1/organizations/housing-agency/systems`, {
        data: { slug: 'side-door', name: 'Side door', jwks: await publicJwks('side') },
      });
      assert.equal(response.status(), 201, await response.text());
    });
    // The Housing Agency's system looks a resident up twice: two access events on the ledger.
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: site.dataDir }), housingSystem));
    const token = await accessToken(key, `${housingSystem.organization}/${housingSystem.slug}`, site.url);
    const subject = DEMO_ACCOUNTS.find((a) => a.nationalId)!.nationalId!;
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${site.url}/exchange/v1/population-register/person/${subject}`, {
        headers: {
          authorization: `Bearer ${token}`,
          'data-purpose': 'housing-benefit-eligibility',
          'data-subject': subject,
          'on-behalf-of': 'caseworker.17@housing.example',
        },
      });
      assert.equal(response.status, 200, await response.text());
    }
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the auditor searches the ledger by organization, system and kind, and downloads what was found', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'auditor', '/auditor');
      await page.getByRole('link', { name: /Search the ledger/ }).click();
      await settled(page);
      await page.getByRole('heading', { name: 'Search the ledger' }).waitFor();
      await assertAccessible(page, 'the ledger search');

      await page.getByLabel('Entries').selectOption('access');
      await page.getByLabel('Organization').fill('housing-agency');
      await page.getByLabel('System').fill(housingSystem.slug);
      await page.getByLabel('Purpose').fill('housing-benefit-eligibility');
      await page.getByRole('button', { name: 'Search' }).click();
      await settled(page);
      const rows = page
        .getByRole('table', { name: /Ledger entries/ })
        .getByRole('row', { name: /Entry \d+/ });
      await rows.first().waitFor();
      assert.equal(await rows.count(), 2);
      assert.match(await textOf(rows.first()), /Exchange call to population-register\/person: answered/);
      assert.match(await textOf(rows.first()), new RegExp(`System ${housingSystem.slug}`));
      assert.match(page.url(), /type=access/);
      await assertAccessible(page, 'the ledger search, filtered');
      await assertReflows(page, 'the ledger search, filtered');

      const csv = await download(page, /^CSV$/);
      assert.match(csv.href, /format=csv/);
      const lines = csv.text.trim().split('\r\n');
      assert.equal(lines[0], 'index,at,type,kind,outcome,organizations,system,purpose,actor,event');
      assert.equal(lines.length, 3);
      const jsonl = await download(page, /^JSON Lines$/);
      const events = jsonl.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.deepEqual(
        events.map((e) => [e.type, e.system, e.outcome]),
        [
          ['access', housingSystem.slug, 'allowed'],
          ['access', housingSystem.slug, 'allowed'],
        ],
      );

      // A day before anything was recorded finds nothing.
      await page.getByLabel('To (UTC), included').fill('2000-01-01');
      await page.getByRole('button', { name: 'Search' }).click();
      await settled(page);
      await page.getByText('No entry matches this search.').waitFor();
    }));

  test('the auditor checks the whole ledger in the browser and is told it holds', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'auditor', '/auditor');
      await page.getByRole('link', { name: /Check the whole ledger/ }).click();
      await settled(page);
      await assertAccessible(page, 'the ledger check, before it runs');
      await page.getByRole('button', { name: 'Check the whole ledger' }).click();
      const verdict = page.getByText(/^The ledger holds: all [\d,]+ entries match the signed checkpoint\.$/);
      await verdict.waitFor({ timeout: 60_000 });
      const steps = await textOf(page.locator('ol.list'));
      for (const step of [
        "The checkpoint is signed by the ledger's key",
        "Every entry leads to the checkpoint's root",
        'Every event is the one recorded',
        "The ledger's index agrees with the events",
        'The public ledger still holds it',
      ]) {
        assert.ok(steps.includes(`✓ Holds: ${step}.`), `${step} holds: ${steps}`);
      }
      await page.getByRole('button', { name: 'Check again' }).waitFor();
      await assertAccessible(page, 'the ledger check, done');
      await assertReflows(page, 'the ledger check, done');
    }));

  test("an organization's page lists its agreements, systems with their keys, consent services and changes", () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'auditor', '/auditor');
      await page.getByRole('link', { name: housing.name, exact: true }).click();
      await settled(page);
      const agreements = page.getByRole('table', { name: `Agreements ${housing.name} is party to` });
      await agreements.waitFor();
      assert.match(await textOf(agreements), new RegExp(`Receives from ${population.name}`));
      const seeded = page.getByRole('table', { name: new RegExp(`Keys of ${housingSystem.name}`) });
      await seeded.waitFor();
      assert.match(await textOf(seeded), /In useES256/);
      // Registered through the API, its key's coming is on the ledger, with who registered it.
      const registered = page.getByRole('table', { name: /Keys of Side door/ });
      assert.match(await textOf(registered), /sideIn useES256\d+ \w+ \d{4} by .+ \(entry \d+\)—/);
      await page.getByRole('heading', { name: 'Consent services' }).waitFor();
      const changes = page.getByRole('table', { name: `Changes concerning ${housing.name}, newest first` });
      await changes.waitFor();
      assert.match(await textOf(changes), /System registered/);
      await settled(page);
      await assertAccessible(page, "an organization's page for the auditor");
      await assertReflows(page, "an organization's page for the auditor");
    }));

  test('everyone else is refused, in plain words: a platform administrator, a steward, a citizen', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin', '/auditor/ledger/events');
      await page.getByText(/Only auditors may search ledger events/).waitFor();
      await assertAccessible(page, 'the ledger search, refused');
      await page.goto(`${site.url}/auditor/ledger/check`);
      await settled(page);
      await page.getByRole('button', { name: 'Check the whole ledger' }).click();
      await page.getByText(/Only auditors may check the whole ledger/).waitFor();
      await assertAccessible(page, 'the ledger check, refused');
      const refused = await page.evaluate(() =>
        fetch('/api/v1/ledger-events/export?format=csv').then((r) => r.status),
      );
      assert.equal(refused, 403);
    }));

  test('the public register searches, filters, downloads and shows one agreement in plain words', () =>
    inNewWindow(browser, async (page) => {
      await page.goto(`${site.url}/agreements/register`);
      await settled(page);
      await page.getByRole('searchbox', { name: 'Search' }).fill('housing');
      await page.getByLabel('Who gives the data').selectOption(population.slug);
      await page.getByLabel('Who receives the data').selectOption(housing.slug);
      await page.getByLabel('Legal basis').selectOption('gdpr-6-1-e');
      await page.getByRole('button', { name: 'Search' }).click();
      await settled(page);
      const items = page.locator('.results__item');
      await items.first().waitFor();
      for (const text of await items.allInnerTexts()) {
        assert.match(text, new RegExp(`${population.name} to ${housing.name}`));
      }
      await assertAccessible(page, 'the register, searched');
      await assertReflows(page, 'the register, searched');

      const csv = await download(page, /Download these agreements as CSV/);
      assert.match(csv.href, /^\/agreements\/register\.csv\?/);
      const rows = csv.text.trim().split('\r\n');
      assert.match(rows[0]!, /^id,version,status,provider,consumer,/);
      assert.equal(rows.length - 1, await items.count());

      await items.first().getByRole('heading').getByRole('link').click();
      await settled(page);
      assert.match(new URL(page.url()).pathname, /^\/agreements\/register\/[^/]+$/);
      const lead = await textOf(page.locator('.lead'));
      assert.match(lead, new RegExp(`${population.name} gives ${housing.name} \\d+ details about people`));
      const facts = await textOf(page.locator('.summary-list'));
      assert.match(facts, /Public task or official authority \(GDPR Art\. 6\(1\)\(e\)\)/);
      assert.match(facts, /Data may be kept for/);
      const signOffs = await textOf(page.getByRole('list').filter({ hasText: /signed off on/ }));
      assert.match(signOffs, /signed off on \d+ \w+ \d{4}/);
      const policy = page.getByRole('link', { name: 'The agreement as an ODRL policy' });
      assert.match((await policy.getAttribute('href')) ?? '', /^\/agreements\/[^/]+\/odrl$/);
      await assertAccessible(page, 'an agreement in the register');
      await assertReflows(page, 'an agreement in the register');

      await page.goto(`${site.url}/agreements/register/no-such-agreement`);
      await settled(page);
      await page.getByRole('alert').waitFor();
      await assertAccessible(page, 'an agreement not in the register');
    }));
});
