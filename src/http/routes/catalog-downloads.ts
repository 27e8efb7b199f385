/**
 * Open-data downloads and their usage. The files themselves, `GET /catalog/datasets/:org/<slug>.csv`
 * and `.json`, share one route with the DCAT-AP documents (`<slug>.ttl`, `<slug>.jsonld`), since
 * Fastify cannot route one path shape twice: that route, in catalog.ts, hands them to sendDownload.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import type { Database } from '../../store/index.ts';
import { errorResponses, Slug } from '../schemas.ts';

const tags = ['Catalog'];
const PUBLIC = { access: { public: true } } as const;

const Count = Type.Integer({ minimum: 0 });
const Usage = Type.Object({
  total: Count,
  byFormat: Type.Object({ csv: Count, json: Count }),
  last30Days: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), count: Count }), {
    description: 'Today (UTC) and the 29 days before, oldest first; days without downloads count 0',
  }),
});

/**
 * Streams an open dataset's records as a file. The download is counted when the file starts, i.e.
 * once its first batch of records has been read; a download cut off midway still counts. HEAD
 * requests are answered with the same headers and are not counted.
 */
export async function sendDownload(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
  organization: string,
  slug: string,
  format: catalog.DownloadFormat,
): Promise<FastifyReply> {
  const dataset = await catalog.findOpenDataset(db, organization, slug);
  const file = await catalog.openDownload(db, dataset, format);
  if (request.method === 'GET') {
    await catalog.countDownload(db, dataset.id, format, catalog.dayOf(new Date()));
  }
  return reply
    .type(catalog.DOWNLOAD_MEDIA_TYPES[format])
    .header('content-disposition', `attachment; filename="${dataset.organization}-${dataset.slug}.${format}"`)
    .header('cache-control', 'no-cache')
    .send(file);
}

const Preview = Type.Object({
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      label: Type.Union([Type.String(), Type.Null()], { description: 'The field in plain words, if given' }),
    }),
  ),
  rows: Type.Array(Type.Array(Type.Unknown()), {
    description: 'The first records in key order, one value per field, null where a record has none',
  }),
  total: Type.Integer({ minimum: 0, description: 'How many records the dataset holds' }),
});

export const catalogDownloadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;

  app.get('/datasets/:org/:slug/preview', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'The first rows of an open dataset, to see what it holds before downloading it',
      description:
        'Only open datasets (public, every field open) have a preview; any other answers 404, as its download does.',
      params: Type.Object({ org: Slug, slug: Slug }),
      querystring: Type.Object(
        {
          rows: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: catalog.PREVIEW_MAX_ROWS,
              default: 10,
              description: 'How many rows',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: Preview, ...errorResponses },
    },
    handler: async (request) => {
      const dataset = await catalog.findOpenDataset(db, request.params.org, request.params.slug);
      return catalog.previewOpenDataset(db, dataset, request.query.rows ?? 10);
    },
  });

  app.get('/datasets/:org/:slug/usage', {
    config: PUBLIC,
    schema: {
      tags,
      summary: "How often an open dataset's CSV and JSON files have been downloaded",
      params: Type.Object({ org: Slug, slug: Slug }),
      response: { 200: Usage, ...errorResponses },
    },
    handler: async (request) => {
      const dataset = await catalog.findOpenDataset(db, request.params.org, request.params.slug);
      return catalog.downloadUsage(db, dataset.id, new Date());
    },
  });
};
