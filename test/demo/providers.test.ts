import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nationalIdAt, startDemoProviders } from '../../src/demo/index.ts';
import { call } from '../support/server.ts';

describe('demo provider APIs', () => {
  const POPULATION = 500;
  let providers: Awaited<ReturnType<typeof startDemoProviders>>;
  const resident = nationalIdAt(7);

  before(async () => {
    providers = await startDemoProviders({ host: '127.0.0.1', port: 0, population: POPULATION });
  });
  after(() => providers?.close());

  test("the tax agency answers a resident's income as nested JSON, the same every time", async () => {
    const first = await call(providers.url, 'GET', `/income/${resident}`);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.national_id, resident);
    assert.equal(first.body.year, 2024);
    assert.equal(typeof first.body.taxable_income, 'number');
    assert.ok(first.body.employer === null || /^\d{8}$/.test(first.body.employer.registry_code));
    const again = await call(providers.url, 'GET', `/income/${resident}`);
    assert.equal(again.text, first.text);
  });

  test("the health ministry answers a resident's disability and care needs", async () => {
    const response = await call(providers.url, 'GET', `/health/${resident}`);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.national_id, resident);
    assert.ok(['none', 'moderate', 'severe', 'profound'].includes(response.body.disability_status));
    assert.ok(Array.isArray(response.body.chronic_conditions));
    assert.ok(response.body.care_level >= 0 && response.body.care_level <= 4);
  });

  test('different residents get different answers', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 5; i++)
      bodies.add((await call(providers.url, 'GET', `/health/${nationalIdAt(i)}`)).text);
    assert.equal(bodies.size, 5);
  });

  test('a well-formed national ID outside the population gets 404 JSON from both APIs', async () => {
    const stranger = nationalIdAt(POPULATION);
    for (const path of [`/income/${stranger}`, `/health/${stranger}`]) {
      const response = await call(providers.url, 'GET', path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.error.code, 'NOT_FOUND');
    }
  });

  test('a national ID with a wrong check digit is unknown', async () => {
    const last = Number(resident.at(-1));
    const mistyped = `${resident.slice(0, -1)}${(last + 1) % 10}`;
    const response = await call(providers.url, 'GET', `/income/${mistyped}`);
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'NOT_FOUND');
  });
});
