export * from './organization-changes.ts';
export * from './organizations.ts';
export * from './people.ts';
export * from './provider-origins.ts';
export * from './purposes.ts';
export * from './recorded.ts';
export * as schemas from './schemas.ts';
export * from './systems.ts';
