/**
 * Building the access event of one exchange call: what was asked, by which system, for whom and why,
 * before anything is decided. It starts as a refusal with no code; the gateway fills in the decision,
 * and record-access.ts appends it.
 */
import { hash } from 'node:crypto';
import { OFFICIAL_PATTERN, SUBJECT_PATTERN } from '../domain/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import type { IndexedPurpose, IndexedService, IndexedSystem } from './decision-index.ts';
import type { ExchangeCall } from './gateway.ts';
import type { UsageLabels } from './usage.ts';

/** One call's event on its way to the ledger, with what its usage metric needs. */
export interface AccessRecord {
  event: LedgerEvent;
  labels: UsageLabels;
  requestId: string;
  /** performance.now() when the call arrived. */
  started: number;
}

const MAX_PATH_IN_EVENT = 2048;

// One-shot hash: about a third of the CPU of createHash().update().digest() for these short texts.
export const digest = (text: string) => `sha256:${hash('sha256', text, 'base64url')}`;

export function openRecord(
  system: IndexedSystem,
  call: ExchangeCall,
  service: IndexedService | undefined,
  purpose: IndexedPurpose | undefined,
  requestId: string,
  started: number,
): AccessRecord {
  const consumer = system.organization;
  const labels: UsageLabels = {
    provider: service ? service.provider.slug : 'unknown',
    service: service ? service.slug : 'unknown',
    consumer: consumer.slug,
    purpose: purpose ? purpose.slug : call.purpose ? 'unregistered' : 'none',
  };
  const subject = call.subject !== null && SUBJECT_PATTERN.test(call.subject) ? call.subject : null;
  const event: LedgerEvent = {
    kind: 'access',
    subject,
    outcome: 'denied',
    code: null,
    request: requestId,
    consumer: consumer.slug,
    system: system.slug,
    official: call.official !== null && OFFICIAL_PATTERN.test(call.official) ? call.official : null,
    provider: call.provider,
    service: call.service,
    purpose: purpose ? purpose.slug : call.purpose,
    agreement: null,
    consent: null,
    fields: [],
    method: call.method,
    path: call.path.slice(0, MAX_PATH_IN_EVENT),
    requestDigest: digest(`${call.method} ${call.path}\n${call.body ?? ''}`),
  };
  if (call.preview) event.preview = true;
  return { event, labels, requestId, started };
}
