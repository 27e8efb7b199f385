/**
 * The govdx HTTP application: one Fastify instance, one route plugin per part.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AgreementWorkflow, enqueueWebhookEvent, WebhookDispatcher } from '../agreements/index.ts';
import type { Config } from '../config/index.ts';
import { GovdxError } from '../domain/index.ts';
import { Exchange } from '../exchange/index.ts';
import { type Ledger, openLedger } from '../ledger/index.ts';
import { Notifier } from '../notifications/index.ts';
import type { Store } from '../store/index.ts';
import { SubjectIndexCheck } from '../tracker/index.ts';
import { accessPlugin } from './access.ts';
import { clientErrorHandler, errorHandler } from './errors.ts';
import { limitJsonDepth } from './json-body.ts';
import { metricsPlugin } from './metrics.ts';
import { routes } from './routes/index.ts';
import { ErrorResponse } from './schemas.ts';
import { securityHeaders } from './security-headers.ts';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    config: Config;
    /** Every part records access and governance events through `app.ledger.append(…)`. */
    ledger: Ledger;
    /** The exchange: its decision index, token issuing and gateway (src/exchange). */
    exchange: Exchange;
    /** Sends organizations' webhook messages as they fall due (src/agreements/webhooks.ts; started by src/node/). */
    webhooks: WebhookDispatcher;
    /** The node's background check of the ledger's subject index against the committed events (src/tracker; run by src/node/). */
    subjectIndexCheck: SubjectIndexCheck;
    /** The agreement workflow: requests, sign-offs, transitions, expiry (src/agreements; its sweep started by src/node/). */
    agreements: AgreementWorkflow;
    /** Makes people's notifications from the governance events and emails them (src/notifications; run by src/node/). */
    notifications: Notifier;
    /** Whether the web app is built (pages can be served). */
    hasWebApp: boolean;
  }
}

export interface AppOptions {
  config: Config;
  store: Store;
  /** Pino logger options or false; the CLI passes its own. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Bodies are checked strictly: wrong types and unknown fields are refused, never coerced or dropped.
 * Query strings and URL parameters arrive as text, so there numbers are coerced from text.
 */
function validators() {
  const common = { allErrors: false, strict: false, useDefaults: true, removeAdditional: false } as const;
  const strict = new Ajv({ ...common, coerceTypes: false });
  const coercing = new Ajv({ ...common, coerceTypes: 'array' });
  for (const ajv of [strict, coercing]) {
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema(ErrorResponse, 'Error');
  }
  return { strict, coercing };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    bodyLimit: config.bodyLimitBytes,
    // The caller's address (request.ip: sign-in throttling, logs) from the trusted load balancers' X-Forwarded-For.
    trustProxy: config.trustProxy
      ? config.trustProxy
          .split(',')
          .map((address) => address.trim())
          .filter(Boolean)
      : false,
    // Finite timeouts: a client that sends its request a byte at a time, or never, does not keep a
    // connection. Node checks for late requests every connectionsCheckingInterval (30 s by default).
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.headersTimeoutMs / 4))),
    },
    clientErrorHandler,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.server.maxConnections = config.maxConnections;
  limitJsonDepth(app, config.bodyMaxDepth);

  const { strict, coercing } = validators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : coercing.compile(schema),
  );
  app.addSchema(ErrorResponse);
  app.decorate('store', store);
  app.decorate('config', config);
  const ledger = await openLedger(store, {
    origin: config.ledgerOrigin,
    key: config.ledgerKey,
    onError: (error, what) => app.log.error({ err: error }, `ledger: ${what} failed`),
  });
  app.decorate('ledger', ledger);
  app.decorate(
    'subjectIndexCheck',
    new SubjectIndexCheck(ledger, (misfiled) =>
      app.log.error(
        { entry: misfiled.index, filedUnder: misfiled.filedUnder.length },
        "ledger: the subject index leaves an entry out of its person's My data; the index was changed in the database. Run govdx ledger audit.",
      ),
    ),
  );
  ledger.startCheckpoints();
  app.addHook('onClose', () => ledger.close());
  app.setErrorHandler(errorHandler);

  await app.register(securityHeaders, { publicUrl: config.publicUrl });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'govdx API',
        version: '0.1.0',
        description:
          'Data exchange and data governance for government. Every refusal is `{ error: { code, message, details? } }`. ' +
          'Scripts authenticate with a personal access token: `Authorization: Bearer gdx_pat_…`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          accessToken: { type: 'http', scheme: 'bearer', description: 'Personal access token (gdx_pat_…)' },
          exchangeToken: {
            type: 'oauth2',
            description:
              "A system's access token from POST /oauth/token (client credentials, private_key_jwt client assertion)",
            flows: {
              clientCredentials: {
                tokenUrl: `${config.publicUrl}/oauth/token`,
                scopes: { exchange: 'Call the exchange' },
              },
            },
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'govdx_session',
            description: 'Browser session after sign-in',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(metricsPlugin);
  const exchange = await Exchange.open({
    store,
    ledger,
    config,
    registry: app.metrics,
    onError: (error, what) => app.log.error({ err: error }, `exchange: ${what} failed`),
  });
  app.decorate('exchange', exchange);
  app.addHook('onClose', () => exchange.close());
  const webhooks = new WebhookDispatcher({
    db: store.db,
    allowHttp: config.webhooksAllowHttp,
    allowPrivateNetworks: config.outboundPrivateNetworks,
    onError: (error, what) => app.log.error({ err: error }, `webhooks: ${what} failed`),
    onFailure: ({ error, ...details }) =>
      app.log.warn({ ...details, err: error }, 'webhooks: a delivery attempt failed'),
  });
  app.decorate('webhooks', webhooks);
  const workflow = new AgreementWorkflow({
    db: store.db,
    ledger,
    changed: (id) => exchange.changed({ table: 'agreements', id }),
    notify: async (organizationIds, type, data) => {
      await enqueueWebhookEvent(store.db, organizationIds, type, data);
    },
    onError: (error, what) => app.log.error({ err: error }, `agreements: ${what} failed`),
  });
  app.decorate('agreements', workflow);
  const notifier = new Notifier({
    db: store.db,
    publicUrl: config.publicUrl,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    onError: (error, what) => app.log.error({ err: error }, `notifications: ${what} failed`),
  });
  app.decorate('notifications', notifier);
  app.addHook('onClose', async () => notifier.close());
  app.decorate('hasWebApp', existsSync(join(config.webDir, 'index.html')));
  await app.register(accessPlugin, { store });
  await app.register(routes);

  if (existsSync(join(config.webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: config.webDir, wildcard: false, index: 'index.html' });
  }

  app.setNotFoundHandler(async (request, reply) => {
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    const isApi = /^\/(api|auth|exchange|ledger|catalog|oauth)\b/.test(request.url);
    if (wantsPage && !isApi && existsSync(join(config.webDir, 'index.html'))) {
      // The web app routes in the browser: unknown paths get its shell.
      return reply.sendFile('index.html');
    }
    throw new GovdxError(
      'ROUTE_NOT_FOUND',
      `There is nothing at ${request.method} ${request.url.split('?')[0]}.`,
    );
  });

  return app;
}
