/**
 * The exchange over HTTP: governed calls at /exchange/v1/{provider}/{service}/… and the exchange's public
 * keys (its usage statistics: usage.ts). The caller is a system, not a person: its
 * access token is checked here (`config.access: { system: true }`), not by the access plugin.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { GovdxError } from '../../domain/index.ts';
import type { ExchangeCall, IndexedSystem } from '../../exchange/index.ts';
import { limitJsonDepth, tooDeep } from '../json-body.ts';
import { errorResponses, Slug } from '../schemas.ts';
import { feedRoutes } from './feeds.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The system calling the exchange, set by the exchange routes' token check. */
    system: IndexedSystem | null;
  }
}

const SYSTEM = { access: { system: true } } as const;
/** The body of an exchange call nested too deep: taken as this value, so that the refusal is recorded. */
const TOO_DEEP = Object.freeze({ tooDeep: true });

const ExchangeHeaders = Type.Object({
  'data-purpose': Type.Optional(
    Type.String({ description: 'The registered purpose (its identifier) the data is needed for. Required.' }),
  ),
  'data-subject': Type.Optional(
    Type.String({
      description:
        'National ID of the person the data is about; required where the service holds personal data',
    }),
  ),
  'on-behalf-of': Type.Optional(
    Type.String({
      description:
        'The official acting (employee number or e-mail); required where the service holds personal data',
    }),
  ),
});

const ServiceParams = Type.Object({ provider: Slug, service: Slug });
const ServicePathParams = Type.Object({
  provider: Slug,
  service: Slug,
  '*': Type.String({ description: "The record key (hosted services) or the path on the provider's API" }),
});

const exchangeResponses = {
  200: {
    description:
      'The answer, with only the fields the agreement lists. `Exchange-Receipt` is its ledger index (fetch an inclusion proof at /ledger/proof/inclusion).',
    content: { 'application/json': { schema: Type.Object({}, { additionalProperties: true }) } },
  },
  ...errorResponses,
  429: Type.Ref('Error'),
  502: Type.Ref('Error'),
  503: Type.Ref('Error'),
  504: Type.Ref('Error'),
} as const;

const DESCRIPTION =
  'Every call is decided (active agreement for consumer × service × purpose, within its validity; consent where the agreement rests on it; ' +
  'special-category fields only under an Art. 9(2) condition), minimized to the agreed fields, and recorded on the ledger before anything is released. ' +
  'Refusals are recorded too and carry their ledger index in `Exchange-Receipt`. Codes: NO_AGREEMENT, PURPOSE_NOT_AGREED, AGREEMENT_NOT_ACTIVE, ' +
  'AGREEMENT_NOT_YET_VALID, AGREEMENT_EXPIRED, AGREEMENT_REVOKED, SPECIAL_CATEGORY_NOT_AGREED, CONSENT_REQUIRED, CONSENT_REVOKED, CONSENT_EXPIRED, ' +
  'PURPOSE_REQUIRED, PURPOSE_UNKNOWN, SUBJECT_REQUIRED, SUBJECT_INVALID, SUBJECT_MISMATCH, OFFICIAL_REQUIRED, RATE_LIMITED, QUOTA_EXCEEDED, ' +
  'PROVIDER_TIMEOUT, PROVIDER_UNREACHABLE, PROVIDER_ERROR, PROVIDER_RESPONSE_INVALID, PROVIDER_RESPONSE_TOO_LARGE, LEDGER_UNAVAILABLE.';

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/** The part of the raw (still percent-encoded) URL after `/exchange/v1/{provider}/{service}`. */
function servicePath(request: FastifyRequest, provider: string, service: string): string {
  const url = request.raw.url ?? '';
  const prefix = `/exchange/v1/${provider}/${service}`;
  if (!url.startsWith(prefix)) {
    throw new GovdxError('VALIDATION_FAILED', 'Write the provider and service identifiers without escapes.');
  }
  return url.slice(prefix.length);
}

/**
 * After an admin API change of what the exchange indexes (organizations, systems, datasets, services,
 * purposes), re-read it before the change is confirmed, so that the next call sees it.
 */
export const exchangeFreshness = fp(async (app) => {
  const WATCHED = /^\/api\/v1\/organizations(\/:org)?(\/(systems|datasets|services|purposes)(\/:slug)?)?$/;
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || reply.statusCode >= 400) return payload;
    if (!WATCHED.test(request.routeOptions.url ?? '')) return payload;
    await app.exchange.changed({ table: 'catalog' });
    return payload;
  });
});

export const exchangeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const exchange = app.exchange;
  app.decorateRequest('system', null);
  limitJsonDepth(app, app.config.bodyMaxDepth, () => TOO_DEEP);

  app.get('/jwks.json', {
    config: { access: { public: true } },
    schema: {
      tags: ['Exchange'],
      summary: "The exchange's public keys (JWKS): providers verify its signed requests with them",
      response: {
        200: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }),
      },
    },
    handler: async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(exchange.keys.jwks),
  });

  // Only the governed routes below carry `system` access; the token is checked before the body is read.
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (!access || !('system' in access)) return;
    try {
      request.system = await exchange.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof GovdxError && error.code !== 'SYSTEM_DISABLED') {
        // RFC 6750 §3
        const problem = error.code === 'UNAUTHENTICATED' ? '' : ', error="invalid_token"';
        void reply.header('www-authenticate', `Bearer realm="govdx exchange"${problem}`);
      }
      throw error;
    }
  });

  const handle = async (
    request: FastifyRequest<{ Params: { provider: string; service: string } }>,
    reply: FastifyReply,
  ) => {
    const { provider, service } = request.params;
    const deep = request.body === TOO_DEEP;
    const call: ExchangeCall = {
      method: request.method === 'POST' ? 'POST' : 'GET',
      provider,
      service,
      path: servicePath(request, provider, service),
      body:
        request.method === 'POST' && request.body !== undefined && !deep
          ? JSON.stringify(request.body)
          : undefined,
      refusal: deep ? tooDeep(app.config.bodyMaxDepth) : null,
      purpose: header(request, 'data-purpose'),
      subject: header(request, 'data-subject'),
      official: header(request, 'on-behalf-of'),
    };
    const result = await exchange.gateway.call(request.system!, call);
    void reply.header('exchange-request-id', result.requestId).header('cache-control', 'no-store');
    if (result.receipt) {
      void reply
        .header('exchange-receipt', String(result.receipt.index))
        .header('exchange-receipt-leaf-hash', result.receipt.leafHash.toString('base64'));
    }
    if (!result.ok) {
      if (result.retryAfter !== null) void reply.header('retry-after', String(result.retryAfter));
      throw result.error;
    }
    return reply.type('application/json; charset=utf-8').send(result.body);
  };

  await app.register(feedRoutes);

  for (const url of ['/v1/:provider/:service', '/v1/:provider/:service/*']) {
    const params = url.endsWith('*') ? ServicePathParams : ServiceParams;
    app.get(url, {
      config: SYSTEM,
      exposeHeadRoute: false,
      schema: {
        tags: ['Exchange'],
        summary:
          'Call a service through the exchange (hosted: GET …/{key}; proxied: any path of the provider API)',
        description: DESCRIPTION,
        params,
        headers: ExchangeHeaders,
        response: exchangeResponses,
      },
      handler: handle,
    });
    app.post(url, {
      config: SYSTEM,
      schema: {
        tags: ['Exchange'],
        summary:
          "Call a proxied query service through the exchange (the JSON body is passed to the provider's API)",
        description: DESCRIPTION,
        params,
        headers: ExchangeHeaders,
        body: Type.Optional(Type.Unknown({ description: 'A JSON query for the provider' })),
        response: exchangeResponses,
      },
      handler: handle,
    });
  }
};
