/**
 * The inbox in the web app: the header's bell shows the unread count, the inbox lists notifications in plain
 * words with links to the thing concerned, and marking one or all read updates the count. Every state passes
 * axe and reflows at 320 px.
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

describe('notifications in the web app', { skip: skipWithoutChromium() }, () => {
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

  test('an emergency reaches a steward’s inbox; the bell counts it; reading one and all empties the count', async () => {
    const name = `Storm ${Date.now()}`;
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin');
      // Declared, then ended: two notifications for every steward.
      const statuses = await page.evaluate(
        // No named functions in here: the test's compiler would wrap them in a helper the page lacks.
        async ([name, endsAt]) => {
          const headers = { 'content-type': 'application/json' };
          const declared = await fetch('/api/v1/emergencies', {
            method: 'POST',
            headers,
            body: JSON.stringify({ name, reason: 'Roads are closed.', endsAt }),
          });
          const { id } = await declared.json();
          const ended = await fetch(`/api/v1/emergencies/${id}/end`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ reason: 'The roads are open.' }),
          });
          return [declared.status, ended.status];
        },
        [name, new Date(Date.now() + 5 * 86_400_000).toISOString()] as const,
      );
      assert.deepEqual(statuses, [201, 200]);
    });
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.housing');
      const bell = page.getByRole('link', { name: /^Notifications/ });
      // The node makes notifications every 10 seconds: look until the emergency's is there.
      const title = `Emergency declared: ${name}`;
      const endedTitle = `Emergency ended: ${name}`;
      for (let tries = 0; tries < 30; tries++) {
        await page.goto(`${site.url}/notifications`);
        await settled(page);
        if ((await page.getByRole('link', { name: endedTitle }).count()) > 0) break;
        await page.waitForTimeout(1000);
      }
      const link = page.getByRole('link', { name: title });
      await link.waitFor();
      assert.match(await textOf(bell), /Notifications\s*\d+ unread/, 'the bell says how many are unread');
      const before = Number((await textOf(bell)).match(/(\d+) unread/)![1]);
      assert.equal(await link.getAttribute('href'), '/agency-console');
      assert.match(
        await textOf(page.locator('main')),
        /Requests from emergency templates take effect at once/,
      );
      await assertAccessible(page, 'the inbox with unread notifications');
      await assertReflows(page, 'the inbox with unread notifications');

      await page.getByRole('button', { name: `Mark as read: ${title}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Marked as read: ${title}` })
        .waitFor();
      await page.waitForFunction(
        (n) =>
          (document.querySelector('.header__bell')?.textContent ?? '').includes(`${n} unread`) || n === 0,
        before - 1,
      );

      await page.getByRole('button', { name: 'Mark all as read' }).click();
      await page.getByText('You have no unread notifications.').waitFor();
      await page.waitForFunction(
        () => !(document.querySelector('.header__bell')?.textContent ?? '').includes('unread'),
      );
      assert.equal(await page.getByRole('button', { name: /^Mark as read/ }).count(), 0);
      await assertAccessible(page, 'the inbox, all read');
      await assertReflows(page, 'the inbox, all read');

      await page.getByRole('link', { name: title }).click();
      await page.waitForURL(/\/agency-console$/);
      await settled(page);
    });
  });

  test('signed out, the inbox asks to sign in', () =>
    inNewWindow(browser, async (page) => {
      await page.goto(`${site.url}/notifications`);
      await settled(page);
      await page.getByRole('link', { name: 'Sign in to see this page' }).waitFor();
      assert.equal(await page.getByRole('link', { name: /^Notifications/ }).count(), 0, 'no bell');
      await assertAccessible(page, 'the inbox, signed out');
    }));
});
