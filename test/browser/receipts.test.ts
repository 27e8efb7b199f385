/**
 * The citizen's receipts in a real browser: from My data, a receipt of the Housing Agency's lookup of their
 * record (who, which details, why, under which agreement and legal basis, the ledger entry, checked here)
 * and of each consent, ready to print (the print style sheet leaves only the receipt). Another citizen is
 * told there is no such receipt. Each page passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
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

const OFFICIAL = 'caseworker.17@housing.example';

describe('web app: the citizen’s receipts', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;
  /** The ledger entry of the Housing Agency's lookup of the demo citizen. */
  let entry = -1;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    const system = SYSTEMS.find((s) => s.organization === 'housing-agency')!;
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: site.dataDir }), system));
    const token = await accessToken(key, `${system.organization}/${system.slug}`, site.url);
    const citizen = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!.nationalId!;
    const response = await fetch(`${site.url}/exchange/v1/population-register/person/${citizen}`, {
      headers: {
        authorization: `Bearer ${token}`,
        'data-purpose': 'housing-benefit-eligibility',
        'data-subject': citizen,
        'on-behalf-of': OFFICIAL,
      },
    });
    await response.arrayBuffer();
    assert.equal(response.status, 200);
    entry = Number(response.headers.get('exchange-receipt'));
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('a release of my data has a receipt I can read, check and print', async () => {
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'citizen', '/my-data');
      const looked = page.getByRole('table', { name: 'Who looked at your data, newest first' });
      await looked.waitFor();
      const row = looked.getByRole('row', { name: /Housing Agency/ }).first();
      await row.getByRole('link', { name: 'Receipt' }).click();
      await page.waitForURL(`${site.url}/my-data/receipts/${entry}`);
      await settled(page);
      assert.equal(await page.title(), 'Receipt: a record about you – govdx');
      const receipt = await textOf(page.locator('main'));
      for (const text of [
        'Housing Agency, through its Housing benefit case system',
        OFFICIAL,
        'Population Register Office',
        'First name(s)',
        'Housing benefit eligibility',
        'GDPR Art. 6(1)',
        'A data-sharing agreement (reference',
        `Ledger entry${entry}`,
        'Shared',
      ]) {
        assert.ok(receipt.includes(text), `the receipt says "${text}"`);
      }
      assert.doesNotMatch(receipt, /given_name|housing-benefit-eligibility/, 'no codes, plain words');
      await assertAccessible(page, 'The receipt of a release');
      await assertReflows(page, 'The receipt of a release');

      await page.getByRole('button', { name: `Check ledger entry ${entry} now` }).click();
      await page.getByText('Verified: this record is in the public, signed ledger.').waitFor();
      await assertAccessible(page, 'The receipt, checked');

      // Printed, it is the receipt alone: no header, navigation, buttons or footer.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('header.header').isVisible(), false);
      assert.equal(await page.locator('footer').isVisible(), false);
      assert.equal(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible(), false);
      assert.equal(await page.getByText('Who asked').isVisible(), true);
      await page.emulateMedia({ media: 'screen' });
    });
  });

  test('each consent has a receipt to print, with its ledger entries', async () => {
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'citizen', '/my-data');
      await page
        .getByRole('link', {
          name: /Receipt to print of your consent to Housing Agency for Pre-filling a rental/,
        })
        .click();
      await page.waitForURL(/\/my-data\/consents\/[^/]+\/receipt$/);
      await settled(page);
      assert.equal(await page.title(), 'Receipt: your consent – govdx');
      const receipt = await textOf(page.locator('main'));
      assert.match(receipt, /Housing Agency: Pre-filling a rental/);
      assert.match(receipt, /Legal basis.*GDPR Art\. 6\(1\)\(a\)/);
      assert.match(receipt, /Given on .* at \d\d:\d\d/);
      await assertAccessible(page, 'The receipt of a consent');
      await assertReflows(page, 'The receipt of a consent');

      // Withdrawn, the receipt shows the withdrawal with its ledger entry, which the browser checks.
      const id = page.url().split('/').at(-2)!;
      const status = await page.evaluate(
        (id) =>
          fetch(`/api/v1/me/consents/${id}/revoke`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          }).then((r) => r.status),
        id,
      );
      assert.equal(status, 200);
      await page.reload();
      await settled(page);
      const withdrawn = await textOf(page.locator('main'));
      const index = withdrawn.match(/Withdrawn on .*, by you\. Ledger entry (\d+)\./)?.[1];
      assert.ok(index, `the withdrawal names its ledger entry: ${withdrawn}`);
      await page.getByRole('button', { name: `Check ledger entry ${index} now` }).click();
      await page.getByText('Verified: this record is in the public, signed ledger.').waitFor();
      await assertAccessible(page, 'The receipt of a withdrawn consent, checked');
      await assertReflows(page, 'The receipt of a withdrawn consent, checked');
    });
  });

  test('someone else’s receipt is not found', async () => {
    await inNewWindow(browser, async (page) => {
      await signIn(page, site, 'citizen2', `/my-data/receipts/${entry}`);
      await page.getByRole('alert').waitFor();
      assert.match(await textOf(page.getByRole('alert')), /There is no receipt/);
      assert.doesNotMatch(await textOf(page.locator('main')), /Housing Agency/);
      await assertAccessible(page, 'A receipt that is not found');
    });
  });
});
