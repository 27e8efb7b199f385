/**
 * Agreements over HTTP. Under /api/v1: a consumer organization requests agreements (from a template
 * or from scratch); each required party signs off from its own organization; either side suspends,
 * revokes or amends as its role allows (domain/agreement.ts); providers publish templates; a platform
 * administrator declares emergencies. At /agreements, without sign-in: the public register, the
 * time it takes to share, and each registered agreement as an ODRL policy.
 *
 * Every transition is recorded on the ledger and reaches the exchange on its next call
 * (agreements/transitions.ts).
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as agreements from '../../agreements/index.ts';
import { AGREEMENT_ACTION_REASONS, type AgreementAction } from '../../domain/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, Slug } from '../schemas.ts';

const a = agreements.schemas;
const OrgParams = Type.Object({ org: Slug });
const AgreementParams = Type.Object({ org: Slug, id: Type.String({ maxLength: 64 }) });
const written = { ...errorResponses, 409: Type.Ref('Error'), 422: Type.Ref('Error'), 503: Type.Ref('Error') };

const READERS = [
  'organization_admin',
  'data_steward',
  'data_protection_officer',
  'legal_reviewer',
  'auditor',
] as const;
const REQUESTERS = ['data_steward', 'organization_admin'] as const;
/** Anyone who may take some action on an agreement; the workflow decides which (domain/agreement.ts). */
const ACTORS = ['data_steward', 'organization_admin', 'data_protection_officer', 'legal_reviewer'] as const;

/** What each action does, for the API docs; which need a reason is the domain's (AGREEMENT_ACTION_REASONS). */
const ACTIONS: Record<Exclude<AgreementAction, 'amend'>, string> = {
  submit: 'Send a draft request for approval (receiving side)',
  withdraw: 'Withdraw a request that is not yet active (receiving side)',
  approve: 'Give the sign-off your role owes; the agreement is active once every required party has signed',
  reject: 'Turn the request down, with a reason',
  suspend: 'Pause an agreement in force (providing side)',
  resume: 'Resume a paused agreement (providing side)',
  revoke: 'End an agreement early (either side)',
  expire: 'End an agreement today (providing side)',
};

export const agreementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const emergencyEffects: agreements.EmergencyEffects = { db, ledger: app.ledger };
  const tags = ['Agreements'];

  app.get('/organizations/:org/agreements', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'List the agreements an organization is party to, as provider or consumer',
      params: OrgParams,
      querystring: a.AgreementListQuery,
      response: { 200: PageOf(a.Agreement), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return agreements.listAgreements(db, request.organization!.id, {
        limit,
        after,
        status: request.query.status,
      });
    },
  });

  app.post('/organizations/:org/agreements', {
    config: { access: { roles: REQUESTERS, inOrganization: true } },
    schema: {
      tags,
      summary:
        'Request an agreement for data of another organization (the organization in the path receives it)',
      description:
        'From a template (`template`), whose terms fill whatever the request leaves out, or from scratch. A draft until ' +
        '`submit` (or `"submit": true` here). Sign-offs needed: the provider’s data steward always; its data protection ' +
        'officer when a field is personal; both data protection officers and the provider’s legal reviewer when a field ' +
        'is special-category; the consumer’s data steward (given by submitting as one). A request from a template that ' +
        'changes none of its terms needs only the provider’s data steward.',
      params: OrgParams,
      body: a.AgreementRequest,
      response: { 201: a.Agreement, ...written },
    },
    handler: async (request, reply) => {
      const created = await app.agreements.request(request.organization!, request.body, request.principal!);
      return reply.status(201).send(created);
    },
  });

  app.get('/organizations/:org/agreements/:id', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Read an agreement with its sign-offs, its history and its versions',
      params: AgreementParams,
      response: { 200: a.AgreementDetail, ...errorResponses },
    },
    handler: async (request) =>
      agreements.getAgreementDetail(db, request.organization!.id, request.params.id),
  });

  for (const [action, summary] of Object.entries(ACTIONS) as [Exclude<AgreementAction, 'amend'>, string][]) {
    app.post(`/organizations/:org/agreements/:id/${action}`, {
      config: { access: { roles: ACTORS, inOrganization: true } },
      schema: {
        tags,
        summary,
        description: 'Recorded on the ledger; takes effect on the next exchange call.',
        params: AgreementParams,
        body: AGREEMENT_ACTION_REASONS[action] === 'required' ? a.AgreementChange : a.AgreementApproval,
        response: { 200: a.Agreement, ...written },
      },
      handler: async (request) =>
        app.agreements.act(
          request.organization!.id,
          request.params.id,
          action,
          request.principal!,
          request.body.reason ?? null,
        ),
    });
  }

  app.post('/organizations/:org/agreements/:id/amend', {
    config: { access: { roles: ACTORS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Propose new terms for an agreement in force: a new version, which replaces it once approved',
      params: AgreementParams,
      body: a.AgreementAmendment,
      response: { 201: a.Agreement, ...written },
    },
    handler: async (request, reply) => {
      const version = await app.agreements.amend(
        request.organization!.id,
        request.params.id,
        request.principal!,
        request.body,
      );
      return reply.status(201).send(version);
    },
  });

  app.get('/organizations/:org/approvals', {
    config: { access: { roles: ACTORS, inOrganization: true } },
    schema: {
      tags,
      summary:
        'Your queue here: agreements waiting for your sign-off, and agreements that end within 30 days',
      params: OrgParams,
      response: { 200: a.ApprovalQueue, ...errorResponses },
    },
    handler: async (request) => agreements.approvalQueue(db, request.organization!.id, request.principal!),
  });

  app.get('/organizations/:org/agreement-templates', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags: ['Agreement templates'],
      summary: 'The organization’s templates, published and retired',
      params: OrgParams,
      response: { 200: Type.Array(a.Template), ...errorResponses },
    },
    handler: async (request) => agreements.listTemplates(db, { organizationId: request.organization!.id }),
  });

  app.post('/organizations/:org/agreement-templates', {
    config: { access: { roles: ['data_steward'], inOrganization: true } },
    schema: {
      tags: ['Agreement templates'],
      summary: 'Publish a template for one of the organization’s services',
      params: OrgParams,
      body: a.NewTemplate,
      response: { 201: a.Template, ...written },
    },
    handler: async (request, reply) => {
      const template = await agreements.createRecordedTemplate(
        { db, ledger: app.ledger },
        request.organization!,
        request.body,
        request.principal!.personId,
      );
      return reply.status(201).send(template);
    },
  });

  app.post('/organizations/:org/agreement-templates/:slug/retire', {
    config: { access: { roles: ['data_steward'], inOrganization: true } },
    schema: {
      tags: ['Agreement templates'],
      summary: 'Retire a template: no new requests from it; agreements made from it stay as they are',
      params: Type.Object({ org: Slug, slug: Slug }),
      body: a.AgreementChange,
      response: { 200: a.Template, ...written },
    },
    handler: async (request) =>
      agreements.retireRecordedTemplate(
        { db, ledger: app.ledger },
        request.organization!,
        request.params.slug,
        request.principal!.personId,
      ),
  });

  app.get('/agreement-templates', {
    config: { access: { authenticated: true } },
    schema: {
      tags: ['Agreement templates'],
      summary: 'Published templates of every organization, to request an agreement from',
      querystring: a.TemplateQuery,
      response: { 200: Type.Array(a.Template), ...errorResponses },
    },
    handler: async (request) =>
      agreements.listTemplates(db, { provider: request.query.provider, service: request.query.service }),
  });

  app.get('/emergencies', {
    config: { access: { public: true } },
    schema: {
      tags: ['Emergencies'],
      summary: 'Declared emergencies, newest first',
      querystring: Type.Object(
        { inForce: Type.Optional(Type.Boolean({ description: 'Only those in force now' })) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(a.Emergency), ...errorResponses },
    },
    handler: async (request) => agreements.listEmergencies(db, request.query.inForce ?? false),
  });

  app.post('/emergencies', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags: ['Emergencies'],
      summary: 'Declare an emergency: requests from emergency templates activate at once until it ends',
      description:
        'Sign-offs are collected afterwards; every agreement made under it ends at its end date at the latest, and the public register shows a banner.',
      body: a.NewEmergency,
      response: { 201: a.Emergency, ...written },
    },
    handler: async (request, reply) => {
      const emergency = await agreements.declareEmergency(
        emergencyEffects,
        request.body,
        request.principal!.personId,
      );
      return reply.status(201).send(emergency);
    },
  });

  app.post('/emergencies/:id/end', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags: ['Emergencies'],
      summary: 'End an emergency now; the agreements made under it end with it',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: a.AgreementChange,
      response: { 200: a.Emergency, ...written },
    },
    handler: async (request) => {
      const { id } = request.params;
      const by = request.principal!.personId;
      const emergency = await agreements.endEmergency(emergencyEffects, id, by, request.body.reason);
      await app.agreements.sweep();
      return emergency;
    },
  });
};

/** Without sign-in: what government shares with whom, and how fast. */
export const publicAgreementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['Public register'];

  app.get('/register', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'The public register: every agreement that is or was in force, newest first',
      description:
        'Parties, service, purpose, legal basis, field names and dates; never personal data. A browser asking for HTML gets the register page.',
      querystring: a.RegisterQuery,
      response: { 200: PageOf(a.RegisterEntry), ...errorResponses },
    },
    handler: async (request, reply) => {
      const accept = request.headers.accept ?? '';
      if (accept.includes('text/html') && !accept.includes('application/json') && app.hasWebApp) {
        return reply.type('text/html').sendFile('index.html');
      }
      const { limit, after } = pageArgs(request.query);
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return agreements.listRegister(db, { ...filter, limit, after });
    },
  });

  app.get('/register.csv', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'The public register as CSV (RFC 4180): every agreement the filters find, newest first',
      querystring: a.RegisterExportQuery,
      response: {
        200: { description: 'CSV', content: { 'text/csv': { schema: Type.String() } } },
        ...errorResponses,
      },
    },
    handler: async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="agreements-register.csv"')
        .send(Readable.from(agreements.registerCsv(db, request.query, app.config.publicUrl))),
  });

  app.get('/register/:id', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'One agreement in the public register, with its purpose in words and its sign-offs',
      description:
        'Only what is public: parties, service, purpose, legal basis, field names, dates and which party signed ' +
        'off when (never who). Agreements never in force are not found. A browser asking for HTML gets the page.',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: a.PublicAgreement, ...errorResponses },
    },
    handler: async (request, reply) => {
      const accept = request.headers.accept ?? '';
      if (accept.includes('text/html') && !accept.includes('application/json') && app.hasWebApp) {
        return reply.type('text/html').sendFile('index.html');
      }
      return agreements.publicAgreement(db, request.params.id);
    },
  });

  app.get('/time-to-share', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'How long agreements took from request to active: the median, overall and per organization',
      response: { 200: a.TimeToShare, ...errorResponses },
    },
    handler: async () => agreements.timeToShareFigures(db),
  });

  app.get('/:id/odrl', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'An agreement in the register as an ODRL 2.2 policy (JSON-LD)',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const entry = await agreements.registerEntry(db, request.params.id);
      const policy = agreements.agreementToOdrl(
        { ...entry, providerName: entry.providerName, consumerName: entry.consumerName },
        app.config.publicUrl,
      );
      return reply.type('application/ld+json').send(policy);
    },
  });
};
