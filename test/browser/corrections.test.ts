/**
 * Correction requests in a real browser: the demo citizen asks the Population Register Office, from My data,
 * to correct their entry; its data steward finds the request in the agency console and declines it with a
 * reason; the citizen reads the answer on My data. Every page passes axe and reflows at 320 px.
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
  textOf,
} from './demo-site.ts';

describe('web app: asking a register to correct one’s data', { skip: skipWithoutChromium() }, () => {
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

  test('a citizen asks, the steward declines with a reason, and the citizen reads it', async () => {
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'citizen', '/my-data');
      await page.getByRole('link', { name: 'Ask for a correction of the population register' }).click();
      await settled(page);
      assert.equal(await page.title(), 'Ask for a correction – govdx');
      await page.getByRole('button', { name: 'Send the request' }).click();
      await page.getByText('Say what is wrong').waitFor();
      await assertAccessible(page, 'The correction form, with its errors');
      await assertReflows(page, 'The correction form, with its errors');
      await page.getByLabel('Which detail is wrong?').selectOption({ index: 2 });
      await page.getByLabel('What is wrong?').fill('My family name is misspelt.');
      await page.getByLabel('What should it be?').fill('Tamm-Kask');
      await page.getByRole('button', { name: 'Send the request' }).click();
      await page.getByRole('heading', { name: 'Your request was sent' }).waitFor();
      await assertAccessible(page, 'The correction form, sent');

      await page.getByRole('link', { name: 'My data' }).last().click();
      await settled(page);
      const mine = page.getByRole('region', { name: 'Your requests to correct your data' });
      await mine.getByText('Waiting for an answer').waitFor();
      assert.match(await textOf(mine), /My family name is misspelt\./);
      await assertReflows(page, 'My data with a correction request');
    });

    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population', '/agency-console');
      await page.getByRole('link', { name: /Requests from people to correct/ }).click();
      await settled(page);
      assert.equal(await page.title(), 'Requests to correct your registers – govdx');
      await page.getByText('My family name is misspelt.').waitFor();
      await assertAccessible(page, 'The correction queue');
      await assertReflows(page, 'The correction queue');
      await page.getByLabel('Not corrected').check();
      await page.getByRole('button', { name: 'Send the answer' }).click();
      await page.getByText('Say why you do not correct it').waitFor();
      await assertAccessible(page, 'The correction queue, with an error');
      await page.getByLabel('What you did, or why not').fill('The birth certificate gives this spelling.');
      await page.getByRole('button', { name: 'Send the answer' }).click();
      await page.getByText(/is declined\. The person is told\./).waitFor();
      await page.getByText('No request is waiting for an answer.').waitFor();
      await assertAccessible(page, 'The correction queue, answered');
    });

    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'citizen', '/my-data');
      const mine = page.getByRole('region', { name: 'Your requests to correct your data' });
      await mine.getByText('Not corrected', { exact: true }).waitFor();
      assert.match(await textOf(mine), /The birth certificate gives this spelling\./);
      await assertAccessible(page, 'My data with an answered correction request');
    });
  });
});
