/**
 * Sources, their linkage jobs and the register steward's review (issue 18, docs/registers.md). An
 * organization registers a source under its own name; the rest lives at /sources/{id}, where the registry
 * decides who is who: the source's and the register's stewards and administrators read it and run its
 * jobs, the register's decide about its pairs and links.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as registry from '../../registry/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const s = registry.schemas;
const STEWARDS = { roles: ['organization_admin', 'data_steward'] as const };
const IN_ORGANIZATION = { ...STEWARDS, inOrganization: true };
const tags = ['Sources'];
const Id = Type.String({ minLength: 1, maxLength: 64 });
const SourceParams = Type.Object({ id: Id });
const JobParams = Type.Object({ id: Id, job: Id });
const PairParams = Type.Object({ id: Id, pair: Id });
const RecordParams = Type.Object({ id: Id, key: Type.String({ minLength: 1, maxLength: 200 }) });
const Empty = Type.Object({}, { additionalProperties: false });
const conflict = { 409: Type.Ref('Error'), 503: Type.Ref('Error') };

function context(app: FastifyInstance): registry.SourceContext {
  return { db: app.store.db, ledger: app.ledger };
}

export const sourceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/organizations/:org/sources', {
    config: { access: IN_ORGANIZATION },
    schema: {
      tags,
      summary: "Register one of the organization's datasets as a source: its own copy of a register",
      description:
        'The dataset keeps its records (imported as usual); the register is never changed by it. Linkage compares ' +
        'the fields both hold whose names say what they are (given_name, family_name, date_of_birth, postcode, ' +
        'address_id…); with none in common the source is refused (422 NO_COMMON_FIELDS). Recorded on the ledger ' +
        '(source.registered).',
      params: Type.Object({ org: Slug }),
      body: s.NewSource,
      response: { 201: s.Source, ...errorResponses, ...conflict, 422: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      const view = await registry.registerSource(
        context(app),
        request.organization!,
        request.principal!,
        request.body,
      );
      return reply.status(201).send(view);
    },
  });

  app.get('/organizations/:org/sources', {
    config: { access: IN_ORGANIZATION },
    schema: {
      tags,
      summary: 'List the sources the organization holds and those linked to its registers, newest first',
      params: Type.Object({ org: Slug }),
      querystring: PageQuery,
      response: { 200: PageOf(s.Source), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return registry.listSources(app.store.db, request.organization!, request.principal!, limit, after);
    },
  });

  app.get('/sources/:id', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: 'Read a source: its register, thresholds and how many of its records are linked or waiting',
      params: SourceParams,
      response: { 200: s.Source, ...errorResponses },
    },
    handler: async (request) => registry.getSource(app.store.db, request.params.id, request.principal!),
  });

  app.post('/sources/:id/linkage-jobs', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: "Start a linkage job between the source's records and its register's",
      description:
        "Answers at once with the job, running; read it for its stage and outcome. A source record gets the register's " +
        'entity identifier when one pair is at or above the upper threshold; pairs between the thresholds go to the ' +
        "register steward's review. Decisions already taken hold. One job at a time per source (409 LINKAGE_RUNNING). " +
        'Recorded on the ledger (source.linkage_started, source.linkage_finished).',
      params: SourceParams,
      body: Empty,
      response: { 201: s.LinkageJob, ...errorResponses, ...conflict },
    },
    handler: async (request, reply) => {
      const { job } = await registry.startLinkageJob(context(app), request.params.id, request.principal!);
      return reply.status(201).send(job);
    },
  });

  app.get('/sources/:id/linkage-jobs', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: "List the source's linkage jobs, newest first",
      params: SourceParams,
      querystring: PageQuery,
      response: { 200: PageOf(s.LinkageJob), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return registry.listLinkageJobs(app.store.db, request.params.id, request.principal!, limit, after);
    },
  });

  app.get('/sources/:id/linkage-jobs/:job', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: 'Read a linkage job: its status, stage and outcome',
      params: JobParams,
      response: { 200: s.LinkageJob, ...errorResponses },
    },
    handler: async (request) =>
      registry.getLinkageJob(app.store.db, request.params.id, request.params.job, request.principal!),
  });

  app.post('/sources/:id/linkage-jobs/:job/cancel', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: 'Cancel a running linkage job: it stops within seconds and changes no link',
      params: JobParams,
      body: Empty,
      response: { 200: s.LinkageJob, ...errorResponses, ...conflict },
    },
    handler: async (request) =>
      registry.cancelLinkageJob(context(app), request.params.id, request.params.job, request.principal!),
  });

  app.get('/sources/:id/review', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: "The register steward's review queue: the pairs waiting for a decision",
      params: SourceParams,
      querystring: PageQuery,
      response: { 200: PageOf(s.LinkPair), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return registry.listReviewQueue(app.store.db, request.params.id, request.principal!, limit, after);
    },
  });

  app.get('/sources/:id/review/:pair', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: 'A pair with both records side by side and the explanation of its match weight',
      params: PairParams,
      response: { 200: s.LinkPairDetail, ...errorResponses },
    },
    handler: async (request) =>
      registry.getReviewPair(app.store.db, request.params.id, request.params.pair, request.principal!),
  });

  app.post('/sources/:id/review/:pair', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: 'Accept or reject a pair waiting for review',
      description:
        "Accepting gives the source record the register's entity identifier; rejecting means the pair is never " +
        'proposed or linked again. A pair already decided is refused (409 PAIR_DECIDED). Recorded on the ledger ' +
        '(source.link_accepted, source.link_rejected).',
      params: PairParams,
      body: s.PairDecision,
      response: { 200: s.LinkPair, ...errorResponses, ...conflict },
    },
    handler: async (request) =>
      registry.decideReviewPair(
        context(app),
        request.params.id,
        request.params.pair,
        request.body.decision,
        request.principal!,
        request.body.reason ?? null,
      ),
  });

  app.get('/sources/:id/links', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: "The source's records that hold the register's entity identifier, newest link first",
      params: SourceParams,
      querystring: PageQuery,
      response: { 200: PageOf(s.SourceLink), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return registry.listLinks(app.store.db, request.params.id, request.principal!, limit, after);
    },
  });

  app.post('/sources/:id/links/:key/split', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: 'Split a linked source record back out of its entity',
      description:
        'The link goes, and the pair counts as rejected: no later job links them again. Recorded on the ledger ' +
        '(source.link_split).',
      params: RecordParams,
      body: s.SplitRequest,
      response: { 200: s.LinkPair, ...errorResponses, ...conflict },
    },
    handler: async (request) =>
      registry.splitLink(
        context(app),
        request.params.id,
        request.params.key,
        request.principal!,
        request.body.reason ?? null,
      ),
  });

  app.post('/sources/:id/links/:key/merge', {
    config: { access: STEWARDS },
    schema: {
      tags,
      summary: 'Merge a source record into a register entity by hand',
      description:
        'For a record no job linked (or to confirm one a job linked by itself). A record linked to another entity ' +
        'is refused (409 RECORD_LINKED): split it first. Recorded on the ledger (source.link_merged).',
      params: RecordParams,
      body: s.MergeRequest,
      response: { 200: s.SourceLink, ...errorResponses, ...conflict },
    },
    handler: async (request) =>
      registry.mergeRecord(
        context(app),
        request.params.id,
        request.params.key,
        request.body.entityId,
        request.principal!,
        request.body.reason ?? null,
      ),
  });
};
