/**
 * The once-only journey in a browser: a citizen opens the Housing Agency's housing benefit application
 * (a separate site), is sent to govdx, signs in, sees who asks, why and for what, approves, and comes
 * back to a form filled in from the registers. Then they withdraw their consent at govdx, and the
 * service's next call to the person API is refused. Every page passes axe (WCAG 2.1 AA).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config/index.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type RunningDemo, startDemo } from '../../src/demo/index.ts';
import { freePort } from '../../src/node/index.ts';
import { freshDatabase } from '../support/stores.ts';
import {
  accessibilityViolations,
  launchChromium,
  newPage,
  settled,
  skipWithoutChromium,
  textOf,
} from './demo-site.ts';

const citizen = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!;

describe('the consent journey: a form pre-filled through govdx', { skip: skipWithoutChromium() }, () => {
  let demo: RunningDemo;
  let remove: () => Promise<void>;
  let browser: Browser;
  let service: string;

  before(async () => {
    const database = await freshDatabase('sqlite');
    remove = database.remove;
    const config = loadConfig({
      env: {},
      flags: {
        host: '127.0.0.1',
        port: await freePort('127.0.0.1'),
        dataDir: database.dataDir,
        logLevel: 'silent',
        demoPopulation: 200,
        demoProviderPort: 0,
        demoServicePort: 0,
      },
    });
    demo = await startDemo(config, { reseed: false });
    service = demo.urls.find(([label]) => label.startsWith('Housing benefit application'))![1];
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await remove?.();
  });

  test('the citizen approves and returns to a pre-filled form; My data shows and verifies the release; after withdrawing there, the service is refused', async () => {
    const { context, page } = await newPage(browser);
    const govdx = new URL(demo.node.url).origin;
    try {
      await page.goto(service);
      await page.getByRole('heading', { level: 1, name: 'Apply for housing benefit' }).waitFor();
      assert.equal(await accessibilityViolations(page), '', 'the empty form passes axe');
      assert.equal(await page.getByLabel('Family name').inputValue(), '');

      await page.getByRole('link', { name: 'Fill in with govdx' }).click();
      await page.waitForURL((url) => url.origin === govdx && url.pathname.startsWith('/idp/'));
      await page.getByLabel('Username').fill(citizen.username);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();

      await page.waitForURL(
        (url) => url.origin === govdx && url.pathname.startsWith('/consent/interaction/'),
      );
      const heading = page.getByRole('heading', { level: 1 });
      assert.equal(await textOf(heading), 'Share your details with the Housing Agency?');
      const main = await textOf(page.getByRole('main'));
      for (const text of [
        'Housing benefit application, a service of the Housing Agency',
        'Pre-filling your housing benefit application.',
        'Legal basis: Consent of the data subject (GDPR Art. 6(1)(a)).',
        'Your name',
        'Your registered address',
        'Your taxable income last year',
        'Population register, kept by the Population Register Office',
        'Address register, kept by the Land and Address Board',
        'Annual income, kept by the Tax and Customs Board',
        '2 years',
      ]) {
        assert.ok(main.includes(text), `the consent page says "${text}"`);
      }
      assert.equal(await page.getByRole('heading', { level: 3 }).count(), 3, 'three attributes, no more');
      const myData = page.getByRole('link', { name: /“My data” page/ });
      assert.equal(
        await myData.getAttribute('href'),
        `${govdx}/my-data`,
        'the consent page links to My data',
      );
      assert.equal(await accessibilityViolations(page), '', 'the consent page passes axe');

      await page.getByRole('button', { name: 'Yes, share my details' }).click();
      await page.waitForURL(
        (url) => `${url.origin}/` === `${new URL(service).origin}/` && url.pathname === '/',
      );
      await page.getByRole('status').waitFor();
      const [given, family] = [citizen.name.split(' ')[0]!, citizen.name.split(' ').slice(1).join(' ')];
      assert.equal(await page.getByLabel('Given name(s)').inputValue(), given);
      assert.equal(await page.getByLabel('Family name').inputValue(), family);
      assert.notEqual(await page.getByLabel('Street').inputValue(), '');
      assert.match(await page.getByLabel('Postcode').inputValue(), /^\d{5}$/);
      assert.match(await page.getByLabel('Taxable income (EUR)').inputValue(), /^\d+(\.\d+)?$/);
      assert.match(
        await textOf(page.getByRole('main')),
        /Filled in through govdx from: Population register \(Population Register Office\), last updated/,
      );
      assert.equal(await accessibilityViolations(page), '', 'the pre-filled form passes axe');

      // At govdx, the citizen's tracker shows the release, checks it against the ledger, and withdraws
      // the consent (their session there is the browser's).
      await page.goto(`${govdx}/my-data`);
      await settled(page);
      const looked = page.getByRole('table', { name: 'Who looked at your data, newest first' });
      const release = looked
        .getByRole('row', { name: /Housing Agency.*Pre-filling your housing benefit application/ })
        .first();
      await release.waitFor();
      await release.getByRole('button', { name: 'Check this record' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /Verified: this record is in the public, signed ledger\./ })
        .first()
        .waitFor();
      assert.equal(await accessibilityViolations(page), '', 'the tracker passes axe');
      await page
        .getByRole('button', {
          name: 'Withdraw your consent to Housing Agency for Pre-filling your housing benefit application',
        })
        .click();
      await page.getByRole('button', { name: 'Yes, withdraw it' }).click();
      await page.getByRole('status').getByText('You withdrew your consent.').waitFor();

      await page.goto(service);
      await page.getByRole('button', { name: 'Check my details with govdx again' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await textOf(alert), /you have withdrawn your consent\. /);
      assert.doesNotMatch(await textOf(alert), /CONSENT_REVOKED/);
      assert.equal(await page.getByLabel('Family name').inputValue(), '', 'nothing is filled in any more');
      assert.equal(await accessibilityViolations(page), '', 'the refusal passes axe');
    } finally {
      await context.close();
    }
  });

  test('filling in twice keeps one consent, renewed; withdrawing it is true: the service’s next request is refused', async () => {
    const { context, page } = await newPage(browser);
    const govdx = new URL(demo.node.url).origin;
    const withdraw = {
      name: 'Withdraw your consent to Housing Agency for Pre-filling your housing benefit application',
    };
    try {
      for (const time of [1, 2]) {
        // The second time the form is filled in already; the service starts again where the link goes.
        if (time === 1) {
          await page.goto(service);
          await page.getByRole('link', { name: 'Fill in with govdx' }).click();
        } else await page.goto(new URL('/start', service).href);
        await page.waitForURL((url) => url.origin === govdx);
        if (time === 1) {
          await page.getByLabel('Username').fill('citizen3');
          await page.getByLabel('Password').fill(DEMO_PASSWORD);
          await page.getByRole('button', { name: 'Sign in' }).click();
        }
        await page.getByRole('button', { name: 'Yes, share my details' }).click();
        await page.waitForURL((url) => url.origin === new URL(service).origin && url.pathname === '/');
        await page.getByRole('status').waitFor();
        assert.notEqual(await page.getByLabel('Family name').inputValue(), '', `filled in, time ${time}`);
      }

      await page.goto(`${govdx}/my-data`);
      await settled(page);
      await page.getByRole('button', withdraw).first().waitFor();
      assert.equal(
        await page.getByRole('button', withdraw).count(),
        1,
        'one consent for the service and purpose, however often it was given',
      );
      const consents = await textOf(page.getByRole('main'));
      assert.match(consents, /Renewed/, 'the consent shows that it was given again');
      await page.getByRole('button', withdraw).click();
      await page.getByRole('button', { name: 'Yes, withdraw it' }).click();
      await page
        .getByRole('status')
        .getByText(
          'You withdrew your consent. Housing Agency can no longer get your data for “Pre-filling your housing benefit application”.',
        )
        .waitFor();
      // Nothing left to withdraw once the list is read again.
      await page.getByRole('button', withdraw).waitFor({ state: 'detached' });
      assert.equal(await accessibilityViolations(page), '', 'My data after the withdrawal passes axe');

      await page.goto(service);
      await page.getByRole('button', { name: 'Check my details with govdx again' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await textOf(alert), /you have withdrawn your consent\. /);
      assert.doesNotMatch(await textOf(alert), /CONSENT_REVOKED/);
      assert.equal(await page.getByLabel('Family name').inputValue(), '', 'nothing is filled in any more');
    } finally {
      await context.close();
    }
  });

  test('a citizen who declines comes back to an empty form with a plain explanation', async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(service);
      await page.getByRole('link', { name: 'Fill in with govdx' }).click();
      await page.getByLabel('Username').fill('citizen2');
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'No, do not share' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await textOf(alert), /You chose not to share your details/);
      assert.equal(await page.getByLabel('Family name').inputValue(), '');
    } finally {
      await context.close();
    }
  });
});
