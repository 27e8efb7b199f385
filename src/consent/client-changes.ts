/**
 * Registering and changing a consent client, each recorded on the ledger or undone (src/governance):
 * where citizens are sent back to, whose keys are trusted and which purposes it may ask for decide who
 * may ask citizens for what.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { addsNothing, governed, type Recorder, recordChange } from '../governance/index.ts';
import { canonicalJson, EVENT_KINDS } from '../ledger/index.ts';
import type { Database } from '../store/index.ts';
import type { ConsentClientChanges, NewConsentClient } from './client-schemas.ts';
import {
  type ConsentClientView,
  createConsentClient,
  getConsentClient,
  updateConsentClient,
} from './clients.ts';

export interface ConsentClientEffects {
  db: Kysely<Database>;
  ledger: Recorder;
}

type Organization = { id: string; slug: string };

const TERMS = ['name', 'redirectUris', 'jwks', 'purposes', 'preview'] as const;

export async function registerConsentClient(
  { db, ledger }: ConsentClientEffects,
  organization: Organization,
  input: Static<typeof NewConsentClient>,
  by: string | null,
): Promise<ConsentClientView> {
  const { made } = await governed(ledger, {
    apply: () => createConsentClient(db, organization, input, by),
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
  return made;
}

/**
 * Changes a consent client. A change that only takes away (a key, an address, a purpose) stands even
 * when the ledger cannot record it; any other is undone whole.
 */
export async function changeConsentClient(
  { db, ledger }: ConsentClientEffects,
  organization: Organization,
  clientId: string,
  changes: Static<typeof ConsentClientChanges>,
  by: string | null,
): Promise<ConsentClientView> {
  const before = await getConsentClient(db, organization, clientId);
  const after = await updateConsentClient(db, organization, clientId, changes);
  // Where citizens are sent back to, and whose keys are trusted: governance events, on the ledger.
  const changed = TERMS.filter((key) => canonicalJson(before[key]) !== canonicalJson(after[key]));
  if (changed.length === 0) return after;
  await recordChange(
    ledger,
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
        by,
      },
    ],
    {
      undo: async () => {
        if (onlyTakesAway(before, after)) return false;
        const { name, redirectUris, jwks, purposes, preview } = before;
        await updateConsentClient(db, organization, clientId, {
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
}

/**
 * Whether a change only takes away: no key, address or purpose added, the name kept, and a preview at
 * most turned on (which shows citizens more before anything is sent).
 */
function onlyTakesAway(before: ConsentClientView, after: ConsentClientView): boolean {
  return (
    addsNothing(after.jwks.keys, before.jwks.keys) &&
    addsNothing(after.redirectUris, before.redirectUris) &&
    addsNothing(after.purposes, before.purposes) &&
    after.name === before.name &&
    (after.preview === before.preview || after.preview)
  );
}
