/** An organization's systems, datasets, services and purposes, and the cross-organization lists. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import * as directory from '../../directory/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const d = directory.schemas;
const c = catalog.schemas;
const OrgParams = Type.Object({ org: Slug });
const OrgItemParams = Type.Object({ org: Slug, slug: Slug });
const created = { ...errorResponses, 409: Type.Ref('Error'), 422: Type.Ref('Error') };
const changed = { ...errorResponses, 409: Type.Ref('Error'), 422: Type.Ref('Error') };

const STEWARDS = ['organization_admin', 'data_steward'] as const;

/** What the catalog's recorded changes need from the app: its store, its ledger, and the exchange to tell. */
export function catalogContext(app: FastifyInstance): catalog.CatalogContext {
  return {
    db: app.store.db,
    ledger: app.ledger,
    changed: () => app.exchange.changed({ table: 'catalog' }),
  };
}
const SYSTEM_ADMINS = ['organization_admin'] as const;
const PURPOSE_OWNERS = ['organization_admin', 'data_protection_officer'] as const;

/** What the directory's recorded changes need of the node. */
function directoryEffects(app: FastifyInstance): directory.DirectoryEffects {
  return {
    db: app.store.db,
    ledger: app.ledger,
    changed: () => app.exchange.changed({ table: 'catalog' }),
  };
}

export const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const effects = directoryEffects(app);
  const tags = ['Systems'];
  const readers = { roles: [...SYSTEM_ADMINS, 'auditor'] as const, inOrganization: true };

  app.get('/organizations/:org/systems', {
    config: { access: readers },
    schema: {
      tags,
      summary: "List an organization's systems (machine clients)",
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(d.System), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return directory.listSystems(db, request.organization!, limit, after);
    },
  });
  app.post('/organizations/:org/systems', {
    config: { access: { roles: SYSTEM_ADMINS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Register a system with its public keys (JWKS) or a JWKS URL',
      description:
        'Recorded on the ledger (system.registered); when it cannot be, the system is not registered (503 LEDGER_UNAVAILABLE).',
      params: OrgParams,
      body: d.NewSystem,
      response: { 201: d.System, ...created, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await directory.registerSystem(
            effects,
            request.organization!,
            request.body,
            request.principal!.personId,
          ),
        ),
  });
  app.get('/organizations/:org/systems/:slug', {
    config: { access: readers },
    schema: {
      tags,
      summary: 'Read a system',
      params: OrgItemParams,
      response: { 200: d.System, ...errorResponses },
    },
    handler: async (request) => directory.getSystem(db, request.organization!, request.params.slug),
  });
  app.patch('/organizations/:org/systems/:slug', {
    config: { access: { roles: SYSTEM_ADMINS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Change a system, rotate its keys, or disable it',
      description:
        'Every change is recorded on the ledger (system.changed, system.key_rotated, system.disabled, system.enabled); ' +
        'when it cannot be, new keys, a re-enabling and a new name or description are not taken (503 LEDGER_UNAVAILABLE), ' +
        'while a removal of keys or a disabling stands.',
      params: OrgItemParams,
      body: d.SystemChanges,
      response: { 200: d.System, ...changed, 503: Type.Ref('Error') },
    },
    handler: async (request) =>
      directory.changeSystem(
        effects,
        request.organization!,
        request.params.slug,
        request.body,
        request.principal!.personId,
      ),
  });
};

export const datasetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['Datasets'];

  app.get('/datasets', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'List datasets of every organization',
      querystring: c.DatasetFilter,
      response: { 200: PageOf(c.Dataset), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      const { organization, classification, sensitivity } = request.query;
      const organizationId = organization
        ? (await directory.findOrganization(db, organization)).id
        : undefined;
      return catalog.listDatasets(db, { organizationId, classification, sensitivity }, limit, after);
    },
  });
  app.get('/organizations/:org/datasets', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: "List an organization's datasets",
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(c.Dataset), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      const organization = await directory.findOrganization(db, request.params.org);
      return catalog.listDatasets(db, { organizationId: organization.id }, limit, after);
    },
  });
  app.post('/organizations/:org/datasets', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Register a dataset with its fields',
      params: OrgParams,
      body: c.NewDataset,
      response: { 201: c.Dataset, ...created },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await catalog.registerDataset(
            catalogContext(app),
            request.organization!,
            request.body,
            request.principal!.personId,
          ),
        ),
  });
  app.get('/organizations/:org/datasets/:slug', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'Read a dataset with its fields',
      params: OrgItemParams,
      response: { 200: c.Dataset, ...errorResponses },
    },
    handler: async (request) => {
      const organization = await directory.findOrganization(db, request.params.org);
      return catalog.getDataset(db, organization.id, request.params.slug);
    },
  });
  app.patch('/organizations/:org/datasets/:slug', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Change a dataset; "fields" replaces the whole field list',
      description:
        "A change that lowers a field's sensitivity, changes the key field or declares the records no longer about people " +
        "waits, whole, for the sign-off of the organization's data protection officer (202, with the change waiting); " +
        'anything else is made at once (200). Every change of the fields, their sensitivities, the key field or whom ' +
        'the records are about is recorded on the ledger; when it cannot be, the change is not made (503 LEDGER_UNAVAILABLE).',
      params: OrgItemParams,
      body: c.DatasetChanges,
      response: { 200: c.Dataset, 202: c.CatalogChange, ...changed, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      const outcome = await catalog.changeDataset(
        catalogContext(app),
        request.organization!,
        request.params.slug,
        request.body,
        request.principal!.personId,
      );
      return 'waiting' in outcome ? reply.status(202).send(outcome.waiting) : outcome.applied;
    },
  });
};

export const serviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['Services'];

  app.get('/services', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'List services of every organization',
      querystring: PageQuery,
      response: { 200: PageOf(c.Service), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return catalog.listServices(db, {}, limit, after);
    },
  });
  app.get('/organizations/:org/services', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: "List an organization's services",
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(c.Service), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      const organization = await directory.findOrganization(db, request.params.org);
      return catalog.listServices(db, { organizationId: organization.id }, limit, after);
    },
  });
  app.post('/organizations/:org/services', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: "Publish a service (hosted or proxied) for one of the organization's datasets",
      params: OrgParams,
      body: c.NewService,
      response: { 201: c.Service, ...created },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await catalog.registerService(
            catalogContext(app),
            request.organization!,
            request.body,
            request.principal!.personId,
          ),
        ),
  });
  app.get('/organizations/:org/services/:slug', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'Read a service',
      params: OrgItemParams,
      response: { 200: c.Service, ...errorResponses },
    },
    handler: async (request) => {
      const organization = await directory.findOrganization(db, request.params.org);
      return catalog.getService(db, organization.id, request.params.slug);
    },
  });
  app.patch('/organizations/:org/services/:slug', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Change a service',
      description:
        "A change of the provider's address (baseUrl) waits, whole, for the sign-off of the organization's data " +
        'protection officer (202, with the change waiting); a change of the title, the description or requestAssertion ' +
        '(how requests to the provider are signed: docs/integrating.md) is made at once (200).',
      params: OrgItemParams,
      body: c.ServiceChanges,
      response: { 200: c.Service, 202: c.CatalogChange, ...changed, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      const outcome = await catalog.changeService(
        catalogContext(app),
        request.organization!,
        request.params.slug,
        request.body,
        request.principal!.personId,
      );
      return 'waiting' in outcome ? reply.status(202).send(outcome.waiting) : outcome.applied;
    },
  });
};

export const purposeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['Purposes'];

  app.get('/purposes', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'List registered purposes',
      querystring: Type.Object(
        { ...PageQuery.properties, organization: Type.Optional(Slug) },
        { additionalProperties: false },
      ),
      response: { 200: PageOf(d.Purpose), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      const organizationId = request.query.organization
        ? (await directory.findOrganization(db, request.query.organization)).id
        : undefined;
      return directory.listPurposes(db, organizationId ? { organizationId } : {}, limit, after);
    },
  });
  app.get('/purposes/:slug', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'Read a purpose',
      params: Type.Object({ slug: Slug }),
      response: { 200: d.Purpose, ...errorResponses },
    },
    handler: async (request) => directory.getPurpose(db, request.params.slug),
  });
  app.post('/organizations/:org/purposes', {
    config: { access: { roles: PURPOSE_OWNERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Register a purpose with its legal basis',
      description:
        'Recorded on the ledger (purpose.registered); when it cannot be, the purpose is not registered (503 LEDGER_UNAVAILABLE).',
      params: OrgParams,
      body: d.NewPurpose,
      response: { 201: d.Purpose, ...created, 503: Type.Ref('Error') },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await directory.registerPurpose(
            directoryEffects(app),
            request.organization!,
            request.body,
            request.principal!.personId,
          ),
        ),
  });
  app.patch('/organizations/:org/purposes/:slug', {
    config: { access: { roles: PURPOSE_OWNERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Change a purpose',
      description:
        'Recorded on the ledger (purpose.changed); when it cannot be, the change is undone (503 LEDGER_UNAVAILABLE).',
      params: OrgItemParams,
      body: d.PurposeChanges,
      response: { 200: d.Purpose, ...changed, 503: Type.Ref('Error') },
    },
    handler: async (request) =>
      directory.changePurpose(
        directoryEffects(app),
        request.organization!,
        request.params.slug,
        request.body,
        request.principal!.personId,
      ),
  });
};
