/**
 * Rate limits and daily quotas, per system and per agreement, counted in this node's memory.
 *
 * A rate limit of N per minute is a token bucket holding up to N calls, refilled continuously at N per
 * minute: a quiet system may burst, a busy one gets N a minute. A quota of N per day counts calls in
 * the current UTC day. Both answer, when exhausted, how many seconds to wait (for Retry-After).
 */

interface Bucket {
  tokens: number;
  at: number;
}

const DAY_MS = 86_400_000;
/** Buckets full again are forgotten now and then, so that keys of past callers do not pile up. */
const SWEEP_AT_SIZE = 50_000;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  /** Takes one call from `key`'s bucket; 0 when allowed, else the seconds until one is available. */
  take(key: string, perMinute: number, now = Date.now()): number {
    if (perMinute <= 0) return 0;
    const rate = perMinute / 60_000;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= SWEEP_AT_SIZE) this.#sweep(now);
      bucket = { tokens: perMinute, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * rate);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
  }

  /** A bucket untouched for a minute is full again: forgetting it changes nothing. */
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.at >= 60_000) this.#buckets.delete(key);
    }
  }
}

export class DailyQuota {
  readonly #used = new Map<string, { day: number; count: number }>();

  /** Counts one call for `key` today; 0 when within `limit`, else the seconds until the next UTC day. */
  take(key: string, limit: number, now = Date.now()): number {
    if (limit <= 0) return 0;
    const day = Math.floor(now / DAY_MS);
    let entry = this.#used.get(key);
    if (!entry || entry.day !== day) {
      if (this.#used.size >= SWEEP_AT_SIZE) {
        for (const [k, e] of this.#used) if (e.day !== day) this.#used.delete(k);
      }
      entry = { day, count: 0 };
      this.#used.set(key, entry);
    }
    if (entry.count < limit) {
      entry.count += 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((day + 1) * DAY_MS - now) / 1000));
  }
}
