/**
 * Mounting an oidc-provider (a Koa application) in Fastify, at a path prefix: the embedded identity
 * provider at /idp and the consent authorization server at /consent.
 *
 * The prefix's routes (`<prefix>/*`) hijack the reply and hand the raw request and response to Koa,
 * with the prefix moved to `originalUrl` as Express and @fastify/middie do (oidc-provider reads it to
 * build its own URLs). Fastify must leave the request body unread, because oidc-provider parses its own
 * form posts from the stream: so those routes live in their own scope whose only content-type parser
 * reads nothing. More specific routes under the prefix (interaction pages, APIs) win over the wildcard.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';

export async function mountOidcProvider(app: FastifyInstance, prefix: string, provider: Provider) {
  const handle = provider.callback();
  await app.register(async (scope) => {
    // Whatever parsers the app has (JSON, forms), none may touch the provider's request bodies.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all(`${prefix}/*`, { schema: { hide: true } }, (request, reply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = (raw.url ?? '/').slice(prefix.length) || '/';
      void handle(raw, reply.raw);
    });
  });
}
