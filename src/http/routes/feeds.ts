/**
 * Change feeds over HTTP (issue 18): a system subscribes to the changes of a hosted register under its
 * organization's agreement and reads them after a cursor, at /exchange/feeds (its exchange access token,
 * checked by the exchange routes' hook); its organization's stewards subscribe it, list and end its
 * subscriptions at /api/v1/organizations/{org}/systems/{slug}/feeds.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GovdxError } from '../../domain/index.ts';
import { feedSchemas as f, type IndexedSystem } from '../../exchange/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const SYSTEM = { access: { system: true } } as const;
const STEWARDS = { access: { roles: ['organization_admin', 'data_steward'] as const, inOrganization: true } };
const tags = ['Change feeds'];
const FeedParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const SystemParams = Type.Object({ org: Slug, slug: Slug });
const SystemFeedParams = Type.Object({ org: Slug, slug: Slug, id: Type.String({ maxLength: 64 }) });

const SUBSCRIBE =
  'A system follows the changes of a register govdx hosts (created, updated, deleted records: births, moves, deaths, ' +
  'new businesses) under its organization’s active agreement for the service and purpose, from now on. The agreement ' +
  'must release the register’s key field, and `fields` may name only released fields (403 FIELD_NOT_AGREED). Refused ' +
  'like an exchange call without an agreement in force (NO_AGREEMENT, PURPOSE_NOT_AGREED, AGREEMENT_NOT_ACTIVE, ' +
  'AGREEMENT_EXPIRED, AGREEMENT_REVOKED, …). One subscription per system, service and purpose (409 ALREADY_EXISTS). ' +
  'Recorded on the ledger (feed.subscribed), or not made (503 LEDGER_UNAVAILABLE).';

const subscribeResponses = {
  201: f.Subscription,
  ...errorResponses,
  409: Type.Ref('Error'),
  503: Type.Ref('Error'),
} as const;

/** The system's own routes, under /exchange (registered inside the exchange routes, whose hook authenticates it). */
export const feedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feeds = app.exchange.feeds;

  app.post('/feeds', {
    config: SYSTEM,
    schema: {
      tags,
      summary: 'Subscribe this system to the changes of a hosted register',
      description: SUBSCRIBE,
      body: f.NewSubscription,
      response: subscribeResponses,
    },
    handler: async (request, reply) =>
      reply.status(201).send(await feeds.subscribe(request.system!, request.body, null)),
  });

  app.get('/feeds', {
    config: SYSTEM,
    schema: {
      tags,
      summary: 'This system’s subscriptions, newest first',
      querystring: PageQuery,
      response: { 200: PageOf(f.Subscription), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return feeds.list(request.system!, limit, after);
    },
  });

  app.delete('/feeds/:id', {
    config: SYSTEM,
    schema: {
      tags,
      summary: 'End a subscription',
      description:
        'Recorded on the ledger (feed.cancelled); it stands even when the ledger cannot record it.',
      params: FeedParams,
      response: { 204: Type.Null(), ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      await feeds.cancel(request.system!, request.params.id, null);
      return reply.status(204).send(null);
    },
  });

  app.get('/feeds/:id/changes', {
    config: SYSTEM,
    schema: {
      tags,
      summary: 'Read the changes of a subscription after a cursor',
      description:
        'The changes of the register after `after` (or after the last cursor this system read after), oldest first, ' +
        'that its agreement lets it have: each minimized to the agreed fields and recorded on the ledger as an access ' +
        'event (its index is `receipt`) before the answer, so the person concerned sees it. Read on with `after` set to ' +
        'the answer’s `cursor`; a system that keeps its cursor gets every change exactly once. The agreement is decided ' +
        'again at every read: once it is suspended, revoked or ended, reads are refused (403, the code says why). ' +
        '503 LEDGER_UNAVAILABLE: nothing was released; read again from the same cursor.',
      params: FeedParams,
      querystring: f.FeedQuery,
      response: { 200: f.FeedPage, ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      const page = await feeds.read(
        request.system!,
        request.params.id,
        request.query.after,
        request.query.limit ?? 100,
      );
      return reply.header('cache-control', 'no-store').send(page);
    },
  });
};

function systemOf(app: FastifyInstance, org: string, slug: string): IndexedSystem {
  const system = app.exchange.index.system(`${org}/${slug}`);
  if (!system) throw new GovdxError('NOT_FOUND', `There is no system "${org}/${slug}".`, { kind: 'system' });
  return system;
}

/** A steward's routes for the organization's systems, under /api/v1. */
export const systemFeedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feeds = app.exchange.feeds;

  app.post('/organizations/:org/systems/:slug/feeds', {
    config: STEWARDS,
    schema: {
      tags,
      summary: 'Subscribe one of the organization’s systems to the changes of a hosted register',
      description: SUBSCRIBE,
      params: SystemParams,
      body: f.NewSubscription,
      response: subscribeResponses,
    },
    handler: async (request, reply) => {
      const system = systemOf(app, request.params.org, request.params.slug);
      const made = await feeds.subscribe(system, request.body, request.principal!.personId);
      return reply.status(201).send(made);
    },
  });

  app.get('/organizations/:org/systems/:slug/feeds', {
    config: STEWARDS,
    schema: {
      tags,
      summary: 'A system’s subscriptions to changes, newest first',
      params: SystemParams,
      querystring: PageQuery,
      response: { 200: PageOf(f.Subscription), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return feeds.list(systemOf(app, request.params.org, request.params.slug), limit, after);
    },
  });

  app.delete('/organizations/:org/systems/:slug/feeds/:id', {
    config: STEWARDS,
    schema: {
      tags,
      summary: 'End a system’s subscription',
      description:
        'Recorded on the ledger (feed.cancelled); it stands even when the ledger cannot record it.',
      params: SystemFeedParams,
      response: { 204: Type.Null(), ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      const system = systemOf(app, request.params.org, request.params.slug);
      await feeds.cancel(system, request.params.id, request.principal!.personId);
      return reply.status(204).send(null);
    },
  });
};
