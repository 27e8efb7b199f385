/**
 * The public catalog in the formats harvesters read: DCAT-AP 3.0.1 as Turtle and JSON-LD, for the
 * whole catalog (in numbered pages) and for each dataset. Restricted datasets are listed with their
 * metadata and access rights; no record of any dataset is ever part of these documents.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import * as directory from '../../directory/index.ts';
import { notFound } from '../../domain/index.ts';
import { errorResponses, Slug } from '../schemas.ts';
import { sendDownload } from './catalog-downloads.ts';

const tags = ['Catalog'];
const PUBLIC = { access: { public: true } } as const;
const TURTLE = 'text/turtle; charset=utf-8';
const JSON_LD = 'application/ld+json; charset=utf-8';

const Document = (description: string) => ({
  description,
  content: {
    'text/turtle': { schema: Type.String() },
    'application/ld+json': { schema: Type.Object({}, { additionalProperties: true }) },
  },
});

const PageQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const Format = Type.Union([Type.Literal('ttl'), Type.Literal('jsonld')]);
const DatasetFile = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\\.(ttl|jsonld|csv|json)$',
  description:
    'The dataset slug and the format: <slug>.ttl or <slug>.jsonld (metadata), <slug>.csv or <slug>.json (records of an open dataset)',
});

export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const publicUrl = app.config.publicUrl;

  app.get('/dcat.:format', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'The catalog as DCAT-AP 3.0.1, one page of datasets at a time (hydra:PartialCollectionView)',
      params: Type.Object({ format: Format }),
      querystring: PageQuery,
      response: { 200: Document('dcat:Catalog with its datasets'), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { page = 1, pageSize = 100 } = request.query;
      const content = await catalog.loadCatalogPage(db, publicUrl, page, pageSize);
      if (page > 1 && content.datasets.length === 0) throw notFound('catalog page', String(page));
      const quads = catalog.catalogQuads(content, request.params.format);
      return request.params.format === 'ttl'
        ? reply.type(TURTLE).send(await catalog.toTurtle(quads))
        : reply.type(JSON_LD).send(JSON.stringify(catalog.toJsonLd(quads)));
    },
  });

  app.get('/datasets/:org/:file', {
    config: PUBLIC,
    schema: {
      tags,
      summary:
        'One dataset as DCAT-AP 3.0.1, inside a catalog that lists only it; or the records of an open dataset as CSV or JSON',
      params: Type.Object({ org: Slug, file: DatasetFile }),
      response: {
        200: {
          description: 'dcat:Dataset (.ttl, .jsonld), or the records of an open dataset (.csv, .json)',
          content: {
            ...Document('').content,
            'text/csv': { schema: Type.String() },
            'application/json': { schema: Type.Array(Type.Object({}, { additionalProperties: true })) },
          },
        },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const dot = request.params.file.lastIndexOf('.');
      const slug = request.params.file.slice(0, dot);
      const extension = request.params.file.slice(dot + 1);
      if (extension === 'csv' || extension === 'json')
        return sendDownload(db, request, reply, request.params.org, slug, extension);
      const format = extension as 'ttl' | 'jsonld';
      const organization = await directory.findOrganization(db, request.params.org);
      const content = await catalog.loadDatasetDocument(db, publicUrl, organization.id, slug);
      const quads = catalog.catalogQuads(content, format);
      return format === 'ttl'
        ? reply.type(TURTLE).send(await catalog.toTurtle(quads))
        : reply.type(JSON_LD).send(JSON.stringify(catalog.toJsonLd(quads)));
    },
  });
};
