/** A real govdx node on a free port, on a fresh store, for tests over HTTP. */

import { type Config, loadConfig } from '../../src/config/index.ts';
import type { MembershipRole } from '../../src/domain/index.ts';
import {
  newSecret,
  SESSION_COOKIE,
  sha256Hex,
  startSession,
  TOKEN_PREFIX,
} from '../../src/identity/index.ts';
import { freePort, type RunningNode, startNode } from '../../src/node/index.ts';
import type { Dialect } from '../../src/store/index.ts';
import { now } from '../../src/store/index.ts';
import { type FreshStore, freshStore } from './stores.ts';

export interface TestServer {
  url: string;
  node: RunningNode;
  fresh: FreshStore;
  /** Creates an organization directly in the store; returns its id. */
  organization(slug: string, name?: string): Promise<string>;
  /** Creates a person holding roles (in organizations by slug) and a personal access token for them. */
  user(
    roles: Array<{ role: MembershipRole; organization: string }>,
    options?: { nationalId?: string; name?: string },
  ): Promise<{ personId: string; token: string }>;
  /** Signs a person in as the browser does (a session); returns the session cookie's value, for call()'s `session`. */
  session(personId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(
  dialect: Dialect,
  overrides: Record<string, unknown> = {},
  options: {
    /** Runs on the migrated store before the node starts (e.g. to seed what it loads at start). */
    prepare?: (fresh: FreshStore, config: Config) => Promise<void>;
  } = {},
): Promise<TestServer> {
  const fresh = await freshStore(dialect);
  const port = await freePort('127.0.0.1');
  const config = loadConfig({
    env: {},
    flags: {
      host: '127.0.0.1',
      port,
      logLevel: (process.env.GOVDX_TEST_LOG ?? 'silent') as 'silent',
      dataDir: fresh.dataDir,
      // The periodic data-quality run reads every record; tests that test it turn it on.
      qualityCheckHours: 0,
      // Notifications are made when a test asks (app.notifications.run()), not while it counts the store's rows.
      notificationSeconds: 3600,
      // Webhook receivers and linked servers in the tests are on this machine; test/http/outbound refuses them.
      outboundPrivateNetworks: 'true',
      ...overrides,
    },
  });
  if (options.prepare) {
    try {
      await options.prepare(fresh, { ...config, databaseUrl: fresh.databaseUrl });
    } catch (error) {
      await fresh.drop();
      throw error;
    }
  }
  const node = await startNode(
    { ...config, databaseUrl: fresh.databaseUrl },
    { store: fresh.store, logger: process.env.GOVDX_TEST_LOG ? undefined : false },
  );
  const db = fresh.store.db;
  let counter = 0;

  async function organization(slug: string, name = slug): Promise<string> {
    const existing = await db
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (existing) return existing.id;
    const id = crypto.randomUUID();
    await db
      .insertInto('organizations')
      .values({
        id,
        slug,
        name,
        kind: 'agency',
        description: '',
        website: null,
        contact_email: null,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    return id;
  }

  async function user(
    roles: Array<{ role: MembershipRole; organization: string }>,
    options: { nationalId?: string; name?: string } = {},
  ) {
    counter += 1;
    const personId = crypto.randomUUID();
    await db
      .insertInto('people')
      .values({
        id: personId,
        name: options.name ?? `Test person ${counter}`,
        email: `person${counter}-${personId.slice(0, 8)}@example.test`,
        national_id: options.nationalId ?? null,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    let tokenOrg: string | undefined;
    for (const { role, organization: slug } of roles) {
      const organizationId = await organization(slug);
      tokenOrg ??= organizationId;
      await db
        .insertInto('memberships')
        .values({ person_id: personId, organization_id: organizationId, role, created_at: now() })
        .execute();
    }
    // Fixture data: a token carrying every role the person was given (the token API's own rules are tested elsewhere).
    const secret = newSecret(TOKEN_PREFIX);
    await db
      .insertInto('access_tokens')
      .values({
        id: crypto.randomUUID(),
        organization_id: tokenOrg ?? (await organization('test-home')),
        person_id: personId,
        name: 'test',
        secret_hash: sha256Hex(secret),
        roles: JSON.stringify([...new Set(roles.map((r) => r.role))]),
        created_at: now(),
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    return { personId, token: secret };
  }

  return {
    url: node.url,
    node,
    fresh,
    organization,
    user,
    session: async (personId) => (await startSession(db, personId, 1, null)).cookie,
    async close() {
      await node.close();
      await fresh.drop();
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the server like a script would; parses JSON when the response is JSON. */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  options: {
    token?: string;
    /** A session cookie's value (TestServer.session): the call is made as the person signed in. */
    session?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.session) headers.cookie = `${SESSION_COOKIE}=${options.session}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0)
    parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}
