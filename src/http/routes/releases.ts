/**
 * Releases of open data from the registers (issue 20): a data steward prepares, revises and submits; a data
 * protection officer of the organization who did neither approves (the release is published in the
 * catalog) or rejects it. The organization's administrators, stewards, officers and auditors read them.
 * Once published, anyone reads its method, parameters and report at /catalog/releases/{id}.json.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as releases from '../../disclosure/releases/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, Slug } from '../schemas.ts';

const r = releases.schemas;
const ReleaseParams = Type.Object({ org: Slug, id: Type.String({ maxLength: 64 }) });
const BudgetParams = Type.Object({ org: Slug, slug: Slug });
const READERS = ['organization_admin', 'data_steward', 'data_protection_officer', 'auditor'] as const;
const STEWARDS = ['organization_admin', 'data_steward'] as const;
const tags = ['Releases'];
const refusals = {
  ...errorResponses,
  409: Type.Ref('Error'),
  422: Type.Ref('Error'),
  503: Type.Ref('Error'),
};

function context(app: FastifyInstance): releases.ReleaseContext {
  return { db: app.store.db, ledger: app.ledger, publicUrl: app.config.publicUrl };
}

export const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;

  app.get('/organizations/:org/releases', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: "List the organization's releases of open data, newest first",
      params: Type.Object({ org: Slug }),
      querystring: r.ReleaseFilter,
      response: { 200: PageOf(r.ReleaseSummary), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return releases.listReleases(db, request.organization!, request.query.status, limit, after);
    },
  });

  app.post('/organizations/:org/releases', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Prepare a release of open data from a register: k-anonymous microdata or noisy statistics',
      description:
        'Microdata are computed now: the report gives the information loss, the re-identification risk and the loss at other values of k. ' +
        'Statistics are designed now (cells and their 95 % error bound) and drawn only when the data protection officer approves. ' +
        'No generalisation within the suppression limit: 422 NO_SAFE_RELEASE.',
      params: Type.Object({ org: Slug }),
      body: r.NewRelease,
      response: { 201: r.Release, ...refusals },
    },
    handler: async (request, reply) => {
      const release = await releases.prepareRelease(
        context(app),
        request.organization!,
        request.body,
        request.principal!,
      );
      return reply.code(201).send(release);
    },
  });

  app.get('/organizations/:org/releases/:id', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Read a release: its parameters, report, status and the first rows it publishes',
      params: ReleaseParams,
      response: { 200: r.Release, ...errorResponses },
    },
    handler: async (request) => releases.getRelease(db, request.organization!, request.params.id),
  });

  app.put('/organizations/:org/releases/:id', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Change a draft or rejected release: it is computed again and becomes a draft',
      params: ReleaseParams,
      body: r.ReleaseRevision,
      response: { 200: r.Release, ...refusals },
    },
    handler: async (request) =>
      releases.reviseRelease(
        context(app),
        request.organization!,
        request.params.id,
        request.body,
        request.principal!,
      ),
  });

  app.post('/organizations/:org/releases/:id/submit', {
    config: { access: { roles: STEWARDS, inOrganization: true } },
    schema: {
      tags,
      summary: "Ask the organization's data protection officer to sign a draft release off",
      description:
        'A statistics release that does not fit in what is left of the privacy budget: 409 PRIVACY_BUDGET_EXCEEDED.',
      params: ReleaseParams,
      body: r.ReleaseSubmission,
      response: { 200: r.Release, ...refusals },
    },
    handler: async (request) =>
      releases.submitRelease(
        context(app),
        request.organization!,
        request.params.id,
        request.body.note ?? null,
        request.principal!,
      ),
  });

  for (const [action, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    app.post(`/organizations/:org/releases/:id/${action}`, {
      config: { access: { roles: ['data_protection_officer'], inOrganization: true } },
      schema: {
        tags,
        summary:
          action === 'approve'
            ? 'Approve a release as the data protection officer: it is published in the catalog now'
            : 'Reject a release as the data protection officer: it goes back to the steward',
        description:
          'Only a data protection officer of the organization (a platform admin is not one), never the person who prepared or submitted it (403 SELF_APPROVAL). ' +
          'The decision is recorded on the ledger; when it cannot be, nothing is decided or published (503 LEDGER_UNAVAILABLE).',
        params: ReleaseParams,
        body: r.ReleaseDecision,
        response: { 200: r.Release, ...refusals },
      },
      handler: async (request) =>
        releases.decideRelease(
          context(app),
          request.organization!,
          request.params.id,
          decision,
          request.body.reason,
          request.principal!,
        ),
    });
  }

  app.get('/organizations/:org/datasets/:slug/privacy-budget', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary:
        "A dataset's privacy budget: the total ε its statistics releases may spend, what they spent, what is left",
      params: BudgetParams,
      response: { 200: r.PrivacyBudget, ...errorResponses },
    },
    handler: async (request) => releases.privacyBudget(db, request.organization!, request.params.slug),
  });

  app.put('/organizations/:org/datasets/:slug/privacy-budget', {
    config: { access: { roles: ['data_protection_officer'], inOrganization: true } },
    schema: {
      tags,
      summary: "Set a dataset's privacy budget as its data protection officer, with a reason (on the ledger)",
      params: BudgetParams,
      body: r.PrivacyBudgetChange,
      response: { 200: r.PrivacyBudget, ...refusals },
    },
    handler: async (request) =>
      releases.setPrivacyBudget(
        context(app),
        request.organization!,
        request.params.slug,
        request.body,
        request.principal!,
      ),
  });
};

export const publicReleaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/releases/:file', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary:
        "A published release's method, parameters and report (information loss and risk, or error bounds)",
      params: Type.Object({ file: Type.String({ pattern: '^[0-9a-f-]{36}\\.json$' }) }),
      response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
    },
    handler: async (request) => releases.publishedRelease(app.store.db, request.params.file.slice(0, -5)),
  });
};
