/**
 * Recording one exchange call: its access event is appended to the ledger before anything is
 * answered, refusals included. A refusal that cannot be recorded is LEDGER_UNAVAILABLE, and so is an
 * answer: nothing is released that the ledger does not hold.
 */
import { GovdxError } from '../domain/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { type AccessRecord, digest } from './access-event.ts';
import type { ExchangeResult } from './gateway.ts';
import type { StepTimes } from './step-times.ts';
import type { ExchangeUsage, Outcome } from './usage.ts';

/** Why a call ends without an answer, and how it is recorded. */
export class Refusal {
  constructor(
    readonly error: GovdxError,
    readonly outcome: Outcome = 'denied',
    /** Seconds, for Retry-After. */
    readonly retryAfter: number | null = null,
  ) {}
}

interface Recorder {
  ledger: Ledger;
  usage: ExchangeUsage;
  steps: StepTimes;
}

/** Records a refusal (or failure) and answers with it. */
export async function recordRefusal(
  { ledger, usage, steps }: Recorder,
  record: AccessRecord,
  { error, outcome, retryAfter }: Refusal,
): Promise<ExchangeResult> {
  const { event } = record;
  event.outcome = outcome;
  event.code = error.code;
  try {
    const appending = steps.now();
    const receipt = await ledger.append(event);
    steps.add('ledger', appending);
    finish(usage, steps, record, outcome, error.code);
    return { ok: false, error, receipt, retryAfter, requestId: record.requestId };
  } catch (cause) {
    return notRecorded(usage, steps, record, cause);
  }
}

/** Records the answer as allowed and releases it once the ledger holds its event. */
export async function recordAnswer(
  { ledger, usage, steps }: Recorder,
  record: AccessRecord,
  body: string,
): Promise<ExchangeResult> {
  const { event } = record;
  event.outcome = 'allowed';
  event.status = 200;
  const appending = steps.now();
  event.responseDigest = digest(body);
  try {
    const receipt = await ledger.append(event);
    steps.add('ledger', appending);
    finish(usage, steps, record, 'allowed', '');
    return { ok: true, status: 200, body, receipt, requestId: record.requestId };
  } catch (cause) {
    return notRecorded(usage, steps, record, cause);
  }
}

function notRecorded(
  usage: ExchangeUsage,
  steps: StepTimes,
  record: AccessRecord,
  cause: unknown,
): ExchangeResult {
  finish(usage, steps, record, 'failed', 'LEDGER_UNAVAILABLE');
  const error = new GovdxError(
    'LEDGER_UNAVAILABLE',
    'The exchange could not record this call in the ledger, so it released nothing. Try again shortly.',
  );
  error.cause = cause;
  return { ok: false, error, receipt: null, retryAfter: null, requestId: record.requestId };
}

function finish(
  usage: ExchangeUsage,
  steps: StepTimes,
  record: AccessRecord,
  outcome: Outcome,
  code: string,
): void {
  const counting = steps.now();
  usage.record(record.labels, outcome, code, (performance.now() - record.started) / 1000);
  steps.add('metrics', counting);
}
