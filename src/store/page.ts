/**
 * Keyset pagination: a cursor names the last item of the previous page, so pages stay stable
 * while rows are added, and a page costs the same however deep it is.
 */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify([lastKey])).toString('base64url');
}

/** Returns the key the cursor names, or null when the cursor is not one we issued. */
export function decodeCursor(cursor: string): string | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 1 && typeof parsed[0] === 'string') return parsed[0];
  } catch {
    // fall through: not one of ours
  }
  return null;
}

/** Turns limit+1 fetched rows into a page: the extra row only says that another page exists. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => string, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { items: pageRows.map(map), nextCursor: hasMore && last ? encodeCursor(key(last)) : null };
}
