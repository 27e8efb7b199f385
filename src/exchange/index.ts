/**
 * The exchange: governed, minimized, recorded data access between organizations' systems.
 *
 *   system ──private_key_jwt──▶ /oauth/token ──access token──▶ /exchange/v1/{provider}/{service}/…
 *     ──▶ decide (in-memory agreements and consents) ──▶ hosted store | provider API (signed request)
 *     ──▶ minimize ──▶ ledger append (durable) ──▶ answer with Exchange-Receipt
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import { GovdxError } from '../domain/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Store } from '../store/index.ts';
import { AccessTokens } from './access-tokens.ts';
import { type Change, ChangeFollower } from './changes.ts';
import { ClientAssertions } from './client-assertions.ts';
import { DecisionIndex, type IndexedSystem } from './decision-index.ts';
import { ChangeFeeds } from './feeds.ts';
import { Gateway } from './gateway.ts';
import { recordReader } from './hosted.ts';
import { type ExchangeKeys, loadExchangeKeys } from './keys.ts';
import { ProviderClient } from './provider-client.ts';
import { BatchSigner } from './request-assertions.ts';
import { StepTimes } from './step-times.ts';
import { ExchangeUsage } from './usage.ts';

export { ACCESS_TOKEN_TYPE, type AccessTokenClaims, AccessTokens, EXCHANGE_SCOPE } from './access-tokens.ts';
export { accessToken, clientAssertion, readPrivateJwk } from './caller/index.ts';
export { type Change, ChangeFollower, parseChange } from './changes.ts';
export { CLIENT_ASSERTION_TYPE, ClientAssertions, MAX_ASSERTION_SECONDS } from './client-assertions.ts';
export {
  DecisionIndex,
  type IndexedAgreement,
  type IndexedConsent,
  type IndexedOrganization,
  type IndexedService,
  type IndexedSystem,
} from './decision-index.ts';
export * as feedSchemas from './feed-schemas.ts';
export {
  ChangeFeeds,
  type ChangeView,
  type FeedPageView,
  type NewSubscriptionInput,
  type SubscriptionView,
} from './feeds.ts';
export { type ExchangeCall, type ExchangeResult, Gateway } from './gateway.ts';
export { type ExchangeKeys, loadExchangeKeys, SIGNING_ALG, SIGNING_KEY_SETTING } from './keys.ts';
export { DailyQuota, RateLimiter } from './limits.ts';
export { type ProviderAnswer, ProviderClient, type ProviderTarget } from './provider-client.ts';
export {
  BATCH_ASSERTION_TYPE,
  BATCH_FORMAT,
  BatchSigner,
  REQUEST_ASSERTION_TYPE,
  type RequestAssertionClaims,
  RequestVerifier,
  signBatch,
  signRequestAssertion,
  type VerifiedRequest,
  verifyRequestAssertion,
} from './request-assertions.ts';
export * as schemas from './schemas.ts';
export { STEPS, type Step, StepTimes } from './step-times.ts';
export { ExchangeUsage, type UsageStoreOptions } from './usage.ts';
export {
  readUsage,
  type UsageCount,
  type UsageDay,
  type UsageFilter,
  type UsageReport,
  usageCsv,
} from './usage-daily.ts';

export interface ExchangeOptions {
  store: Store;
  ledger: Ledger;
  config: Config;
  /** Where the usage metrics go (the node's /metrics). */
  registry: Registry;
  onError?: (error: unknown, what: string) => void;
}

export class Exchange {
  readonly index: DecisionIndex;
  readonly follower: ChangeFollower;
  readonly keys: ExchangeKeys;
  readonly tokens: AccessTokens;
  readonly assertions: ClientAssertions;
  readonly usage: ExchangeUsage;
  readonly gateway: Gateway;
  /** Where governed calls' time goes, step by step: off unless a benchmark turns it on. */
  readonly steps = new StepTimes();
  /** Systems' subscriptions to the changes of hosted registers, read after a cursor. */
  readonly feeds: ChangeFeeds;
  /** The URL systems ask for tokens at; their client assertions name it as audience. */
  readonly tokenEndpoint: string;
  readonly #providers: ProviderClient;

  private constructor(
    options: ExchangeOptions,
    keys: ExchangeKeys,
    index: DecisionIndex,
    follower: ChangeFollower,
  ) {
    const { config, store } = options;
    this.index = index;
    this.follower = follower;
    this.keys = keys;
    this.tokenEndpoint = `${config.publicUrl}/oauth/token`;
    this.tokens = new AccessTokens({
      keys,
      issuer: config.publicUrl,
      audience: `${config.publicUrl}/exchange`,
      lifetimeSeconds: config.exchangeTokenSeconds,
    });
    this.assertions = new ClientAssertions({
      db: store.db,
      index,
      audiences: [this.tokenEndpoint, config.publicUrl],
      allowPrivateNetworks: config.outboundPrivateNetworks,
      onError: options.onError,
    });
    this.usage = new ExchangeUsage(options.registry, {
      db: store.db,
      flushMs: config.usageFlushSeconds * 1000,
      onError: options.onError,
    });
    this.#providers = new ProviderClient({
      timeoutMs: config.providerTimeoutMs,
      maxResponseBytes: config.providerMaxResponseBytes,
      onError: options.onError,
    });
    this.feeds = new ChangeFeeds({ db: store.db, index, follower, ledger: options.ledger });
    this.gateway = new Gateway({
      index,
      follower,
      ledger: options.ledger,
      keys,
      batches: new BatchSigner(keys, config.publicUrl),
      providers: this.#providers,
      readRecord: recordReader(store),
      usage: this.usage,
      steps: this.steps,
      config,
    });
  }

  /** Loads the signing key and the index, and starts following changes. */
  static async open(options: ExchangeOptions): Promise<Exchange> {
    const keys = await loadExchangeKeys(options.store.db);
    const index = new DecisionIndex(options.store.db);
    const follower = new ChangeFollower(index, {
      databaseUrl: options.store.dialect === 'postgres' ? options.config.databaseUrl : undefined,
      onError: options.onError,
    });
    await follower.start();
    const exchange = new Exchange(options, keys, index, follower);
    exchange.usage.start();
    return exchange;
  }

  /** Applies a change made through this node before the change's API answers (other nodes hear of it by NOTIFY). */
  changed(change: Change): Promise<void> {
    return this.follower.apply(change);
  }

  /**
   * The system an `Authorization: Bearer <access token>` header speaks for. The token's signature is checked
   * once (AccessTokens remembers it); on every call, its expiry, and, from the decision index, that the
   * system is still registered and active and the key that obtained the token is still one of its keys. The
   * index is the state every node already keeps fresh for decisions (a change through this node is applied
   * before its API answers; other nodes hear of it by PostgreSQL NOTIFY, and one that has lost that
   * connection refuses calls (Gateway.call) until it has re-read everything), so a revocation takes effect on the next call,
   * on every node, without a database read per call.
   */
  async authenticate(authorization: string | undefined): Promise<IndexedSystem> {
    if (authorization === undefined) {
      throw new GovdxError(
        'UNAUTHENTICATED',
        'Send the access token of your system as "Authorization: Bearer …"; get one at /oauth/token.',
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1])
      throw new GovdxError('TOKEN_INVALID', 'The Authorization header must be "Bearer <token>".');
    const started = this.steps.now();
    const claims = this.tokens.remembered(match[1]) ?? (await this.tokens.verify(match[1]));
    if (this.follower.pending) await this.follower.pending;
    const system = this.index.system(claims.clientId);
    if (!system || system.id !== claims.systemId) {
      throw new GovdxError(
        'TOKEN_INVALID',
        'The system this access token was issued to is no longer registered.',
      );
    }
    if (system.status !== 'active') {
      throw new GovdxError(
        'SYSTEM_DISABLED',
        `The system ${system.clientId} is disabled by its organization.`,
      );
    }
    if (claims.keyThumbprint !== null && system.keyThumbprints?.has(claims.keyThumbprint) === false) {
      throw new GovdxError(
        'TOKEN_INVALID',
        `The key ${system.clientId} obtained this access token with has been taken off its registered keys. Get a new token with a current key at /oauth/token.`,
      );
    }
    this.steps.add('token', started);
    return system;
  }

  async close(): Promise<void> {
    await this.usage.close();
    await this.follower.close();
    await this.#providers.close();
  }
}
