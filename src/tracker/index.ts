/**
 * The tracker: a citizen's view of what the registers hold about them, of every ledger event about them
 * (each with a receipt they can check against the signed ledger), and of their consents.
 */
export {
  type AccessEventView,
  accessEventsAbout,
  allAccessEventsAbout,
  describeEvent,
  type LedgerReader,
} from './access-events.ts';
export {
  answerCorrection,
  askCorrection,
  type CorrectionRequestView,
  listCorrectionQueue,
  listMyCorrections,
} from './corrections.ts';
export { exportMyData, type MyExportView } from './export.ts';
export { factsAbout } from './facts.ts';
export { type Misfiled, SubjectIndexCheck } from './index-check.ts';
export { type AccessReceiptView, accessReceipt } from './receipt.ts';
export * as schemas from './schemas.ts';
