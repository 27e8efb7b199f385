/**
 * Configuration. Each setting is declared once, with its environment variable, its flag and its
 * meaning; the CLI builds its flags from this list and docs/configuration.md documents it.
 * Precedence, highest first: command-line flag, environment variable, config file, default.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** The address people and systems use to reach this node; OIDC issuers and redirects derive from it. */
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  /** Load balancers in front of govdx whose X-Forwarded-For is believed (comma-separated addresses or CIDRs). */
  trustProxy: string | undefined;
  /** Most arrays and objects nested inside one another in a JSON request body. */
  bodyMaxDepth: number;
  /** How long a client may take to send a whole request (headers and body), in milliseconds. */
  requestTimeoutMs: number;
  /** How long a client may take to send a request's headers, in milliseconds. */
  headersTimeoutMs: number;
  /** How long an idle kept-alive connection stays open for the next request, in milliseconds. */
  keepAliveTimeoutMs: number;
  /** How long a connection may stay silent (nothing sent either way) before it is closed, in milliseconds. */
  connectionTimeoutMs: number;
  /** Most connections this node holds open at once; more are closed as they arrive. */
  maxConnections: number;
  sessionHours: number;
  /** External OpenID Connect issuer for staff and citizen sign-in; unset = the embedded demo provider. */
  oidcIssuer: string | undefined;
  oidcClientId: string;
  oidcClientSecret: string | undefined;
  /** Where the built web app lives; served at `/`. */
  webDir: string;
  /** People in the demo population register. */
  demoPopulation: number;
  /** Port of the demo's provider APIs (tax agency, health ministry); 0 picks a free port. */
  demoProviderPort: number;
  /** Port of the demo's housing benefit application (a service that pre-fills its form through consent); 0 picks a free port. */
  demoServicePort: number;
  /** The ledger's checkpoint origin line (and signing key name); derived from publicUrl when unset. */
  ledgerOrigin: string;
  /** The ledger's signed-note signer key (`PRIVATE+KEY+…`) or a file holding one; unset = kept in the database. */
  ledgerKey: string | undefined;
  /** Lifetime of the exchange's access tokens, in seconds. */
  exchangeTokenSeconds: number;
  /** Most exchange calls per minute by one system (0: no limit). */
  exchangeSystemRateLimit: number;
  /** Most exchange calls per UTC day by one system (0: no quota). */
  exchangeSystemDailyQuota: number;
  /** Most calls per minute under an agreement that sets no limit of its own (0: no limit). */
  exchangeAgreementRateLimit: number;
  /** How long the exchange waits for a provider's whole answer, in milliseconds. */
  providerTimeoutMs: number;
  /** The largest answer the exchange accepts from a provider, in bytes. */
  providerMaxResponseBytes: number;
  /** Whether organizations may register webhooks at plain `http:` URLs (for trials and tests only). */
  webhooksAllowHttp: boolean;
  /** Whether webhooks and link checks may call private, loopback and link-local addresses (trials and tests). */
  outboundPrivateNetworks: boolean;
  /** How often agreements past their end date are ended and those ending soon flagged, in seconds. */
  agreementSweepSeconds: number;
  /** How often hosted datasets' records and distribution links are checked, in hours (0: never on a schedule). */
  qualityCheckHours: number;
}

type Kind = 'string' | 'integer' | 'enum' | 'boolean';

export interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  kind: Kind;
  values?: readonly string[];
  min?: number;
  max?: number;
  description: string;
  /** Shown in docs; the default itself is in DEFAULTS. */
  defaultText: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    key: 'host',
    env: 'GOVDX_HOST',
    flag: '--host',
    kind: 'string',
    description: 'Interface to listen on.',
    defaultText: '127.0.0.1',
  },
  {
    key: 'port',
    env: 'GOVDX_PORT',
    flag: '--port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description: 'TCP port to listen on (0 picks a free one).',
    defaultText: '8080',
  },
  {
    key: 'publicUrl',
    env: 'GOVDX_PUBLIC_URL',
    flag: '--public-url',
    kind: 'string',
    description:
      'Address people and systems use to reach govdx; OIDC issuer URLs and redirects are built from it.',
    defaultText: 'http://localhost:<port>',
  },
  {
    key: 'dataDir',
    env: 'GOVDX_DATA_DIR',
    flag: '--data-dir',
    kind: 'string',
    description: 'Folder for the embedded SQLite database and keys.',
    defaultText: './data',
  },
  {
    key: 'databaseUrl',
    env: 'GOVDX_DATABASE_URL',
    flag: '--database-url',
    kind: 'string',
    description:
      'PostgreSQL connection URL (postgres://user:pass@host:5432/db). Unset: embedded SQLite in the data folder.',
    defaultText: '(unset: SQLite)',
  },
  {
    key: 'databasePoolSize',
    env: 'GOVDX_DATABASE_POOL_SIZE',
    flag: '--database-pool-size',
    kind: 'integer',
    min: 1,
    max: 1000,
    description: 'Most PostgreSQL connections this node opens.',
    defaultText: '10',
  },
  {
    key: 'logLevel',
    env: 'GOVDX_LOG_LEVEL',
    flag: '--log-level',
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    description: 'Least severe log level written (JSON lines on standard output).',
    defaultText: 'info',
  },
  {
    key: 'bodyLimitBytes',
    env: 'GOVDX_BODY_LIMIT_BYTES',
    flag: '--body-limit-bytes',
    kind: 'integer',
    min: 1024,
    max: 104857600,
    description: 'Largest request body accepted; larger ones get 413 BODY_TOO_LARGE.',
    defaultText: '262144',
  },
  {
    key: 'bodyMaxDepth',
    env: 'GOVDX_BODY_MAX_DEPTH',
    flag: '--body-max-depth',
    kind: 'integer',
    min: 8,
    max: 1000,
    description:
      'Most arrays and objects nested inside one another in a JSON request body; a deeper body is refused with 400 VALIDATION_FAILED (at the exchange, recorded on the ledger).',
    defaultText: '64',
  },
  {
    key: 'requestTimeoutMs',
    env: 'GOVDX_REQUEST_TIMEOUT_MS',
    flag: '--request-timeout-ms',
    kind: 'integer',
    min: 100,
    max: 3600000,
    description:
      'How long a client may take to send a whole request, headers and body, in milliseconds; then 408 and the connection is closed.',
    defaultText: '30000',
  },
  {
    key: 'headersTimeoutMs',
    env: 'GOVDX_HEADERS_TIMEOUT_MS',
    flag: '--headers-timeout-ms',
    kind: 'integer',
    min: 100,
    max: 3600000,
    description:
      'How long a client may take to send the headers of a request, in milliseconds (at most requestTimeoutMs); then 408 and the connection is closed.',
    defaultText: '10000',
  },
  {
    key: 'keepAliveTimeoutMs',
    env: 'GOVDX_KEEP_ALIVE_TIMEOUT_MS',
    flag: '--keep-alive-timeout-ms',
    kind: 'integer',
    min: 100,
    max: 3600000,
    description:
      'How long an idle kept-alive connection waits for its next request, in milliseconds. Behind a load balancer, make it longer than the balancer keeps idle connections.',
    defaultText: '72000',
  },
  {
    key: 'connectionTimeoutMs',
    env: 'GOVDX_CONNECTION_TIMEOUT_MS',
    flag: '--connection-timeout-ms',
    kind: 'integer',
    min: 100,
    max: 3600000,
    description:
      'How long a connection may stay silent, nothing sent either way, before it is closed, in milliseconds.',
    defaultText: '120000',
  },
  {
    key: 'maxConnections',
    env: 'GOVDX_MAX_CONNECTIONS',
    flag: '--max-connections',
    kind: 'integer',
    min: 1,
    max: 1000000,
    description: 'Most connections this node holds open at once; more are closed as they arrive.',
    defaultText: '10000',
  },
  {
    key: 'sessionHours',
    env: 'GOVDX_SESSION_HOURS',
    flag: '--session-hours',
    kind: 'integer',
    min: 1,
    max: 720,
    description: 'How long a browser sign-in lasts.',
    defaultText: '8',
  },
  {
    key: 'trustProxy',
    env: 'GOVDX_TRUST_PROXY',
    flag: '--trust-proxy',
    kind: 'string',
    description:
      'Addresses of the load balancers in front of govdx (comma-separated IPs or CIDRs) whose X-Forwarded-For names the caller. Unset: the connecting address is the caller.',
    defaultText: '(unset)',
  },
  {
    key: 'oidcIssuer',
    env: 'GOVDX_OIDC_ISSUER',
    flag: '--oidc-issuer',
    kind: 'string',
    description:
      'OpenID Connect issuer for sign-in. Unset: the embedded demo identity provider at <public-url>/idp.',
    defaultText: '(unset: embedded)',
  },
  {
    key: 'oidcClientId',
    env: 'GOVDX_OIDC_CLIENT_ID',
    flag: '--oidc-client-id',
    kind: 'string',
    description: "govdx's client ID at the OpenID Connect issuer.",
    defaultText: 'govdx',
  },
  {
    key: 'oidcClientSecret',
    env: 'GOVDX_OIDC_CLIENT_SECRET',
    flag: '--oidc-client-secret',
    kind: 'string',
    description: "govdx's client secret at an external issuer (the embedded one generates its own).",
    defaultText: '(unset)',
  },
  {
    key: 'webDir',
    env: 'GOVDX_WEB_DIR',
    flag: '--web-dir',
    kind: 'string',
    description: 'Folder of the built web app served at /.',
    defaultText: 'web/dist in the installation',
  },
  {
    key: 'demoPopulation',
    env: 'GOVDX_DEMO_POPULATION',
    flag: '--demo-population',
    kind: 'integer',
    min: 10,
    max: 10000000,
    description: 'Persons generated in the demo population register.',
    defaultText: '100000',
  },
  {
    key: 'demoProviderPort',
    env: 'GOVDX_DEMO_PROVIDER_PORT',
    flag: '--demo-provider-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description: 'Port of the demo provider APIs (tax agency, health ministry); 0 picks a free one.',
    defaultText: '8081',
  },
  {
    key: 'demoServicePort',
    env: 'GOVDX_DEMO_SERVICE_PORT',
    flag: '--demo-service-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description:
      "Port of the demo's housing benefit application, a service that pre-fills its form with the citizen's consent; 0 picks a free one.",
    defaultText: '8082',
  },
  {
    key: 'ledgerOrigin',
    env: 'GOVDX_LEDGER_ORIGIN',
    flag: '--ledger-origin',
    kind: 'string',
    description:
      'The ledger\'s identity: the first line of its checkpoints and the name of its signing key. No spaces, no "+".',
    defaultText: '<public URL host>/ledger',
  },
  {
    key: 'ledgerKey',
    env: 'GOVDX_LEDGER_KEY',
    flag: '--ledger-key',
    kind: 'string',
    description:
      'Signer key of the ledger (PRIVATE+KEY+<name>+<id>+<key>, from `govdx ledger key --new`) or the path of a file holding it. ' +
      'Unset: generated once and kept in the database, shared by every node.',
    defaultText: '(unset: kept in the database)',
  },
  {
    key: 'agreementSweepSeconds',
    env: 'GOVDX_AGREEMENT_SWEEP_SECONDS',
    flag: '--agreement-sweep-seconds',
    kind: 'integer',
    min: 1,
    max: 86400,
    description:
      'How often govdx ends agreements and consents past their end date (recorded on the ledger) and tells the parties of agreements ending within 30 days, in seconds. (The exchange refuses an agreement past its end date at once either way.)',
    defaultText: '60',
  },
  {
    key: 'qualityCheckHours',
    env: 'GOVDX_QUALITY_CHECK_HOURS',
    flag: '--quality-check-hours',
    kind: 'integer',
    min: 0,
    max: 8760,
    description:
      "How often govdx checks hosted datasets' records (completeness, validity, duplicate keys, freshness) and whether distribution links answer, in hours; one dataset at a time, never two nodes on the same dataset. 0: only when a steward asks.",
    defaultText: '24',
  },
  {
    key: 'exchangeTokenSeconds',
    env: 'GOVDX_EXCHANGE_TOKEN_SECONDS',
    flag: '--exchange-token-seconds',
    kind: 'integer',
    min: 30,
    max: 3600,
    description: 'Lifetime of the access tokens that systems get at /oauth/token, in seconds.',
    defaultText: '300',
  },
  {
    key: 'exchangeSystemRateLimit',
    env: 'GOVDX_EXCHANGE_SYSTEM_RATE_LIMIT',
    flag: '--exchange-system-rate-limit',
    kind: 'integer',
    min: 0,
    max: 100000000,
    description: 'Most exchange calls per minute by one system, on each node (0: no limit).',
    defaultText: '60000',
  },
  {
    key: 'exchangeSystemDailyQuota',
    env: 'GOVDX_EXCHANGE_SYSTEM_DAILY_QUOTA',
    flag: '--exchange-system-daily-quota',
    kind: 'integer',
    min: 0,
    max: 1000000000,
    description: 'Most exchange calls per UTC day by one system, on each node (0: no quota).',
    defaultText: '0',
  },
  {
    key: 'exchangeAgreementRateLimit',
    env: 'GOVDX_EXCHANGE_AGREEMENT_RATE_LIMIT',
    flag: '--exchange-agreement-rate-limit',
    kind: 'integer',
    min: 0,
    max: 100000000,
    description:
      'Most calls per minute under an agreement that sets no limit of its own, on each node (0: no limit).',
    defaultText: '0',
  },
  {
    key: 'providerTimeoutMs',
    env: 'GOVDX_PROVIDER_TIMEOUT_MS',
    flag: '--provider-timeout-ms',
    kind: 'integer',
    min: 100,
    max: 300000,
    description: "How long the exchange waits for a provider's whole answer, in milliseconds; then 504.",
    defaultText: '10000',
  },
  {
    key: 'providerMaxResponseBytes',
    env: 'GOVDX_PROVIDER_MAX_RESPONSE_BYTES',
    flag: '--provider-max-response-bytes',
    kind: 'integer',
    min: 1024,
    max: 1073741824,
    description:
      'The largest answer the exchange accepts from a provider, in bytes; a larger one is refused (502).',
    defaultText: '1048576',
  },
  {
    key: 'webhooksAllowHttp',
    env: 'GOVDX_WEBHOOKS_ALLOW_HTTP',
    flag: '--webhooks-allow-http',
    kind: 'boolean',
    description:
      'Whether organizations may register webhooks at plain http:// URLs (true or false); otherwise https:// only.',
    defaultText: 'false',
  },
  {
    key: 'outboundPrivateNetworks',
    env: 'GOVDX_OUTBOUND_PRIVATE_NETWORKS',
    flag: '--outbound-private-networks',
    kind: 'boolean',
    description:
      'Whether webhook deliveries and link checks may call private, loopback and link-local addresses (true or false); otherwise public internet addresses only.',
    defaultText: 'false',
  },
];

const installRoot = resolve(import.meta.dirname, '..', '..');

export function defaults(): Config {
  return {
    host: '127.0.0.1',
    port: 8080,
    publicUrl: '',
    dataDir: './data',
    databaseUrl: undefined,
    databasePoolSize: 10,
    logLevel: 'info',
    bodyLimitBytes: 262144,
    trustProxy: undefined,
    bodyMaxDepth: 64,
    requestTimeoutMs: 30000,
    headersTimeoutMs: 10000,
    keepAliveTimeoutMs: 72000,
    connectionTimeoutMs: 120000,
    maxConnections: 10000,
    sessionHours: 8,
    oidcIssuer: undefined,
    oidcClientId: 'govdx',
    oidcClientSecret: undefined,
    webDir: resolve(installRoot, 'web', 'dist'),
    demoPopulation: 100000,
    demoProviderPort: 8081,
    demoServicePort: 8082,
    ledgerOrigin: '',
    ledgerKey: undefined,
    exchangeTokenSeconds: 300,
    exchangeSystemRateLimit: 60000,
    exchangeSystemDailyQuota: 0,
    exchangeAgreementRateLimit: 0,
    providerTimeoutMs: 10000,
    providerMaxResponseBytes: 1048576,
    webhooksAllowHttp: false,
    outboundPrivateNetworks: false,
    agreementSweepSeconds: 60,
    qualityCheckHours: 24,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Raw = Partial<Record<keyof Config, unknown>>;

function coerce(setting: Setting, value: unknown, source: string): unknown {
  const where = `${setting.key} (${source})`;
  if (setting.kind === 'integer') {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : Number.NaN;
    if (!Number.isInteger(n))
      throw new ConfigError(`${where} must be a whole number, got ${JSON.stringify(value)}`);
    if ((setting.min !== undefined && n < setting.min) || (setting.max !== undefined && n > setting.max)) {
      throw new ConfigError(`${where} must be between ${setting.min} and ${setting.max}, got ${n}`);
    }
    return n;
  }
  if (setting.kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new ConfigError(`${where} must be true or false, got ${JSON.stringify(value)}`);
  }
  if (typeof value !== 'string') throw new ConfigError(`${where} must be text, got ${JSON.stringify(value)}`);
  if (setting.kind === 'enum' && !setting.values?.includes(value)) {
    throw new ConfigError(`${where} must be one of ${setting.values?.join(', ')}, got "${value}"`);
  }
  return value;
}

export interface ConfigSources {
  /** Values from command-line flags, keyed by Config key; undefined ones are ignored. */
  flags?: Raw;
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file whose keys are Config keys. */
  file?: string | undefined;
}

/** Merges the sources over the defaults and checks every value; throws ConfigError naming the bad one. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const config: Record<string, unknown> = { ...defaults() };
  const filePath = sources.file ?? env.GOVDX_CONFIG;
  if (filePath) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (error) {
      throw new ConfigError(`Cannot read config file ${filePath}: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`Config file ${filePath} must hold a JSON object`);
    }
    for (const [key, value] of Object.entries(parsed)) {
      const setting = SETTINGS.find((s) => s.key === key);
      if (!setting) throw new ConfigError(`Config file ${filePath}: unknown setting "${key}"`);
      config[key] = coerce(setting, value, filePath);
    }
  }
  for (const setting of SETTINGS) {
    const value = env[setting.env];
    if (value !== undefined && value !== '') config[setting.key] = coerce(setting, value, setting.env);
  }
  for (const setting of SETTINGS) {
    const value = sources.flags?.[setting.key];
    if (value !== undefined) config[setting.key] = coerce(setting, value, setting.flag);
  }
  const result = config as unknown as Config;
  if (!result.publicUrl) {
    const host =
      result.host === '0.0.0.0' || result.host === '::' || result.host === '127.0.0.1'
        ? 'localhost'
        : result.host;
    result.publicUrl = `http://${host}:${result.port}`;
  }
  try {
    const url = new URL(result.publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new ConfigError(`publicUrl must be an http(s) URL, got "${result.publicUrl}"`);
  }
  result.publicUrl = result.publicUrl.replace(/\/+$/, '');
  // tlog-checkpoint: the origin SHOULD be the log's URL prefix without the scheme.
  if (!result.ledgerOrigin) result.ledgerOrigin = `${new URL(result.publicUrl).host}/ledger`;
  if (result.headersTimeoutMs > result.requestTimeoutMs) {
    throw new ConfigError(
      `headersTimeoutMs (${result.headersTimeoutMs}) must not be longer than requestTimeoutMs (${result.requestTimeoutMs})`,
    );
  }
  if (/[\s+]/u.test(result.ledgerOrigin)) {
    throw new ConfigError(`ledgerOrigin must not contain spaces or "+", got "${result.ledgerOrigin}"`);
  }
  return result;
}
