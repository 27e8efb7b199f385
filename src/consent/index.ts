/** Consent: a data subject's grant to one consumer for one purpose, revocable at any time. */

export * from './attributes.ts';
export * from './authorization-server.ts';
export { type ConsentClientEffects, changeConsentClient, registerConsentClient } from './client-changes.ts';
export * as clientSchemas from './client-schemas.ts';
export * from './clients.ts';
export * from './consents.ts';
export * from './grants.ts';
export * from './person.ts';
export {
  type ConsentReceipt,
  consentReceipt,
  KANTARA_VERSION,
  RECORD_SCHEMA_VERSION,
  type ReceiptController,
  type ReceiptOptions,
  receiptController,
  signConsentReceipt,
} from './receipt.ts';
export { type ConsentEffects, expireDueConsents, giveConsent, withdrawConsent } from './recording.ts';
export * from './requests.ts';
export * as schemas from './schemas.ts';
