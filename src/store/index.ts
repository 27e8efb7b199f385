export { isUniqueViolation } from './constraints.ts';
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
export { decodeCursor, encodeCursor, type Page, toPage } from './page.ts';
export type * from './schema.ts';
export { now } from './time.ts';
