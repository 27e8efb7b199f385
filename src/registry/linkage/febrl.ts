/**
 * The FEBRL person-record layout (Christen, "Febrl – Freely extensible biomedical record linkage",
 * data sets dataset1–4): a header line, fields separated by ", ", empty fields as empty strings,
 * `rec_id` as `rec-N-org` for an original and `rec-N-dup-K` for its K-th duplicate.
 */
import { GovdxError } from '../../domain/index.ts';

export const FEBRL_FIELDS = [
  'rec_id',
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'soc_sec_id',
] as const;

export type FebrlField = (typeof FEBRL_FIELDS)[number];
/** The fields a person record holds, that is every field but `rec_id`. */
export type PersonField = Exclude<FebrlField, 'rec_id'>;
export type Row = Record<FebrlField, string>;

export const PERSON_FIELDS = FEBRL_FIELDS.slice(1) as readonly PersonField[];
export const FEBRL_SEPARATOR = ', ';
export const FEBRL_HEADER = FEBRL_FIELDS.join(FEBRL_SEPARATOR);

/** FEBRL never quotes; a value is quoted (RFC 4180 style) only if it holds a comma, quote or line break. */
export function formatValue(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatLine(row: Row): string {
  let line = formatValue(row.rec_id);
  for (let i = 1; i < FEBRL_FIELDS.length; i++) line += FEBRL_SEPARATOR + formatValue(row[FEBRL_FIELDS[i]!]);
  return line;
}

/** Reads one data line of a FEBRL file (as written by FEBRL or by {@link formatLine}) into a row. */
export function parseLine(line: string): Row {
  const values: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw malformed(line, 'a quoted value is not closed');
        value += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        value += '"';
        i++;
      }
    } else {
      const end = line.indexOf(FEBRL_SEPARATOR, i);
      value = line.slice(i, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    }
    values.push(value);
    if (i >= line.length) break;
    if (!line.startsWith(FEBRL_SEPARATOR, i)) throw malformed(line, `expected "${FEBRL_SEPARATOR}"`);
    i += FEBRL_SEPARATOR.length;
    if (i === line.length) values.push('');
    if (i >= line.length) break;
  }
  if (values.length !== FEBRL_FIELDS.length)
    throw malformed(line, `it has ${values.length} fields, not ${FEBRL_FIELDS.length}`);
  return Object.fromEntries(FEBRL_FIELDS.map((field, k) => [field, values[k]!])) as Row;
}

function malformed(line: string, why: string): GovdxError {
  return new GovdxError('VALIDATION_FAILED', `This is not a FEBRL record line: ${why}.`, {
    line: line.slice(0, 200),
  });
}
