/**
 * Governance events for auditors: every change to who may see or do what, as the ledger records it, listed
 * by kind, organization and the person who acted. Read from the committed events; platform administrators
 * are refused, as for the ledger export (src/ledger/entitlement.ts): the events name people who consented.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EVENT_KIND_PATTERN, GovdxError, SLUG_PATTERN } from '../../domain/index.ts';
import { listGovernanceEvents } from '../../governance/index.ts';
import { isAuditor } from '../../ledger/index.ts';
import { requirePrincipal } from '../access.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf } from '../schemas.ts';

const GovernanceEventQuery = Type.Object(
  {
    kind: Type.Optional(
      Type.String({
        pattern: EVENT_KIND_PATTERN,
        maxLength: 100,
        description: 'Only events of this kind, e.g. `system.registered` or `agreement.approved`',
      }),
    ),
    organization: Type.Optional(
      Type.String({
        pattern: SLUG_PATTERN,
        description:
          'Only events concerning this organization (its slug): as `organization`, provider or consumer',
      }),
    ),
    actor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9-]+$',
        description: 'Only events made by this person (their id), or `govdx` for what govdx did by itself',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page (1–200)' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor from the previous page' })),
  },
  { additionalProperties: false },
);

const GovernanceEvent = Type.Object({
  index: Type.Integer({ description: 'Ledger entry index (GET /ledger/entries/{index} for its receipt)' }),
  kind: Type.String(),
  at: Type.Union([Type.String(), Type.Null()]),
  organizations: Type.Array(Type.String(), { description: 'The organizations concerned, by slug' }),
  actor: Type.Union([
    Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  event: Type.Record(Type.String(), Type.Unknown(), { description: 'The committed event' }),
  indexProblem: Type.Union([Type.String(), Type.Null()], {
    description:
      "What is wrong when the ledger's index disagrees with the committed event; null when it agrees",
  }),
});

export const governanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/governance-events', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      tags: ['Ledger'],
      summary:
        'Governance events on the ledger, newest first, by kind, organization and actor (auditors only)',
      description:
        'Every change to who may see or do what (roles, systems and keys, services, datasets, purposes, agreements, ' +
        'consents, consent clients) is a ledger event naming the organization concerned and the person who acted. ' +
        'Platform administrators are refused, as for the ledger export. A page may hold fewer items than `limit` ' +
        'and still have a `nextCursor`: follow it until it is null.',
      querystring: GovernanceEventQuery,
      response: { 200: PageOf(GovernanceEvent), ...errorResponses },
    },
    handler: async (request) => {
      if (!isAuditor(requirePrincipal(request))) {
        throw new GovdxError(
          'FORBIDDEN',
          'Only auditors may list governance events, platform administrators included.',
          { requiredRoles: ['auditor'] },
        );
      }
      const { limit, after } = pageArgs(request.query);
      const before = after === null ? null : Number(after);
      if (before !== null && !Number.isSafeInteger(before)) {
        throw new GovdxError(
          'VALIDATION_FAILED',
          'The cursor is not valid. Use the nextCursor of the previous page.',
        );
      }
      const { kind, organization, actor } = request.query;
      return listGovernanceEvents(app.store.db, { kind, organization, actor }, limit, before);
    },
  });
};
