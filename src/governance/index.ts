/** "Record on the ledger or undo": the one home of the rule for every change to who may see or do what. */

export {
  actorOf,
  type GovernanceEventView,
  type GovernanceFilter,
  listGovernanceEvents,
  organizationsOf,
} from './events.ts';
export {
  allLedgerEvents,
  type LedgerEventFilter,
  type LedgerEventType,
  type LedgerEventView,
  listLedgerEvents,
  matchesLedgerEvent,
} from './ledger-events.ts';
export {
  addsNothing,
  changedKeys,
  type GovernedChange,
  governed,
  type Recorder,
  recordChange,
} from './record.ts';
export { type KeyChange, keyHistory, type SystemKeyView, systemKeyHistory } from './system-keys.ts';
