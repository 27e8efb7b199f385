/**
 * "My data" in a real browser: the demo citizen sees the Housing Agency's lookup of their record, has the
 * browser prove it is in the signed ledger, withdraws their consent (and the next call made on it is
 * refused), with no WCAG 2.1 AA violation on the way.
 */
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
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
  textOf,
} from './demo-site.ts';

const OFFICIAL = 'caseworker.17@housing.example';

describe('web app: My data, the citizen’s tracker', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;
  let lookUp: (purpose: string) => Promise<number>;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    const system = SYSTEMS.find((s) => s.organization === 'housing-agency')!;
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: site.dataDir }), system));
    const token = await accessToken(key, `${system.organization}/${system.slug}`, site.url);
    const citizen = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!.nationalId!;
    lookUp = (purpose) =>
      fetch(`${site.url}/exchange/v1/population-register/person/${citizen}`, {
        headers: {
          authorization: `Bearer ${token}`,
          'data-purpose': purpose,
          'data-subject': citizen,
          'on-behalf-of': OFFICIAL,
        },
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    assert.equal(await lookUp('housing-benefit-eligibility'), 200);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the citizen sees who looked, checks the record against the ledger, and withdraws their consent', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, site, 'citizen', '/');
      await page.getByRole('link', { name: 'My data' }).click();
      await settled(page);
      assert.equal(await page.title(), 'My data – govdx');

      const held = page.getByRole('table', { name: 'What the population register holds about you' });
      await held.waitFor();
      assert.match(await textOf(held), /Date of birth/);

      const looked = page.getByRole('table', { name: 'Who looked at your data, newest first' });
      const row = looked.getByRole('row', { name: /Housing Agency/ }).first();
      const cells = await row.getByRole('cell').allTextContents();
      assert.match(cells[0] ?? '', /Housing Agency \(Housing benefit case system\)/);
      assert.equal(cells[1], OFFICIAL);
      assert.match(cells[2] ?? '', /Person lookup at Population Register Office: .*First name\(s\)/);
      assert.match(cells[3] ?? '', /Housing benefit eligibility, under an agreement/);
      assert.equal(cells[4], 'Shared');

      await row.getByRole('button', { name: 'Check this record' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /^Record of .*: Verified: this record is in the public, signed ledger\.$/ })
        .waitFor();
      await looked.getByText('How your browser checked it').click();
      const proof = await textOf(looked);
      assert.match(proof, /✓ The checkpoint is signed by the ledger/);
      assert.match(proof, /✓ The record is what the ledger holds/);
      assert.match(proof, /✓ The public ledger still holds it/);
      assert.doesNotMatch(proof, /✗/);
      const violations = await accessibilityViolations(page);
      assert.equal(violations, '', `My data breaks WCAG 2.1 AA:\n${violations}`);

      // That consent was given on a signed form, and recorded by an official of the Housing Agency: the
      // citizen sees who recorded it and where the proof is kept.
      const shared = await textOf(page.getByRole('region', { name: 'What you have agreed to share' }));
      assert.match(shared, /You gave it on a signed paper form, which an official recorded for you/);
      assert.match(shared, /Recorded for you by.+ of Housing Agency/);
      assert.match(shared, /Proof of your consent.*HA-2026-00117/);

      // The demo citizen let the Housing Agency pre-fill rental applications; the agency may use that now.
      assert.equal(await lookUp('rental-application-prefill'), 200);
      await page
        .getByRole('button', { name: /Withdraw your consent to Housing Agency for Pre-filling a rental/ })
        .click();
      await page.getByRole('heading', { name: 'Withdraw your consent to Housing Agency?' }).waitFor();
      const asking = await accessibilityViolations(page);
      assert.equal(asking, '', `My data asking to confirm breaks WCAG 2.1 AA:\n${asking}`);
      await page.getByRole('button', { name: 'Yes, withdraw it' }).click();
      await page.getByRole('status').getByText('You withdrew your consent.').waitFor();
      await page.getByText('Withdrawn', { exact: true }).waitFor();
      assert.equal(await lookUp('rental-application-prefill'), 403, 'the next call on it is refused');

      // The withdrawal and the refusal are both in the tracker, after a reload.
      await page.reload();
      await settled(page);
      const refreshed = page.getByRole('table', { name: 'Who looked at your data, newest first' });
      await refreshed.getByText('You withdrew your consent').waitFor();
      await refreshed.getByText('Refused: you had withdrawn your consent').waitFor();
      const after = await accessibilityViolations(page);
      assert.equal(after, '', `My data after withdrawing breaks WCAG 2.1 AA:\n${after}`);
    } finally {
      await context.close();
    }
  });
});
