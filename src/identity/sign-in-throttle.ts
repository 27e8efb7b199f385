/**
 * Slowing down password guessing at the embedded identity provider, per account and per address.
 *
 * Every attempt is counted before the password is checked, in the shared database (so the count holds
 * across nodes, and a burst of parallel guesses cannot all slip in before the first is counted). Past a few
 * free attempts, each attempt starts a pause that doubles with every further one, up to a quarter of an hour;
 * while an account or an address is paused, nothing is checked, not even a right password. The account is
 * counted by the username typed, whether or not it exists, so the answers are the same either way and say
 * nothing about which usernames exist. A successful sign-in clears its account's count and gives its
 * address the attempt back. Failures are forgotten after an hour without any.
 */
import { type Kysely, sql } from 'kysely';
import type { Database, Dialect } from '../store/index.ts';

export interface ThrottlePolicy {
  /** Attempts before the first pause. */
  free: number;
  firstPauseSeconds: number;
  longestPauseSeconds: number;
}

/** One person's account: five tries, then 30 s, 1 min, 2 min… up to 15 min between tries. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = { free: 5, firstPauseSeconds: 30, longestPauseSeconds: 900 };
/** One address, which many people may share (an office behind one router): more room before pausing. */
export const ADDRESS_THROTTLE: ThrottlePolicy = { free: 20, firstPauseSeconds: 30, longestPauseSeconds: 900 };
/** An hour without a failed attempt, and the count starts again. */
const FORGET_AFTER_MS = 3600_000;
/** The advisory lock key of throttle updates on PostgreSQL: the ASCII bytes of "govdxThr" as a bigint. */
const THROTTLE_LOCK = 0x676f766478546872n;

/** How long to pause after the `attempts`-th attempt in a row (0: no pause). */
export function pauseSeconds(attempts: number, policy: ThrottlePolicy): number {
  if (attempts <= policy.free) return 0;
  return Math.min(policy.longestPauseSeconds, policy.firstPauseSeconds * 2 ** (attempts - policy.free - 1));
}

interface Key {
  key: string;
  policy: ThrottlePolicy;
}

function keysOf(username: string, address: string): [account: Key, address: Key] {
  return [
    { key: `account:${username.trim().toLowerCase()}`, policy: ACCOUNT_THROTTLE },
    { key: `address:${address}`, policy: ADDRESS_THROTTLE },
  ];
}

/** An attempt that may go ahead; `pausedUntil` is set when it is the one that starts a pause. */
export interface Attempt {
  username: string;
  address: string;
  /** When the next attempt may come if this one fails; null when it may come at once. */
  pausedUntil: Date | null;
  /** The pause this attempt set on its address, to take back if it succeeds. */
  addressLock: string | null;
}

export class SignInThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Counts an attempt to sign in as `username` from `address`. Resolves with `{ paused }` (until when) when
   * the account or the address is paused, and the password must not be checked; otherwise with the attempt.
   */
  begin(username: string, address: string, at = new Date()): Promise<{ paused: Date } | Attempt> {
    const keys = keysOf(username, address);
    const iso = at.toISOString();
    const forgetBefore = new Date(at.getTime() - FORGET_AFTER_MS).toISOString();
    return this.db.transaction().execute(async (tx) => {
      if (this.dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(${String(THROTTLE_LOCK)}::bigint)`.execute(tx);
      await tx
        .deleteFrom('sign_in_throttles')
        .where('last_failure_at', '<', forgetBefore)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', iso)]))
        .execute();
      const rows = await tx
        .selectFrom('sign_in_throttles')
        .selectAll()
        .where(
          'key',
          'in',
          keys.map((k) => k.key),
        )
        .execute();
      const locks = rows.flatMap((r) => (r.locked_until && r.locked_until > iso ? [r.locked_until] : []));
      if (locks.length > 0) return { paused: new Date(locks.sort().at(-1)!) };
      const until: string[] = [];
      let addressLock: string | null = null;
      for (const { key, policy } of keys) {
        const attempts = (rows.find((r) => r.key === key)?.failures ?? 0) + 1;
        const pause = pauseSeconds(attempts, policy);
        const lockedUntil = pause > 0 ? new Date(at.getTime() + pause * 1000).toISOString() : null;
        if (lockedUntil) until.push(lockedUntil);
        if (lockedUntil && key.startsWith('address:')) addressLock = lockedUntil;
        const row = { key, failures: attempts, last_failure_at: iso, locked_until: lockedUntil };
        await tx
          .insertInto('sign_in_throttles')
          .values(row)
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              failures: attempts,
              last_failure_at: iso,
              locked_until: lockedUntil,
            }),
          )
          .execute();
      }
      return {
        username,
        address,
        pausedUntil: until.length > 0 ? new Date(until.sort().at(-1)!) : null,
        addressLock,
      };
    });
  }

  /** The attempt signed in: its account starts afresh, and its address gets the attempt back. */
  async succeeded(attempt: Attempt): Promise<void> {
    const [account, address] = keysOf(attempt.username, attempt.address);
    await this.db.deleteFrom('sign_in_throttles').where('key', '=', account.key).execute();
    await this.db
      .updateTable('sign_in_throttles')
      .set((eb) => ({
        failures: sql<number>`case when ${eb.ref('failures')} > 0 then ${eb.ref('failures')} - 1 else 0 end`,
      }))
      .where('key', '=', address.key)
      .execute();
    if (attempt.addressLock) {
      await this.db
        .updateTable('sign_in_throttles')
        .set({ locked_until: null })
        .where('key', '=', address.key)
        .where('locked_until', '=', attempt.addressLock)
        .execute();
    }
  }
}
