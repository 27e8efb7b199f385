/**
 * Keyset pagination: a cursor names the last item of the previous page, so pages stay stable
 * while rows are added, and a page costs the same however deep it is.
 */
import { type SelectQueryBuilder, type StringReference, sql } from 'kysely';

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

/** The key of a row ordered by (time, id): "<time> <id>"; timestamps hold no space. */
export function timeIdKey(time: string | null, id: string): string {
  return `${time ?? ''} ${id}`;
}

/**
 * One page of `query` in the order (time, id), ascending or descending: the rows after the key
 * (see timeIdKey) that the cursor named, and one more to tell whether another page exists (toPage).
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: { time: StringReference<DB, TB>; id: StringReference<DB, TB>; direction: 'asc' | 'desc' },
  after: string | null,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const time = sql.ref<string>(order.time);
  const id = sql.ref<string>(order.id);
  let page = query;
  if (after) {
    const [at = '', lastId = ''] = after.split(' ');
    const beyond = order.direction === 'asc' ? '>' : '<';
    page = page.where((eb) =>
      eb.or([eb(time, beyond, at), eb.and([eb(time, '=', at), eb(id, beyond, lastId)])]),
    );
  }
  return page
    .orderBy(time, order.direction)
    .orderBy(id, order.direction)
    .limit(limit + 1);
}
