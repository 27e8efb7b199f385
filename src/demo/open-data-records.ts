/**
 * The records of the Republic of Example's open datasets (open-data.ts), generated deterministically:
 * each dataset draws from a faker seeded with its own slug, so the same code gives the same rows on
 * every machine and database, and changing one dataset's generator never shifts another's.
 *
 * Statistics are built from a few plausible base figures (municipal populations, seasonal patterns,
 * slow trends) plus noise; lists (streets, companies, pharmacies…) are drawn whole. Every row holds
 * exactly the dataset's declared fields; `coordinates.lat` is the member `lat` of `coordinates`.
 * Keys are the row's natural key, time first (`2024-03/Exampleton`), so a download reads in order.
 */
import { base, en, Faker } from '@faker-js/faker';
import type { Kysely } from 'kysely';
import { deleteRecords, type HostedRecord, putRecords } from '../registry/index.ts';
import { type Database, now } from '../store/index.ts';
import { addressIdAt, DEMO_SEED, MUNICIPALITIES, registryCodeAt, seedOf } from './population.ts';
import { sfc32Randomizer } from './randomizer.ts';

type Row = Record<string, unknown>;
type Generate = (f: Faker) => Array<HostedRecord<Row>>;

/** The last period the open data covers (its metadata says modified 2026-10-01). */
const LAST_YEAR = 2026;
const LAST_MONTH = 9;

const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function years(from: number, to = LAST_YEAR): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function months(fromYear: number): string[] {
  const out: string[] = [];
  for (const year of years(fromYear)) {
    for (let m = 1; m <= 12; m++) {
      if (year === LAST_YEAR && m > LAST_MONTH) break;
      out.push(`${year}-${pad(m)}`);
    }
  }
  return out;
}

function quarters(fromYear: number): string[] {
  const out: string[] = [];
  for (const year of years(fromYear)) {
    for (let q = 1; q <= 4; q++) {
      if (year === LAST_YEAR && q > Math.ceil(LAST_MONTH / 3)) break;
      out.push(`${year}-Q${q}`);
    }
  }
  return out;
}

/** A day between two dates (inclusive), as YYYY-MM-DD. */
function dayBetween(f: Faker, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  return new Date(start + f.number.int({ min: 0, max: (end - start) / 86_400_000 }) * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** A figure around `value`, off by up to `spread` (a share of it). */
const near = (f: Faker, value: number, spread: number) =>
  value * (1 + f.number.float({ min: -spread, max: spread }));

/** A municipality drawn by its share of the population. */
const municipality = (f: Faker) =>
  f.helpers.weightedArrayElement(MUNICIPALITIES.map((m) => ({ weight: m.weight, value: m })));

/** Residents of a municipality in a year: its share of about 1.33 million, growing slowly in the towns. */
const residentsOf = (m: (typeof MUNICIPALITIES)[number], year: number) =>
  (m.weight / 100) * 1_330_000 * (1 + (m.weight - 6) * 0.0015 * (year - 2015));

const place = (f: Faker, m: { lat: number; lon: number }, spread = 0.08) => ({
  lat: round(m.lat + f.number.float({ min: -spread, max: spread }), 5),
  lon: round(m.lon + f.number.float({ min: -spread * 2, max: spread * 2 }), 5),
});

/** Distinct values from `draw`, `count` of them (the generator gives up on a value after it repeats). */
function distinct<T>(count: number, key: (value: T) => string, draw: () => T): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (let attempts = 0; out.length < count && attempts < count * 20; attempts++) {
    const value = draw();
    const k = key(value);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(value);
  }
  return out;
}

const record = (key: string, data: Row): HostedRecord<Row> => ({ key, data });

const faker = new Faker({ locale: [en, base], randomizer: sfc32Randomizer() });
const words = (list: unknown): readonly string[] =>
  Array.isArray(list) ? list : ((list as { generic: string[] }).generic ?? []);
const LAST_NAMES = words(faker.definitions.person.last_name);
const FIRST_NAMES = words(faker.definitions.person.first_name);
const TOWN_NAMES = words(faker.definitions.location.city_name);

/**
 * Names composed from faker's plain word lists: faker's own company.name() location.street(),
 * person.lastName() and location.city() expand templates, up to a hundred times slower, and the seed
 * draws thousands of them.
 */
const COMPANY_ENDINGS = [
  'Group',
  'Partners',
  'Services',
  'Trading',
  'Holding',
  'Works',
  'Solutions',
  '& Sons',
];
const STREET_ENDINGS = ['Street', 'Road', 'Lane', 'Avenue', 'Way', 'Drive', 'Place'];
const companyName = (f: Faker) =>
  f.datatype.boolean({ probability: 0.3 })
    ? `${f.helpers.arrayElement(LAST_NAMES)} & ${f.helpers.arrayElement(LAST_NAMES)}`
    : `${f.helpers.arrayElement(LAST_NAMES)} ${f.helpers.arrayElement(COMPANY_ENDINGS)}`;
const streetName = (f: Faker) =>
  `${f.helpers.arrayElement([f.helpers.arrayElement(LAST_NAMES), f.helpers.arrayElement(FIRST_NAMES), f.word.noun()]).replace(/^./, (c) => c.toUpperCase())} ${f.helpers.arrayElement(STREET_ENDINGS)}`;

const NACE_SECTIONS = ['A', 'C', 'F', 'G', 'J'] as const;
const NACE_CLASSES = [
  '01.11',
  '10.71',
  '25.11',
  '41.20',
  '43.21',
  '46.90',
  '47.11',
  '49.41',
  '56.10',
  '62.01',
  '62.02',
  '68.20',
  '69.20',
  '70.22',
  '71.12',
  '73.11',
  '85.59',
  '86.23',
  '96.02',
];
const LEGAL_FORMS = [
  'private limited company',
  'private limited company',
  'private limited company',
  'sole trader',
  'public limited company',
  'general partnership',
  'limited partnership',
];
const HOSPITALS = [
  'Exampleton Central Hospital',
  'Exampleton Children’s Hospital',
  'Sampleford University Hospital',
  'Draftwick Regional Hospital',
  'Port Specimen Hospital',
  'Testhaven Hospital',
  'Lorem Lake Hospital',
  'Demo Hills Hospital',
];
const WARDS = ['internal medicine', 'surgery', 'intensive care', 'paediatrics', 'maternity', 'psychiatry'];
const SPECIALTIES = [
  'cardiology',
  'dermatology',
  'ear, nose and throat',
  'gynaecology',
  'neurology',
  'ophthalmology',
  'orthopaedics',
  'psychiatry',
];
const SUBSTANCES = [
  'paracetamol',
  'ibuprofen',
  'amoxicillin',
  'metformin',
  'atorvastatin',
  'omeprazole',
  'ramipril',
  'salbutamol',
  'sertraline',
  'levothyroxine',
  'amlodipine',
  'bisoprolol',
  'cetirizine',
  'diclofenac',
  'prednisolone',
];
const FORMS = [
  'tablet',
  'film-coated tablet',
  'capsule',
  'oral solution',
  'inhaler',
  'cream',
  'solution for injection',
];
const STATIONS = [
  'Exampleton Centre',
  'Exampleton Harbour',
  'Sampleford',
  'Draftwick Industrial',
  'Lorem Lake Background',
];
const DISTRICTS = ['Old Town', 'Harbour', 'Hillside', 'Northgate', 'Riverside', 'Westfield'];
const BUDGET_AREAS = [
  'education',
  'social care',
  'transport',
  'housing',
  'culture and sport',
  'public order',
  'environment',
  'health',
  'administration',
  'economic development',
];
const TAXES = [
  'personal income tax',
  'social tax',
  'value added tax',
  'corporate income tax',
  'excise duties',
  'land tax',
];
const COUNTRIES = ['FI', 'LV', 'SE', 'DE'];
const CN_CHAPTERS = ['27', '44', '85'];
const PROVIDERS = [
  ['population-register', 'housing-agency'],
  ['tax-agency', 'exampleton-social'],
] as const;

export const OPEN_DATA_GENERATORS: Record<string, Generate> = {
  'residents-by-municipality': (f) =>
    years(2015).flatMap((year) =>
      MUNICIPALITIES.map((m) => {
        const total = near(f, residentsOf(m, year), 0.01);
        const female = Math.round(total * near(f, 0.525, 0.01));
        return record(`${year}/${m.name}`, {
          municipality: m.name,
          year,
          female,
          male: Math.round(total) - female,
        });
      }),
    ),

  'residents-by-age': (f) =>
    years(2015).flatMap((year) =>
      Array.from({ length: 18 }, (_, g) => {
        const label = g === 17 ? '85+' : `${g * 5}-${g * 5 + 4}`;
        // Fewer people in each older group, more so past 60; the young groups shrink slowly over the years.
        const shape = g < 12 ? 1 - g * 0.01 - (g < 4 ? (year - 2015) * 0.006 : 0) : 0.9 - (g - 11) * 0.13;
        return record(`${year}/${pad(g * 5)}`, {
          year,
          age_group: label,
          residents: Math.round(near(f, 80_000 * Math.max(shape, 0.1), 0.02)),
        });
      }),
    ),

  'births-and-deaths': (f) =>
    months(2018).flatMap((month) =>
      MUNICIPALITIES.map((m) => {
        const people = residentsOf(m, Number(month.slice(0, 4)));
        const winter = ['12', '01', '02'].includes(month.slice(5)) ? 1.12 : 1;
        return record(`${month}/${m.name}`, {
          municipality: m.name,
          month,
          births: Math.round(near(f, (people * 0.0095) / 12, 0.15)),
          deaths: Math.round(near(f, ((people * 0.0115) / 12) * winter, 0.15)),
        });
      }),
    ),

  migration: (f) =>
    quarters(2018).map((quarter) =>
      record(quarter, {
        quarter,
        immigrants: Math.round(near(f, 4_200, 0.25)),
        emigrants: Math.round(near(f, 3_100, 0.25)),
      }),
    ),

  'household-sizes': (f) =>
    years(2020).flatMap((year) =>
      MUNICIPALITIES.flatMap((m) => {
        const households = residentsOf(m, year) / 2.1;
        return [0.38, 0.3, 0.15, 0.11, 0.06].map((share, i) =>
          record(`${year}/${m.name}/${i + 1}`, {
            municipality: m.name,
            year,
            members: i + 1,
            households: Math.round(near(f, households * share, 0.04)),
          }),
        );
      }),
    ),

  'popular-names': (f) => {
    const names = distinct(
      40,
      (n) => n,
      () => f.helpers.arrayElement(FIRST_NAMES),
    );
    return years(2010).flatMap((year) =>
      f.helpers
        .arrayElements(names, 20)
        .map((name, rank) =>
          record(`${year}/${name}`, { year, name, count: Math.round(near(f, 260 - rank * 10, 0.1)) }),
        ),
    );
  },

  municipalities: (f) => {
    const counties = ['North', 'South', 'East', 'West'];
    return MUNICIPALITIES.map((m, i) =>
      record(m.postcode, {
        code: m.postcode,
        name: m.name,
        county: `${counties[i % counties.length]} County`,
        area_km2: round(f.number.float({ min: 120, max: 2400 }), 1),
      }),
    );
  },

  postcodes: (f) =>
    MUNICIPALITIES.flatMap((m) =>
      Array.from({ length: Math.max(8, m.weight * 3) }, (_, i) => {
        const postcode = `${m.postcode}${pad(i + 1, 3)}`;
        return record(postcode, {
          postcode,
          municipality: m.name,
          streets: f.number.int({ min: 3, max: 60 }),
        });
      }),
    ),

  streets: (f) =>
    distinct(
      800,
      (r) => r.key,
      () => {
        const m = municipality(f);
        const street = streetName(f);
        return record(`${m.name}/${street}`, {
          street,
          municipality: m.name,
          named_on: dayBetween(f, '1890-01-01', '2025-12-31'),
        });
      },
    ),

  buildings: (f) =>
    Array.from({ length: 800 }, (_, i) => {
      const m = municipality(f);
      const use = f.helpers.weightedArrayElement([
        { weight: 70, value: 'housing' },
        { weight: 12, value: 'office' },
        { weight: 10, value: 'industry' },
        { weight: 8, value: 'public' },
      ]);
      const building_id = `B${pad(i + 1, 6)}`;
      return record(building_id, {
        building_id,
        use,
        built: f.number.int({ min: 1880, max: 2025 }),
        floors: use === 'housing' ? f.number.int({ min: 1, max: 9 }) : f.number.int({ min: 1, max: 5 }),
        coordinates: place(f, m),
      });
    }),

  'place-names': (f) =>
    distinct(
      400,
      (r) => r.key,
      () => {
        const kind = f.helpers.arrayElement(['village', 'lake', 'river', 'hill', 'bog', 'island', 'bay']);
        const stem = f.helpers.arrayElement(TOWN_NAMES);
        const name =
          kind === 'village'
            ? stem
            : kind === 'lake'
              ? `Lake ${stem}`
              : `${stem} ${kind[0]!.toUpperCase()}${kind.slice(1)}`;
        const m = municipality(f);
        return record(`${m.name}/${name}`, { name, kind, municipality: m.name });
      },
    ),

  'land-parcels': (f) =>
    Array.from({ length: 800 }, (_, i) => {
      const m = municipality(f);
      const parcel_id = `${m.postcode}${pad(i % 100, 3)}:${pad(Math.floor(i / 100) + 1, 3)}:${pad(i + 1, 4)}`;
      const land_use = f.helpers.weightedArrayElement([
        { weight: 40, value: 'residential' },
        { weight: 25, value: 'agricultural' },
        { weight: 20, value: 'forest' },
        { weight: 8, value: 'commercial' },
        { weight: 4, value: 'industrial' },
        { weight: 3, value: 'public' },
      ]);
      const area =
        land_use === 'residential'
          ? f.number.float({ min: 300, max: 3000 })
          : f.number.float({ min: 2000, max: 250_000 });
      return record(parcel_id, { parcel_id, area_m2: round(area, 1), land_use });
    }),

  'new-companies': (f) =>
    Array.from({ length: 600 }, (_, i) => {
      const registry_code = registryCodeAt(2_000_000 + i);
      return record(registry_code, {
        registry_code,
        name: companyName(f),
        legal_form: f.helpers.arrayElement(LEGAL_FORMS),
        activity_code: f.helpers.arrayElement(NACE_CLASSES),
        registered_on: dayBetween(f, '2019-01-01', '2026-09-30'),
      });
    }),

  'companies-by-activity': (f) =>
    quarters(2019).flatMap((quarter) =>
      MUNICIPALITIES.flatMap((m) =>
        NACE_SECTIONS.map((section, s) =>
          record(`${quarter}/${m.name}/${section}`, {
            municipality: m.name,
            nace_section: section,
            companies: Math.round(near(f, m.weight * (90 - s * 8), 0.05)),
          }),
        ),
      ),
    ),

  liquidations: (f) =>
    Array.from({ length: 300 }, (_, i) => {
      const registry_code = registryCodeAt(3_000_000 + i);
      return record(registry_code, {
        registry_code,
        name: companyName(f),
        since: dayBetween(f, '2019-01-01', '2026-09-30'),
      });
    }),

  'non-profits': (f) =>
    Array.from({ length: 400 }, (_, i) => {
      const registry_code = registryCodeAt(4_000_000 + i);
      const town = municipality(f).name;
      const [kind, purpose] = f.helpers.arrayElement([
        ['Sports Club', 'amateur sport for all ages'],
        ['Choir', 'choral singing'],
        ['Neighbourhood Association', 'a better neighbourhood'],
        ['Animal Shelter', 'care for homeless animals'],
        ['Heritage Society', 'local history and heritage'],
        ['Parents’ Association', 'support for the local school'],
        ['Volunteer Fire Brigade', 'fire and rescue volunteering'],
        ['Nature Club', 'nature conservation'],
      ] as const);
      return record(registry_code, { registry_code, name: `${town} ${kind} ${i + 1}`, purpose });
    }),

  'annual-report-figures': (f) =>
    Array.from({ length: 100 }, (_, c) => {
      const registry_code = registryCodeAt(c);
      const size = f.number.float({ min: 0.05, max: 40 });
      return { registry_code, size };
    }).flatMap(({ registry_code, size }) =>
      years(2018, 2025).map((year) =>
        record(`${registry_code}/${year}`, {
          registry_code,
          year,
          turnover: round(near(f, size * 1_000_000 * (1 + (year - 2018) * 0.04), 0.2), 2),
          employees: Math.max(1, Math.round(near(f, size * 9, 0.1))),
        }),
      ),
    ),

  'tax-revenue': (f) =>
    months(2015).flatMap((month) =>
      TAXES.map((tax, t) =>
        record(`${month}/${tax}`, {
          month,
          tax,
          collected: round(
            near(
              f,
              [210, 360, 330, 60, 95, 7][t]! * 1_000_000 * (1 + (Number(month.slice(0, 4)) - 2015) * 0.05),
              0.08,
            ),
            2,
          ),
        }),
      ),
    ),

  'taxes-paid-by-companies': (f) =>
    Array.from({ length: 25 }, (_, c) => ({
      registry_code: registryCodeAt(c),
      size: f.number.float({ min: 0.2, max: 30 }),
    })).flatMap(({ registry_code, size }) =>
      quarters(2017).map((quarter) =>
        record(`${registry_code}/${quarter}`, {
          registry_code,
          quarter,
          state_taxes: round(near(f, size * 60_000, 0.15), 2),
          employees: Math.max(1, Math.round(near(f, size * 9, 0.05))),
        }),
      ),
    ),

  'average-wages': (f) =>
    quarters(2017).flatMap((quarter) =>
      MUNICIPALITIES.map((m) => {
        const year = Number(quarter.slice(0, 4));
        return record(`${quarter}/${m.name}`, {
          municipality: m.name,
          quarter,
          average_wage: round(near(f, (1_250 + m.weight * 12) * 1.065 ** (year - 2017), 0.03), 2),
        });
      }),
    ),

  'customs-trade': (f) =>
    months(2016).flatMap((month) =>
      COUNTRIES.flatMap((country, c) =>
        CN_CHAPTERS.map((chapter) =>
          record(`${month}/${country}/${chapter}`, {
            month,
            country,
            chapter,
            imports: round(near(f, (60 - c * 8) * 1_000_000 * (chapter === '27' ? 1.6 : 1), 0.2), 2),
            exports: round(near(f, (55 - c * 7) * 1_000_000 * (chapter === '44' ? 1.4 : 1), 0.2), 2),
          }),
        ),
      ),
    ),

  'excise-licences': (f) =>
    Array.from({ length: 300 }, (_, i) => {
      const kind = f.helpers.weightedArrayElement([
        { weight: 6, value: 'alcohol' },
        { weight: 3, value: 'tobacco' },
        { weight: 1, value: 'fuel' },
      ]);
      const licence = `${kind.slice(0, 3).toUpperCase()}-${pad(i + 1, 5)}`;
      return record(licence, { licence, holder: companyName(f), kind });
    }),

  'hospital-beds': (f) =>
    HOSPITALS.flatMap((hospital, h) =>
      WARDS.map((ward) => {
        const beds = Math.round(
          near(f, (h === 0 || h === 2 ? 120 : 45) * (ward === 'intensive care' ? 0.25 : 1), 0.2),
        );
        return record(`${hospital}/${ward}`, {
          hospital,
          ward,
          beds,
          occupied: Math.min(beds, Math.round(beds * f.number.float({ min: 0.6, max: 0.98 }))),
        });
      }),
    ),

  'vaccination-coverage': (f) =>
    years(2015).flatMap((year) =>
      MUNICIPALITIES.flatMap((m) =>
        ['measles, mumps and rubella', 'diphtheria, tetanus and pertussis', 'polio', 'influenza (65+)'].map(
          (vaccine) =>
            record(`${year}/${m.name}/${vaccine}`, {
              municipality: m.name,
              year,
              vaccine,
              coverage: round(
                Math.min(0.99, near(f, vaccine.startsWith('influenza') ? 0.35 : 0.92, 0.04)),
                3,
              ),
            }),
        ),
      ),
    ),

  pharmacies: (f) =>
    Array.from({ length: 150 }, (_, i) => {
      const town = municipality(f).name;
      return record(`P${pad(i + 1, 4)}`, {
        name: `${f.helpers.arrayElement(['Apothecary', 'Pharmacy', 'Health Pharmacy', 'Family Pharmacy'])} ${town} ${i + 1}`,
        address_id: addressIdAt(i * 37),
        opening_hours: f.helpers.arrayElement([
          'Mo-Fr 09:00-18:00',
          'Mo-Fr 08:00-20:00; Sa 10:00-16:00',
          'Mo-Su 08:00-22:00',
          '24/7',
        ]),
      });
    }),

  'waiting-times': (f) =>
    months(2019).flatMap((month) =>
      SPECIALTIES.map((specialty, s) =>
        record(`${month}/${specialty}`, {
          month,
          specialty,
          median_days: Math.round(near(f, 18 + s * 6, 0.3)),
        }),
      ),
    ),

  'medicines-register': (f) =>
    distinct(
      500,
      (r) => r.key,
      () => {
        const substance = f.helpers.arrayElement(SUBSTANCES);
        const form = f.helpers.arrayElement(FORMS);
        const strength = `${f.helpers.arrayElement([1, 2.5, 5, 10, 20, 40, 100, 200, 250, 400, 500])} mg`;
        const name = `${f.word.noun({ length: { min: 4, max: 8 } }).replace(/^./, (c) => c.toUpperCase())}-${substance.slice(0, 4)}`;
        return record(`${name}/${form}/${strength}`, { name, substance, form, strength });
      },
    ),

  'air-quality': (f) => {
    const end = Date.parse(`${LAST_YEAR}-${pad(LAST_MONTH)}-30T23:00:00Z`);
    const hours = Array.from({ length: 7 * 24 }, (_, i) => new Date(end - (7 * 24 - 1 - i) * 3_600_000));
    return hours.flatMap((at) =>
      STATIONS.map((station, s) => {
        const rush = [7, 8, 9, 16, 17, 18].includes(at.getUTCHours()) ? 1.6 : 1;
        const hour = at.toISOString().replace('.000Z', 'Z');
        return record(`${hour}/${station}`, {
          station,
          hour,
          pm25: round(near(f, (s === 4 ? 4 : 9) * rush, 0.4), 1),
          no2: round(near(f, (s === 4 ? 3 : 18) * rush, 0.4), 1),
          o3: round(near(f, 55 - (rush - 1) * 20, 0.3), 1),
        });
      }),
    );
  },

  'rental-housing': (f) =>
    Array.from({ length: 300 }, (_, i) => {
      const rooms = f.number.int({ min: 1, max: 4 });
      const area = round(near(f, 18 + rooms * 17, 0.2), 1);
      const flat = `F${pad(i + 1, 4)}`;
      return record(flat, {
        flat,
        rooms,
        area_m2: area,
        rent: round(area * near(f, 6.5, 0.15), 2),
        free: f.datatype.boolean({ probability: 0.08 }),
      });
    }),

  'housing-benefit-statistics': (f) =>
    months(2020).flatMap((month) =>
      MUNICIPALITIES.map((m) => {
        const households = Math.round(near(f, residentsOf(m, Number(month.slice(0, 4))) * 0.006, 0.1));
        return record(`${month}/${m.name}`, {
          municipality: m.name,
          month,
          households,
          paid: round(households * near(f, 180, 0.1), 2),
        });
      }),
    ),

  'rent-prices': (f) =>
    quarters(2019).flatMap((quarter) =>
      MUNICIPALITIES.flatMap((m) =>
        [1, 2, 3].map((rooms) =>
          record(`${quarter}/${m.name}/${rooms}`, {
            municipality: m.name,
            quarter,
            rooms,
            rent_per_m2: round(
              near(
                f,
                (5 + m.weight * 0.2) * 1.04 ** (Number(quarter.slice(0, 4)) - 2019) * (1.15 - rooms * 0.05),
                0.05,
              ),
              2,
            ),
          }),
        ),
      ),
    ),

  'building-permits': (f) =>
    months(2018).flatMap((month) =>
      MUNICIPALITIES.map((m) =>
        record(`${month}/${m.name}`, {
          municipality: m.name,
          month,
          dwellings: Math.max(0, Math.round(near(f, m.weight * 4, 0.6))),
        }),
      ),
    ),

  'energy-certificates': (f) =>
    Array.from({ length: 600 }, (_, i) => {
      const building_id = `B${pad(i + 1, 6)}`;
      return record(building_id, {
        building_id,
        class: f.helpers.weightedArrayElement(
          ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((value, c) => ({
            value,
            weight: [4, 10, 20, 25, 18, 11, 7, 5][c]!,
          })),
        ),
        issued_on: dayBetween(f, '2017-01-01', '2026-09-30'),
      });
    }),

  'care-homes': (f) =>
    Array.from({ length: 40 }, (_, i) => {
      const places = f.number.int({ min: 20, max: 160 });
      return record(`C${pad(i + 1, 3)}`, {
        name: `${f.helpers.arrayElement(DISTRICTS)} ${f.helpers.arrayElement(['Care Home', 'Senior Home', 'Nursing Home'])} ${i + 1}`,
        places,
        free_places: f.number.int({ min: 0, max: Math.round(places * 0.1) }),
        fee: round(near(f, 1_450, 0.2), 2),
      });
    }),

  'social-assistance-statistics': (f) =>
    months(2019).flatMap((month) =>
      DISTRICTS.map((district) => {
        const applications = Math.round(near(f, 210, 0.3));
        return record(`${month}/${district}`, {
          district,
          month,
          applications,
          granted: Math.round(applications * near(f, 0.78, 0.08)),
        });
      }),
    ),

  kindergartens: (f) =>
    Array.from({ length: 60 }, (_, i) =>
      record(`K${pad(i + 1, 3)}`, {
        name: `${f.helpers.arrayElement(DISTRICTS)} ${f.helpers.arrayElement(['Kindergarten', 'Nursery', 'Day Care'])} ${i + 1}`,
        places: f.number.int({ min: 40, max: 220 }),
        waiting: f.number.int({ min: 0, max: 35 }),
      }),
    ),

  schools: (f) =>
    Array.from({ length: 30 }, (_, s) => ({
      school: `${f.helpers.arrayElement(DISTRICTS)} ${f.helpers.arrayElement(['School', 'Gymnasium', 'Basic School'])} ${s + 1}`,
      size: f.number.int({ min: 180, max: 1200 }),
    })).flatMap(({ school, size }) =>
      years(2015).map((year) => {
        const pupils = Math.round(near(f, size, 0.05));
        return record(`${school}/${year}`, {
          school,
          year,
          pupils,
          teachers: Math.round(pupils / near(f, 13, 0.1)),
        });
      }),
    ),

  'public-transport-stops': (f) =>
    distinct(
      400,
      (r) => r.key,
      () => {
        const stop = streetName(f).replace(/ \w+$/, '');
        const lines = f.helpers
          .arrayElements(
            Array.from({ length: 40 }, (_, l) => String(l + 1)),
            { min: 1, max: 4 },
          )
          .sort((a, b) => Number(a) - Number(b))
          .join(', ');
        return record(stop, { stop, lines, coordinates: place(f, MUNICIPALITIES[0], 0.05) });
      },
    ),

  'city-budget': (f) =>
    quarters(2018).flatMap((quarter) =>
      BUDGET_AREAS.map((area, a) => {
        const budget = round(near(f, (60 - a * 5) * 1_000_000, 0.05), 2);
        return record(`${quarter}/${area}`, {
          quarter,
          area,
          budget,
          spent: round(budget * near(f, 0.93, 0.06), 2),
        });
      }),
    ),

  'exchange-statistics': (f) => {
    const days: string[] = [];
    for (
      let at = Date.parse('2024-01-01T00:00:00Z');
      at <= Date.parse('2026-09-30T00:00:00Z');
      at += 86_400_000
    ) {
      days.push(new Date(at).toISOString().slice(0, 10));
    }
    return days.flatMap((day) => {
      const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
      return PROVIDERS.map(([provider, consumer], p) =>
        record(`${day}/${provider}/${consumer}`, {
          day,
          provider,
          consumer,
          calls: Math.round(near(f, (4_000 - p * 1_100) * (weekend ? 0.2 : 1), 0.15)),
        }),
      );
    });
  },

  'e-services': (f) =>
    [
      ['Apply for housing benefit', 'housing-agency'],
      ['Register a change of address', 'population-register'],
      ['Register a birth', 'population-register'],
      ['File an income tax return', 'tax-agency'],
      ['Register a company', 'business-register'],
      ['File an annual report', 'business-register'],
      ['Declare goods at customs', 'tax-agency'],
      ['Book a doctor’s appointment', 'health-ministry'],
      ['View my prescriptions', 'health-ministry'],
      ['Apply for a kindergarten place', 'exampleton-social'],
      ['Apply for social assistance', 'exampleton-social'],
      ['See who used my data', 'digital-agency'],
      ['Give or withdraw consent', 'digital-agency'],
      ['Report a data breach', 'data-protection-authority'],
      ['Lodge a data protection complaint', 'data-protection-authority'],
      ['Apply for a building permit', 'housing-agency'],
    ].map(([service, owner], i) =>
      record(`S${pad(i + 1, 3)}`, {
        service,
        owner,
        uses: Math.round(near(f, 400_000 / (i + 2), 0.3)),
      }),
    ),

  'broadband-coverage': (f) =>
    years(2019).flatMap((year) =>
      MUNICIPALITIES.map((m) =>
        record(`${year}/${m.name}`, {
          municipality: m.name,
          year,
          coverage: round(Math.min(0.995, near(f, 0.62 + m.weight * 0.008 + (year - 2019) * 0.035, 0.03)), 3),
        }),
      ),
    ),

  'data-sharing-agreements': (f) =>
    Array.from({ length: 60 }, (_, i) => {
      const [provider, dataset] = f.helpers.arrayElement([
        ['population-register', 'population'],
        ['address-register', 'addresses'],
        ['business-register', 'businesses'],
        ['tax-agency', 'income'],
        ['health-ministry', 'prescriptions'],
      ] as const);
      return record(`A${pad(i + 1, 4)}`, {
        provider,
        consumer: f.helpers.arrayElement(
          ['housing-agency', 'exampleton-social', 'tax-agency', 'digital-agency', 'health-ministry'].filter(
            (c) => c !== provider,
          ),
        ),
        dataset,
        purpose: f.helpers.arrayElement([
          'housing-benefit-eligibility',
          'social-assistance',
          'tax-assessment',
          'statistics',
          'public-health-monitoring',
        ]),
      });
    }),

  'breach-notifications': (f) =>
    quarters(2019).flatMap((quarter) =>
      ['public sector', 'health', 'finance', 'retail', 'telecoms', 'education'].flatMap((sector) =>
        ['human error', 'cyber attack', 'lost device', 'system fault'].map((cause, c) =>
          record(`${quarter}/${sector}/${cause}`, {
            quarter,
            sector,
            cause,
            notifications: Math.max(0, Math.round(near(f, [9, 6, 2, 3][c]!, 0.7))),
          }),
        ),
      ),
    ),

  complaints: (f) =>
    quarters(2019).flatMap((quarter) =>
      ['access', 'rectification', 'erasure', 'objection', 'data portability', 'automated decisions'].map(
        (right, r) => {
          const received = Math.round(near(f, 60 / (r + 1), 0.4));
          return record(`${quarter}/${right}`, {
            quarter,
            right,
            received,
            decided: Math.round(received * near(f, 0.85, 0.1)),
          });
        },
      ),
    ),

  fines: (f) =>
    Array.from({ length: 80 }, (_, i) => {
      const decided_on = dayBetween(f, '2019-01-01', '2026-09-30');
      return record(`${decided_on}/${pad(i + 1, 3)}`, {
        decided_on,
        organization: companyName(f),
        amount: round(f.number.float({ min: 500, max: 400_000 }), 2),
        provision: f.helpers.arrayElement([
          'GDPR Art. 5(1)(f)',
          'GDPR Art. 6',
          'GDPR Art. 12',
          'GDPR Art. 15',
          'GDPR Art. 32',
          'GDPR Art. 33',
        ]),
      });
    }),

  'exchange-audits': (f) =>
    years(2024).flatMap((year) =>
      [
        'population-register',
        'address-register',
        'business-register',
        'tax-agency',
        'health-ministry',
        'housing-agency',
        'exampleton-social',
        'digital-agency',
      ].map((organization) =>
        record(`${year}/${organization}`, { year, organization, findings: f.number.int({ min: 0, max: 6 }) }),
      ),
    ),
};

/** The records of one open dataset; empty for a dataset without a generator. */
export function openDataRecords(slug: string): Array<HostedRecord<Row>> {
  const generate = OPEN_DATA_GENERATORS[slug];
  if (!generate) return [];
  faker.seed([DEMO_SEED, seedOf(`open-data/${slug}`)]);
  return generate(faker);
}

/** Raise when a generator changes, so that records written by an older one are redone. */
const OPEN_DATA_VERSION = 1;
const OPEN_DATA_MARK = 'demo.open-data';

/**
 * Writes the records of the open datasets (dataset ids by slug), as seedRegisters writes the
 * registers: skipped when marked complete for this generator with the count of records found;
 * otherwise their records are deleted and written again, one dataset per transaction, and marked
 * complete after the last one. Returns how many records were written (0 when skipped).
 */
export async function seedOpenDataRecords(
  db: Kysely<Database>,
  datasetIds: Map<string, string>,
): Promise<number> {
  const ids = [...datasetIds.values()];
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', OPEN_DATA_MARK)
    .executeTakeFirst();
  const mark = row ? (JSON.parse(row.value) as { version: number; records: number }) : undefined;
  if (mark?.version === OPEN_DATA_VERSION) {
    const counted = await db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('dataset_id', 'in', ids)
      .executeTakeFirstOrThrow();
    if (Number(counted.n) === mark.records) return 0;
  }
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('settings').where('key', '=', OPEN_DATA_MARK).execute();
    for (const id of ids) await deleteRecords(tx, id);
  });
  let records = 0;
  for (const [slug, id] of datasetIds) {
    const rows = openDataRecords(slug);
    await putRecords(db, id, rows);
    records += rows.length;
  }
  const value = JSON.stringify({ version: OPEN_DATA_VERSION, records });
  await db
    .insertInto('settings')
    .values({ key: OPEN_DATA_MARK, value, updated_at: now() })
    .onConflict((c) => c.column('key').doUpdateSet({ value, updated_at: now() }))
    .execute();
  return records;
}
