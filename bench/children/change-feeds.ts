/**
 * Change-feed delivery for `npm run bench -- registry`: a real node (HTTP, the exchange's decision, the
 * ledger) on a fresh store; a register of people and ten consumer organizations, each with a system, an
 * active agreement and a subscription to the register's changes. The register then changes (every person
 * moves once, written in batches as an import writes them) while the ten systems read their feeds after
 * their cursors, as fast as they get answers (a pause of 10 ms when a read is empty).
 *
 * Measured: changes delivered per second, all subscribers together, from the first commit to the last
 * delivery; and for each delivery, the time from the commit of the change (when the write resolved) to the
 * moment its subscriber had the answer that carried it: p50 and p99.
 */
import assert from 'node:assert/strict';
import { accessToken } from '../../src/exchange/index.ts';
import { putRecords } from '../../src/registry/index.ts';
import type { Dialect } from '../../src/store/index.ts';
import { activeAgreement, signers } from '../../test/support/agreements.ts';
import { privateJwk } from '../../test/support/fixtures.ts';
import { startTestServer } from '../../test/support/server.ts';

export interface FeedResult {
  dialect: string;
  subscribers: number;
  changes: number;
  deliveries: number;
  changesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const BATCH = 100;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * A read again when the connection was reset: a kept-alive socket the node closed as the reader reused it.
 * The read is the same (same cursor), and what a lost answer carried was never counted.
 */
async function fetchAgain(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

export async function measureFeeds(
  dialect: Dialect,
  changes: number,
  subscribers: number,
): Promise<FeedResult> {
  const server = await startTestServer(dialect);
  try {
    const admin = (await server.user([{ role: 'platform_admin', organization: 'operator' }])).token;
    const sign = signers(server);
    const post = async (path: string, body: unknown, token = admin) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      assert.ok(response.status < 300, `${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    };
    await post('/api/v1/organizations', { slug: 'register', name: 'Register', kind: 'agency' });
    const dataset = await post('/api/v1/organizations/register/datasets', {
      slug: 'people',
      title: 'People',
      classification: 'restricted',
      keyField: 'national_id',
      fields: [
        { name: 'national_id', type: 'string', sensitivity: 'personal' },
        { name: 'given_name', type: 'string', sensitivity: 'personal' },
        { name: 'address_id', type: 'string', sensitivity: 'personal' },
        { name: 'date_of_birth', type: 'date', sensitivity: 'personal' },
      ],
    });
    await post('/api/v1/organizations/register/services', {
      slug: 'person',
      dataset: 'people',
      title: 'Person',
      kind: 'hosted',
    });
    await post('/api/v1/organizations/register/purposes', {
      slug: 'following',
      title: 'Following',
      description: 'To keep a copy up to date.',
      legalBasis: 'gdpr-6-1-e',
    });
    const db = server.fresh.store.db;
    const people = Array.from({ length: changes }, (_, i) => ({
      key: `EX${String(i + 1).padStart(9, '0')}`,
      data: {
        national_id: `EX${String(i + 1).padStart(9, '0')}`,
        given_name: 'Ada',
        address_id: 'A-1',
        date_of_birth: '1980-01-01',
      },
    }));
    for (let start = 0; start < people.length; start += 5000)
      await putRecords(db, dataset.id, people.slice(start, start + 5000));

    const readers: Array<{ token: string; feed: string }> = [];
    for (let s = 0; s < subscribers; s++) {
      const org = `consumer-${s}`;
      await post('/api/v1/organizations', { slug: org, name: `Consumer ${s}`, kind: 'agency' });
      const key = await privateJwk(`${org}-key`);
      const { d: _private, ...publicKey } = key;
      await post(`/api/v1/organizations/${org}/systems`, {
        slug: 'reader',
        name: 'Reader',
        jwks: { keys: [{ ...publicKey, alg: 'ES256', use: 'sig' }] },
      });
      await activeAgreement(server.url, sign, {
        provider: 'register',
        consumer: org,
        service: 'person',
        purpose: 'following',
        fields: ['national_id', 'address_id'],
        validUntil: '2099-01-01T00:00:00Z',
      });
      const token = await accessToken(key, `${org}/reader`, server.url);
      const feed = await post(
        '/exchange/feeds',
        { provider: 'register', service: 'person', purpose: 'following' },
        token,
      );
      readers.push({ token, feed: feed.id });
    }

    const committed = new Map<string, number>();
    const latencies: number[] = [];
    let deliveries = 0;
    let lastDelivery = 0;
    const read = async (reader: { token: string; feed: string }) => {
      let cursor: string | undefined;
      let seen = 0;
      while (seen < changes) {
        const query = cursor === undefined ? '?limit=1000' : `?after=${cursor}&limit=1000`;
        const response = await fetchAgain(`${server.url}/exchange/feeds/${reader.feed}/changes${query}`, {
          headers: { authorization: `Bearer ${reader.token}` },
        });
        const page = (await response.json()) as { changes: Array<{ key: string }>; cursor: string };
        assert.equal(response.status, 200, JSON.stringify(page));
        const at = performance.now();
        for (const change of page.changes) latencies.push(at - (committed.get(change.key) ?? at));
        seen += page.changes.length;
        deliveries += page.changes.length;
        if (page.changes.length > 0) lastDelivery = at;
        cursor = page.cursor;
        if (page.changes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const started = performance.now();
    const reading = Promise.all(readers.map(read));
    for (let start = 0; start < people.length; start += BATCH) {
      const batch = people
        .slice(start, start + BATCH)
        .map((p) => ({ key: p.key, data: { ...p.data, address_id: 'B-2' } }));
      await putRecords(db, dataset.id, batch);
      const at = performance.now();
      for (const p of batch) committed.set(p.key, at);
      // Writes arrive over time, as a register's do, not all at once.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await reading;
    latencies.sort((a, b) => a - b);
    return {
      dialect,
      subscribers,
      changes,
      deliveries,
      changesPerSecond: Math.round(deliveries / ((lastDelivery - started) / 1000)),
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    };
  } finally {
    await server.close();
  }
}
