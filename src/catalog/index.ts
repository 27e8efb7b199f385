export * from './datasets.ts';
export * as schemas from './schemas.ts';
export * from './services.ts';
