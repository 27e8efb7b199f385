/**
 * Issue 14, finding 4: clickjacking. A page on another site framed govdx's consent page invisibly, and
 * one click on it recorded a consent. govdx's pages now refuse to be framed (CSP frame-ancestors 'none'
 * and X-Frame-Options DENY): the framing page shows nothing of them.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type RunningDemo, startDemo } from '../../src/demo/index.ts';
import { freePort } from '../../src/node/index.ts';
import { freshDatabase } from '../support/stores.ts';
import {
  type DemoSite,
  launchChromium,
  newPage,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
} from './demo-site.ts';

/** Collects what the page's security policy refused, from the console and from the DOM's own events. */
async function policyViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) seen.push(message.text());
  });
  await page.exposeFunction('reportPolicyViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportPolicyViolation(text: string): void }).reportPolicyViolation(
        `${event.violatedDirective} ${event.blockedURI} at ${event.documentURI}`,
      );
    });
  });
  return seen;
}

const citizen = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!;

describe('clickjacking', { skip: skipWithoutChromium() }, () => {
  let demo: RunningDemo;
  let remove: () => Promise<void>;
  let browser: Browser;
  let service: string;
  let attacker: Server;
  let attackerUrl: string;
  let framed = '';

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
    // The attacker's page, on another port of the same host: the same site, as in the finding.
    attacker = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><html lang="en"><title>Win a prize</title><h1>Click to win</h1>` +
          `<iframe title="prize" src="${framed}" width="800" height="600"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await remove?.();
    await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  });

  test('a page on another port cannot show the consent page in a frame', async () => {
    const { context, page } = await newPage(browser);
    const govdx = new URL(demo.node.url).origin;
    const refused = await policyViolations(page);
    try {
      // The citizen starts a real consent request and is signed in at govdx.
      await page.goto(service);
      await page.getByRole('link', { name: 'Fill in with govdx' }).click();
      await page.waitForURL((url) => url.origin === govdx && url.pathname.startsWith('/idp/'));
      await page.getByLabel('Username').fill(citizen.username);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(
        (url) => url.origin === govdx && url.pathname.startsWith('/consent/interaction/'),
      );
      await page.getByRole('button', { name: 'Yes, share my details' }).waitFor();
      framed = page.url();
      assert.deepEqual(refused, [], 'govdx’s own pages break none of their own policy');

      // The same browser opens the attacker's page, which frames that consent page.
      const other = await context.newPage();
      await other.goto(attackerUrl);
      const frameElement = await other.waitForSelector('iframe');
      const frame = await frameElement.contentFrame();
      await frame?.waitForLoadState('load').catch(() => {});
      const shown = frame
        ? await frame
            .getByRole('button', { name: 'Yes, share my details' })
            .count()
            .catch(() => 0)
        : 0;
      assert.equal(shown, 0, 'the consent page is not shown inside the frame');
      assert.ok(
        !frame?.url().startsWith(govdx) || (await frame.content()).length < 200,
        `the frame holds nothing of govdx (${frame?.url()})`,
      );
    } finally {
      await context.close();
    }
  });
});

describe('the security policy breaks none of govdx’s own pages', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;
  before(async () => {
    site = await startDemoSite();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the web app, sign-in and the API documentation load without a policy violation', async () => {
    const { context, page } = await newPage(browser);
    const refused = await policyViolations(page);
    try {
      await signIn(page, site, 'citizen', '/my-data');
      await page.goto(`${site.url}/open-data`);
      await settled(page);
      await page.goto(`${site.url}/docs`);
      await page.locator('.swagger-ui .info').waitFor();
      assert.deepEqual(refused, []);
    } finally {
      await context.close();
    }
  });
});
