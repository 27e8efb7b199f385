/**
 * Issue 18 in the browser: after the demo seeds, the Population Register Office's steward finds the City of
 * Exampleton's client list among the sources with pairs waiting, opens the review queue, sees a pair's two
 * records side by side with the waterfall chart of its evidence, accepts it, and splits a linked record back
 * out. Every state passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
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
} from './demo-site.ts';

describe('web app: the register steward reviews the links of a source', {
  skip: skipWithoutChromium(),
}, () => {
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

  test('the steward finds the queue waiting, accepts a pair with its chart beside it, and splits a record out', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population', '/agency-console/population-register/sources');
      await settled(page);
      const review = page.getByRole('link', {
        name: /Review the links of Social services clients \((\d+) waiting\)/,
      });
      const waiting = Number(/\((\d+) waiting\)/.exec((await review.textContent()) ?? '')?.[1]);
      assert.ok(waiting > 0, 'the demo leaves pairs waiting for review');
      await assertAccessible(page, 'The sources page');
      await assertReflows(page, 'The sources page');

      await review.click();
      await settled(page);
      await page.getByRole('heading', { name: 'Waiting for your decision' }).waitFor();
      const pairs = page.getByRole('button', { name: /^Record SC-\d+ and EX\d+$/ });
      assert.equal(await pairs.count(), Math.min(waiting, 20));
      const first = (await pairs.first().textContent()) ?? '';
      await pairs.first().click();
      await page.getByRole('heading', { name: first }).waitFor();
      await page.getByRole('table', { name: 'The two records side by side' }).waitFor();
      await page.getByRole('img', { name: /Waterfall chart of the evidence/ }).waitFor();
      await assertAccessible(page, 'A pair under review');
      await assertReflows(page, 'A pair under review');

      await page
        .getByLabel('Reason (optional)')
        .fill('Same person: the case file has the birth certificate.');
      await page.getByRole('button', { name: /^Accept/ }).click();
      const [record, entity] = first.replace('Record ', '').split(' and ');
      await page
        .getByRole('status')
        .filter({ hasText: `Accepted: record ${record} is now linked to ${entity}.` })
        .waitFor();
      await page.getByRole('button', { name: first, exact: true }).waitFor({ state: 'detached' });

      const split = page.getByRole('button', { name: /^Split out record SC-\d+$/ }).first();
      const splitName = (await split.textContent()) ?? '';
      await split.click();
      const splitRecord = splitName.replace('Split out record ', '');
      await page
        .getByRole('status')
        .filter({ hasText: `Split: record ${splitRecord} is no longer linked` })
        .waitFor();
      await assertAccessible(page, 'The review queue after the decisions');
    }));
});
