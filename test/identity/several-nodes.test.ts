import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { createIdpAccount } from '../../src/identity/index.ts';
import { freePort, type RunningNode, startNode } from '../../src/node/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { call } from '../support/server.ts';
import { DIALECTS, freshDatabase, skipUnless } from '../support/stores.ts';
import { Browser, formAction, signIn } from './browser.ts';

/** A load balancer that sends each request to the next node in turn. */
function roundRobin(ports: number[]): { server: Server; served: number[] } {
  const served = ports.map(() => 0);
  let next = 0;
  const server = createServer((req, res) => {
    const index = next++ % ports.length;
    served[index]! += 1;
    const upstream = httpRequest(
      { host: '127.0.0.1', port: ports[index], method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return { server, served };
}

for (const dialect of DIALECTS) {
  describe(`sign-in across several nodes sharing one database (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    const nodes: RunningNode[] = [];
    const stores: Store[] = [];
    let balancer: ReturnType<typeof roundRobin>;
    let publicUrl: string;
    let remove: () => Promise<void>;
    let personId: string;

    before(async () => {
      const database = await freshDatabase(dialect);
      remove = database.remove;
      const publicPort = await freePort('127.0.0.1');
      publicUrl = `http://localhost:${publicPort}`;
      const ports = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
      // One after the other, as a rolling start would: the first node makes the keys, the second reads them.
      for (const port of ports) {
        const config = loadConfig({
          env: {},
          flags: { host: '127.0.0.1', port, publicUrl, logLevel: 'silent', dataDir: database.dataDir },
        });
        const store = openStore({
          databaseUrl: database.databaseUrl,
          dataDir: database.dataDir,
          poolSize: 3,
        });
        stores.push(store);
        nodes.push(
          await startNode({ ...config, databaseUrl: database.databaseUrl }, { store, logger: false }),
        );
      }
      balancer = roundRobin(ports);
      await new Promise<void>((resolve) => balancer.server.listen(publicPort, '127.0.0.1', resolve));

      const db = stores[0]!.db;
      personId = crypto.randomUUID();
      const at = new Date().toISOString();
      await db
        .insertInto('people')
        .values({
          id: personId,
          name: 'Nina Node',
          email: 'nina@example.test',
          national_id: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await createIdpAccount(db, { username: 'nina', personId, password: 'correct horse battery' });
    });
    after(async () => {
      await new Promise((resolve) => balancer?.server.close(resolve));
      for (const node of nodes) await node.close();
      for (const store of stores) await store.close();
      await remove?.();
    });

    test('every node serves the same signing keys', async () => {
      const keys = await Promise.all(
        nodes.map(
          async (node) => (await call(`http://127.0.0.1:${node.config.port}`, 'GET', '/idp/jwks')).body,
        ),
      );
      assert.equal(keys[0].keys.length, 1);
      assert.deepEqual(keys[1], keys[0]);
    });

    test('a sign-in works when each of its requests lands on a different node', async () => {
      const before = [...balancer.served];
      const browser = new Browser();
      const result = await signIn(browser, publicUrl, {
        username: 'nina',
        password: 'correct horse battery',
      });
      assert.equal(result.next, `${publicUrl}/`);
      assert.ok(
        balancer.served.every((n, i) => n - before[i]! >= 3),
        `served: ${balancer.served}`,
      );
      for (const node of nodes) {
        const me = await call(`http://127.0.0.1:${node.config.port}`, 'GET', '/api/v1/me', {
          headers: { cookie: `govdx_session=${browser.cookie('govdx_session')}` },
        });
        assert.equal(me.status, 200, me.text);
        assert.equal(me.body.person.id, personId);
      }
      const sessions = await stores[0]!.db
        .selectFrom('oidc_payloads')
        .select('id')
        .where('model', '=', 'Session')
        .execute();
      assert.equal(sessions.length, 1, "the provider's session is in the shared database");
    });

    test('wrong passwords sent to different nodes add up: the pause holds on every node', async () => {
      const browser = new Browser();
      const form = await browser.follow(`${publicUrl}/auth/login`);
      const action = formAction(form.last, '/login');
      const before = [...balancer.served];
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const answer = await browser.request(action, {
          method: 'POST',
          form: { username: 'nina', password: i === 6 ? 'correct horse battery' : `guess ${i}` },
        });
        statuses.push(answer.status);
      }
      assert.ok(
        balancer.served.every((n, i) => n - before[i]! >= 3),
        `served: ${balancer.served}`,
      );
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
      assert.equal(browser.cookie('govdx_session'), undefined);
    });
  });
}
