/** Agreements: who may receive which fields of which service, for what purpose, until when, signed off by whom. */
export * from './agreements.ts';
export * from './emergencies.ts';
export * from './odrl.ts';
export * from './register.ts';
export * as schemas from './schemas.ts';
export * from './templates.ts';
export * from './webhooks.ts';
export * from './workflow.ts';
