/**
 * Agreements and consents, as far as the exchange needs them now: a provider's data steward (or a
 * platform admin) creates an active agreement and suspends, resumes, revokes or expires it; a platform
 * admin records and revokes consents. The approval workflow and the person's own consent flow come
 * with the agreements and consent parts.
 *
 * Every change takes effect on the next exchange call (the index is updated before the API answers)
 * and is recorded on the ledger. A change that lets data flow (a new agreement, a resumption, a
 * consent) is undone when it cannot be recorded; a change that stops data flowing stands even then.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as agreements from '../../agreements/index.ts';
import * as consent from '../../consent/index.ts';
import { AGREEMENT_ACTIONS, type AgreementAction, GovdxError } from '../../domain/index.ts';
import { EVENT_KINDS, type LedgerEvent } from '../../ledger/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const a = agreements.schemas;
const c = consent.schemas;
const OrgParams = Type.Object({ org: Slug });
const AgreementParams = Type.Object({ org: Slug, id: Type.String({ maxLength: 64 }) });
const written = { ...errorResponses, 409: Type.Ref('Error'), 422: Type.Ref('Error'), 503: Type.Ref('Error') };

const READERS = ['organization_admin', 'data_steward', 'data_protection_officer', 'auditor'] as const;
const STEWARDS = ['data_steward'] as const;

const AGREEMENT_EVENTS: Record<AgreementAction, string> = {
  suspend: 'agreement.suspended',
  resume: 'agreement.resumed',
  revoke: EVENT_KINDS.agreementRevoked,
  expire: 'agreement.expired',
};

function agreementEvent(kind: string, agreement: agreements.AgreementView, by: string): LedgerEvent {
  return {
    kind,
    agreement: agreement.id,
    provider: agreement.provider,
    consumer: agreement.consumer,
    service: agreement.service,
    purpose: agreement.purpose,
    fields: agreement.fields,
    legalBasis: agreement.legalBasis,
    specialCategoryBasis: agreement.specialCategoryBasis,
    validFrom: agreement.validFrom,
    validUntil: agreement.validUntil,
    status: agreement.status,
    reason: agreement.statusReason,
    by,
  };
}

export const agreementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['Agreements'];

  /** Records `event`; on failure undoes the change with `undo` (when given) and refuses with LEDGER_UNAVAILABLE. */
  async function record(event: LedgerEvent, undo?: () => Promise<void>): Promise<void> {
    try {
      await app.ledger.append(event);
    } catch (cause) {
      if (undo) await undo();
      const error = new GovdxError(
        'LEDGER_UNAVAILABLE',
        undo
          ? 'The change could not be recorded on the ledger, so it was not made. Try again shortly.'
          : 'The change is made, but it could not be recorded on the ledger. Tell the platform operators.',
      );
      error.cause = cause;
      throw error;
    }
  }

  app.get('/organizations/:org/agreements', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'List the agreements an organization is party to, as provider or consumer',
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(a.Agreement), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return agreements.listAgreements(db, request.organization!.id, limit, after);
    },
  });

  app.get('/organizations/:org/agreements/:id', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Read an agreement the organization is party to',
      params: AgreementParams,
      response: { 200: a.Agreement, ...errorResponses },
    },
    handler: async (request) => agreements.getAgreement(db, request.organization!.id, request.params.id),
  });

  app.post('/organizations/:org/agreements', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Create an active agreement for one of the organization’s services (provider side)',
      description:
        'For now an agreement is made active at once by the providing organization’s data steward or a platform admin; ' +
        'the approval workflow (consumer request, DPO review) comes with the agreements part. Recorded on the ledger as `agreement.approved`.',
      params: OrgParams,
      body: a.NewAgreement,
      response: { 201: a.Agreement, ...written },
    },
    handler: async (request, reply) => {
      const provider = request.organization!;
      const created = await agreements.createAgreement(
        db,
        provider,
        request.body,
        request.principal!.personId,
      );
      await app.exchange.changed({ table: 'agreements', id: created.id });
      await record(
        agreementEvent(EVENT_KINDS.agreementApproved, created, request.principal!.personId),
        async () => {
          await agreements.deleteAgreement(db, created.id);
          await app.exchange.changed({ table: 'agreements', id: created.id });
        },
      );
      return reply.status(201).send(created);
    },
  });

  for (const action of Object.keys(AGREEMENT_ACTIONS) as AgreementAction[]) {
    const enables = AGREEMENT_ACTIONS[action].to === 'active';
    app.post(`/organizations/:org/agreements/:id/${action}`, {
      config: { access: { roles: STEWARDS, inOrganization: true } },
      schema: {
        tags,
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} an agreement (provider side); it applies to the next exchange call`,
        params: AgreementParams,
        body: a.AgreementChange,
        response: { 200: a.Agreement, ...written },
      },
      handler: async (request) => {
        const provider = request.organization!;
        const { before, after } = await agreements.changeAgreement(
          db,
          provider,
          request.params.id,
          action,
          request.body.reason,
        );
        await app.exchange.changed({ table: 'agreements', id: after.id });
        const undo = enables
          ? async () => {
              await agreements.restoreAgreement(db, before);
              await app.exchange.changed({ table: 'agreements', id: after.id });
            }
          : undefined;
        await record(agreementEvent(AGREEMENT_EVENTS[action], after, request.principal!.personId), undo);
        return after;
      },
    });
  }
};

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
