/**
 * The exchange's usage statistics, by day (exchange/usage-daily.ts): a service's for its provider, an
 * organization's own calls for it as consumer, and everyone's for the auditor. JSON, or CSV with
 * `?format=csv` or `Accept: text/csv`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { GovdxError, usageRange } from '../../domain/index.ts';
import { readUsage, schemas, type UsageCount, type UsageFilter, usageCsv } from '../../exchange/index.ts';

const { AllUsageQuery, OwnUsageQuery, ServiceUsageQuery, UsageReport } = schemas;

import { errorResponses, Slug } from '../schemas.ts';

const tags = ['Exchange'];
const ORGANIZATION_READERS = {
  access: {
    roles: ['organization_admin', 'data_steward', 'data_protection_officer', 'auditor'],
    inOrganization: true,
  },
} as const;

const DESCRIPTION =
  'Calls per day (UTC), service, consumer and purpose, and over the range: answered, not found (allowed, but no ' +
  'such record), refused and failed, which add up to the calls; refusals and failures by code; latency (p50, p95, ' +
  'estimated from histogram buckets). Kept in the store, so every node answers the same: each node adds what it ' +
  'counted every `GOVDX_USAGE_FLUSH_SECONDS` (and the node answering adds its own first). The ledger holds every ' +
  'access itself. `?format=csv` (or `Accept: text/csv`) gives the days as CSV.';

const response = {
  200: {
    description: 'The usage, as JSON or as CSV (the days)',
    content: {
      'application/json': { schema: UsageReport },
      'text/csv': { schema: Type.String() },
    },
  },
  ...errorResponses,
} as const;

function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

export const usageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { exchange } = app;
  const named = (row: UsageCount) => ({
    ...row,
    providerName: exchange.index.organizationBySlug(row.provider)?.name ?? row.provider,
    serviceTitle: exchange.index.service(row.provider, row.service)?.title ?? null,
    consumerName: exchange.index.organizationBySlug(row.consumer)?.name ?? row.consumer,
    purposeTitle: exchange.index.purpose(row.purpose)?.title ?? null,
  });

  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    query: { from?: string; to?: string; format?: 'json' | 'csv' },
    filter: Omit<UsageFilter, 'from' | 'to'>,
    name: string,
  ) {
    const { from, to } = usageRange(query, new Date());
    // What this node counted and has not added yet: so that a call is seen as soon as it is answered.
    await exchange.usage.flush();
    const report = await readUsage(app.store.db, { from, to, ...filter });
    void reply.header('cache-control', 'no-store').header('vary', 'accept');
    if (wantsCsv(request, query.format)) {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="usage-${name}-${from}-${to}.csv"`)
        .send(usageCsv(report.days));
    }
    return reply.send({
      from,
      to,
      days: report.days.map((day) => ({ ...named(day), day: day.day })),
      totals: report.totals.map(named),
    });
  }

  app.get('/organizations/:org/services/:slug/usage', {
    config: ORGANIZATION_READERS,
    schema: {
      tags,
      summary: 'Usage of a service through the exchange, by day, consumer and purpose (for its provider)',
      description: DESCRIPTION,
      params: Type.Object({ org: Slug, slug: Slug }),
      querystring: ServiceUsageQuery,
      response,
    },
    handler: async (request, reply) => {
      const provider = request.organization!.slug;
      const { slug } = request.params;
      if (!exchange.index.service(provider, slug)) {
        throw new GovdxError('NOT_FOUND', `There is no service "${slug}".`, { kind: 'service', id: slug });
      }
      const { consumer } = request.query;
      return answer(
        request,
        reply,
        request.query,
        { provider, service: slug, consumer },
        `${provider}-${slug}`,
      );
    },
  });

  app.get('/organizations/:org/usage', {
    config: ORGANIZATION_READERS,
    schema: {
      tags,
      summary: "The organization's own calls through the exchange, by day, service and purpose (as consumer)",
      description: DESCRIPTION,
      params: Type.Object({ org: Slug }),
      querystring: OwnUsageQuery,
      response,
    },
    handler: async (request, reply) => {
      const consumer = request.organization!.slug;
      const { provider } = request.query;
      return answer(request, reply, request.query, { consumer, provider }, `${consumer}-calls`);
    },
  });

  app.get('/usage', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      tags,
      summary:
        'Usage of the exchange across all organizations, by day, service, consumer and purpose (auditors)',
      description: DESCRIPTION,
      querystring: AllUsageQuery,
      response,
    },
    handler: async (request, reply) => {
      const { provider, consumer } = request.query;
      return answer(request, reply, request.query, { provider, consumer }, 'all');
    },
  });
};
