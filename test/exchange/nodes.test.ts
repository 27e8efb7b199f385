/**
 * Two govdx processes on one PostgreSQL database, as behind a load balancer: a token from one is good
 * at the other, and a revocation or suspension made through one takes effect on the very next call at
 * the other (LISTEN/NOTIFY). A node that loses its listening connection refuses calls until it has
 * listened again and re-read everything, so it never decides on a stale index. Usage statistics are the
 * same at both, and survive a restart.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/index.ts';
import { demoKeyDir, demoKeyFile, SYSTEMS, seedDemo } from '../../src/demo/index.ts';
import { CLIENT_ASSERTION_TYPE, clientAssertion, readPrivateJwk } from '../../src/exchange/index.ts';
import { newSecret, sha256Hex, TOKEN_PREFIX } from '../../src/identity/index.ts';
import { freePort } from '../../src/node/index.ts';
import { migrateToLatest, now, openStore, type Store } from '../../src/store/index.ts';
import { call } from '../support/server.ts';
import { freshDatabase, skipUnless } from '../support/stores.ts';
import { citizen, exchange, OFFICIAL, POPULATION, type ProviderProcess, spawnProvider } from './support.ts';

const root = join(import.meta.dirname, '..', '..');
const HOUSING = 'housing-agency/benefit-system';

interface Node {
  url: string;
  child: ChildProcess;
}

async function startNode(args: string[]): Promise<Node> {
  const port = Number(args[args.indexOf('--port') + 1]);
  const child = spawn(process.execPath, [join(root, 'bin', 'govdx.js'), 'serve', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, GOVDX_LOG_LEVEL: 'error' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`govdx on port ${port} exited (${child.exitCode})`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`govdx on port ${port} did not get ready`);
}

function stop(node: Node | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!node || node.child.exitCode !== null) return resolve();
    node.child.once('exit', () => resolve());
    node.child.kill('SIGTERM');
  });
}

describe('two govdx nodes on one PostgreSQL', { skip: await skipUnless('postgres') }, () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store;
  let provider: ProviderProcess;
  let a: Node;
  let b: Node;
  /** How each node is started, to start it again. */
  let argsA: string[];
  let argsB: string[];
  let publicUrl: string;
  let admin: string;
  let official: string;
  let housingAdmin: string;
  /** The population register's data steward, who suspends and resumes its agreements. */
  let steward: string;
  const person = citizen('citizen');
  const request = { purpose: 'rental-application-prefill', subject: person, official: OFFICIAL };
  const path = `/population-register/person/${person}`;

  /** A token from `node`'s token endpoint; the assertion names the shared public URL, as behind a load balancer. */
  async function token(node: Node): Promise<string> {
    const system = SYSTEMS.find((s) => `${s.organization}/${s.slug}` === HOUSING)!;
    const key = readPrivateJwk(demoKeyFile(demoKeyDir({ dataDir: database.dataDir }), system));
    const response = await fetch(`${node.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: await clientAssertion(key, HOUSING, publicUrl),
      }),
    });
    const body = (await response.json()) as { access_token: string };
    assert.equal(response.status, 200, JSON.stringify(body));
    return body.access_token;
  }

  before(async () => {
    database = await freshDatabase('postgres');
    const [portA, portB] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    publicUrl = `http://127.0.0.1:${portA}`;
    provider = await spawnProvider(publicUrl);
    store = openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 3 });
    await migrateToLatest(store);
    const config = loadConfig({
      env: {},
      flags: { dataDir: database.dataDir, demoPopulation: POPULATION, publicUrl },
    });
    await seedDemo(store, config, { progress: false, providerUrl: provider.url });

    // A platform admin with a personal access token, written as the admin API would.
    const personId = crypto.randomUUID();
    const operator = await store.db
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', 'digital-agency')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('people')
      .values({
        id: personId,
        name: 'Node test admin',
        email: null,
        national_id: null,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    await store.db
      .insertInto('memberships')
      .values({
        person_id: personId,
        organization_id: operator.id,
        role: 'platform_admin',
        created_at: now(),
      })
      .execute();
    admin = newSecret(TOKEN_PREFIX);
    await store.db
      .insertInto('access_tokens')
      .values({
        id: crypto.randomUUID(),
        organization_id: operator.id,
        person_id: personId,
        name: 'nodes test',
        secret_hash: sha256Hex(admin),
        roles: JSON.stringify(['platform_admin']),
        created_at: now(),
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    // An official of the Housing Agency, who records consents given on paper.
    const housing = await store.db
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', 'housing-agency')
      .executeTakeFirstOrThrow();
    const officialId = crypto.randomUUID();
    await store.db
      .insertInto('people')
      .values({
        id: officialId,
        name: 'Node test official',
        email: null,
        national_id: null,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    await store.db
      .insertInto('memberships')
      .values({ person_id: officialId, organization_id: housing.id, role: 'data_steward', created_at: now() })
      .execute();
    official = newSecret(TOKEN_PREFIX);
    await store.db
      .insertInto('access_tokens')
      .values({
        id: crypto.randomUUID(),
        organization_id: housing.id,
        person_id: officialId,
        name: 'nodes test official',
        secret_hash: sha256Hex(official),
        roles: JSON.stringify(['data_steward']),
        created_at: now(),
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    // The same official is the Housing Agency's organization admin, who may disable its systems.
    await store.db
      .insertInto('memberships')
      .values({
        person_id: officialId,
        organization_id: housing.id,
        role: 'organization_admin',
        created_at: now(),
      })
      .execute();
    housingAdmin = newSecret(TOKEN_PREFIX);
    await store.db
      .insertInto('access_tokens')
      .values({
        id: crypto.randomUUID(),
        organization_id: housing.id,
        person_id: officialId,
        name: 'nodes test organization admin',
        secret_hash: sha256Hex(housingAdmin),
        roles: JSON.stringify(['organization_admin']),
        created_at: now(),
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    const register = await store.db
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', 'population-register')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('memberships')
      .values({ person_id: personId, organization_id: register.id, role: 'data_steward', created_at: now() })
      .execute();
    steward = newSecret(TOKEN_PREFIX);
    await store.db
      .insertInto('access_tokens')
      .values({
        id: crypto.randomUUID(),
        organization_id: register.id,
        person_id: personId,
        name: 'nodes test steward',
        secret_hash: sha256Hex(steward),
        roles: JSON.stringify(['data_steward']),
        created_at: now(),
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();

    const common = [
      '--host',
      '127.0.0.1',
      '--database-url',
      database.databaseUrl!,
      '--public-url',
      publicUrl,
    ];
    argsA = [...common, '--port', String(portA), '--data-dir', join(database.dataDir, 'a')];
    argsB = [...common, '--port', String(portB), '--data-dir', join(database.dataDir, 'b')];
    [a, b] = await Promise.all([startNode(argsA), startNode(argsB)]);
  });

  after(async () => {
    await Promise.all([stop(a), stop(b), provider?.close()]);
    await store?.close();
    await database?.remove();
  });

  test('a token from one node is good at the other', async () => {
    const fromA = await token(a);
    const response = await exchange(b.url, fromA, path, request);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), ['address_id', 'family_name', 'given_name']);
  });

  test('a token already verified at one node is refused there on the next call once its system is disabled through the other', async () => {
    const tokenB = await token(b);
    assert.equal((await exchange(b.url, tokenB, path, request)).status, 200, 'verified and remembered at B');
    const system = '/api/v1/organizations/housing-agency/systems/benefit-system';
    const set = (status: string) => call(a.url, 'PATCH', system, { token: housingAdmin, body: { status } });
    assert.equal((await set('disabled')).status, 200);
    try {
      const next = await exchange(b.url, tokenB, path, request);
      assert.equal(next.status, 403, next.text);
      assert.equal(next.body.error.code, 'SYSTEM_DISABLED');
    } finally {
      assert.equal((await set('active')).status, 200);
    }
    assert.equal((await exchange(b.url, tokenB, path, request)).status, 200, 'enabled again through A');
  });

  test('a consent revoked through one node is refused on the next call at the other', async () => {
    const given = await call(a.url, 'POST', '/api/v1/organizations/housing-agency/consents', {
      token: official,
      body: {
        subject: citizen('citizen2'),
        purpose: 'rental-application-prefill',
        collectionMethod: 'paper',
        evidence: 'Signed form, nodes test',
      },
    });
    assert.equal(given.status, 201, given.text);
    const subject = citizen('citizen2');
    const own = { ...request, subject };
    const ownPath = `/population-register/person/${subject}`;
    const tokenB = await token(b);
    assert.equal(
      (await exchange(b.url, tokenB, ownPath, own)).status,
      200,
      'the consent given at A counts at B',
    );

    const revoked = await call(a.url, 'POST', `/api/v1/consents/${given.body.id}/revoke`, {
      token: admin,
      body: {},
    });
    assert.equal(revoked.status, 200, revoked.text);
    const next = await exchange(b.url, tokenB, ownPath, own);
    assert.equal(next.status, 403, next.text);
    assert.equal(next.body.error.code, 'CONSENT_REVOKED');
  });

  test('an agreement suspended through one node is refused on the next call at the other, and resumed', async () => {
    const tokenB = await token(b);
    const agreement = await store.db
      .selectFrom('agreements')
      .innerJoin('purposes', 'purposes.id', 'agreements.purpose_id')
      .innerJoin('services', 'services.id', 'agreements.service_id')
      .select('agreements.id')
      .where('purposes.slug', '=', 'rental-application-prefill')
      .where('services.slug', '=', 'person')
      .executeTakeFirstOrThrow();
    const act = (action: string) =>
      call(a.url, 'POST', `/api/v1/organizations/population-register/agreements/${agreement.id}/${action}`, {
        token: steward,
        body: { reason: `Node test: ${action}.` },
      });
    assert.equal((await act('suspend')).status, 200);
    const refused = await exchange(b.url, tokenB, path, request);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.error.code, 'AGREEMENT_NOT_ACTIVE');
    assert.equal((await act('resume')).status, 200);
    const allowed = await exchange(b.url, tokenB, path, request);
    assert.equal(allowed.status, 200, allowed.text);
  });

  test('a provider origin taken off the list through one node is refused on the next call at the other', async () => {
    const tokenB = await token(b);
    const income = `/tax-agency/income/${person}`;
    const before = await exchange(b.url, tokenB, income, request);
    assert.notEqual(before.body.error?.code, 'PROVIDER_NOT_ALLOWED', before.text);
    const listed = await call(a.url, 'GET', '/api/v1/provider-origins', { token: admin });
    const origin = new URL(provider.url).origin;
    const entry = listed.body.items.find((item: { origin: string }) => item.origin === origin);
    assert.ok(entry, listed.text);
    const removed = await call(a.url, 'DELETE', `/api/v1/provider-origins/${entry.id}`, { token: admin });
    assert.equal(removed.status, 204, removed.text);
    const refused = await exchange(b.url, tokenB, income, request);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.error.code, 'PROVIDER_NOT_ALLOWED');
    const added = await call(a.url, 'POST', '/api/v1/provider-origins', {
      token: admin,
      body: { origin, privateNetwork: true },
    });
    assert.equal(added.status, 201, added.text);
    const again = await exchange(b.url, tokenB, income, request);
    assert.equal(again.status, before.status, again.text);
  });

  test('a node that loses its listening connection refuses calls until it has re-read everything', async () => {
    const tokenB = await token(b);
    const given = await call(a.url, 'POST', '/api/v1/organizations/housing-agency/consents', {
      token: official,
      body: {
        subject: citizen('citizen3'),
        purpose: 'rental-application-prefill',
        collectionMethod: 'paper',
        evidence: 'Signed form, nodes test',
      },
    });
    assert.equal(given.status, 201, given.text);
    const subject = citizen('citizen3');
    const own = { ...request, subject };
    const ownPath = `/population-register/person/${subject}`;
    assert.equal((await exchange(b.url, tokenB, ownPath, own)).status, 200);

    // Cut B's listening connection, and revoke while B may not be listening.
    const killed = await sql<{ ok: boolean }>`
      select pg_terminate_backend(pid) as ok from pg_stat_activity
      where application_name = ${`govdx exchange listener ${b.child.pid}`}`.execute(store.db);
    assert.equal(killed.rows.length, 1, "B's listener was found");
    const revoked = await call(a.url, 'POST', `/api/v1/consents/${given.body.id}/revoke`, {
      token: admin,
      body: {},
    });
    assert.equal(revoked.status, 200);

    const seen: number[] = [];
    for (let i = 0; i < 100; i++) {
      const response = await exchange(b.url, tokenB, ownPath, own);
      seen.push(response.status);
      assert.notEqual(response.status, 200, `B released data under a revoked consent: ${response.text}`);
      if (response.status === 403) {
        assert.equal(response.body.error.code, 'CONSENT_REVOKED');
        break;
      }
      assert.equal(response.status, 503, response.text);
      assert.equal(response.body.error.code, 'SERVICE_UNAVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(seen.at(-1), 403, `B recovered: ${seen.join(', ')}`);
    const listening =
      await sql`select 1 from pg_stat_activity where application_name = ${`govdx exchange listener ${b.child.pid}`}`.execute(
        store.db,
      );
    assert.equal(listening.rows.length, 1, 'B listens again');
  });

  test('usage statistics are the same at both nodes, and survive a restart', async () => {
    const usagePath = '/api/v1/organizations/population-register/services/person/usage';
    const read = async (node: Node) => {
      const response = await call(node.url, 'GET', usagePath, { token: steward });
      assert.equal(response.status, 200, response.text);
      return response.body as { totals: Array<Record<string, any>>; days: unknown[] };
    };
    const housing = (body: Awaited<ReturnType<typeof read>>) =>
      body.totals.find((r) => r.consumer === 'housing-agency' && r.purpose === request.purpose) ?? {
        calls: 0,
        answered: 0,
        refusals: {},
      };
    // What both nodes counted before (each adds its own counts when asked, and the other's within its
    // flush interval).
    let before = await read(a);
    for (let i = 0; i < 100 && JSON.stringify(before) !== JSON.stringify(await read(b)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      before = await read(a);
    }
    const [tokenA, tokenB] = [await token(a), await token(b)];
    const mismatched = { ...request, subject: citizen('citizen2') };
    assert.equal((await exchange(a.url, tokenA, path, request)).status, 200);
    assert.equal((await exchange(a.url, tokenA, path, request)).status, 200);
    assert.equal((await exchange(b.url, tokenB, path, request)).status, 200);
    assert.equal((await exchange(b.url, tokenB, path, mismatched)).status, 403);

    // B's calls reach the store within its flush interval: then A and B answer alike.
    let atA = await read(a);
    for (let i = 0; i < 100 && housing(atA).calls - housing(before).calls < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      atA = await read(a);
    }
    assert.deepEqual(await read(b), atA, 'both nodes answer the same');
    assert.equal(housing(atA).calls - housing(before).calls, 4);
    assert.equal(housing(atA).answered - housing(before).answered, 3);
    assert.equal(
      (housing(atA).refusals.SUBJECT_MISMATCH ?? 0) - (housing(before).refusals.SUBJECT_MISMATCH ?? 0),
      1,
    );

    // A call at B, then B stops at once: it adds what it counted as it shuts down. Both start again.
    assert.equal((await exchange(b.url, tokenB, path, request)).status, 200);
    await Promise.all([stop(a), stop(b)]);
    [a, b] = await Promise.all([startNode(argsA), startNode(argsB)]);
    const afterRestart = await read(a);
    assert.equal(housing(afterRestart).calls - housing(before).calls, 5, 'nothing was lost in the restart');
    assert.deepEqual(await read(b), afterRestart, 'both nodes answer the same after the restart');
  });
});
