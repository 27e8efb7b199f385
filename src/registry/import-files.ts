/**
 * The rows of an imported file, read as a stream: CSV (with a header of field names) and JSON Lines are
 * parsed as they arrive, never held whole; Parquet, whose index sits at the end of the file, is spooled to
 * a temporary file and read with DuckDB a chunk at a time. Each row comes out numbered (1 is the first
 * record of the file) and checked against the dataset's fields (domain/record-rows.ts).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import {
  GovdxError,
  type RowOutcome,
  type RowShape,
  recordFromColumns,
  recordFromDocument,
  unknownColumns,
} from '../domain/index.ts';

export const IMPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The media type of each format, as sent in Content-Type. */
export const IMPORT_MEDIA_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
};

export type ImportRow = RowOutcome & { row: number };

function checkColumns(shape: RowShape, columns: readonly string[]): void {
  const unknown = unknownColumns(shape, columns);
  if (unknown.length > 0)
    throw new GovdxError(
      'VALIDATION_FAILED',
      `The file has ${unknown.length === 1 ? 'a column' : 'columns'} that ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of the dataset: ${unknown.join(', ')}. Remove ${unknown.length === 1 ? 'it' : 'them'}, or declare ${unknown.length === 1 ? 'it' : 'them'} in the catalog first.`,
      { columns: unknown },
    );
  if (!columns.includes(shape.keyField))
    throw new GovdxError('VALIDATION_FAILED', `The file has no column "${shape.keyField}", the key field.`, {
      keyField: shape.keyField,
    });
}

async function* csvRows(input: Readable, shape: RowShape): AsyncGenerator<ImportRow> {
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  let columns: string[] | null = null;
  let row = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (columns === null) {
        columns = cells.map((c) => c.trim());
        checkColumns(shape, columns);
        continue;
      }
      row++;
      if (cells.length !== columns.length) {
        yield { row, reason: `The row has ${cells.length} cells; the header has ${columns.length}.` };
        continue;
      }
      yield { row, ...recordFromColumns(shape, columns, cells, true) };
    }
  } catch (error) {
    if (error instanceof GovdxError) throw error;
    throw new GovdxError(
      'VALIDATION_FAILED',
      `The file is not valid CSV after row ${row}: ${(error as Error).message}`,
      { row },
    );
  }
  if (columns === null) throw new GovdxError('VALIDATION_FAILED', 'The file is empty: it has no header.');
}

async function* jsonLinesRows(input: Readable, shape: RowShape): AsyncGenerator<ImportRow> {
  input.setEncoding('utf8');
  let row = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    row++;
    let document: unknown;
    try {
      document = JSON.parse(line);
    } catch {
      yield { row, reason: 'The line is not valid JSON.' };
      continue;
    }
    yield { row, ...recordFromDocument(shape, document) };
  }
}

/** DuckDB writes timestamps as "YYYY-MM-DD HH:MM:SS[+HH]"; records hold ISO 8601. */
function isoTimestamp(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})?(?::?(\d{2}))?$/.exec(value);
  if (!m) return value;
  return `${m[1]}T${m[2]}${m[3] ? `${m[3]}:${m[4] ?? '00'}` : ''}`;
}

async function* parquetRows(input: Readable, shape: RowShape): AsyncGenerator<ImportRow> {
  const dir = await mkdtemp(join(tmpdir(), 'govdx-import-'));
  const file = join(dir, 'upload.parquet');
  try {
    await pipeline(input, createWriteStream(file));
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    try {
      const source = `read_parquet('${file.replaceAll("'", "''")}')`;
      let columns: string[];
      try {
        columns = (await connection.runAndReadAll(`SELECT * FROM ${source} LIMIT 0`)).columnNames();
      } catch (error) {
        throw new GovdxError(
          'VALIDATION_FAILED',
          `The file is not a Parquet file DuckDB can read: ${(error as Error).message.split('\n')[0]}`,
        );
      }
      checkColumns(shape, columns);
      const datetimes = new Set(shape.fields.filter((f) => f.type === 'datetime').map((f) => f.name));
      const result = await connection.stream(`SELECT to_json(t)::VARCHAR FROM ${source} t`);
      let row = 0;
      for (
        let chunk = await result.fetchChunk();
        chunk && chunk.rowCount > 0;
        chunk = await result.fetchChunk()
      ) {
        for (const [json] of chunk.getRows()) {
          row++;
          const document = JSON.parse(String(json)) as Record<string, unknown>;
          const cells = columns.map((c) => (datetimes.has(c) ? isoTimestamp(document[c]) : document[c]));
          yield { row, ...recordFromColumns(shape, columns, cells, false) };
        }
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rows of a file in this format, checked against the dataset's fields. */
export function rowsOf(format: ImportFormat, input: Readable, shape: RowShape): AsyncGenerator<ImportRow> {
  if (format === 'csv') return csvRows(input, shape);
  if (format === 'jsonl') return jsonLinesRows(input, shape);
  return parquetRows(input, shape);
}

/** Drains what is left of a request body, so an answer can be sent on a connection that keeps alive. */
export async function drain(input: Readable): Promise<void> {
  if (input.readableEnded || input.destroyed) return;
  input.resume();
  await once(input, 'end').catch(() => {});
}
