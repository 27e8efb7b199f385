/** An organization's consent clients: the services that send citizens to govdx to ask for consent. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as consent from '../../consent/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const s = consent.clientSchemas;
const OrgParams = Type.Object({ org: Slug });
const ClientParams = Type.Object({ org: Slug, clientId: Type.String({ maxLength: 64 }) });
const WRITERS = ['organization_admin', 'data_steward'] as const;
const READERS = [...WRITERS, 'data_protection_officer', 'auditor'] as const;

const HOW =
  'The service authenticates at the consent server (`/consent`) with private_key_jwt, uses PKCE (S256) and may push its ' +
  'authorization requests (PAR). It asks for attribute scopes and one of its registered purposes (`purpose=<slug>`); see docs/consent.md.';

export const consentClientRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const effects = { db, ledger: app.ledger };
  const tags = ['Consent'];

  app.get('/organizations/:org/consent-clients', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: "List an organization's consent clients (services that ask citizens for consent)",
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(s.ConsentClient), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return consent.listConsentClients(db, request.organization!, limit, after);
    },
  });

  app.post('/organizations/:org/consent-clients', {
    config: { access: { roles: WRITERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Register a service as a consent client (an OAuth client of the consent server)',
      description: `${HOW} Recorded on the ledger (consent_client.registered); when it cannot be, the client is not registered (503 LEDGER_UNAVAILABLE).`,
      params: OrgParams,
      body: s.NewConsentClient,
      response: {
        201: s.ConsentClient,
        ...errorResponses,
        409: Type.Ref('Error'),
        422: Type.Ref('Error'),
        503: Type.Ref('Error'),
      },
    },
    handler: async (request, reply) => {
      const client = await consent.registerConsentClient(
        effects,
        request.organization!,
        request.body,
        request.principal!.personId,
      );
      return reply.status(201).send(client);
    },
  });

  app.get('/organizations/:org/consent-clients/:clientId', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Read a consent client',
      params: ClientParams,
      response: { 200: s.ConsentClient, ...errorResponses },
    },
    handler: async (request) => consent.getConsentClient(db, request.organization!, request.params.clientId),
  });

  app.patch('/organizations/:org/consent-clients/:clientId', {
    config: { access: { roles: WRITERS, inOrganization: true } },
    schema: {
      tags,
      summary:
        'Change a consent client: rotate its keys, change its redirect URIs, purposes, name or preview',
      description:
        'Takes effect at the consent server from the next request. A new key set replaces the old at once: to rotate ' +
        'without a break, first list both keys, then remove the old one. Every change is recorded on the ledger; when ' +
        'it cannot be, the change is undone (503 LEDGER_UNAVAILABLE), unless it only takes something away.',
      params: ClientParams,
      body: s.ConsentClientChanges,
      response: { 200: s.ConsentClient, ...errorResponses, 422: Type.Ref('Error'), 503: Type.Ref('Error') },
    },
    handler: async (request) =>
      consent.changeConsentClient(
        effects,
        request.organization!,
        request.params.clientId,
        request.body,
        request.principal!.personId,
      ),
  });
};
