/**
 * The embedded identity provider at /idp, when no external issuer is configured, mounted as
 * Fastify routes (see ../oidc-mount.ts).
 *
 * The login and consent pages (idp-pages.ts) are ordinary Fastify routes at /idp/interaction/:uid
 * (more specific routes win over the wildcard); they report back through provider.interactionResult().
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type Provider from 'oidc-provider';
import { Type } from 'typebox';
import { checkIdpPassword, createIdentityProvider, SignInThrottle } from '../../identity/index.ts';
import { sendHtml } from '../html.ts';
import { consentPage, idpPages, interactionExpiredPage, loginPage } from '../idp-pages.ts';
import { currentInteraction, finishInteraction, mountOidcProvider } from '../oidc-mount.ts';

const PREFIX = '/idp';

export const idpRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  if (config.oidcIssuer) return;
  const db = app.store.db;
  const expiredPage = () => interactionExpiredPage(config.publicUrl);

  const provider: Provider = await createIdentityProvider(db, {
    publicUrl: config.publicUrl,
    clientId: config.oidcClientId,
    sessionHours: config.sessionHours,
    onServerError: (error) => app.log.error({ err: error }, 'identity provider failed'),
    pages: idpPages(config.publicUrl),
  });
  await mountOidcProvider(app, PREFIX, provider);

  const throttle = new SignInThrottle(db, app.store.dialect);

  /** Signing in is paused: 429, with when to try again, in words and in Retry-After. */
  function paused(reply: FastifyReply, uid: string, username: string, until: Date) {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    reply.header('retry-after', String(seconds));
    return sendHtml(reply, 429, loginPage(uid, { username, pausedUntil: until }));
  }

  const interactionPages: FastifyPluginAsyncTypebox = async (scope) => {
    await scope.register(formbody);
    const params = Type.Object({ uid: Type.String({ maxLength: 100 }) });

    scope.get(`${PREFIX}/interaction/:uid`, { schema: { hide: true, params } }, async (request, reply) => {
      const interaction = await currentInteraction(provider, request.params.uid, request, reply);
      if (!interaction) return sendHtml(reply, 400, expiredPage());
      if (interaction.prompt.name === 'login') return sendHtml(reply, 200, loginPage(interaction.uid));
      const client = await provider.Client.find(String(interaction.params.client_id));
      const scopes = (interaction.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
      return sendHtml(reply, 200, consentPage(interaction.uid, client?.clientName ?? 'A service', scopes));
    });

    scope.post(
      `${PREFIX}/interaction/:uid/login`,
      {
        schema: {
          hide: true,
          params,
          body: Type.Object({
            username: Type.String({ maxLength: 200, default: '' }),
            password: Type.String({ maxLength: 1000, default: '' }),
          }),
        },
      },
      async (request, reply) => {
        const interaction = await currentInteraction(provider, request.params.uid, request, reply);
        if (interaction?.prompt.name !== 'login') return sendHtml(reply, 400, expiredPage());
        const { username, password } = request.body;
        // Counted before the password is checked; while paused, not even a right password is checked.
        const attempt = await throttle.begin(username, request.ip);
        if ('paused' in attempt) return paused(reply, interaction.uid, username, attempt.paused);
        const personId = await checkIdpPassword(db, username, password);
        // One message for an unknown username and a wrong password, so the page does not reveal which.
        if (!personId) {
          if (attempt.pausedUntil) return paused(reply, interaction.uid, username, attempt.pausedUntil);
          return sendHtml(reply, 401, loginPage(interaction.uid, { username }));
        }
        await throttle.succeeded(attempt);
        return finishInteraction(
          provider,
          request,
          reply,
          { login: { accountId: personId } },
          { mergeWithLastSubmission: false },
        );
      },
    );

    scope.post(
      `${PREFIX}/interaction/:uid/consent`,
      {
        schema: {
          hide: true,
          params,
          body: Type.Object({ decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]) }),
        },
      },
      async (request, reply) => {
        const interaction = await currentInteraction(provider, request.params.uid, request, reply);
        if (interaction?.prompt.name !== 'consent' || !interaction.session) {
          return sendHtml(reply, 400, expiredPage());
        }
        if (request.body.decision === 'deny') {
          return finishInteraction(provider, request, reply, {
            error: 'access_denied',
            error_description: 'The person did not allow access to their details.',
          });
        }
        const details = interaction.prompt.details as {
          missingOIDCScope?: string[];
          missingOIDCClaims?: string[];
          missingResourceScopes?: Record<string, string[]>;
        };
        const grant = interaction.grantId
          ? await provider.Grant.find(interaction.grantId)
          : new provider.Grant({
              accountId: interaction.session.accountId,
              clientId: String(interaction.params.client_id),
            });
        if (!grant) return sendHtml(reply, 400, expiredPage());
        if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
        if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
        for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
          grant.addResourceScope(indicator, scopes.join(' '));
        }
        const grantId = await grant.save();
        return finishInteraction(
          provider,
          request,
          reply,
          { consent: { grantId } },
          { mergeWithLastSubmission: true },
        );
      },
    );
  };
  await app.register(interactionPages);
};
