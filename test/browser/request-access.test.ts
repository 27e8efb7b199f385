/**
 * "Request access" from a dataset's page (issue 16): the request form takes the provider and the service
 * from the link, and shows the service's fields at once. The page passes axe and reflows at 320 px.
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

describe('request access with ?service=', { skip: skipWithoutChromium() }, () => {
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

  test('the service named in the link is chosen and its fields are shown at once', () =>
    inNewWindow(browser, async (page) => {
      await signIn(
        page,
        site,
        'steward.housing',
        '/agency-console/housing-agency/agreements/new?provider=address-register&service=address',
      );
      await settled(page);
      assert.equal(
        await page.getByLabel('Which organization holds the data?').inputValue(),
        'address-register',
      );
      // The Land and Address Board offers ready-made terms for that service: the form starts from them.
      const template = page.getByRole('radio', { name: 'Addresses for benefit decisions' });
      await template.waitFor();
      assert.equal(await template.isChecked(), true);
      const fields = page.getByRole('table', { name: 'Fields you will receive' });
      await fields.getByText('street', { exact: true }).waitFor();
      await assertAccessible(page, 'the request form from a dataset page');
      await assertReflows(page, 'the request form from a dataset page');
    }));
});
