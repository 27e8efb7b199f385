/**
 * Fetching the document an allowed exchange call asks for: where the call goes (the hosted record,
 * or the provider's API on an origin the platform admin allows), then the record itself, or the
 * provider's JSON answer to a request the exchange signs. Nothing here records or minimizes.
 */
import type { Config } from '../config/index.ts';
import { type Decision, GovdxError } from '../domain/index.ts';
import type { LedgerEvent } from '../ledger/index.ts';
import type { DecisionIndex, IndexedPurpose, IndexedService, IndexedSystem } from './decision-index.ts';
import type { ExchangeCall } from './gateway.ts';
import type { RecordReader } from './hosted.ts';
import type { ExchangeKeys } from './keys.ts';
import type { ProviderAnswer, ProviderClient } from './provider-client.ts';
import { Refusal } from './record-access.ts';
import { type BatchSigner, type RequestAssertionClaims, signRequestAssertion } from './request-assertions.ts';
import type { StepTimes } from './step-times.ts';

export type Target =
  | { kind: 'hosted'; key: string; recordSubject: string | null }
  /** The provider's origin and the path on it (base path, then the caller's path and query as sent). */
  | { kind: 'proxied'; origin: string; path: string; recordSubject: null; privateNetwork: boolean };

/** An allowed decision: the agreement, the consent if any, and the fields that may be released. */
export type Allowed = Extract<Decision, { allowed: true }>;

export interface Fetcher {
  keys: ExchangeKeys;
  /** Signs the requests to providers whose service asks for batch assertions. */
  batches: BatchSigner;
  providers: ProviderClient;
  readRecord: RecordReader;
  steps: StepTimes;
  config: Pick<Config, 'publicUrl' | 'outboundPrivateNetworks'>;
}

/** A dot segment, an encoded slash or backslash: ways to step out of the service's base path. */
const UNSAFE_PATH = /(^|\/)(\.|%2e){1,2}(\/|$|\?)|%2f|%5c|\\/i;

/**
 * Where the call goes: the record a hosted service is asked for, or the provider URL of a proxied
 * one, which must be on the platform's list of provider origins (fail closed: one taken off the list
 * is not called).
 */
export function resolveTarget(
  index: DecisionIndex,
  service: IndexedService,
  call: ExchangeCall,
): Target | GovdxError {
  if (service.kind === 'hosted') {
    const match = /^\/([^/?]+)$/.exec(call.path.split('?')[0] ?? '');
    if (call.method !== 'GET' || !match?.[1]) {
      return new GovdxError(
        'VALIDATION_FAILED',
        `${service.title} is answered by govdx itself: ask for one record with GET …/${service.provider.slug}/${service.slug}/{key}.`,
      );
    }
    let key: string;
    try {
      key = decodeURIComponent(match[1]);
    } catch {
      return new GovdxError('VALIDATION_FAILED', 'The record key in the URL is not valid percent-encoding.');
    }
    return { kind: 'hosted', key, recordSubject: service.personal ? key : null };
  }
  if (UNSAFE_PATH.test(call.path)) {
    return new GovdxError(
      'VALIDATION_FAILED',
      'The path may not contain "." or ".." segments, or encoded slashes: it cannot leave the service.',
    );
  }
  if (!service.providerApi) {
    return new GovdxError('PROVIDER_UNREACHABLE', `${service.title} has no provider address registered.`);
  }
  const { origin, basePath } = service.providerApi;
  const allowed = index.providerOrigin(origin);
  if (!allowed) {
    return new GovdxError(
      'PROVIDER_NOT_ALLOWED',
      `${service.provider.name}'s system for this service is not on the platform's list of provider addresses, so the exchange does not call it. Nothing was passed on.`,
    );
  }
  return {
    kind: 'proxied',
    origin,
    path: `${basePath}${call.path}`,
    recordSubject: null,
    privateNetwork: allowed.privateNetwork,
  };
}

/**
 * The document the call asks for, or why there is none. What the provider answered (its status, or a
 * hosted record's absence) is noted on the event.
 */
export async function fetchDocument(
  parts: Fetcher,
  system: IndexedSystem,
  call: ExchangeCall,
  service: IndexedService,
  purpose: IndexedPurpose | undefined,
  target: Target,
  decision: Allowed,
  event: LedgerEvent,
  requestId: string,
): Promise<unknown> {
  if (target.kind === 'hosted') {
    const text = await parts.readRecord(service.datasetId, target.key);
    if (text === undefined) {
      event.status = 404;
      return new Refusal(
        new GovdxError('NOT_FOUND', `${service.provider.name} has no record "${target.key}".`, {
          kind: 'record',
          id: target.key,
        }),
        'allowed',
      );
    }
    return JSON.parse(text);
  }

  const { config, steps } = parts;
  let answer: ProviderAnswer;
  try {
    const signing = steps.now();
    const claims: RequestAssertionClaims = {
      service: `${service.provider.slug}/${service.slug}`,
      subject: call.subject,
      official: call.official,
      clientId: system.clientId,
      consumer: system.organization.slug,
      purpose: purpose!.slug,
      agreement: decision.agreement.id,
      consent: decision.consent?.id ?? null,
      fields: decision.fields,
      method: call.method,
      url: `${target.origin}${target.path}`,
      requestId,
    };
    const assertion =
      service.requestAssertion === 'batch'
        ? await parts.batches.sign(claims)
        : signRequestAssertion(parts.keys, config.publicUrl, claims);
    const headers: Record<string, string> = {
      authorization: `Bearer ${assertion}`,
      accept: 'application/json',
      'exchange-request-id': requestId,
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    steps.add('assertion', signing);
    const asking = steps.now();
    answer = await parts.providers.request(
      {
        origin: target.origin,
        path: target.path,
        allowPrivateNetworks: config.outboundPrivateNetworks || target.privateNetwork,
      },
      { method: call.method, headers, body: call.body },
      service.provider,
    );
    steps.add('provider', asking);
  } catch (error) {
    return new Refusal(asGovdxError(error), 'failed');
  }
  event.providerStatus = answer.status;
  if (answer.status === 404) {
    return new Refusal(
      new GovdxError('NOT_FOUND', `${service.provider.name} has no record for this request.`, {
        kind: 'record',
      }),
      'allowed',
    );
  }
  if (answer.status < 200 || answer.status > 299) {
    return new Refusal(
      new GovdxError(
        'PROVIDER_ERROR',
        `${service.provider.name}'s system answered with an error. Nothing was passed on.`,
      ),
      'failed',
    );
  }
  const parsing = steps.now();
  const document = parseJson(answer);
  steps.add('minimize', parsing);
  return document;
}

function parseJson(answer: ProviderAnswer): unknown {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(answer.contentType)) {
    return new Refusal(
      new GovdxError(
        'PROVIDER_RESPONSE_INVALID',
        'The provider did not answer with JSON. Nothing was passed on.',
      ),
      'failed',
    );
  }
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return new Refusal(
      new GovdxError(
        'PROVIDER_RESPONSE_INVALID',
        'The provider answered with malformed JSON. Nothing was passed on.',
      ),
      'failed',
    );
  }
}

function asGovdxError(error: unknown): GovdxError {
  return error instanceof GovdxError
    ? error
    : new GovdxError(
        'PROVIDER_ERROR',
        'The request to the provider could not be made. Nothing was passed on.',
      );
}
