/**
 * The consent authorization server at /consent (src/consent/authorization-server.ts), mounted as the
 * identity provider is (../oidc-mount.ts), with its pages and the person API:
 *
 *   service ──PAR/authorize──▶ /consent ──▶ interaction: govdx sign-in (the configured issuer), then
 *   the consent page ──approve──▶ consent recorded (ledger: consent.given) ──▶ [preview] ──▶ code
 *   service ──code + PKCE + private_key_jwt──▶ /consent/token ──access token──▶ GET /consent/v1/person
 *   ──▶ the exchange's gateway under that consent (ledger: access) ──▶ signed JWS (or JWE)
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { Type } from 'typebox';
import {
  ATTRIBUTES,
  attributeScopes,
  COLLECTION_METHODS,
  CONSENT_PREFIX,
  ConsentRequestRefusal,
  type ConsentView,
  checkConsentRequest,
  consentedFields,
  consentIssuer,
  consentOfGrant,
  consentSigningKey,
  createConsentServer,
  describeConsentRequest,
  findConsentClient,
  getConsent,
  giveConsent,
  linkGrant,
  pairwiseKey,
  pairwiseSubject,
  personApiUrl,
  readPerson,
  sealPersonRelease,
  servicesRead,
  withdrawConsent,
} from '../../consent/index.ts';
import { nationalIdOf } from '../../directory/index.ts';
import { GovdxError, type Principal } from '../../domain/index.ts';
import { principalForSession, SESSION_COOKIE } from '../../identity/index.ts';
import {
  consentErrorPage,
  consentExpiredPage,
  consentPage,
  notACitizenPage,
  previewPage,
} from '../consent-pages.ts';
import { sendHtml } from '../html.ts';
import { currentInteraction, finishInteraction, mountOidcProvider } from '../oidc-mount.ts';
import { errorResponses } from '../schemas.ts';

const PersonApiResponse = {
  200: {
    description:
      'The consented attributes as a compact JWS signed by govdx (ES256; keys at /consent/jwks), or a JWE encrypting that JWS when the service registered an encryption key. Payload: `iss`, `aud` (the client_id), `sub`, `purpose`, `consent`, `attributes` ({ value, source, lastUpdated, classification, unavailable? } per scope), `receipts` (ledger indexes).',
    content: { 'application/jose': { schema: Type.String() } },
  },
  ...errorResponses,
  429: Type.Ref('Error'),
  503: Type.Ref('Error'),
} as const;

export const consentServerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const db = app.store.db;
  const publicUrl = config.publicUrl;
  const resource = personApiUrl(publicUrl);
  const signingKey = await consentSigningKey(db);
  const subjectKey = await pairwiseKey(db);
  const provider: Provider = await createConsentServer(db, {
    publicUrl,
    exchange: app.exchange,
    signingKey,
    pairwiseKey: subjectKey,
    sessionHours: config.sessionHours,
    renderError: (out) => consentErrorPage(publicUrl, out),
    onServerError: (error) => app.log.error({ err: error }, 'consent server failed'),
  });
  await mountOidcProvider(app, CONSENT_PREFIX, provider);
  const effects = {
    db,
    ledger: app.ledger,
    changed: (change: Parameters<typeof app.exchange.changed>[0]) => app.exchange.changed(change),
  };
  const expired = () => consentExpiredPage(publicUrl);
  const interactionPath = (uid: string) => `${CONSENT_PREFIX}/interaction/${uid}`;

  /** The person signed in to govdx in this browser (the govdx session), if any. */
  async function signedIn(request: FastifyRequest): Promise<Principal | null> {
    const cookie = request.cookies[SESSION_COOKIE];
    return cookie ? principalForSession(db, cookie) : null;
  }

  const signInFirst = (reply: FastifyReply, uid: string) =>
    reply
      .header('cache-control', 'no-store')
      .redirect(`/auth/login?returnTo=${encodeURIComponent(interactionPath(uid))}`, 303);

  /** Ends the interaction: the service gets `error` at its redirect URI. */
  async function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    error: string,
    description: string,
  ): Promise<FastifyReply> {
    return finishInteraction(provider, request, reply, {
      error,
      error_description: description,
    });
  }

  /** The request of an interaction: its client, purpose and attribute scopes. */
  async function requestOf(interaction: Interaction) {
    const client = await findConsentClient(db, String(interaction.params.client_id));
    const scopes = String(interaction.params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    const purpose = typeof interaction.params.purpose === 'string' ? interaction.params.purpose : '';
    return { client, scopes, purpose };
  }

  const pages: FastifyPluginAsyncTypebox = async (scope) => {
    await scope.register(formbody);
    const params = Type.Object({ uid: Type.String({ maxLength: 100 }) });

    scope.get(
      `${CONSENT_PREFIX}/interaction/:uid`,
      { schema: { hide: true, params } },
      async (request, reply) => {
        const { uid } = request.params;
        const interaction = await currentInteraction(provider, uid, request, reply);
        if (!interaction) return sendHtml(reply, 400, expired());
        const person = await signedIn(request);
        if (!person) return signInFirst(reply, uid);
        // Signed in to govdx as someone else than the consent server remembers: that person it is.
        if (interaction.prompt.name === 'login' || interaction.session?.accountId !== person.personId) {
          return finishInteraction(
            provider,
            request,
            reply,
            { login: { accountId: person.personId } },
            { mergeWithLastSubmission: false },
          );
        }
        const { client, scopes, purpose } = await requestOf(interaction);
        if (!client) return sendHtml(reply, 400, expired());
        const action = `${interactionPath(uid)}/decision`;
        if (!person.nationalId) return sendHtml(reply, 200, notACitizenPage(action, client.name));
        const description = await describeConsentRequest(
          db,
          app.exchange,
          client,
          purpose,
          scopes,
          person.nationalId,
        );
        return sendHtml(reply, 200, consentPage(action, description, { preview: client.preview, publicUrl }));
      },
    );

    scope.post(
      `${CONSENT_PREFIX}/interaction/:uid/decision`,
      {
        schema: {
          hide: true,
          params,
          body: Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('decline')]) }),
        },
      },
      async (request, reply) => {
        const { uid } = request.params;
        const interaction = await currentInteraction(provider, uid, request, reply);
        if (interaction?.prompt.name !== 'consent' || !interaction.session) {
          return sendHtml(reply, 400, expired());
        }
        const person = await signedIn(request);
        if (person?.personId !== interaction.session.accountId) return signInFirst(reply, uid);
        if (request.body.decision === 'decline' || !person.nationalId) {
          return refuse(
            request,
            reply,
            'access_denied',
            'The person did not consent to sharing their details.',
          );
        }
        const { client, scopes, purpose } = await requestOf(interaction);
        if (!client) return sendHtml(reply, 400, expired());
        try {
          // Agreements may have changed since the request arrived.
          await checkConsentRequest(app.exchange, client, purpose, scopes);
        } catch (error) {
          if (!(error instanceof ConsentRequestRefusal)) throw error;
          return refuse(request, reply, error.error, error.message);
        }
        const attributes = attributeScopes(scopes);
        const consent = await giveConsent(
          effects,
          {
            subject: person.nationalId,
            consumer: client.organization,
            purpose,
            fields: consentedFields(attributes),
            piiCategories: piiCategories(attributes),
            collectionMethod: COLLECTION_METHODS.consentPage,
            client: client.clientId,
            language: 'en',
          },
          person.personId,
        );
        const grant = new provider.Grant({ accountId: person.personId, clientId: client.clientId });
        if (scopes.includes('openid')) grant.addOIDCScope('openid');
        grant.addResourceScope(resource, attributes.join(' '));
        const grantId = await grant.save();
        await linkGrant(db, { grantId, consentId: consent.id, clientId: client.clientId });
        if (!client.preview) {
          return finishInteraction(
            provider,
            request,
            reply,
            { consent: { grantId } },
            { mergeWithLastSubmission: true },
          );
        }
        let release: Awaited<ReturnType<typeof readPerson>>;
        try {
          release = await readPerson(app.exchange, db, {
            client,
            consent: { id: consent.id, purpose },
            subject: person.nationalId,
            scopes: attributes,
            preview: true,
          });
        } catch (error) {
          request.log.warn({ err: error }, 'consent preview could not be read');
          await cancel(consent, person, grantId, 'The details could not be read for the preview.');
          return refuse(
            request,
            reply,
            'temporarily_unavailable',
            'The details could not be read from the registers just now.',
          );
        }
        return sendHtml(
          reply,
          200,
          previewPage(
            `${interactionPath(uid)}/release`,
            grantId,
            client.name,
            attributes.map((scope) => ({
              scope,
              label: ATTRIBUTES.get(scope)!.label,
              attribute: release.attributes[scope]!,
            })),
          ),
        );
      },
    );

    scope.post(
      `${CONSENT_PREFIX}/interaction/:uid/release`,
      {
        schema: {
          hide: true,
          params,
          body: Type.Object({
            decision: Type.Union([Type.Literal('send'), Type.Literal('cancel')]),
            grant: Type.String({ maxLength: 100 }),
          }),
        },
      },
      async (request, reply) => {
        const { uid } = request.params;
        const interaction = await currentInteraction(provider, uid, request, reply);
        if (interaction?.prompt.name !== 'consent' || !interaction.session) {
          return sendHtml(reply, 400, expired());
        }
        const person = await signedIn(request);
        if (person?.personId !== interaction.session.accountId) return signInFirst(reply, uid);
        const grantId = request.body.grant;
        const consentId = await consentOfGrant(db, grantId, String(interaction.params.client_id));
        const consent = consentId ? await getConsent(db, consentId) : null;
        if (!consent || consent.subject !== person.nationalId || consent.status !== 'active') {
          return sendHtml(reply, 400, expired());
        }
        if (request.body.decision === 'cancel') {
          await cancel(consent, person, grantId, 'Cancelled after seeing the details.');
          return refuse(request, reply, 'access_denied', 'The person cancelled after seeing their details.');
        }
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
  await app.register(pages);

  /** Withdraws a consent the person did not let go through, and drops its grant. */
  async function cancel(consent: ConsentView, person: Principal, grantId: string, reason: string) {
    await (await provider.Grant.find(grantId))?.destroy();
    await withdrawConsent(effects, consent.id, { personId: person.personId, bySubject: true, reason });
  }

  app.get(`${CONSENT_PREFIX}/v1/person`, {
    schema: {
      tags: ['Consent'],
      summary: "The citizen's consented attributes, signed by govdx (the person API)",
      description:
        'Send the access token from the consent server\'s token endpoint as "Authorization: Bearer …". ' +
        'Each attribute is read from its register through the exchange, under the consent the citizen gave, ' +
        'and recorded on the ledger before it is released. Refusals: TOKEN_INVALID (401), CONSENT_REVOKED, ' +
        'CONSENT_EXPIRED and the agreement codes (403), LEDGER_UNAVAILABLE (503). See docs/consent.md.',
      response: PersonApiResponse,
    },
    handler: async (request, reply) => {
      const header = request.headers.authorization;
      const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
      reply.header('cache-control', 'no-store');
      if (!match?.[1]) {
        reply.header('www-authenticate', 'Bearer realm="govdx consent"');
        throw new GovdxError(
          'UNAUTHENTICATED',
          'Send the access token from the consent server as "Authorization: Bearer …".',
        );
      }
      const token = await provider.AccessToken.find(match[1]);
      const audiences = token ? [token.aud].flat() : [];
      const consentId = token?.grantId ? await consentOfGrant(db, token.grantId) : undefined;
      const client = token ? await findConsentClient(db, token.clientId!) : undefined;
      const subject = token?.accountId ? await nationalIdOf(db, token.accountId) : null;
      if (!token || !audiences.includes(resource) || !consentId || !client || !subject) {
        reply.header('www-authenticate', 'Bearer realm="govdx consent", error="invalid_token"');
        throw new GovdxError(
          'TOKEN_INVALID',
          'The access token is not valid for the person API: unknown, expired, revoked, or for another resource.',
        );
      }
      const consent = await getConsent(db, consentId);
      const scopes = attributeScopes(token.scopes);
      const release = await readPerson(app.exchange, db, {
        client,
        consent: { id: consent.id, purpose: consent.purpose },
        subject,
        scopes,
      });
      const sealed = await sealPersonRelease(signingKey, release, {
        issuer: consentIssuer(publicUrl),
        client,
        sub: pairwiseSubject(subjectKey, client.organization, token.accountId!),
        purpose: consent.purpose,
        consent: consent.id,
      });
      return reply.type('application/jose').send(sealed);
    },
  });
};

/** The data a consent covers, each field with the register it is read from (ISO/IEC TS 27560 PII categories). */
function piiCategories(scopes: readonly string[]) {
  const seen = new Set<string>();
  const categories: Array<{ field: string; source: { organization: string; service: string } }> = [];
  for (const read of servicesRead(scopes)) {
    for (const field of read.fields) {
      const key = `${read.provider}/${read.service}/${field}`;
      if (seen.has(key)) continue;
      seen.add(key);
      categories.push({ field, source: { organization: read.provider, service: read.service } });
    }
  }
  return categories;
}
