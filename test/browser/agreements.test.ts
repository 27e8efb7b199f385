/**
 * An agreement's whole life through the web app: the Housing Agency requests data with a template
 * of the Population Register Office, whose data steward approves it; it shows in the public register
 * and data flows; revoked in the agency console, the very next call is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  DEMO_ACCOUNTS,
  demoKeyDir,
  demoKeyFile,
  ORGANIZATIONS,
  PURPOSES,
  SYSTEMS,
  TEMPLATES,
} from '../../src/demo/index.ts';
import { accessToken, readPrivateJwk } from '../../src/exchange/index.ts';
import {
  accessibilityViolations,
  type DemoSite,
  inNewWindow,
  launchChromium,
  newPage,
  settled,
  signIn,
  skipWithoutChromium,
  startDemoSite,
  textOf,
} from './demo-site.ts';

const template = TEMPLATES.find((t) => t.slug === 'person-for-housing-register')!;
const purpose = PURPOSES.find((p) => p.slug === template.purpose)!;
const housing = ORGANIZATIONS.find((o) => o.slug === 'housing-agency')!;
const population = ORGANIZATIONS.find((o) => o.slug === template.provider)!;
const system = SYSTEMS.find((s) => s.organization === housing.slug && s.slug === 'benefit-system')!;

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  assert.equal(violations, '', `${what} (${page.url()}) breaks WCAG 2.1 AA:\n${violations}`);
}

describe('web app: a data-sharing agreement from request to revocation', {
  skip: skipWithoutChromium(),
}, () => {
  let site: DemoSite;
  let browser: Browser;
  /** The agreement the first test requests; the later ones follow it. */
  let agreementId = '';
  /** One call of the Housing Agency's benefit system for a resident, for the template's purpose. */
  let lookUp: () => Promise<{ status: number; code: string | null }>;

  before(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: site.dataDir }), system));
    const subject = DEMO_ACCOUNTS.find((a) => a.nationalId)!.nationalId!;
    lookUp = async () => {
      const token = await accessToken(key, `${system.organization}/${system.slug}`, site.url);
      const response = await fetch(`${site.url}/exchange/v1/${population.slug}/person/${subject}`, {
        headers: {
          authorization: `Bearer ${token}`,
          'data-purpose': purpose.slug,
          'data-subject': subject,
          'on-behalf-of': 'housing.officer.3@housing.example',
        },
      });
      const body = (await response.json()) as { error?: { code?: string } };
      return { status: response.status, code: body.error?.code ?? null };
    };
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  const inWindow = (body: (page: Page) => Promise<void>) => inNewWindow(browser, body);

  test("the Housing Agency's data steward requests data with the Population Register Office's template and sends it", () =>
    inWindow(async (page) => {
      assert.equal((await lookUp()).status, 403, 'no data flows before there is an agreement');

      await signIn(page, site, 'steward.housing', '/agency-console');
      await page.getByRole('link', { name: `Agreements of ${housing.name}` }).click();
      await settled(page);
      await assertAccessible(page, 'the agreements of the Housing Agency');
      await page.getByRole('link', { name: 'Request data from another organization' }).click();
      await settled(page);

      await page.getByLabel('Which organization holds the data?').selectOption(population.slug);
      await page.getByRole('radio', { name: template.title }).check();
      const fields = page.getByRole('table', { name: 'Fields you will receive' });
      await fields.waitFor();
      assert.deepEqual(
        (await fields.locator('tbody th').allTextContents()).sort(),
        [...template.fields].sort(),
      );
      assert.match(await textOf(fields), /Personal/, 'each field shows its sensitivity');
      await assertAccessible(page, 'the request form with a template chosen');

      await page.getByRole('button', { name: 'Send for approval' }).click();
      await page.waitForURL(/\/agency-console\/housing-agency\/agreements\/[0-9a-f-]{36}$/);
      await settled(page);
      agreementId = new URL(page.url()).pathname.split('/').pop()!;
      assert.match(
        await textOf(page.getByRole('status').filter({ hasText: 'sent' })),
        /sent to Population Register/,
      );
      await page.getByText('Waiting for approval').first().waitFor();
      const approvals = page.getByRole('table', { name: 'Approvals of this agreement' });
      assert.deepEqual(
        await approvals.locator('tbody th').allTextContents(),
        [`Data steward of the providing organization${population.name}`],
        'a request that keeps the template needs only the provider steward',
      );
      assert.ok(
        (await textOf(page.locator('main'))).includes(
          `The template “${template.title}” of ${population.name}`,
        ),
        'the template by its title, not its slug',
      );
      await assertAccessible(page, 'the agreement page, waiting for approval');
    }));

  test("the Population Register Office's data steward sees it waiting and approves it", () =>
    inWindow(async (page) => {
      assert.ok(agreementId, 'the request was sent');
      await signIn(page, site, 'steward.population', '/agency-console');
      const waiting = page.getByRole('table', { name: 'Agreements waiting for your approval' });
      await waiting.waitFor();
      const row = waiting.getByRole('row', { name: new RegExp(purpose.title) });
      assert.match(await textOf(row), new RegExp(housing.name));
      await row.getByRole('link', { name: purpose.title }).click();
      await settled(page);
      assert.ok(page.url().endsWith(`/agency-console/${population.slug}/agreements/${agreementId}`));

      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.getByRole('heading', { name: 'Approve this agreement?' }).waitFor();
      await assertAccessible(page, 'the agreement page, asking to approve');
      await page.getByRole('button', { name: 'Approve the agreement' }).click();
      await page.getByRole('status').filter({ hasText: 'Your approval is recorded.' }).waitFor();
      await page.getByText('In force', { exact: true }).first().waitFor();
      const history = page.getByRole('table', { name: /What happened to this agreement/ });
      assert.match(await textOf(history), /Approved/);
      await assertAccessible(page, 'the agreement page, in force');
    }));

  test('the agreement shows as in force in the public register, without signing in', () =>
    inWindow(async (page) => {
      await page.goto(`${site.url}/`);
      await settled(page);
      await page.getByRole('link', { name: /which organizations share people's data/ }).click();
      await settled(page);
      assert.equal(new URL(page.url()).pathname, '/agreements/register');
      await page.getByLabel('Who receives the data').selectOption(housing.slug);
      await page.getByLabel('Status').selectOption('active');
      await page.getByRole('button', { name: 'Search' }).click();
      await settled(page);
      const entry = page
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { name: purpose.title }) });
      await entry.waitFor();
      const text = await textOf(entry);
      assert.match(text, /In force/);
      assert.match(text, new RegExp(`${population.name} to ${housing.name}`));
      assert.match(text, /Public task or official authority \(GDPR Art\. 6\(1\)\(e\)\)/);
      for (const field of template.fields) assert.match(text, new RegExp(field));
      assert.match(
        await textOf(page.getByRole('table', { name: /Time from request to in force/ })),
        /Housing Agency/,
      );

      const policy = entry.getByRole('link', { name: /ODRL policy/ });
      assert.equal(await policy.getAttribute('href'), `/agreements/${agreementId}/odrl`);
      const odrl = await fetch(`${site.url}/agreements/${agreementId}/odrl`).then((r) => r.json());
      assert.ok(JSON.stringify(odrl).includes('odrl'), 'the link leads to an ODRL policy');
      await assertAccessible(page, 'the public register');
    }));

  test('the housing benefit system receives the data through the exchange', async () => {
    assert.deepEqual(await lookUp(), { status: 200, code: null });
  });

  test('revoked in the agency console with a reason, the next call is refused', async () => {
    const housingWindow = await newPage(browser);
    try {
      // The Housing Agency's steward has the agreement open, in force, before it is revoked.
      const stale = housingWindow.page;
      await signIn(
        stale,
        site,
        'steward.housing',
        `/agency-console/${housing.slug}/agreements/${agreementId}`,
      );
      await stale.getByRole('button', { name: 'Revoke', exact: true }).waitFor();

      await inWindow(async (page) => {
        await signIn(
          page,
          site,
          'steward.population',
          `/agency-console/${population.slug}/agreements/${agreementId}`,
        );
        await page.getByRole('button', { name: 'Revoke', exact: true }).click();
        await page.getByRole('button', { name: 'Revoke the agreement' }).click();
        await page.getByText('Say why, in words the other organization understands').waitFor();
        await assertAccessible(page, 'the revoke question without a reason');
        await page
          .getByLabel('Reason')
          .fill('The social housing register moved to the municipalities on 1 May.');
        await page.getByRole('button', { name: 'Revoke the agreement' }).click();
        await page.getByRole('status').filter({ hasText: 'The agreement is revoked.' }).waitFor();
        await page.getByText('Ended early', { exact: true }).first().waitFor();
        // An agreement ended early says when it ended, not the end date it was made with.
        assert.match(await textOf(page.locator('main')), /, until it ended on \d{1,2} [A-Z][a-z]+ \d{4}/);
        const history = page.getByRole('table', { name: /What happened to this agreement/ });
        assert.match(
          await textOf(history),
          /Revoked.*The social housing register moved to the municipalities/s,
        );
        await assertAccessible(page, 'the agreement page, revoked');
      });

      assert.deepEqual(await lookUp(), { status: 403, code: 'AGREEMENT_REVOKED' });

      // Revoking it again from the page opened before is refused, and the refusal is read out.
      await stale.getByRole('button', { name: 'Revoke', exact: true }).click();
      await stale.getByLabel('Reason').fill('We no longer need it.');
      await stale.getByRole('button', { name: 'Revoke the agreement' }).click();
      const alert = stale.getByRole('alert');
      await alert.waitFor();
      assert.match(await textOf(alert), /The agreement was not revoked/);
      assert.match(await textOf(alert), /ended early cannot be asked to revoke/);
      await assertAccessible(stale, 'the agreement page with a refusal');
    } finally {
      await housingWindow.context.close();
    }
  });
});
