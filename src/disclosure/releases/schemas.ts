/** API shapes of releases: open data made from a register with a disclosure method (issue 20). */
import { Type } from 'typebox';
import { FieldName, Nullable, Slug, Timestamp } from '../../domain/index.ts';

const Label = Type.String({ minLength: 1, maxLength: 200 });
const Day = Type.String({ format: 'date' });
const Width = Type.Integer({ minimum: 1, maximum: 1_000_000 });

/** How one quasi-identifier is generalised, level by level up to `*` (ARX's hierarchy builders). */
export const HierarchyBuilder = Type.Union(
  [
    Type.Object({ kind: Type.Literal('suppress') }, { additionalProperties: false }),
    Type.Object(
      {
        kind: Type.Literal('mask'),
        length: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { kind: Type.Literal('intervals'), widths: Type.Array(Width, { minItems: 1, maxItems: 10 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('dates'),
        levels: Type.Array(Type.Enum(['month', 'year', 'decade']), { minItems: 1, maxItems: 3 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { kind: Type.Literal('age'), at: Day, widths: Type.Array(Width, { minItems: 1, maxItems: 10 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('table'),
        rows: Type.Array(Type.Array(Type.String({ maxLength: 200 }), { minItems: 2, maxItems: 20 }), {
          minItems: 1,
          maxItems: 10_000,
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'How the values of a quasi-identifier are generalised, up to "*"' },
);

/** A category of a statistics table, declared without reading the data. */
export const Dimension = Type.Union([
  Type.Object(
    {
      field: FieldName,
      kind: Type.Literal('categories'),
      categories: Type.Array(Label, { minItems: 1, maxItems: 500 }),
      other: Type.Optional(Label),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      field: FieldName,
      kind: Type.Literal('bands'),
      width: Width,
      min: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 }),
      max: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      field: FieldName,
      kind: Type.Literal('age-bands'),
      at: Day,
      width: Type.Integer({ minimum: 1, maximum: 50 }),
      max: Type.Integer({ minimum: 1, maximum: 150 }),
    },
    { additionalProperties: false },
  ),
]);

export const Lookup = Type.Object(
  {
    field: Type.Union([FieldName], {
      description: "The register's field that holds the other dataset's key",
    }),
    dataset: Type.String({
      pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$',
      maxLength: 130,
      description: 'organization/dataset: an open dataset, or one of the same organization',
    }),
    take: Type.Array(FieldName, {
      minItems: 1,
      maxItems: 20,
      description: 'Its fields to add to each record',
    }),
  },
  { additionalProperties: false },
);

export const MicrodataParameters = Type.Object(
  {
    quasiIdentifiers: Type.Array(
      Type.Object({ field: FieldName, hierarchy: HierarchyBuilder }, { additionalProperties: false }),
      { minItems: 1, maxItems: 12 },
    ),
    sensitive: Type.Optional(
      Type.Object(
        {
          field: FieldName,
          lDiversity: Type.Optional(
            Type.Object(
              {
                variant: Type.Enum(['distinct', 'entropy', 'recursive']),
                l: Type.Number({ minimum: 1, maximum: 100 }),
                c: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
              },
              { additionalProperties: false },
            ),
          ),
          tCloseness: Type.Optional(
            Type.Object(
              {
                t: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
                hierarchy: Type.Optional(
                  Type.Union([HierarchyBuilder], {
                    description:
                      'How alike the values are (hierarchical distance); without it every two values differ equally',
                  }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    keep: Type.Optional(
      Type.Array(FieldName, {
        maxItems: 50,
        description: 'Fields published as they are (open or internal only)',
      }),
    ),
    k: Type.Integer({ minimum: 2, maximum: 1000 }),
    sampleFraction: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description:
          'Publish a random sample of this share of the records (default 1, all); the risk is then measured against the whole register',
      }),
    ),
    suppressionLimit: Type.Number({
      minimum: 0,
      maximum: 0.5,
      description: 'Share of records that may be left out',
    }),
  },
  { additionalProperties: false },
);

export const StatisticsParameters = Type.Object(
  {
    dimensions: Type.Array(Dimension, { minItems: 1, maxItems: 4 }),
    epsilon: Type.String({
      pattern: '^(?:\\d+(?:\\.\\d+)?|\\d+/\\d+)$',
      maxLength: 20,
      description: 'The privacy loss this release spends, exactly ("0.5", "1/3")',
    }),
  },
  { additionalProperties: false },
);

const releaseInput = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  lookups: Type.Optional(Type.Array(Lookup, { maxItems: 5 })),
  microdata: Type.Optional(MicrodataParameters),
  statistics: Type.Optional(StatisticsParameters),
};

export const NewRelease = Type.Object(
  {
    dataset: Type.Union([Slug], {
      description: 'The register it is made from: a dataset of the organization',
    }),
    slug: Type.Union([Slug], { description: 'The open dataset it is published as' }),
    method: Type.Enum(['microdata', 'statistics']),
    ...releaseInput,
  },
  { additionalProperties: false },
);

export const ReleaseRevision = Type.Object(
  { method: Type.Enum(['microdata', 'statistics']), ...releaseInput },
  { additionalProperties: false },
);

const Person = Nullable(Type.Object({ id: Type.String(), name: Type.String() }));

export const Release = Type.Object(
  {
    id: Type.String(),
    organization: Slug,
    dataset: Slug,
    datasetTitle: Type.String(),
    slug: Slug,
    title: Type.String(),
    description: Type.String(),
    method: Type.Enum(['microdata', 'statistics']),
    parameters: Type.Object({}, { additionalProperties: true }),
    report: Type.Object({}, { additionalProperties: true, description: 'Utility and risk as prepared' }),
    epsilon: Nullable(Type.String()),
    status: Type.Enum(['draft', 'submitted', 'rejected', 'published', 'withdrawn']),
    preparedBy: Person,
    preparedAt: Timestamp,
    submittedBy: Person,
    submittedAt: Nullable(Timestamp),
    decidedBy: Person,
    decidedAt: Nullable(Timestamp),
    reason: Nullable(Type.String({ description: "The data protection officer's reason" })),
    published: Nullable(
      Type.Object({ organization: Slug, dataset: Slug, at: Timestamp }, { description: 'The open dataset' }),
    ),
    sample: Type.Optional(
      Type.Array(Type.Array(Type.String()), { description: 'The first rows as they would be published' }),
    ),
    header: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'Release' },
);

export const ReleaseSummary = Type.Object(
  {
    id: Type.String(),
    organization: Slug,
    dataset: Slug,
    slug: Slug,
    title: Type.String(),
    method: Type.Enum(['microdata', 'statistics']),
    status: Type.Enum(['draft', 'submitted', 'rejected', 'published', 'withdrawn']),
    epsilon: Nullable(Type.String()),
    preparedAt: Timestamp,
  },
  { $id: 'ReleaseSummary' },
);

export const ReleaseFilter = Type.Object(
  {
    status: Type.Optional(Type.Enum(['draft', 'submitted', 'rejected', 'published', 'withdrawn'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const ReleaseDecision = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      pattern: '\\S',
      description: 'Why the data protection officer approves or rejects it; recorded on the ledger',
    }),
  },
  { additionalProperties: false },
);

export const ReleaseSubmission = Type.Object(
  {
    note: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: 'A note for the data protection officer; recorded on the ledger',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PrivacyBudget = Type.Object(
  {
    dataset: Slug,
    total: Nullable(Type.String({ description: 'The total ε releases may spend; null: none may be made' })),
    spent: Type.String({ description: 'The ε spent by published statistics releases, exactly' }),
    left: Nullable(Type.String()),
    releases: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        epsilon: Type.String(),
        publishedAt: Timestamp,
      }),
    ),
  },
  { $id: 'PrivacyBudget' },
);

export const PrivacyBudgetChange = Type.Object(
  {
    total: Type.String({
      pattern: '^(?:\\d+(?:\\.\\d+)?|\\d+/\\d+)$',
      maxLength: 20,
      description: 'The total ε releases of the dataset may spend, exactly; never less than already spent',
    }),
    reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
