/**
 * The demo's provider APIs: what the Tax and Customs Board and the Ministry of Health run on their
 * own side, and govdx's proxied services forward to. A separate Fastify instance, as a provider's
 * system would be. Answers are derived from the national ID (a faker seeded with its hash), so they
 * are the same on every run without a database; IDs outside the demo population get 404.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest } from 'fastify';
import { createRemoteJWKSet } from 'jose';
import { type Static, type TSchema, Type } from 'typebox';
import { defaults } from '../config/index.ts';
import { RequestVerifier, type VerifiedRequest } from '../exchange/index.ts';
import {
  businessIdentityAt,
  LARGE_EMPLOYERS,
  MUNICIPALITIES,
  personIndexOf,
  REFERENCE_YEAR,
  STREAM,
  seeded,
  seedOf,
} from './population.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = Type.String({ format: 'date' });

export const IncomeRecord = Type.Object({
  national_id: Type.String(),
  year: Type.Integer(),
  employment_status: Type.Enum(['employed', 'self-employed', 'unemployed', 'retired', 'student']),
  employer: Nullable(Type.Object({ registry_code: Type.String(), name: Type.String() })),
  taxable_income: Type.Number(),
  income_tax_withheld: Type.Number(),
  social_tax_paid: Type.Number(),
  benefits_received: Type.Number(),
  currency: Type.Literal('EUR'),
});
export type IncomeRecord = Static<typeof IncomeRecord>;

export const HealthRecord = Type.Object({
  national_id: Type.String(),
  disability_status: Type.Enum(['none', 'moderate', 'severe', 'profound']),
  disability_assessed_on: Nullable(Day),
  chronic_conditions: Type.Array(
    Type.Object({
      code: Type.String({ description: 'ICD-10 category' }),
      label: Type.String(),
      since: Day,
    }),
  ),
  care_level: Type.Integer({ minimum: 0, maximum: 4 }),
  general_practitioner: Type.Object({ name: Type.String(), practice: Type.String() }),
});
export type HealthRecord = Static<typeof HealthRecord>;

const cents = (value: number) => Math.round(value * 100) / 100;

/** True when the national ID belongs to one of the first `population` demo persons. */
function isResident(nationalId: string, population: number): boolean {
  const index = personIndexOf(nationalId);
  return index !== undefined && index < population;
}

/** The Tax and Customs Board's record of a resident's income in the last tax year, or undefined. */
export function incomeOf(nationalId: string, population: number): IncomeRecord | undefined {
  if (!isResident(nationalId, population)) return undefined;
  const f = seeded(STREAM.income, seedOf(nationalId));
  const status = f.helpers.weightedArrayElement([
    { weight: 62, value: 'employed' as const },
    { weight: 8, value: 'self-employed' as const },
    { weight: 6, value: 'unemployed' as const },
    { weight: 18, value: 'retired' as const },
    { weight: 6, value: 'student' as const },
  ]);
  const range = {
    employed: [9_000, 85_000],
    'self-employed': [4_000, 120_000],
    unemployed: [0, 4_000],
    retired: [6_000, 16_000],
    student: [0, 8_000],
  }[status];
  const taxable = cents(f.number.float({ min: range[0]!, max: range[1]! }));
  const employer =
    status === 'employed' ? businessIdentityAt(f.number.int({ min: 0, max: LARGE_EMPLOYERS - 1 })) : null;
  const benefits =
    status === 'unemployed'
      ? f.number.int({ min: 1_000, max: 6_000 })
      : f.number.float({ min: 0, max: 1 }) < 0.2
        ? f.number.int({ min: 200, max: 2_400 })
        : 0;
  const TAX_FREE_ALLOWANCE = 7_848;
  return {
    national_id: nationalId,
    year: REFERENCE_YEAR - 1,
    employment_status: status,
    employer: employer ? { registry_code: employer.registry_code, name: employer.name } : null,
    taxable_income: taxable,
    income_tax_withheld: cents(Math.max(0, taxable - TAX_FREE_ALLOWANCE) * 0.22),
    social_tax_paid: status === 'employed' || status === 'self-employed' ? cents(taxable * 0.33) : 0,
    benefits_received: benefits,
    currency: 'EUR',
  };
}

const CONDITIONS = [
  ['E11', 'Type 2 diabetes mellitus'],
  ['I10', 'Essential (primary) hypertension'],
  ['J45', 'Asthma'],
  ['M05', 'Rheumatoid arthritis'],
  ['G35', 'Multiple sclerosis'],
  ['F33', 'Recurrent depressive disorder'],
  ['I50', 'Heart failure'],
  ['N18', 'Chronic kidney disease'],
  ['G40', 'Epilepsy'],
  ['J44', 'Chronic obstructive pulmonary disease'],
] as const;

function dateIn(f: ReturnType<typeof seeded>, fromYear: number, toYear: number): string {
  const day = Date.UTC(f.number.int({ min: fromYear, max: toYear }), 0, 1);
  return new Date(day + f.number.int({ min: 0, max: 364 }) * 86_400_000).toISOString().slice(0, 10);
}

/** The Ministry of Health's record of a resident's disability and care needs, or undefined. */
export function healthOf(nationalId: string, population: number): HealthRecord | undefined {
  if (!isResident(nationalId, population)) return undefined;
  const f = seeded(STREAM.health, seedOf(nationalId));
  const status = f.helpers.weightedArrayElement([
    { weight: 85, value: 'none' as const },
    { weight: 9, value: 'moderate' as const },
    { weight: 5, value: 'severe' as const },
    { weight: 1, value: 'profound' as const },
  ]);
  const careLevel = {
    none: 0,
    moderate: f.number.int({ min: 1, max: 2 }),
    severe: f.number.int({ min: 2, max: 3 }),
    profound: 4,
  }[status];
  const conditionCount = f.helpers.weightedArrayElement([
    { weight: 70, value: 0 },
    { weight: 20, value: 1 },
    { weight: 8, value: 2 },
    { weight: 2, value: 3 },
  ]);
  const conditions = f.helpers
    .arrayElements(CONDITIONS, conditionCount)
    .map(([code, label]) => ({ code, label, since: dateIn(f, 2000, REFERENCE_YEAR - 1) }));
  const municipality = f.helpers.arrayElement(MUNICIPALITIES).name;
  return {
    national_id: nationalId,
    disability_status: status,
    disability_assessed_on: status === 'none' ? null : dateIn(f, 2015, REFERENCE_YEAR - 1),
    chronic_conditions: conditions,
    care_level: careLevel,
    general_practitioner: {
      name: `Dr ${f.person.firstName()} ${f.person.lastName()}`,
      practice: `${municipality} Family Health Centre`,
    },
  };
}

const NationalIdParams = Type.Object({ nationalId: Type.String({ minLength: 1, maxLength: 32 }) });
const NotFound = Type.Object({
  error: Type.Object({ code: Type.Literal('NOT_FOUND'), message: Type.String() }),
});

export interface DemoProviders {
  /** Base address, e.g. http://127.0.0.1:8081; the APIs are at /income/{nationalId} and /health/{nationalId}. */
  url: string;
  close(): Promise<void>;
}

/** The services (`<provider>/<service>` on the exchange) the demo APIs answer, by path prefix. */
export const DEMO_PROVIDER_SERVICES = {
  '/income/': 'tax-agency/income',
  '/health/': 'health-ministry/disability-and-care',
};

export interface DemoProvidersOptions {
  host: string;
  port: number;
  /** Residents the providers know: the first `population` demo persons. Defaults to the demo default. */
  population?: number;
  /**
   * The exchange whose signed requests the APIs accept: every request must carry its assertion
   * (`Authorization: Bearer`), made for this service, this URL and this resident. Unset: open APIs.
   */
  exchange?: { issuer: string; jwksUrl: string };
}

const refusal = (code: string, message: string) => ({ error: { code, message } });

export async function startDemoProviders(options: DemoProvidersOptions): Promise<DemoProviders> {
  const population = options.population ?? defaults().demoPopulation;
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  const notFound = (who: string, nationalId: string) => ({
    error: { code: 'NOT_FOUND' as const, message: `${who} has no record of a resident "${nationalId}".` },
  });

  if (options.exchange) {
    // What a provider does with the exchange's signed request: verify it, then answer only for the person it names.
    const exchange = options.exchange;
    // Either form of assertion (per request, or batch); a batch's root signature is checked once.
    const verifier = new RequestVerifier(createRemoteJWKSet(new URL(exchange.jwksUrl)));
    app.decorateRequest('exchangeRequest', null);
    app.addHook(
      'preHandler',
      async (request: FastifyRequest & { exchangeRequest?: VerifiedRequest }, reply) => {
        const prefix = Object.keys(DEMO_PROVIDER_SERVICES).find((p) => request.url.startsWith(p));
        const service = prefix ? DEMO_PROVIDER_SERVICES[prefix as keyof typeof DEMO_PROVIDER_SERVICES] : '';
        const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (!token) {
          return reply
            .code(401)
            .send(
              refusal('UNAUTHENTICATED', 'Requests come through the exchange, with its signed assertion.'),
            );
        }
        let verified: VerifiedRequest;
        try {
          verified = await verifier.verify(token, {
            issuer: exchange.issuer,
            service,
            method: request.method,
            url: `http://${request.headers.host}${request.url}`,
          });
        } catch (error) {
          return reply
            .code(401)
            .send(
              refusal(
                'TOKEN_INVALID',
                `The exchange's assertion does not verify: ${(error as Error).message}`,
              ),
            );
        }
        const nationalId = (request.params as { nationalId?: string }).nationalId;
        if (verified.subject !== nationalId) {
          return reply
            .code(403)
            .send(refusal('FORBIDDEN', 'The request is not about the person the exchange named.'));
        }
        request.exchangeRequest = verified;
      },
    );
  }

  app.get(
    '/income/:nationalId',
    { schema: { params: NationalIdParams, response: { 200: IncomeRecord, 404: NotFound } } },
    async (request, reply) => {
      const record = incomeOf(request.params.nationalId, population);
      return record ?? reply.code(404).send(notFound('The Tax and Customs Board', request.params.nationalId));
    },
  );
  app.get(
    '/health/:nationalId',
    { schema: { params: NationalIdParams, response: { 200: HealthRecord, 404: NotFound } } },
    async (request, reply) => {
      const record = healthOf(request.params.nationalId, population);
      return record ?? reply.code(404).send(notFound('The Ministry of Health', request.params.nationalId));
    },
  );

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  // A wildcard listen address is not one a client can call; loopback reaches it from this machine.
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, close: () => app.close() };
}
