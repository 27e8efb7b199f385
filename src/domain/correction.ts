/**
 * Correction requests (issue 16): a citizen asks the keeper of a register to correct their entry; the
 * organization's stewards answer. Pure rules: what a request may become, and what an answer must say.
 */
import { GovdxError } from './errors.ts';

export const CORRECTION_STATUSES = ['waiting', 'corrected', 'declined'] as const;
export type CorrectionStatus = (typeof CORRECTION_STATUSES)[number];
export const CORRECTION_OUTCOMES = ['corrected', 'declined'] as const;
export type CorrectionOutcome = (typeof CORRECTION_OUTCOMES)[number];

/**
 * Checks an answer to a request in `status`: only a waiting request is answered, once (CONFLICT); a
 * declined one says why (VALIDATION_FAILED), since the person has a right to know. Returns the reason, trimmed.
 */
export function checkCorrectionAnswer(
  status: CorrectionStatus,
  outcome: CorrectionOutcome,
  reason: string | undefined,
): string | null {
  if (status !== 'waiting') {
    throw new GovdxError(
      'CONFLICT',
      `This request was already answered (${status === 'corrected' ? 'corrected' : 'declined'}).`,
    );
  }
  const said = reason?.trim() ?? '';
  if (outcome === 'declined' && said === '') {
    throw new GovdxError(
      'VALIDATION_FAILED',
      'Say why the entry is not corrected: the person asking is told your reason.',
    );
  }
  return said === '' ? null : said;
}
