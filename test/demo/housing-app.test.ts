/**
 * The demo housing benefit application refuses an application with nothing filled in: it says, for each
 * field, what is missing, and gives no reference.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type HousingApp, startHousingApp } from '../../src/demo/index.ts';

describe('the demo housing benefit application', () => {
  let app: HousingApp;

  before(async () => {
    // govdx is never asked: only the form is used.
    app = await startHousingApp({
      host: '127.0.0.1',
      port: 0,
      govdxUrl: 'http://127.0.0.1:9',
      keyFile: join(tmpdir(), 'no-such-key.json'),
    });
  });
  after(() => app?.close());

  const apply = (fields: Record<string, string>) =>
    fetch(`${app.url}/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  test('an empty application is refused, and says what to fill in', async () => {
    const response = await apply({});
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.doesNotMatch(html, /Your reference is/);
    assert.match(html, /Enter your given name/);
    assert.match(html, /Enter your postcode/);
  });

  test('a complete application gets a reference', async () => {
    const response = await apply({
      given_name: 'Phoebe',
      family_name: 'Bruen',
      street: 'Main Street',
      house_number: '1',
      apartment: '',
      postcode: '10001',
      municipality: 'Exampleton',
      income_year: '2025',
      taxable_income: '21000',
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Your reference is <strong>HB-/);
  });
});
