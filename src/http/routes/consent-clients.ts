/** An organization's consent clients: the services that send citizens to govdx to ask for consent. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as consent from '../../consent/index.ts';
import { addsNothing, governed, recordChange } from '../../governance/index.ts';
import { canonicalJson, EVENT_KINDS } from '../../ledger/index.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf, PageQuery, Slug } from '../schemas.ts';

const s = consent.clientSchemas;
const OrgParams = Type.Object({ org: Slug });
const ClientParams = Type.Object({ org: Slug, clientId: Type.String({ maxLength: 64 }) });
const WRITERS = ['organization_admin', 'data_steward'] as const;
const READERS = [...WRITERS, 'data_protection_officer', 'auditor'] as const;

const HOW =
  'The service authenticates at the consent server (`/consent`) with private_key_jwt, uses PKCE (S256) and may push its ' +
  'authorization requests (PAR). It asks for attribute scopes and one of its registered purposes (`purpose=<slug>`); see docs/consent.md.';

export const consentClientRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const tags = ['Consent'];

  app.get('/organizations/:org/consent-clients', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: "List an organization's consent clients (services that ask citizens for consent)",
      params: OrgParams,
      querystring: PageQuery,
      response: { 200: PageOf(s.ConsentClient), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs(request.query);
      return consent.listConsentClients(db, request.organization!, limit, after);
    },
  });

  app.post('/organizations/:org/consent-clients', {
    config: { access: { roles: WRITERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Register a service as a consent client (an OAuth client of the consent server)',
      description: `${HOW} Recorded on the ledger (consent_client.registered); when it cannot be, the client is not registered (503 LEDGER_UNAVAILABLE).`,
      params: OrgParams,
      body: s.NewConsentClient,
      response: {
        201: s.ConsentClient,
        ...errorResponses,
        409: Type.Ref('Error'),
        422: Type.Ref('Error'),
        503: Type.Ref('Error'),
      },
    },
    handler: async (request, reply) => {
      const organization = request.organization!;
      const by = request.principal!.personId;
      const { made } = await governed(app.ledger, {
        apply: () => consent.createConsentClient(db, organization, request.body, by),
        events: (client) => [
          {
            kind: EVENT_KINDS.consentClientRegistered,
            organization: organization.slug,
            client: client.clientId,
            redirectUris: client.redirectUris,
            keyIds: client.jwks.keys.map((key) => key.kid),
            purposes: client.purposes,
            preview: client.preview,
            by,
          },
        ],
        undo: async (client) => {
          await db.transaction().execute(async (tx) => {
            await tx.deleteFrom('consent_client_purposes').where('client_id', '=', client.clientId).execute();
            await tx.deleteFrom('consent_clients').where('client_id', '=', client.clientId).execute();
          });
        },
        notMade:
          'The consent client could not be recorded on the ledger, so it was not registered. Try again shortly.',
      });
      return reply.status(201).send(made);
    },
  });

  app.get('/organizations/:org/consent-clients/:clientId', {
    config: { access: { roles: READERS, inOrganization: true } },
    schema: {
      tags,
      summary: 'Read a consent client',
      params: ClientParams,
      response: { 200: s.ConsentClient, ...errorResponses },
    },
    handler: async (request) => consent.getConsentClient(db, request.organization!, request.params.clientId),
  });

  app.patch('/organizations/:org/consent-clients/:clientId', {
    config: { access: { roles: WRITERS, inOrganization: true } },
    schema: {
      tags,
      summary:
        'Change a consent client: rotate its keys, change its redirect URIs, purposes, name or preview',
      description:
        'Takes effect at the consent server from the next request. A new key set replaces the old at once: to rotate ' +
        'without a break, first list both keys, then remove the old one. Every change is recorded on the ledger; when ' +
        'it cannot be, the change is undone (503 LEDGER_UNAVAILABLE), unless it only takes something away.',
      params: ClientParams,
      body: s.ConsentClientChanges,
      response: { 200: s.ConsentClient, ...errorResponses, 422: Type.Ref('Error'), 503: Type.Ref('Error') },
    },
    handler: async (request) => {
      const organization = request.organization!;
      const { clientId } = request.params;
      const before = await consent.getConsentClient(db, organization, clientId);
      const after = await consent.updateConsentClient(db, organization, clientId, request.body);
      // Where citizens are sent back to, and whose keys are trusted: governance events, on the ledger.
      const changed = (['name', 'redirectUris', 'jwks', 'purposes', 'preview'] as const).filter(
        (key) => canonicalJson(before[key]) !== canonicalJson(after[key]),
      );
      if (changed.length === 0) return after;
      await recordChange(
        app.ledger,
        [
          {
            kind: EVENT_KINDS.consentClientChanged,
            organization: organization.slug,
            client: after.clientId,
            changed: [...changed],
            redirectUris: after.redirectUris,
            keyIds: after.jwks.keys.map((key) => key.kid),
            purposes: after.purposes,
            preview: after.preview,
            by: request.principal!.personId,
          },
        ],
        {
          // A change that only takes away (a key, an address, a purpose) stands; any other is undone whole.
          undo: async () => {
            if (onlyTakesAway(before, after)) return false;
            const { name, redirectUris, jwks, purposes, preview } = before;
            await consent.updateConsentClient(db, organization, clientId, {
              name,
              redirectUris,
              jwks,
              purposes,
              preview,
            });
            return true;
          },
          notMade: 'The change could not be recorded on the ledger, so it was not made. Try again shortly.',
        },
      );
      return after;
    },
  });
};

/**
 * Whether a change only takes away: no key, address or purpose added, the name kept, and a preview at
 * most turned on (which shows citizens more before anything is sent).
 */
function onlyTakesAway(before: consent.ConsentClientView, after: consent.ConsentClientView): boolean {
  return (
    addsNothing(after.jwks.keys, before.jwks.keys) &&
    addsNothing(after.redirectUris, before.redirectUris) &&
    addsNothing(after.purposes, before.purposes) &&
    after.name === before.name &&
    (after.preview === before.preview || after.preview)
  );
}
