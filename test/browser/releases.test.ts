/**
 * Issue 20 in the browser: the Population Register's data steward prepares a release of open data through
 * the form, sees what it protects and what it loses (a chart with the same numbers as a table), and sends
 * it; the data protection officer approves it with a reason and it is published with a CSV anyone can
 * download. A table of counts is refused until the officer sets the register's privacy budget on the
 * release's page. Every page state passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  accessibilityViolations,
  type DemoSite,
  inNewWindow,
  launchChromium,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
  textOf,
} from './demo-site.ts';

const ORG = 'population-register';

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  assert.equal(violations, '', `${what} (${page.url()}) breaks WCAG 2.1 AA:\n${violations}`);
}

async function assertReflows(page: Page, what: string): Promise<void> {
  await page.setViewportSize({ width: 320, height: 800 });
  // The chart redraws to its new width when the browser reports the resize, a frame or two later.
  await page
    .waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, {
      timeout: 2000,
    })
    .catch(() => undefined);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
  );
  assert.ok(overflow <= 0, `${what} is ${overflow} px wider than the window at 320 px: ${wide.join(', ')}`);
  await page.setViewportSize({ width: 1200, height: 900 });
}

/** Fills one "field that could identify someone". */
async function quasiIdentifier(page: Page, n: number, field: string, kind: string): Promise<void> {
  const group = page.getByRole('group', { name: `Field ${n} that could identify someone` });
  await group.getByLabel('Field', { exact: true }).selectOption(field);
  await group.getByLabel('How it is generalised').selectOption(kind);
}

async function openReleaseForm(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Prepare a release' }).click();
  await page.getByRole('heading', { level: 1, name: 'Prepare a release' }).waitFor();
  await settled(page);
  await page.getByLabel('Register').selectOption('population');
}

async function prepare(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Prepare the release' }).click();
  await page.waitForURL(/\/releases\/population-register\/[0-9a-f-]{36}$/);
  await settled(page);
  await page.getByRole('heading', { name: 'How it protects people' }).waitFor();
  return new URL(page.url()).pathname;
}

async function decide(page: Page, site: DemoSite, path: string, reason: string): Promise<void> {
  await page.goto(`${site.url}${path}`);
  await settled(page);
  await page.getByRole('button', { name: 'Approve and publish' }).click();
  await page.getByRole('heading', { name: 'Approve and publish this release?' }).waitFor();
  await page.getByLabel('Your reason').fill(reason);
  await page.getByRole('button', { name: 'Yes, approve and publish it' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'You approved the release. It is published as open data now.' })
    .waitFor();
}

describe('web app: releases of open data', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;
  let microdata = '';
  let statistics = '';

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the steward prepares generalised records of the population register, sees loss against k, and sends them', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Releases' }).click();
      await page.getByRole('heading', { level: 1, name: /Releases of open data/ }).waitFor();
      await settled(page);
      await page.getByText('has not prepared any release yet').waitFor();
      await assertAccessible(page, 'the list of releases');
      await assertReflows(page, 'the list of releases');

      await openReleaseForm(page);
      await assertAccessible(page, 'the empty release form');
      await page.getByRole('button', { name: 'Prepare the release' }).click();
      await page.getByText('Enter a title').waitFor();
      assert.equal(await page.getByLabel('Title').getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, 'the release form with its errors');

      await page.getByLabel('Title').fill('Residents by age, sex and citizenship');
      assert.equal(
        await page.getByLabel('Address name').inputValue(),
        'residents-by-age-sex-and-citizenship',
      );
      await quasiIdentifier(page, 1, 'date_of_birth', 'age');
      const first = page.getByRole('group', { name: 'Field 1 that could identify someone' });
      await first.getByLabel('Ages on').fill('2025-12-31');
      await first.getByLabel('Age band widths, in years').fill('5, 10, 20, 40');
      await page.getByRole('button', { name: 'Add another field' }).click();
      await quasiIdentifier(page, 2, 'sex', 'suppress');
      await page.getByRole('button', { name: 'Add another field' }).click();
      await quasiIdentifier(page, 3, 'citizenship', 'suppress');
      await page.getByLabel('k: people who must share every combination').fill('5');
      await page.getByLabel('People who may be left out, in per cent').fill('5');
      await assertAccessible(page, 'the filled-in release form');
      await assertReflows(page, 'the release form');

      microdata = await prepare(page);
      assert.match(
        await textOf(page.locator('main')),
        /Every combination of date of birth, sex and citizenship is shared by at least 5 people; \d+ of 200 people are left out\./,
      );
      await page.getByRole('img', { name: /Line chart of the information lost at each k/ }).waitFor();
      assert.ok(await page.locator('.recharts-line').count(), 'the chart draws its line');
      const table = page.getByRole('table', { name: /Information lost, people left out/ });
      const chosen = table.getByRole('row', { name: /^5 your choice/ });
      assert.match(await textOf(chosen), /%/);
      assert.match(await textOf(page.locator('main')), /Highest chance of being recognised/);
      assert.match(
        await textOf(page.getByRole('table', { name: /Each field that could identify someone/ })),
        /Age on 2025-12-31 in bands of 5, 10, 20 and 40 years, then removed/,
      );
      assert.equal(
        await page
          .getByRole('table', { name: /The first \d+ rows/ })
          .getByText(/^\d{4}-\d{2}-\d{2}$/)
          .count(),
        0,
        'no date of birth is shown as recorded',
      );
      await assertAccessible(page, 'a draft release');
      await assertReflows(page, 'a draft release');

      await page.getByLabel('A note for the data protection officer (optional)').fill('Ages in bands only.');
      await page.getByRole('button', { name: 'Send to the data protection officer' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'The release was sent to the data protection officer.' })
        .waitFor();
      await page.getByText('Waiting for the data protection officer').first().waitFor();
      await assertAccessible(page, 'a release waiting for sign-off');
    }));

  test('the data protection officer approves it with a reason, and it is published with its CSV', () =>
    inNewWindow(browser, async (page) => {
      assert.ok(microdata, 'the steward prepared a release');
      await signIn(page, site, 'dpo.population', microdata);
      await page.getByRole('button', { name: 'Approve and publish' }).click();
      await page.getByRole('heading', { name: 'Approve and publish this release?' }).waitFor();
      await page.getByRole('button', { name: 'Yes, approve and publish it' }).click();
      await page.getByText('Say why you approve this release').waitFor();
      assert.equal(await page.getByLabel('Your reason').getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, 'the approval without a reason');
      await assertReflows(page, 'the approval question');

      await page.getByLabel('Your reason').fill('Five or more residents share every combination.');
      await page.getByRole('button', { name: 'Yes, approve and publish it' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'You approved the release. It is published as open data now.' })
        .waitFor();
      await page.getByRole('heading', { name: 'Published' }).waitFor();
      assert.match(await textOf(page.locator('main')), /Five or more residents share every combination\./);
      await assertAccessible(page, 'a published release');
      await assertReflows(page, 'a published release');

      const csv = await page.getByRole('link', { name: 'Download the data (CSV)' }).getAttribute('href');
      const download = await page.request.get(`${site.url}${csv}`);
      assert.equal(download.status(), 200, await download.text());
      assert.equal((await download.text()).split('\r\n')[0], 'date_of_birth,sex,citizenship');
      const report = await page.getByRole('link', { name: /method and risk report/ }).getAttribute('href');
      assert.equal((await page.request.get(`${site.url}${report}`)).status(), 200);

      await page
        .getByRole('link', { name: /the open dataset Residents by age, sex and citizenship/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Residents by age, sex and citizenship' }).waitFor();
    }));

  test('a table of counts that would spend more than the privacy budget has left is refused, in plain words', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population', `/releases?organization=${ORG}`);
      await openReleaseForm(page);
      await page.getByLabel('Title').fill('Population by sex and age band');
      await page.getByLabel('Publish counts with random noise').check();
      const sex = page.getByRole('group', { name: 'Dimension 1' });
      await sex.getByLabel('Field', { exact: true }).selectOption('sex');
      await sex.getByLabel('Categories, one on each line').fill('female\nmale');
      await page.getByRole('button', { name: 'Add another dimension' }).click();
      const age = page.getByRole('group', { name: 'Dimension 2' });
      await age.getByLabel('Field', { exact: true }).selectOption('date_of_birth');
      await age.getByLabel('Categories', { exact: true }).selectOption('age-bands');
      await age.getByLabel('Ages on').fill('2025-12-31');
      await age.getByLabel('Width of each band, in years').fill('20');
      await age.getByLabel('Last band: this age and over').fill('80');
      // The demo's register has a budget of ε = 10: a table at ε = 12 does not fit.
      await page.getByLabel('ε (epsilon)').fill('12');
      await assertAccessible(page, 'the release form for a table of counts');

      statistics = await prepare(page);
      assert.match(await textOf(page.locator('main')), /A table of 10 counts/);
      assert.match(await textOf(page.locator('main')), /Budgetε = 10Spentε = 0Leftε = 10/);
      await page.getByRole('button', { name: 'Send to the data protection officer' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'The release was not sent' });
      await refusal.waitFor();
      assert.match(
        await textOf(refusal),
        /would spend ε = 12, but only 10 of population's budget of 10 is left/,
      );
      await assertAccessible(page, 'a table of counts refused for want of budget');
      await assertReflows(page, 'a draft table of counts');
    }));

  test('the officer sets the budget on the release page; the steward sends it; the officer approves it', async () => {
    assert.ok(statistics, 'the steward prepared a table of counts');
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'dpo.population', statistics);
      await page.getByRole('heading', { name: 'Set the privacy budget' }).waitFor();
      await page.getByLabel('Total ε for this register').fill('20');
      await page.getByRole('button', { name: 'Set the budget' }).click();
      await page.getByText('Say why the budget is this size').waitFor();
      await assertAccessible(page, 'the budget form with its error');
      await page.getByLabel('Why this budget').fill('The census tables of this year need more room.');
      await page.getByRole('button', { name: 'Set the budget' }).click();
      await page.getByRole('status').filter({ hasText: 'The privacy budget is now ε = 20.' }).waitFor();
      await assertAccessible(page, 'a table of counts with its budget set');
    });
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population', statistics);
      await page.getByRole('button', { name: 'Send to the data protection officer' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'The release was sent to the data protection officer.' })
        .waitFor();
    });
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'dpo.population');
      await decide(page, site, statistics, 'ε = 12 for the census table.');
      await page.getByRole('heading', { name: 'Published' }).waitFor();
      assert.match(await textOf(page.locator('main')), /Spent\s*ε = 12/);
      await assertAccessible(page, 'a published table of counts');
      await assertReflows(page, 'a published table of counts');
    });
  });
});
