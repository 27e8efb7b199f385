/**
 * What the exchange tests stand on: a govdx node seeded with the demo government (200 residents, its
 * agreements, consents and system keys), and the providers' APIs in a process of their own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_ACCOUNTS, demoKeyDir, demoKeyFile, SYSTEMS, seedDemo } from '../../src/demo/index.ts';
import { accessToken, readPrivateJwk } from '../../src/exchange/index.ts';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import type { Dialect } from '../../src/store/index.ts';
import { type Signers, signers } from '../support/agreements.ts';
import { type ApiResponse, startTestServer, type TestServer } from '../support/server.ts';

/** Every bad answer of the test provider carries this; no answer of the exchange may. */
export const SECRET = 'SECRET-must-not-leak';
export const POPULATION = 200;

export const citizen = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)!.nationalId!;

export interface ProviderProcess {
  /** The demo tax and health APIs. */
  url: string;
  /** The misbehaving APIs: `${bad}/hang`, `${bad}/huge`, … */
  bad: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** Starts test/exchange/provider-child.ts and waits until it listens. */
export async function spawnProvider(exchangeUrl: string): Promise<ProviderProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'provider-child.ts')], {
    env: {
      ...process.env,
      GOVDX_ISSUER: exchangeUrl,
      GOVDX_JWKS_URL: `${exchangeUrl}/exchange/jwks.json`,
      GOVDX_POPULATION: String(POPULATION),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`The provider process exited (${code}) before listening`)));
  });
  const { url, bad } = JSON.parse(line) as { url: string; bad: string };
  return {
    url,
    bad,
    child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Testbed {
  server: TestServer;
  url: string;
  provider: ProviderProcess;
  /** A platform admin's personal access token. */
  admin: string;
  /** People who sign agreements off, by organization and role (test/support/agreements.ts). */
  signers: Signers;
  /** A data steward's token in the organization `slug`. */
  steward(slug: string): Promise<string>;
  /** An access token of a demo system (`<organization>/<system>`), from the token endpoint. */
  token(clientId: string): Promise<string>;
  /** The private key file of a demo system. */
  keyFile(clientId: string): string;
  /** The ledger event at `index`. */
  event(index: number): Promise<LedgerEvent>;
  close(): Promise<void>;
}

export async function startTestbed(
  dialect: Dialect,
  overrides: Record<string, unknown> = {},
): Promise<Testbed> {
  let provider: ProviderProcess | undefined;
  let keyDir = '';
  const server = await startTestServer(
    dialect,
    { demoPopulation: POPULATION, providerTimeoutMs: 1500, ...overrides },
    {
      prepare: async (fresh, config) => {
        provider = await spawnProvider(config.publicUrl);
        keyDir = demoKeyDir(config);
        await seedDemo(fresh.store, config, { progress: false, providerUrl: provider.url });
      },
    },
  ).catch(async (error) => {
    await provider?.close();
    throw error;
  });
  const admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
  const keyFile = (clientId: string) => {
    const system = SYSTEMS.find((s) => `${s.organization}/${s.slug}` === clientId);
    if (!system) throw new Error(`${clientId} is not a demo system`);
    return demoKeyFile(keyDir, system);
  };
  const sign = signers(server);
  return {
    server,
    url: server.url,
    provider: provider!,
    admin,
    signers: sign,
    steward: (slug) => sign(slug, 'data_steward'),
    token: (clientId) => accessToken(readPrivateJwk(keyFile(clientId)), clientId, server.url),
    keyFile,
    async event(index) {
      return JSON.parse((await server.node.app.ledger.entry(index)).event) as LedgerEvent;
    },
    async close() {
      await server.close();
      await provider!.close();
    },
  };
}

export interface ExchangeRequest {
  purpose?: string;
  subject?: string;
  official?: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the exchange as a consumer system would. */
export async function exchange(
  base: string,
  token: string | null,
  path: string,
  request: ExchangeRequest = {},
): Promise<ApiResponse<any>> {
  const headers: Record<string, string> = { ...request.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (request.purpose !== undefined) headers['data-purpose'] = request.purpose;
  if (request.subject !== undefined) headers['data-subject'] = request.subject;
  if (request.official !== undefined) headers['on-behalf-of'] = request.official;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}/exchange/v1${path}`, {
    method: request.method ?? 'GET',
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as any, text };
}

export const OFFICIAL = 'caseworker.17@housing.example';
