/**
 * The platform administrator declares an emergency and ends it from the Emergencies page. Ending asks why
 * (the API records the reason on the ledger): without a reason the page says what is missing; with one the
 * emergency ends. Every state passes axe and reflows at 320 px.
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

describe('emergencies in the web app', { skip: skipWithoutChromium() }, () => {
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

  test('ending an emergency asks why, refuses no reason, and ends it with one', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin');
      await page.goto(`${site.url}/emergencies`);
      await settled(page);
      const name = `Storm ${Date.now()}`;
      await page.getByLabel('Name').fill(name);
      await page
        .getByLabel('Reason', { exact: true })
        .fill('Roads are closed and people must be reached today');
      const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('End date').fill(inAMonth);
      await page.getByRole('button', { name: 'Declare the emergency' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `“${name}” is declared` })
        .waitFor();

      await page.getByRole('button', { name: `End now the emergency ${name}` }).click();
      await page.getByRole('heading', { name: `End the emergency “${name}” now?` }).waitFor();
      await assertAccessible(page, 'the question before ending');
      await assertReflows(page, 'the question before ending');

      await page.getByRole('button', { name: 'Yes, end it now' }).click();
      const why = page.getByLabel('Why does it end?');
      assert.match(await textOf(page.locator('.panel--warning')), /Say why the emergency ends/);
      assert.equal(await why.getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, 'the question with its error');

      await why.fill('The storm has passed and the roads are open');
      await page.getByRole('button', { name: 'Yes, end it now' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `“${name}” has ended` })
        .waitFor();
      assert.equal(await page.getByText('The emergency was not ended').count(), 0);
      await assertAccessible(page, 'the page after ending');

      const response = await page.request.get(`${site.url}/api/v1/emergencies`);
      const emergencies = (await response.json()) as Array<{ name: string; inForce: boolean }>;
      assert.equal(
        emergencies.find((e) => e.name === name)?.inForce,
        false,
        'the emergency is no longer in force',
      );
    }));
});
