/**
 * Correction requests (issue 16): a citizen asks the keeper of a register to correct their entry, and sees
 * what became of it; the organization's stewards see the requests to it and answer. Each request and answer
 * is on the ledger and reaches the people concerned as a notification (src/tracker/corrections.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GovdxError, type Principal } from '../../domain/index.ts';
import * as tracker from '../../tracker/index.ts';
import { requirePrincipal } from '../access.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, Slug } from '../schemas.ts';

const t = tracker.schemas;
const CITIZEN = { access: { citizen: true } } as const;
const STEWARDS = { access: { roles: ['organization_admin', 'data_steward'], inOrganization: true } } as const;
const written = { ...errorResponses, 409: Type.Ref('Error'), 503: Type.Ref('Error') };

export const correctionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const effects = { db: app.store.db, ledger: app.ledger };

  const citizen = (principal: Principal): Principal & { nationalId: string } => {
    if (!principal.nationalId) throw new GovdxError('FORBIDDEN', 'Your account has no national ID.');
    return principal as Principal & { nationalId: string };
  };

  app.post('/me/corrections', {
    config: CITIZEN,
    schema: {
      tags: ['My data'],
      summary:
        'Ask the keeper of a register to correct my entry: which detail, what is wrong, what it should be',
      description:
        'For citizens signed in themselves, about an entry that GET /me/data shows them; any other entry is not found. ' +
        'Recorded on the ledger (`correction.requested`); the stewards of the register’s organization are notified.',
      body: t.NewCorrectionRequest,
      response: { 201: t.CorrectionRequest, ...written },
    },
    handler: async (request, reply) => {
      const made = await tracker.askCorrection(effects, citizen(requirePrincipal(request)), request.body);
      return reply.code(201).send(made);
    },
  });

  app.get('/me/corrections', {
    config: CITIZEN,
    schema: {
      tags: ['My data'],
      summary: 'My correction requests, newest first, with their answers',
      querystring: t.CorrectionQuery,
      response: { 200: PageOf(t.CorrectionRequest), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return tracker.listMyCorrections(app.store.db, requirePrincipal(request).personId, limit, after);
    },
  });

  app.get('/organizations/:org/corrections', {
    config: STEWARDS,
    schema: {
      tags: ['Registers'],
      summary:
        'The correction requests to the organization’s registers, oldest first (`status=waiting`: the queue)',
      params: Type.Object({ org: Slug }),
      querystring: t.CorrectionQuery,
      response: { 200: PageOf(t.CorrectionRequest), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return tracker.listCorrectionQueue(
        app.store.db,
        request.organization!.id,
        request.query.status,
        limit,
        after,
      );
    },
  });

  app.post('/organizations/:org/corrections/:id/answer', {
    config: STEWARDS,
    schema: {
      tags: ['Registers'],
      summary: 'Answer a correction request: corrected, or declined with a reason',
      description:
        'Correct the entry in the register first (an import or the register’s own system), then answer `corrected`. ' +
        'A declined request needs a `reason`, which the person is told. Answered once (409 CONFLICT after). ' +
        'Recorded on the ledger (`correction.answered`); the person is notified.',
      params: Type.Object({ org: Slug, id: Type.String({ maxLength: 64 }) }),
      body: t.CorrectionAnswer,
      response: { 200: t.CorrectionRequest, ...written },
    },
    handler: async (request) =>
      tracker.answerCorrection(
        effects,
        request.organization!,
        request.params.id,
        request.body,
        requirePrincipal(request).personId,
      ),
  });
};
