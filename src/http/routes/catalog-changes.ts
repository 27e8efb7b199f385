/**
 * Changes to datasets and services that wait for the data protection officer (issue 14, finding 5):
 * the organization's stewards, administrators, data protection officers and auditors see them; a data
 * protection officer of the organization, not the person who proposed it, approves or rejects each one
 * with a reason. Both decisions are recorded on the ledger.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, Slug } from '../schemas.ts';
import { catalogContext } from './resources.ts';

const c = catalog.schemas;
const ChangeParams = Type.Object({ org: Slug, id: Type.String({ maxLength: 64 }) });
const READERS = ['organization_admin', 'data_steward', 'data_protection_officer', 'auditor'] as const;
const tags = ['Catalog changes'];

export const catalogChangeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;

  app.get('/organizations/:org/catalog-changes', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary:
        "List changes to the organization's datasets and services that need the data protection officer",
      params: Type.Object({ org: Slug }),
      querystring: c.CatalogChangeFilter,
      response: { 200: PageOf(c.CatalogChange), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return catalog.listCatalogChanges(
        db,
        { organizationId: request.organization!.id, status: request.query.status },
        limit,
        after,
      );
    },
  });
  app.get('/organizations/:org/catalog-changes/:id', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Read a change that needs the data protection officer',
      params: ChangeParams,
      response: { 200: c.CatalogChange, ...errorResponses },
    },
    handler: async (request) => catalog.getCatalogChange(db, request.organization!.id, request.params.id),
  });
  for (const [action, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    app.post(`/organizations/:org/catalog-changes/:id/${action}`, {
      config: { access: { roles: ['data_protection_officer'], inOrganization: true } },
      schema: {
        tags,
        summary:
          action === 'approve'
            ? 'Approve a change as the data protection officer: it is made now'
            : 'Reject a change as the data protection officer: nothing changes',
        description:
          'Only a data protection officer of the organization, never the person who proposed the change (403 FORBIDDEN). ' +
          'A change to a dataset or service that has changed since it was proposed is not applied (409 CONFLICT). ' +
          'The decision is recorded on the ledger; when it cannot be, nothing is decided (503 LEDGER_UNAVAILABLE).',
        params: ChangeParams,
        body: c.CatalogChangeDecision,
        response: {
          200: c.CatalogChange,
          ...errorResponses,
          409: Type.Ref('Error'),
          422: Type.Ref('Error'),
          503: Type.Ref('Error'),
        },
      },
      handler: async (request) =>
        catalog.decideCatalogChange(
          catalogContext(app),
          request.organization!,
          request.params.id,
          decision,
          request.body.reason,
          request.principal!,
        ),
    });
  }
};
