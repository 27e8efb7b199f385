/**
 * Webhooks: organizations register URLs to be told about the agreements they are party to. Each
 * event becomes one delivery row per subscribed webhook, in the same store as the change, and a
 * dispatcher on every node POSTs what is due, signed as the Standard Webhooks specification says
 * (https://www.standardwebhooks.com: headers webhook-id, webhook-timestamp, webhook-signature;
 * payload `{ type, timestamp, data }`), and retries with growing delays until it is answered 2xx or
 * gives up.
 *
 * Delivery is at least once. Several nodes may share one PostgreSQL database, so a node claims each
 * attempt before making it, by moving the row's next_attempt_at forward as a lease (a conditional
 * UPDATE that only one node can win). A node that dies mid-attempt leaves the lease to run out, and
 * the attempt is made again; receivers tell repeats by the webhook-id header, the delivery's id.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Webhook as Signer } from 'standardwebhooks';
import type { Static } from 'typebox';
import { GovdxError, notFound } from '../domain/index.ts';
import { governed, type Recorder } from '../governance/index.ts';
import { EVENT_KINDS } from '../ledger/index.ts';
import { isPrivateAddressError, outboundFetch } from '../outbound/index.ts';
import {
  type Database,
  keysetPage,
  now,
  type Page,
  timeIdKey,
  toPage,
  type WebhookDeliveryTable,
  type WebhookTable,
} from '../store/index.ts';
import {
  type CreatedWebhook,
  WEBHOOK_EVENT_TYPES,
  type Webhook,
  type WebhookDelivery,
  type WebhookPayload,
} from './webhook-schemas.ts';

export * as webhookSchemas from './webhook-schemas.ts';
export { WEBHOOK_EVENT_TYPES } from './webhook-schemas.ts';

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type WebhookView = Static<typeof Webhook>;
export type CreatedWebhookView = Static<typeof CreatedWebhook>;
export type WebhookDeliveryView = Static<typeof WebhookDelivery>;
type Payload = Static<typeof WebhookPayload>;

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

/** Standard Webhooks: a secret of 24 to 64 random bytes, base64, prefixed `whsec_`. */
const SECRET_BYTES = 32;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * The URL as it will be called. https only, unless the platform allows plain http (trials, tests);
 * no user name or password in it, since it is shown to every steward of the organization.
 */
export function checkWebhookUrl(url: string, allowHttp: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GovdxError('VALIDATION_FAILED', `"${url}" is not a URL.`, { url });
  }
  if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:')) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      allowHttp
        ? 'A webhook URL must start with https:// or http://.'
        : 'A webhook URL must start with https://: messages about agreements are not sent unencrypted.',
      { url },
    );
  }
  if (parsed.username || parsed.password) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'A webhook URL must not hold a user name or password; check the signature of each message instead.',
      { url },
    );
  }
  return parsed.href;
}

function toWebhook(row: WebhookTable): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toDelivery(row: WebhookDeliveryTable): WebhookDeliveryView {
  return {
    id: row.id,
    eventType: row.event_type as WebhookEventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastResponseStatus: row.last_response_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    payload: JSON.parse(row.payload) as Payload,
  };
}

/** Registers a webhook; the view returned holds the signing secret, which is never shown again. */
export async function createWebhook(
  db: Kysely<Database>,
  organizationId: string,
  input: { url: string; events?: readonly WebhookEventType[] | undefined },
  createdBy: string | null,
  options: { allowHttp?: boolean } = {},
): Promise<CreatedWebhookView> {
  const url = checkWebhookUrl(input.url, options.allowHttp ?? false);
  const events = [...new Set(input.events ?? [])];
  for (const type of events) {
    if (!isWebhookEventType(type)) {
      throw new GovdxError('VALIDATION_FAILED', `There is no webhook event type "${type}".`, { type });
    }
  }
  const row: WebhookTable = {
    id: crypto.randomUUID(),
    organization_id: organizationId,
    url,
    secret: newWebhookSecret(),
    events: JSON.stringify(events),
    created_by: createdBy,
    created_at: now(),
  };
  await db.insertInto('webhooks').values(row).execute();
  return { ...toWebhook(row), secret: row.secret };
}

/** The organization's webhooks, oldest first, without their secrets. */
export async function listWebhooks(db: Kysely<Database>, organizationId: string): Promise<WebhookView[]> {
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toWebhook);
}

/** Deletes the organization's webhook and the deliveries still owed to it. */
export async function deleteWebhook(db: Kysely<Database>, organizationId: string, id: string): Promise<void> {
  const deleted = await db
    .deleteFrom('webhooks')
    .where('id', '=', id)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw notFound('webhook', id);
}

/**
 * A webhook sends what the organization's agreements say to an address of its choosing: registering one is
 * on the ledger (`webhook.registered`, never its secret), or it is not registered. Deleting one only takes
 * away, so it stands even when the ledger cannot record it (`webhook.deleted`).
 */
export async function createRecordedWebhook(
  effects: { db: Kysely<Database>; ledger: Recorder },
  organization: { id: string; slug: string },
  input: { url: string; events?: readonly WebhookEventType[] | undefined },
  by: string,
  options: { allowHttp?: boolean } = {},
): Promise<CreatedWebhookView> {
  const { made } = await governed(effects.ledger, {
    apply: () => createWebhook(effects.db, organization.id, input, by, options),
    events: (webhook) => [
      {
        kind: EVENT_KINDS.webhookRegistered,
        organization: organization.slug,
        webhook: webhook.id,
        url: webhook.url,
        events: webhook.events,
        by,
      },
    ],
    undo: async (webhook) => {
      await effects.db.deleteFrom('webhooks').where('id', '=', webhook.id).execute();
    },
    notMade: 'The webhook could not be recorded on the ledger, so it was not registered. Try again shortly.',
  });
  return made;
}

export async function deleteRecordedWebhook(
  effects: { db: Kysely<Database>; ledger: Recorder },
  organization: { id: string; slug: string },
  id: string,
  by: string,
): Promise<void> {
  const webhook = await effects.db
    .selectFrom('webhooks')
    .select(['id', 'url'])
    .where('id', '=', id)
    .where('organization_id', '=', organization.id)
    .executeTakeFirst();
  if (!webhook) throw notFound('webhook', id);
  await governed(effects.ledger, {
    apply: () => deleteWebhook(effects.db, organization.id, id),
    events: () => [
      {
        kind: EVENT_KINDS.webhookDeleted,
        organization: organization.slug,
        webhook: id,
        url: webhook.url,
        by,
      },
    ],
    takesAway: () => true,
    undo: async () => {},
    stands:
      'The webhook is deleted, but this could not be recorded on the ledger. Tell the platform operators.',
  });
}

/** The deliveries of one of the organization's webhooks, newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  organizationId: string,
  webhookId: string,
  limit: number,
  after: string | null,
): Promise<Page<WebhookDeliveryView>> {
  const webhook = await db
    .selectFrom('webhooks')
    .select('id')
    .where('id', '=', webhookId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!webhook) throw notFound('webhook', webhookId);
  const query = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  const order = { time: 'created_at', id: 'id', direction: 'desc' } as const;
  const rows = await keysetPage(query, order, after, limit).execute();
  return toPage(rows, limit, (r) => timeIdKey(r.created_at, r.id), toDelivery);
}

/**
 * Queues one message of `type` (one of WEBHOOK_EVENT_TYPES; any other is a programming error and
 * throws) for every webhook of the organizations that subscribes to it; returns how many were
 * queued. Pass a transaction as `db` to queue them with the change they announce.
 */
export async function enqueueWebhookEvent(
  db: Kysely<Database>,
  organizationIds: readonly string[],
  type: string,
  data: Record<string, unknown>,
): Promise<number> {
  if (!isWebhookEventType(type)) throw new Error(`"${type}" is not one of WEBHOOK_EVENT_TYPES`);
  const organizations = [...new Set(organizationIds)];
  if (organizations.length === 0) return 0;
  const webhooks = await db
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('organization_id', 'in', organizations)
    .execute();
  const subscribed = webhooks.filter((w) => {
    const events = JSON.parse(w.events) as string[];
    return events.length === 0 || events.includes(type);
  });
  if (subscribed.length === 0) return 0;
  const at = now();
  const payload = JSON.stringify({ type, timestamp: at, data } satisfies Payload);
  await db
    .insertInto('webhook_deliveries')
    .values(
      subscribed.map((w) => ({
        id: crypto.randomUUID(),
        webhook_id: w.id,
        event_type: type,
        payload,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: at,
        last_response_status: null,
        last_error: null,
        created_at: at,
        delivered_at: null,
      })),
    )
    .execute();
  return subscribed.length;
}

export interface WebhookDispatcherOptions {
  db: Kysely<Database>;
  /** Whether plain http:// URLs may be called (config webhooksAllowHttp); checked again at each attempt. */
  allowHttp?: boolean;
  /** Whether private, loopback and link-local addresses may be called (config outboundPrivateNetworks). */
  allowPrivateNetworks?: boolean;
  /** How long to wait for a receiver's whole answer. */
  timeoutMs?: number;
  /** Attempts in all, the first included, before a delivery is given up as failed. */
  maxAttempts?: number;
  /** The wait after the first failed attempt; each later wait is RETRY_FACTOR times longer, up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often to look for due deliveries. */
  pollMs?: number;
  /** Most deliveries attempted at once. */
  batchSize?: number;
  /** The clock that decides what is due and when to retry (signatures always carry the real time). */
  now?: () => Date;
  onError?: (error: unknown, what: string) => void;
  /**
   * Where the details of a failed attempt go (the platform's log): the address, the error, the status.
   * The organization is shown only the kind of failure (see failureKind), since a webhook's address may
   * be one inside the platform's network, and what is there is not the organization's to read.
   */
  onFailure?: (details: { delivery: string; url: string; status: number | null; error?: unknown }) => void;
}

/** 10 s, 1 min, 6 min, 36 min, 3.6 h, then 6 h: ten attempts span about a day. */
const RETRY_FACTOR = 6;
const DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 10,
  retryBaseMs: 10_000,
  retryMaxMs: 6 * 3_600_000,
  pollMs: 1_000,
  batchSize: 20,
};

type Due = Pick<WebhookDeliveryTable, 'id' | 'event_type' | 'payload' | 'attempts' | 'next_attempt_at'> & {
  url: string;
  secret: string;
};

type Outcome = { status: number | null; error: string | null };

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * RETRY_FACTOR ** Math.max(0, attempts - 1), maxMs);
}

export class WebhookDispatcher {
  readonly #db: Kysely<Database>;
  readonly #options: typeof DEFAULTS & { allowHttp: boolean; allowPrivateNetworks: boolean };
  readonly #now: () => Date;
  readonly #onError: (error: unknown, what: string) => void;
  readonly #onFailure: NonNullable<WebhookDispatcherOptions['onFailure']>;
  /** Passes run one after another; this settles when the last one queued has. */
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#db = options.db;
    this.#options = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
      retryBaseMs: options.retryBaseMs ?? DEFAULTS.retryBaseMs,
      retryMaxMs: options.retryMaxMs ?? DEFAULTS.retryMaxMs,
      pollMs: options.pollMs ?? DEFAULTS.pollMs,
      batchSize: options.batchSize ?? DEFAULTS.batchSize,
      allowHttp: options.allowHttp ?? false,
      allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    };
    this.#now = options.now ?? (() => new Date());
    this.#onError = options.onError ?? (() => {});
    this.#onFailure = options.onFailure ?? (() => {});
  }

  /** Looks for due deliveries every pollMs (at once again while a full batch was due). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const tick = async () => {
      this.#timer = null;
      let full = false;
      try {
        full = (await this.deliverDue()) >= this.#options.batchSize;
      } catch (error) {
        this.#onError(error, 'looking for due webhook deliveries');
      }
      if (!this.#running) return;
      this.#timer = setTimeout(tick, full ? 0 : this.#options.pollMs);
      this.#timer.unref();
    };
    this.#timer = setTimeout(tick, 0);
    this.#timer.unref();
  }

  /** Stops looking, and resolves once the attempts under way are finished and recorded. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#queue;
  }

  /** One pass: claims the deliveries due now and attempts each once; resolves to how many it attempted. */
  deliverDue(): Promise<number> {
    const pass = this.#queue.then(() => this.#pass());
    this.#queue = pass.catch(() => {});
    return pass;
  }

  async #pass(): Promise<number> {
    const at = this.#now();
    const due = await this.#db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select([
        'webhook_deliveries.id',
        'webhook_deliveries.event_type',
        'webhook_deliveries.payload',
        'webhook_deliveries.attempts',
        'webhook_deliveries.next_attempt_at',
        'webhooks.url',
        'webhooks.secret',
      ])
      .where('webhook_deliveries.status', '=', 'pending')
      .where('webhook_deliveries.next_attempt_at', '<=', at.toISOString())
      .orderBy('webhook_deliveries.next_attempt_at')
      .limit(this.#options.batchSize)
      .execute();
    const claimed: Array<{ delivery: Due; lease: string }> = [];
    for (const delivery of due) {
      const lease = await this.#claim(delivery, at);
      if (lease) claimed.push({ delivery, lease });
    }
    await Promise.all(
      claimed.map(async ({ delivery, lease }) => {
        try {
          const outcome = await this.#send(delivery);
          await this.#record(delivery, lease, outcome);
        } catch (error) {
          this.#onError(error, `delivering webhook message ${delivery.id}`);
        }
      }),
    );
    return claimed.length;
  }

  /**
   * Takes the attempt for this node: moves next_attempt_at past the longest attempt, as a lease,
   * only if the row is as this node read it. Returns the lease, or null when another node won.
   */
  async #claim(delivery: Due, at: Date): Promise<string | null> {
    const lease = new Date(at.getTime() + this.#options.timeoutMs + 30_000).toISOString();
    const result = await this.#db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ next_attempt_at: lease, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', delivery.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', delivery.next_attempt_at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? lease : null;
  }

  async #send(delivery: Due): Promise<Outcome> {
    const url = new URL(delivery.url);
    if (url.protocol !== 'https:' && !(this.#options.allowHttp && url.protocol === 'http:')) {
      return {
        status: null,
        error: 'Not sent: plain http:// webhook URLs are not allowed on this platform.',
      };
    }
    const sentAt = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'govdx-webhooks',
      'webhook-id': delivery.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Signer(delivery.secret).sign(delivery.id, sentAt, delivery.payload),
    };
    try {
      const response = await outboundFetch(
        url,
        {
          method: 'POST',
          headers,
          body: delivery.payload,
          // A redirect is not an answer: following it would send the message where nobody registered.
          redirect: 'manual',
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        },
        this.#options.allowPrivateNetworks,
      );
      // The body is never read: it is not the organization's to see if the address is an internal one.
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return { status: response.status, error: null };
      this.#onFailure({ delivery: delivery.id, url: delivery.url, status: response.status });
      return { status: response.status, error: answeredFailure(response.status) };
    } catch (error) {
      this.#onFailure({ delivery: delivery.id, url: delivery.url, status: null, error });
      return { status: null, error: failureKind(error, this.#options.timeoutMs) };
    }
  }

  /** Records the attempt, unless the lease ran out and another node has taken the delivery over. */
  async #record(delivery: Due, lease: string, outcome: Outcome): Promise<void> {
    const attempts = delivery.attempts + 1;
    const delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const at = this.#now();
    const last = { last_response_status: outcome.status, last_error: outcome.error };
    const next = delivered
      ? { ...last, status: 'delivered' as const, delivered_at: at.toISOString() }
      : attempts >= this.#options.maxAttempts
        ? { ...last, status: 'failed' as const }
        : {
            ...last,
            next_attempt_at: new Date(
              at.getTime() + retryDelayMs(attempts, this.#options.retryBaseMs, this.#options.retryMaxMs),
            ).toISOString(),
          };
    await this.#db
      .updateTable('webhook_deliveries')
      .set(next)
      .where('id', '=', delivery.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', lease)
      .execute();
  }
}

/** What the organization is told when its receiver answered other than 2xx: the status, never the body. */
function answeredFailure(status: number): string {
  if (status >= 300 && status < 400) {
    return `The receiver answered HTTP ${status}, a redirect, which is not followed; a webhook must answer 2xx.`;
  }
  return `The receiver answered HTTP ${status}; a webhook must answer 2xx.`;
}

/**
 * What the organization is told when no answer came: only the kind of failure. Never the address a name
 * resolved to, the port, or the network or DNS error, which would map the platform's own network.
 */
export function failureKind(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `No answer within ${timeoutMs} ms.`;
  }
  if (isPrivateAddressError(error)) {
    return 'Not sent: the address is not a public internet address, and this platform calls only public ones.';
  }
  return 'Not delivered: the receiver could not be reached.';
}
