/** Timestamps are stored as ISO-8601 UTC text so that they sort and compare the same on both dialects. */
export function now(): string {
  return new Date().toISOString();
}
