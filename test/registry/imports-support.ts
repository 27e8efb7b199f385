/** A register to import into, made straight in the store, and a ledger that only counts. */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Principal } from '../../src/domain/index.ts';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import { type Database, now } from '../../src/store/index.ts';

export const PEOPLE_FIELDS = [
  { name: 'national_id', type: 'string' },
  { name: 'given_name', type: 'string' },
  { name: 'date_of_birth', type: 'date' },
  { name: 'address.postcode', type: 'string' },
  { name: 'children', type: 'integer' },
] as const;

export interface Register {
  owner: { id: string; slug: string };
  datasetId: string;
  slug: string;
  steward: Principal;
}

/** An organization with a steward and a `people` dataset keyed by national_id. */
export async function makeRegister(db: Kysely<Database>): Promise<Register> {
  const at = now();
  const owner = { id: crypto.randomUUID(), slug: `registry-${crypto.randomUUID().slice(0, 8)}` };
  await db
    .insertInto('organizations')
    .values({
      id: owner.id,
      slug: owner.slug,
      name: 'Registry',
      kind: 'agency',
      description: '',
      website: null,
      contact_email: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const personId = crypto.randomUUID();
  await db
    .insertInto('people')
    .values({
      id: personId,
      name: 'Stella Steward',
      email: null,
      national_id: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const datasetId = crypto.randomUUID();
  await db
    .insertInto('datasets')
    .values({
      id: datasetId,
      organization_id: owner.id,
      slug: 'people',
      title: 'People',
      description: '',
      classification: 'restricted',
      steward_id: null,
      key_field: 'national_id',
      created_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('fields')
    .values(
      PEOPLE_FIELDS.map((f, position) => ({
        dataset_id: datasetId,
        position,
        name: f.name,
        type: f.type,
        sensitivity: 'personal' as const,
        description: '',
      })),
    )
    .execute();
  const steward: Principal = {
    personId,
    name: 'Stella Steward',
    nationalId: null,
    grants: [{ role: 'data_steward', organizationId: owner.id }],
    via: 'token',
  };
  return { owner, datasetId, slug: 'people', steward };
}

/** A ledger that keeps what it is given. */
export function countingLedger() {
  const events: LedgerEvent[] = [];
  return {
    events,
    append: async (event: LedgerEvent) => {
      events.push(event);
      return { index: events.length - 1 };
    },
  };
}

export const streamOf = (text: string | Buffer) => Readable.from([Buffer.from(text)]);

/** CSV of `n` valid people, keys EX000000001…, with the given name `name`. */
export function peopleCsv(n: number, name = 'Ada', from = 1): string {
  const lines = ['national_id,given_name,date_of_birth,address.postcode,children'];
  for (let i = from; i < from + n; i++)
    lines.push(
      `EX${String(i).padStart(9, '0')},${name},1980-01-${String((i % 28) + 1).padStart(2, '0')},${10000 + (i % 900)},${i % 4}`,
    );
  return `${lines.join('\n')}\n`;
}
