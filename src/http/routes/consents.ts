/**
 * Consents, as far as the exchange needs them now: a platform admin records and revokes them on a
 * person's behalf. The person's own consent flow comes with the consent part.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as consent from '../../consent/index.ts';
import { GovdxError } from '../../domain/index.ts';
import { EVENT_KINDS } from '../../ledger/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf } from '../schemas.ts';

const c = consent.schemas;
const written = { ...errorResponses, 409: Type.Ref('Error'), 422: Type.Ref('Error'), 503: Type.Ref('Error') };

const ADMIN_ONLY =
  'For now only a platform administrator records consents, on the person’s behalf; the consent part adds the person’s own flow (OAuth 2 / OIDC) and ISO/IEC TS 27560 receipts.';

export const consentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
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
      const given = await consent.createConsent(db, request.body, request.principal!.personId);
      await app.exchange.changed({ table: 'consents', id: given.id });
      try {
        await app.ledger.append({
          kind: EVENT_KINDS.consentGiven,
          subject: given.subject,
          consent: given.id,
          consumer: given.consumer,
          purpose: given.purpose,
          fields: given.fields,
          expiresAt: given.expiresAt,
          by: request.principal!.personId,
        });
      } catch (cause) {
        await consent.deleteConsent(db, given.id);
        await app.exchange.changed({ table: 'consents', id: given.id });
        const error = new GovdxError(
          'LEDGER_UNAVAILABLE',
          'The consent could not be recorded on the ledger, so it was not taken. Try again shortly.',
        );
        error.cause = cause;
        throw error;
      }
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
    handler: async (request) => {
      const before = await consent.getConsent(db, request.params.id);
      const revoked = await consent.revokeConsent(db, request.params.id);
      await app.exchange.changed({ table: 'consents', id: revoked.id });
      if (before.status !== 'revoked') {
        try {
          await app.ledger.append({
            kind: EVENT_KINDS.consentRevoked,
            subject: revoked.subject,
            consent: revoked.id,
            consumer: revoked.consumer,
            purpose: revoked.purpose,
            reason: request.body.reason ?? null,
            by: request.principal!.personId,
          });
        } catch (cause) {
          const error = new GovdxError(
            'LEDGER_UNAVAILABLE',
            'The consent is withdrawn, but this could not be recorded on the ledger. Tell the platform operators.',
          );
          error.cause = cause;
          throw error;
        }
      }
      return revoked;
    },
  });
};
