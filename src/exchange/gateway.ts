/**
 * One exchange call, from an authenticated system to the answer: find the service, apply the limits,
 * decide (domain/decide.ts), fetch (hosted store or the provider's API), minimize to the agreed
 * fields, and record the decision on the ledger. The answer is released only after its access event
 * is durable; a refusal is recorded too. Nothing here reads the database except the hosted record itself.
 */
import type { Config } from '../config/index.ts';
import { decide, type FieldTree, fieldTree, GovdxError, minimize } from '../domain/index.ts';
import type { Appended, Ledger, LedgerEvent } from '../ledger/index.ts';
import { openRecord } from './access-event.ts';
import type { ChangeFollower } from './changes.ts';
import type {
  DecisionIndex,
  IndexedAgreement,
  IndexedPurpose,
  IndexedService,
  IndexedSystem,
} from './decision-index.ts';
import { type Allowed, fetchDocument, resolveTarget, type Target } from './fetch-document.ts';
import type { RecordReader } from './hosted.ts';
import type { ExchangeKeys } from './keys.ts';
import { DailyQuota, RateLimiter } from './limits.ts';
import type { ProviderClient } from './provider-client.ts';
import { Refusal, recordAnswer, recordRefusal } from './record-access.ts';
import type { BatchSigner } from './request-assertions.ts';
import type { StepTimes } from './step-times.ts';
import type { ExchangeUsage } from './usage.ts';

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
  batches: BatchSigner;
  providers: ProviderClient;
  readRecord: RecordReader;
  usage: ExchangeUsage;
  steps: StepTimes;
  config: Pick<
    Config,
    | 'publicUrl'
    | 'exchangeSystemRateLimit'
    | 'exchangeSystemDailyQuota'
    | 'exchangeAgreementRateLimit'
    | 'outboundPrivateNetworks'
  >;
}

const TREE_CACHE_LIMIT = 1000;

export class Gateway {
  readonly #parts: GatewayParts;
  readonly #rates = new RateLimiter();
  readonly #quotas = new DailyQuota();
  readonly #trees = new Map<string, FieldTree>();

  constructor(parts: GatewayParts) {
    this.#parts = parts;
  }

  /**
   * One call from a system the route has authenticated: build its event, decide, fetch, minimize,
   * record. Every refusal on the way is recorded like the answer.
   */
  async call(system: IndexedSystem, call: ExchangeCall): Promise<ExchangeResult> {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const { follower, index, steps } = this.#parts;
    const deciding = steps.now();
    if (follower.pending) await follower.pending;
    if (!follower.live) return catchingUp(requestId);

    const service = index.service(call.provider, call.service);
    const purpose = call.purpose ? index.purpose(call.purpose) : undefined;
    const record = openRecord(system, call, service, purpose, requestId, started);
    if (call.refusal) return recordRefusal(this.#parts, record, new Refusal(call.refusal));
    if (!service) {
      const error = new GovdxError(
        'NOT_FOUND',
        `${call.provider} publishes no service "${call.service}" on the exchange.`,
        { kind: 'service', id: `${call.provider}/${call.service}` },
      );
      return recordRefusal(this.#parts, record, new Refusal(error));
    }

    const target = this.#route(system, call, service);
    if (target instanceof Refusal) return recordRefusal(this.#parts, record, target);
    const decision = this.#decide(system, call, service, purpose, target, record.event);
    if (decision instanceof Refusal) return recordRefusal(this.#parts, record, decision);
    steps.add('decision', deciding);

    const document = await fetchDocument(
      this.#parts,
      system,
      call,
      service,
      purpose,
      target,
      decision,
      record.event,
      requestId,
    );
    if (document instanceof Refusal) return recordRefusal(this.#parts, record, document);

    const minimizing = steps.now();
    const minimized = minimize(document, this.#tree(decision.fields));
    if (minimized === undefined || minimized === null) {
      return recordRefusal(this.#parts, record, notARecord(service));
    }
    const body = JSON.stringify(minimized);
    steps.add('minimize', minimizing);
    return recordAnswer(this.#parts, record, body);
  }

  /** The system's own limits, then where the call goes (and whether the exchange may call it). */
  #route(system: IndexedSystem, call: ExchangeCall, service: IndexedService): Target | Refusal {
    const { config, index } = this.#parts;
    const systemWait = this.#rates.take(`system ${system.id}`, config.exchangeSystemRateLimit);
    if (systemWait > 0) return new Refusal(rateLimited(`${system.clientId} makes`), 'denied', systemWait);
    const systemDay = this.#quotas.take(`system ${system.id}`, config.exchangeSystemDailyQuota);
    if (systemDay > 0)
      return new Refusal(quotaExceeded(`${system.clientId} has used its`), 'denied', systemDay);
    const target = resolveTarget(index, service, call);
    return target instanceof GovdxError ? new Refusal(target) : target;
  }

  /**
   * The rules (domain/decide.ts) over the agreements and consents in memory, then the agreement's
   * limits. The agreement, consent and fields it settles on are noted on the event.
   */
  #decide(
    system: IndexedSystem,
    call: ExchangeCall,
    service: IndexedService,
    purpose: IndexedPurpose | undefined,
    target: Target,
    event: LedgerEvent,
  ): Allowed | Refusal {
    const { config, index } = this.#parts;
    const consumer = system.organization;
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
    if (!decision.allowed) return new Refusal(new GovdxError(decision.code, decision.message));
    const agreement = decision.agreement as IndexedAgreement;

    const perMinute = agreement.rateLimitPerMinute ?? config.exchangeAgreementRateLimit;
    const agreementWait = this.#rates.take(`agreement ${agreement.id}`, perMinute);
    if (agreementWait > 0) {
      return new Refusal(rateLimited('Calls under this agreement are'), 'denied', agreementWait);
    }
    const agreementDay = this.#quotas.take(`agreement ${agreement.id}`, agreement.quotaPerDay ?? 0);
    if (agreementDay > 0) {
      return new Refusal(quotaExceeded('This agreement has used its'), 'denied', agreementDay);
    }
    event.fields = decision.fields;
    return decision;
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

/** While the index re-reads after a lost database connection: nothing is decided, so nothing is recorded. */
function catchingUp(requestId: string): ExchangeResult {
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

function notARecord(service: IndexedService): Refusal {
  return new Refusal(
    new GovdxError(
      'PROVIDER_RESPONSE_INVALID',
      `${service.provider.name}'s system answered with something other than a record. Nothing was passed on.`,
    ),
    'failed',
  );
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
