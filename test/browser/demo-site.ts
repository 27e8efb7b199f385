/**
 * What the browser tests stand on: a real govdx node with a small demo government and the built web
 * app, Debian's Chromium driven by playwright-core, and the few steps every test repeats.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/index.ts';
import { freePort, startNode } from '../../src/node/index.ts';
import type { Dialect } from '../../src/store/index.ts';
import { freshStore } from '../support/stores.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The `skip` option for browser tests: a reason when Chromium is missing, false to run.
 * Under CI=true it never skips, so a missing browser fails the run instead of hiding it.
 */
export function skipWithoutChromium(): false | string {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return false;
  return `Chromium is not installed at ${CHROMIUM_PATH}; install it (apt install chromium) or set CHROMIUM_PATH`;
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; install it or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface DemoSite {
  url: string;
  /** The data folder: the demo systems' private keys are in its `demo-keys`. */
  dataDir: string;
  close(): Promise<void>;
}

/** A govdx node on a free port, on a fresh store (SQLite unless asked) seeded with the demo government (200 residents). */
export async function startDemoSite(dialect: Dialect = 'sqlite'): Promise<DemoSite> {
  const fresh = await freshStore(dialect);
  const port = await freePort('127.0.0.1');
  const config = loadConfig({
    env: {},
    flags: {
      host: '127.0.0.1',
      port,
      logLevel: 'silent',
      dataDir: fresh.dataDir,
      demoPopulation: 200,
      // No scheduled data-quality run competing with the browser; the catalog test runs one on request.
      qualityCheckHours: 0,
      ...(fresh.databaseUrl ? { databaseUrl: fresh.databaseUrl } : {}),
    },
  });
  if (!existsSync(join(config.webDir, 'index.html'))) {
    await fresh.drop();
    throw new Error(
      `The web app is not built (no ${config.webDir}/index.html): run \`npm run build\` first.`,
    );
  }
  try {
    await seedDemo(fresh.store, config, { progress: false });
    const node = await startNode(config, { store: fresh.store, logger: false });
    return {
      url: node.url,
      dataDir: fresh.dataDir,
      async close() {
        await node.close();
        await fresh.drop();
      },
    };
  } catch (error) {
    await fresh.drop();
    throw error;
  }
}

/** A browser window with its own cookies, so that each test starts signed out. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
  return { context, page: await context.newPage() };
}

/** Runs `body` in a fresh browser window (signed out) and closes the window after. */
export async function inNewWindow(browser: Browser, body: (page: Page) => Promise<void>): Promise<void> {
  const { context, page } = await newPage(browser);
  try {
    await body(page);
  } finally {
    await context.close();
  }
}

/** Waits until the page has its heading and nothing is still loading. */
export async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('.status:not(.status--idle)'));
}

/** Opens the app, follows "Sign in" to the identity provider, signs in there and comes back signed in. */
export async function signIn(page: Page, site: DemoSite, username: string, path = '/'): Promise<void> {
  await page.goto(`${site.url}${path}`);
  await settled(page);
  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/idp\//);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(
    (url) => url.origin === new URL(site.url).origin && !/^\/(idp|auth)\b/.test(url.pathname),
  );
  await page.getByText('Signed in as').waitFor();
  await settled(page);
}

/** The text in an element, as the DOM holds it (including text only screen readers get). */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/** Runs axe for WCAG 2.0 and 2.1, levels A and AA; returns the violations as readable text, or '' for none. */
export async function accessibilityViolations(page: Page): Promise<string> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .map((violation) =>
      [
        `${violation.impact ?? 'unknown'}: ${violation.id}: ${violation.help} (${violation.helpUrl})`,
        ...violation.nodes.map(
          (node) =>
            `    at ${node.target.join(' ')}\n      ${node.failureSummary?.replaceAll('\n', '\n      ')}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}

/** Fails, naming the rules broken and where, unless the page passes axe (WCAG 2.1 AA). */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  assert.equal(violations, '', `${what} (${page.url()}) breaks WCAG 2.1 AA:\n${violations}`);
}

/**
 * Fails unless the page reflows at 320 CSS px (WCAG 2.1 1.4.10): nothing wider than the window. Names
 * the first elements that stick out. The window is put back to the size it had.
 */
export async function assertReflows(page: Page, what: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth || e.scrollWidth > e.clientWidth + 1)
      .slice(0, 8)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)} sw${e.scrollWidth} cw${e.clientWidth}`,
      ),
  );
  assert.ok(overflow <= 0, `${what} is ${overflow} px wider than the window at 320 px: ${wide.join(', ')}`);
  if (before) await page.setViewportSize(before);
}
