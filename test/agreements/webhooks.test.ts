/**
 * Webhooks: registration and its rules over HTTP, and delivery to a real local receiver that checks
 * each message's Standard Webhooks signature with the secret given at registration.
 *
 * The node's own dispatcher is stopped after the first test; the rest drive dispatchers of their own,
 * one pass at a time (deliverDue), on a clock they move a day ahead to pass a retry delay (an hour at
 * first), so nothing depends on how fast anything runs.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  createWebhook,
  enqueueWebhookEvent,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../../src/agreements/index.ts';
import { GovdxError } from '../../src/domain/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An organization's receiver: answers each path with its scripted statuses (the last one repeats). */
async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path === '/silent') return;
      const script = scripts.get(path) ?? [200];
      const status = script.length > 1 ? script.shift()! : script[0]!;
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status < 300 ? 'thanks' : 'our receiver is down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answer(path: string, statuses: number[]) {
      scripts.set(path, [...statuses]);
    },
    at(path: string): Received[] {
      return received.filter((r) => r.path === path);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Checks the message as a receiver would, with the secret from registration; returns its payload. */
function verified(message: Received, secret: string): any {
  return new Webhook(secret).verify(message.body, message.headers as Record<string, string>);
}

for (const dialect of DIALECTS) {
  describe(`webhooks (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let server: TestServer;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let steward: string;
    let orgAdmin: string;
    let housing: string;
    /** How far this test's clock is ahead of the real one. */
    let ahead = 0;
    const dispatchers: WebhookDispatcher[] = [];
    const api = (method: string, path: string, token: string, body?: unknown) =>
      call(server.url, method, path, { token, ...(body !== undefined ? { body } : {}) });
    const db = () => server.fresh.store.db;

    /** A dispatcher as another node would run it, on this test's clock. */
    function dispatcher(options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
      const created = new WebhookDispatcher({
        db: db(),
        allowHttp: true,
        allowPrivateNetworks: true,
        maxAttempts: 3,
        retryBaseMs: 3_600_000,
        now: () => new Date(Date.now() + ahead),
        onError: (error) => {
          throw error;
        },
        ...options,
      });
      dispatchers.push(created);
      return created;
    }
    /** Moves the clock past any retry delay. */
    const later = () => {
      ahead += 86_400_000;
    };

    async function register(path: string, events?: string[]) {
      const created = await api('POST', '/api/v1/organizations/housing-agency/webhooks', steward, {
        url: `${receiver.url}${path}`,
        ...(events ? { events } : {}),
      });
      assert.equal(created.status, 201, created.text);
      return created.body as { id: string; secret: string };
    }

    async function deliveries(webhookId: string, query = '') {
      const listed = await api(
        'GET',
        `/api/v1/organizations/housing-agency/webhooks/${webhookId}/deliveries${query}`,
        steward,
      );
      assert.equal(listed.status, 200, listed.text);
      return listed.body as { items: any[]; nextCursor: string | null };
    }

    before(async () => {
      server = await startTestServer(dialect, { webhooksAllowHttp: 'true' });
      receiver = await startReceiver();
      steward = (await server.user([{ role: 'data_steward', organization: 'housing-agency' }])).token;
      orgAdmin = (await server.user([{ role: 'organization_admin', organization: 'housing-agency' }])).token;
      housing = await server.organization('housing-agency');
    });
    after(async () => {
      for (const d of dispatchers) await d.stop();
      await receiver?.close();
      await server?.close();
    });

    test('the node delivers a queued event by itself, signed with the secret shown at registration', async () => {
      const { id, secret } = await register('/own');
      await enqueueWebhookEvent(db(), [housing], 'agreement.approved', { agreement: { id: 'a-1' } });
      for (let i = 0; i < 200 && receiver.at('/own').length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [message] = receiver.at('/own');
      assert.ok(message, 'the receiver was called');
      const payload = verified(message, secret);
      assert.equal(payload.type, 'agreement.approved');
      assert.deepEqual(payload.data, { agreement: { id: 'a-1' } });
      assert.match(payload.timestamp, /^\d{4}-\d\d-\d\dT/);
      // The node records the answer after the receiver has it; stopping waits for that.
      await server.node.app.webhooks.stop();
      const [delivery] = (await deliveries(id)).items;
      assert.equal(delivery.status, 'delivered');
      assert.equal(delivery.attempts, 1);
      assert.equal(message.headers['webhook-id'], delivery.id);
    });

    test('the secret is a Standard Webhooks secret, shown once: the list leaves it out', async () => {
      const { id, secret } = await register('/listed', ['agreement.revoked', 'agreement.expired']);
      assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      assert.ok(Buffer.from(secret.slice('whsec_'.length), 'base64').length >= 24);
      const listed = await api('GET', '/api/v1/organizations/housing-agency/webhooks', orgAdmin);
      assert.equal(listed.status, 200, listed.text);
      const mine = listed.body.find((w: any) => w.id === id);
      assert.deepEqual(mine.events, ['agreement.revoked', 'agreement.expired']);
      assert.equal(mine.url, `${receiver.url}/listed`);
      assert.ok(!('secret' in mine));
      assert.ok(!listed.text.includes(secret));
    });

    test('a receiver that answers 500 and then 200 has the message on the second attempt', async () => {
      const { id, secret } = await register('/flaky');
      receiver.answer('/flaky', [500, 200]);
      const node = dispatcher();
      await enqueueWebhookEvent(db(), [housing], 'agreement.suspended', { agreement: { id: 'a-2' } });

      await node.deliverDue();
      const [first] = (await deliveries(id)).items;
      assert.equal(first.status, 'pending');
      assert.equal(first.attempts, 1);
      assert.equal(first.lastResponseStatus, 500);
      assert.match(first.lastError, /answered HTTP 500/);
      assert.ok(
        first.nextAttemptAt > new Date(Date.now() + ahead).toISOString(),
        'retried later, not at once',
      );
      assert.equal(await node.deliverDue(), 0, 'nothing is due before the retry time');

      later();
      await node.deliverDue();
      const [second] = (await deliveries(id)).items;
      assert.equal(second.status, 'delivered');
      assert.equal(second.attempts, 2);
      assert.equal(second.lastResponseStatus, 200);
      assert.equal(second.nextAttemptAt, null);
      const messages = receiver.at('/flaky');
      assert.equal(messages.length, 2);
      for (const message of messages) assert.equal(verified(message, secret).type, 'agreement.suspended');
      assert.equal(messages[0]!.headers['webhook-id'], messages[1]!.headers['webhook-id']);
    });

    test('a node that does not allow private networks never calls a receiver on this machine', async () => {
      const { id } = await register('/inside');
      const node = dispatcher({ allowPrivateNetworks: false });
      await enqueueWebhookEvent(db(), [housing], 'agreement.approved', { agreement: { id: 'a-9' } });
      await node.deliverDue();
      const [delivery] = (await deliveries(id)).items;
      assert.equal(delivery.status, 'pending', 'kept to retry, as an unreachable receiver is');
      assert.equal(delivery.lastResponseStatus, null);
      assert.match(delivery.lastError, /is not a public internet address/);
      assert.ok(!delivery.lastError.includes('127.0.0.1'), 'the address is not shown');
      assert.equal(receiver.at('/inside').length, 0, 'nothing reached the receiver');
    });

    test('a delivery tells the steward the kind of failure, never a resolved address, a port or what an internal server said', async () => {
      // The attack: a webhook at a name that resolves inside govdx's network, to read what is there.
      const port = new URL(receiver.url).port;
      const inside = await api('POST', '/api/v1/organizations/housing-agency/webhooks', steward, {
        url: `http://localhost:${port}/admin`,
      });
      assert.equal(inside.status, 201, inside.text);
      receiver.answer('/admin', [500]);
      const closed = await api('POST', '/api/v1/organizations/housing-agency/webhooks', steward, {
        url: 'http://localhost:1/gone',
      });
      assert.equal(closed.status, 201, closed.text);
      await enqueueWebhookEvent(db(), [housing], 'agreement.approved', { agreement: { id: 'a-10' } });
      // Where private networks are allowed (the demo), the internal server answers.
      await dispatcher({ allowPrivateNetworks: true }).deliverDue();
      later();
      const shown = async (id: string) => {
        const listed = await api(
          'GET',
          `/api/v1/organizations/housing-agency/webhooks/${id}/deliveries`,
          steward,
        );
        assert.equal(listed.status, 200, listed.text);
        return { delivery: listed.body.items[0], text: listed.text };
      };
      const answered = await shown(inside.body.id);
      const unreachable = await shown(closed.body.id);
      // Where they are not, the name is refused, and the address it resolved to is not shown.
      await dispatcher({ allowPrivateNetworks: false }).deliverDue();
      const refused = await shown(inside.body.id);
      for (const id of [inside.body.id, closed.body.id]) {
        await api('DELETE', `/api/v1/organizations/housing-agency/webhooks/${id}`, steward);
      }
      for (const { delivery, text } of [answered, unreachable, refused]) {
        assert.ok(!text.includes('maintenance'), `no body of the answer: ${delivery.lastError}`);
        for (const leak of ['127.0.0.1', '::1', 'ECONN', 'ENOTFOUND', `:${port}`, ':1 ']) {
          assert.ok(!delivery.lastError.includes(leak), `"${leak}" in ${delivery.lastError}`);
        }
      }
      assert.equal(answered.delivery.status, 'pending');
      assert.equal(
        answered.delivery.lastResponseStatus,
        500,
        "the status of the organization's own endpoint",
      );
      assert.match(answered.delivery.lastError, /HTTP 500/);
      assert.match(unreachable.delivery.lastError, /could not be reached/);
      assert.match(refused.delivery.lastError, /not a public internet address/);
    });

    test('a receiver that always answers 500 is given up as failed after the most attempts', async () => {
      const { id } = await register('/down');
      receiver.answer('/down', [500]);
      const node = dispatcher({ maxAttempts: 3 });
      await enqueueWebhookEvent(db(), [housing], 'agreement.revoked', { agreement: { id: 'a-3' } });
      for (let attempt = 0; attempt < 5; attempt++) {
        await node.deliverDue();
        later();
      }
      const [delivery] = (await deliveries(id)).items;
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.attempts, 3);
      assert.equal(delivery.lastResponseStatus, 500);
      assert.equal(delivery.nextAttemptAt, null);
      assert.equal(receiver.at('/down').length, 3);
    });

    test('an unreachable or silent receiver is retried, and the node carries on', async () => {
      const closed = await createWebhook(db(), housing, { url: 'http://127.0.0.1:1/gone' }, null, {
        allowHttp: true,
      });
      const silent = await register('/silent');
      const node = dispatcher({ timeoutMs: 200 });
      await enqueueWebhookEvent(db(), [housing], 'agreement.resumed', { agreement: { id: 'a-4' } });
      await node.deliverDue();
      const [unreachable] = (await deliveries(closed.id)).items;
      assert.equal(unreachable.status, 'pending');
      assert.equal(unreachable.lastResponseStatus, null);
      assert.equal(unreachable.lastError, 'Not delivered: the receiver could not be reached.');
      const [unanswered] = (await deliveries(silent.id)).items;
      assert.equal(unanswered.status, 'pending');
      assert.equal(unanswered.lastError, 'No answer within 200 ms.');
      await api('DELETE', `/api/v1/organizations/housing-agency/webhooks/${closed.id}`, steward);
      await api('DELETE', `/api/v1/organizations/housing-agency/webhooks/${silent.id}`, steward);
    });

    test('a webhook subscribed to some event types is not sent the others', async () => {
      const taxSteward = (await server.user([{ role: 'data_steward', organization: 'tax-agency' }])).token;
      const tax = await server.organization('tax-agency');
      const created = await api('POST', '/api/v1/organizations/tax-agency/webhooks', taxSteward, {
        url: `${receiver.url}/revocations`,
        events: ['agreement.revoked'],
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(await enqueueWebhookEvent(db(), [tax], 'agreement.approved', {}), 0);
      assert.equal(await enqueueWebhookEvent(db(), [tax], 'agreement.revoked', {}), 1);
      await dispatcher().deliverDue();
      assert.deepEqual(
        receiver.at('/revocations').map((m) => JSON.parse(m.body).type),
        ['agreement.revoked'],
      );
    });

    test('two nodes sharing the database never make the same attempt twice', async () => {
      await register('/shared');
      const events = 8;
      for (let i = 0; i < events; i++) {
        await enqueueWebhookEvent(db(), [housing], 'agreement.amended', { agreement: { id: `b-${i}` } });
      }
      const [a, b] = [dispatcher(), dispatcher()];
      const attempted = (
        await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue(), b.deliverDue()])
      ).reduce((sum, n) => sum + n, 0);
      const ids = receiver.at('/shared').map((m) => m.headers['webhook-id']);
      assert.equal(ids.length, events);
      assert.equal(new Set(ids).size, events);
      assert.ok(attempted >= events, 'every message was attempted');
    });

    test('deliveries are listed newest first, a page at a time', async () => {
      const { id } = await register('/paged', ['agreement.expiring']);
      for (const n of [1, 2, 3]) await enqueueWebhookEvent(db(), [housing], 'agreement.expiring', { n });
      const first = await deliveries(id, '?limit=2');
      assert.equal(first.items.length, 2);
      assert.ok(first.nextCursor);
      const second = await deliveries(id, `?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);
      assert.equal(second.items.length, 1);
      assert.equal(second.nextCursor, null);
      const all = [...first.items, ...second.items];
      assert.equal(new Set(all.map((d) => d.id)).size, 3);
      const times = all.map((d) => d.createdAt);
      assert.deepEqual(times, [...times].sort().reverse());
    });

    test('another organization can neither see nor delete the webhook; other roles cannot either', async () => {
      const { id } = await register('/private');
      const outsider = (await server.user([{ role: 'organization_admin', organization: 'tax-agency' }]))
        .token;
      const listed = await api('GET', '/api/v1/organizations/housing-agency/webhooks', outsider);
      assert.equal(listed.status, 403);
      assert.equal(listed.body.error.code, 'FORBIDDEN');
      const deleted = await api('DELETE', `/api/v1/organizations/tax-agency/webhooks/${id}`, outsider);
      assert.equal(deleted.status, 404);
      assert.equal(deleted.body.error.code, 'NOT_FOUND');
      const their = await api('GET', `/api/v1/organizations/tax-agency/webhooks/${id}/deliveries`, outsider);
      assert.equal(their.status, 404);
      const auditor = (await server.user([{ role: 'auditor', organization: 'housing-agency' }])).token;
      assert.equal((await api('GET', '/api/v1/organizations/housing-agency/webhooks', auditor)).status, 403);
      const still = await api('GET', '/api/v1/organizations/housing-agency/webhooks', steward);
      assert.ok(still.body.some((w: any) => w.id === id));
    });

    test('deleting a webhook drops the messages still owed to it', async () => {
      const { id } = await register('/deleted', ['agreement.withdrawn']);
      await enqueueWebhookEvent(db(), [housing], 'agreement.withdrawn', {});
      const deleted = await api('DELETE', `/api/v1/organizations/housing-agency/webhooks/${id}`, orgAdmin);
      assert.equal(deleted.status, 204);
      const left = await db()
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('webhook_id', '=', id)
        .execute();
      assert.deepEqual(left, []);
      await dispatcher().deliverDue();
      assert.equal(receiver.at('/deleted').length, 0);
      const again = await api('DELETE', `/api/v1/organizations/housing-agency/webhooks/${id}`, orgAdmin);
      assert.equal(again.status, 404);
    });
  });
}

describe('webhook URLs on a platform that does not allow plain http', () => {
  let server: TestServer;
  let steward: string;
  const register = (url: string) =>
    call(server.url, 'POST', '/api/v1/organizations/housing-agency/webhooks', {
      token: steward,
      body: { url },
    });

  before(async () => {
    server = await startTestServer('sqlite');
    steward = (await server.user([{ role: 'data_steward', organization: 'housing-agency' }])).token;
  });
  after(() => server?.close());

  test('an http:// URL is refused, an https:// one accepted', async () => {
    const plain = await register('http://receiver.example/hooks');
    assert.equal(plain.status, 400);
    assert.equal(plain.body.error.code, 'VALIDATION_FAILED');
    assert.match(plain.body.error.message, /https:\/\//);
    assert.equal((await register('https://receiver.example/hooks')).status, 201);
  });

  test('a URL holding a password is refused', async () => {
    const response = await register('https://user:secret@receiver.example/hooks');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'VALIDATION_FAILED');
  });

  test('the rule holds without HTTP too', async () => {
    const organization = await server.organization('housing-agency');
    await assert.rejects(
      createWebhook(server.fresh.store.db, organization, { url: 'http://receiver.example/hooks' }, null),
      (error: unknown) => error instanceof GovdxError && error.code === 'VALIDATION_FAILED',
    );
  });

  test('a dispatcher that does not allow plain http does not send to an http:// URL registered before', async () => {
    const organization = await server.organization('housing-agency');
    const db = server.fresh.store.db;
    const { id } = await createWebhook(db, organization, { url: 'http://127.0.0.1:1/old' }, null, {
      allowHttp: true,
    });
    await enqueueWebhookEvent(db, [organization], 'agreement.approved', {});
    await server.node.app.webhooks.stop();
    await new WebhookDispatcher({ db }).deliverDue();
    const delivery = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'pending');
    assert.match(delivery.last_error ?? '', /plain http/);
  });
});
