/**
 * Entries that do not expose people. The tree holds only commitments:
 *
 *   leaf data (the log entry) = SHA-256(salt ‖ UTF-8(JCS(event)))
 *
 * where JCS is the JSON Canonicalization Scheme of RFC 8785 and the salt is 32 random bytes, new for every
 * entry. The event and its salt are stored privately; without the salt, nobody can confirm a guess of an
 * event (say, "did the tax agency look up 38001010000 on Monday?") from the public tree.
 */
import { hash, randomFillSync } from 'node:crypto';
import canonicalize from 'canonicalize';
import { EVENT_KIND_PATTERN } from '../domain/index.ts';
import { leafHash } from './hashes.ts';

export const SALT_BYTES = 32;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * An access or governance event. `kind` says what happened (`access`, `agreement.approved`,
 * `consent.revoked`, `system.key_rotated`…); `subject` is the national ID of the person it is about,
 * if any (that person may read it, with its proof). Everything else is the event's own detail.
 */
export interface LedgerEvent {
  kind: string;
  subject?: string | null;
  /** When it happened, ISO-8601 UTC; the ledger fills it in when absent. */
  at?: string;
  [detail: string]: JsonValue | undefined;
}

/** Event kinds recorded by govdx's own parts; other kinds are allowed if they match KIND_PATTERN. */
export const EVENT_KINDS = {
  access: 'access',
  agreementApproved: 'agreement.approved',
  agreementRevoked: 'agreement.revoked',
  consentGiven: 'consent.given',
  consentRenewed: 'consent.renewed',
  consentRevoked: 'consent.revoked',
  consentExpired: 'consent.expired',
  systemRegistered: 'system.registered',
  systemChanged: 'system.changed',
  systemKeyRotated: 'system.key_rotated',
  systemDisabled: 'system.disabled',
  systemEnabled: 'system.enabled',
  consentClientRegistered: 'consent_client.registered',
  consentClientChanged: 'consent_client.changed',
  /** A person's roles in an organization were granted, changed or removed. */
  membershipChanged: 'membership.changed',
  providerOriginAdded: 'provider_origin.added',
  providerOriginRemoved: 'provider_origin.removed',
  purposeRegistered: 'purpose.registered',
  purposeChanged: 'purpose.changed',
  organizationRegistered: 'organization.registered',
  organizationChanged: 'organization.changed',
  personRegistered: 'person.registered',
  personChanged: 'person.changed',
  /** A personal access token made for an organization's scripts, with its roles (never its secret). */
  tokenCreated: 'token.created',
  tokenRevoked: 'token.revoked',
  /** Terms a provider offers; an emergency template's requests activate at once while an emergency lasts. */
  agreementTemplatePublished: 'agreement_template.published',
  agreementTemplateRetired: 'agreement_template.retired',
  /** Where an organization is told about its agreements (never the signing secret). */
  webhookRegistered: 'webhook.registered',
  webhookDeleted: 'webhook.deleted',
  /** A system subscribed to (or stopped following) the changes of a register under an agreement. */
  feedSubscribed: 'feed.subscribed',
  feedCancelled: 'feed.cancelled',
} as const;

export const KIND_PATTERN = new RegExp(EVENT_KIND_PATTERN);

/** RFC 8785 JCS: sorted keys, no whitespace, ECMAScript number and string serialization. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('This value has no JSON form');
  // canonicalize builds its result by concatenation: a tree of a hundred or so pieces (about 2.6 kB for a
  // 500-character access event) until something reads it whole. Reading one character makes V8 flatten it
  // in place, so that an event waiting for its commit holds about 0.5 kB; with thousands waiting, that is
  // most of what the garbage collector copies (measured with `npm run bench -- ledger`).
  text.charCodeAt(0);
  return text;
}

/** SHA-256(salt ‖ UTF-8(canonical JSON)): the 32-byte entry stored in the tree. */
export function commitmentOf(salt: Uint8Array, canonical: string): Buffer {
  const length = salt.length + Buffer.byteLength(canonical, 'utf8');
  if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, 2 * scratch.length));
  scratch.set(salt, 0);
  scratch.write(canonical, salt.length, 'utf8');
  return hash('sha256', scratch.subarray(0, length), 'buffer');
}
/** Reused input buffer of commitmentOf (hashing is synchronous, so one per thread is enough). */
let scratch = Buffer.allocUnsafe(4096);

/** The commitment and leaf hash (RFC 9162: SHA-256(0x00 ‖ commitment)) of each entry. */
export function hashEntries(entries: readonly { salt: Uint8Array; event: string }[]): {
  commitments: Buffer[];
  leafHashes: Buffer[];
} {
  const commitments = entries.map((e) => commitmentOf(e.salt, e.event));
  return { commitments, leafHashes: commitments.map(leafHash) };
}

const POOL_SALTS = 512;
let pool = Buffer.alloc(0);
let poolAt = 0;

/** 32 fresh random bytes. Drawn from a pool filled by the OS CSPRNG, refilled as it runs out. */
export function newSalt(): Buffer {
  if (poolAt + SALT_BYTES > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SALTS * SALT_BYTES));
    poolAt = 0;
  }
  const salt = pool.subarray(poolAt, poolAt + SALT_BYTES);
  poolAt += SALT_BYTES;
  return salt;
}

/** Checks an event before it is committed; throws TypeError saying what is wrong (a bug in the caller). */
export function checkEvent(event: LedgerEvent): void {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new TypeError('A ledger event is a JSON object');
  }
  if (typeof event.kind !== 'string' || !KIND_PATTERN.test(event.kind)) {
    throw new TypeError(
      `A ledger event's kind is like "agreement.approved", got ${JSON.stringify(event.kind)}`,
    );
  }
  if (
    event.subject !== undefined &&
    event.subject !== null &&
    (typeof event.subject !== 'string' || event.subject === '')
  ) {
    throw new TypeError("A ledger event's subject is a national ID (text) or absent");
  }
  if (event.at !== undefined && (typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at)))) {
    throw new TypeError("A ledger event's time (at) is an ISO-8601 timestamp");
  }
}
