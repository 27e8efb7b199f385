/**
 * The demo providers (tax agency, health ministry) in a process of their own, verifying the exchange's
 * signed requests, as a provider's system would. Prints `{"url": …}` when listening.
 *
 *   GOVDX_ISSUER, GOVDX_JWKS_URL, GOVDX_POPULATION
 */
import { startDemoProviders } from '../../src/demo/index.ts';

const providers = await startDemoProviders({
  host: '127.0.0.1',
  port: 0,
  population: Number(process.env.GOVDX_POPULATION ?? 1000),
  exchange: { issuer: process.env.GOVDX_ISSUER!, jwksUrl: process.env.GOVDX_JWKS_URL! },
});
process.stdout.write(`${JSON.stringify({ url: providers.url })}\n`);
process.on('SIGTERM', () => {
  void providers.close().then(() => process.exit(0));
});
