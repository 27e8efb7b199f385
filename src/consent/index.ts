/** Consent: a data subject's grant to one consumer for one purpose, revocable at any time. */
export * from './consents.ts';
export * as schemas from './schemas.ts';
