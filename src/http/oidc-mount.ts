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
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction, InteractionResults } from 'oidc-provider';

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

/** The interaction this browser is in, when it is the one named in the URL; null otherwise. */
export async function currentInteraction(
  provider: Provider,
  uid: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Interaction | null> {
  try {
    const interaction: Interaction = await provider.interactionDetails(request.raw, reply.raw);
    return interaction.uid === uid ? interaction : null;
  } catch {
    // No interaction cookie, or the interaction expired: both mean "start again".
    return null;
  }
}

/** Ends an interaction page's step with `result`, and sends the browser back to the provider (303). */
export async function finishInteraction(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
  result: InteractionResults,
  options?: { mergeWithLastSubmission?: boolean },
): Promise<FastifyReply> {
  const to = await provider.interactionResult(request.raw, reply.raw, result, options);
  return reply.redirect(to, 303);
}
