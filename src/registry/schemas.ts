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
