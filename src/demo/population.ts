/**
 * The residents, addresses and businesses of the Republic of Example, generated deterministically.
 *
 * Every household and business is drawn from a faker seeded with its own index (and a stream
 * number per kind of thing), never from one long random sequence. So the same population size gives
 * the same records on every machine and every database, a larger population extends a smaller one
 * without changing it, and anyone can compute one record without generating the others.
 */
import { createHash } from 'node:crypto';
import { base, en, Faker } from '@faker-js/faker';
import { formatNationalId, isValidNationalId } from '../registry/index.ts';
import { sfc32Randomizer } from './randomizer.ts';

export const DEMO_SEED = 20_250_101;
/** The day the registers describe: ages are counted to it, so the data does not age with the clock. */
export const REFERENCE_YEAR = 2025;
/** The Republic of Example's country code: XE is one of ISO 3166-1's user-assigned codes. */
export const HOME_COUNTRY = 'XE';
/** Businesses 0 … LARGE_EMPLOYERS-1 are companies large enough to employ anyone (see the tax agency API). */
export const LARGE_EMPLOYERS = 20;

const faker = new Faker({ locale: [en, base], randomizer: sfc32Randomizer() });

/** Each kind of thing draws from its own stream, so that adding one kind never shifts another. */
export const STREAM = {
  household: 1,
  business: 2,
  businessDetail: 3,
  income: 4,
  health: 5,
  staff: 6,
} as const;

/** The shared faker, reseeded for one entity. Use it synchronously, before seeding it again. */
export function seeded(stream: number, index: number): Faker {
  faker.seed([DEMO_SEED, stream, index]);
  return faker;
}

/** A 32-bit number from text, for seeding by name (staff) or by national ID (provider answers). */
export function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

const ID_SPACE = 100_000_000;

/**
 * A bijection of [0, modulus): multiplying by a number coprime to the modulus permutes the residues,
 * so consecutive indexes get scattered, unique identifiers that do not reveal the order of creation.
 * Indexes stay below 10⁷ (the largest demo population), so the product stays below 2⁵³.
 */
function scatter(index: number, multiplier: number, offset: number, modulus = ID_SPACE): number {
  return (index * multiplier + offset) % modulus;
}

const PERSON_MULTIPLIER = 61_803_397;
const PERSON_OFFSET = 10_000_019;
const PERSON_INVERSE = modularInverse(BigInt(PERSON_MULTIPLIER), BigInt(ID_SPACE));

function modularInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

export function nationalIdAt(personIndex: number): string {
  return formatNationalId(scatter(personIndex, PERSON_MULTIPLIER, PERSON_OFFSET));
}

/** The index of the person a national ID was generated for, or undefined for a malformed ID. */
export function personIndexOf(nationalId: string): number | undefined {
  if (!isValidNationalId(nationalId)) return undefined;
  const body = BigInt(Number(nationalId.slice(2, 10)));
  const space = BigInt(ID_SPACE);
  return Number(((((body - BigInt(PERSON_OFFSET)) % space) + space) * PERSON_INVERSE) % space);
}

export function addressIdAt(householdIndex: number): string {
  return `AD${String(scatter(householdIndex, 38_196_601, 1_000_003)).padStart(8, '0')}`;
}

function householdIdAt(householdIndex: number): string {
  return `HH${String(scatter(householdIndex, 27_182_819, 3_000_017)).padStart(8, '0')}`;
}

export function registryCodeAt(businessIndex: number): string {
  // Eight digits, the first never 0: 10⁷ plus a scattering of [0, 9·10⁷); 7,919 is prime to 9·10⁷.
  return String(10_000_000 + scatter(businessIndex, 7_919, 4_000_037, 90_000_000));
}

export const MUNICIPALITIES = [
  { name: 'Exampleton', postcode: '10', lat: 59.437, lon: 24.754, weight: 32 },
  { name: 'Sampleford', postcode: '50', lat: 58.378, lon: 26.729, weight: 14 },
  { name: 'Draftwick', postcode: '30', lat: 59.359, lon: 27.413, weight: 7 },
  { name: 'Port Specimen', postcode: '80', lat: 58.385, lon: 24.497, weight: 7 },
  { name: 'Testhaven', postcode: '40', lat: 59.377, lon: 28.19, weight: 7 },
  { name: 'Lorem Lake', postcode: '48', lat: 58.747, lon: 26.396, weight: 6 },
  { name: 'Ipsumvale', postcode: '72', lat: 58.886, lon: 25.557, weight: 6 },
  { name: 'Mockmoor', postcode: '71', lat: 58.365, lon: 25.595, weight: 5 },
  { name: 'Demo Hills', postcode: '60', lat: 57.833, lon: 27.019, weight: 5 },
  { name: 'Fixture Falls', postcode: '90', lat: 58.946, lon: 23.541, weight: 4 },
  { name: 'Stubbington', postcode: '68', lat: 57.776, lon: 26.031, weight: 4 },
  { name: 'Placeholder Bay', postcode: '93', lat: 58.252, lon: 22.485, weight: 3 },
] as const;

const FOREIGN_COUNTRIES = ['FI', 'LV', 'LT', 'SE', 'DE', 'PL', 'UA', 'GB', 'IN'] as const;

export interface AddressRecord {
  address_id: string;
  street: string;
  house_number: string;
  apartment: string | null;
  postcode: string;
  municipality: string;
  coordinates: { lat: number; lon: number };
}

export interface PersonRecord {
  national_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sex: 'female' | 'male';
  address_id: string;
  household_id: string;
  citizenship: string;
  birth_place: { country: string; municipality: string };
}

export interface BusinessRecord {
  registry_code: string;
  name: string;
  legal_form: string;
  status: 'registered' | 'in liquidation' | 'deleted';
  activity_code: string;
  activity: string;
  address_id: string;
  founded: string;
  board_members: string[];
}

export interface Household {
  address: AddressRecord;
  members: PersonRecord[];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A date on which someone is exactly `age` full years old on 1 January of REFERENCE_YEAR. */
function birthDate(f: Faker, age: number): string {
  const lastBirthdayYear = Date.UTC(REFERENCE_YEAR - age, 0, 1);
  return new Date(lastBirthdayYear - f.number.int({ min: 0, max: 364 }) * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** True when the person is at least 18 on the reference day. */
export function isAdult(person: PersonRecord): boolean {
  return person.date_of_birth <= `${REFERENCE_YEAR - 18}-01-01`;
}

function pickMunicipality(f: Faker) {
  return f.helpers.weightedArrayElement(MUNICIPALITIES.map((m) => ({ weight: m.weight, value: m })));
}

function origin(
  f: Faker,
  homeBornShare: number,
): { citizenship: string; birthPlace: PersonRecord['birth_place'] } {
  if (f.number.float({ min: 0, max: 1 }) < homeBornShare) {
    return {
      citizenship: HOME_COUNTRY,
      birthPlace: { country: HOME_COUNTRY, municipality: pickMunicipality(f).name },
    };
  }
  const country = f.helpers.arrayElement(FOREIGN_COUNTRIES);
  return {
    citizenship: f.datatype.boolean() ? HOME_COUNTRY : country,
    birthPlace: { country, municipality: f.location.city() },
  };
}

/**
 * Household `index`, whose first member is person `firstPerson`. Sizes run from 1 to 5 (about 2.3 on
 * average); the first member is an adult, a second one is their partner, the others their children.
 */
export function householdAt(index: number, firstPerson: number): Household {
  const f = seeded(STREAM.household, index);
  const size = f.helpers.weightedArrayElement([
    { weight: 35, value: 1 },
    { weight: 30, value: 2 },
    { weight: 15, value: 3 },
    { weight: 13, value: 4 },
    { weight: 7, value: 5 },
  ]);
  const municipality = pickMunicipality(f);
  const hasApartment = f.number.float({ min: 0, max: 1 }) < 0.45;
  const address: AddressRecord = {
    address_id: addressIdAt(index),
    street: f.location.street(),
    house_number: String(f.number.int({ min: 1, max: 180 })),
    apartment: hasApartment ? String(f.number.int({ min: 1, max: 120 })) : null,
    postcode: `${municipality.postcode}${String(f.number.int({ min: 0, max: 999 })).padStart(3, '0')}`,
    municipality: municipality.name,
    coordinates: {
      lat: round(municipality.lat + f.number.float({ min: -0.05, max: 0.05 }), 5),
      lon: round(municipality.lon + f.number.float({ min: -0.08, max: 0.08 }), 5),
    },
  };
  const householdId = householdIdAt(index);
  const familyName = f.person.lastName();
  const headAge = f.number.int({ min: 19, max: 90 });
  const headSex = f.helpers.arrayElement(['female', 'male'] as const);
  const headOrigin = origin(f, 0.9);

  const members: PersonRecord[] = [];
  const add = (sex: PersonRecord['sex'], age: number, family: string, from: ReturnType<typeof origin>) => {
    members.push({
      national_id: nationalIdAt(firstPerson + members.length),
      given_name: f.person.firstName(sex),
      family_name: family,
      date_of_birth: birthDate(f, age),
      sex,
      address_id: address.address_id,
      household_id: householdId,
      citizenship: from.citizenship,
      birth_place: from.birthPlace,
    });
  };
  add(headSex, headAge, familyName, headOrigin);
  if (size >= 2) {
    const opposite = headSex === 'female' ? 'male' : 'female';
    const sex = f.number.float({ min: 0, max: 1 }) < 0.9 ? opposite : headSex;
    const age = Math.max(18, headAge + f.number.int({ min: -6, max: 6 }));
    const family = f.number.float({ min: 0, max: 1 }) < 0.75 ? familyName : f.person.lastName();
    add(sex, age, family, origin(f, 0.9));
  }
  for (let child = 2; child < size; child++) {
    const sex = f.helpers.arrayElement(['female', 'male'] as const);
    // Older parents' children have grown up but still live at home.
    const age =
      headAge < 60
        ? f.number.int({ min: 0, max: Math.min(17, headAge - 18) })
        : f.number.int({ min: 18, max: headAge - 18 });
    const from = origin(f, 0.97);
    add(sex, age, familyName, { citizenship: headOrigin.citizenship, birthPlace: from.birthPlace });
  }
  return { address, members };
}

export interface PopulationChunk {
  addresses: AddressRecord[];
  persons: PersonRecord[];
}

/**
 * The first `count` persons and the addresses of their households, in chunks of at least
 * `chunkSize` persons (a household is never split across chunks). The last household is cut short
 * when the count ends inside it.
 */
export function* population(count: number, chunkSize = 5000): Generator<PopulationChunk> {
  let chunk: PopulationChunk = { addresses: [], persons: [] };
  for (let household = 0, next = 0; next < count; household++) {
    const { address, members } = householdAt(household, next);
    const kept = members.slice(0, count - next);
    next += kept.length;
    chunk.addresses.push(address);
    chunk.persons.push(...kept);
    if (chunk.persons.length >= chunkSize) {
      yield chunk;
      chunk = { addresses: [], persons: [] };
    }
  }
  if (chunk.persons.length > 0) yield chunk;
}

/** How many businesses a population of this size has: one per 30 residents, at least LARGE_EMPLOYERS. */
export function businessCount(populationSize: number): number {
  return Math.max(LARGE_EMPLOYERS, Math.round(populationSize / 30));
}

const LEGAL_FORMS = [
  { weight: 62, value: 'private limited company' },
  { weight: 20, value: 'sole proprietor' },
  { weight: 6, value: 'public limited company' },
  { weight: 5, value: 'general partnership' },
  { weight: 5, value: 'non-profit association' },
  { weight: 2, value: 'foundation' },
];

/** NACE Rev. 2 classes (the EU's statistical classification of economic activities). */
const ACTIVITIES = [
  ['62.01', 'Computer programming activities'],
  ['41.20', 'Construction of residential and non-residential buildings'],
  ['47.11', 'Retail sale in non-specialised stores with food, beverages or tobacco predominating'],
  ['56.10', 'Restaurants and mobile food service activities'],
  ['68.20', 'Renting and operating of own or leased real estate'],
  ['49.41', 'Freight transport by road'],
  ['69.20', 'Accounting, bookkeeping and auditing activities; tax consultancy'],
  ['86.21', 'General medical practice activities'],
  ['01.11', 'Growing of cereals, leguminous crops and oil seeds'],
  ['16.10', 'Sawmilling and planing of wood'],
  ['85.59', 'Other education n.e.c.'],
  ['96.02', 'Hairdressing and other beauty treatment'],
] as const;

/** The name and legal form of business `index`: what another agency (the tax agency) knows of it. */
export function businessIdentityAt(
  index: number,
): Pick<BusinessRecord, 'registry_code' | 'name' | 'legal_form'> {
  const f = seeded(STREAM.business, index);
  const name = f.company.name();
  const legalForm =
    index < LARGE_EMPLOYERS
      ? f.helpers.arrayElement(['public limited company', 'private limited company'])
      : f.helpers.weightedArrayElement(LEGAL_FORMS);
  return { registry_code: registryCodeAt(index), name, legal_form: legalForm };
}

/**
 * Business `index`, registered at the address of one of the first `households` households, with
 * board members drawn from `adults` (indexes of adult persons).
 */
export function businessAt(index: number, households: number, adults: readonly number[]): BusinessRecord {
  const identity = businessIdentityAt(index);
  const f = seeded(STREAM.businessDetail, index);
  const status = f.helpers.weightedArrayElement([
    { weight: 90, value: 'registered' as const },
    { weight: 4, value: 'in liquidation' as const },
    { weight: 6, value: 'deleted' as const },
  ]);
  const [activityCode, activity] = f.helpers.arrayElement(ACTIVITIES);
  const founded = new Date(Date.UTC(f.number.int({ min: 1991, max: REFERENCE_YEAR - 1 }), 0, 1));
  founded.setUTCDate(f.number.int({ min: 1, max: 365 }));
  const seats = identity.legal_form === 'sole proprietor' ? 1 : f.number.int({ min: 1, max: 3 });
  const board = new Set<string>();
  for (let seat = 0; seat < seats && adults.length > 0; seat++) {
    board.add(nationalIdAt(adults[f.number.int({ min: 0, max: adults.length - 1 })]!));
  }
  return {
    ...identity,
    status,
    activity_code: activityCode,
    activity,
    address_id: addressIdAt(f.number.int({ min: 0, max: Math.max(0, households - 1) })),
    founded: founded.toISOString().slice(0, 10),
    board_members: [...board],
  };
}

/**
 * The heads of the first three households: the demo citizens. They are among the first persons of
 * every population, however small, so their national IDs are the same in every demo.
 */
export function demoCitizens(): Array<{ index: number; person: PersonRecord }> {
  const citizens: Array<{ index: number; person: PersonRecord }> = [];
  for (let household = 0, next = 0; citizens.length < 3; household++) {
    const { members } = householdAt(household, next);
    citizens.push({ index: next, person: members[0]! });
    next += members.length;
  }
  return citizens;
}
