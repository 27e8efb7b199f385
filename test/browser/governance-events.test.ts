/**
 * The auditor's page of governance events: a change made by a platform administrator is listed under
 * their name, the filters narrow the list, and the page passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { publicJwks } from '../support/fixtures.ts';
import {
  assertAccessible,
  type DemoSite,
  inNewWindow,
  launchChromium,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
} from './demo-site.ts';

describe("the auditor's governance events", { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    // The platform administrator registers a system in an organization they are no member of.
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin');
      const response = await page.request.post(`${site.url}/api/v1/organizations/housing-agency/systems`, {
        data: { slug: 'side-door', name: 'Side door', jwks: await publicJwks('side') },
      });
      assert.equal(response.status(), 201, await response.text());
    });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the auditor finds the change by kind and organization, with who made it; axe passes', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'auditor', '/auditor');
      await page.getByRole('link', { name: /Governance events/ }).click();
      await settled(page);
      await page.getByRole('heading', { name: 'Governance events' }).waitFor();
      const row = page.getByRole('row', { name: /System registered/ });
      await row.first().waitFor();
      assert.match(await row.first().innerText(), /housing-agency/);
      assert.match(await row.first().innerText(), /side-door/);
      await assertAccessible(page, 'the governance events page');

      await page.getByLabel('Kind of change').selectOption('purpose.changed');
      await page.getByLabel('Organization').fill('housing-agency');
      await page.getByRole('button', { name: 'Apply filter' }).click();
      await settled(page);
      await page.getByText('No governance event matches these filters').waitFor();
      assert.match(page.url(), /kind=purpose.changed/);
      await assertAccessible(page, 'the governance events page, filtered');

      await page.getByLabel('Kind of change').selectOption('system.registered');
      await page.getByRole('button', { name: 'Apply filter' }).click();
      await settled(page);
      await page
        .getByRole('row', { name: /System registered/ })
        .first()
        .waitFor();
    }));

  test('the page reflows at 320 px without scrolling sideways', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'auditor', '/auditor/ledger/governance-events');
      await page.setViewportSize({ width: 320, height: 800 });
      await settled(page);
      await page
        .getByRole('row', { name: /System registered/ })
        .first()
        .waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
    }));

  test('a platform administrator is told plainly that only auditors read these events', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin', '/auditor/ledger/governance-events');
      await settled(page);
      await page.getByText(/Only auditors may list governance events/).waitFor();
      await assertAccessible(page, 'the governance events page, refused');
    }));
});
