/**
 * A readable receipt of one ledger event about a person: who received what, why, under which agreement
 * and legal basis, when, and the entry that proves it. Only the person the committed event is about gets
 * it; for anyone else there is no such receipt (NOT_FOUND), so its existence tells them nothing.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { LEGAL_BASES, notFound, SPECIAL_CATEGORY_BASES } from '../domain/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import type { Database } from '../store/index.ts';
import { describeEvent, type LedgerReader, namesFor } from './access-events.ts';
import type { AccessReceipt } from './schemas.ts';

export type AccessReceiptView = Static<typeof AccessReceipt>;

const basisText = (code: string | null, texts: Record<string, string>) =>
  code === null ? null : { code, text: texts[code] ?? code };

/** The receipt of ledger entry `index` for `subject`; not found unless the committed event is about them. */
export async function accessReceipt(
  ledger: Pick<LedgerReader, 'entry'>,
  db: Kysely<Database>,
  subject: string,
  index: number,
): Promise<AccessReceiptView> {
  let event: LedgerEvent;
  try {
    event = JSON.parse((await ledger.entry(index)).event) as LedgerEvent;
  } catch {
    throw notFound('receipt', String(index));
  }
  // The subject as committed decides, never the index: another person's entry does not exist for them.
  if (event.subject !== subject) throw notFound('receipt', String(index));
  const view = describeEvent(index, event, await namesFor(db, [event]));
  const agreement =
    view.agreement === null
      ? undefined
      : await db
          .selectFrom('agreements')
          .select([
            'id',
            'legal_basis',
            'special_category_basis',
            'valid_from',
            'valid_until',
            'retention_days',
          ])
          .where('id', '=', view.agreement)
          .executeTakeFirst();
  const purpose =
    view.purpose === null
      ? undefined
      : await db
          .selectFrom('purposes')
          .select(['description', 'legal_basis', 'special_category_basis'])
          .where('slug', '=', view.purpose.slug)
          .executeTakeFirst();
  // The agreement's basis when there is one (it is what was approved), else the purpose's.
  const basis = agreement ?? purpose;
  return {
    event: view,
    purposeDescription: purpose?.description ?? null,
    legalBasis: basisText(basis?.legal_basis ?? null, LEGAL_BASES),
    specialCategoryBasis: basisText(basis?.special_category_basis ?? null, SPECIAL_CATEGORY_BASES),
    agreement: agreement
      ? {
          id: agreement.id,
          validFrom: agreement.valid_from,
          validUntil: agreement.valid_until,
          retentionDays: agreement.retention_days,
        }
      : null,
  };
}
