/**
 * Deny by default. Every route under /api declares who may call it (`config.access`); a route that
 * does not is refused at start-up, so a forgotten check cannot ship. The check runs in onRequest,
 * before the body is read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findOrganization } from '../directory/index.ts';
import { GovdxError, holdsRole, type Principal, type Role, roleNames } from '../domain/index.ts';
import { principalForSession, principalForToken, SESSION_COOKIE } from '../identity/index.ts';
import type { OrganizationTable, Store } from '../store/index.ts';

export type Access =
  | { public: true }
  | { authenticated: true }
  /**
   * A citizen about themselves: a person signed in with their own session who has a national ID. Never a
   * personal access token (made for organization scripts) nor a system: they do not act as the citizen.
   */
  | { citizen: true }
  /** One of the roles, held in the organization named by the `org` URL parameter when `inOrganization`. */
  | { roles: readonly Role[]; inOrganization?: boolean }
  /** A system (machine client) with an exchange access token; the exchange's routes check it themselves. */
  | { system: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The organization named by the `org` URL parameter, loaded by the access check. */
    organization: OrganizationTable | null;
  }
}

/** Paths that must declare access. Other paths (web app, identity provider) have their own rules. */
const GUARDED = /^\/(api|auth)\//;

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new GovdxError(
      'UNAUTHENTICATED',
      'Sign in, or send a personal access token as "Authorization: Bearer …".',
    );
  return request.principal;
}

async function resolvePrincipal(store: Store, request: FastifyRequest): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1])
      throw new GovdxError('TOKEN_INVALID', 'The Authorization header must be "Bearer <token>".');
    return principalForToken(store.db, match[1]);
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) return principalForSession(store.db, cookie);
  return null;
}

export const accessPlugin = fp(async (app: FastifyInstance, options: { store: Store }) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('organization', null);

  app.addHook('onRoute', (route) => {
    const path = route.url ?? '';
    const access = route.config?.access;
    if (GUARDED.test(path) && !access) {
      throw new Error(
        `Route ${route.method} ${path} declares no access rule (config.access); refusing to start.`,
      );
    }
    // Say in the OpenAPI document what the rule is, so integrators need not guess.
    if (access && route.schema) {
      const schema = route.schema as { security?: unknown; description?: string };
      schema.security =
        'public' in access
          ? []
          : 'system' in access
            ? [{ exchangeToken: ['exchange'] }]
            : 'citizen' in access
              ? [{ session: [] }]
              : [{ accessToken: [] }, { session: [] }];
      if ('roles' in access) {
        const where = access.inOrganization ? ' in the organization' : '';
        const rule = `Requires one of these roles${where}: ${access.roles.join(', ')} (a platform admin may always).`;
        schema.description = schema.description ? `${schema.description}\n\n${rule}` : rule;
      }
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || 'system' in access) return;
    request.principal = await resolvePrincipal(options.store, request);
    if ('public' in access) return;
    const principal = requirePrincipal(request);
    if ('authenticated' in access) return;
    if ('citizen' in access) {
      if (principal.via !== 'session') {
        throw new GovdxError(
          'FORBIDDEN',
          "A person's own data is shown only to them, signed in themselves: a personal access token cannot open it.",
        );
      }
      if (!principal.nationalId) {
        throw new GovdxError(
          'FORBIDDEN',
          'These pages show a person their own data: your account has no national ID, so there is none to show.',
        );
      }
      return;
    }
    let organizationId: string | null = null;
    if (access.inOrganization) {
      const slug = (request.params as { org?: string }).org ?? '';
      const organization = await findOrganization(options.store.db, slug);
      request.organization = organization;
      organizationId = organization.id;
    }
    if (!holdsRole(principal, access.roles, organizationId)) {
      const where = request.organization ? ` in ${request.organization.name}` : '';
      throw new GovdxError(
        'FORBIDDEN',
        `This needs one of these roles${where}: ${roleNames(access.roles)}.`,
        { requiredRoles: access.roles },
      );
    }
  });
});
