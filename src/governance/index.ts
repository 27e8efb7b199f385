/** "Record on the ledger or undo": the one home of the rule for every change to who may see or do what. */
export { addsNothing, recordChange } from './record.ts';
