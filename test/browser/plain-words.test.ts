/**
 * Plain words for citizens (issue 16), in a real browser: My data names each fact by the steward's label and
 * writes codes out (a country by name, the address an address_id names), says plainly when no official
 * asked, and writes a retention period in years; a steward gives a field its label on the dataset edit
 * page. Every page passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, demoKeyDir, demoKeyFile, SYSTEMS } from '../../src/demo/index.ts';
import { accessToken, readPrivateJwk } from '../../src/exchange/index.ts';
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

describe('plain words for citizens', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    // The Housing Agency's system looks the citizen up for an official, then with no official named.
    const system = SYSTEMS.find((s) => s.organization === 'housing-agency')!;
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: site.dataDir }), system));
    const token = await accessToken(key, `${system.organization}/${system.slug}`, site.url);
    const citizen = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!.nationalId!;
    const lookUp = async (official: Record<string, string>) => {
      const response = await fetch(`${site.url}/exchange/v1/population-register/person/${citizen}`, {
        headers: {
          authorization: `Bearer ${token}`,
          'data-purpose': 'housing-benefit-eligibility',
          'data-subject': citizen,
          ...official,
        },
      });
      await response.arrayBuffer();
    };
    await lookUp({ 'on-behalf-of': 'caseworker.17@housing.example' });
    await lookUp({});
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  const inWindow = (body: (page: Page) => Promise<void>) => inNewWindow(browser, body);

  test('My data names each fact in plain words and writes codes out', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'citizen', '/my-data');
      await settled(page);
      const held = page.getByRole('table', { name: 'What the population register holds about you' });
      await held.waitFor();
      const facts = await textOf(held);
      assert.match(facts, /Country of citizenship/);
      assert.match(facts, /Address where you live/);
      assert.doesNotMatch(facts, /ISO 3166|alpha-2|address_id|household_id/);
      assert.doesNotMatch(facts, /AD\d{8}/, 'the address written out, not its code');
      assert.match(facts, /everyone registered as living with you shares this number/);
      const citizenship = await held
        .getByRole('row', { name: /Country of citizenship/ })
        .getByRole('cell')
        .textContent();
      assert.doesNotMatch(citizenship ?? '', /^[A-Z]{2}$/, 'a country by name');

      const looked = page.getByRole('table', { name: 'Who looked at your data, newest first' });
      const row = looked.getByRole('row', { name: /Housing Agency/ }).first();
      const cells = await row.getByRole('cell').allTextContents();
      assert.equal(cells[1], 'No official: Housing benefit case system asked automatically');
      const lookups = await textOf(looked);
      assert.match(lookups, /Person lookup at Population Register Office: .*First name\(s\)/);
      assert.doesNotMatch(lookups, /given_name|given name/);

      const shared = await textOf(page.getByRole('region', { name: 'What you have agreed to share' }));
      assert.match(shared, /How long they keep it\s*1 year/);
      assert.doesNotMatch(shared, /\d+ days/);
      await assertAccessible(page, 'My data');
      await assertReflows(page, 'My data');
    }));

  test('a steward gives a field its plain label on the dataset edit page; a date field says its day in words', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.population');
      await page.goto(`${site.url}/organizations/population-register/datasets/population/edit`);
      await settled(page);
      const label = page.getByLabel('Plain words for sex');
      assert.equal(await label.inputValue(), 'Sex');
      await assertAccessible(page, 'the dataset edit page');
      await assertReflows(page, 'the dataset edit page');
      // A date field writes the chosen day in words, as the pages do, whatever the browser shows.
      await page.getByLabel('First published (optional)').fill('2027-12-03');
      await page.getByText('That is 3 December 2027.').waitFor();
      await label.fill('Sex as registered');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.waitForURL(
        (url) => url.pathname === '/organizations/population-register/datasets/population',
      );
      await settled(page);
      await page.getByText('Citizens read: Sex as registered').waitFor();
    }));
});
