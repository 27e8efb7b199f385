/**
 * Issue 14, finding 7: a body sent one byte at a time held a connection forever (the request and
 * connection timeouts were 0). With finite timeouts the node cuts such a connection off. The node here
 * is given short timeouts; the tests assert that the connection is closed before the trickle ends.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/** Sends `head`, then `body` one byte at a time; resolves with what came back and whether all was sent. */
function trickle(url: string, head: string, body: string, everyMs: number) {
  const { hostname, port } = new URL(url);
  return new Promise<{ answer: string; sentAll: boolean }>((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, sentAll: sent === body.length });
    });
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent === body.length || socket.destroyed) return clearInterval(timer);
        socket.write(body[sent++]!);
        // With all of it sent, the server answers and keeps the connection for the next request: end it.
        if (sent === body.length) setTimeout(() => socket.end(), 2000);
      }, everyMs);
    });
  });
}

describe('slow requests', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer('sqlite', {
      requestTimeoutMs: 600,
      headersTimeoutMs: 400,
      connectionTimeoutMs: 1000,
    });
    token = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
  });
  after(() => server?.close());

  test('a body sent one byte at a time is cut off before it is complete', { timeout: 60_000 }, async () => {
    const body = JSON.stringify({ name: 'x'.repeat(400) });
    const head =
      'POST /api/v1/organizations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${token}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const { answer, sentAll } = await trickle(server.url, head, body, 20);
    assert.equal(sentAll, false, 'the node closed the connection while the body was still trickling in');
    assert.match(answer, /^HTTP\/1\.1 408 /, 'a 408 Request Timeout, and nothing before it');
    assert.match(answer, /"code":"REQUEST_TIMEOUT"/);
  });

  test('headers sent one byte at a time are cut off before they are complete', {
    timeout: 60_000,
  }, async () => {
    const head = `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'y'.repeat(400)}\r\n\r\n`;
    const { answer, sentAll } = await trickle(server.url, '', head, 20);
    assert.match(answer, /^(HTTP\/1\.1 408 |$)/, 'a 408 Request Timeout, or just the close');
    assert.equal(sentAll, false, 'the node closed the connection while the headers were still trickling in');
  });

  test('ordinary requests are unaffected', async () => {
    assert.equal((await call(server.url, 'GET', '/healthz')).status, 200);
  });
});
