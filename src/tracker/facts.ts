/**
 * What the registers hold about a person: every hosted record keyed by their national ID, and the records
 * those point to by another register's key (the population register's `address_id` is the address
 * register's key: that address is where they live). Registers answered by their keepers' own systems are
 * named, not read: govdx holds no copy of them.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { aboutPeople, type FieldType, fieldLabel, type Sensitivity, valueInWords } from '../domain/index.ts';
import type { Database } from '../store/index.ts';
import type { Fact, MyData, RegisterRecord } from './schemas.ts';

type FactView = Static<typeof Fact>;
type RecordView = Static<typeof RegisterRecord>;

interface DatasetInfo {
  id: string;
  slug: string;
  title: string;
  description: string;
  keyField: string | null;
  aboutPeople: boolean;
  organization: string;
  organizationName: string;
  fields: Array<{
    name: string;
    label: string | null;
    type: FieldType;
    description: string;
    sensitivity: Sensitivity;
  }>;
}

/** The records a record's fields point to in other registers, by field name (its address, by `address_id`). */
type Linked = ReadonlyMap<string, Record<string, unknown>>;

/** The value at a dotted path (`birth_place.country`), or undefined. */
function valueAt(document: unknown, path: string): unknown {
  let value: unknown = document;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The record's facts in the order its dataset declares them; members it does not declare come last. */
function factsOf(document: Record<string, unknown>, dataset: DatasetInfo, linked: Linked): FactView[] {
  const facts: FactView[] = [];
  for (const field of dataset.fields) {
    const value = valueAt(document, field.name);
    if (value === undefined) continue;
    facts.push({
      field: field.name,
      label: fieldLabel(field),
      description: field.description,
      sensitivity: field.sensitivity,
      value,
      text: valueInWords(field, value, { linked: linked.get(field.name) ?? null }),
    });
  }
  const declaredTops = new Set(dataset.fields.map((f) => f.name.split('.')[0]));
  for (const [key, value] of Object.entries(document)) {
    if (!declaredTops.has(key))
      facts.push({
        field: key,
        label: fieldLabel({ name: key }),
        description: '',
        sensitivity: null,
        value,
        text: valueInWords({ name: key }, value),
      });
  }
  return facts;
}

async function datasets(db: Kysely<Database>): Promise<Map<string, DatasetInfo>> {
  const rows = await db
    .selectFrom('datasets')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .select([
      'datasets.id',
      'datasets.slug',
      'datasets.title',
      'datasets.description',
      'datasets.key_field',
      'datasets.about_people',
      'organizations.slug as organization',
      'organizations.name as organization_name',
    ])
    .orderBy('organizations.name')
    .orderBy('datasets.title')
    .execute();
  const fields = await db
    .selectFrom('fields')
    .select(['dataset_id', 'name', 'label', 'type', 'description', 'sensitivity'])
    .orderBy('dataset_id')
    .orderBy('position')
    .execute();
  const byDataset = new Map<string, DatasetInfo>();
  for (const row of rows) {
    byDataset.set(row.id, {
      id: row.id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      keyField: row.key_field,
      aboutPeople: row.about_people === 1,
      organization: row.organization,
      organizationName: row.organization_name,
      fields: [],
    });
  }
  for (const field of fields) {
    byDataset.get(field.dataset_id)?.fields.push({
      name: field.name,
      label: field.label,
      type: field.type,
      description: field.description,
      sensitivity: field.sensitivity,
    });
  }
  return byDataset;
}

/** A register about people: declared so, or looked up by a personal field (a national ID, not an address or company code). */
function isAboutPeople(dataset: DatasetInfo): boolean {
  return aboutPeople(dataset);
}

type RecordRow = { dataset_id: string; key: string; data: string; updated_at: string };

function toRecord(
  row: RecordRow,
  dataset: DatasetInfo,
  linkedBy: RecordView['linkedBy'],
  linked: Linked = new Map(),
): RecordView {
  const document = JSON.parse(row.data) as Record<string, unknown>;
  // A record's own key is written as the record (an address register's `address_id` as the address).
  const withOwnKey = dataset.keyField ? new Map([[dataset.keyField, document], ...linked]) : linked;
  return {
    organization: dataset.organization,
    organizationName: dataset.organizationName,
    dataset: dataset.slug,
    datasetTitle: dataset.title,
    key: row.key,
    updatedAt: row.updated_at,
    linkedBy,
    facts: factsOf(document, dataset, withOwnKey),
  };
}

export async function factsAbout(db: Kysely<Database>, nationalId: string): Promise<Static<typeof MyData>> {
  const all = await datasets(db);
  const services = await db.selectFrom('services').select(['dataset_id', 'kind']).execute();
  const hostedIds = new Set(services.filter((s) => s.kind === 'hosted').map((s) => s.dataset_id));
  const proxiedIds = new Set(services.filter((s) => s.kind === 'proxied').map((s) => s.dataset_id));
  const aboutPeople = [...all.values()].filter(isAboutPeople);
  const hostedAboutPeople = aboutPeople.filter((d) => hostedIds.has(d.id));
  const byKeyField = new Map<string, DatasetInfo[]>();
  for (const dataset of all.values()) {
    if (!dataset.keyField || !hostedIds.has(dataset.id)) continue;
    byKeyField.set(dataset.keyField, [...(byKeyField.get(dataset.keyField) ?? []), dataset]);
  }

  const records: RecordView[] = [];
  // By (dataset, key): the primary key, one index lookup per register.
  const own =
    hostedAboutPeople.length === 0
      ? []
      : await db
          .selectFrom('records')
          .select(['dataset_id', 'key', 'data', 'updated_at'])
          .where(
            'dataset_id',
            'in',
            hostedAboutPeople.map((d) => d.id),
          )
          .where('key', '=', nationalId)
          .execute();
  for (const row of own) {
    const dataset = all.get(row.dataset_id)!;
    const linkedRecords: RecordView[] = [];
    const linkedByField = new Map<string, Record<string, unknown>>();
    // One step along the record's references: its fields named after another register's key.
    const document = JSON.parse(row.data) as unknown;
    for (const field of dataset.fields) {
      const targets = byKeyField.get(field.name)?.filter((d) => d.id !== dataset.id) ?? [];
      const value = valueAt(document, field.name);
      if (targets.length === 0 || typeof value !== 'string') continue;
      const linked = await db
        .selectFrom('records')
        .select(['dataset_id', 'key', 'data', 'updated_at'])
        .where(
          'dataset_id',
          'in',
          targets.map((t) => t.id),
        )
        .where('key', '=', value)
        .execute();
      for (const target of linked) {
        linkedByField.set(field.name, JSON.parse(target.data) as Record<string, unknown>);
        linkedRecords.push(
          toRecord(target, all.get(target.dataset_id)!, { dataset: dataset.slug, field: field.name }),
        );
      }
    }
    records.push(toRecord(row, dataset, null, linkedByField), ...linkedRecords);
  }

  const elsewhere = aboutPeople
    .filter((d) => proxiedIds.has(d.id) && !hostedIds.has(d.id))
    .map((d) => ({
      organization: d.organization,
      organizationName: d.organizationName,
      dataset: d.slug,
      datasetTitle: d.title,
      description: d.description,
    }));
  return { subject: nationalId, records, elsewhere };
}
