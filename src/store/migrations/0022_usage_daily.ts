import type { Kysely } from 'kysely';

/**
 * Exchange usage by day (UTC): one row per day, provider, service, consumer, purpose, outcome
 * (answered, not_found, refused, failed) and code, with its number of calls and a latency histogram
 * (one column per bucket, counts not cumulative, so that two nodes' counts add up with an upsert).
 * Names are slugs as the exchange labels them (`unknown`, `none`, `unregistered` for what is not
 * registered); days are `YYYY-MM-DD` text, which sorts and compares as a date on both dialects.
 */
const LATENCY_COLUMNS = [
  'latency_le_1',
  'latency_le_2',
  'latency_le_5',
  'latency_le_10',
  'latency_le_20',
  'latency_le_50',
  'latency_le_100',
  'latency_le_200',
  'latency_le_500',
  'latency_le_1000',
  'latency_le_2000',
  'latency_le_5000',
  'latency_le_10000',
  'latency_le_30000',
  'latency_over_30000',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  let table = db.schema
    .createTable('usage_daily')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('calls', 'bigint', (c) => c.notNull());
  for (const column of LATENCY_COLUMNS) {
    table = table.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
  }
  await table
    .addPrimaryKeyConstraint('usage_daily_pk', [
      'day',
      'provider',
      'service',
      'consumer',
      'purpose',
      'outcome',
      'code',
    ])
    .execute();
  await db.schema
    .createIndex('usage_daily_provider')
    .on('usage_daily')
    .columns(['provider', 'service', 'day'])
    .execute();
  await db.schema
    .createIndex('usage_daily_consumer')
    .on('usage_daily')
    .columns(['consumer', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_daily').execute();
}
