/**
 * Consents recorded by a platform admin on a person's behalf (`admin-recorded`). People withdraw their
 * own under /api/v1/me (routes/tracker.ts) and give them on the consent page.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as consent from '../../consent/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf } from '../schemas.ts';

const c = consent.schemas;
const written = { ...errorResponses, 409: Type.Ref('Error'), 422: Type.Ref('Error'), 503: Type.Ref('Error') };

const ADMIN_ONLY =
  'A platform administrator records consents here on the person’s behalf (collection method `admin-recorded` unless said otherwise); people give their own on the consent page and withdraw them under /api/v1/me.';

export const consentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const effects: consent.ConsentEffects = {
    db,
    ledger: app.ledger,
    changed: (change) => app.exchange.changed(change),
  };
  const tags = ['Consents'];

  app.get('/consents', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: "List a person's consents",
      description: ADMIN_ONLY,
      querystring: c.ConsentQuery,
      response: { 200: PageOf(c.Consent), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return consent.listConsents(db, request.query.subject, limit, after);
    },
  });

  app.get('/consents/:id', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: 'Read a consent',
      description: ADMIN_ONLY,
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: c.Consent, ...errorResponses },
    },
    handler: async (request) => consent.getConsent(db, request.params.id),
  });

  app.post('/consents', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: "Record a person's consent to one consumer for one purpose",
      description: `${ADMIN_ONLY} Recorded on the ledger as \`consent.given\`.`,
      body: c.NewConsent,
      response: { 201: c.Consent, ...written },
    },
    handler: async (request, reply) => {
      const given = await consent.giveConsent(effects, request.body, request.principal!.personId);
      return reply.status(201).send(given);
    },
  });

  app.post('/consents/:id/revoke', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: 'Withdraw a consent; it applies to the next exchange call',
      description: `${ADMIN_ONLY} Recorded on the ledger as \`consent.revoked\`.`,
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: c.ConsentRevocation,
      response: { 200: c.Consent, ...written },
    },
    handler: async (request) =>
      consent.withdrawConsent(effects, request.params.id, {
        personId: request.principal!.personId,
        bySubject: false,
        reason: request.body.reason ?? null,
      }),
  });
};
