/**
 * What kind of value each input column holds, which decides how two values are compared and blocked on.
 * Columns are recognised by name (the FEBRL layout and the usual names of person and address fields);
 * `--columns name=kind,…` says it for other names.
 */
import { LinkageError } from './errors.ts';

export const COLUMN_KINDS = [
  'name',
  'text',
  'number',
  'postcode',
  'category',
  'date',
  'identifier',
  'ignore',
] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export interface LinkColumn {
  /** The column's name in the input, trimmed. */
  name: string;
  kind: ColumnKind;
}

const KNOWN: Record<string, ColumnKind> = {};
const known = (kind: ColumnKind, names: string) => {
  for (const n of names.split(' ')) KNOWN[n] = kind;
};
known(
  'name',
  'given_name first_name forename firstname given middle_name surname last_name family_name lastname',
);
known(
  'text',
  'address_1 address_2 address street street_name address_line_1 address_line_2 suburb city town locality',
);
known('number', 'street_number house_number building_number');
known('postcode', 'postcode post_code postal_code zip zip_code zipcode');
known('category', 'state region county province sex gender country');
known('date', 'date_of_birth dob birth_date birthdate');
known(
  'identifier',
  'soc_sec_id ssn social_security_number national_id personal_code tax_id passport_number phone email',
);

/** The kind a column's name says, or undefined when the name is not one govdx knows. */
export function recognisedKind(column: string): ColumnKind | undefined {
  return KNOWN[
    column
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_')
  ];
}

/** Parses `given=name,dob=date`; names must be columns of the input, kinds must be known. */
export function parseColumnMap(spec: string, header: readonly string[]): Map<string, ColumnKind> {
  const map = new Map<string, ColumnKind>();
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [column, kind, ...rest] = part.split('=').map((p) => p.trim());
    if (!column || !kind || rest.length > 0) {
      throw new LinkageError('BAD_COLUMN_MAP', `--columns: "${part}" is not of the form column=kind.`);
    }
    if (!header.includes(column)) {
      throw new LinkageError(
        'UNKNOWN_COLUMN',
        `--columns: there is no column "${column}" in the input (its columns: ${header.join(', ')}).`,
      );
    }
    if (!(COLUMN_KINDS as readonly string[]).includes(kind)) {
      throw new LinkageError(
        'BAD_COLUMN_MAP',
        `--columns: "${kind}" is not a kind of column; use one of ${COLUMN_KINDS.join(', ')}.`,
      );
    }
    map.set(column, kind as ColumnKind);
  }
  return map;
}

/**
 * The columns to compare: every column but the id, with its kind from the map or its name. Columns of no
 * known kind are left out and listed in `ignored`, so the caller can say so.
 */
export function linkColumns(
  header: readonly string[],
  idColumn: string,
  map: Map<string, ColumnKind> = new Map(),
): { columns: LinkColumn[]; ignored: string[] } {
  const columns: LinkColumn[] = [];
  const ignored: string[] = [];
  for (const name of header) {
    if (name === idColumn) continue;
    const kind = map.get(name) ?? recognisedKind(name);
    if (kind === undefined) ignored.push(name);
    else if (kind !== 'ignore') columns.push({ name, kind });
  }
  if (columns.length === 0) {
    throw new LinkageError(
      'NO_COLUMNS',
      `None of the columns (${header.filter((h) => h !== idColumn).join(', ')}) is of a kind govdx can compare; say their kinds with --columns column=kind (kinds: ${COLUMN_KINDS.join(', ')}).`,
    );
  }
  return { columns, ignored };
}

const GIVEN = new Set(['given_name', 'first_name', 'forename', 'firstname', 'given']);
const FAMILY = new Set(['surname', 'last_name', 'family_name', 'lastname']);

/**
 * The two name columns whose values people swap (given name and surname), if the input has them: by
 * name, or, when exactly two columns are names, those two.
 */
export function swappableNames(columns: readonly LinkColumn[]): [string, string] | null {
  const names = columns.filter((c) => c.kind === 'name').map((c) => c.name);
  const given = names.find((n) => GIVEN.has(n.toLowerCase()));
  const family = names.find((n) => FAMILY.has(n.toLowerCase()));
  if (given && family) return [given, family];
  return names.length === 2 ? [names[0]!, names[1]!] : null;
}
