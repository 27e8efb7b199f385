/**
 * "Why were these records linked?": a data steward opens an explanation file of record linkage (JSON Lines,
 * written here as `govdx registry link --explain` writes it). The lines that cannot be used are named by
 * number and the good pairs are still listed; a chosen pair's waterfall chart has a name that sums it up,
 * and its table's steps add up to the total row, which is the match weight. Every state passes axe, breaks
 * no rule of the Content-Security-Policy, and reflows at 320 px; 100,000 pairs stay usable.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PairExplanation } from '../../web/src/linkage-explanation.ts';
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

const odds = (weight: number) => 2 ** weight / (1 + 2 ** weight);

type Step = PairExplanation['comparisons'][number];

function step(comparison: string, label: string, level: string, fields: Partial<Step>): Step {
  return {
    comparison,
    label,
    level,
    left: null,
    right: null,
    m: null,
    u: null,
    term_frequency_adjustment: 0,
    weight: 0,
    ...fields,
  };
}

/** A pair whose parts add up, with weights that print exactly in two decimals. */
function explained(left_id: string, right_id: string, comparisons: Step[]): PairExplanation {
  const prior = -12;
  let weight = prior;
  for (const c of comparisons) weight += c.weight;
  return {
    left_id,
    right_id,
    match_weight: weight,
    match_probability: odds(weight),
    prior: { probability: odds(prior), weight: prior },
    comparisons,
  };
}

const EXPLAINED = explained('P-1001', 'R-2001', [
  step('given_name', 'Given name', 'Exactly the same', {
    left: 'Maria',
    right: 'Maria',
    m: 0.95,
    u: 0.001,
    term_frequency_adjustment: 0.75,
    weight: 6.5,
  }),
  step('surname', 'Surname', 'Very similar (Jaro–Winkler ≥ 0.92)', {
    left: 'Tamm',
    right: 'Tam',
    m: 0.2,
    u: 0.0008,
    weight: 8.25,
  }),
  step('date_of_birth', 'Date of birth', 'Different', {
    left: '1984-03-07',
    right: '1986-11-21',
    m: 0.05,
    u: 0.2,
    weight: -2,
  }),
  step('postcode', 'Postcode', 'Missing on one side', { left: '10115', right: null }),
]);
const STRONG = explained('P-1003', 'R-2003', [
  step('given_name', 'Given name', 'Exactly the same', {
    left: 'Jaan',
    right: 'Jaan',
    m: 0.95,
    u: 0.001,
    weight: 10,
  }),
  step('surname', 'Surname', 'Exactly the same', {
    left: 'Kask',
    right: 'Kask',
    m: 0.9,
    u: 0.002,
    weight: 9,
  }),
  step('date_of_birth', 'Date of birth', 'Exactly the same', {
    left: '1990-01-02',
    right: '1990-01-02',
    m: 0.97,
    u: 0.008,
    weight: 7,
  }),
]);
const WEAK = explained('P-1006', 'R-2006', [
  step('surname', 'Surname', 'Exactly the same', {
    left: 'Saar',
    right: 'Saar',
    m: 0.9,
    u: 0.002,
    weight: 10.5,
  }),
]);
const NOT_ADDING_UP = { ...explained('P-1004', 'R-2004', STRONG.comparisons.slice(0, 2)), match_weight: 7.5 };
const { comparisons: _, ...WITHOUT_COMPARISONS } = explained('P-1005', 'R-2005', []);

const FILE_LINES = [
  JSON.stringify(EXPLAINED),
  '{"left_id": "P-1002", "right_id": ',
  JSON.stringify(STRONG),
  JSON.stringify({ ...NOT_ADDING_UP, match_probability: odds(7.5) }),
  JSON.stringify(WITHOUT_COMPARISONS),
  JSON.stringify(WEAK),
];

/** The signed numbers of the page ("+6.50", "−12.00") as numbers. */
function bits(text: string): number {
  const found = /([+\u2212]?\d+\.\d\d)/.exec(text);
  assert.ok(found, `a number of bits in ${JSON.stringify(text)}`);
  return Number(found[1]?.replace('\u2212', '-'));
}

describe('why were these records linked', { skip: skipWithoutChromium() }, () => {
  let site: DemoSite;
  let browser: Browser;
  let folder: string;
  let small: string;
  let large: string;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'govdx-explain-'));
    small = join(folder, 'explanations.jsonl');
    await writeFile(small, `${FILE_LINES.join('\n')}\n`);
    large = join(folder, 'many.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const weight = (i % 400) / 10;
      const pair = explained(`L-${i}`, `R-${i}`, [
        step('surname', 'Surname', 'Exactly the same', {
          left: 'Kask',
          right: 'Kask',
          m: 0.9,
          u: 0.002,
          weight: 12 + weight,
        }),
      ]);
      lines.push(JSON.stringify(pair));
    }
    await writeFile(large, `${lines.join('\n')}\n`);
    browser = await launchChromium();
    site = await startDemoSite();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await rm(folder, { recursive: true, force: true });
  });

  /** Collects what the browser refused under the Content-Security-Policy (inline styles or scripts). */
  const refusals = (page: Page) => {
    const seen: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
    });
    return seen;
  };

  const openFile = async (page: Page, path: string) => {
    await page.getByLabel('Explanation file').setInputFiles(path);
  };

  test('a data steward opens a file: its bad lines are named, its pairs listed, a pair explained by chart and table', () =>
    inNewWindow(browser, async (page) => {
      const csp = refusals(page);
      await signIn(page, site, 'steward.population');
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Record linkage' })
        .click();
      await settled(page);
      await page.getByRole('heading', { level: 1, name: 'Why were these records linked?' }).waitFor();
      await page.getByText('nothing is uploaded').waitFor();
      await assertAccessible(page, 'the page before a file is opened');

      await openFile(page, small);
      await page.getByText('Read explanations.jsonl: 3 pairs, 3 lines with problems.').waitFor();
      const problems = page.getByRole('alert').filter({ hasText: 'could not be used' });
      assert.equal(await problems.getByRole('heading').innerText(), '3 lines of the file could not be used');
      const items = await problems.getByRole('listitem').allInnerTexts();
      assert.equal(items.length, 3, items.join('\n'));
      assert.match(items[0] ?? '', /^Line 2 is not valid JSON \(/);
      assert.equal(
        items[1],
        'Line 4: the parts do not add up: before comparing and the comparisons come to 7 bits, but the match weight is 7.5 bits.',
      );
      assert.equal(items[2], 'Line 5: it has no “comparisons” (a list).');
      await assertAccessible(page, 'the page with the lines that could not be used');

      // The good pairs, weakest first, each with its chance as a percentage and its weight.
      const pairs = page.getByRole('table', { name: /Linked pairs/ });
      const rows = pairs.locator('tbody tr');
      assert.deepEqual(await rows.locator('th button').allTextContents(), [
        'P-1006 and R-2006: why were they linked?',
        'P-1001 and R-2001: why were they linked?',
        'P-1003 and R-2003: why were they linked?',
      ]);
      assert.deepEqual(await rows.locator('th .hint').allInnerTexts(), ['Line 6', 'Line 1', 'Line 3']);
      assert.deepEqual(await rows.locator('td:nth-child(2)').allInnerTexts(), ['R-2006', 'R-2001', 'R-2003']);
      assert.deepEqual(await rows.locator('td:nth-child(3)').allInnerTexts(), [
        '26.1%',
        '62.7%',
        'over 99.99%',
      ]);
      assert.equal(bits(await textOf(rows.nth(1).locator('td').nth(2))), 0.75);
      await page.getByLabel('Order').selectOption({ label: 'Strongest evidence first' });
      assert.match(await rows.first().innerText(), /^P-1003\s/);
      await page.getByLabel('Record ID contains').fill('r-2001');
      await page.getByText('Showing 1 to 1 of 1 pair.').waitFor();
      assert.equal(await rows.count(), 1);

      await page.getByRole('button', { name: 'P-1001 and R-2001: why were they linked?' }).click();
      const heading = page.getByRole('heading', { level: 2, name: 'Why P-1001 and R-2001 were linked' });
      await heading.waitFor();
      assert.ok(await heading.evaluate((h) => h === document.activeElement), 'the explanation takes focus');

      // The chart: named by a summary of every step, drawn with its axis, its 50% line and one bar a step.
      const chart = page.getByRole('img', { name: /^Waterfall chart of the evidence, in bits\./ });
      await chart.waitFor();
      const name = (await chart.getAttribute('aria-label')) ?? '';
      assert.match(
        name,
        /Before comparing: \u221212\.00\. Given name: \+6\.50; Surname: \+8\.25; Date of birth: \u22122\.00; Postcode: 0\.00\./,
      );
      assert.match(name, /Total: \+0\.75 bits, a 62\.7% chance that they are the same person\./);
      await chart.locator('.recharts-bar-rectangle path').first().waitFor();
      assert.equal(
        await chart.locator('.recharts-bar-rectangle').count(),
        6,
        'the prior, 4 comparisons and the total',
      );
      await chart.getByText('Evidence, in bits: each +1 doubles the odds').waitFor();
      await chart.getByText(/^0\s\(50%\)$/).waitFor();

      // The table beside it: one row a step, in the file's order, that add up to the total row.
      const table = page.getByRole('table', { name: 'Each step for records P-1001 and R-2001, in bits' });
      const steps = table.locator('tbody tr');
      assert.deepEqual(
        (await steps.locator('th').allInnerTexts()).map((cell) => cell.split('\n')[0]),
        ['Before comparing', 'Given name', 'Surname', 'Date of birth', 'Postcode'],
      );
      const contributions = (await steps.locator('td:last-child').allInnerTexts()).map(bits);
      assert.deepEqual(contributions, [-12, 6.5, 8.25, -2, 0]);
      const total = table.locator('tfoot tr');
      assert.match(await total.innerText(), /^Total: the match weight/);
      const totalBits = bits(await textOf(total.locator('td:last-child')));
      assert.equal(totalBits, EXPLAINED.match_weight);
      assert.equal(
        contributions.reduce((sum, b) => sum + b, 0),
        totalBits,
      );
      const given = await steps.nth(1).innerText();
      assert.match(given, /P-1001: “Maria”\s+R-2001: “Maria”/);
      assert.match(given, /Same person: 95% of the time; different people: 0\.1% of the time\./);
      assert.match(given, /includes \+0\.75 because this value is rare/);
      assert.match(await steps.nth(4).innerText(), /R-2001: missing[\s\S]*Not counted: a value is missing\./);
      assert.match(await total.innerText(), /Chance that they are the same person: 62\.7%/);
      await page.getByRole('heading', { name: 'How to read this' }).waitFor();
      await assertAccessible(page, 'the explanation of a pair');

      await page.setViewportSize({ width: 320, height: 800 });
      await chart.locator('.recharts-bar-rectangle path').first().waitFor();
      await assertReflows(page, 'the explanation of a pair at 320 px');
      const chartWidth = await chart.evaluate((element) => element.getBoundingClientRect().width);
      assert.ok(chartWidth <= 320 && chartWidth > 200, `the chart fits the narrow window: ${chartWidth} px`);
      await page.getByLabel('Record ID contains').fill('');
      await page.getByText('Showing 1 to 3 of 3 pairs.').waitFor();
      await assertReflows(page, 'the list of pairs and the problems at 320 px');
      await assertAccessible(page, 'the page at 320 px');

      assert.deepEqual(csp, [], 'nothing is refused under the Content-Security-Policy');
    }));

  test('anyone may open the page without signing in; it reflows at 320 px before a file is opened', () =>
    inNewWindow(browser, async (page) => {
      await page.setViewportSize({ width: 320, height: 800 });
      await page.goto(`${site.url}/linkage/explanations`);
      await settled(page);
      await page.getByLabel('Explanation file').waitFor();
      await assertReflows(page, 'the page before a file is opened');
      await assertAccessible(page, 'the page signed out at 320 px');
    }));

  test('100,000 pairs are read in the browser, listed 25 a page, filtered and paged', () =>
    inNewWindow(browser, async (page) => {
      await page.goto(`${site.url}/linkage/explanations`);
      await settled(page);
      const started = Date.now();
      await openFile(page, large);
      await page
        .getByText('Read many.jsonl: 100,000 pairs, 0 lines with problems.')
        .waitFor({ timeout: 60_000 });
      const seconds = (Date.now() - started) / 1000;
      assert.ok(seconds < 30, `read in ${seconds} s`);
      await page.getByText('Showing 1 to 25 of 100,000 pairs.').waitFor();
      await page.getByText('Page 1 of 4,000').waitFor();
      const rows = page.getByRole('table', { name: /Linked pairs/ }).locator('tbody tr');
      assert.equal(await rows.count(), 25);
      assert.match(await rows.first().innerText(), /^L-0\s/, 'the weakest first');

      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText('Showing 26 to 50 of 100,000 pairs.').waitFor();
      await page.getByLabel('Record ID contains').fill('L-99999');
      await page.getByText('Showing 1 to 1 of 1 pair.').waitFor();
      await page.getByRole('button', { name: 'L-99999 and R-99999: why were they linked?' }).click();
      await page.getByRole('img', { name: /Total: \+39\.90 bits/ }).waitFor();
      await assertAccessible(page, 'a pair of a large file');
    }));
});
