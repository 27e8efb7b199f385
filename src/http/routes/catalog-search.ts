/**
 * Search of the public catalog: every dataset (open or restricted) by its metadata, with facets.
 * Only metadata: no record of any dataset is ever part of a search result.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from 'typebox';
import * as catalog from '../../catalog/index.ts';
import { SENSITIVITIES } from '../../domain/index.ts';
import { errorResponses } from '../schemas.ts';

const tags = ['Catalog'];
const PUBLIC = { access: { public: true } } as const;

const FacetFilter = <T extends TSchema>(value: T, description: string) =>
  Type.Optional(
    Type.Array(value, {
      maxItems: 50,
      description: `${description}. Repeat to accept any of several values: ?theme=SOCI&theme=REGI`,
    }),
  );
const Text = Type.String({ minLength: 1, maxLength: 500 });

export const SearchQuerystring = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 500,
        description:
          'Words to find (all must match). "a phrase" in quotes, -word to leave out, OR between alternatives, word* for words starting so; the last word also matches as a start of words',
      }),
    ),
    publisher: FacetFilter(Text, 'Organization slug of the publisher'),
    theme: FacetFilter(catalog.schemas.Theme, 'EU data-theme code (SOCI, REGI, …)'),
    classification: FacetFilter(catalog.schemas.Classification, 'How open the dataset is'),
    format: FacetFilter(catalog.schemas.FileType, 'EU file-type code of a distribution (CSV, JSON, …)'),
    license: FacetFilter(Text, 'Licence IRI'),
    sensitivity: FacetFilter(
      Type.Union(
        SENSITIVITIES.map((s) => Type.Literal(s)),
        { description: 'open, internal, personal or special' },
      ),
      "Sensitivity of the dataset's most sensitive field (personal and special: it holds personal data)",
    ),
    sort: Type.Optional(
      Type.Union(
        catalog.SEARCH_SORTS.map((s) => Type.Literal(s)),
        {
          default: 'relevance',
          description:
            'relevance (by title when there is no text), title, modified or issued; a leading "-" reverses',
        },
      ),
    ),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

const FacetValue = Type.Object({
  value: Type.String({ description: 'What to pass back as the filter' }),
  label: Type.String({ description: 'What to show a person' }),
  count: Type.Integer({ description: 'Datasets the results would have with this value chosen' }),
});

export const SearchResponse = Type.Object(
  {
    total: Type.Integer({ description: 'Datasets matching, on all pages' }),
    correctedText: Type.Optional(
      Type.String({
        description:
          'Set when the words as typed found nothing: the results are for this text, each unknown word replaced by the closest word in the catalog ("brths" → "births")',
      }),
    ),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    items: Type.Array(catalog.schemas.Dataset),
    facets: Type.Object(
      {
        publisher: Type.Array(FacetValue),
        theme: Type.Array(FacetValue),
        classification: Type.Array(FacetValue),
        format: Type.Array(FacetValue),
        license: Type.Array(FacetValue),
        sensitivity: Type.Array(FacetValue),
      },
      {
        description:
          "Per facet, the most frequent values (most first). A facet's counts are over the results of the text and the other facets' filters, so its other values stay visible; chosen values are always listed",
      },
    ),
  },
  { description: 'One page of the datasets found, with the facet counts' },
);

/** Values listed per facet; publishers and licences can be many. */
const FACET_LIMIT = 50;

export const catalogSearchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, dialect } = app.store;

  app.get('/search', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'Search the catalog: datasets by words and facets, one page at a time, with facet counts',
      querystring: SearchQuerystring,
      response: { 200: SearchResponse, ...errorResponses },
    },
    handler: async (request) => {
      const { q, publisher, theme, classification, format, license, sensitivity } = request.query;
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      const result = await catalog.searchDatasets(db, dialect, {
        text: q,
        filters: { publisher, theme, classification, format, license, sensitivity },
        sort: request.query.sort ?? 'relevance',
        offset: (page - 1) * pageSize,
        limit: pageSize,
        facetLimit: FACET_LIMIT,
        correct: true,
      });
      return { ...result, page, pageSize };
    },
  });
};
