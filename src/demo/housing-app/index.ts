/**
 * The demo's housing benefit application: a service of the Housing Agency, on a site of its own, that
 * pre-fills its form with the citizen's name, address and income through govdx's consent flow. It is a
 * real OAuth client (govdx-client.ts: openid-client with PAR, PKCE and private_key_jwt). Sessions are
 * kept in memory: it is a demo of one process.
 */
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { readPrivateJwk } from '../../exchange/index.ts';
import { GovdxConsentClient, type PendingLogin, PersonApiError, type PersonData } from './govdx-client.ts';
import { formPage, REQUIRED_FIELDS, sentPage } from './pages.ts';

/** The demo service as registered at govdx (src/demo/consent-clients.ts seeds the registration). */
export const HOUSING_APP = {
  organization: 'housing-agency',
  clientId: 'housing-benefit-app',
  name: 'Housing benefit application',
  purpose: 'housing-benefit-application',
  scopes: ['name', 'address', 'income'],
} as const;

export interface HousingAppOptions {
  host: string;
  port: number;
  /** govdx's public address; its consent server is `<govdxUrl>/consent`. */
  govdxUrl: string;
  /** The service's private signing key (a JWK file), read when first needed. */
  keyFile: string;
}

export interface HousingApp {
  url: string;
  close(): Promise<void>;
}

interface Session {
  pending?: PendingLogin;
  accessToken?: string;
  person?: PersonData;
  problem?: string;
}

const COOKIE = 'housing_session';

/** Why govdx did not fill the form in, in words for the applicant. */
function problemWords(error: unknown): string {
  if (error instanceof PersonApiError) {
    if (error.code === 'CONSENT_REVOKED')
      return 'govdx refused to send your details again: you have withdrawn your consent. Please fill in the form yourself.';
    return `govdx did not send your details: ${error.message}`;
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    return error.error === 'access_denied'
      ? 'You chose not to share your details. You can fill in the form yourself.'
      : `govdx could not complete the request: ${error.error_description ?? error.error}`;
  }
  return 'Your details could not be fetched from govdx just now. You can fill in the form yourself, or try again.';
}

export async function startHousingApp(options: HousingAppOptions): Promise<HousingApp> {
  const app = Fastify({ logger: false });
  await app.register(cookie);
  await app.register(formbody);
  const sessions = new Map<string, Session>();
  let client: GovdxConsentClient | undefined;

  function session(request: FastifyRequest, reply: FastifyReply): Session {
    let id = request.cookies[COOKIE];
    if (!id || !sessions.has(id)) {
      id = randomBytes(24).toString('base64url');
      sessions.set(id, {});
      reply.setCookie(COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/' });
    }
    return sessions.get(id)!;
  }

  const html = (reply: FastifyReply, body: string, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  app.get('/', async (request, reply) => {
    const state = session(request, reply);
    const problem = state.problem ?? null;
    delete state.problem;
    return html(reply, formPage({ prefill: state.person ? { person: state.person } : null, problem }));
  });

  app.get('/start', async (request, reply) => {
    const state = session(request, reply);
    try {
      const { url, pending } = await client!.begin();
      state.pending = pending;
      return reply.redirect(url.href, 303);
    } catch (error) {
      state.problem = problemWords(error);
      return reply.redirect('/', 303);
    }
  });

  app.get('/callback', async (request, reply) => {
    const state = session(request, reply);
    const pending = state.pending;
    delete state.pending;
    try {
      if (!pending) throw new Error('No sign-in was started in this browser.');
      const { accessToken } = await client!.finish(new URL(request.url, `${url}/`), pending);
      state.accessToken = accessToken;
      state.person = await client!.person(accessToken);
    } catch (error) {
      state.problem = problemWords(error);
    }
    return reply.redirect('/', 303);
  });

  app.post('/refresh', async (request, reply) => {
    const state = session(request, reply);
    if (!state.accessToken) return reply.redirect('/start', 303);
    try {
      state.person = await client!.person(state.accessToken);
    } catch (error) {
      delete state.person;
      state.problem = problemWords(error);
    }
    return reply.redirect('/', 303);
  });

  app.post('/apply', async (request, reply) => {
    const state = session(request, reply);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(
      Object.entries(body).map(([name, value]) => [name, typeof value === 'string' ? value.trim() : '']),
    );
    const errors = Object.fromEntries(Object.entries(REQUIRED_FIELDS).filter(([name]) => !values[name]));
    if (Object.keys(errors).length > 0)
      return html(
        reply,
        formPage({
          prefill: state.person ? { person: state.person } : null,
          problem: null,
          refused: { values, errors },
        }),
        400,
      );
    return html(reply, sentPage(`HB-${randomBytes(4).toString('hex').toUpperCase()}`));
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  client = new GovdxConsentClient({
    issuer: `${options.govdxUrl}/consent`,
    clientId: HOUSING_APP.clientId,
    redirectUri: `${url}/callback`,
    purpose: HOUSING_APP.purpose,
    scopes: HOUSING_APP.scopes,
    signingKey: () => readPrivateJwk(options.keyFile),
  });
  return { url, close: () => app.close() };
}
