/**
 * A provider in its own process, as in real life: the demo's tax and health APIs (verifying the
 * exchange's signed requests), and under /bad/ providers that misbehave: hang, fail, answer garbage,
 * answer too much, or answer more than was agreed. Every bad answer carries SECRET, so a test can see
 * that none of it reaches the consumer. Prints `{"url": …}` on standard output once listening.
 *
 *   GOVDX_ISSUER, GOVDX_JWKS_URL, GOVDX_POPULATION
 */
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { startDemoProviders } from '../../src/demo/index.ts';

const SECRET = 'SECRET-must-not-leak';

const demo = await startDemoProviders({
  host: '127.0.0.1',
  port: 0,
  population: Number(process.env.GOVDX_POPULATION ?? 200),
  exchange: { issuer: process.env.GOVDX_ISSUER!, jwksUrl: process.env.GOVDX_JWKS_URL! },
});

const bad = Fastify({ logger: false });
const record = (id: string) => ({
  national_id: id,
  name: 'Agreed Name',
  nested: { agreed: 'kept', secret: SECRET, deeper: { agreed: 1, secret: SECRET } },
  list: [
    { code: 'A1', secret: SECRET },
    { code: 'B2', secret: SECRET },
  ],
  secret: SECRET,
});

bad.get('/bad/overshare/:id', async (request) => record((request.params as { id: string }).id));
bad.post('/bad/query', async (request) => ({
  results: [record('query')],
  echo: request.body,
  secret: SECRET,
}));
bad.get('/bad/hang/:id', () => new Promise(() => {}));
bad.get('/bad/error/:id', async (_request, reply) => reply.code(500).send({ error: SECRET }));
bad.get('/bad/garbage/:id', async (_request, reply) =>
  reply.type('text/html').send(`<html>${SECRET}</html>`),
);
bad.get('/bad/invalid-json/:id', async (_request, reply) =>
  reply.type('application/json').send(`{"national_id": "${SECRET}", `),
);
bad.get('/bad/primitive/:id', async (_request, reply) => reply.type('application/json').send('42'));
bad.get('/bad/huge/:id', async (_request, reply) =>
  reply
    .type('application/json')
    .send(JSON.stringify({ secret: SECRET, padding: 'x'.repeat(3 * 1024 * 1024) })),
);
bad.get('/bad/huge-stream/:id', async (_request, reply) => {
  // No Content-Length: the exchange finds out only while reading.
  const chunks = (function* () {
    yield `{"secret": "${SECRET}", "padding": "`;
    for (let i = 0; i < 64; i++) yield 'x'.repeat(64 * 1024);
    yield '"}';
  })();
  return reply.type('application/json').send(Readable.from(chunks));
});
bad.get('/bad/drip/:id', async (_request, reply) => {
  // Starts at once, then never finishes: only a deadline on the whole answer stops it.
  const chunks = (async function* () {
    yield `{"secret": "${SECRET}",`;
    for (let i = 0; i < 1000; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      yield ' ';
    }
    yield '"x": 1}';
  })();
  return reply.type('application/json').send(Readable.from(chunks));
});
await bad.listen({ host: '127.0.0.1', port: 0 });
const address = bad.server.address();
const badPort = typeof address === 'object' && address ? address.port : 0;

process.stdout.write(`${JSON.stringify({ url: demo.url, bad: `http://127.0.0.1:${badPort}/bad` })}\n`);
process.on('SIGTERM', () => {
  void Promise.all([demo.close(), bad.close()]).then(() => process.exit(0));
});
