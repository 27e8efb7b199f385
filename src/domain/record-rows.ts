/**
 * How a row of an imported file becomes a record of a hosted dataset, or is refused with a plain reason.
 * A row is checked against the dataset's fields: the key field must be present (a text or a whole number),
 * each value must be of its field's type, and a member that is no field is refused (a file that adds
 * something the catalog does not declare must not slip data in unnoticed). Pure: no I/O.
 */
import { isValidValue } from './field-values.ts';
import type { FieldType } from './vocabulary.ts';

export interface RowShape {
  fields: ReadonlyArray<{ name: string; type: FieldType }>;
  keyField: string;
}

export type RowOutcome = { key: string; data: Record<string, unknown> } | { reason: string };

const TYPE_WORDS: Record<FieldType, string> = {
  string: 'a text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  date: 'a date (YYYY-MM-DD)',
  datetime: 'a date and time (ISO 8601, e.g. 2026-01-31T09:30:00Z)',
  object: 'a JSON object',
  array: 'a JSON array',
};

/** A value as a steward recognises it in a reason, cut short. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function setAt(document: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = document;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts.at(-1)!] = value;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A CSV cell read as a value of the field's type; undefined when it cannot be. Empty cells are absent. */
export function valueFromText(type: FieldType, cell: string): unknown {
  switch (type) {
    case 'string':
    case 'date':
    case 'datetime':
      return cell;
    case 'integer':
      return INTEGER.test(cell.trim()) ? Number(cell.trim()) : undefined;
    case 'number':
      return NUMBER.test(cell.trim()) ? Number(cell.trim()) : undefined;
    case 'boolean': {
      const word = cell.trim().toLowerCase();
      return word === 'true' ? true : word === 'false' ? false : undefined;
    }
    case 'object':
    case 'array':
      try {
        return JSON.parse(cell);
      } catch {
        return undefined;
      }
  }
}

/** The columns of a file that are not fields of the dataset. */
export function unknownColumns(shape: RowShape, columns: readonly string[]): string[] {
  const names = new Set(shape.fields.map((f) => f.name));
  return columns.filter((column) => !names.has(column));
}

function checked(shape: RowShape, values: Map<string, unknown>): RowOutcome {
  const data: Record<string, unknown> = {};
  for (const field of shape.fields) {
    const value = values.get(field.name);
    if (value === undefined || value === null) continue;
    if (!isValidValue(field.type, value) || (field.type === 'integer' && !Number.isSafeInteger(value)))
      return { reason: `"${field.name}" must be ${TYPE_WORDS[field.type]}, not ${shown(value)}.` };
    setAt(data, field.name, value);
  }
  const key = values.get(shape.keyField);
  if (key === undefined || key === null || (typeof key === 'string' && key.trim() === ''))
    return { reason: `The key field "${shape.keyField}" is empty.` };
  if (typeof key !== 'string' && typeof key !== 'number')
    return { reason: `The key field "${shape.keyField}" must be a text or a whole number.` };
  return { key: String(key), data };
}

/**
 * Reads rows of a table (CSV cells as text, or Parquet values already typed) as records. `columns` are
 * field names (dotted paths for nested members), checked once for the whole file (unknownColumns).
 */
export function columnReader(
  shape: RowShape,
  columns: readonly string[],
  text: boolean,
): (cells: readonly unknown[]) => RowOutcome {
  const types = columns.map((column) => shape.fields.find((f) => f.name === column)!.type);
  const paths = columns.map((column) => column.split('.'));
  const keyAt = columns.indexOf(shape.keyField);
  return (cells) => {
    const data: Record<string, unknown> = {};
    let key: unknown;
    for (let i = 0; i < columns.length; i++) {
      const cell = cells[i];
      if (cell === undefined || cell === null || cell === '') continue;
      const type = types[i]!;
      const value = text ? valueFromText(type, cell as string) : cell;
      if (
        value === undefined ||
        !isValidValue(type, value) ||
        (type === 'integer' && !Number.isSafeInteger(value))
      )
        return { reason: `"${columns[i]}" must be ${TYPE_WORDS[type]}, not ${shown(cell)}.` };
      if (i === keyAt) key = value;
      const path = paths[i]!;
      if (path.length === 1) data[path[0]!] = value;
      else setAt(data, columns[i]!, value);
    }
    if (key === undefined || key === null || (typeof key === 'string' && key.trim() === ''))
      return { reason: `The key field "${shape.keyField}" is empty.` };
    if (typeof key !== 'string' && typeof key !== 'number')
      return { reason: `The key field "${shape.keyField}" must be a text or a whole number.` };
    return { key: String(key), data };
  };
}

/** The dotted paths of a document's members that no field declares (a field covers what is inside it). */
function undeclared(shape: RowShape, document: Record<string, unknown>, prefix = ''): string[] {
  const found: string[] = [];
  for (const [member, value] of Object.entries(document)) {
    const path = `${prefix}${member}`;
    if (shape.fields.some((f) => f.name === path)) continue;
    const inside = shape.fields.some((f) => f.name.startsWith(`${path}.`));
    if (inside && value !== null && typeof value === 'object' && !Array.isArray(value))
      found.push(...undeclared(shape, value as Record<string, unknown>, `${path}.`));
    else found.push(path);
  }
  return found;
}

/** A JSON Lines row (one record as a document, nested like the records) as a record. */
export function recordFromDocument(shape: RowShape, document: unknown): RowOutcome {
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    return { reason: 'The line is not a JSON object.' };
  const extra = undeclared(shape, document as Record<string, unknown>);
  if (extra.length > 0)
    return {
      reason: `${extra.map((m) => `"${m}"`).join(', ')} ${extra.length === 1 ? 'is not a field' : 'are not fields'} of the dataset.`,
    };
  const values = new Map<string, unknown>();
  for (const field of shape.fields) {
    let value: unknown = document;
    for (const part of field.name.split('.')) {
      value =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)[part]
          : undefined;
    }
    values.set(field.name, value);
  }
  return checked(shape, values);
}
