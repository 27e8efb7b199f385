/** The agency console shows how each service is used through the exchange, accessibly. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_ACCOUNTS, demoKeyDir, demoKeyFile, SYSTEMS } from '../../src/demo/index.ts';
import { accessToken, readPrivateJwk } from '../../src/exchange/index.ts';
import {
  accessibilityViolations,
  type DemoSite,
  launchChromium,
  newPage,
  signIn,
  skipWithoutChromium,
  startDemoSite,
  textOf,
} from './demo-site.ts';

describe('web app: usage of services in the agency console', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    // The Housing Agency's case system looks up a resident three times, and once in the wrong person's name.
    const system = SYSTEMS.find((s) => s.organization === 'housing-agency')!;
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: site.dataDir }), system));
    const token = await accessToken(key, `${system.organization}/${system.slug}`, site.url);
    const [first, second] = DEMO_ACCOUNTS.filter((a) => a.nationalId).map((a) => a.nationalId!);
    const lookUp = (subject: string) =>
      fetch(`${site.url}/exchange/v1/population-register/person/${first}`, {
        headers: {
          authorization: `Bearer ${token}`,
          'data-purpose': 'housing-benefit-eligibility',
          'data-subject': subject,
          'on-behalf-of': 'caseworker.17@housing.example',
        },
      }).then((r) => r.status);
    for (let i = 0; i < 3; i++) assert.equal(await lookUp(first!), 200);
    assert.equal(await lookUp(second!), 403);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test("a data steward sees who used the organization's services, why, with what outcome and how fast", async () => {
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, site, 'steward.population', '/agency-console');
      await page.getByRole('heading', { name: 'Use of your services' }).waitFor();
      const table = page.getByRole('table', { name: /Use of Person lookup through the exchange/ });
      await table.waitFor();
      const row = table.getByRole('row', { name: /Housing Agency/ });
      const cells = await row.getByRole('cell').allTextContents();
      assert.deepEqual(cells.slice(0, 6), ['Housing benefit eligibility', '4', '3', '0', '1', '0']);
      assert.equal(cells[6], 'SUBJECT_MISMATCH 1');
      assert.match(cells[7] ?? '', /^\d+(\.\d)? ms$/);
      assert.match(await textOf(table.locator('thead')), /Median time \(50th percentile\)/);
      const violations = await accessibilityViolations(page);
      assert.equal(violations, '', `the agency console with usage breaks WCAG 2.1 AA:\n${violations}`);
    } finally {
      await context.close();
    }
  });
});
