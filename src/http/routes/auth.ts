/**
 * Staff and citizen sign-in: govdx as an OpenID Connect relying party. The browser pages here
 * (login redirect, callback) answer problems with a plain page and a way to try again; the JSON
 * routes (logout, session) answer in the app's error shape.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { signedInAs } from '../../directory/index.ts';
import {
  endSession,
  idpClientSecret,
  idpIssuer,
  LOGIN_COOKIE,
  LOGIN_COOKIE_MAX_AGE,
  RelyingParty,
  SESSION_COOKIE,
  SignInError,
  type SignInErrorCode,
  startSession,
} from '../../identity/index.ts';
import { problemPage } from '../html.ts';
import { errorResponses } from '../schemas.ts';

const tags = ['Sign-in'];
const access = { access: { public: true } } as const;

const PROBLEMS: Record<SignInErrorCode, { status: number; title: string; explanation: string }> = {
  SIGN_IN_EXPIRED: {
    status: 400,
    title: 'Sign-in could not be completed',
    explanation: 'The sign-in took too long, or was started in another window. Please start again.',
  },
  SIGN_IN_DENIED: {
    status: 403,
    title: 'You are not signed in',
    explanation: 'Signing in was cancelled, so govdx did not get your details.',
  },
  NOT_REGISTERED: {
    status: 403,
    title: 'Your account is not registered in govdx',
    explanation: 'Your account is not registered in govdx. Ask your organization admin.',
  },
  SIGN_IN_FAILED: {
    status: 502,
    title: 'Sign-in is not working right now',
    explanation: 'The sign-in service did not answer as expected. Please try again in a few minutes.',
  },
};

const SessionPerson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  nationalId: Type.Union([Type.String(), Type.Null()]),
});
const SessionRole = Type.Object({
  role: Type.String(),
  organization: Type.Union([Type.String({ description: 'Organization slug' }), Type.Null()]),
});
const SessionState = Type.Union([
  Type.Object({ signedIn: Type.Literal(false) }),
  Type.Object({ signedIn: Type.Literal(true), person: SessionPerson, roles: Type.Array(SessionRole) }),
]);

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const db = app.store.db;
  const embedded = !config.oidcIssuer;
  const relyingParty = new RelyingParty(db, {
    publicUrl: config.publicUrl,
    issuer: config.oidcIssuer ?? idpIssuer(config.publicUrl),
    embedded,
    clientId: config.oidcClientId,
    clientSecret: async () => (embedded ? idpClientSecret(db) : (config.oidcClientSecret ?? '')),
  });
  const secure = config.publicUrl.startsWith('https:');

  function problem(reply: FastifyReply, error: unknown) {
    const code = error instanceof SignInError ? error.code : 'SIGN_IN_FAILED';
    if (code === 'SIGN_IN_FAILED') reply.log.error({ err: error }, 'sign-in failed');
    else reply.log.info({ code, reason: (error as Error).message }, 'sign-in refused');
    const { status, title, explanation } = PROBLEMS[code];
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(problemPage(title, explanation, { href: '/auth/login', text: 'Try again' }));
  }

  app.get('/auth/login', {
    config: access,
    schema: {
      tags,
      summary: 'Start signing in: redirects to the identity provider',
      querystring: Type.Object({
        returnTo: Type.Optional(
          Type.String({ maxLength: 2048, description: 'Path on this site to return to; default /' }),
        ),
      }),
    },
    handler: async (request, reply) => {
      try {
        const { url, cookie } = await relyingParty.begin(request.query.returnTo);
        reply.setCookie(LOGIN_COOKIE, cookie, {
          httpOnly: true,
          sameSite: 'lax',
          secure,
          path: '/auth',
          maxAge: LOGIN_COOKIE_MAX_AGE,
        });
        return reply.header('cache-control', 'no-store').redirect(url, 302);
      } catch (error) {
        return problem(reply, error);
      }
    },
  });

  app.get('/auth/callback', {
    config: access,
    schema: { tags, summary: 'Where the identity provider returns the browser after sign-in' },
    handler: async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
      try {
        const { personId, idToken, returnTo } = await relyingParty.finish(
          query,
          request.cookies[LOGIN_COOKIE],
        );
        const session = await startSession(db, personId, config.sessionHours, idToken);
        reply.setCookie(SESSION_COOKIE, session.cookie, {
          httpOnly: true,
          sameSite: 'lax',
          secure,
          path: '/',
          expires: session.expiresAt,
        });
        return reply.header('cache-control', 'no-store').redirect(returnTo, 302);
      } catch (error) {
        return problem(reply, error);
      }
    },
  });

  app.post('/auth/logout', {
    config: access,
    schema: {
      tags,
      summary: 'Sign out: ends the session; logoutUrl also signs out of the identity provider',
      response: {
        200: Type.Object({
          logoutUrl: Type.Union([Type.String(), Type.Null()], {
            description: "Send the browser here to end the identity provider's session too; null if none",
          }),
        }),
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      const idToken = cookie ? await endSession(db, cookie) : null;
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
      return { logoutUrl: idToken ? await relyingParty.logoutUrl(idToken) : null };
    },
  });

  app.get('/auth/session', {
    config: access,
    schema: {
      tags,
      summary: 'Whether someone is signed in, who, and with which roles (for the web app)',
      response: { 200: SessionState, ...errorResponses },
    },
    handler: async (request) => {
      const principal = request.principal;
      if (!principal) return { signedIn: false as const };
      const session = await signedInAs(db, principal);
      if (!session) return { signedIn: false as const };
      return { signedIn: true as const, ...session };
    },
  });
};
