/**
 * "My data": the signed-in citizen's own view. What the registers hold about them, every ledger event about
 * them with a receipt to check it against the signed ledger, their consents (with receipts, and withdrawal),
 * and all of it as one download. Everything here is the caller's own: the national ID comes from their
 * sign-in, never from the request, and someone else's event or consent is not found.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import * as consent from '../../consent/index.ts';
import { GovdxError, notFound, type Principal } from '../../domain/index.ts';
import * as tracker from '../../tracker/index.ts';
import { requirePrincipal } from '../access.ts';
import { pageArgs } from '../page.ts';
import { errorResponses, PageOf } from '../schemas.ts';

const c = consent.schemas;
const t = tracker.schemas;
const tags = ['My data'];
const written = { ...errorResponses, 503: Type.Ref('Error') };
/** A citizen signed in themselves (a session, never a personal access token), about themselves only. */
const CITIZEN = { access: { citizen: true } } as const;
const FOR_CITIZENS =
  'For citizens: a person signed in themselves (a browser session) with a national ID, about themselves only. ' +
  'Anyone else, and any personal access token, is refused (FORBIDDEN).';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Index = Type.Object({
  index: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Ledger entry index' }),
});

/** The caller as a citizen: their principal, which has a national ID. */
function citizen(request: FastifyRequest): Principal & { nationalId: string } {
  const principal = requirePrincipal(request);
  if (!principal.nationalId) {
    throw new GovdxError(
      'FORBIDDEN',
      'These pages show a person their own data: your account has no national ID, so there is none to show.',
    );
  }
  return principal as Principal & { nationalId: string };
}

const attachment = (name: string) => `attachment; filename="${name}"`;

export const trackerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;
  const effects: consent.ConsentEffects = {
    db,
    ledger: app.ledger,
    changed: (change) => app.exchange.changed(change),
  };

  /** The caller's own consent; another person's is not found. */
  async function ownConsent(request: FastifyRequest, id: string): Promise<consent.ConsentView> {
    const { nationalId } = citizen(request);
    const found = await consent.getConsent(db, id);
    if (found.subject !== nationalId) throw notFound('consent', id);
    return found;
  }

  /** Only the caller's own events: the auditor's reach (a role they may also hold) does not apply here. */
  const asSubject = (principal: Principal): Principal => ({ ...principal, grants: [] });

  app.get('/me/data', {
    config: CITIZEN,
    schema: {
      tags,
      summary: 'What the registers hold about me, with where each record comes from and when it changed',
      description: FOR_CITIZENS,
      response: { 200: t.MyData, ...errorResponses },
    },
    handler: async (request) => tracker.factsAbout(db, citizen(request).nationalId),
  });

  app.get('/me/access-events', {
    config: CITIZEN,
    schema: {
      tags,
      summary: 'Every ledger event about me, newest first: who looked, when, at what, why, and the outcome',
      description: `${FOR_CITIZENS} Each event names its ledger entry (\`index\`); its receipt proves it is in the signed ledger.`,
      querystring: t.PageQuery,
      response: { 200: PageOf(t.AccessEvent), ...errorResponses },
    },
    handler: async (request) => {
      const { nationalId } = citizen(request);
      const { limit, after } = pageArgs(request.query);
      const before = after === null ? null : Number(after);
      if (before !== null && !Number.isSafeInteger(before)) {
        throw new GovdxError(
          'VALIDATION_FAILED',
          'The cursor is not valid. Use the nextCursor of the previous page.',
        );
      }
      return tracker.accessEventsAbout(
        app.ledger,
        db,
        nationalId,
        limit,
        before,
        app.subjectIndexCheck.missingFor(nationalId),
      );
    },
  });

  app.get('/me/access-events/:index', {
    config: CITIZEN,
    schema: {
      tags,
      summary:
        'A readable receipt of one event about me: who received which details, why, under which agreement and legal basis, when',
      description: `${FOR_CITIZENS} An entry about someone else, or none, is not found. The web app shows it at /my-data/receipts/{index}, ready to print.`,
      params: Index,
      response: { 200: t.AccessReceipt, ...errorResponses },
    },
    handler: async (request) =>
      tracker.accessReceipt(app.ledger, db, citizen(request).nationalId, request.params.index),
  });

  app.get('/me/access-events/:index/receipt', {
    config: CITIZEN,
    schema: {
      tags,
      summary:
        'The receipt of an event about me: the event, its salt, its inclusion proof and the signed checkpoint',
      description: `${FOR_CITIZENS} Check it with the ledger's key (GET /ledger/key): SHA-256(salt ‖ JCS(event)) is the entry, and the proof takes it to the checkpoint's root.`,
      params: Index,
      response: { 200: t.EntryReceipt, ...errorResponses },
    },
    handler: async (request) => app.ledger.receipt(request.params.index, asSubject(citizen(request))),
  });

  app.get('/me/consents', {
    config: CITIZEN,
    schema: {
      tags,
      summary: 'My consents, oldest first, each with its state and history',
      description: FOR_CITIZENS,
      querystring: t.PageQuery,
      response: { 200: PageOf(c.Consent), ...errorResponses },
    },
    handler: async (request) => {
      const { nationalId } = citizen(request);
      const { limit, after } = pageArgs(request.query);
      return consent.listConsents(db, nationalId, limit, after);
    },
  });

  app.get('/me/consents/:id', {
    config: CITIZEN,
    schema: {
      tags,
      summary: 'One of my consents',
      description: FOR_CITIZENS,
      params: Id,
      response: { 200: c.Consent, ...errorResponses },
    },
    handler: async (request) => ownConsent(request, request.params.id),
  });

  app.get('/me/consents/:id/receipt', {
    config: CITIZEN,
    schema: {
      tags,
      summary:
        'A receipt of one of my consents (Kantara Consent Receipt v1.1, ISO/IEC TS 27560), signed by govdx',
      description: `${FOR_CITIZENS} The JWS is signed with the key published at /exchange/jwks.json.`,
      params: Id,
      response: { 200: c.ConsentReceiptDocument, ...errorResponses },
    },
    handler: async (request, reply) => {
      const found = await ownConsent(request, request.params.id);
      const receipt = consent.consentReceipt(found, await consent.receiptController(db, found.consumer), {
        publicUrl: app.config.publicUrl,
        issuedAt: new Date().toISOString(),
      });
      return reply
        .header('content-disposition', attachment(`consent-receipt-${found.id}.json`))
        .header('cache-control', 'no-store')
        .send({
          receipt,
          jws: await consent.signConsentReceipt(receipt, app.exchange.keys),
          jwksUri: `${app.config.publicUrl}/exchange/jwks.json`,
        });
    },
  });

  app.post('/me/consents/:id/revoke', {
    config: CITIZEN,
    schema: {
      tags,
      summary: 'Withdraw one of my consents; the next exchange call made on it is refused',
      description: `${FOR_CITIZENS} Recorded on the ledger as \`consent.revoked\`. Withdrawing it again changes nothing.`,
      params: Id,
      body: c.ConsentRevocation,
      response: { 200: c.Consent, ...written },
    },
    handler: async (request) => {
      const found = await ownConsent(request, request.params.id);
      return consent.withdrawConsent(effects, found.id, {
        personId: request.principal!.personId,
        bySubject: true,
        reason: request.body.reason ?? null,
      });
    },
  });

  app.get('/me/export', {
    config: CITIZEN,
    schema: {
      tags,
      summary: 'All of it as one JSON file: my data, every event about me with its receipt, my consents',
      description: FOR_CITIZENS,
      response: { 200: t.MyExport, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = citizen(request);
      const body = await tracker.exportMyData(
        app.ledger,
        db,
        principal,
        app.subjectIndexCheck.missingFor(principal.nationalId),
      );
      return reply
        .header('content-disposition', attachment(`my-data-${body.exportedAt.slice(0, 10)}.json`))
        .header('cache-control', 'no-store')
        .send(body);
    },
  });
};
