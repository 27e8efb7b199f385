/**
 * The records a release is made from, as a table of text cells: the register's fields, and fields
 * taken from another dataset by a common identifier (a person's `address_id` gives their address's
 * `municipality`). Another dataset may be read only when it is open or the organization's own, so a
 * release never carries data its steward could not see.
 */
import type { Kysely, Selectable } from 'kysely';
import { findDataset, findOpenDataset, recordBatches, recordRow } from '../../catalog/index.ts';
import { GovdxError, notFound, type Sensitivity } from '../../domain/index.ts';
import type { Database, DatasetTable } from '../../store/index.ts';
import type { Table } from '../index.ts';

export interface Lookup {
  /** The register's field holding the other dataset's key. */
  field: string;
  /** `organization/dataset`. */
  dataset: string;
  take: string[];
}

export interface SourceColumn {
  name: string;
  sensitivity: Sensitivity;
  /** Whether the column is the register's key (a direct identifier: never published). */
  key: boolean;
}

interface ResolvedLookup extends Lookup {
  datasetId: string;
  keyField: string;
}

export interface Source {
  dataset: Selectable<DatasetTable>;
  columns: Map<string, SourceColumn>;
  lookups: ResolvedLookup[];
}

const invalid = (message: string, details?: Record<string, unknown>) =>
  new GovdxError('INVALID_REFERENCE', message, details);

async function fieldsOf(db: Kysely<Database>, datasetId: string) {
  return db
    .selectFrom('fields')
    .select(['name', 'sensitivity'])
    .where('dataset_id', '=', datasetId)
    .orderBy('position')
    .execute();
}

/** The register and the columns a release of it may use; refuses lookups into data the organization may not read. */
export async function openSource(
  db: Kysely<Database>,
  owner: { id: string; slug: string },
  datasetSlug: string,
  lookups: readonly Lookup[],
): Promise<Source> {
  const dataset = await findDataset(db, owner.id, datasetSlug);
  const columns = new Map<string, SourceColumn>();
  for (const field of await fieldsOf(db, dataset.id))
    columns.set(field.name, {
      name: field.name,
      sensitivity: field.sensitivity,
      key: field.name === dataset.key_field,
    });
  const resolved: ResolvedLookup[] = [];
  for (const lookup of lookups) {
    if (!columns.has(lookup.field))
      throw invalid(`${datasetSlug} has no field "${lookup.field}" to look ${lookup.dataset} up by.`, {
        field: lookup.field,
      });
    const [organization, slug] = lookup.dataset.split('/') as [string, string];
    const target =
      organization === owner.slug
        ? await findDataset(db, owner.id, slug)
        : await findOpenDataset(db, organization, slug).then(
            (open) =>
              db.selectFrom('datasets').selectAll().where('id', '=', open.id).executeTakeFirstOrThrow(),
            () => {
              throw notFound('open dataset', lookup.dataset);
            },
          );
    if (!target.key_field)
      throw invalid(`${lookup.dataset} has no key field, so its records cannot be looked up.`);
    const targetFields = new Map((await fieldsOf(db, target.id)).map((f) => [f.name, f.sensitivity]));
    for (const name of lookup.take) {
      const sensitivity = targetFields.get(name);
      if (sensitivity === undefined)
        throw invalid(`${lookup.dataset} has no field "${name}".`, { field: name });
      if (columns.has(name))
        throw invalid(
          `"${name}" is already a column of the release; it cannot be taken from ${lookup.dataset} too.`,
          {
            field: name,
          },
        );
      columns.set(name, { name, sensitivity, key: false });
    }
    resolved.push({ ...lookup, datasetId: target.id, keyField: target.key_field });
  }
  return { dataset, columns, lookups: resolved };
}

/** A cell as text: null and missing are empty, numbers and booleans as written, anything else as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Reads the named columns of every record of the register, in key order. */
export async function readTable(
  db: Kysely<Database>,
  source: Source,
  names: readonly string[],
): Promise<Table> {
  for (const name of names)
    if (!source.columns.has(name)) throw invalid(`There is no column "${name}" to release.`, { field: name });
  const own = names.filter((name) => !source.lookups.some((l) => l.take.includes(name)));
  const looked = await Promise.all(
    source.lookups.map(async (lookup) => {
      const wanted = lookup.take.filter((name) => names.includes(name));
      const byKey = new Map<string, string[]>();
      if (wanted.length > 0)
        for await (const batch of recordBatches(db, lookup.datasetId))
          for (const text of batch) {
            const data = JSON.parse(text) as unknown;
            const [key, ...values] = recordRow(data, [lookup.keyField, ...wanted]).map(cellText);
            byKey.set(key!, values);
          }
      return { lookup, wanted, byKey };
    }),
  );
  const keyFields = looked.filter((l) => l.wanted.length > 0).map((l) => l.lookup.field);
  const rows: string[][] = [];
  for await (const batch of recordBatches(db, source.dataset.id))
    for (const text of batch) {
      const data = JSON.parse(text) as unknown;
      const values = new Map<string, string>();
      recordRow(data, [...own, ...keyFields]).forEach((value, i) => {
        values.set(i < own.length ? own[i]! : `\u0000${keyFields[i - own.length]}`, cellText(value));
      });
      for (const { lookup, wanted, byKey } of looked) {
        const found = byKey.get(values.get(`\u0000${lookup.field}`) ?? '');
        wanted.forEach((name, i) => {
          values.set(name, found?.[i] ?? '');
        });
      }
      rows.push(names.map((name) => values.get(name) ?? ''));
    }
  return { header: [...names], rows };
}
