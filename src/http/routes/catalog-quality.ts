/**
 * Catalog quality: the public metadata quality score (data.europa.eu MQA) of each dataset and the
 * organizations' leaderboard, and, for an organization's stewards, the data-quality checks of its
 * hosted datasets (history, and a check run now).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import * as directory from '../../directory/index.ts';
import { FIELD_TYPES, Nullable } from '../../domain/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug, Timestamp } from '../schemas.ts';

const tags = ['Catalog quality'];
const PUBLIC = { access: { public: true } } as const;
const STEWARDS = ['organization_admin', 'data_steward'] as const;

const Rating = Type.Union([
  Type.Literal('Excellent'),
  Type.Literal('Good'),
  Type.Literal('Sufficient'),
  Type.Literal('Bad'),
]);

const Indicator = Type.Object({
  id: Type.String(),
  label: Type.String(),
  points: Type.Integer(),
  max: Type.Integer(),
  met: Type.Boolean(),
  applies: Type.Boolean({ description: 'False when the access rights rule the points out; max is then 0' }),
  reason: Type.String({ description: 'Why the points were given, or what to do to earn them' }),
});

const Dimension = Type.Object({
  id: Type.Union([
    Type.Literal('findability'),
    Type.Literal('accessibility'),
    Type.Literal('interoperability'),
    Type.Literal('reusability'),
    Type.Literal('contextuality'),
  ]),
  label: Type.String(),
  score: Type.Integer(),
  max: Type.Integer(),
  indicators: Type.Array(Indicator),
});

const Percent = Nullable(Type.Number({ minimum: 0, maximum: 100 }));

const QualityRun = Type.Object(
  {
    id: Type.String(),
    organization: Slug,
    dataset: Slug,
    startedAt: Timestamp,
    finishedAt: Timestamp,
    trigger: Type.Union([Type.Literal('schedule'), Type.Literal('person')]),
    triggeredBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    records: Type.Integer(),
    fields: Type.Array(
      Type.Object({
        name: Type.String(),
        type: Type.Enum([...FIELD_TYPES]),
        present: Type.Integer({ description: 'Records where the field has a value' }),
        valid: Type.Integer({ description: 'Of those, values of the declared type' }),
        completeness: Percent,
        validity: Percent,
      }),
    ),
    keyField: Nullable(Type.String()),
    duplicateRecords: Type.Integer({ description: 'Records whose key-field value another record shares' }),
    duplicateValues: Type.Integer({ description: 'Key-field values held by more than one record' }),
    freshness: Type.Object({
      status: Type.Union([Type.Literal('fresh'), Type.Literal('stale'), Type.Literal('unknown')]),
      lastUpdated: Nullable(Type.String()),
      updateFrequency: Nullable(Type.String()),
      periodDays: Nullable(Type.Number()),
    }),
    summary: Type.Object({
      completeness: Percent,
      validity: Percent,
      findings: Type.Array(Type.String()),
    }),
  },
  { description: 'One data-quality check of a hosted dataset' },
);

const DatasetQuality = Type.Object({
  organization: Slug,
  dataset: Slug,
  title: Type.String(),
  score: Type.Integer({ minimum: 0, maximum: 405 }),
  max: Type.Integer({ maximum: 405, description: 'What can be earned for the access rights' }),
  comparableScore: Type.Number({ description: 'The score out of 405 as if every point could be earned' }),
  rating: Rating,
  dimensions: Type.Array(Dimension),
  checks: Nullable(QualityRun),
});

const Leaderboard = Type.Object({
  items: Type.Array(
    Type.Object({
      organization: Slug,
      organizationName: Type.String(),
      datasets: Type.Integer(),
      score: Type.Number({ description: "Mean of the organization's dataset scores, to one decimal" }),
      max: Type.Literal(405),
      rating: Rating,
    }),
  ),
});

const OrganizationQuality = Type.Object({
  organization: Slug,
  organizationName: Type.String(),
  score: Nullable(Type.Number({ description: 'Mean of the dataset scores; null without datasets' })),
  max: Type.Literal(405),
  rating: Nullable(Rating),
  datasets: Type.Array(
    Type.Object({ slug: Slug, title: Type.String(), score: Type.Integer(), rating: Rating }),
  ),
});

const RunRequest = Type.Object(
  {
    checkLinks: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'Also ask the outside distribution addresses whether they answer (default true)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const publicQualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const publicUrl = app.config.publicUrl;

  app.get('/quality/datasets/:org/:slug', {
    config: PUBLIC,
    schema: {
      tags,
      summary:
        "A dataset's metadata quality score (data.europa.eu MQA, out of 405), with its latest data checks",
      params: Type.Object({ org: Slug, slug: Slug }),
      response: { 200: DatasetQuality, ...errorResponses },
    },
    handler: async (request) => {
      const organization = await directory.findOrganization(db, request.params.org);
      const dataset = await catalog.getDataset(db, organization.id, request.params.slug);
      return catalog.datasetQuality(db, publicUrl, dataset);
    },
  });

  app.get('/quality/organizations', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'Organizations by the mean metadata quality score of their datasets, best first',
      response: { 200: Leaderboard, ...errorResponses },
    },
    handler: async () => ({ items: await catalog.qualityLeaderboard(db, publicUrl) }),
  });

  app.get('/quality/organizations/:org', {
    config: PUBLIC,
    schema: {
      tags,
      summary: "An organization's mean metadata quality score and each of its datasets' scores",
      params: Type.Object({ org: Slug }),
      response: { 200: OrganizationQuality, ...errorResponses },
    },
    handler: async (request) => {
      const organization = await directory.findOrganization(db, request.params.org);
      return catalog.organizationQuality(db, publicUrl, organization);
    },
  });
};

export const catalogQualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const { dialect } = app.store;
  const publicUrl = app.config.publicUrl;
  const params = Type.Object({ org: Slug, slug: Slug });
  const access = { access: { roles: STEWARDS, inOrganization: true } };

  app.get('/organizations/:org/datasets/:slug/quality-checks', {
    config: access,
    schema: {
      tags,
      summary: "A hosted dataset's data-quality checks, newest first",
      params,
      querystring: PageQuery,
      response: { 200: PageOf(QualityRun), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      const dataset = await catalog.findDataset(db, request.organization!.id, request.params.slug);
      return catalog.listQualityRuns(db, dataset.id, limit, after);
    },
  });

  app.post('/organizations/:org/datasets/:slug/quality-checks', {
    config: access,
    schema: {
      tags,
      summary:
        "Check a dataset's records now (completeness, validity, duplicate keys, freshness) and its links",
      description:
        'Runs at once and answers with the run. Send `{}` for the defaults. A check of the same dataset already running (on any node) is refused with 409 CONFLICT.',
      params,
      body: RunRequest,
      response: { 201: QualityRun, ...errorResponses, 409: Type.Ref('Error') },
    },
    handler: async (request, reply) => {
      const dataset = await catalog.getDataset(db, request.organization!.id, request.params.slug);
      if (request.body.checkLinks !== false)
        await catalog.checkAddresses(
          db,
          catalog.externalAddresses(publicUrl, dataset),
          undefined,
          undefined,
          app.config.outboundPrivateNetworks,
        );
      const run = await catalog.runQualityCheck(
        { db, dialect, trigger: 'person', personId: request.principal!.personId },
        dataset,
      );
      return reply.status(201).send(run);
    },
  });
};
