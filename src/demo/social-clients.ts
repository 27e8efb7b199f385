/**
 * The City of Exampleton Social Services' client list (issue 18): a messy copy of part of the population
 * (about one resident in a hundred, at least 40), registered as a source of the population register and
 * linked to it once while seeding, so that the population register's steward finds a review queue waiting.
 *
 * How it is messy, drawn per client from a seeded generator (the same list every time): the national ID
 * left out for most clients, typos in names, a missing date of birth, an old address (another household's),
 * and some clients entered twice under two case numbers.
 */

import { countRecords, putRecords, runLinkageNow } from '../registry/index.ts';
import { Prng } from '../registry/linkage/prng.ts';
import { now } from '../store/index.ts';
import { SOCIAL_CLIENTS } from './government.ts';
import { DEMO_SEED, type PersonRecord, population } from './population.ts';
import type { Db, Owner } from './seed.ts';

/** Clients at or above the upper threshold are linked at once; from the lower one up they wait for review. */
const THRESHOLDS = { lower: 0.5, upper: 0.999 };

/** One keystroke wrong: two neighbouring letters exchanged, or one left out. */
function typo(value: string, rng: Prng): string {
  if (value.length < 3) return value;
  const at = 1 + Math.floor(rng.next() * (value.length - 2));
  return rng.next() < 0.5
    ? value.slice(0, at) + value[at + 1] + value[at] + value.slice(at + 2)
    : value.slice(0, at) + value.slice(at + 1);
}

interface Client {
  client_id: string;
  national_id: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string | null;
  sex: string;
  address_id: string;
}

export function socialClients(size: number): Client[] {
  const wanted = Math.max(40, Math.floor(size / 100));
  const step = Math.max(1, Math.floor(size / wanted));
  const picked: PersonRecord[] = [];
  let index = 0;
  for (const chunk of population(size)) {
    for (const person of chunk.persons) {
      // Every step-th person, from the fourth on (or from the first when the population is small).
      if (index % step === Math.min(3, step - 1) && picked.length < wanted) picked.push(person);
      index++;
    }
  }
  const clients: Client[] = [];
  let number = 1000;
  for (const [i, person] of picked.entries()) {
    const rng = new Prng([DEMO_SEED, 18, i]);
    const copy = (): Client => ({
      client_id: `SC-${number++}`,
      national_id: rng.next() < 0.3 ? person.national_id : null,
      given_name: rng.next() < 0.25 ? typo(person.given_name, rng) : person.given_name,
      family_name: rng.next() < 0.25 ? typo(person.family_name, rng) : person.family_name,
      date_of_birth: rng.next() < 0.2 ? null : person.date_of_birth,
      sex: person.sex,
      address_id: rng.next() < 0.25 && i > 0 ? picked[i - 1]!.address_id : person.address_id,
    });
    clients.push(copy());
    if (rng.next() < 0.1) clients.push(copy());
  }
  return clients;
}

/**
 * Fills the client list, registers it as a source of the population register and links it once. Left
 * alone when the source exists and a job of it completed (seeding again changes nothing).
 */
export async function seedSocialClients(
  db: Db,
  owners: Map<string, Owner>,
  ids: { clients: string; population: string },
  size: number,
): Promise<boolean> {
  const existing = await db
    .selectFrom('sources')
    .select('id')
    .where('dataset_id', '=', ids.clients)
    .executeTakeFirst();
  if (existing) {
    const done = await db
      .selectFrom('linkage_jobs')
      .select('id')
      .where('source_id', '=', existing.id)
      .where('status', '=', 'completed')
      .executeTakeFirst();
    if (done && (await countRecords(db, ids.clients)) > 0) return false;
  }
  const clients = socialClients(size);
  await putRecords(
    db,
    ids.clients,
    clients.map((c) => ({
      key: c.client_id,
      data: Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null)),
    })),
  );
  let sourceId = existing?.id;
  if (!sourceId) {
    sourceId = crypto.randomUUID();
    await db
      .insertInto('sources')
      .values({
        id: sourceId,
        organization_id: owners.get(SOCIAL_CLIENTS.organization)!.id,
        dataset_id: ids.clients,
        register_id: ids.population,
        lower_threshold: THRESHOLDS.lower,
        upper_threshold: THRESHOLDS.upper,
        created_by: null,
        created_at: now(),
      })
      .execute();
  }
  const job = await runLinkageNow(db, sourceId);
  if (job.status !== 'completed') throw new Error(`The demo's linkage job ${job.status}: ${job.failure}`);
  return true;
}
