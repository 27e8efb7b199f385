/**
 * Emergencies: a platform administrator declares one (name, reason, end date); while it lasts,
 * requests from templates marked for emergencies activate at once, with their sign-offs collected
 * afterwards, and every agreement so made ends at the emergency's end at the latest. Declaring and ending
 * one are recorded on the ledger; the emergency stands when the ledger cannot record it.
 */
import type { Static } from 'typebox';
import { GovdxError, notFound } from '../domain/index.ts';
import { type Recorder, recordChange } from '../governance/index.ts';
import type { EmergencyTable } from '../store/index.ts';
import { now } from '../store/index.ts';
import type { Db } from './agreements.ts';
import type { Emergency, NewEmergency } from './schemas.ts';

export type EmergencyView = Static<typeof Emergency>;

function toEmergency(row: EmergencyTable, at: string): EmergencyView {
  return {
    id: row.id,
    name: row.name,
    reason: row.reason,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    inForce: row.starts_at <= at && at < row.ends_at,
    endedEarly: row.ended_early_at !== null,
  };
}

/** The emergency in force at `at` that ends last, if any. */
export async function emergencyInForce(db: Db, at: string): Promise<EmergencyTable | undefined> {
  return db
    .selectFrom('emergencies')
    .selectAll()
    .where('starts_at', '<=', at)
    .where('ends_at', '>', at)
    .orderBy('ends_at', 'desc')
    .executeTakeFirst();
}

export async function listEmergencies(db: Db, inForceOnly: boolean): Promise<EmergencyView[]> {
  const at = now();
  let query = db.selectFrom('emergencies').selectAll();
  if (inForceOnly) query = query.where('starts_at', '<=', at).where('ends_at', '>', at);
  const rows = await query.orderBy('starts_at', 'desc').limit(200).execute();
  return rows.map((r) => toEmergency(r, at));
}

/** What declaring and ending an emergency need: the store, and the ledger that records them. */
export interface EmergencyEffects {
  db: Db;
  ledger: Recorder;
}

/** Records a declared or ended emergency; it stands, whatever the ledger says. */
async function recordEmergency(
  ledger: Recorder,
  kind: 'emergency.declared' | 'emergency.ended',
  emergency: EmergencyView,
  by: string,
  reason: string,
): Promise<void> {
  const event = { kind, emergency: emergency.id, name: emergency.name, endsAt: emergency.endsAt, reason, by };
  await recordChange(ledger, [event], {
    undo: async () => false,
    stands: 'The emergency is recorded here, but not on the ledger. Tell the platform operators.',
  });
}

export async function declareEmergency(
  { db, ledger }: EmergencyEffects,
  input: Static<typeof NewEmergency>,
  declaredBy: string,
): Promise<EmergencyView> {
  const at = now();
  const endsAt = new Date(input.endsAt).toISOString();
  if (endsAt <= at) {
    throw new GovdxError('VALIDATION_FAILED', 'An emergency must end in the future ("endsAt").');
  }
  const row: EmergencyTable = {
    id: crypto.randomUUID(),
    name: input.name,
    reason: input.reason,
    starts_at: at,
    ends_at: endsAt,
    declared_by: declaredBy,
    ended_early_at: null,
    created_at: at,
  };
  await db.insertInto('emergencies').values(row).execute();
  const emergency = toEmergency(row, at);
  await recordEmergency(ledger, 'emergency.declared', emergency, declaredBy, emergency.reason);
  return emergency;
}

/**
 * Ends the emergency now. Agreements made under it get its new end date as theirs; the sweep then
 * expires them (AgreementWorkflow.sweep), which the caller runs at once. `reason` is why it ends early.
 */
export async function endEmergency(
  { db, ledger }: EmergencyEffects,
  id: string,
  endedBy: string,
  reason: string,
): Promise<EmergencyView> {
  const at = now();
  const emergency = await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('emergencies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('emergency', id);
    if (row.ends_at <= at) throw new GovdxError('CONFLICT', `The emergency "${row.name}" has already ended.`);
    await trx
      .updateTable('emergencies')
      .set({ ends_at: at, ended_early_at: at })
      .where('id', '=', id)
      .execute();
    await trx
      .updateTable('agreements')
      .set({ valid_until: at, updated_at: at })
      .where('emergency_id', '=', id)
      .where('valid_until', '>', at)
      .where('status', 'in', ['draft', 'submitted', 'active', 'suspended'])
      .execute();
    return toEmergency({ ...row, ends_at: at, ended_early_at: at }, at);
  });
  await recordEmergency(ledger, 'emergency.ended', emergency, endedBy, reason);
  return emergency;
}
