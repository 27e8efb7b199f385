/**
 * Imports of records into a hosted dataset (issue 18): the file is the request body, read as it arrives
 * (registry/import-files.ts); the answer is the import with its outcome. The dataset's stewards and the
 * organization's administrators import and read the imports (the registry checks which steward).
 */
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GovdxError } from '../../domain/index.ts';
import * as registry from '../../registry/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const s = registry.schemas;
const DatasetParams = Type.Object({ org: Slug, slug: Slug });
const ImportParams = Type.Object({ org: Slug, slug: Slug, id: Type.String({ maxLength: 64 }) });
const IMPORTERS = { roles: ['organization_admin', 'data_steward'] as const, inOrganization: true };
const tags = ['Imports'];
const MEDIA_TYPES = Object.entries(registry.IMPORT_MEDIA_TYPES) as Array<[registry.ImportFormat, string]>;

function formatOf(contentType: string | undefined): registry.ImportFormat {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const found = MEDIA_TYPES.find(([, type]) => type === media);
  if (!found)
    throw new GovdxError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the file as ${MEDIA_TYPES.map(([, type]) => type).join(', ')} (Content-Type), not ${media || 'nothing'}.`,
    );
  return found[0];
}

function context(app: FastifyInstance): registry.ImportContext {
  return { db: app.store.db, ledger: app.ledger };
}

export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The body is handed over as a stream, unread: the import reads it at the pace it writes.
  app.addContentTypeParser(
    MEDIA_TYPES.map(([, type]) => type),
    (_request, payload, done) => done(null, payload),
  );

  app.post('/organizations/:org/datasets/:slug/imports', {
    config: { access: IMPORTERS },
    schema: {
      tags,
      summary: 'Import records into a hosted dataset from a CSV, JSON Lines or Parquet file',
      description:
        'The request body is the file: Content-Type text/csv (a header of field names), application/x-ndjson ' +
        '(one record per line) or application/vnd.apache.parquet. Each row is checked against the fields; bad ' +
        'rows are refused with their row number and reason, good rows kept. Rows are written in batches of ' +
        '5,000, each whole or not at all; a failed or interrupted import resumes after its last batch (`resume`). ' +
        'A file with columns that are not fields is refused whole (400 VALIDATION_FAILED). Recorded on the ledger ' +
        '(dataset.import_started, dataset.import_completed or dataset.import_failed). Answers 201 with the import ' +
        'and its outcome (status completed or failed).',
      params: DatasetParams,
      querystring: s.ImportQuery,
      response: {
        201: s.RecordImport,
        ...errorResponses,
        409: Type.Ref('Error'),
        415: Type.Ref('Error'),
        503: Type.Ref('Error'),
      },
    },
    handler: async (request, reply) => {
      const format = formatOf(request.headers['content-type']);
      const view = await registry.importRecords(
        context(app),
        request.organization!,
        request.params.slug,
        request.principal!,
        format,
        request.body as Readable,
        { resume: request.query.resume },
      );
      return reply.status(201).send(view);
    },
  });

  app.get('/organizations/:org/datasets/:slug/imports', {
    config: { access: IMPORTERS },
    schema: {
      tags,
      summary: "List a dataset's imports, newest first, with their progress",
      params: DatasetParams,
      querystring: PageQuery,
      response: { 200: PageOf(s.RecordImport), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return registry.listImports(
        app.store.db,
        request.organization!,
        request.params.slug,
        request.principal!,
        limit,
        after,
      );
    },
  });

  app.get('/organizations/:org/datasets/:slug/imports/:id', {
    config: { access: IMPORTERS },
    schema: {
      tags,
      summary: 'Read an import: its progress, outcome and the rows it refused',
      params: ImportParams,
      response: { 200: s.RecordImportWithErrors, ...errorResponses },
    },
    handler: async (request) =>
      registry.getImport(
        app.store.db,
        request.organization!,
        request.params.slug,
        request.principal!,
        request.params.id,
      ),
  });
};
