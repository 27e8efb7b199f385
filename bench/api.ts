/**
 * Admin API overhead: what schema validation, access checks and the store cost per request, against a bare
 * Fastify route that returns the same JSON from memory (the floor), on SQLite and PostgreSQL.
 *
 *   npm run bench -- api [--seconds 5] [--connections 16] [--dialects sqlite,postgres]
 */
import Fastify from 'fastify';
import { loadConfig } from '../src/config/index.ts';
import { createOrganization, createPerson, setMemberRoles } from '../src/directory/index.ts';
import { createToken, grantsOf } from '../src/identity/index.ts';
import { freePort, startNode } from '../src/node/index.ts';
import { type Dialect, migrateToLatest, openStore } from '../src/store/index.ts';
import { type LoadResult, load, postgresDatabase, printTable, writeResult } from './harness.ts';

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

async function measure(dialect: Dialect, seconds: number, connections: number): Promise<LoadResult[]> {
  const database = dialect === 'postgres' ? await postgresDatabase() : undefined;
  const { mkdtempSync, rmSync } = await import('node:fs');
  const dataDir = mkdtempSync(`${(await import('node:os')).tmpdir()}/govdx-bench-`);
  const port = await freePort('127.0.0.1');
  const config = {
    ...loadConfig({ env: {}, flags: { port, logLevel: 'silent', dataDir } }),
    databaseUrl: database?.url,
  };
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir, poolSize: 10 });
  await migrateToLatest(store);
  const organization = await createOrganization(store.db, {
    slug: 'population-register',
    name: 'Population Register Office',
    kind: 'agency',
    description: 'Keeps the population register.',
  });
  const person = await createPerson(store.db, { name: 'Bench Steward', email: 'bench@example.test' });
  await setMemberRoles(store.db, store.dialect, organization.id, person.id, [
    'organization_admin',
    'data_steward',
  ]);
  const token = await createToken(
    store.db,
    { personId: person.id, grants: await grantsOf(store.db, person.id, null) },
    organization.id,
    { name: 'bench', roles: ['data_steward'], expiresInDays: 1 },
  );
  const node = await startNode(config, { store, logger: false });

  // The floor: the same framework returning the same document from memory, with no checks and no store.
  const bare = Fastify({ logger: false });
  bare.get('/organization', async () => organization);
  const barePort = await freePort('127.0.0.1');
  await bare.listen({ host: '127.0.0.1', port: barePort });

  const opts = { connections, seconds };
  try {
    return [
      await load(
        `${dialect}: bare Fastify, same JSON from memory (baseline)`,
        `http://127.0.0.1:${barePort}/organization`,
        opts,
      ),
      await load(
        `${dialect}: GET /api/v1/organizations/{org} (public read)`,
        `${node.url}/api/v1/organizations/population-register`,
        opts,
      ),
      await load(`${dialect}: GET /api/v1/me (token checked, roles loaded)`, `${node.url}/api/v1/me`, {
        ...opts,
        headers: { authorization: `Bearer ${token.secret}` },
      }),
    ];
  } finally {
    await bare.close();
    await node.close();
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  const seconds = Number(option(args, 'seconds', '5'));
  const connections = Number(option(args, 'connections', '16'));
  const dialects = option(args, 'dialects', 'sqlite,postgres').split(',') as Dialect[];
  const results: Record<string, LoadResult[]> = {};
  const ratios: Record<string, number> = {};
  for (const dialect of dialects) {
    const [baseline, publicRead, tokenRead] = await measure(dialect, seconds, connections);
    results[dialect] = [baseline!, publicRead!, tokenRead!];
    ratios[`${dialect}_public_read_over_bare`] = publicRead!.requestsPerSecond / baseline!.requestsPerSecond;
    ratios[`${dialect}_token_read_over_bare`] = tokenRead!.requestsPerSecond / baseline!.requestsPerSecond;
  }
  const rows = Object.values(results)
    .flat()
    .map((r) => [r.name, Math.round(r.requestsPerSecond), r.p50Ms, r.p99Ms, r.errors + r.non2xx]);
  printTable(
    `Admin API, ${connections} connections, ${seconds} s each`,
    ['case', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    rows,
  );
  printTable(
    'Ratios (same run)',
    ['ratio', 'value'],
    Object.entries(ratios).map(([k, v]) => [k, v]),
  );
  const file = writeResult('api', { settings: { seconds, connections, dialects }, results, ratios });
  process.stdout.write(`\nWritten to ${file}\n`);
}
