/**
 * Browsers ask every site for /favicon.ico; govdx answers with its icon rather than a 404 in every log,
 * and the web app's page names its icons.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/server.ts';

describe("govdx's icon", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(async () => {
    await server?.close();
  });

  test('/favicon.ico is an icon, and /favicon.svg the same as a drawing', async () => {
    const ico = await fetch(`${server.url}/favicon.ico`);
    assert.equal(ico.status, 200);
    assert.match(ico.headers.get('content-type') ?? '', /^image\/(x-icon|vnd\.microsoft\.icon)/);
    const bytes = new Uint8Array(await ico.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 4)], [0, 0, 1, 0], 'an ICO header');
    const svg = await fetch(`${server.url}/favicon.svg`);
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type') ?? '', /^image\/svg\+xml/);
  });

  test("the web app's page links both icons", async () => {
    const page = await call(server.url, 'GET', '/', { headers: { accept: 'text/html' } });
    assert.match(page.text, /<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml"/);
    assert.match(page.text, /<link rel="icon" href="\/favicon\.ico"/);
  });
});
