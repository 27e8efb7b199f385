/** API shapes of the exchange's usage statistics (usage-daily.ts), for its routes and the web app. */
import { Type } from 'typebox';
import { Nullable, Slug } from '../domain/index.ts';

const Day = (description = 'A day (UTC), YYYY-MM-DD') => Type.String({ format: 'date', description });

export const UsageFormat = Type.Union([Type.Literal('json'), Type.Literal('csv')], {
  description: 'csv: the days as CSV (RFC 4180); `Accept: text/csv` does the same',
});

const range = {
  from: Type.Optional(Day('First day (UTC), inclusive; 29 days before `to` by default')),
  to: Type.Optional(Day('Last day (UTC), inclusive; today by default')),
  format: Type.Optional(UsageFormat),
};

/** A service's usage, for its provider. */
export const ServiceUsageQuery = Type.Object(
  { ...range, consumer: Type.Optional(Slug) },
  { additionalProperties: false },
);
/** An organization's own calls, as consumer. */
export const OwnUsageQuery = Type.Object(
  { ...range, provider: Type.Optional(Slug) },
  { additionalProperties: false },
);
/** Every organization's, for the auditor. */
export const AllUsageQuery = Type.Object(
  { ...range, provider: Type.Optional(Slug), consumer: Type.Optional(Slug) },
  { additionalProperties: false },
);

const Codes = (what: string) =>
  Type.Record(Type.String(), Type.Integer(), { description: `${what} by code, with their number` });

export const UsageCount = Type.Object({
  provider: Type.String(),
  providerName: Type.String(),
  service: Type.String({ description: '`unknown` for a service that does not exist' }),
  serviceTitle: Nullable(Type.String()),
  consumer: Slug,
  consumerName: Type.String(),
  purpose: Type.String({
    description: 'The purpose named; `none` when none was, `unregistered` for an unknown one',
  }),
  purposeTitle: Nullable(Type.String()),
  calls: Type.Integer({ description: 'answered + notFound + refused + failed' }),
  answered: Type.Integer(),
  notFound: Type.Integer({
    description: 'Allowed, but there was no such record (NOT_FOUND): neither answered nor refused',
  }),
  refused: Type.Integer(),
  failed: Type.Integer({
    description: 'The provider or the ledger could not be reached, or answered wrongly',
  }),
  refusals: Codes('Refusals'),
  failures: Codes('Failures'),
  p50Ms: Nullable(Type.Number({ description: 'Median time to answer, estimated from histogram buckets' })),
  p95Ms: Nullable(Type.Number({ description: '95th percentile, estimated from histogram buckets' })),
});

export const UsageDay = Type.Object({ day: Day(), ...UsageCount.properties });

export const UsageReport = Type.Object({
  from: Day(),
  to: Day(),
  days: Type.Array(UsageDay, {
    description: 'A row per day, service, consumer and purpose that had calls, by day',
  }),
  totals: Type.Array(UsageCount, { description: 'A row per service, consumer and purpose over the range' }),
});
