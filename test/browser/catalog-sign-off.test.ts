/**
 * Issue 14, finding 5, in the browser: the Population Register's data steward proposes to label the
 * national ID open; the change waits in the agency console; the data protection officer (dpo.population)
 * sees it under what waits for them and rejects it with a reason. Every page state passes axe.
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

const POPULATION = '/api/v1/organizations/population-register/datasets/population';

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  assert.equal(violations, '', `${what} (${page.url()}) breaks WCAG 2.1 AA:\n${violations}`);
}

describe('web app: a change that would hide people waits for the data protection officer', {
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

  test('the steward proposes labelling the national ID open and sees it waiting', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population', '/agency-console');
      // The web app has no field editor: stewards change fields through the API, with their session.
      const dataset = (await (await page.request.get(`${site.url}${POPULATION}`)).json()) as {
        fields: Array<{ name: string; sensitivity: string }>;
      };
      const fields = dataset.fields.map((f) =>
        f.name === 'national_id' ? { ...f, sensitivity: 'open' } : f,
      );
      const proposed = await page.request.patch(`${site.url}${POPULATION}`, { data: { fields } });
      assert.equal(proposed.status(), 202, await proposed.text());

      await page.reload();
      await settled(page);
      await page
        .getByRole('heading', { name: 'Changes waiting for the data protection officer' })
        .first()
        .waitFor();
      const change = page.getByRole('region', { name: 'Change to the dataset Population register' });
      await change.waitFor();
      assert.match(await textOf(change), /"national_id" would be labelled open instead of personal/);
      assert.match(await textOf(change), /Waiting for sign-off/);
      assert.equal(
        await change.getByRole('button', { name: /Approve/ }).count(),
        0,
        'the steward cannot approve',
      );
      await assertAccessible(page, 'the agency console, with a change waiting');
    }));

  test('the data protection officer rejects it with a reason, and nothing changes', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'dpo.population', '/agency-console');
      await page.getByRole('heading', { name: 'Waiting for your sign-off' }).first().waitFor();
      const change = page.getByRole('region', { name: 'Change to the dataset Population register' });
      await change.waitFor();
      await assertAccessible(page, 'the agency console, waiting for the officer');
      await page.setViewportSize({ width: 320, height: 800 });
      assert.ok(
        await change.evaluate((element) => element.scrollWidth <= element.clientWidth),
        'the waiting change reflows at 320 px',
      );
      await page.setViewportSize({ width: 1200, height: 900 });

      await change.getByRole('button', { name: /^Reject/ }).click();
      await change.getByText('Say why you reject this change').waitFor();
      await assertAccessible(page, 'the agency console, a decision without a reason');

      await change.getByLabel('Your reason').fill('A national ID is personal data.');
      await change.getByRole('button', { name: /^Reject/ }).click();
      await page
        .getByRole('status')
        .filter({
          hasText: 'You rejected the change to the dataset Population register. Nothing was changed.',
        })
        .waitFor();
      await settled(page);
      assert.equal(
        await page.getByRole('region', { name: /Change to the dataset Population register/ }).count(),
        0,
      );
      await assertAccessible(page, 'the agency console, after the decision');

      const dataset = (await (await page.request.get(`${site.url}${POPULATION}`)).json()) as {
        fields: Array<{ name: string; sensitivity: string }>;
      };
      assert.equal(dataset.fields.find((f) => f.name === 'national_id')?.sensitivity, 'personal');
    }));
});
