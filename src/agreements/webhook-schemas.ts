/** API shapes of webhooks and their deliveries. */
import { Type } from 'typebox';
import { HttpUrl, Nullable, Timestamp } from '../domain/index.ts';

/** What organizations can be told about the agreements they are party to. */
export const WEBHOOK_EVENT_TYPES = [
  'agreement.submitted',
  'agreement.approved',
  'agreement.activated',
  'agreement.rejected',
  'agreement.withdrawn',
  'agreement.suspended',
  'agreement.resumed',
  'agreement.revoked',
  'agreement.expired',
  'agreement.superseded',
  'agreement.amended',
  'agreement.expiring',
] as const;

export const WebhookEventType = Type.Enum([...WEBHOOK_EVENT_TYPES]);

const webhook = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(WebhookEventType, { description: 'The event types it receives; [] = every type' }),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
};

export const Webhook = Type.Object(webhook, { $id: 'Webhook' });

export const CreatedWebhook = Type.Object(
  {
    ...webhook,
    secret: Type.String({
      description:
        'The signing secret (`whsec_…`), shown only this once. Verify each message with it as the Standard Webhooks ' +
        'specification says (headers webhook-id, webhook-timestamp, webhook-signature).',
    }),
  },
  { $id: 'CreatedWebhook' },
);

export const NewWebhook = Type.Object(
  {
    /** An https:// URL; plain http:// only where the platform allows it (webhooksAllowHttp). */
    url: HttpUrl,
    events: Type.Optional(
      Type.Array(WebhookEventType, {
        uniqueItems: true,
        maxItems: WEBHOOK_EVENT_TYPES.length,
        description: 'The event types to receive; omitted or [] = every type, including types added later',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The body of every message, as the Standard Webhooks specification shapes it. */
export const WebhookPayload = Type.Object({
  type: WebhookEventType,
  timestamp: Timestamp,
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const WebhookDeliveryStatus = Type.Enum(['pending', 'delivered', 'failed']);

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({
      description: 'Also the webhook-id header: the same on every attempt, so receivers can skip repeats',
    }),
    eventType: WebhookEventType,
    status: WebhookDeliveryStatus,
    attempts: Type.Integer({ description: 'Attempts made (or begun) so far' }),
    nextAttemptAt: Nullable(Timestamp),
    lastResponseStatus: Nullable(
      Type.Integer({ description: 'HTTP status of the last answer; null when none came' }),
    ),
    lastError: Nullable(
      Type.String({
        description:
          'The kind of the last failure (not a public address, unreachable, no answer in time, the HTTP status); never an address or what the receiver wrote',
      }),
    ),
    createdAt: Timestamp,
    deliveredAt: Nullable(Timestamp),
    payload: WebhookPayload,
  },
  { $id: 'WebhookDelivery' },
);
