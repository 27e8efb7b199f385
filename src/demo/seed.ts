/**
 * Seeds the Republic of Example through the same domain functions the API uses, so the demo data
 * obeys the API's rules.
 *
 * Safe to run again, and after a crash: every step first looks at what exists and creates only
 * what is missing, and every write is atomic: a step runs in one transaction, except where a domain
 * function opens its own (createDataset, setMemberRoles), which then is the unit. The registers are
 * written in batches, each in a transaction, and marked complete only after the last one; a run
 * that finds them unmarked, or marked for another population size, or short of records, deletes
 * and writes them again.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { type Kysely, sql } from 'kysely';
import { createDataset, createService, updateDataset, updateService } from '../catalog/index.ts';
import type { Config } from '../config/index.ts';
import { createConsent } from '../consent/index.ts';
import {
  addProviderOrigin,
  createOrganization,
  createPerson,
  createPurpose,
  createSystem,
  originOf,
  setMemberRoles,
  updateSystem,
} from '../directory/index.ts';
import { readPrivateJwk } from '../exchange/index.ts';
import { hashPassword } from '../identity/index.ts';
import { countRecords, deleteRecords, putRecords } from '../registry/index.ts';
import { type Database, now, type Store } from '../store/index.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './accounts.ts';
import { seedAgreements, seedTemplates } from './agreements.ts';
import { defaultServiceUrl, seedConsentClients } from './consent-clients.ts';
import { seedFeeds } from './feeds.ts';
import {
  CONSENTS,
  DATASETS,
  type DemoSystem,
  ORGANIZATIONS,
  PURPOSES,
  SERVICES,
  SOCIAL_CLIENTS,
  SYSTEMS,
  systemKeyId,
} from './government.ts';
import { OPEN_DATASETS } from './open-data.ts';
import { seedOpenDataRecords } from './open-data-records.ts';
import { businessAt, businessCount, demoCitizens, isAdult, population } from './population.ts';
import { seedSocialClients } from './social-clients.ts';

export interface SeedOptions {
  /** Draw a progress bar (on a terminal) while the registers are written. */
  progress: boolean;
  /** Where the demo provider APIs listen; the proxied services point there. */
  providerUrl?: string;
  /** Where the demo's housing benefit application listens; its consent client returns there. */
  serviceUrl?: string;
}

export type Owner = { id: string; slug: string };
export type Db = Kysely<Database>;

/** Raise when the generator changes, so that registers written by an older one are redone. */
const GENERATOR_VERSION = 1;
const REGISTERS_MARK = 'demo.registers';
const BATCH_SIZE = 5000;

interface RegistersMark {
  version: number;
  population: number;
  addresses: number;
  businesses: number;
}

/** What one run created or rewrote, for the summary. */
export type Tally = Record<
  | 'organizations'
  | 'people'
  | 'accounts'
  | 'roles'
  | 'datasets'
  | 'services'
  | 'purposes'
  | 'systems'
  | 'agreements'
  | 'templates'
  | 'consents'
  | 'consentClients',
  number
>;

export function defaultProviderUrl(config: Config): string {
  return `http://127.0.0.1:${config.demoProviderPort || 8081}`;
}

async function seedOrganizations(db: Db, tally: Tally): Promise<Map<string, Owner>> {
  return db.transaction().execute(async (tx) => {
    const owners = new Map<string, Owner>();
    for (const { short: _short, role: _role, ...input } of ORGANIZATIONS) {
      const existing = await tx
        .selectFrom('organizations')
        .select(['id', 'slug'])
        .where('slug', '=', input.slug)
        .executeTakeFirst();
      if (existing) {
        owners.set(existing.slug, existing);
        continue;
      }
      const created = await createOrganization(tx, input);
      owners.set(created.slug, { id: created.id, slug: created.slug });
      tally.organizations++;
    }
    return owners;
  });
}

/** People, their roles and their sign-in accounts; returns person ids by username. */
async function seedAccounts(
  store: Store,
  owners: Map<string, Owner>,
  tally: Tally,
): Promise<Map<string, string>> {
  const db = store.db;
  const people = new Map<string, string>();
  const logins = new Set(
    (await db.selectFrom('idp_accounts').select('username').execute()).map((a) => a.username),
  );
  const needHash = DEMO_ACCOUNTS.some((a) => !logins.has(a.username));
  // scrypt is deliberately slow (~50 ms), and createIdpAccount hashes on every call; so the demo
  // password is hashed once here and the same row createIdpAccount would write is inserted.
  const passwordHash = needHash ? await hashPassword(DEMO_PASSWORD) : '';

  for (const account of DEMO_ACCOUNTS) {
    const personId = await db.transaction().execute(async (tx) => {
      let query = tx.selectFrom('people').select('id');
      query = account.nationalId
        ? query.where('national_id', '=', account.nationalId)
        : query.where('email', '=', account.email);
      let id = (await query.executeTakeFirst())?.id;
      if (!id) {
        id = (
          await createPerson(tx, { name: account.name, email: account.email, nationalId: account.nationalId })
        ).id;
        tally.people++;
      }
      const login = await tx
        .selectFrom('idp_accounts')
        .select('username')
        .where('username', '=', account.username)
        .executeTakeFirst();
      if (!login) {
        await tx
          .insertInto('idp_accounts')
          .values({ username: account.username, person_id: id, password_hash: passwordHash })
          .execute();
        tally.accounts++;
      }
      return id;
    });
    people.set(account.username, personId);

    if (account.organization) {
      const owner = owners.get(account.organization)!;
      const held = await db
        .selectFrom('memberships')
        .select('role')
        .where('person_id', '=', personId)
        .where('organization_id', '=', owner.id)
        .execute();
      const current = held.map((m) => m.role).sort();
      if (current.join() !== [...account.roles].sort().join()) {
        // The demo government's own roles, before anything runs: nothing to record, and nobody to leave.
        await setMemberRoles(db, store.dialect, owner.id, personId, account.roles, { mayLeaveVacant: true });
        tally.roles++;
      }
    }
  }
  return people;
}

/** Open datasets are downloadable as CSV and JSON from the catalog (served by the catalog's download routes). */
function downloads(publicUrl: string, organization: string, slug: string) {
  const base = `${publicUrl.replace(/\/$/, '')}/catalog/datasets/${organization}/${slug}`;
  return [
    { format: 'CSV' as const, mediaType: 'text/csv', extension: 'csv' },
    { format: 'JSON' as const, mediaType: 'application/json', extension: 'json' },
  ].map(({ format, mediaType, extension }) => ({
    title: `${format} download`,
    kind: 'download' as const,
    format,
    mediaType,
    accessUrl: `${base}.${extension}`,
    downloadUrl: `${base}.${extension}`,
  }));
}

async function seedDatasets(
  db: Db,
  owners: Map<string, Owner>,
  people: Map<string, string>,
  publicUrl: string,
  tally: Tally,
) {
  for (const { organization, privacyBudget, ...input } of DATASETS) {
    const owner = owners.get(organization)!;
    const existing = await db
      .selectFrom('datasets')
      .select(['id', 'keywords'])
      .where('organization_id', '=', owner.id)
      .where('slug', '=', input.slug)
      .executeTakeFirst();
    const distributions =
      input.classification === 'public' ? downloads(publicUrl, organization, input.slug) : [];
    if (existing) {
      // A demo store seeded before the catalog had metadata gets it once; the registers are left as they are.
      if (existing.keywords === '[]' && input.keywords?.length) {
        const { slug, fields, keyField, classification, ...metadata } = input;
        await updateDataset(db, owner, slug, { ...metadata, distributions });
        tally.datasets++;
      }
      continue;
    }
    const short = ORGANIZATIONS.find((o) => o.slug === organization)!.short;
    const created = await createDataset(db, owner, {
      ...input,
      distributions,
      stewardId: people.get(`steward.${short}`)!,
    });
    if (privacyBudget)
      await db
        .updateTable('datasets')
        .set({ privacy_budget: privacyBudget })
        .where('id', '=', created.id)
        .execute();
    tally.datasets++;
  }
}

async function seedServices(db: Db, owners: Map<string, Owner>, providerUrl: string, tally: Tally) {
  await db.transaction().execute(async (tx) => {
    // The demo's provider APIs listen on this machine: on the platform's list, inside its own network.
    const origin = originOf(providerUrl);
    const listed =
      origin &&
      (await tx.selectFrom('provider_origins').select('id').where('origin', '=', origin).executeTakeFirst());
    if (origin && !listed) {
      await addProviderOrigin(
        tx,
        { origin, privateNetwork: true, note: "The demo's provider APIs (tax agency, health ministry)" },
        null,
      );
    }
    for (const { organization, providerPath, ...input } of SERVICES) {
      const owner = owners.get(organization)!;
      const baseUrl = providerPath ? `${providerUrl}${providerPath}` : null;
      const existing = await tx
        .selectFrom('services')
        .select(['slug', 'base_url'])
        .where('organization_id', '=', owner.id)
        .where('slug', '=', input.slug)
        .executeTakeFirst();
      if (!existing) {
        await createService(tx, owner, { ...input, baseUrl });
        tally.services++;
      } else if (baseUrl && existing.base_url !== baseUrl) {
        // The demo providers listen on another port than last time (e.g. a free port was picked).
        await updateService(tx, owner, input.slug, { baseUrl });
        tally.services++;
      }
    }
  });
}

async function seedPurposes(db: Db, owners: Map<string, Owner>, tally: Tally) {
  await db.transaction().execute(async (tx) => {
    for (const { organization, ...input } of PURPOSES) {
      const existing = await tx
        .selectFrom('purposes')
        .select('id')
        .where('slug', '=', input.slug)
        .executeTakeFirst();
      if (existing) continue;
      await createPurpose(tx, owners.get(organization)!, input);
      tally.purposes++;
    }
  });
}

/** Where the demo systems' private keys are written: `<data folder>/demo-keys`. */
export function demoKeyDir(config: Pick<Config, 'dataDir'>): string {
  return config.dataDir === ':memory:'
    ? join(tmpdir(), 'govdx-demo-keys')
    : join(config.dataDir, 'demo-keys');
}

/** The private JWK of a demo system: `<key folder>/<organization>-<system>.private.jwk`. */
export function demoKeyFile(dir: string, system: Pick<DemoSystem, 'organization' | 'slug'>): string {
  return join(dir, `${system.organization}-${system.slug}.private.jwk`);
}

/** The demo's EC private key in `file` to use again; undefined (make a new one) when absent or unusable. */
export function reusableKey(file: string): JWK | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const jwk = readPrivateJwk(file);
    return jwk.kty === 'EC' && jwk.x && jwk.y ? jwk : undefined;
  } catch {
    return undefined;
  }
}

/** Readable by the owner only; written whole or not at all. */
export function writePrivateKey(file: string, jwk: JWK): void {
  const partial = `${file}.partial`;
  writeFileSync(partial, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
}

export const publicPart = (jwk: JWK): JWK & { kid: string } => ({
  kty: jwk.kty,
  crv: jwk.crv,
  x: jwk.x,
  y: jwk.y,
  kid: jwk.kid!,
  alg: 'ES256',
  use: 'sig',
});

/**
 * Each system signs its client assertions with an ES256 key made once per data folder: the private JWK
 * is written to the key folder (mode 0600) for the demo's callers, and only the public half is registered.
 * A system whose registered key does not match its file gets the file's key; one without a file, a new key.
 */
async function seedSystems(db: Db, owners: Map<string, Owner>, keyDir: string, tally: Tally) {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const registered = new Map(
    (
      await db
        .selectFrom('systems')
        .innerJoin('organizations', 'organizations.id', 'systems.organization_id')
        .select(['organizations.slug as organization', 'systems.slug', 'systems.jwks'])
        .execute()
    ).map((s) => [`${s.organization}/${s.slug}`, s.jwks ? (JSON.parse(s.jwks) as { keys: JWK[] }) : null]),
  );
  for (const system of SYSTEMS) {
    const { organization, ...input } = system;
    const file = demoKeyFile(keyDir, system);
    let key = reusableKey(file);
    const current = registered.get(`${organization}/${system.slug}`);
    const matches = (jwks: { keys: JWK[] } | null | undefined) =>
      key !== undefined && jwks?.keys.some((k) => k.x === key!.x && k.y === key!.y) === true;
    if (current !== undefined && matches(current)) continue;
    if (!key) {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      key = { ...(await exportJWK(privateKey)), kid: systemKeyId(system), alg: 'ES256' };
      writePrivateKey(file, key);
    }
    const jwks = { keys: [publicPart(key) as JWK & { kty: 'EC'; kid: string }] };
    const owner = owners.get(organization)!;
    if (current === undefined) await createSystem(db, owner, { ...input, jwks });
    else await updateSystem(db, owner, system.slug, { jwks });
    tally.systems++;
  }
}

/**
 * The demo citizen's consent was given at the Housing Agency's desk on a signed form: an official of the
 * agency (its data steward) recorded it, with the form's reference, as govdx requires of a consent not
 * given on the consent page.
 */
async function seedConsents(db: Db, owners: Map<string, Owner>, people: Map<string, string>, tally: Tally) {
  for (const consent of CONSENTS) {
    const subject = DEMO_ACCOUNTS.find((a) => a.username === consent.citizen)!.nationalId!;
    const existing = await db
      .selectFrom('consents')
      .innerJoin('purposes', 'purposes.id', 'consents.purpose_id')
      .select('consents.id')
      .where('consents.subject', '=', subject)
      .where('consents.consumer_organization_id', '=', owners.get(consent.consumer)!.id)
      .where('purposes.slug', '=', consent.purpose)
      .executeTakeFirst();
    if (existing) continue;
    const official = people.get(`steward.${consent.consumer.split('-')[0]}`) ?? null;
    await createConsent(
      db,
      {
        subject,
        consumer: consent.consumer,
        purpose: consent.purpose,
        collectionMethod: 'paper',
        evidence: consent.evidence,
      },
      official,
    );
    tally.consents++;
  }
}

async function datasetId(
  db: Db,
  owners: Map<string, Owner>,
  organization: string,
  slug: string,
): Promise<string> {
  const row = await db
    .selectFrom('datasets')
    .select('id')
    .where('organization_id', '=', owners.get(organization)!.id)
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow();
  return row.id;
}

function progressBar(enabled: boolean, label: string, total: number) {
  if (!enabled) return undefined;
  const bar = new cliProgress.SingleBar(
    { format: `  ${label.padEnd(20)} [{bar}] {percentage}% | {value}/{total}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

async function readMark(db: Db): Promise<RegistersMark | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', REGISTERS_MARK)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as RegistersMark) : undefined;
}

interface RegistersReport {
  written: boolean;
  mark: RegistersMark;
}

/** The population, address and business registers (hosted records). */
async function seedRegisters(
  db: Db,
  owners: Map<string, Owner>,
  size: number,
  progress: boolean,
): Promise<RegistersReport> {
  const ids = {
    persons: await datasetId(db, owners, 'population-register', 'population'),
    addresses: await datasetId(db, owners, 'address-register', 'addresses'),
    businesses: await datasetId(db, owners, 'business-register', 'businesses'),
  };
  const mark = await readMark(db);
  if (
    mark &&
    mark.version === GENERATOR_VERSION &&
    mark.population === size &&
    (await countRecords(db, ids.persons)) === mark.population &&
    (await countRecords(db, ids.addresses)) === mark.addresses &&
    (await countRecords(db, ids.businesses)) === mark.businesses
  ) {
    return { written: false, mark };
  }

  // Not marked complete for this size: start over. The generator is deterministic, so this writes
  // exactly what an uninterrupted run would have.
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('settings').where('key', '=', REGISTERS_MARK).execute();
    for (const id of Object.values(ids)) await deleteRecords(tx, id);
  });

  const businesses = businessCount(size);
  const adults: number[] = [];
  let persons = 0;
  let addresses = 0;
  const residents = progressBar(progress, 'Population register', size);
  try {
    for (const chunk of population(size, BATCH_SIZE)) {
      for (const person of chunk.persons) {
        if (isAdult(person)) adults.push(persons);
        persons++;
      }
      addresses += chunk.addresses.length;
      await db.transaction().execute(async (tx) => {
        await putRecords(
          tx,
          ids.addresses,
          chunk.addresses.map((a) => ({ key: a.address_id, data: a })),
        );
        await putRecords(
          tx,
          ids.persons,
          chunk.persons.map((p) => ({ key: p.national_id, data: p })),
        );
      });
      residents?.increment(chunk.persons.length);
    }
  } finally {
    residents?.stop();
  }
  const companies = progressBar(progress, 'Business register', businesses);
  try {
    for (let start = 0; start < businesses; start += BATCH_SIZE) {
      const batch = [];
      for (let b = start; b < Math.min(businesses, start + BATCH_SIZE); b++) {
        batch.push(businessAt(b, addresses, adults));
      }
      await putRecords(
        db,
        ids.businesses,
        batch.map((b) => ({ key: b.registry_code, data: b })),
      );
      companies?.increment(batch.length);
    }
  } finally {
    companies?.stop();
  }

  const complete: RegistersMark = { version: GENERATOR_VERSION, population: persons, addresses, businesses };
  await db
    .insertInto('settings')
    .values({ key: REGISTERS_MARK, value: JSON.stringify(complete), updated_at: now() })
    .onConflict((c) => c.column('key').doUpdateSet({ value: JSON.stringify(complete), updated_at: now() }))
    .execute();
  return { written: true, mark: complete };
}

const count = (n: number) => n.toLocaleString('en-US');

export async function seedDemo(
  store: Store,
  config: Config,
  options: SeedOptions,
): Promise<{ summary: string; keyDir: string }> {
  const started = performance.now();
  const citizens = demoCitizens();
  const needed = Math.max(...citizens.map((c) => c.index)) + 1;
  if (config.demoPopulation < needed) {
    throw new Error(`The demo population must hold at least ${needed} persons (the demo citizens).`);
  }
  const db = store.db;
  const tally: Tally = {
    organizations: 0,
    people: 0,
    accounts: 0,
    roles: 0,
    datasets: 0,
    services: 0,
    purposes: 0,
    systems: 0,
    agreements: 0,
    templates: 0,
    consents: 0,
    consentClients: 0,
  };
  const owners = await seedOrganizations(db, tally);
  const people = await seedAccounts(store, owners, tally);
  await seedDatasets(db, owners, people, config.publicUrl, tally);
  await seedServices(db, owners, options.providerUrl ?? defaultProviderUrl(config), tally);
  await seedPurposes(db, owners, tally);
  const keyDir = demoKeyDir(config);
  await seedSystems(db, owners, keyDir, tally);
  await seedTemplates(db, owners, people, tally);
  await seedAgreements(db, owners, people, tally);
  await seedConsents(db, owners, people, tally);
  await seedConsentClients(db, owners, keyDir, options.serviceUrl ?? defaultServiceUrl(config), tally);
  const registers = await seedRegisters(db, owners, config.demoPopulation, options.progress);
  const linked = await seedSocialClients(
    db,
    owners,
    {
      clients: await datasetId(db, owners, SOCIAL_CLIENTS.organization, SOCIAL_CLIENTS.slug),
      population: await datasetId(db, owners, 'population-register', 'population'),
    },
    config.demoPopulation,
  );
  await seedFeeds(db, owners, registers.written);
  const openIds = new Map<string, string>();
  for (const d of OPEN_DATASETS) openIds.set(d.slug, await datasetId(db, owners, d.organization, d.slug));
  const openRecords = await seedOpenDataRecords(db, openIds);
  if (store.dialect === 'postgres' && (registers.written || openRecords > 0)) {
    // Fresh statistics for the tables just filled, so that reading records in key order (downloads,
    // data-quality checks) uses the index at once rather than after autovacuum gets round to it.
    await sql`analyze records`.execute(db);
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { mark } = registers;
  const holding = `${count(mark.population)} persons, ${count(mark.addresses)} addresses and ${count(mark.businesses)} businesses`;
  const changes = Object.entries(tally)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => {
      const plural =
        what === 'roles' ? 'role assignments' : what === 'consentClients' ? 'consent clients' : what;
      return `${n} ${n === 1 ? plural.replace(/s$/, '') : plural}`;
    });
  if (registers.written) changes.push(holding);
  if (openRecords > 0) changes.push(`${count(openRecords)} open-data records`);
  if (linked) changes.push("the social services' client list, linked to the population register");
  const summary =
    changes.length === 0
      ? `The Republic of Example is already seeded (${holding}); nothing changed.`
      : `Seeded the Republic of Example in ${seconds} s: ${changes.join(', ')}.`;
  const shorts = (orgs: typeof ORGANIZATIONS) => orgs.map((o) => o.short).join('|');
  const dpos = ORGANIZATIONS.filter((o) => o.role === 'provider' || o.role === 'consumer');
  return {
    keyDir,
    summary: [
      summary,
      `Demo accounts, all with password "${DEMO_PASSWORD}": admin, auditor, citizen, citizen2, citizen3,`,
      `  admin.<org> and steward.<org> for <org> = ${shorts(ORGANIZATIONS)},`,
      `  dpo.<org> for <org> = ${shorts(dpos)},`,
      `  legal.<org> for <org> = ${shorts(ORGANIZATIONS.filter((o) => o.role === 'provider'))}.`,
    ].join('\n'),
  };
}
