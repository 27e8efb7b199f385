/**
 * Governance events for auditors: every change to who may see or do what, as the ledger records it, listed
 * by kind, organization and the person who acted. Read from the committed events; platform administrators
 * are refused, as for the ledger export (src/ledger/entitlement.ts): the events name people who consented.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { getSystem } from '../../directory/index.ts';
import { EVENT_KIND_PATTERN, GovdxError, Nullable, SLUG_PATTERN } from '../../domain/index.ts';
import {
  allLedgerEvents,
  type LedgerEventFilter,
  type LedgerEventView,
  listGovernanceEvents,
  listLedgerEvents,
  systemKeyHistory,
} from '../../governance/index.ts';
import { isAuditor } from '../../ledger/index.ts';
import { requirePrincipal } from '../access.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, Slug } from '../schemas.ts';

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

const Day = (description: string) => Type.String({ format: 'date', description });

const ledgerEventFilter = {
  type: Type.Optional(
    Type.Union([Type.Literal('access'), Type.Literal('governance')], {
      description: "`access`: the exchange's decisions; `governance`: changes to who may see or do what",
    }),
  ),
  kind: Type.Optional(
    Type.String({
      pattern: EVENT_KIND_PATTERN,
      maxLength: 100,
      description: 'Only events of this kind, e.g. `access` or `agreement.approved`',
    }),
  ),
  organization: Type.Optional(
    Type.String({
      pattern: SLUG_PATTERN,
      description:
        'Only events concerning this organization (its slug): as `organization`, provider or consumer',
    }),
  ),
  system: Type.Optional(
    Type.String({ pattern: SLUG_PATTERN, description: 'Only events naming this system (its slug)' }),
  ),
  purpose: Type.Optional(
    Type.String({ pattern: SLUG_PATTERN, description: 'Only events naming this purpose (its slug)' }),
  ),
  from: Type.Optional(Day('First day (UTC) of the events, inclusive')),
  to: Type.Optional(Day('Last day (UTC) of the events, inclusive')),
};

const LedgerEventQuery = Type.Object(
  {
    ...ledgerEventFilter,
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page (1–200)' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor from the previous page' })),
  },
  { additionalProperties: false },
);

const LedgerEventExportQuery = Type.Object(
  {
    ...ledgerEventFilter,
    format: Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], {
      description: '`csv` (RFC 4180, one row per event) or `jsonl` (JSON Lines, one view per line)',
    }),
  },
  { additionalProperties: false },
);

const Person = Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) }));

const LedgerEvent = Type.Object({
  index: Type.Integer({ description: 'Ledger entry index (GET /ledger/entries/{index} for its receipt)' }),
  type: Type.Union([Type.Literal('access'), Type.Literal('governance')]),
  kind: Type.String(),
  at: Nullable(Type.String()),
  organizations: Type.Array(Type.String(), { description: 'The organizations concerned, by slug' }),
  system: Nullable(Type.String()),
  purpose: Nullable(Type.String()),
  outcome: Nullable(Type.String({ description: "An access event's outcome; null for governance events" })),
  actor: Person,
  event: Type.Record(Type.String(), Type.Unknown(), { description: 'The committed event' }),
  indexProblem: Nullable(Type.String()),
});

const KeyChange = Nullable(
  Type.Object(
    { at: Nullable(Type.String()), index: Type.Integer(), by: Person },
    {
      description: 'The ledger entry that recorded the change, and who made it',
    },
  ),
);

const SystemKeys = Type.Object({
  system: Slug,
  organization: Slug,
  jwksUri: Nullable(Type.String({ description: 'Set when the keys are fetched from this URL' })),
  keys: Type.Array(
    Type.Object({
      kid: Type.String(),
      alg: Nullable(Type.String({ description: 'Known while the key is in the system’s key set' })),
      kty: Nullable(Type.String()),
      current: Type.Boolean(),
      added: KeyChange,
      removed: KeyChange,
    }),
  ),
});

function refuseAllButAuditors(request: FastifyRequest, what: string): void {
  if (!isAuditor(requirePrincipal(request))) {
    throw new GovdxError('FORBIDDEN', `Only auditors may ${what}, platform administrators included.`, {
      requiredRoles: ['auditor'],
    });
  }
}

const CSV_COLUMNS = [
  'index',
  'at',
  'type',
  'kind',
  'outcome',
  'organizations',
  'system',
  'purpose',
  'actor',
  'event',
] as const;

function csvRow(view: LedgerEventView): string[] {
  return [
    String(view.index),
    view.at ?? '',
    view.type,
    view.kind,
    view.outcome ?? '',
    view.organizations.join(' '),
    view.system ?? '',
    view.purpose ?? '',
    view.actor?.id ?? '',
    JSON.stringify(view.event),
  ];
}

const csv = (rows: string[][]) => stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });

export const governanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/ledger-events', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      tags: ['Ledger'],
      summary:
        'Search every ledger event (access and governance), newest first, by kind, organization, system, purpose and day (auditors only)',
      description:
        'Reads the committed events, not only the index. Platform administrators are refused, as for the ledger ' +
        'export. A page may hold fewer items than `limit` and still have a `nextCursor`: follow it until it is null.',
      querystring: LedgerEventQuery,
      response: { 200: PageOf(LedgerEvent), ...errorResponses },
    },
    handler: async (request) => {
      refuseAllButAuditors(request, 'search ledger events');
      const { limit, after } = pageArgs(request.query);
      const before = after === null ? null : Number(after);
      if (before !== null && !Number.isSafeInteger(before)) {
        throw new GovdxError(
          'VALIDATION_FAILED',
          'The cursor is not valid. Use the nextCursor of the previous page.',
        );
      }
      const { limit: _l, cursor: _c, ...filter } = request.query;
      return listLedgerEvents(app.store.db, filter satisfies LedgerEventFilter, limit, before);
    },
  });

  app.get('/ledger-events/export', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      tags: ['Ledger'],
      summary: 'Every ledger event the search finds, as CSV or JSON Lines (auditors only)',
      description:
        'The same filters as GET /ledger-events, every match at once, newest first. For the events with their salts, ' +
        'to check against the tree, use GET /ledger/export.',
      querystring: LedgerEventExportQuery,
      response: {
        200: {
          description: 'CSV or JSON Lines',
          content: {
            'text/csv': { schema: Type.String() },
            'application/x-ndjson': { schema: Type.String() },
          },
        },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      refuseAllButAuditors(request, 'export ledger events');
      const { format, ...filter } = request.query;
      const db = app.store.db;
      async function* lines() {
        if (format === 'csv') yield csv([[...CSV_COLUMNS]]);
        for await (const view of allLedgerEvents(db, filter)) {
          yield format === 'csv' ? csv([csvRow(view)]) : `${JSON.stringify(view)}\n`;
        }
      }
      const extension = format === 'csv' ? 'csv' : 'jsonl';
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .header('content-disposition', `attachment; filename="ledger-events.${extension}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(lines()));
    },
  });

  app.get('/organizations/:org/systems/:slug/keys', {
    config: { access: { roles: ['auditor', 'organization_admin'], inOrganization: true } },
    schema: {
      tags: ['Systems'],
      summary:
        "A system's keys: each key id it ever had, its algorithm, when it was added and removed, and by whom",
      description:
        'From the ledger (system.registered and system.key_rotated) and the current key set; the ledger records key ' +
        'ids, so the algorithm is known only for keys the system still has.',
      params: Type.Object({ org: Slug, slug: Slug }),
      response: { 200: SystemKeys, ...errorResponses },
    },
    handler: async (request) => {
      const organization = request.organization!;
      const system = await getSystem(app.store.db, organization, request.params.slug);
      const keys = await systemKeyHistory(app.store.db, system.id, system.jwks?.keys ?? []);
      return { system: system.slug, organization: organization.slug, jwksUri: system.jwksUri, keys };
    },
  });

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
