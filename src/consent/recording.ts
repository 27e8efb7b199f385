/**
 * Giving and withdrawing a consent as one act: the record changes, the exchange hears of it before the
 * caller is answered (so the very next call is decided on it), and the ledger records it (`consent.given`,
 * `consent.revoked`, with the person as subject, so they can read it and check it). Every way in (the
 * admin API, the citizen's own page, the consent page) goes through here.
 */
import type { Kysely } from 'kysely';
import { GovdxError } from '../domain/index.ts';
import type { Change } from '../exchange/index.ts';
import { type Appended, EVENT_KINDS, type LedgerEvent } from '../ledger/index.ts';
import type { Database } from '../store/index.ts';
import {
  type ConsentActor,
  type ConsentView,
  deleteConsent,
  dueConsents,
  expireConsentRecord,
  getConsent,
  type NewConsentInput,
  noteEventLedgerIndex,
  noteLedgerIndex,
  recordConsent,
  undoRenewal,
  withdrawConsentRecord,
} from './consents.ts';

export interface ConsentEffects {
  db: Kysely<Database>;
  ledger: { append(event: LedgerEvent): Promise<Appended> };
  /** Tells the exchange (app.exchange.changed). */
  changed(change: Change): Promise<void>;
}

/**
 * Records a consent and its `consent.given` ledger entry, or, when the person's consent to the same
 * consumer, purpose and service is active, renews it with these terms (`consent.renewed`). When the
 * ledger cannot record it, the consent is not taken, or the renewal is undone (LEDGER_UNAVAILABLE): no
 * data may flow on a consent nobody can later prove. A consent made on the person's behalf records who
 * made it and the reference to its evidence (never the evidence itself).
 */
export async function giveConsent(
  effects: ConsentEffects,
  input: NewConsentInput,
  createdBy: string | null,
): Promise<ConsentView> {
  const { db } = effects;
  const { consent: given, eventId, before } = await recordConsent(db, input, createdBy);
  await effects.changed({ table: 'consents', id: given.id });
  let appended: Appended;
  try {
    appended = await effects.ledger.append({
      kind: before ? EVENT_KINDS.consentRenewed : EVENT_KINDS.consentGiven,
      subject: given.subject,
      consent: given.id,
      consumer: given.consumer,
      purpose: given.purpose,
      fields: given.fields,
      expiresAt: given.expiresAt,
      collectionMethod: given.collectionMethod,
      client: given.client,
      by: createdBy,
      ...(given.evidence === null ? {} : { evidence: given.evidence }),
    });
  } catch (cause) {
    if (before) await undoRenewal(db, before, eventId);
    else await deleteConsent(db, given.id);
    await effects.changed({ table: 'consents', id: given.id });
    const error = new GovdxError(
      'LEDGER_UNAVAILABLE',
      'The consent could not be recorded on the ledger, so it was not taken. Try again shortly.',
    );
    error.cause = cause;
    throw error;
  }
  await noteEventLedgerIndex(db, eventId, appended.index);
  return getConsent(db, given.id);
}

/**
 * Withdraws a consent: the exchange refuses the next call made on it, and `consent.revoked` is appended.
 * Withdrawing a withdrawn consent changes nothing and records nothing. The withdrawal stands even when the
 * ledger cannot record it (the person's choice comes first); that is then reported as LEDGER_UNAVAILABLE.
 */
export async function withdrawConsent(
  effects: ConsentEffects,
  id: string,
  actor: ConsentActor,
): Promise<ConsentView> {
  const { db } = effects;
  await getConsent(db, id);
  const withdrawn = await withdrawConsentRecord(db, id, actor);
  const revoked = await getConsent(db, id);
  await effects.changed({ table: 'consents', id });
  if (!withdrawn) return revoked;
  let appended: Appended;
  try {
    appended = await effects.ledger.append({
      kind: EVENT_KINDS.consentRevoked,
      subject: revoked.subject,
      consent: revoked.id,
      consumer: revoked.consumer,
      purpose: revoked.purpose,
      reason: actor.reason ?? null,
      by: actor.personId,
      bySubject: actor.bySubject,
    });
  } catch (cause) {
    const error = new GovdxError(
      'LEDGER_UNAVAILABLE',
      'The consent is withdrawn, but this could not be recorded on the ledger. Tell the platform operators.',
    );
    error.cause = cause;
    throw error;
  }
  await noteLedgerIndex(db, id, 'revoked', appended.index);
  return getConsent(db, id);
}

/**
 * Marks the consents past their end date as expired and appends `consent.expired` for each (the
 * exchange already refuses them by their date; this makes the end part of the record the person and
 * an auditor can check). Several nodes may sweep at once: each consent is marked once, by whichever
 * wins. An expiry stands even when the ledger cannot record it; the first such failure is thrown after
 * the others are done.
 */
export async function expireDueConsents(effects: ConsentEffects, at: Date = new Date()): Promise<number> {
  const { db } = effects;
  const iso = at.toISOString();
  let expired = 0;
  let failure: unknown = null;
  for (const id of await dueConsents(db, iso)) {
    if (!(await expireConsentRecord(db, id, iso))) continue;
    expired++;
    await effects.changed({ table: 'consents', id });
    const consent = await getConsent(db, id);
    try {
      const appended = await effects.ledger.append({
        kind: 'consent.expired',
        subject: consent.subject,
        consent: consent.id,
        consumer: consent.consumer,
        purpose: consent.purpose,
        expiresAt: consent.expiresAt,
        by: null,
      });
      await noteLedgerIndex(db, id, 'expired', appended.index);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return expired;
}
