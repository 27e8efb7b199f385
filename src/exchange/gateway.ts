/**
 * One exchange call, from an authenticated system to the answer: find the service, apply the limits,
 * decide (domain/decide.ts), fetch (hosted store or the provider's API), minimize to the agreed
 * fields, and record the decision on the ledger. The answer is released only after its access event
 * is durable; a refusal is recorded too. Nothing here reads the database except the hosted record itself.
 */
import { hash } from 'node:crypto';
import type { Config } from '../config/index.ts';
import {
  decide,
  type FieldTree,
  fieldTree,
  GovdxError,
  minimize,
  OFFICIAL_PATTERN,
  SUBJECT_PATTERN,
} from '../domain/index.ts';
import type { Appended, Ledger, LedgerEvent } from '../ledger/index.ts';
import type { ChangeFollower } from './changes.ts';
import type { DecisionIndex, IndexedAgreement, IndexedService, IndexedSystem } from './decision-index.ts';
import type { RecordReader } from './hosted.ts';
import type { ExchangeKeys } from './keys.ts';
import { DailyQuota, RateLimiter } from './limits.ts';
import type { ProviderAnswer, ProviderClient } from './provider-client.ts';
import { signRequestAssertion } from './request-assertions.ts';
import type { ExchangeUsage, Outcome, UsageLabels } from './usage.ts';

export interface ExchangeCall {
  method: 'GET' | 'POST';
  provider: string;
  service: string;
  /** What follows the service in the URL, still percent-encoded, with the query: `/EX100000199?year=2024`. */
  path: string;
  /** The JSON body of a POST, as text. */
  body?: string | undefined;
  /** What was wrong with the request before it reached the gateway (a body nested too deep): recorded and refused. */
  refusal?: GovdxError | null;
  /** The Data-Purpose, Data-Subject and On-Behalf-Of headers; null when absent. */
  purpose: string | null;
  subject: string | null;
  official: string | null;
  /**
   * Made under this one consent (the person API): only it counts, and it is needed whatever the
   * agreement's legal basis. Absent for ordinary calls, which any active consent of the subject covers.
   */
  consent?: string | null;
  /** The answer is shown to the data subject before they let it go to the consumer; recorded as such. */
  preview?: boolean;
}

export type ExchangeResult =
  | { ok: true; status: 200; body: string; receipt: Appended; requestId: string }
  | {
      ok: false;
      error: GovdxError;
      /** The refusal's place in the ledger; null when it was not recorded (the ledger failed, or no decision was made). */
      receipt: Appended | null;
      /** Seconds, for Retry-After. */
      retryAfter: number | null;
      requestId: string;
    };

export interface GatewayParts {
  index: DecisionIndex;
  follower: ChangeFollower;
  ledger: Ledger;
  keys: ExchangeKeys;
  providers: ProviderClient;
  readRecord: RecordReader;
  usage: ExchangeUsage;
  config: Pick<
    Config,
    | 'publicUrl'
    | 'exchangeSystemRateLimit'
    | 'exchangeSystemDailyQuota'
    | 'exchangeAgreementRateLimit'
    | 'outboundPrivateNetworks'
  >;
}

const MAX_PATH_IN_EVENT = 2048;
const TREE_CACHE_LIMIT = 1000;
/** A dot segment, an encoded slash or backslash: ways to step out of the service's base path. */
const UNSAFE_PATH = /(^|\/)(\.|%2e){1,2}(\/|$|\?)|%2f|%5c|\\/i;

// One-shot hash: about a third of the CPU of createHash().update().digest() for these short texts.
const digest = (text: string) => `sha256:${hash('sha256', text, 'base64url')}`;

export class Gateway {
  readonly #parts: GatewayParts;
  readonly #rates = new RateLimiter();
  readonly #quotas = new DailyQuota();
  readonly #trees = new Map<string, FieldTree>();

  constructor(parts: GatewayParts) {
    this.#parts = parts;
  }

  async call(system: IndexedSystem, call: ExchangeCall): Promise<ExchangeResult> {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const { follower, index, config } = this.#parts;
    if (follower.pending) await follower.pending;
    if (!follower.live) {
      return {
        ok: false,
        error: new GovdxError(
          'SERVICE_UNAVAILABLE',
          'The exchange is re-reading agreements and consents after losing its connection to the database. Try again in a moment.',
        ),
        receipt: null,
        retryAfter: 1,
        requestId,
      };
    }

    const consumer = system.organization;
    const service = index.service(call.provider, call.service);
    const purpose = call.purpose ? index.purpose(call.purpose) : undefined;
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

    const finish = (outcome: Outcome, code: string) =>
      this.#parts.usage.record(labels, outcome, code, (performance.now() - started) / 1000);

    /** Records a refusal (or failure) and answers with it; a refusal that cannot be recorded is LEDGER_UNAVAILABLE. */
    const refuse = async (
      error: GovdxError,
      outcome: Outcome = 'denied',
      retryAfter: number | null = null,
    ): Promise<ExchangeResult> => {
      event.outcome = outcome;
      event.code = error.code;
      try {
        const receipt = await this.#parts.ledger.append(event);
        finish(outcome, error.code);
        return { ok: false, error, receipt, retryAfter, requestId };
      } catch (cause) {
        finish('failed', 'LEDGER_UNAVAILABLE');
        return { ok: false, error: ledgerUnavailable(cause), receipt: null, retryAfter: null, requestId };
      }
    };

    if (call.refusal) return refuse(call.refusal);
    if (!service) {
      return refuse(
        new GovdxError(
          'NOT_FOUND',
          `${call.provider} publishes no service "${call.service}" on the exchange.`,
          {
            kind: 'service',
            id: `${call.provider}/${call.service}`,
          },
        ),
      );
    }

    const systemWait = this.#rates.take(`system ${system.id}`, config.exchangeSystemRateLimit);
    if (systemWait > 0) return refuse(rateLimited(`${system.clientId} makes`), 'denied', systemWait);
    const systemDay = this.#quotas.take(`system ${system.id}`, config.exchangeSystemDailyQuota);
    if (systemDay > 0) return refuse(quotaExceeded(`${system.clientId} has used its`), 'denied', systemDay);

    const target = resolveTarget(service, call);
    if (target instanceof GovdxError) return refuse(target);
    // Only origins the platform admin allows are called (fail closed: one taken off the list is not).
    const allowed = target.kind === 'proxied' ? index.providerOrigin(target.origin) : undefined;
    if (target.kind === 'proxied' && !allowed) {
      return refuse(
        new GovdxError(
          'PROVIDER_NOT_ALLOWED',
          `${service.provider.name}'s system for this service is not on the platform's list of provider addresses, so the exchange does not call it. Nothing was passed on.`,
        ),
      );
    }

    const decision = decide({
      at: Date.now(),
      consumer: { name: consumer.name },
      service: {
        title: service.title,
        providerName: service.provider.name,
        personal: service.personal,
        fields: service.fields,
      },
      purposeSlug: call.purpose,
      purpose: purpose ?? null,
      subject: call.subject,
      recordSubject: target.recordSubject,
      official: call.official,
      agreements: index.agreements(consumer.id, service.id),
      consents: call.subject && purpose ? index.consents(call.subject, consumer.id, purpose.id) : [],
      boundConsent: call.consent ?? null,
    });
    event.agreement = decision.agreement?.id ?? null;
    event.consent = decision.consent?.id ?? null;
    if (!decision.allowed) return refuse(new GovdxError(decision.code, decision.message));
    const agreement = decision.agreement as IndexedAgreement;

    const perMinute = agreement.rateLimitPerMinute ?? config.exchangeAgreementRateLimit;
    const agreementWait = this.#rates.take(`agreement ${agreement.id}`, perMinute);
    if (agreementWait > 0)
      return refuse(rateLimited('Calls under this agreement are'), 'denied', agreementWait);
    const agreementDay = this.#quotas.take(`agreement ${agreement.id}`, agreement.quotaPerDay ?? 0);
    if (agreementDay > 0) return refuse(quotaExceeded('This agreement has used its'), 'denied', agreementDay);

    event.fields = decision.fields;
    let document: unknown;
    if (target.kind === 'hosted') {
      const text = await this.#parts.readRecord(service.datasetId, target.key);
      if (text === undefined) {
        event.outcome = 'allowed';
        event.status = 404;
        return refuse(
          new GovdxError('NOT_FOUND', `${service.provider.name} has no record "${target.key}".`, {
            kind: 'record',
            id: target.key,
          }),
          'allowed',
        );
      }
      document = JSON.parse(text);
    } else {
      let answer: ProviderAnswer;
      try {
        const assertion = signRequestAssertion(this.#parts.keys, config.publicUrl, {
          service: `${service.provider.slug}/${service.slug}`,
          subject: call.subject,
          official: call.official,
          clientId: system.clientId,
          consumer: consumer.slug,
          purpose: purpose!.slug,
          agreement: agreement.id,
          consent: decision.consent?.id ?? null,
          fields: decision.fields,
          method: call.method,
          url: `${target.origin}${target.path}`,
          requestId,
        });
        const headers: Record<string, string> = {
          authorization: `Bearer ${assertion}`,
          accept: 'application/json',
          'exchange-request-id': requestId,
        };
        if (call.body !== undefined) headers['content-type'] = 'application/json';
        answer = await this.#parts.providers.request(
          {
            origin: target.origin,
            path: target.path,
            allowPrivateNetworks: config.outboundPrivateNetworks || allowed!.privateNetwork,
          },
          { method: call.method, headers, body: call.body },
          service.provider,
        );
      } catch (error) {
        return refuse(asGovdxError(error), 'failed');
      }
      event.providerStatus = answer.status;
      if (answer.status === 404) {
        return refuse(
          new GovdxError('NOT_FOUND', `${service.provider.name} has no record for this request.`, {
            kind: 'record',
          }),
          'allowed',
        );
      }
      if (answer.status < 200 || answer.status > 299) {
        return refuse(
          new GovdxError(
            'PROVIDER_ERROR',
            `${service.provider.name}'s system answered with an error. Nothing was passed on.`,
          ),
          'failed',
        );
      }
      const parsed = parseJson(answer);
      if (parsed instanceof GovdxError) return refuse(parsed, 'failed');
      document = parsed;
    }

    const minimized = minimize(document, this.#tree(decision.fields));
    if (minimized === undefined || minimized === null) {
      return refuse(
        new GovdxError(
          'PROVIDER_RESPONSE_INVALID',
          `${service.provider.name}'s system answered with something other than a record. Nothing was passed on.`,
        ),
        'failed',
      );
    }
    const body = JSON.stringify(minimized);
    event.outcome = 'allowed';
    event.status = 200;
    event.responseDigest = digest(body);
    let receipt: Appended;
    try {
      receipt = await this.#parts.ledger.append(event);
    } catch (cause) {
      finish('failed', 'LEDGER_UNAVAILABLE');
      return { ok: false, error: ledgerUnavailable(cause), receipt: null, retryAfter: null, requestId };
    }
    finish('allowed', '');
    return { ok: true, status: 200, body, receipt, requestId };
  }

  #tree(fields: readonly string[]): FieldTree {
    const key = fields.join('\n');
    let tree = this.#trees.get(key);
    if (!tree) {
      if (this.#trees.size >= TREE_CACHE_LIMIT) this.#trees.clear();
      tree = fieldTree(fields);
      this.#trees.set(key, tree);
    }
    return tree;
  }
}

type Target =
  | { kind: 'hosted'; key: string; recordSubject: string | null }
  /** The provider's origin and the path on it (base path, then the caller's path and query as sent). */
  | { kind: 'proxied'; origin: string; path: string; recordSubject: null };

/** Where the call goes: the record a hosted service is asked for, or the provider URL of a proxied one. */
function resolveTarget(service: IndexedService, call: ExchangeCall): Target | GovdxError {
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
  return { kind: 'proxied', origin, path: `${basePath}${call.path}`, recordSubject: null };
}

function parseJson(answer: ProviderAnswer): unknown {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(answer.contentType)) {
    return new GovdxError(
      'PROVIDER_RESPONSE_INVALID',
      'The provider did not answer with JSON. Nothing was passed on.',
    );
  }
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return new GovdxError(
      'PROVIDER_RESPONSE_INVALID',
      'The provider answered with malformed JSON. Nothing was passed on.',
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

function ledgerUnavailable(cause: unknown): GovdxError {
  const error = new GovdxError(
    'LEDGER_UNAVAILABLE',
    'The exchange could not record this call in the ledger, so it released nothing. Try again shortly.',
  );
  error.cause = cause;
  return error;
}

function rateLimited(who: string): GovdxError {
  return new GovdxError(
    'RATE_LIMITED',
    `${who} too many calls per minute. Wait as long as Retry-After says.`,
  );
}

function quotaExceeded(who: string): GovdxError {
  return new GovdxError(
    'QUOTA_EXCEEDED',
    `${who} quota of calls for today. It is renewed at midnight (UTC).`,
  );
}
