/**
 * Configuration, declared once: `ConfigSchema` below is the only list of settings. The `Config` type, the
 * checking of flags, environment variables and the config file, `govdx … --help` and the table "Every
 * setting" in docs/configuration.md all come from it.
 * Precedence, highest first: command-line flag, environment variable, config file, default.
 *
 * To add a setting, add one property to `ConfigSchema`:
 *
 *     myTimeoutMs: Type.Integer({
 *       minimum: 100,                       // bounds (Integer), or Type.Enum([...]) / Type.Boolean / Type.String
 *       maximum: 60000,
 *       default: 5000,                      // or Type.Optional(...) with `defaultText: '(unset: …)'`
 *       env: 'GOVDX_MY_TIMEOUT_MS',         // GOVDX_ + the key in SCREAMING_SNAKE_CASE
 *       flag: '--my-timeout-ms',            // -- + the key in kebab-case
 *       description: 'What it does, in the words of the docs table (Markdown allowed).',
 *     }),
 *
 * then run `node scripts/config-docs.js` to rewrite the table in docs/configuration.md (test/config/docs.test.ts
 * fails until the docs match). `defaultText` overrides how the default is shown in the docs and in --help.
 * Defaults that derive from other settings (publicUrl, ledgerOrigin) are filled in by loadConfig after loading.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';

const installRoot = resolve(import.meta.dirname, '..', '..');

export const ConfigSchema = Type.Object(
  {
    host: Type.String({
      default: '127.0.0.1',
      env: 'GOVDX_HOST',
      flag: '--host',
      description: 'Interface to listen on.',
    }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8080,
      env: 'GOVDX_PORT',
      flag: '--port',
      description: 'TCP port to listen on (0 picks a free one).',
    }),
    publicUrl: Type.String({
      default: '',
      defaultText: 'http://localhost:<port>',
      env: 'GOVDX_PUBLIC_URL',
      flag: '--public-url',
      description:
        'Address people and systems use to reach govdx; OIDC issuer URLs and redirects are built from it.',
    }),
    dataDir: Type.String({
      default: './data',
      env: 'GOVDX_DATA_DIR',
      flag: '--data-dir',
      description: 'Folder for the embedded SQLite database and keys.',
    }),
    databaseUrl: Type.Optional(
      Type.String({
        defaultText: '(unset: SQLite)',
        env: 'GOVDX_DATABASE_URL',
        flag: '--database-url',
        description:
          'PostgreSQL connection URL (postgres://user:pass@host:5432/db). Unset: embedded SQLite in the data folder.',
      }),
    ),
    databasePoolSize: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 10,
      env: 'GOVDX_DATABASE_POOL_SIZE',
      flag: '--database-pool-size',
      description: 'Most PostgreSQL connections this node opens.',
    }),
    logLevel: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      default: 'info',
      env: 'GOVDX_LOG_LEVEL',
      flag: '--log-level',
      description: 'Least severe log level written (JSON lines on standard output).',
    }),
    bodyLimitBytes: Type.Integer({
      minimum: 1024,
      maximum: 104857600,
      default: 262144,
      env: 'GOVDX_BODY_LIMIT_BYTES',
      flag: '--body-limit-bytes',
      description: 'Largest request body accepted; larger ones get 413 BODY_TOO_LARGE.',
    }),
    bodyMaxDepth: Type.Integer({
      minimum: 8,
      maximum: 1000,
      default: 64,
      env: 'GOVDX_BODY_MAX_DEPTH',
      flag: '--body-max-depth',
      description:
        'Most arrays and objects nested inside one another in a JSON request body. A deeper body is refused before it is parsed with `400 VALIDATION_FAILED` (at the exchange, the refusal is recorded on the ledger like any other).',
    }),
    requestTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 3600000,
      default: 30000,
      env: 'GOVDX_REQUEST_TIMEOUT_MS',
      flag: '--request-timeout-ms',
      description:
        'How long a client may take to send a whole request, headers and body, in milliseconds; then `408 REQUEST_TIMEOUT` and the connection is closed, so that a body sent a byte at a time cannot hold a connection. Raise it if people upload large files over slow lines.',
    }),
    headersTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 3600000,
      default: 10000,
      env: 'GOVDX_HEADERS_TIMEOUT_MS',
      flag: '--headers-timeout-ms',
      description:
        'How long a client may take to send the headers of a request, in milliseconds; then `408 REQUEST_TIMEOUT` and the connection is closed. At most `requestTimeoutMs`.',
    }),
    keepAliveTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 3600000,
      default: 72000,
      env: 'GOVDX_KEEP_ALIVE_TIMEOUT_MS',
      flag: '--keep-alive-timeout-ms',
      description:
        'How long an idle kept-alive connection waits for its next request, in milliseconds. Behind a load balancer, make it longer than the balancer keeps idle connections (60 s on many).',
    }),
    connectionTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 3600000,
      default: 120000,
      env: 'GOVDX_CONNECTION_TIMEOUT_MS',
      flag: '--connection-timeout-ms',
      description:
        'How long a connection may stay silent, nothing sent either way, before it is closed, in milliseconds.',
    }),
    maxConnections: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      default: 10000,
      env: 'GOVDX_MAX_CONNECTIONS',
      flag: '--max-connections',
      description:
        'Most connections this node holds open at once; connections beyond it are closed as they arrive.',
    }),
    trustProxy: Type.Optional(
      Type.String({
        defaultText: '(unset)',
        env: 'GOVDX_TRUST_PROXY',
        flag: '--trust-proxy',
        description:
          'Addresses of the load balancers in front of govdx (comma-separated IPs or CIDRs, e.g. `10.0.0.0/8`) ' +
          'whose `X-Forwarded-For` header names the caller. govdx pauses sign-in per caller address after ' +
          "repeated wrong passwords: behind a load balancer, without this setting every caller has the balancer's " +
          "address. Unset: the connecting address is the caller's.",
      }),
    ),
    sessionHours: Type.Integer({
      minimum: 1,
      maximum: 720,
      default: 8,
      env: 'GOVDX_SESSION_HOURS',
      flag: '--session-hours',
      description: 'How long a browser sign-in lasts.',
    }),
    oidcIssuer: Type.Optional(
      Type.String({
        defaultText: '(unset: embedded)',
        env: 'GOVDX_OIDC_ISSUER',
        flag: '--oidc-issuer',
        description:
          'OpenID Connect issuer for sign-in. Unset: the embedded demo identity provider at <public-url>/idp.',
      }),
    ),
    oidcClientId: Type.String({
      default: 'govdx',
      env: 'GOVDX_OIDC_CLIENT_ID',
      flag: '--oidc-client-id',
      description: "govdx's client ID at the OpenID Connect issuer.",
    }),
    oidcClientSecret: Type.Optional(
      Type.String({
        defaultText: '(unset)',
        env: 'GOVDX_OIDC_CLIENT_SECRET',
        flag: '--oidc-client-secret',
        description: "govdx's client secret at an external issuer (the embedded one generates its own).",
      }),
    ),
    webDir: Type.String({
      default: resolve(installRoot, 'web', 'dist'),
      defaultText: 'web/dist in the installation',
      env: 'GOVDX_WEB_DIR',
      flag: '--web-dir',
      description: 'Folder of the built web app served at /.',
    }),
    demoPopulation: Type.Integer({
      minimum: 10,
      maximum: 10000000,
      default: 100000,
      env: 'GOVDX_DEMO_POPULATION',
      flag: '--demo-population',
      description: 'Persons generated in the demo population register.',
    }),
    demoProviderPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8081,
      env: 'GOVDX_DEMO_PROVIDER_PORT',
      flag: '--demo-provider-port',
      description: 'Port of the demo provider APIs (tax agency, health ministry); 0 picks a free one.',
    }),
    demoServicePort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8082,
      env: 'GOVDX_DEMO_SERVICE_PORT',
      flag: '--demo-service-port',
      description:
        "Port of the demo's housing benefit application, a service that pre-fills its form with the citizen's " +
        'consent (see [consent.md](consent.md)); 0 picks a free one.',
    }),
    ledgerOrigin: Type.String({
      default: '',
      defaultText: '`<public URL host>/ledger`',
      env: 'GOVDX_LEDGER_ORIGIN',
      flag: '--ledger-origin',
      description:
        "The ledger's identity: the first line of its checkpoints and the name of its signing key. No spaces, " +
        'no `+`. Changing it starts a different log in the eyes of verifiers. See [ledger.md](ledger.md).',
    }),
    ledgerKey: Type.Optional(
      Type.String({
        defaultText: '(unset: kept in the database)',
        env: 'GOVDX_LEDGER_KEY',
        flag: '--ledger-key',
        description:
          'Signer key of the ledger, `PRIVATE+KEY+<name>+<id>+<key>` (make one with `govdx ledger key --new`), ' +
          "or the path of a file holding it. Unset: generated once and kept in the database's `settings` table, " +
          'shared by every node.',
      }),
    ),
    exchangeTokenSeconds: Type.Integer({
      minimum: 30,
      maximum: 3600,
      default: 300,
      env: 'GOVDX_EXCHANGE_TOKEN_SECONDS',
      flag: '--exchange-token-seconds',
      description: 'Lifetime of the access tokens that systems get at `/oauth/token`, in seconds.',
    }),
    exchangeSystemRateLimit: Type.Integer({
      minimum: 0,
      maximum: 100000000,
      default: 60000,
      env: 'GOVDX_EXCHANGE_SYSTEM_RATE_LIMIT',
      flag: '--exchange-system-rate-limit',
      description:
        'Most exchange calls per minute by one system, counted on each node (0: no limit). More get ' +
        '`429 RATE_LIMITED` with `Retry-After`.',
    }),
    exchangeSystemDailyQuota: Type.Integer({
      minimum: 0,
      maximum: 1000000000,
      default: 0,
      env: 'GOVDX_EXCHANGE_SYSTEM_DAILY_QUOTA',
      flag: '--exchange-system-daily-quota',
      description:
        'Most exchange calls per UTC day by one system, counted on each node (0: no quota). More get ' +
        '`429 QUOTA_EXCEEDED`.',
    }),
    exchangeAgreementRateLimit: Type.Integer({
      minimum: 0,
      maximum: 100000000,
      default: 0,
      env: 'GOVDX_EXCHANGE_AGREEMENT_RATE_LIMIT',
      flag: '--exchange-agreement-rate-limit',
      description:
        'Most calls per minute under an agreement that sets no `rateLimitPerMinute` of its own, counted on each ' +
        'node (0: no limit).',
    }),
    providerTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 300000,
      default: 10000,
      env: 'GOVDX_PROVIDER_TIMEOUT_MS',
      flag: '--provider-timeout-ms',
      description:
        "How long the exchange waits for a provider's whole answer, in milliseconds; then `504 PROVIDER_TIMEOUT`.",
    }),
    providerMaxResponseBytes: Type.Integer({
      minimum: 1024,
      maximum: 1073741824,
      default: 1048576,
      env: 'GOVDX_PROVIDER_MAX_RESPONSE_BYTES',
      flag: '--provider-max-response-bytes',
      description:
        'The largest answer the exchange accepts from a provider, in bytes; a larger one is cut off and refused ' +
        '(`502 PROVIDER_RESPONSE_TOO_LARGE`).',
    }),
    webhooksAllowHttp: Type.Boolean({
      default: false,
      env: 'GOVDX_WEBHOOKS_ALLOW_HTTP',
      flag: '--webhooks-allow-http',
      description:
        'Whether organizations may register webhooks at plain `http://` URLs; otherwise only `https://` ones are ' +
        'accepted (`400 VALIDATION_FAILED`). For trials and tests: `govdx demo` sets it to true unless it is given.',
    }),
    outboundPrivateNetworks: Type.Boolean({
      default: false,
      env: 'GOVDX_OUTBOUND_PRIVATE_NETWORKS',
      flag: '--outbound-private-networks',
      description:
        "Whether webhook deliveries, the link checks of distribution addresses and the fetching of systems' JWKS " +
        'URLs may call private, loopback, link-local and other non-public addresses (providers’ APIs are called at ' +
        'private addresses when this is on, or when the platform admin marks their origin as inside the ' +
        "platform's network; see [integrating.md](integrating.md#2-publish-it)). Off, govdx calls only public " +
        'internet addresses, checked when ' +
        'the name is resolved, just before connecting (a name that resolves to `127.0.0.1` or `169.254.169.254` ' +
        'is refused too), so an organization cannot make govdx probe the network it runs in. For trials and ' +
        'tests: `govdx demo` sets it to true unless it is given.',
    }),
    agreementSweepSeconds: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 60,
      env: 'GOVDX_AGREEMENT_SWEEP_SECONDS',
      flag: '--agreement-sweep-seconds',
      description:
        'How often govdx ends agreements and consents past their end date (recorded on the ledger as ' +
        '`agreement.expired` and `consent.expired`) and tells the parties, through their webhooks, of agreements ' +
        'ending within 30 days. The exchange refuses an agreement past its end date at once either way.',
    }),
    usageFlushSeconds: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 5,
      env: 'GOVDX_USAGE_FLUSH_SECONDS',
      flag: '--usage-flush-seconds',
      description:
        'How often each node adds the exchange usage it has counted (calls, refusals by reason, latency, by day) to ' +
        'the store, where every node reads the same numbers; and once more when it shuts down. A node that ' +
        'crashes loses at most this many seconds of usage statistics; the ledger still holds every access.',
    }),
    notificationSeconds: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 10,
      env: 'GOVDX_NOTIFICATION_SECONDS',
      flag: '--notification-seconds',
      description:
        'How often govdx reads the governance events recorded since its last look and makes the notifications ' +
        'people see in their inbox (and, with `smtpUrl`, emails them and retries failed emails). See ' +
        '[Notifications and email](#notifications-and-email).',
    }),
    smtpUrl: Type.Optional(
      Type.String({
        defaultText: '(unset: no email)',
        env: 'GOVDX_SMTP_URL',
        flag: '--smtp-url',
        description:
          'SMTP server that emails notifications, e.g. `smtps://user:password@mail.example.gov:465` or ' +
          '`smtp://mail.internal:587` (STARTTLS when the server offers it). Each notification is emailed once to ' +
          'people with an email address; a failed attempt is tried again, waiting 1 minute, then twice as long ' +
          'each time, 8 attempts in all. Unset: nothing is emailed; the inbox is the same.',
      }),
    ),
    mailFrom: Type.String({
      default: '',
      defaultText: 'govdx <govdx@(host of publicUrl)>',
      env: 'GOVDX_MAIL_FROM',
      flag: '--mail-from',
      description: 'Sender of notification emails, e.g. `Data exchange <no-reply@example.gov>`.',
    }),
    qualityCheckHours: Type.Integer({
      minimum: 0,
      maximum: 8760,
      default: 24,
      env: 'GOVDX_QUALITY_CHECK_HOURS',
      flag: '--quality-check-hours',
      description:
        'How often govdx checks the records of hosted datasets (completeness, validity, duplicate keys, ' +
        'freshness) and asks outside distribution addresses whether they answer, in hours. One dataset at a ' +
        'time; a dataset another node is checking is left to it. Each node looks at start and then hourly (or ' +
        'at this interval, if shorter), and checks only what was not checked within it. 0: only when a steward ' +
        'asks (`POST …/quality-checks`). See [catalog.md](catalog.md#data-quality-checks).',
    }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** One setting as read from ConfigSchema: its key, the schema of its value and its annotations. */
export interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  description: string;
  /** How the default is shown in the docs and in --help. */
  defaultText: string;
  /** The value's schema (type, bounds or allowed values, default). */
  schema: TSchema & {
    type?: string;
    minimum?: number;
    maximum?: number;
    enum?: readonly string[];
    default?: unknown;
  };
}

export const SETTINGS: readonly Setting[] = Object.entries(ConfigSchema.properties).map(([key, schema]) => {
  const s = schema as unknown as Setting['schema'] & Record<string, unknown>;
  if (typeof s.env !== 'string' || typeof s.flag !== 'string' || typeof s.description !== 'string') {
    throw new Error(`Setting ${key} needs env, flag and description annotations`);
  }
  return {
    key: key as keyof Config,
    env: s.env,
    flag: s.flag,
    description: s.description,
    defaultText: typeof s.defaultText === 'string' ? s.defaultText : String(s.default),
    schema: s,
  };
});

/** A whole number's bounds in words: "0–65535", "1 or more", "at most 10" or "of any size". */
function range({ minimum, maximum }: Setting['schema']): string {
  if (minimum !== undefined && maximum !== undefined) return `${minimum}–${maximum}`;
  if (minimum !== undefined) return `${minimum} or more`;
  return maximum !== undefined ? `at most ${maximum}` : 'of any size';
}

/** What values a setting accepts, in words ("Whole number 0–65535."), or '' for free text. */
export function acceptedValues(setting: Setting): string {
  const { schema } = setting;
  if (schema.enum) return `One of: ${schema.enum.join(', ')}.`;
  if (schema.type === 'integer') return `Whole number ${range(schema)}.`;
  if (schema.type === 'boolean') return '`true` or `false`.';
  return '';
}

/** The setting's meaning with what it accepts, in Markdown, as the docs table and --help show it. */
export function settingMeaning(setting: Setting): string {
  return [setting.description, acceptedValues(setting)].filter(Boolean).join(' ');
}

/** The table "Every setting" of docs/configuration.md, rendered from ConfigSchema. */
export function settingsTable(): string {
  const rows = SETTINGS.map(
    (s) => `| \`${s.key}\` | \`${s.env}\` | \`${s.flag}\` | ${s.defaultText} | ${settingMeaning(s)} |`,
  );
  return [
    '| Setting (config file key) | Environment variable | Flag | Default | Meaning |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Every setting's default; settings without one (Type.Optional) are undefined. */
export function defaults(): Config {
  const unset = Object.fromEntries(SETTINGS.map((s) => [s.key, undefined]));
  return Value.Default(ConfigSchema, unset) as Config;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Raw = Partial<Record<keyof Config, unknown>>;

/**
 * Turns a value from a flag, the environment or the config file into the setting's type and checks it against
 * the setting's schema; text from flags and the environment becomes a whole number or a boolean where the
 * schema says so. Throws ConfigError naming the setting and the source.
 */
function coerce(setting: Setting, value: unknown, source: string): unknown {
  const where = `${setting.key} (${source})`;
  const { schema } = setting;
  let typed = value;
  if (schema.type === 'integer' && typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
    typed = Number(value);
  }
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) typed = value === 'true';
  if (Value.Check(schema, typed)) return typed;
  if (schema.type === 'integer') {
    if (!Number.isInteger(typed))
      throw new ConfigError(`${where} must be a whole number, got ${JSON.stringify(value)}`);
    const bounds =
      schema.minimum !== undefined && schema.maximum !== undefined
        ? `between ${schema.minimum} and ${schema.maximum}`
        : range(schema);
    throw new ConfigError(`${where} must be ${bounds}, got ${typed}`);
  }
  if (schema.type === 'boolean')
    throw new ConfigError(`${where} must be true or false, got ${JSON.stringify(value)}`);
  if (typeof value !== 'string') throw new ConfigError(`${where} must be text, got ${JSON.stringify(value)}`);
  if (schema.enum) throw new ConfigError(`${where} must be one of ${schema.enum.join(', ')}, got "${value}"`);
  throw new ConfigError(`${where} is not accepted, got ${JSON.stringify(value)}`);
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
