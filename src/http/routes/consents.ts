/**
 * Consents in the admin API. An official of the consumer organization records a consent the person gave
 * them (assisted, or on paper) under /organizations/{org}/consents, with a reference to the evidence; a
 * platform admin never records one (domain/consent.ts), but may read a person's consents and withdraw one
 * at the person's request. People give their own on the consent page and withdraw them under /api/v1/me
 * (routes/tracker.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as consent from '../../consent/index.ts';
import { CONSENT_RECORDER_ROLES, checkConsentRecorder } from '../../domain/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, Slug } from '../schemas.ts';

const c = consent.schemas;
const written = { ...errorResponses, 409: Type.Ref('Error'), 422: Type.Ref('Error'), 503: Type.Ref('Error') };

const ADMIN_ONLY =
  'A platform administrator reads a person’s consents here, and withdraws one at the person’s request. Consents are given on the consent page, or recorded by an official of the organization that receives the data (POST /api/v1/organizations/{org}/consents).';

const ON_BEHALF =
  'An official of the organization that receives the data records a consent the person gave them (`assisted`) or on a signed paper form (`paper`), with a reference to where the evidence is kept (`evidence`). ' +
  'Given again for the same purpose, the consent in force is renewed with these terms (`consent.renewed`) rather than duplicated. ' +
  'Recorded on the ledger as `consent.given` with who recorded it and the evidence reference (never the evidence itself); the person sees it in My data as recorded on their behalf. ' +
  'A platform administrator is refused, whatever else they hold (403 CONSENT_RECORDER_FORBIDDEN).';

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

  app.post('/organizations/:org/consents', {
    config: { access: { roles: CONSENT_RECORDER_ROLES, inOrganization: true } },
    schema: {
      tags,
      summary: "Record a consent a person gave your organization's official (assisted, or on paper)",
      description: ON_BEHALF,
      params: Type.Object({ org: Slug }),
      body: c.ConsentOnBehalf,
      response: { 201: c.Consent, ...written },
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const organization = request.organization!;
      // The access check lets a platform admin through everywhere; this rule does not.
      checkConsentRecorder(principal, organization.id);
      const { evidence, ...terms } = request.body;
      const given = await consent.giveConsent(
        effects,
        { ...terms, consumer: organization.slug, evidence: evidence.trim() },
        principal.personId,
      );
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
