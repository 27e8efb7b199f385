/**
 * Usage of the exchange by day, accessibly: a provider's steward sees who used each service, a
 * consumer's steward its own calls, the auditor everyone's; each as a chart with the same numbers in a
 * table, and as CSV. Every view passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, demoKeyDir, demoKeyFile, SYSTEMS } from '../../src/demo/index.ts';
import { accessToken, readPrivateJwk } from '../../src/exchange/index.ts';
import {
  accessibilityViolations,
  type DemoSite,
  inNewWindow,
  launchChromium,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
} from './demo-site.ts';

const today = () => new Date().toISOString().slice(0, 10);

async function assertAccessible(page: Page, what: string) {
  const violations = await accessibilityViolations(page);
  assert.equal(violations, '', `${what} breaks WCAG 2.1 AA:\n${violations}`);
}

async function assertReflows(page: Page, what: string) {
  await page.setViewportSize({ width: 320, height: 800 });
  await settled(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth && !e.closest('.table-scroll'))
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
  );
  assert.ok(overflow <= 0, `${what} is ${overflow} px wider than the window at 320 px: ${wide.join(', ')}`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The CSV behind a download link, fetched with the page's own session. */
async function csvOf(page: Page, name: RegExp): Promise<string> {
  const href = await page.getByRole('link', { name }).first().getAttribute('href');
  assert.ok(href?.includes('format=csv'), `the link asks for CSV: ${href}`);
  return page.evaluate((url) => fetch(url).then((r) => r.text()), href!);
}

describe('web app: usage of the exchange', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    // The Housing Agency's case system looks up a resident three times, and once in the wrong person's name.
    const system = SYSTEMS.find((s) => s.organization === 'housing-agency')!;
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: site.dataDir }), system));
    const token = await accessToken(key, `${system.organization}/${system.slug}`, site.url);
    const [first, second] = DEMO_ACCOUNTS.filter((a) => a.nationalId).map((a) => a.nationalId!);
    const lookUp = (subject: string) =>
      fetch(`${site.url}/exchange/v1/population-register/person/${first}`, {
        headers: {
          authorization: `Bearer ${token}`,
          'data-purpose': 'housing-benefit-eligibility',
          'data-subject': subject,
          'on-behalf-of': 'caseworker.17@housing.example',
        },
      }).then((r) => r.status);
    for (let i = 0; i < 3; i++) assert.equal(await lookUp(first!), 200);
    assert.equal(await lookUp(second!), 403);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test("a provider's data steward sees who used each service, by day, as a chart, a table and CSV", () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population', '/agency-console/population-register/usage');
      await page.getByRole('heading', { name: 'Use of your services' }).waitFor();
      const chart = page.getByRole('img', { name: /^Bar chart of calls per day .*: 4 calls, 3 answered/ });
      await chart.first().waitFor();
      const days = page.getByRole('table', { name: /Use of Person lookup: calls per day/ });
      const day = await days
        .getByRole('row', { name: new RegExp(today()) })
        .getByRole('cell')
        .allTextContents();
      assert.deepEqual(day, ['4', '3', '0', '1', '0'], 'calls, answered, no record, refused, failed');

      const totals = page.getByRole('table', { name: /Use of Person lookup: by consumer and purpose/ });
      const cells = await totals
        .getByRole('row', { name: /Housing Agency/ })
        .getByRole('cell')
        .allTextContents();
      assert.deepEqual(cells.slice(0, 6), ['Housing benefit eligibility', '4', '3', '0', '1', '0']);
      assert.equal(cells[6], 'SUBJECT_MISMATCH 1');
      assert.match(cells[7] ?? '', /^\d+(\.\d)? ms$/);

      const csv = await csvOf(page, /Download these days as CSV \(Use of Person lookup\)/);
      assert.match(
        csv,
        new RegExp(
          `\r\n${today()},population-register,person,housing-agency,housing-benefit-eligibility,4,3,0,1,0,1,`,
        ),
      );
      await assertAccessible(page, 'the agency console with usage');
      await assertReflows(page, 'the agency console with usage');
    }));

  test("a consumer's data steward sees the organization's own calls", () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.housing', '/agency-console/housing-agency/usage');
      await page.getByRole('heading', { name: 'Your calls through the exchange' }).waitFor();
      const totals = page.getByRole('table', { name: /Calls by Housing Agency: by service and purpose/ });
      const cells = await totals
        .getByRole('row', { name: /Person lookup/ })
        .getByRole('cell')
        .allTextContents();
      assert.deepEqual(cells.slice(0, 6), ['Housing benefit eligibility', '4', '3', '0', '1', '0']);
      await assertAccessible(page, "the agency console with the organization's calls");
    }));

  test('the auditor sees usage across organizations, and narrows the days', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'auditor', '/auditor');
      await page.getByRole('link', { name: /Use of the exchange/ }).click();
      await page.getByRole('heading', { name: 'Use of the exchange', level: 1 }).waitFor();
      const totals = page.getByRole('table', { name: /Use of the exchange: by service and purpose/ });
      const row = totals.getByRole('row', { name: /Person lookup/ }).filter({ hasText: 'Housing Agency' });
      await row.waitFor();
      assert.deepEqual((await row.getByRole('cell').allTextContents()).slice(0, 3), [
        'Housing Agency',
        'Housing benefit eligibility',
        '4',
      ]);
      await assertAccessible(page, 'the usage page for the auditor');
      await assertReflows(page, 'the usage page for the auditor');

      // A range that ends before it starts is refused, in words; the days before today had no calls.
      const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
      const show = async (from: string, to: string) => {
        await page.getByLabel('First day', { exact: true }).fill(from);
        await page.getByLabel('Last day', { exact: true }).fill(to);
        await page.getByRole('button', { name: 'Show these days' }).click();
      };
      await show(day(1), day(2));
      await page.getByText(`The range starts (${day(1)}) after it ends (${day(2)}).`).waitFor();
      await assertAccessible(page, 'the usage page with a refused range');
      await show(day(60), day(1));
      await page.getByText('No calls through the exchange in these days.').waitFor();
      await page.getByText(`From ${day(60)} to ${day(1)} (UTC).`).waitFor();
    }));
});
