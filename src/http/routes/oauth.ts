/**
 * The token endpoint for systems: OAuth 2 client credentials (RFC 6749 §4.4) with a `private_key_jwt`
 * client assertion (RFC 7523 §2.2). Answers and errors take the shapes of RFC 6749 §5.1 and §5.2, so
 * that any OAuth client library understands them; each error also carries govdx's stable `code`.
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError } from 'fastify';
import { Type } from 'typebox';
import { type ErrorCode, GovdxError } from '../../domain/index.ts';
import { CLIENT_ASSERTION_TYPE, EXCHANGE_SCOPE } from '../../exchange/index.ts';
import { toErrorBody } from '../errors.ts';

/** RFC 6749 §5.2 error codes for govdx's codes. */
const OAUTH_ERRORS: Partial<Record<ErrorCode, { error: string; status: number }>> = {
  ASSERTION_INVALID: { error: 'invalid_client', status: 401 },
  ASSERTION_REPLAYED: { error: 'invalid_client', status: 401 },
  SYSTEM_DISABLED: { error: 'invalid_client', status: 401 },
  UNSUPPORTED_GRANT_TYPE: { error: 'unsupported_grant_type', status: 400 },
  VALIDATION_FAILED: { error: 'invalid_request', status: 400 },
  MALFORMED_JSON: { error: 'invalid_request', status: 400 },
  UNSUPPORTED_MEDIA_TYPE: { error: 'invalid_request', status: 400 },
  BODY_TOO_LARGE: { error: 'invalid_request', status: 400 },
};

const OAuthError = Type.Object({
  error: Type.String({
    description: 'RFC 6749 §5.2: invalid_request, invalid_client, unsupported_grant_type, invalid_scope…',
  }),
  error_description: Type.String(),
  code: Type.String({ description: "govdx's stable code, e.g. ASSERTION_REPLAYED" }),
});

export const oauthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody);
  const exchange = app.exchange;

  app.setErrorHandler((error: FastifyError | GovdxError, request, reply) => {
    const { body, internal } = toErrorBody(error);
    const code = body.error.code;
    const mapped =
      OAUTH_ERRORS[code] ??
      (internal ? { error: 'server_error', status: 500 } : { error: 'invalid_request', status: 400 });
    if (internal) request.log.error({ err: error }, 'token request failed');
    else request.log.info({ code }, 'token request refused');
    if (mapped.error === 'invalid_client')
      void reply.header('www-authenticate', 'Bearer realm="govdx exchange"');
    void reply
      .status(mapped.status)
      .header('cache-control', 'no-store')
      .send({ error: mapped.error, error_description: body.error.message, code });
  });

  app.post('/oauth/token', {
    config: { access: { public: true } },
    schema: {
      tags: ['Exchange'],
      summary:
        'Get an access token for a system (client credentials with a private_key_jwt client assertion)',
      description:
        'Send `application/x-www-form-urlencoded`: `grant_type=client_credentials`, `client_assertion_type=' +
        `${CLIENT_ASSERTION_TYPE}\`, and \`client_assertion\`: a JWT signed with one of the system's registered keys, with ` +
        "`iss` and `sub` = the client ID `<organization>/<system>`, `aud` = this endpoint's URL, a unique `jti`, and `exp` at most 10 minutes ahead. " +
        'Each assertion is accepted once. The token is a JWT (RFC 9068) valid for GOVDX_EXCHANGE_TOKEN_SECONDS.',
      consumes: ['application/x-www-form-urlencoded'],
      body: Type.Object(
        {
          grant_type: Type.String(),
          client_assertion_type: Type.Optional(Type.String()),
          client_assertion: Type.Optional(Type.String({ maxLength: 16384 })),
          client_id: Type.Optional(Type.String({ maxLength: 200 })),
          scope: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: true },
      ),
      response: {
        200: Type.Object({
          access_token: Type.String(),
          token_type: Type.Literal('Bearer'),
          expires_in: Type.Integer(),
          scope: Type.String(),
        }),
        400: OAuthError,
        401: OAuthError,
      },
    },
    handler: async (request, reply) => {
      const body = request.body;
      if (body.grant_type !== 'client_credentials') {
        throw new GovdxError(
          'UNSUPPORTED_GRANT_TYPE',
          'Systems get tokens with grant_type=client_credentials.',
        );
      }
      if (body.client_assertion_type !== CLIENT_ASSERTION_TYPE || !body.client_assertion) {
        throw new GovdxError(
          'ASSERTION_INVALID',
          `Authenticate with a signed client assertion: client_assertion_type=${CLIENT_ASSERTION_TYPE} and client_assertion=<JWT>.`,
        );
      }
      if (body.scope?.split(' ').some((s) => s !== EXCHANGE_SCOPE)) {
        return reply
          .status(400)
          .header('cache-control', 'no-store')
          .send({
            error: 'invalid_scope',
            error_description: `The only scope is "${EXCHANGE_SCOPE}".`,
            code: 'VALIDATION_FAILED',
          });
      }
      if (exchange.follower.pending) await exchange.follower.pending;
      const { system, keyThumbprint } = await exchange.assertions.authenticate(
        body.client_assertion,
        body.client_id,
      );
      const { token, expiresIn } = await exchange.tokens.issue(system, undefined, keyThumbprint);
      return reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({
          access_token: token,
          token_type: 'Bearer' as const,
          expires_in: expiresIn,
          scope: EXCHANGE_SCOPE,
        });
    },
  });
};
