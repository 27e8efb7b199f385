/**
 * The agency console as an organization admin of a demo agency lives it: sections with their own
 * addresses (a link, a bookmark and the back button land on them), reachable by keyboard; registering a
 * system with its public keys, adding and revoking a key, disabling and enabling it again; registering and
 * changing a service that asks citizens for consent. Every page and state passes axe and reflows at 320 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Browser, Page } from 'playwright-core';
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

const HOUSING = 'housing-agency';
const CONSOLE = `/agency-console/${HOUSING}`;

/** A new ES256 key pair as JWKs: the public half to register, the private half to show it is refused. */
async function keyPair(kid: string): Promise<{ publicKey: JWK; privateKey: JWK }> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  return {
    publicKey: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' },
    privateKey: { ...(await exportJWK(pair.privateKey)), kid, alg: 'ES256', use: 'sig' },
  };
}

/** What the API says about a thing, read with the signed-in person's session. */
async function read<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(new URL(path, page.url()).toString());
  assert.equal(response.status(), 200, `GET ${path}`);
  return (await response.json()) as T;
}

async function checkPage(page: Page, what: string): Promise<void> {
  await assertAccessible(page, what);
  await assertReflows(page, what);
}

describe('the agency console of an organization admin', { skip: skipWithoutChromium() }, () => {
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

  test('each section has its own address: links, the keyboard and the back button land on it', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'admin.housing', '/agency-console');
      const sections = page.getByRole('navigation', { name: 'Agency console of Housing Agency' });
      assert.deepEqual(await sections.getByRole('link').allTextContents(), [
        'Overview',
        'Agreements',
        'Datasets',
        'Services',
        'Use of the exchange',
        'Consent services',
        'Systems',
        'Members',
        'Access tokens',
      ]);
      assert.equal(
        await sections.getByRole('link', { name: 'Overview' }).getAttribute('aria-current'),
        'page',
      );
      await page.getByRole('heading', { name: 'What waits for you' }).waitFor();
      await checkPage(page, 'the console overview');

      // By keyboard: a section's link takes focus and Enter opens it.
      await sections.getByRole('link', { name: 'Systems' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${site.url}${CONSOLE}/systems`);
      await page.getByRole('heading', { level: 1, name: 'Systems of Housing Agency' }).waitFor();
      assert.equal(
        await sections.getByRole('link', { name: 'Systems' }).getAttribute('aria-current'),
        'page',
      );
      assert.equal(await page.title(), 'Systems of Housing Agency – govdx');

      await sections.getByRole('link', { name: 'Members' }).click();
      await page.waitForURL(`${site.url}${CONSOLE}/members`);
      const members = page.getByRole('table', { name: 'Members of Housing Agency' });
      await members.waitFor();
      assert.match(await textOf(members), /Organization administrator/);
      await checkPage(page, 'the members of the organization');

      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'Systems of Housing Agency' }).waitFor();
      await page.goBack();
      await page.getByRole('heading', { name: 'What waits for you' }).waitFor();

      // A bookmark of a section opens it, and the agreements page is one of the console's sections.
      for (const [path, heading] of [
        ['/datasets', 'Datasets of Housing Agency'],
        ['/services', 'Services of Housing Agency'],
        ['/usage', 'Use of the exchange by Housing Agency'],
        ['/consent-services', 'Consent services of Housing Agency'],
        ['/tokens', 'Access tokens of Housing Agency'],
        ['/agreements', 'Agreements of Housing Agency'],
      ] as const) {
        await page.goto(`${site.url}${CONSOLE}${path}`);
        await settled(page);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        const current = sections.locator('[aria-current="page"]');
        assert.equal(await current.count(), 1, `one section is current at ${path}`);
        await checkPage(page, heading);
      }
    }));

  test('a data steward is not offered the systems, and their address says so in words', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'steward.housing', `${CONSOLE}/systems`);
      const sections = page.getByRole('navigation', { name: 'Agency console of Housing Agency' });
      assert.equal(await sections.count(), 0);
      assert.match(await textOf(page.getByRole('main')), /has no such section for your roles/);
      await page.getByRole('link', { name: 'Go to its overview' }).click();
      await page.getByRole('heading', { name: 'What waits for you' }).waitFor();
      assert.equal(await sections.getByRole('link', { name: 'Systems' }).count(), 0);
      assert.equal(await sections.getByRole('link', { name: 'Consent services' }).count(), 1);
    }));

  test('an admin registers a system with its public key, adds a key from a file, revokes one, disables and enables it', () =>
    inNewWindow(browser, async (page) => {
      const first = await keyPair('intake-2026-1');
      const second = await keyPair('intake-2026-2');
      await signIn(page, site, 'admin.housing', `${CONSOLE}/systems`);
      assert.match(await textOf(page.getByRole('main')), /keeps only the\s+public half of the key/);
      const registered = page.getByRole('table', { name: 'Systems of Housing Agency' });
      await registered.getByRole('link', { name: 'Housing benefit case system' }).waitFor();

      // Nothing filled in: each field says what it needs.
      await page.getByRole('button', { name: 'Register the system' }).click();
      await page.getByText('Enter a short name, for example case-management').waitFor();
      await page.getByText('Paste the public keys, or choose the file that holds them').waitFor();
      await checkPage(page, 'the system form with its errors');

      // A private key never leaves the browser.
      await page.getByLabel('Name', { exact: true }).fill('Intake desk');
      await page.getByLabel('Short name').fill('benefit-system');
      await page.getByLabel('Public keys (JWKS)').fill(JSON.stringify({ keys: [first.privateKey] }));
      await page.getByRole('button', { name: 'Register the system' }).click();
      await page.getByText(/is a private key\. Paste only the public key/).waitFor();

      // The API's refusal, in words, beside the field it concerns.
      await page.getByLabel('Public keys (JWKS)').fill(JSON.stringify({ keys: [first.publicKey] }));
      await page.getByRole('button', { name: 'Register the system' }).click();
      await page.getByText('housing-agency already has a system "benefit-system".').waitFor();
      await assertAccessible(page, 'the system form with a refusal of the API');

      await page.getByLabel('Short name').fill('intake-desk');
      await page.getByRole('button', { name: 'Register the system' }).click();
      await page.getByText('Intake desk is registered. Open it to see its keys.').waitFor();
      await registered.getByRole('link', { name: 'Intake desk' }).click();
      await page.waitForURL(`${site.url}${CONSOLE}/systems/intake-desk`);
      await page.getByRole('heading', { level: 1, name: 'Intake desk' }).waitFor();
      const sections = page.getByRole('navigation', { name: 'Agency console of Housing Agency' });
      assert.equal(
        await sections.getByRole('link', { name: 'Systems' }).getAttribute('aria-current'),
        'true',
      );
      assert.match(await textOf(page.getByRole('main')), /Signs in as\s*housing-agency\/intake-desk/);
      const keys = page.getByRole('table', { name: 'Public keys of Intake desk' });
      assert.match(await textOf(keys), /intake-2026-1.*Elliptic curve P-256 \(ES256\).*Signing in/);
      assert.match(await textOf(keys), /The only key: add another before revoking it/);
      await checkPage(page, 'a system with one key');

      // A key from a file: its text lands in the box, to be read before it is sent.
      await page.getByLabel('Or choose the file with the public keys').setInputFiles({
        name: 'intake-2026-2.jwks.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ keys: [second.publicKey] })),
      });
      await page.getByText('The keys from intake-2026-2.jwks.json are in the box above.').waitFor();
      await page.getByRole('button', { name: 'Add the key' }).click();
      await page.getByText('The key “intake-2026-2” is added.').waitFor();
      await keys.getByRole('rowheader', { name: 'intake-2026-2' }).waitFor();

      // The same key again is refused before it is sent.
      await page.getByLabel('New public key').fill(JSON.stringify(second.publicKey));
      await page.getByRole('button', { name: 'Add the key' }).click();
      await page.getByText('There is already a key “intake-2026-2”.').waitFor();
      await page.getByLabel('New public key').fill('');

      await keys.getByRole('button', { name: 'Revoke key intake-2026-1' }).click();
      await page.getByRole('heading', { name: 'Revoke the key “intake-2026-1”?' }).waitFor();
      await checkPage(page, 'a system asking to confirm the revocation of a key');
      await page.getByRole('button', { name: 'Yes, revoke it' }).click();
      await page.getByText('The key “intake-2026-1” is revoked.').waitFor();
      await keys.getByRole('rowheader', { name: 'intake-2026-1' }).waitFor({ state: 'detached' });
      await keys.getByRole('rowheader', { name: 'intake-2026-2' }).waitFor();

      await page.getByRole('button', { name: 'Disable this system' }).click();
      await page.getByRole('heading', { name: 'Disable Intake desk?' }).waitFor();
      await checkPage(page, 'a system asking to confirm its disabling');
      await page.getByRole('button', { name: 'Yes, disable it' }).click();
      await page.getByText('Intake desk is disabled.').waitFor();
      assert.equal(
        (await read<{ status: string }>(page, `/api/v1/organizations/${HOUSING}/systems/intake-desk`)).status,
        'disabled',
      );
      await page.getByRole('button', { name: 'Enable this system again' }).click();
      await page.getByText('Intake desk is active again.').waitFor();

      const system = await read<{ status: string; jwks: { keys: Array<{ kid: string }> } }>(
        page,
        `/api/v1/organizations/${HOUSING}/systems/intake-desk`,
      );
      assert.equal(system.status, 'active');
      assert.deepEqual(
        system.jwks.keys.map((key) => key.kid),
        ['intake-2026-2'],
      );
    }));

  test('an admin registers a service that asks citizens for consent, changes where it sends them back and rotates its key', () =>
    inNewWindow(browser, async (page) => {
      const first = await keyPair('renting-1');
      const second = await keyPair('renting-2');
      await signIn(page, site, 'admin.housing', `${CONSOLE}/consent-services`);
      const services = page.getByRole('table', {
        name: 'Services of Housing Agency that ask citizens for consent',
      });
      await services.getByRole('link', { name: 'Housing benefit application' }).waitFor();

      await page.getByRole('button', { name: 'Register the service' }).click();
      await page.getByText('Choose at least one purpose').waitFor();
      await page.getByText('Enter the client id, for example housing-benefit-app').waitFor();
      await checkPage(page, 'the consent service form with its errors');

      await page.getByLabel('Client id').fill('rental-help');
      await page.getByLabel('Name', { exact: true }).fill('Help with renting');
      await page
        .getByLabel('Addresses citizens are sent back to')
        .fill('https://rent.housing.example/back#top');
      await page.getByRole('checkbox', { name: 'Pre-filling your housing benefit application' }).check();
      await page.getByLabel('Public keys (JWKS)').fill(JSON.stringify({ keys: [first.publicKey] }));
      await page.getByRole('button', { name: 'Register the service' }).click();
      await page.getByText('https://rent.housing.example/back#top has a part after #').waitFor();

      await page.getByLabel('Addresses citizens are sent back to').fill('https://rent.housing.example/back');
      await page.getByRole('button', { name: 'Register the service' }).click();
      await page.getByText(/Help with renting is registered\./).waitFor();
      await services.getByRole('link', { name: 'Help with renting' }).click();
      await page.waitForURL(`${site.url}${CONSOLE}/consent-services/rental-help`);
      await page.getByRole('heading', { level: 1, name: 'Help with renting' }).waitFor();
      await checkPage(page, 'a consent service');

      await page
        .getByLabel('Addresses citizens are sent back to')
        .fill('https://rent.housing.example/back\nhttps://rent.housing.example/mobile/back');
      await page.getByRole('checkbox', { name: 'Show citizens the facts before they are sent' }).check();
      await page.getByRole('button', { name: 'Save the changes' }).click();
      await page.getByText('The changes to Help with renting are saved.').waitFor();
      await page.locator('dd').filter({ hasText: 'https://rent.housing.example/mobile/back' }).waitFor();

      await page.getByLabel('New public key').fill(JSON.stringify(second.publicKey));
      await page.getByRole('button', { name: 'Add the key' }).click();
      await page.getByText('The key “renting-2” is added.').waitFor();
      const keys = page.getByRole('table', { name: 'Public keys of Help with renting' });
      await keys.getByRole('button', { name: 'Revoke key renting-1' }).click();
      await page.getByRole('button', { name: 'Yes, revoke it' }).click();
      await page.getByText('The key “renting-1” is revoked.').waitFor();
      await checkPage(page, 'a consent service after its key was rotated');

      const client = await read<{
        redirectUris: string[];
        preview: boolean;
        purposes: string[];
        jwks: { keys: Array<{ kid: string }> };
      }>(page, `/api/v1/organizations/${HOUSING}/consent-clients/rental-help`);
      assert.deepEqual(client.redirectUris, [
        'https://rent.housing.example/back',
        'https://rent.housing.example/mobile/back',
      ]);
      assert.equal(client.preview, true);
      assert.deepEqual(client.purposes, ['housing-benefit-application']);
      assert.deepEqual(
        client.jwks.keys.map((key) => key.kid),
        ['renting-2'],
      );
    }));

  test('a data protection officer reads the consent services but is not offered to change them', () =>
    inNewWindow(browser, async (page) => {
      await signIn(page, site, 'dpo.housing', `${CONSOLE}/consent-services`);
      await page.getByRole('link', { name: 'Housing benefit application' }).click();
      await page.getByRole('heading', { level: 1, name: 'Housing benefit application' }).waitFor();
      await settled(page);
      assert.equal(await page.getByRole('button', { name: 'Save the changes' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Revoke/ }).count(), 0);
      await checkPage(page, 'a consent service, read by a data protection officer');
    }));
});
