export { isUniqueViolation } from './constraints.ts';
/** The PostgreSQL NOTIFY channel on which the triggers of migration 0004 announce exchange changes. */
export { EXCHANGE_CHANNEL } from './migrations/0004_exchange.ts';
export {
  type Dialect,
  type MigrationReport,
  migrateToLatest,
  openStore,
  pendingMigrations,
  redact,
  type Store,
  type StoreOptions,
} from './open.ts';
export { decodeCursor, encodeCursor, keysetPage, type Page, timeIdKey, toPage } from './page.ts';
export type * from './schema.ts';
export { USAGE_LATENCY_COLUMNS } from './schema.ts';
export { settingOnce } from './settings.ts';
export { now } from './time.ts';
