/** Calls to addresses organizations give (webhooks, link checks) reach only the public internet unless allowed. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { probeAddress } from '../../src/catalog/url-checks.ts';
import { isPublicAddress, outboundFetch } from '../../src/outbound/index.ts';

describe('outbound calls', () => {
  let server: Server;
  let port: number;
  let calls = 0;

  before(async () => {
    server = createServer((_request, response) => {
      calls++;
      response.end('inside');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('only public unicast addresses count as public', () => {
    const refused = [
      '127.0.0.1', // loopback
      '10.0.0.8', // RFC 1918
      '172.16.4.1',
      '192.168.1.1',
      '169.254.169.254', // link-local: cloud metadata services
      '100.64.0.1', // carrier-grade NAT
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1', // multicast
      '192.0.2.10', // documentation
      '::1',
      '::',
      'fd12:3456::1', // unique local
      'fe80::1', // link-local
      '::ffff:10.0.0.8', // IPv4-mapped private
      '::ffff:127.0.0.1',
      'not an address',
    ];
    for (const address of refused) assert.equal(isPublicAddress(address), false, address);
    for (const address of ['8.8.8.8', '193.40.5.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
      assert.equal(isPublicAddress(address), true, address);
  });

  test('a private address is refused, by literal and by name, before anything is sent', async () => {
    const before = calls;
    for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]']) {
      await assert.rejects(outboundFetch(`http://${host}:${port}/`, {}, false), (error: Error) => {
        const cause = error.cause as { code?: string; message?: string };
        assert.equal(cause.code, 'EPRIVATEADDRESS', host);
        assert.match(cause.message ?? '', /is not a public internet address/);
        return true;
      });
    }
    assert.equal(calls, before, 'the server on this machine was never reached');
  });

  test('allowed, the same addresses are called', async () => {
    const response = await outboundFetch(`http://localhost:${port}/`, {}, true);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'inside');
  });

  test('the link checker says why it did not ask a private address', async () => {
    const refused = await probeAddress(`http://127.0.0.1:${port}/`, 2000);
    assert.equal(refused.ok, false);
    assert.equal(refused.status, null);
    assert.equal(refused.problem, 'the address is in a private network, which govdx does not call');
    const allowed = await probeAddress(`http://127.0.0.1:${port}/`, 2000, undefined, true);
    assert.equal(allowed.ok, true);
    assert.equal(allowed.status, 200);
  });
});
