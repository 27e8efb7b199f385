/** API shapes of imports of records into a hosted dataset (issue 18). */
import { Type } from 'typebox';
import { Nullable, Timestamp } from '../domain/index.ts';

const Count = Type.Integer({ minimum: 0 });

export const RecordImport = Type.Object({
  id: Type.String(),
  dataset: Type.String(),
  format: Type.Enum(['csv', 'jsonl', 'parquet']),
  status: Type.Enum(['running', 'completed', 'failed', 'interrupted'], {
    description: 'interrupted: running, but not heard from for two minutes (its node stopped); resume it',
  }),
  startedBy: Nullable(Type.String()),
  startedAt: Timestamp,
  updatedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  rowsRead: Count,
  committedRows: Type.Integer({
    minimum: 0,
    description: 'The last row of the file that committed batches hold',
  }),
  created: Count,
  updated: Count,
  unchanged: Count,
  refused: Count,
  failure: Nullable(Type.String()),
});

export const RowError = Type.Object({
  row: Type.Integer({ minimum: 1, description: 'The row of the file: 1 is its first record' }),
  reason: Type.String(),
});

export const RecordImportWithErrors = Type.Object({
  ...RecordImport.properties,
  errors: Type.Array(RowError, { description: 'The rows refused (the first 1,000)' }),
});

export const ImportQuery = Type.Object(
  {
    resume: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'A failed or interrupted import of the same file: go on after its last committed batch',
      }),
    ),
  },
  { additionalProperties: false },
);

/* Sources, linkage jobs and the steward's review (issue 18, parts 1 and 3). */

const Probability = Type.Number({ minimum: 0, maximum: 1 });

export const NewSource = Type.Object(
  {
    dataset: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The organization's own dataset that holds the copy (its records are imported as usual)",
    }),
    register: Type.Object(
      {
        organization: Type.String({ minLength: 1, maxLength: 64 }),
        dataset: Type.String({ minLength: 1, maxLength: 64 }),
      },
      {
        additionalProperties: false,
        description: 'The authoritative register it copies; never changed by it',
      },
    ),
    lowerThreshold: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: 'Pairs from this match probability up to the upper threshold go to review (default 0.5)',
      }),
    ),
    upperThreshold: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: 'A pair at or above this probability links the record by itself (default 0.99)',
      }),
    ),
  },
  { additionalProperties: false },
);

const Place = Type.Object({ organization: Type.String(), dataset: Type.String(), title: Type.String() });

export const Source = Type.Object({
  id: Type.String(),
  organization: Type.String(),
  organizationName: Type.String(),
  dataset: Type.String(),
  datasetTitle: Type.String(),
  register: Type.Object({
    organization: Type.String(),
    organizationName: Type.String(),
    dataset: Type.String(),
    title: Type.String(),
  }),
  lowerThreshold: Probability,
  upperThreshold: Probability,
  createdAt: Timestamp,
  records: Count,
  linked: Type.Integer({
    minimum: 0,
    description: "Source records that hold the register's entity identifier",
  }),
  pending: Type.Integer({ minimum: 0, description: "Pairs waiting for the register's steward" }),
  mayRun: Type.Boolean({ description: 'Whether the caller may start and cancel linkage jobs' }),
  mayReview: Type.Boolean({ description: 'Whether the caller decides about pairs and links' }),
});

export const LinkageJob = Type.Object({
  id: Type.String(),
  source: Type.String(),
  status: Type.Enum(['running', 'completed', 'failed', 'cancelled', 'interrupted'], {
    description: 'interrupted: running, but not heard from for two minutes (its node stopped)',
  }),
  stage: Nullable(
    Type.String({ description: 'While running: reading, blocking, comparing, training, scoring, writing' }),
  ),
  startedBy: Nullable(Type.String()),
  startedAt: Timestamp,
  updatedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  cancelRequested: Type.Boolean(),
  sourceRecords: Count,
  registerRecords: Count,
  linked: Type.Integer({
    minimum: 0,
    description: 'Records the job linked by itself (above the upper threshold)',
  }),
  queued: Type.Integer({ minimum: 0, description: 'Pairs it left for review' }),
  kept: Type.Integer({ minimum: 0, description: 'Records a steward had linked, left as decided' }),
  failure: Nullable(Type.String()),
});

const PairStatus = Type.Enum(['pending', 'accepted', 'rejected']);

export const LinkPair = Type.Object({
  id: Type.String(),
  recordKey: Type.String({ description: "The source record's key" }),
  entityId: Type.String({ description: "The register's entity identifier (its record's key)" }),
  status: PairStatus,
  probability: Nullable(Probability),
  weight: Nullable(Type.Number()),
  createdAt: Timestamp,
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp),
  reason: Nullable(Type.String()),
});

const Contribution = Type.Object({
  comparison: Type.String(),
  label: Type.String(),
  level: Type.String(),
  left: Nullable(Type.String()),
  right: Nullable(Type.String()),
  m: Nullable(Type.Number()),
  u: Nullable(Type.Number()),
  term_frequency_adjustment: Type.Number(),
  weight: Type.Number(),
});

/** The engine's explanation of a pair's match weight (the format of `govdx registry link --explain`). */
export const PairExplanation = Type.Object({
  left_id: Type.String(),
  right_id: Type.String(),
  match_weight: Type.Number(),
  match_probability: Type.Number(),
  prior: Type.Object({ probability: Type.Number(), weight: Type.Number() }),
  comparisons: Type.Array(Contribution),
});

export const LinkPairDetail = Type.Object({
  ...LinkPair.properties,
  source: Place,
  register: Place,
  fields: Type.Array(
    Type.Object({ name: Type.String(), source: Nullable(Type.String()), register: Nullable(Type.String()) }),
    { description: 'Each field of either dataset with both records’ values, side by side' },
  ),
  explanation: Nullable(PairExplanation),
});

export const SourceLink = Type.Object({
  recordKey: Type.String(),
  entityId: Type.String(),
  origin: Type.Enum(['job', 'accepted', 'merged'], {
    description: 'job: linked by a job above the upper threshold; accepted or merged: by a steward',
  }),
  probability: Nullable(Probability),
  at: Timestamp,
});

const Reason = Type.Optional(
  Type.String({ minLength: 1, maxLength: 1000, description: 'Why, for the record' }),
);

export const PairDecision = Type.Object(
  {
    decision: Type.Enum(['accept', 'reject']),
    reason: Reason,
  },
  { additionalProperties: false },
);

export const SplitRequest = Type.Object({ reason: Reason }, { additionalProperties: false });

export const MergeRequest = Type.Object(
  {
    entityId: Type.String({ minLength: 1, maxLength: 200, description: "The register record's key" }),
    reason: Reason,
  },
  { additionalProperties: false },
);
