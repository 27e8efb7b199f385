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

/** Opens a connection; resolves once connected, with when it was closed (ms after connecting) and what came. */
async function open(url: string, send = '') {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.setEncoding('utf8');
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk;
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const at = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - at)));
  if (send) socket.write(send);
  return { socket, closed, answer: () => answer };
}

/** Whether `closed` settles within `ms`. */
const closesWithin = (closed: Promise<number>, ms: number) =>
  Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('connection limits', () => {
  test('a connection beyond maxConnections is closed as it arrives; those within are kept', {
    timeout: 30_000,
  }, async () => {
    const server = await startTestServer('sqlite', { maxConnections: 3, connectionTimeoutMs: 20_000 });
    const sockets: Array<Awaited<ReturnType<typeof open>>> = [];
    try {
      for (let i = 0; i < 3; i++) sockets.push(await open(server.url));
      const extra = await open(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      sockets.push(extra);
      assert.equal(await closesWithin(extra.closed, 2000), true, 'the fourth connection is closed');
      assert.equal(extra.answer(), '', 'and answered nothing');
      for (const kept of sockets.slice(0, 3)) {
        assert.equal(kept.socket.destroyed, false, 'the first three stay open');
      }
      sockets[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      await sockets[0]!.closed;
      assert.match(sockets[0]!.answer(), /^HTTP\/1\.1 200 /, 'a connection within the limit is served');
    } finally {
      for (const { socket } of sockets) socket.destroy();
      await server.close();
    }
  });

  test('a silent connection is closed after connectionTimeoutMs', { timeout: 30_000 }, async () => {
    const server = await startTestServer('sqlite', {
      connectionTimeoutMs: 500,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 20_000,
    });
    try {
      const silent = await open(server.url);
      assert.equal(await closesWithin(silent.closed, 5000), true, 'closed');
      assert.ok((await silent.closed) >= 400, 'not before its time');
    } finally {
      await server.close();
    }
  });

  test('an idle kept-alive connection is closed after keepAliveTimeoutMs', { timeout: 30_000 }, async () => {
    const server = await startTestServer('sqlite', {
      keepAliveTimeoutMs: 300,
      connectionTimeoutMs: 20_000,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 20_000,
    });
    try {
      const kept = await open(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      assert.equal(await closesWithin(kept.closed, 5000), true, 'closed after its answer, while idle');
      assert.match(kept.answer(), /^HTTP\/1\.1 200 /);
      assert.match(kept.answer(), /keep-alive/i, 'kept alive at first');
    } finally {
      await server.close();
    }
  });
});
