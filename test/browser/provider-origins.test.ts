/**
 * The platform administrator's page of provider addresses: the demo's own address is listed, one is added
 * (a refusal from the API shows beside the field), listed with who added it, and removed after a plain
 * confirmation; the auditor reads the list without the form. Every state passes axe and reflows at 320 px.
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

describe('provider addresses', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;
  let demoOrigin: string;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    // The demo's provider APIs, as the seed put them on the list.
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin');
      const response = await page.request.get(`${site.url}/api/v1/provider-origins`);
      assert.equal(response.status(), 200, await response.text());
      const { items } = (await response.json()) as { items: Array<{ origin: string }> };
      const seeded = items.find((item) => /^http:\/\/127\.0\.0\.1:\d+$/.test(item.origin));
      assert.ok(seeded, `the demo's provider origin is listed: ${JSON.stringify(items)}`);
      demoOrigin = seeded.origin;
    });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the platform administrator adds an address and removes it after a plain confirmation; axe passes throughout', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin');
      const name = (await textOf(page.locator('.header__person strong'))).trim();
      await page.getByRole('link', { name: 'Provider addresses' }).click();
      await settled(page);
      await page.getByRole('heading', { name: 'Provider addresses', level: 1 }).waitFor();
      const demo = page.getByRole('row', { name: new RegExp(demoOrigin.replaceAll('.', '\\.')) });
      await demo.waitFor();
      assert.match(await demo.innerText(), /Inside our own network/);
      assert.match(await demo.innerText(), /The demo's provider APIs/);
      assert.match(await demo.innerText(), /Set up with the platform/);
      await assertAccessible(page, 'the provider addresses page');

      // Nothing entered: the form says what to enter, beside the field.
      await page.getByRole('button', { name: 'Add the address' }).click();
      await page.getByText('Enter the address, for example').waitFor();
      await assertAccessible(page, 'the form with an error of its own');

      // The API refuses an address already on the list; its message stands beside the field.
      await page.getByLabel('Address', { exact: true }).fill(demoOrigin);
      await page.getByRole('button', { name: 'Add the address' }).click();
      await page.getByText(`${demoOrigin} is on the list already.`).waitFor();
      assert.equal(
        await page.getByLabel('Address', { exact: true }).getAttribute('aria-invalid'),
        'true',
        "the API's refusal is tied to the address field",
      );
      await assertAccessible(page, "the form with the API's refusal");

      await page.getByLabel('Address', { exact: true }).fill('https://api.tax.example.gov');
      await page.getByLabel('Note (optional)').fill('The tax agency’s income API');
      await page.getByRole('button', { name: 'Add the address' }).click();
      await page.getByText('https://api.tax.example.gov is on the list.').waitFor();
      const added = page.getByRole('row', { name: /api\.tax\.example\.gov/ });
      await added.waitFor();
      assert.match(await added.innerText(), /On the internet/);
      assert.match(await added.innerText(), /The tax agency’s income API/);
      await page.getByRole('row', { name: new RegExp(`by ${name}`) }).waitFor();
      await assertAccessible(page, 'the list with an address added');

      await page.getByRole('button', { name: 'Remove https://api.tax.example.gov' }).click();
      await page
        .getByRole('heading', { name: 'Remove https://api.tax.example.gov from the list?' })
        .waitFor();
      await page.getByText('Services at this address stop working on their next call').waitFor();
      await assertAccessible(page, 'the confirmation to remove an address');
      await page.getByRole('button', { name: 'Yes, remove it' }).click();
      await page.getByText('https://api.tax.example.gov is no longer on the list.').waitFor();
      await added.waitFor({ state: 'detached' });
      await demo.waitFor();
      await assertAccessible(page, 'the list after a removal');

      const response = await page.request.get(`${site.url}/api/v1/provider-origins`);
      const { items } = (await response.json()) as { items: Array<{ origin: string }> };
      assert.deepEqual(
        items.map((item) => item.origin),
        [demoOrigin],
      );
    }));

  test("the administrator's page, its form and its confirmation reflow at 320 px", () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin', '/provider-addresses');
      await page.setViewportSize({ width: 320, height: 800 });
      await settled(page);
      await page.getByRole('row', { name: new RegExp(demoOrigin.replaceAll('.', '\\.')) }).waitFor();
      await page.getByRole('heading', { name: 'Add an address' }).waitFor();
      await assertReflows(page, 'the provider addresses page');
      await page.getByRole('button', { name: `Remove ${demoOrigin}` }).click();
      await page.getByRole('heading', { name: `Remove ${demoOrigin} from the list?` }).waitFor();
      await assertReflows(page, 'the confirmation to remove an address');
      await page.getByRole('button', { name: 'Cancel' }).click();
    }));

  test('the auditor reads the list from the Auditor page, without the form or Remove; axe passes, 320 px reflows', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'auditor', '/auditor');
      await page.getByRole('link', { name: /Provider addresses/ }).click();
      await settled(page);
      await page.getByRole('heading', { name: 'Provider addresses', level: 1 }).waitFor();
      await page.getByRole('row', { name: new RegExp(demoOrigin.replaceAll('.', '\\.')) }).waitFor();
      await page.getByText('Only platform administrators add and remove addresses').waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Add an address' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Remove/ }).count(), 0);
      await assertAccessible(page, "the auditor's view of the provider addresses");
      await page.setViewportSize({ width: 320, height: 800 });
      await assertReflows(page, "the auditor's view of the provider addresses");
    }));
});
