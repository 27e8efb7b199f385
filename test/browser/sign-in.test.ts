import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import { DATASETS, DEMO_ACCOUNTS, ORGANIZATIONS } from '../../src/demo/index.ts';
import {
  type DemoSite,
  launchChromium,
  newPage,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
  textOf,
} from './demo-site.ts';

const populationRegister = DATASETS.find((d) => d.organization === 'population-register')!;
const populationOffice = ORGANIZATIONS.find((o) => o.slug === 'population-register')!;

/** The addresses a request was redirected from, nearest first. */
function redirectChain(request: Request): string[] {
  const chain: string[] = [];
  for (let earlier = request.redirectedFrom(); earlier; earlier = earlier.redirectedFrom())
    chain.push(earlier.url());
  return chain;
}

describe('web app: signing in, and what each person is offered', { skip: skipWithoutChromium() }, () => {
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

  test('signed out, the agency console is not offered and its refusal is shown in plain words', async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${site.url}/`);
      await settled(page);
      const navigation = page.getByRole('navigation', { name: 'Main' });
      await navigation.getByRole('link', { name: 'Organizations' }).waitFor();
      assert.equal(await navigation.getByRole('link', { name: 'Agency console' }).count(), 0);

      await page.goto(`${site.url}/agency-console`);
      await settled(page);
      const alert = page.getByRole('alert');
      assert.match(await textOf(alert), /You need to sign in/);
      // Plain words: nothing about tokens or headers for a person at a browser (issue 16).
      assert.match(await textOf(alert), /You are not signed in, or your session has ended/);
      assert.doesNotMatch(await textOf(alert), /token|Bearer/i);
      assert.equal(await alert.getByRole('link', { name: 'Sign in to see this page' }).count(), 1);
    } finally {
      await context.close();
    }
  });

  test("a data steward signs in at the identity provider and sees their agency's datasets in the agency console", async () => {
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, site, 'steward.population');
      const steward = DEMO_ACCOUNTS.find((a) => a.username === 'steward.population')!;
      assert.match(await textOf(page.getByRole('banner')), new RegExp(`Signed in as\\s+${steward.name}`));

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Agency console' })
        .click();
      await page.waitForURL(/\/agency-console$/);
      await settled(page);
      assert.equal(await page.title(), 'Agency console – govdx');
      const sections = page.getByRole('navigation', { name: `Agency console of ${populationOffice.name}` });
      await sections.getByRole('link', { name: 'Datasets' }).click();
      await page.waitForURL(/\/agency-console\/population-register\/datasets$/);
      await page.getByRole('heading', { level: 2, name: populationRegister.title }).waitFor();

      const fields = page.getByRole('table', { name: `Fields of ${populationRegister.title}` });
      for (const field of populationRegister.fields) {
        const row = fields
          .getByRole('row')
          .filter({ has: page.getByRole('rowheader', { name: field.name }) });
        const sensitivity = {
          open: 'Open',
          internal: 'Internal',
          personal: 'Personal',
          special: 'Special category',
        };
        assert.match(await textOf(row), new RegExp(sensitivity[field.sensitivity]), `field ${field.name}`);
      }
    } finally {
      await context.close();
    }
  });

  test('a citizen sees My data but not the agency console', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, site, 'citizen');
      const citizen = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!;
      const navigation = page.getByRole('navigation', { name: 'Main' });
      assert.equal(await navigation.getByRole('link', { name: 'Agency console' }).count(), 0);
      await navigation.getByRole('link', { name: 'My data' }).click();
      await settled(page);
      const details = await textOf(page.getByRole('main'));
      assert.match(details, new RegExp(citizen.name));
      assert.match(details, new RegExp(citizen.nationalId!));
    } finally {
      await context.close();
    }
  });

  test('an organization admin creates an access token, sees its secret once, and revokes it after confirming', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, site, 'admin.population', '/agency-console/population-register/tokens');
      await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill('nightly export');
      await page.getByRole('checkbox', { name: 'Organization administrator' }).check();
      await page.getByLabel('Expires').selectOption('30');
      await page.getByRole('button', { name: 'Create token' }).click();

      const secret = await page.getByLabel('Your new token').inputValue();
      assert.match(secret, /^gdx_pat_/);
      const tokens = page.getByRole('table', { name: /^Tokens of / });
      const row = tokens
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: 'nightly export' }) });
      await row.getByText('Active').waitFor();
      await page.getByRole('button', { name: 'I have copied it' }).click();
      assert.equal(await page.getByLabel('Your new token').count(), 0, 'the secret is shown only once');

      await row.getByRole('button', { name: 'Revoke token nightly export' }).click();
      await page.getByRole('heading', { name: 'Revoke the token “nightly export”?' }).waitFor();
      await page.getByRole('button', { name: 'Yes, revoke it' }).click();
      await row.getByText('Revoked').waitFor();
      assert.match(
        await textOf(page.getByRole('status').filter({ hasText: 'is revoked' })),
        /nightly export/,
      );
    } finally {
      await context.close();
    }
  });

  test('signing out signs out of the identity provider too: the next Sign in asks for the password', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, site, 'steward.population');
      // Signing out ends at govdx's front page, by way of the identity provider: wait for that page itself,
      // not the provider's answer, or opening govdx below would race the last redirect.
      const backHome = page.waitForResponse((response) => {
        const request = response.request();
        return (
          request.isNavigationRequest() &&
          new URL(response.url()).pathname === '/' &&
          redirectChain(request).some((earlier) => earlier.includes('/idp/session/end'))
        );
      });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await backHome;
      // Whoever comes to this computer next opens govdx in a new tab (same browser, same cookies) and signs in.
      const next = await context.newPage();
      await next.goto(`${site.url}/`);
      await settled(next);
      const session = await next.evaluate(() => fetch('/auth/session').then((r) => r.json()));
      assert.deepEqual(session, { signedIn: false });
      await next.getByRole('link', { name: 'Sign in', exact: true }).click();
      const password = next.getByLabel('Password');
      await password.or(next.getByText('Signed in as')).first().waitFor();
      assert.equal(await password.count(), 1, 'the identity provider asks for the password again');
      assert.match(next.url(), /\/idp\/interaction\//);
    } finally {
      await context.close();
    }
  });
});
