/**
 * The rows of an imported file, read as a stream: CSV (with a header of field names) and JSON Lines are
 * parsed as they arrive, never held whole; Parquet, whose index sits at the end of the file, is spooled to
 * a temporary file and read with DuckDB a chunk at a time. Each row comes out numbered (1 is the first
 * record of the file) and checked against the dataset's fields (domain/record-rows.ts).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  columnReader,
  GovdxError,
  type RowOutcome,
  type RowShape,
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

/** The cells of one CSV record (RFC 4180: quoted cells may hold commas, quotes as "" and line breaks). */
function quotedCells(text: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 0x22) {
      let cell = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error('a quoted cell is never closed');
        cell += text.slice(from, quote);
        if (text.charCodeAt(quote + 1) === 0x22) {
          cell += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      cells.push(cell);
      if (i === text.length) return cells;
      if (text.charCodeAt(i) !== 0x2c)
        throw new Error('a quoted cell is followed by something other than a comma');
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const cell = comma < 0 ? text.slice(i) : text.slice(i, comma);
      if (cell.includes('"')) throw new Error('a quote inside a cell that is not quoted');
      cells.push(cell);
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

/**
 * The records of a CSV stream, a line at a time: a line without quotes is split on commas (the fast path);
 * a line with an odd number of quotes goes on to the next line (a quoted line break).
 */
async function* csvRecords(input: Readable): AsyncGenerator<string[][]> {
  input.setEncoding('utf8');
  let rest = '';
  let pending = '';
  let first = true;
  for await (const chunk of input as AsyncIterable<string>) {
    let text = rest + chunk;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let from = 0;
    const records: string[][] = [];
    for (let end = text.indexOf('\n', from); end >= 0; end = text.indexOf('\n', from)) {
      let line = text.slice(from, end);
      from = end + 1;
      if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
      if (pending !== '') {
        line = `${pending}\n${line}`;
        pending = '';
      }
      if (!line.includes('"')) {
        if (line !== '') records.push(line.split(','));
        continue;
      }
      if ((line.split('"').length - 1) % 2 === 1) {
        pending = line;
        continue;
      }
      records.push(quotedCells(line));
    }
    rest = text.slice(from);
    if (records.length > 0) yield records;
  }
  if (rest.charCodeAt(rest.length - 1) === 0x0d) rest = rest.slice(0, -1);
  const last = pending !== '' ? `${pending}\n${rest}` : rest;
  if (pending !== '' && (last.split('"').length - 1) % 2 === 1)
    throw new Error('a quoted cell is never closed');
  if (last !== '') yield [last.includes('"') ? quotedCells(last) : last.split(',')];
}

async function* csvRows(input: Readable, shape: RowShape): AsyncGenerator<ImportRow[]> {
  let columns: string[] | null = null;
  let read: ((cells: readonly string[]) => RowOutcome) | null = null;
  let row = 0;
  try {
    for await (const records of csvRecords(input)) {
      const rows: ImportRow[] = [];
      for (const cells of records) {
        if (columns === null) {
          columns = cells.map((c) => c.trim());
          checkColumns(shape, columns);
          read = columnReader(shape, columns, true);
          continue;
        }
        row++;
        if (cells.length !== columns.length)
          rows.push({ row, reason: `The row has ${cells.length} cells; the header has ${columns.length}.` });
        else rows.push({ row, ...read!(cells) });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof GovdxError) throw error;
    throw new GovdxError(
      'VALIDATION_FAILED',
      `The file is not valid CSV after row ${row}: ${(error as Error).message}.`,
      { row },
    );
  }
  if (columns === null) throw new GovdxError('VALIDATION_FAILED', 'The file is empty: it has no header.');
}

async function* jsonLinesRows(input: Readable, shape: RowShape): AsyncGenerator<ImportRow[]> {
  input.setEncoding('utf8');
  let row = 0;
  let rest = '';
  const read = (line: string, rows: ImportRow[]) => {
    if (line.trim() === '') return;
    row++;
    let document: unknown;
    try {
      document = JSON.parse(line);
    } catch {
      rows.push({ row, reason: 'The line is not valid JSON.' });
      return;
    }
    rows.push({ row, ...recordFromDocument(shape, document) });
  };
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest + chunk;
    const rows: ImportRow[] = [];
    let from = 0;
    for (let end = text.indexOf('\n', from); end >= 0; end = text.indexOf('\n', from)) {
      read(text.slice(from, end), rows);
      from = end + 1;
    }
    rest = text.slice(from);
    if (rows.length > 0) yield rows;
  }
  const rows: ImportRow[] = [];
  read(rest, rows);
  if (rows.length > 0) yield rows;
}

/** DuckDB writes timestamps as "YYYY-MM-DD HH:MM:SS[+HH]"; records hold ISO 8601. */
function isoTimestamp(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})?(?::?(\d{2}))?$/.exec(value);
  if (!m) return value;
  return `${m[1]}T${m[2]}${m[3] ? `${m[3]}:${m[4] ?? '00'}` : ''}`;
}

async function* parquetRows(input: Readable, shape: RowShape): AsyncGenerator<ImportRow[]> {
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
      const read = columnReader(shape, columns, false);
      const result = await connection.stream(`SELECT to_json(t)::VARCHAR FROM ${source} t`);
      let row = 0;
      for (
        let chunk = await result.fetchChunk();
        chunk && chunk.rowCount > 0;
        chunk = await result.fetchChunk()
      ) {
        const rows: ImportRow[] = [];
        for (const [json] of chunk.getRows()) {
          row++;
          const document = JSON.parse(String(json)) as Record<string, unknown>;
          const cells = columns.map((c) => (datetimes.has(c) ? isoTimestamp(document[c]) : document[c]));
          rows.push({ row, ...read(cells) });
        }
        yield rows;
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rows of a file in this format, checked against the dataset's fields, as many at a time as have arrived. */
export function rowsOf(format: ImportFormat, input: Readable, shape: RowShape): AsyncGenerator<ImportRow[]> {
  if (format === 'csv') return csvRows(input, shape);
  if (format === 'jsonl') return jsonLinesRows(input, shape);
  return parquetRows(input, shape);
}
