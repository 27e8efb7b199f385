/**
 * CKAN's Action API v3 over the open datasets, read-only, at /api/3/action/<action>. Answers and
 * refusals are in CKAN's envelope, not govdx's: `{ help, success: true, result }`, or
 * `{ help, success: false, error: { __type, … } }` with CKAN's statuses (404 Not Found Error,
 * 409 Validation Error, 403 Authorization Error, 500 Internal Server Error), and an unknown action
 * is CKAN's 400 with the bare JSON string "Bad request - Action name not known: <name>".
 * Query strings are still validated by their schemas; a refusal names the parameter as CKAN does.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type TProperties, Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import { GovdxError } from '../../domain/index.ts';
import { HTTP_STATUS } from '../errors.ts';

const tags = ['CKAN Action API v3'];
const PUBLIC = { access: { public: true } } as const;

const Help = Type.String({ description: 'Where the help text of this action is: help_show?name=<action>' });
const Envelope = Type.Object(
  { help: Help, success: Type.Literal(true), result: Type.Any() },
  { description: "CKAN's envelope around the action's result" },
);
const Failure = (description: string) =>
  Type.Object(
    {
      help: Help,
      success: Type.Literal(false),
      error: Type.Object({ __type: Type.String() }, { additionalProperties: true }),
    },
    { description },
  );
const responses = {
  200: Envelope,
  403: Failure('Authorization Error: the credentials sent are not valid'),
  404: Failure('Not Found Error: no open dataset, organization or resource has this id'),
  409: Failure('Validation Error: each parameter that is wrong, with what is wrong with it'),
};

/** CKAN reads booleans leniently (asbool). */
const Bool = Type.Union(
  ['true', 'false', 'True', 'False', '1', '0', 'yes', 'no', 'on', 'off'].map((v) => Type.Literal(v)),
);
const isTrue = (value: string | undefined) => ['true', 'True', '1', 'yes', 'on'].includes(value ?? '');
/** Solr's and PostgreSQL's integers are 32-bit: a larger number is refused rather than passed on. */
const Natural = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description }));
const Id = Type.String({ minLength: 1, maxLength: 200 });
const query = <T extends TProperties>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

/** CKAN's words for what is wrong with a parameter (ckan/lib/navl/validators.py, ckan/logic/validators.py). */
function ckanMessage(issue: { keyword?: string; message?: string; params?: Record<string, unknown> }) {
  switch (issue.keyword) {
    case 'required':
      return 'Missing value';
    case 'type':
      return issue.params?.type === 'integer' ? 'Invalid integer' : `Must be a ${String(issue.params?.type)}`;
    case 'minimum':
      return issue.params?.limit === 0
        ? 'Must be a natural number'
        : `Must be at least ${String(issue.params?.limit)}`;
    case 'maximum':
      return `Must be at most ${String(issue.params?.limit)}`;
    case 'anyOf':
      return 'Must be true or false';
    case 'additionalProperties':
      return 'This parameter is not known';
    default:
      return issue.message ?? 'Not valid';
  }
}

function parameterOf(issue: { instancePath?: string; keyword?: string; params?: Record<string, unknown> }) {
  if (issue.keyword === 'required') return String(issue.params?.missingProperty ?? '');
  if (issue.keyword === 'additionalProperties') return String(issue.params?.additionalProperty ?? '');
  return (issue.instancePath ?? '').replace(/^\//, '').split('/')[0] ?? '';
}

export const ckanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, dialect } = app.store;
  const base = app.config.publicUrl.replace(/\/$/, '');
  const help = (action: string) => `${base}/api/3/action/help_show?name=${encodeURIComponent(action)}`;
  const actionOf = (request: FastifyRequest) => /\/api\/3\/action\/([^/?]*)/.exec(request.url)?.[1] ?? '';
  const ok = (action: string, result: unknown) => ({ help: help(action), success: true as const, result });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const body = (status: number, fields: Record<string, unknown>) =>
      reply.status(status).send({ help: help(actionOf(request)), success: false, error: fields });
    if (error instanceof catalog.CkanError) {
      return error.type === 'Not Found Error'
        ? body(404, { __type: error.type, message: error.message })
        : body(409, { __type: error.type, ...error.fields });
    }
    const validation = (error as FastifyError).validation;
    if (Array.isArray(validation)) {
      const fields: Record<string, string[]> = {};
      for (const issue of validation) {
        const name = parameterOf(issue) || 'parameters';
        fields[name] = [...(fields[name] ?? []), ckanMessage(issue)];
      }
      return body(409, { __type: 'Validation Error', ...fields });
    }
    if (error instanceof GovdxError && [401, 403].includes(HTTP_STATUS[error.code])) {
      return body(403, { __type: 'Authorization Error', message: `Access denied: ${error.message}` });
    }
    if (error instanceof GovdxError && HTTP_STATUS[error.code] === 404) {
      return body(404, { __type: 'Not Found Error', message: 'Not found' });
    }
    request.log.error({ err: error }, 'CKAN action failed');
    return body(500, { __type: 'Internal Server Error', message: 'Internal Server Error' });
  });

  app.get('/', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'The version of the Action API',
      response: { 200: Type.Object({ version: Type.Literal(3) }), 403: responses[403] },
    },
    handler: async () => ({ version: 3 as const }),
  });

  app.get('/action/package_search', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'Searches the open datasets, with facets (CKAN package_search)',
      querystring: query({
        q: Type.Optional(Type.String({ maxLength: 500, description: 'Words to find; *:* or empty for all' })),
        fq: Type.Optional(
          Type.String({
            maxLength: 2000,
            description:
              'Filters, all of which must hold: organization:<name> tags:<tag> groups:<theme> res_format:<format> license_id:<id>; quote values with spaces: tags:"vital statistics"',
          }),
        ),
        rows: Natural('Datasets per page (default 10; more than 1000 gives 1000)'),
        start: Natural('How many matching datasets to skip'),
        sort: Type.Optional(
          Type.String({
            maxLength: 200,
            description:
              'score desc, metadata_modified asc|desc or title_string asc|desc; default "score desc, metadata_modified desc"',
          }),
        ),
        'facet.field': Type.Optional(
          Type.String({
            maxLength: 500,
            description: 'JSON list of fields to count: organization, groups, tags, res_format, license_id',
          }),
        ),
        'facet.limit': Type.Optional(
          Type.Integer({
            minimum: -1,
            maximum: 2_147_483_647,
            description: 'Most values per facet (default 50); -1 for all',
          }),
        ),
        'facet.mincount': Natural('Accepted for compatibility; values are listed from a count of 1'),
        facet: Type.Optional(Bool),
        include_private: Type.Optional(Bool),
        include_drafts: Type.Optional(Bool),
      }),
      response: responses,
    },
    handler: async (request) => {
      const q = request.query;
      return ok(
        'package_search',
        await catalog.packageSearch(
          db,
          dialect,
          {
            q: q.q,
            fq: q.fq,
            rows: q.rows,
            start: q.start,
            sort: q.sort,
            facetFields: q.facet === undefined || isTrue(q.facet) ? q['facet.field'] : undefined,
            facetLimit: q['facet.limit'],
          },
          new Date(),
        ),
      );
    },
  });

  app.get('/action/package_show', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'One open dataset, by id or name (CKAN package_show)',
      querystring: query({ id: Id, use_default_schema: Type.Optional(Bool) }),
      response: responses,
    },
    handler: async (request) =>
      ok('package_show', await catalog.packageShow(db, request.query.id, new Date())),
  });

  app.get('/action/package_list', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'The names of the open datasets (CKAN package_list)',
      querystring: query({
        limit: Natural('How many names (default all)'),
        offset: Natural('How many names to skip'),
      }),
      response: responses,
    },
    handler: async (request) =>
      ok('package_list', await catalog.packageList(db, request.query.limit, request.query.offset ?? 0)),
  });

  app.get('/action/organization_list', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'The organizations that publish open data (CKAN organization_list)',
      querystring: query({
        all_fields: Type.Optional(Bool),
        limit: Natural('How many (at most 1000, or 25 with all_fields)'),
        offset: Natural('How many to skip'),
        sort: Type.Optional(
          Type.String({ maxLength: 100, description: 'name, title or package_count, asc or desc' }),
        ),
        include_dataset_count: Type.Optional(Bool),
      }),
      response: responses,
    },
    handler: async (request) =>
      ok(
        'organization_list',
        await catalog.organizationList(db, {
          allFields: isTrue(request.query.all_fields),
          limit: request.query.limit,
          offset: request.query.offset ?? 0,
          sort: request.query.sort,
        }),
      ),
  });

  app.get('/action/organization_show', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'One organization that publishes open data, by id or name (CKAN organization_show)',
      querystring: query({ id: Id, include_datasets: Type.Optional(Bool) }),
      response: responses,
    },
    handler: async (request) =>
      ok(
        'organization_show',
        await catalog.organizationShow(
          db,
          dialect,
          request.query.id,
          isTrue(request.query.include_datasets),
          new Date(),
        ),
      ),
  });

  app.get('/action/resource_show', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'One resource (download) of an open dataset (CKAN resource_show)',
      querystring: query({ id: Id }),
      response: responses,
    },
    handler: async (request) => ok('resource_show', await catalog.resourceShow(db, request.query.id)),
  });

  app.get('/action/help_show', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'What an action does and which parameters it reads (CKAN help_show)',
      querystring: query({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
      response: responses,
    },
    handler: async (request) => {
      const text = catalog.CKAN_ACTIONS[request.query.name];
      if (text === undefined) throw catalog.ckanNotFound();
      return ok('help_show', text);
    },
  });

  app.get('/action/:name', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'Any other action: CKAN answers 400 "Bad request - Action name not known: <name>"',
      params: Type.Object({ name: Type.String({ maxLength: 200 }) }),
      response: { 400: Type.String() },
    },
    handler: async (request, reply) =>
      reply
        .status(400)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(`Bad request - Action name not known: ${request.params.name}`)),
  });
};
