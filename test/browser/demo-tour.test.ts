/**
 * The demo tour, where it used to break or mislead (issue 16): a signed-out citizen's first link leads to
 * sign-in and back; a steward sees the same checks of a register's records on its page and on its quality
 * page; the update frequencies are offered once each; organizations with the same score share a rank.
 * Every page passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/index.ts';
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

describe('the demo tour', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  const inWindow = (body: (page: Page) => Promise<void>) => inNewWindow(browser, body);

  test('signed out, the first link for citizens leads to sign-in and then to their data', () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/`);
      await settled(page);
      await assertAccessible(page, 'the home page');
      await assertReflows(page, 'the home page');
      await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
      await page
        .getByRole('link', { name: 'See the data the government holds about you, and who looked at it' })
        .click();
      await page.waitForURL(/\/idp\//);
      await page.getByLabel('Username').fill('citizen');
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/my-data');
      await settled(page);
      await page.getByRole('heading', { name: 'What the registers hold about you' }).waitFor();
    }));

  test('signed out, My data asks to sign in in plain words, without tokens or headers', () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/my-data`);
      await settled(page);
      const alert = page.getByRole('alert');
      assert.match(await textOf(alert), /sign in/i);
      assert.doesNotMatch(await textOf(page.locator('main')), /Authorization|Bearer|token/);
      await assertAccessible(page, 'my data, signed out');
    }));

  test("a steward sees the same checks of a register's records on its page as on its quality page", () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.population');
      const path = '/organizations/population-register/datasets/population';
      await page.goto(`${site.url}${path}/quality`);
      await settled(page);
      await page.getByRole('button', { name: 'Run checks now' }).click();
      await page.getByRole('status').filter({ hasText: 'The records are checked' }).waitFor();
      await settled(page);
      await page.goto(`${site.url}${path}`);
      await settled(page);
      const main = page.locator('main');
      await page.getByRole('heading', { name: 'Checks of its records' }).waitFor();
      assert.doesNotMatch(await textOf(main), /not been checked yet/);
      assert.match(await textOf(main), /Checked on/);
      await assertAccessible(page, 'the dataset page of a steward');
      await assertReflows(page, 'the dataset page of a steward');
    }));

  test('signed out, a register whose checks only its stewards see says so instead of "not checked"', () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/organizations/population-register/datasets/population`);
      await settled(page);
      await page.getByRole('heading', { name: 'Checks of its records' }).waitFor();
      const main = await textOf(page.locator('main'));
      assert.doesNotMatch(main, /not been checked yet/);
      assert.match(main, /only to the data stewards of/);
    }));

  test('the edit form offers each update frequency once', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.population');
      await page.goto(`${site.url}/organizations/population-register/datasets/population/edit`);
      await settled(page);
      const options = await page.getByLabel('How often it is updated').locator('option').allTextContents();
      const continuous = options.filter((o) => /^Continuous/.test(o));
      assert.equal(continuous.length, 1, `one continuous frequency: ${continuous.join(', ')}`);
    }));

  test('organizations with the same score share a rank', () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/open-data/quality`);
      await settled(page);
      const rows = await page.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          rank: tr.children[0]?.textContent ?? '',
          score: tr.children[3]?.textContent ?? '',
        })),
      );
      assert.ok(rows.length > 1);
      for (let i = 1; i < rows.length; i++) {
        if (rows[i]!.score === rows[i - 1]!.score)
          assert.equal(rows[i]!.rank, rows[i - 1]!.rank, `equal scores ${rows[i]!.score} share a rank`);
        else assert.equal(rows[i]!.rank, String(i + 1), 'after a tie the rank counts those above');
      }
      assert.ok(
        rows.some((r, i) => i > 0 && r.score === rows[i - 1]!.score),
        'the demo has organizations with the same score',
      );
      await assertAccessible(page, 'the ranking');
      await assertReflows(page, 'the ranking');
    }));
});
