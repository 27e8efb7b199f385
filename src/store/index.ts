export { isUniqueViolation } from './constraints.ts';
/** The PostgreSQL NOTIFY channel on which the triggers of migration 0004 announce exchange changes. */
export { EXCHANGE_CHANNEL } from './migrations/0004_exchange.ts';
export { GOVERNANCE_ROWS } from './migrations/0020_ledger_governance_index_by_event.ts';
export { NOTIFICATION_CURSOR } from './migrations/0024_notifications.ts';
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
export {
  decodeCursor,
  encodeCursor,
  keysetPage,
  type Page,
  slugPairKey,
  slugPairPage,
  timeIdKey,
  toPage,
} from './page.ts';
export type * from './schema.ts';
export { USAGE_LATENCY_COLUMNS } from './schema.ts';
export { settingOnce } from './settings.ts';
export { now } from './time.ts';
