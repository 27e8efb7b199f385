/**
 * The expiry sweep: ends agreements past their end date (or their emergency's) as govdx's own
 * transition, and tells the parties of those ending soon, once. node/jobs.ts runs it now and then on every node.
 */
import { expiryNoticeUntil, GovdxError } from '../domain/index.ts';
import { agreementRows, agreementView } from './agreements.ts';
import { type Actor, commit, finish, GOVDX_ACTOR, type WorkflowDeps } from './transitions.ts';

/**
 * Ends what is past its end date (recorded as govdx's own transition), and tells the parties of
 * agreements ending within EXPIRY_NOTICE_DAYS, once. Several nodes may sweep at once: each row
 * changes once, by whichever node wins.
 */
export async function sweep(
  deps: WorkflowDeps,
  at: Date = new Date(),
): Promise<{ expired: number; flagged: number }> {
  const db = deps.db;
  const iso = at.toISOString();
  const due = await agreementRows(db)
    .where('agreements.status', 'in', ['active', 'suspended'])
    .where('agreements.valid_until', '<=', iso)
    .execute();
  let expired = 0;
  const govdx: Actor = { personId: null, name: GOVDX_ACTOR, standing: null };
  for (const row of due) {
    try {
      const reason = row.emergency_id
        ? 'The emergency it was made under has ended.'
        : 'Its end date has passed.';
      const transition = await db
        .transaction()
        .execute((trx) =>
          commit(
            trx,
            row,
            'expired',
            { updated_at: iso },
            { action: 'expire', actor: govdx, reason, at: iso },
          ),
        );
      await finish(deps, transition);
      expired++;
    } catch (error) {
      if (!(error instanceof GovdxError && error.code === 'CONFLICT'))
        deps.onError(error, `expiring agreement ${row.id}`);
    }
  }
  const soon = expiryNoticeUntil(at);
  const ending = await agreementRows(db)
    .where('agreements.status', '=', 'active')
    .where('agreements.valid_until', '<=', soon)
    .where('agreements.expiry_notified_at', 'is', null)
    .execute();
  let flagged = 0;
  for (const row of ending) {
    const claimed = await db
      .updateTable('agreements')
      .set({ expiry_notified_at: iso })
      .where('id', '=', row.id)
      .where('expiry_notified_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    flagged++;
    try {
      const view = await agreementView(db, row);
      await deps.notify([row.provider_organization_id, row.consumer_organization_id], 'agreement.expiring', {
        agreement: view,
        endsAt: row.valid_until,
      });
    } catch (error) {
      deps.onError(error, 'queueing webhooks');
    }
  }
  return { expired, flagged };
}
