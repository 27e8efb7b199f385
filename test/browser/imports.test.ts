/**
 * Issue 18 in the browser: the Population Register's data steward opens the import page of the register,
 * uploads a CSV file with one good row and one without its key, and sees the outcome and the refused row
 * with its number and reason, then the import among the earlier ones. Every state passes axe and reflows
 * at 320 px.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const POPULATION = '/organizations/population-register/datasets/population';

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  assert.equal(violations, '', `${what} (${page.url()}) breaks WCAG 2.1 AA:\n${violations}`);
}

async function assertReflows(page: Page, what: string): Promise<void> {
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow} px wider than the window at 320 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('web app: a steward imports records into a register', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;
  let dir: string;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    dir = mkdtempSync(join(tmpdir(), 'govdx-browser-import-'));
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the steward uploads a file and sees what it did and the row it refused', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.population', POPULATION);
      const dataset = (await (await page.request.get(`${site.url}/api/v1${POPULATION}`)).json()) as {
        keyField: string;
        fields: Array<{ name: string; type: string }>;
      };
      const text = dataset.fields.find((f) => f.type === 'string' && f.name !== dataset.keyField)!.name;
      const file = join(dir, 'people.csv');
      writeFileSync(file, `${dataset.keyField},${text}\nEX999999990,Imported\n,Nobody\n`);

      await page.getByRole('link', { name: 'Import records' }).click();
      await page.getByRole('heading', { name: /^Import records into/ }).waitFor();
      await settled(page);
      await assertAccessible(page, 'the import page');
      await assertReflows(page, 'the import page');

      await page.getByLabel('File of records').setInputFiles(file);
      await page.getByRole('button', { name: 'Import' }).click();
      const outcome = page.getByRole('region', { name: 'What the import did' });
      await outcome.waitFor();
      const said = await textOf(outcome);
      assert.match(said, /Status\s*Completed/);
      assert.match(said, /New records\s*1/);
      assert.match(said, /Rows refused\s*1/);
      const refused = page.getByRole('table', { name: 'The rows refused' });
      assert.match(await textOf(refused), new RegExp(`2\\s*The key field "${dataset.keyField}" is empty\\.`));
      const earlier = page.getByRole('table', { name: 'Earlier imports, newest first' });
      await earlier.waitFor();
      assert.match(await textOf(earlier), /Completed/);
      await settled(page);
      await assertAccessible(page, 'the import page with an outcome');
      await assertReflows(page, 'the import page with an outcome');
    }));
});
