/**
 * "All of it as one file": what the registers hold about a citizen, every ledger event about them with
 * its receipt, their consents, and the ledger's key and checkpoint, so that they can check it without govdx.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { allConsentsOf } from '../consent/index.ts';
import type { Principal } from '../domain/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Database } from '../store/index.ts';
import { allAccessEventsAbout } from './access-events.ts';
import { factsAbout } from './facts.ts';
import type { MyExport } from './schemas.ts';

export type MyExportView = Static<typeof MyExport>;

/**
 * The export of the citizen `principal` about themselves. Receipts are asked for as the data subject
 * (no roles), so each is one the citizen may see. `leftOut`: entries about them that the node's check of
 * the subject index found missing from it (./index-check.ts), shown all the same.
 */
export async function exportMyData(
  ledger: Ledger,
  db: Kysely<Database>,
  principal: Principal & { nationalId: string },
  leftOut: readonly number[] = [],
): Promise<MyExportView> {
  const { nationalId } = principal;
  const asSubject: Principal = { ...principal, grants: [] };
  const accessEvents = await allAccessEventsAbout(ledger, db, nationalId, leftOut);
  const receipts = [];
  for (const event of accessEvents) receipts.push(await ledger.receipt(event.index, asSubject));
  const consents = await allConsentsOf(db, nationalId);
  const exportedAt = new Date().toISOString();
  return {
    exportedAt,
    person: { name: principal.name, nationalId },
    data: await factsAbout(db, nationalId),
    accessEvents,
    receipts,
    consents,
    ledger: { verifierKey: ledger.verifierKey, checkpoint: (await ledger.checkpoint()).note },
  };
}
