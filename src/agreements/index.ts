/** Agreements: who may receive which fields of which service, for what purpose, until when. */
export * from './agreements.ts';
export * as schemas from './schemas.ts';
