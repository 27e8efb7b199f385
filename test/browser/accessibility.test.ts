import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DATASETS, ORGANIZATIONS, SERVICES } from '../../src/demo/index.ts';
import {
  accessibilityViolations,
  type DemoSite,
  inNewWindow,
  launchChromium,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
} from './demo-site.ts';

const dataset = DATASETS.find((d) => d.organization === 'population-register')!;
const hosted = SERVICES.find((s) => s.kind === 'hosted')!;
const proxied = SERVICES.find((s) => s.kind === 'proxied')!;
const populationOffice = ORGANIZATIONS.find((o) => o.slug === 'population-register')!;

/** Pages anyone can open without signing in, by what they are. */
const PUBLIC_PAGES: Array<[string, string]> = [
  ['home', '/'],
  ['organizations', '/organizations'],
  ['an organization', '/organizations/population-register'],
  ['datasets', '/datasets'],
  ['datasets, filtered', '/datasets?classification=confidential&sensitivity=personal'],
  ['a dataset', `/organizations/${dataset.organization}/datasets/${dataset.slug}`],
  ['services', '/services'],
  ['a hosted service', `/organizations/${hosted.organization}/services/${hosted.slug}`],
  ['a proxied service', `/organizations/${proxied.organization}/services/${proxied.slug}`],
  ['open data', '/open-data'],
  ['sign in', '/sign-in'],
  ['agency console, signed out', '/agency-console'],
  ['my data, signed out', '/my-data'],
  ['the register of agreements', '/agreements/register'],
  ['the register of agreements, filtered', '/agreements/register?status=revoked&organization=housing-agency'],
  ['emergencies, signed out', '/emergencies'],
  ['provider addresses, signed out', '/provider-addresses'],
  ['why records were linked, before a file is opened', '/linkage/explanations'],
  ["an organization's agreements, signed out", '/agency-console/housing-agency/agreements'],
  ['a page that does not exist', '/no-such-page'],
];

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  assert.equal(violations, '', `${what} (${page.url()}) breaks WCAG 2.1 AA:\n${violations}`);
}

describe('web app accessibility: WCAG 2.1 A and AA by axe', { skip: skipWithoutChromium() }, () => {
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

  const inWindow = (body: (page: Page) => Promise<void>) => inNewWindow(browser, body);

  for (const [what, path] of PUBLIC_PAGES) {
    test(`${what} (${path}) has no violations`, () =>
      inWindow(async (page) => {
        await page.goto(`${site.url}${path}`);
        await settled(page);
        await assertAccessible(page, what);
      }));
  }

  test("the identity provider's sign-in page has no violations, also after a wrong password", () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/auth/login?returnTo=%2F`);
      await page.waitForURL(/\/idp\//);
      await page.getByLabel('Username').waitFor();
      await assertAccessible(page, 'the sign-in page');

      await page.getByLabel('Username').fill('steward.population');
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await assertAccessible(page, 'the sign-in page after a wrong password');
    }));

  test('the sign-in page that says signing in is paused, after too many wrong passwords, has no violations', () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/auth/login?returnTo=%2F`);
      await page.waitForURL(/\/idp\//);
      // A username nobody has: the pause comes all the same, and no demo account is paused for other tests.
      for (let i = 0; i < 6; i++) {
        await page.getByLabel('Username').fill('nobody.at.all');
        await page.getByLabel('Password').fill(`guess ${i}`);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').waitFor();
      }
      assert.match(await page.getByRole('alert').innerText(), /Try again in \d+ seconds/);
      await assertAccessible(page, 'the sign-in page while signing in is paused');
    }));

  test('the page for a sign-in that cannot be completed has no violations', () =>
    inWindow(async (page) => {
      const response = await page.goto(`${site.url}/auth/callback?state=stale&code=stale`);
      assert.ok(response && response.status() >= 400, 'a stale sign-in is refused');
      await page.locator('h1').waitFor();
      await assertAccessible(page, 'the sign-in problem page');
    }));

  test('the agency console of a data steward has no violations', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.population', '/agency-console');
      await page.getByRole('heading', { name: 'What waits for you' }).waitFor();
      await settled(page);
      await assertAccessible(page, 'the agency console (data steward)');
      await page
        .getByRole('navigation', { name: `Agency console of ${populationOffice.name}` })
        .getByRole('link', { name: 'Datasets' })
        .click();
      await page.getByRole('table').first().waitFor();
      await assertAccessible(page, "the agency console's datasets (data steward)");
    }));

  test('the agency console lists the services that ask citizens for consent, with where they send citizens back', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.housing', '/agency-console/housing-agency/consent-services');
      const table = page.getByRole('table', {
        name: 'Services of Housing Agency that ask citizens for consent',
      });
      await table.waitFor();
      const row = table.getByRole('row', { name: /Housing benefit application/ });
      const text = await row.innerText();
      assert.match(text, /housing-benefit-app/);
      assert.match(text, /housing-benefit-application/, 'the purpose it may ask for');
      assert.match(text, /\/callback/, 'the address citizens are sent back to');
      await assertAccessible(page, 'the agency console (data steward of a consumer)');
    }));

  test('the agency console of an organization admin has no violations, with a new token and a revoke question', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'admin.population', '/agency-console/population-register/tokens');
      await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
      await assertAccessible(page, 'the agency console (organization admin)');

      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByText('Enter a name that says what the token is for').waitFor();
      await assertAccessible(page, 'the token form with errors');

      await page.getByLabel('Name', { exact: true }).fill('accessibility check');
      await page.getByRole('checkbox', { name: 'Organization administrator' }).check();
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByLabel('Your new token').waitFor();
      await assertAccessible(page, 'the agency console showing a new token');

      await page.getByRole('button', { name: 'Revoke token accessibility check' }).click();
      await page.getByRole('button', { name: 'Yes, revoke it' }).waitFor();
      await assertAccessible(page, 'the agency console asking to confirm a revocation');
    }));

  test("a data steward's agreement pages have no violations: the list, the template form, an answer and new terms", () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.population', `/agency-console/${populationOffice.slug}/agreements`);
      await page.getByRole('table', { name: 'Agreements waiting for your approval' }).waitFor();
      await assertAccessible(page, "the organization's agreements (data steward)");

      await page.getByRole('button', { name: 'Publish template' }).click();
      await page.getByText('Enter a title').waitFor();
      await assertAccessible(page, 'the template form with errors');
      await page.getByLabel('Service').selectOption({ index: 1 });
      await page.getByRole('group', { name: 'Fields' }).waitFor();
      await assertAccessible(page, "the template form with the service's fields");

      const waiting = page.getByRole('table', { name: 'Agreements waiting for your approval' });
      await waiting.getByRole('link').first().click();
      await settled(page);
      await page.getByRole('button', { name: 'Turn down' }).click();
      await page.getByRole('button', { name: 'Turn it down' }).click();
      await page.getByText('Say why, in words the other organization understands').waitFor();
      await assertAccessible(page, 'an agreement waiting for approval, turning it down without a reason');

      await page.goto(`${site.url}/agency-console/${populationOffice.slug}/agreements?status=active`);
      await settled(page);
      await page
        .getByRole('table', { name: /Agreements of/ })
        .getByRole('link')
        .first()
        .click();
      await settled(page);
      await page.getByRole('button', { name: 'Propose new terms' }).click();
      await page.getByRole('group', { name: 'Fields' }).waitFor();
      await assertAccessible(page, 'an agreement in force, with the form for new terms');
    }));

  test('the request form has no violations, from scratch and with its errors', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.housing', '/agency-console/housing-agency/agreements/new');
      await page.getByLabel('Which organization holds the data?').selectOption(populationOffice.slug);
      await page.getByRole('radio', { name: 'Describe what you need yourself' }).check();
      await page.getByRole('button', { name: 'Send for approval' }).click();
      await page.getByText('Choose the service').first().waitFor();
      await assertAccessible(page, 'the request form with errors');
      await page.getByLabel('Service').selectOption({ index: 1 });
      await page.getByRole('group', { name: 'Fields' }).waitFor();
      await assertAccessible(page, 'the request form with the fields of a service');
    }));

  test('the emergencies page and the register with an emergency in force have no violations', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'admin', '/emergencies');
      await page.getByRole('heading', { name: 'Declare an emergency' }).waitFor();
      await assertAccessible(page, 'the emergencies page (platform administrator)');
      await page.getByRole('button', { name: 'Declare the emergency' }).click();
      await page.getByText('Enter the name of the emergency').waitFor();
      await assertAccessible(page, 'the emergency form with errors');

      await page.getByLabel('Name').fill('Accessibility floods');
      await page.getByLabel('Reason').fill('The river has flooded the low districts.');
      const end = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('End date').fill(end);
      await page.getByRole('button', { name: 'Declare the emergency' }).click();
      await page.getByRole('button', { name: 'End now the emergency Accessibility floods' }).waitFor();
      await assertAccessible(page, 'the emergencies page with one in force');

      await page.goto(`${site.url}/agreements/register`);
      await settled(page);
      await page.getByText('Accessibility floods').first().waitFor();
      await assertAccessible(page, 'the register with an emergency in force');
    }));

  test("a legal reviewer's agency console has no violations", () =>
    inWindow(async (page) => {
      await signIn(page, site, 'legal.population', '/agency-console');
      await page.getByRole('heading', { name: 'Waiting for you' }).first().waitFor();
      await settled(page);
      await assertAccessible(page, 'the agency console (legal reviewer)');
    }));

  test("a citizen's My data page has no violations", () =>
    inWindow(async (page) => {
      await signIn(page, site, 'citizen', '/my-data');
      await page.getByRole('rowheader', { name: 'National ID number' }).first().waitFor();
      await page.getByRole('heading', { name: 'What you have agreed to share' }).waitFor();
      await settled(page);
      await assertAccessible(page, 'my data (citizen)');
    }));

  test('My data has no violations for someone who is not a citizen', () =>
    inWindow(async (page) => {
      await signIn(page, site, 'steward.housing', '/my-data');
      await page.getByText('Your account has no national ID number').waitFor();
      await assertAccessible(page, 'my data (not a citizen)');
    }));

  test("the auditor's pages have no violations", () =>
    inWindow(async (page) => {
      await signIn(page, site, 'auditor', '/auditor');
      await assertAccessible(page, 'the auditor page');
      await page.getByRole('link', { name: populationOffice.name }).click();
      await settled(page);
      await page.getByRole('heading', { name: 'People with roles' }).waitFor();
      await assertAccessible(page, "the auditor's view of an organization");
    }));

  test("the identity provider's sign-out question has no violations", () =>
    inWindow(async (page) => {
      await signIn(page, site, 'auditor');
      // govdx's own Sign out does not ask (it sends the person's ID token); a request without one does.
      await page.goto(`${site.url}/idp/session/end`);
      await page.getByRole('heading', { level: 1, name: 'Sign out of govdx?' }).waitFor();
      await assertAccessible(page, 'the sign-out question');
    }));

  test('the skip link is the first thing the keyboard reaches, and it moves to the main content', () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/datasets`);
      await settled(page);
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to main content' });
      assert.ok(await skip.evaluate((link) => link === document.activeElement));
      assert.ok(await skip.isVisible(), 'the skip link shows when it has focus');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    }));
});
