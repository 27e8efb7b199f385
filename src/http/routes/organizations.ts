/** Organizations, their members and roles, and their personal access tokens. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import * as directory from '../../directory/index.ts';
import { MEMBERSHIP_ROLES } from '../../domain/index.ts';
import { createRecordedToken, listTokens, revokeRecordedToken } from '../../identity/index.ts';
import { requirePrincipal } from '../access.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const s = directory.schemas;
const OrgParams = Type.Object({ org: Slug });
const tags = ['Organizations'];

export const AccessTokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organizationId: Type.String(),
  personId: Type.String(),
  roles: Type.Array(s.MembershipRole),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

export const organizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;

  app.get('/organizations', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'List organizations',
      querystring: PageQuery,
      response: { 200: PageOf(s.Organization), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return directory.listOrganizations(db, limit, after);
    },
  });

  app.post('/organizations', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: 'Register an organization',
      description: 'Recorded on the ledger (organization.registered), or not made (503 LEDGER_UNAVAILABLE).',
      body: s.NewOrganization,
      response: { 201: s.Organization, ...errorResponses, 409: Type.Ref('Error'), 503: Type.Ref('Error') },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await directory.registerOrganization(
            { db, ledger: app.ledger },
            request.body,
            request.principal!.personId,
          ),
        ),
  });

  app.get('/organizations/:org', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'Read an organization',
      params: OrgParams,
      response: { 200: s.Organization, ...errorResponses },
    },
    handler: async (request) =>
      directory.toOrganization(await directory.findOrganization(db, request.params.org)),
  });

  app.patch('/organizations/:org', {
    config: { access: { roles: ['organization_admin'], inOrganization: true } },
    schema: {
      tags,
      summary: 'Change an organization',
      description: 'Recorded on the ledger (organization.changed), or undone (503 LEDGER_UNAVAILABLE).',
      params: OrgParams,
      body: s.OrganizationChanges,
      response: { 200: s.Organization, ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request) =>
      directory.changeOrganization(
        { db, ledger: app.ledger, renamed: catalog.reindexPublisher },
        request.params.org,
        request.body,
        request.principal!.personId,
      ),
  });

  app.get('/organizations/:org/members', {
    config: {
      access: {
        roles: ['organization_admin', 'data_steward', 'data_protection_officer', 'auditor'],
        inOrganization: true,
      },
    },
    schema: {
      tags,
      summary: 'List the people who hold roles in an organization',
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(s.Member), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return directory.listMembers(db, request.organization!.id, limit, after);
    },
  });

  app.put('/organizations/:org/members/:personId', {
    config: { access: { roles: ['organization_admin'], inOrganization: true } },
    schema: {
      tags,
      summary: "Set a person's roles in an organization",
      description:
        'Replaces the whole set; an empty list removes the person from the organization. Only a platform admin can ' +
        'grant or remove platform_admin or auditor, and the last platform admin and the last auditor cannot be ' +
        'removed (409 LAST_ROLE_HOLDER). Every change is recorded on the ledger (`membership.changed`); when it ' +
        'cannot be, roles it granted are taken back (503 LEDGER_UNAVAILABLE), while roles it removed stay removed.',
      params: Type.Object({ org: Slug, personId: Type.String({ maxLength: 64 }) }),
      body: s.MemberRoles,
      response: { 200: s.Member, ...errorResponses, 409: Type.Ref('Error'), 503: Type.Ref('Error') },
    },
    handler: async (request) =>
      directory.changeMemberRoles(
        { db, dialect: app.store.dialect, ledger: app.ledger },
        request.organization!,
        request.params.personId,
        request.body.roles,
        requirePrincipal(request),
      ),
  });

  app.get('/organizations/:org/tokens', {
    config: { access: { roles: ['organization_admin'], inOrganization: true } },
    schema: {
      tags: ['Access tokens'],
      summary: "List an organization's personal access tokens",
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(AccessTokenSchema), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return listTokens(db, request.organization!.id, limit, after);
    },
  });

  app.post('/organizations/:org/tokens', {
    config: { access: { roles: ['organization_admin'], inOrganization: true } },
    schema: {
      tags: ['Access tokens'],
      summary: 'Create a personal access token for scripts',
      description:
        'The secret is in the response only this once. The token acts with the listed roles, as long as its creator still holds them. ' +
        'Recorded on the ledger (token.created, without the secret), or not made (503 LEDGER_UNAVAILABLE).',
      params: OrgParams,
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          roles: Type.Array(Type.Enum([...MEMBERSHIP_ROLES]), {
            minItems: 1,
            maxItems: 5,
            uniqueItems: true,
          }),
          expiresInDays: Type.Optional(
            Type.Union([Type.Integer({ minimum: 1, maximum: 730 }), Type.Null()], { default: 90 }),
          ),
        },
        { additionalProperties: false },
      ),
      response: {
        201: Type.Object({ ...AccessTokenSchema.properties, secret: Type.String() }),
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const principal = requirePrincipal(request);
      const token = await createRecordedToken({ db, ledger: app.ledger }, principal, request.organization!, {
        name: request.body.name,
        roles: request.body.roles,
        expiresInDays: request.body.expiresInDays === undefined ? 90 : request.body.expiresInDays,
      });
      return reply.status(201).send(token);
    },
  });

  app.delete('/organizations/:org/tokens/:id', {
    config: { access: { roles: ['organization_admin'], inOrganization: true } },
    schema: {
      tags: ['Access tokens'],
      summary: 'Revoke a personal access token',
      params: Type.Object({ org: Slug, id: Type.String({ maxLength: 64 }) }),
      response: { 200: AccessTokenSchema, ...errorResponses },
    },
    handler: async (request) =>
      revokeRecordedToken(
        { db, ledger: app.ledger },
        request.organization!,
        request.params.id,
        requirePrincipal(request).personId,
      ),
  });
};

export const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['People'];

  app.get('/me', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary: 'Who am I: the signed-in person and their roles',
      response: {
        200: Type.Object({
          person: s.Person,
          roles: Type.Array(Type.Object({ role: s.AnyRole, organization: Type.Union([Slug, Type.Null()]) })),
          via: Type.String(),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => directory.whoIs(db, requirePrincipal(request)),
  });

  app.get('/people', {
    config: { access: { roles: ['platform_admin', 'auditor'] } },
    schema: {
      tags,
      summary: 'List people',
      querystring: PageQuery,
      response: { 200: PageOf(s.Person), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return directory.listPeople(db, limit, after);
    },
  });

  app.post('/people', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: 'Register a person',
      description:
        'Recorded on the ledger (person.registered, about the national ID given, if any), or not made (503 LEDGER_UNAVAILABLE).',
      body: s.NewPerson,
      response: { 201: s.Person, ...errorResponses, 409: Type.Ref('Error'), 503: Type.Ref('Error') },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await directory.registerPerson(
            { db, ledger: app.ledger },
            request.body,
            request.principal!.personId,
          ),
        ),
  });

  app.get('/people/:id', {
    config: { access: { roles: ['platform_admin', 'auditor'] } },
    schema: {
      tags,
      summary: 'Read a person',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: s.Person, ...errorResponses },
    },
    handler: async (request) => directory.getPerson(db, request.params.id),
  });

  app.patch('/people/:id', {
    config: { access: { roles: ['platform_admin'] } },
    schema: {
      tags,
      summary: 'Change a person',
      description:
        "A person's national ID is not changed here (FORBIDDEN): it decides whose data they see as a citizen, " +
        'so changing it would let one person read, or hide, another’s. Other changes are recorded on the ledger ' +
        '(person.changed), or undone (503 LEDGER_UNAVAILABLE).',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: s.PersonChanges,
      response: { 200: s.Person, ...errorResponses, 503: Type.Ref('Error') },
    },
    handler: async (request) =>
      directory.changePerson(
        { db, ledger: app.ledger },
        request.params.id,
        request.body,
        request.principal!.personId,
      ),
  });
};
