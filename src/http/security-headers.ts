/**
 * Security headers on every response: API, web app, consent and identity provider pages, docs.
 *
 * - Content-Security-Policy: scripts only from govdx itself, never inline (oidc-provider's one
 *   self-submitting form adds its script's hash to this header itself); the server-rendered pages' one
 *   inline style sheet by its hash; nothing may frame a page (`frame-ancestors 'none'`), so that another
 *   site cannot lay an invisible consent page under its own button (clickjacking).
 * - X-Frame-Options: DENY, the same for browsers that predate frame-ancestors.
 * - X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer (URLs of consent and sign-in steps
 *   carry identifiers that other sites need not see).
 * - Strict-Transport-Security when the public URL is https.
 *
 * They are set on the raw response as the request arrives, so that replies Fastify does not write itself
 * (the OpenID Connect providers, mounted as Koa applications) carry them too; a route may still replace
 * one with reply.header (the API documentation does, for its own style needs).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { PAGE_STYLE_SOURCE } from './html.ts';

const BASE = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': `'self' ${PAGE_STYLE_SOURCE}`,
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'frame-ancestors': "'none'",
};

const policy = (directives: Record<string, string>) =>
  Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');

/** The policy of every response. */
export const CONTENT_SECURITY_POLICY = policy(BASE);
/** The API documentation (Swagger UI) sets style attributes as it draws: inline styles, never scripts. */
export const DOCS_CONTENT_SECURITY_POLICY = policy({ ...BASE, 'style-src': "'self' 'unsafe-inline'" });

export const securityHeaders = fp(async (app: FastifyInstance, options: { publicUrl: string }) => {
  const https = new URL(options.publicUrl).protocol === 'https:';
  app.addHook('onRequest', async (request, reply) => {
    const raw = reply.raw;
    const docs = request.url === '/docs' || request.url.startsWith('/docs/');
    raw.setHeader('content-security-policy', docs ? DOCS_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
    raw.setHeader('x-frame-options', 'DENY');
    raw.setHeader('x-content-type-options', 'nosniff');
    raw.setHeader('referrer-policy', 'no-referrer');
    if (https) raw.setHeader('strict-transport-security', 'max-age=31536000');
  });
});
