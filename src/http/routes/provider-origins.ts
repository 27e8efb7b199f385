/**
 * The platform's list of provider origins (src/directory/provider-origins.ts): the only addresses a proxied
 * service may point at. Kept by the platform admin; every change is on the ledger.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as directory from '../../directory/index.ts';
import { errorResponses } from '../schemas.ts';

const tags = ['Provider origins'];

export const providerOriginRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const effects = { db, ledger: app.ledger, changed: () => app.exchange.changed({ table: 'catalog' }) };

  app.get('/provider-origins', {
    config: { access: { roles: ['platform_admin', 'auditor'] } },
    schema: {
      tags,
      summary: 'List the provider origins the exchange may call',
      description:
        "A proxied service's address must be on this list, when it is published or changed and at every call.",
      response: {
        200: Type.Object({ items: Type.Array(directory.ProviderOrigin) }),
        ...errorResponses,
      },
    },
    handler: async () => ({ items: await directory.listProviderOrigins(db) }),
  });

  app.post('/provider-origins', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: 'Allow the exchange to call a provider origin',
      description:
        'Recorded on the ledger as `provider_origin.added`; when it cannot be, the origin is not added (503 LEDGER_UNAVAILABLE).',
      body: directory.NewProviderOrigin,
      response: {
        201: directory.ProviderOrigin,
        ...errorResponses,
        409: Type.Ref('Error'),
        503: Type.Ref('Error'),
      },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await directory.allowProviderOrigin(effects, request.body, request.principal!.personId)),
  });

  app.delete('/provider-origins/:id', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: 'Stop the exchange calling a provider origin',
      description:
        'Services at this origin are refused from the next call on (PROVIDER_NOT_ALLOWED). Recorded on the ledger as ' +
        '`provider_origin.removed`; the removal stands even when the ledger cannot record it (503 LEDGER_UNAVAILABLE says so).',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 204: Type.Null(), ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      await directory.disallowProviderOrigin(effects, request.params.id, request.principal!.personId);
      return reply.status(204).send(null);
    },
  });
};
