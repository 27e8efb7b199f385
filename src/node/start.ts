/**
 * Starts a govdx node: opens the store, migrates, builds the HTTP app, adds its background jobs, listens,
 * and closes cleanly.
 */
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.ts';
import { buildApp } from '../http/index.ts';
import { migrateToLatest, openStore, type Store } from '../store/index.ts';
import { addBackgroundJobs } from './jobs.ts';

export interface RunningNode {
  app: FastifyInstance;
  store: Store;
  config: Config;
  url: string;
  close(): Promise<void>;
}

/** Finds a free TCP port, so that the public URL (and the OIDC issuer built from it) is known before start. */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startNode(
  config: Config,
  options: { store?: Store; logger?: boolean } = {},
): Promise<RunningNode> {
  const store =
    options.store ??
    openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
    });
  await migrateToLatest(store);
  const app = await buildApp({ config, store, ...(options.logger === false ? { logger: false } : {}) });
  addBackgroundJobs(app);
  await app.listen({ host: config.host, port: config.port });
  let closed = false;
  return {
    app,
    store,
    config,
    url: config.publicUrl,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (!options.store) await store.close();
    },
  };
}
