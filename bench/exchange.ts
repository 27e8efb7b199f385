/**
 * The exchange's cost, measured in one run at one concurrency against same-run baselines:
 *
 *   (a) the demo provider (tax agency income API) called directly: the ceiling;
 *   (b) a minimal pass-through proxy on the same stack (Fastify + undici), no governance: the floor for any gateway;
 *   (c) govdx, proxied, with full governance: token check, decision, signed request to the provider,
 *       minimization, and the access event made durable in the ledger before the answer;
 *   (d) govdx answering from a hosted register (population register), with the same governance.
 *
 * The provider runs in its own process and verifies the signed request in (a), (b) and (c) alike; the load
 * generator runs in another. Ratios are what to read: the machine is shared.
 *
 *   npm run bench -- exchange [--seconds 10] [--connections 32] [--dialect sqlite|postgres]
 *                             [--cases direct,proxy,governed,hosted]   (a subset, for profiling; no ratios)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { accessToken, readPrivateJwk } from '../src/cli/exchange.ts';
import { freePort, startNode } from '../src/cli/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { DEMO_ACCOUNTS, demoKeyDir, demoKeyFile, SYSTEMS, seedDemo } from '../src/demo/index.ts';
import { signRequestAssertion } from '../src/exchange/index.ts';
import { type Dialect, migrateToLatest, openStore } from '../src/store/index.ts';
import { type LoadResult, load, postgresDatabase, printTable, writeResult } from './harness.ts';

const POPULATION = 1000;
const HOUSING = 'housing-agency/benefit-system';
const loopUtilization = nodePerformance.eventLoopUtilization;

/** CPU seconds a process has used (user + system), from /proc: 0 where there is no /proc. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

async function spawnProvider(issuer: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children', 'demo-provider.ts')],
    {
      env: {
        ...process.env,
        GOVDX_ISSUER: issuer,
        GOVDX_JWKS_URL: `${issuer}/exchange/jwks.json`,
        GOVDX_POPULATION: String(POPULATION),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the provider exited (${code})`)));
  });
  return {
    url: (JSON.parse(line) as { url: string }).url,
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** (b): forwards GET /income/:id to the provider and returns its answer as is, headers and all. */
async function startPassThrough(providerUrl: string) {
  const pool = new Pool(providerUrl, { connections: 256 });
  const app = Fastify({ logger: false });
  app.get('/income/:id', async (request, reply) => {
    const answer = await pool.request({
      path: request.url,
      method: 'GET',
      headers: { authorization: request.headers.authorization ?? '', accept: 'application/json' },
    });
    reply.code(answer.statusCode).header('content-type', answer.headers['content-type']);
    return reply.send(await answer.body.text());
  });
  const port = await freePort('127.0.0.1');
  await app.listen({ host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await pool.close();
    },
  };
}

export async function main(args: string[]): Promise<void> {
  const seconds = Number(option(args, 'seconds', '10'));
  const connections = Number(option(args, 'connections', '32'));
  const dialect = option(args, 'dialect', 'sqlite') as Dialect;
  const warmup = { connections, seconds: 2 };
  const opts = { connections, seconds };

  const dataDir = mkdtempSync(join(tmpdir(), 'govdx-bench-exchange-'));
  const database = dialect === 'postgres' ? await postgresDatabase() : undefined;
  const port = await freePort('127.0.0.1');
  const config = {
    ...loadConfig({
      env: {},
      flags: {
        host: '127.0.0.1',
        port,
        logLevel: 'silent',
        dataDir,
        demoPopulation: POPULATION,
        // The benchmark measures the gateway, not the limits: one system makes every call.
        exchangeSystemRateLimit: 0,
      },
    }),
    databaseUrl: database?.url,
  };
  const provider = await spawnProvider(config.publicUrl);
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir, poolSize: 10 });
  await migrateToLatest(store);
  await seedDemo(store, config, { progress: false, providerUrl: provider.url });
  const node = await startNode(config, { store, logger: false });
  const proxy = await startPassThrough(provider.url);

  const subject = DEMO_ACCOUNTS.find((a) => a.username === 'citizen')!.nationalId!;
  const system = SYSTEMS.find((s) => `${s.organization}/${s.slug}` === HOUSING)!;
  const token = await accessToken(readPrivateJwk(demoKeyFile(demoKeyDir(config), system)), HOUSING, node.url);
  const exchangeHeaders = {
    authorization: `Bearer ${token}`,
    'data-purpose': 'housing-benefit-eligibility',
    'data-subject': subject,
    'on-behalf-of': 'caseworker.17@housing.example',
  };
  const directUrl = `${provider.url}/income/${subject}`;
  /**
   * The provider accepts only requests the exchange signed; (a) and (b) send one assertion, made as govdx would
   * for this URL, so that the provider does the same work in every case. It is valid for a minute: made anew per case.
   */
  const assertionHeaders = async () => ({
    authorization: `Bearer ${await signRequestAssertion(node.app.exchange.keys, config.publicUrl, {
      service: 'tax-agency/income',
      subject,
      official: 'caseworker.17@housing.example',
      clientId: HOUSING,
      consumer: 'housing-agency',
      purpose: 'housing-benefit-eligibility',
      agreement: 'benchmark',
      consent: null,
      fields: [],
      method: 'GET',
      url: directUrl,
      requestId: crypto.randomUUID(),
    })}`,
  });

  const cases: Array<{
    key: string;
    name: string;
    url: string;
    headers: () => Promise<Record<string, string>>;
  }> = [
    { key: 'direct', name: '(a) provider API, direct', url: directUrl, headers: assertionHeaders },
    {
      key: 'proxy',
      name: '(b) pass-through proxy, no governance',
      url: `${proxy.url}/income/${subject}`,
      headers: assertionHeaders,
    },
    {
      key: 'governed',
      name: '(c) govdx, proxied, full governance',
      url: `${node.url}/exchange/v1/tax-agency/income/${subject}`,
      headers: async () => exchangeHeaders,
    },
    {
      key: 'hosted',
      name: '(d) govdx, hosted register',
      url: `${node.url}/exchange/v1/population-register/person/${subject}`,
      headers: async () => exchangeHeaders,
    },
  ];

  const only = option(args, 'cases', '').split(',').filter(Boolean);
  const results: Record<string, LoadResult> = {};
  /** CPU time per call, in µs: of this process (govdx, or the pass-through proxy in (b)) and of the provider's. */
  const cpu: Record<string, { gatewayUs: number; providerUs: number; gatewayEventLoopBusy: number }> = {};
  try {
    for (const c of cases) {
      if (only.length > 0 && !only.includes(c.key)) continue;
      const check = await fetch(c.url, { headers: await c.headers() });
      if (check.status !== 200) throw new Error(`${c.name} answers ${check.status}: ${await check.text()}`);
      await load(`${c.name} (warm-up)`, c.url, { ...warmup, headers: await c.headers() });
      const headers = await c.headers();
      const [ownBefore, providerBefore] = [process.cpuUsage(), cpuSecondsOf(provider.pid)];
      const loopBefore = loopUtilization();
      results[c.key] = await load(c.name, c.url, { ...opts, headers });
      const own = process.cpuUsage(ownBefore);
      const loop = loopUtilization(loopBefore).utilization;
      const calls = results[c.key]!.requestsPerSecond * seconds;
      cpu[c.key] = {
        gatewayUs: Math.round((own.user + own.system) / calls),
        providerUs: Math.round(((cpuSecondsOf(provider.pid) - providerBefore) * 1e6) / calls),
        /** Share of the time this process's event loop was busy: near 1, it is what limits the rate. */
        gatewayEventLoopBusy: Math.round(loop * 100) / 100,
      };
    }
  } finally {
    await proxy.close();
    await node.close();
    await store.close();
    await provider.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (only.length > 0) {
    printTable(
      'Exchange (subset)',
      ['case', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/call: gateway', 'provider'],
      Object.entries(results).map(([key, r]) => [
        r.name,
        Math.round(r.requestsPerSecond),
        r.p50Ms,
        r.p99Ms,
        r.errors + r.non2xx,
        key === 'direct' ? '-' : cpu[key]!.gatewayUs,
        cpu[key]!.providerUs,
      ]),
    );
    return;
  }
  const rps = (key: string) => results[key]!.requestsPerSecond;
  const ratios = {
    governed_over_direct: rps('governed') / rps('direct'),
    governed_over_proxy: rps('governed') / rps('proxy'),
    hosted_over_direct: rps('hosted') / rps('direct'),
  };
  printTable(
    `Exchange, ${dialect}, ${connections} connections, ${seconds} s each`,
    ['case', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/call: gateway', 'provider'],
    Object.entries(results).map(([key, r]) => [
      r.name,
      Math.round(r.requestsPerSecond),
      r.p50Ms,
      r.p99Ms,
      r.errors + r.non2xx,
      key === 'direct' ? '-' : cpu[key]!.gatewayUs,
      cpu[key]!.providerUs,
    ]),
  );
  printTable(
    'Ratios (same run; targets: governed/proxy ≥ 0.8, governed/direct ≥ 0.5)',
    ['ratio', 'value'],
    Object.entries(ratios).map(([k, v]) => [k, v]),
  );
  const file = writeResult('exchange', {
    settings: { seconds, connections, dialect, population: POPULATION },
    results,
    cpuMicrosecondsPerCall: cpu,
    ratios,
  });
  process.stdout.write(`\nWritten to ${file}\n`);
}
