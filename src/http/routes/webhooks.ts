/**
 * An organization's webhooks: where govdx tells it about the agreements it is party to, and what
 * became of each message. Messages are signed as the Standard Webhooks specification says, with the
 * secret shown once when the webhook is registered.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as agreements from '../../agreements/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const w = agreements.webhookSchemas;
const OrgParams = Type.Object({ org: Slug });
const WebhookParams = Type.Object({ org: Slug, id: Type.String({ maxLength: 64 }) });

const MANAGERS = ['organization_admin', 'data_steward'] as const;

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['Webhooks'];

  app.get('/organizations/:org/webhooks', {
    config: { access: { roles: MANAGERS, inOrganization: true } },
    schema: {
      tags,
      summary: "List an organization's webhooks (without their secrets)",
      params: OrgParams,
      response: { 200: Type.Array(w.Webhook), ...errorResponses },
    },
    handler: async (request) => agreements.listWebhooks(db, request.organization!.id),
  });

  app.post('/organizations/:org/webhooks', {
    config: { access: { roles: MANAGERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Register a webhook to be told about the agreements the organization is party to',
      description:
        'govdx POSTs each message as JSON `{ type, timestamp, data }`, signed as the Standard Webhooks specification says ' +
        '(headers webhook-id, webhook-timestamp, webhook-signature; verify with any Standard Webhooks library and the ' +
        'secret in this response, which is shown only this once). An answer other than 2xx, or none within 10 seconds, ' +
        'is retried after 10 s, 1 min, 6 min, 36 min, 3.6 h, then every 6 h, ten attempts in all. ' +
        `Event types: ${agreements.WEBHOOK_EVENT_TYPES.join(', ')}. ` +
        'Recorded on the ledger (webhook.registered, without the secret), or not made (503 LEDGER_UNAVAILABLE).',
      params: OrgParams,
      body: w.NewWebhook,
      response: { 201: w.CreatedWebhook, ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      const created = await agreements.createRecordedWebhook(
        { db, ledger: app.ledger },
        request.organization!,
        request.body,
        request.principal!.personId,
        { allowHttp: app.config.webhooksAllowHttp },
      );
      return reply.status(201).send(created);
    },
  });

  app.delete('/organizations/:org/webhooks/:id', {
    config: { access: { roles: MANAGERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Delete a webhook; messages still owed to it are dropped',
      description:
        'Recorded on the ledger (webhook.deleted). The deletion stands even when the ledger cannot record it (503 LEDGER_UNAVAILABLE says so).',
      params: WebhookParams,
      response: { 204: Type.Null(), ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      await agreements.deleteRecordedWebhook(
        { db, ledger: app.ledger },
        request.organization!,
        request.params.id,
        request.principal!.personId,
      );
      return reply.status(204).send(null);
    },
  });

  app.get('/organizations/:org/webhooks/:id/deliveries', {
    config: { access: { roles: MANAGERS, inOrganization: true } },
    schema: {
      tags,
      summary: "A webhook's messages, newest first: delivered, still being tried, or given up",
      params: WebhookParams,
      querystring: PageQuery,
      response: { 200: PageOf(w.WebhookDelivery), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return agreements.listDeliveries(db, request.organization!.id, request.params.id, limit, after);
    },
  });
};
