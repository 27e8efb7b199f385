/**
 * The catalog through the web app: a visitor searches open data, narrows it by topic and downloads a
 * file; a restricted dataset publishes no records and leads a civil servant to a pre-filled request;
 * a data steward edits a description and sees the quality of the dataset. Every page passes axe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DATASETS, DEMO_ACCOUNTS, ORGANIZATIONS, TEMPLATES } from '../../src/demo/index.ts';
import { fieldLabel } from '../../src/domain/index.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
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

const open = DATASETS.filter((d) => d.classification === 'public');
/** The open datasets that mention "children" in their title, description, keywords or fields. */
const withChildren = open.filter((d) =>
  [d.title, d.description, ...(d.keywords ?? []), ...d.fields.map((f) => `${f.name} ${f.description}`)]
    .join(' ')
    .toLowerCase()
    .includes('children'),
);
const aboutHealth = withChildren.filter((d) => d.themes?.includes('HEAL'));
const addresses = DATASETS.find((d) => d.organization === 'address-register' && d.slug === 'addresses')!;
const population = DATASETS.find((d) => d.organization === 'population-register' && d.slug === 'population')!;
const personTemplate = TEMPLATES.find(
  (t) => t.provider === 'population-register' && t.service === 'person' && !t.emergency,
)!;

const steward = DEMO_ACCOUNTS.find((a) => a.username === 'steward.address')!;

/** Waits until the announced result count reads `text`. */
async function countReads(page: Page, text: string): Promise<void> {
  await page.locator('.catalog__count', { hasText: text }).waitFor();
  await settled(page);
}

for (const dialect of DIALECTS) {
  describe(`web app: the catalog and the open-data portal (${dialect})`, {
    skip: skipWithoutChromium() || (await skipUnless(dialect)),
  }, () => {
    let site: DemoSite;
    let browser: Browser;

    before(async () => {
      browser = await launchChromium();
      site = await startDemoSite(dialect);
    });
    after(async () => {
      await browser?.close();
      await site?.close();
    });

    const inWindow = (body: (page: Page) => Promise<void>) => inNewWindow(browser, body);

    test('searching open data for a word, then ticking a topic, narrows the results and the address follows', () =>
      inWindow(async (page) => {
        assert.ok(withChildren.length >= 2 && aboutHealth.length >= 1, 'the demo data suits this test');
        await page.goto(`${site.url}/open-data`);
        await countReads(page, `${open.length} open datasets found`);
        await assertAccessible(page, 'the open-data portal');

        await page.getByLabel('Search open datasets').fill('children');
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await countReads(page, `${withChildren.length} open datasets found for “children”`);
        assert.equal(new URL(page.url()).searchParams.get('q'), 'children');
        assert.deepEqual(
          (await page.locator('.results__title').allTextContents()).sort(),
          withChildren.map((d) => d.title).sort(),
        );
        assert.equal(
          await page.locator('.catalog__count').getAttribute('aria-live'),
          'polite',
          'the count is read out when it changes',
        );

        const topics = page.getByRole('group', { name: 'Topic' });
        const health = topics.getByRole('checkbox', { name: `Health (${aboutHealth.length})` });
        await health.check();
        await countReads(
          page,
          `${aboutHealth.length} open dataset${aboutHealth.length === 1 ? '' : 's'} found`,
        );
        assert.deepEqual(new URL(page.url()).searchParams.getAll('theme'), ['HEAL']);
        assert.deepEqual(
          (await page.locator('.results__title').allTextContents()).sort(),
          aboutHealth.map((d) => d.title).sort(),
        );
        assert.ok(await health.isChecked());
        await page.getByRole('button', { name: 'Remove filter Topic: Health' }).waitFor();
        await assertAccessible(page, 'the open-data portal with a word and a topic');

        await page.goBack();
        await countReads(page, `${withChildren.length} open datasets found for “children”`);
        assert.deepEqual(new URL(page.url()).searchParams.getAll('theme'), []);
        assert.equal(await topics.getByRole('checkbox', { name: /^Health/ }).isChecked(), false);
      }));

    test('a misspelt word still finds what was meant, and the page says what it searched for', () =>
      inWindow(async (page) => {
        await page.goto(`${site.url}/open-data?q=brths`);
        await countReads(page, 'Nothing found for “brths”. Showing results for “births”:');
        const titles = await page.locator('.results__title').allTextContents();
        assert.ok(titles.includes('Births and deaths'), titles.join(', '));
        await assertAccessible(page, 'the open-data portal, showing results for a corrected word');
        await assertReflows(page, 'the open-data portal, showing results for a corrected word');
      }));

    test('ticking the personal-data sensitivities finds every dataset holding data about people', () =>
      inWindow(async (page) => {
        const aboutPeople = DATASETS.filter((d) =>
          d.fields.some((f) => f.sensitivity === 'personal' || f.sensitivity === 'special'),
        );
        assert.ok(aboutPeople.length >= 2, 'the demo data suits this test');
        await page.goto(`${site.url}/datasets`);
        await countReads(page, `${DATASETS.length} datasets found`);
        const sensitivity = page.getByRole('group', { name: 'Most sensitive data it holds' });
        await sensitivity.getByRole('checkbox', { name: /^Personal data/ }).check();
        await sensitivity.getByRole('checkbox', { name: /^Special-category personal data/ }).check();
        await countReads(page, `${aboutPeople.length} datasets found`);
        assert.deepEqual(new URL(page.url()).searchParams.getAll('sensitivity').sort(), [
          'personal',
          'special',
        ]);
        assert.deepEqual(
          (await page.locator('.results__title').allTextContents()).sort(),
          aboutPeople.map((d) => d.title).sort(),
        );
        await assertAccessible(page, 'the dataset search narrowed to personal data');

        // The open-data portal holds nothing about people, and does not offer the choice.
        await page.goto(`${site.url}/open-data?sensitivity=special`);
        await countReads(page, `${open.length} open datasets found`);
        assert.equal(await page.getByRole('group', { name: 'Most sensitive data it holds' }).count(), 0);
      }));

    test("an open dataset's page offers its CSV, whose first row names the fields, and counts the download", () =>
      inWindow(async (page) => {
        const path = `/organizations/${addresses.organization}/datasets/${addresses.slug}`;
        await page.goto(`${site.url}${path}`);
        await settled(page);
        await page.getByText('Downloaded 0 times so far (0 as CSV, 0 as JSON)').waitFor();
        const csv = page.getByRole('link', { name: 'Download as CSV' });
        const href = await csv.getAttribute('href');
        assert.ok(href);
        const response = await fetch(new URL(href, site.url));
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
        const [header, first] = (await response.text()).split(/\r?\n/);
        assert.equal(header, addresses.fields.map((f) => f.name).join(','));
        assert.ok(first, 'the file has records under its header');

        const facts = await textOf(page.locator('.summary-list').first());
        assert.match(facts, /Regions and cities/, 'topics are shown in words');
        assert.match(facts, /Creative Commons Attribution 4\.0/, 'the licence is shown by name');
        assert.match(facts, /Address data desk/);
        await page.getByText('Where points were lost, and why').click();
        assert.match(await textOf(page.locator('.quality')), /of \d+/);
        const turtle = page.getByRole('link', { name: 'DCAT-AP description in Turtle' });
        const ttl = await fetch(new URL((await turtle.getAttribute('href'))!, site.url));
        assert.match(ttl.headers.get('content-type') ?? '', /^text\/turtle/);
        await assertAccessible(page, 'an open dataset');

        await page.reload();
        await page
          .getByText('Downloaded once so far (1 as CSV, 0 as JSON), once in the last 30 days.')
          .waitFor();
      }));

    test("an open dataset's page shows its first rows, with the fields in plain words, as the download starts", () =>
      inWindow(async (page) => {
        await page.goto(`${site.url}/organizations/${addresses.organization}/datasets/${addresses.slug}`);
        await settled(page);
        const table = page.getByRole('table', { name: /^The first 10 of [\d,]+ records of / });
        await table.waitFor();
        const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
        assert.deepEqual(
          headers,
          addresses.fields.map((f) => fieldLabel(f)),
          'each column is headed by its plain label',
        );
        assert.equal(await table.locator('tbody tr').count(), 10);
        const csv = await fetch(
          new URL(`/catalog/datasets/${addresses.organization}/${addresses.slug}.csv`, site.url),
        );
        const firstRecord = (await csv.text()).split(/\r?\n/)[1]!;
        const firstRow = (await table.locator('tbody tr').first().locator('td').allTextContents()).map((c) =>
          c.trim(),
        );
        assert.equal(firstRow[0], firstRecord.split(',')[0], 'the preview starts where the download does');
        await assertAccessible(page, 'an open dataset with its preview');
        await assertReflows(page, 'an open dataset with its preview');
      }));

    test('a restricted dataset publishes no records, and tells a visitor how a civil servant gets access', () =>
      inWindow(async (page) => {
        const path = `/organizations/${population.organization}/datasets/${population.slug}`;
        await page.goto(`${site.url}${path}`);
        await settled(page);
        const access = page.getByRole('region', { name: 'Getting access' });
        assert.match(await textOf(access), /The records of this dataset are not published/);
        assert.match(await textOf(access), /sign in/);
        assert.equal(await page.getByRole('link', { name: /^Download/ }).count(), 0);
        assert.equal(await page.getByRole('heading', { name: 'Download the data' }).count(), 0);
        await assertAccessible(page, 'a restricted dataset, signed out');
      }));

    test("a civil servant's request for access lands on the request form, filled in for the dataset's service", () =>
      inWindow(async (page) => {
        const path = `/organizations/${population.organization}/datasets/${population.slug}`;
        await signIn(page, site, 'steward.housing', path);
        await assertAccessible(page, 'a restricted dataset, signed in');
        await page.getByRole('link', { name: 'Request access' }).click();
        await page.waitForURL(/\/agency-console\/housing-agency\/agreements\/new\?/);
        await settled(page);
        const query = new URL(page.url()).searchParams;
        assert.equal(query.get('provider'), population.organization);
        assert.equal(query.get('service'), 'person');
        const provider = page.getByLabel('Which organization holds the data?');
        await page.waitForFunction(
          (slug) => (document.querySelector('select') as HTMLSelectElement | null)?.value === slug,
          population.organization,
        );
        assert.equal(await provider.inputValue(), population.organization);
        const template = page.getByRole('radio', { name: personTemplate.title });
        await page.getByRole('heading', { name: personTemplate.title }).waitFor();
        assert.ok(await template.isChecked(), "the service's template is chosen");
        await assertAccessible(page, 'the request form, filled in from a dataset');
      }));

    test('a data steward edits the description, is told what to correct, and sees it saved', () =>
      inWindow(async (page) => {
        const path = `/organizations/${addresses.organization}/datasets/${addresses.slug}`;
        await signIn(page, site, 'steward.address', path);
        await page.getByRole('link', { name: 'Edit description' }).click();
        await settled(page);
        assert.equal(new URL(page.url()).pathname, `${path}/edit`);
        assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), addresses.title);
        assert.ok(await page.getByRole('checkbox', { name: 'Regions and cities' }).isChecked());
        await assertAccessible(page, 'the description form');

        const description =
          'Every address in the Republic of Example, with its postcode, municipality and map position.';
        await page.getByLabel('Description', { exact: true }).fill(description);
        await page.getByRole('checkbox', { name: 'Government and public sector' }).check();
        await page.getByLabel('Email address').fill('not an address');
        await page.getByRole('button', { name: 'Save changes' }).click();
        const problem = page.getByRole('alert');
        await problem.waitFor();
        assert.match(await textOf(problem), /Enter an email address like/);
        await assertAccessible(page, 'the description form with an error');

        await page.getByLabel('Email address').fill('addresses@address.example');
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.waitForURL((url) => url.pathname === path);
        await page
          .getByRole('status')
          .filter({ hasText: 'Your changes to the description are saved.' })
          .waitFor();
        await page.locator('.lead', { hasText: description }).waitFor();
        const saved = (await fetch(`${site.url}/api/v1${path}`).then((r) => r.json())) as {
          description: string;
          themes: string[];
          contactPoint: { email: string };
        };
        assert.equal(saved.description, description);
        assert.deepEqual([...saved.themes].sort(), ['GOVE', 'REGI']);
        assert.equal(saved.contactPoint.email, 'addresses@address.example');
        await assertAccessible(page, 'a dataset just edited');
      }));

    test('the quality page lists what to do for each lost point, and runs the record checks on request', () =>
      inWindow(async (page) => {
        const path = `/organizations/${addresses.organization}/datasets/${addresses.slug}`;
        await signIn(page, site, 'steward.address', path);
        await page.getByRole('link', { name: 'Check its quality' }).click();
        await settled(page);
        assert.equal(new URL(page.url()).pathname, `${path}/quality`);
        const rows = page.locator('.quality tbody tr');
        assert.ok((await rows.count()) > 0, 'every indicator is listed');
        const toDo = rows.filter({ hasText: 'To do' });
        for (const reason of await toDo.locator('td:last-child').allTextContents()) {
          assert.ok(reason.trim().length > 0, 'every lost point says why');
        }
        await assertAccessible(page, 'the quality page');

        const history = page.getByRole('table', { name: 'All checks, newest first' });
        const before = (await history.count()) === 0 ? 0 : await history.locator('tbody tr').count();
        await page.getByRole('button', { name: 'Run checks now' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: /The records are checked: \d+ records/ })
          .waitFor();
        await history.locator('tbody tr').nth(before).waitFor();
        assert.equal(await history.locator('tbody tr').count(), before + 1);
        assert.equal(
          await history.locator('tbody tr').first().locator('td').first().textContent(),
          steward.name,
          'the newest check says who started it',
        );
        await assertAccessible(page, 'the quality page after a check');
      }));

    test('the leaderboard ranks every organization with datasets, best first, and an organization shows its score', () =>
      inWindow(async (page) => {
        await page.goto(`${site.url}/open-data/quality`);
        await settled(page);
        const table = page.getByRole('table', { name: 'Organizations, best described first' });
        const names = await table.locator('tbody th').allTextContents();
        const expected = ORGANIZATIONS.filter((o) => DATASETS.some((d) => d.organization === o.slug)).map(
          (o) => o.name,
        );
        assert.deepEqual([...names].sort(), [...expected].sort());
        const scores = (await table.locator('tbody td:nth-of-type(3)').allTextContents()).map((t) =>
          Number.parseFloat(t),
        );
        assert.deepEqual(
          scores,
          [...scores].sort((a, b) => b - a),
        );
        await assertAccessible(page, 'the leaderboard');

        await table.getByRole('link', { name: 'Land and Address Board' }).click();
        await settled(page);
        await page.getByRole('heading', { name: 'How well it describes its data' }).waitFor();
        assert.match(await textOf(page.locator('.quality-summary')), /of 405 points/);
        await assertAccessible(page, 'an organization with its score');

        await page.goto(
          `${site.url}/organizations/${addresses.organization}/datasets/${addresses.slug}/quality`,
        );
        await settled(page);
        assert.ok((await page.locator('.quality tbody tr').count()) > 0, 'anyone sees the score in full');
        assert.equal(await page.getByRole('button', { name: 'Run checks now' }).count(), 0);
        await assertAccessible(page, 'the quality page, signed out');
      }));
  });
}
