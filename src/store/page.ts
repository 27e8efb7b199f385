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
  const key = after ? after.split(' ') : null;
  return pairPage(query, [order.time, order.id], order.direction, key, limit);
}

/** The key of a row ordered by (owner slug, slug): "<owner>/<slug>"; slugs hold no "/". */
export function slugPairKey(owner: string, slug: string): string {
  return `${owner}/${slug}`;
}

/**
 * One page of `query` in the ascending order (owner slug, slug): the rows after the key (see
 * slugPairKey) that the cursor named, and one more to tell whether another page exists (toPage).
 */
export function slugPairPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: { owner: StringReference<DB, TB>; slug: StringReference<DB, TB> },
  after: string | null,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const key = after ? after.split('/') : null;
  return pairPage(query, [order.owner, order.slug], 'asc', key, limit);
}

/** The rows beyond the key (first, second) in the order of both columns, and one more. */
function pairPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  columns: [StringReference<DB, TB>, StringReference<DB, TB>],
  direction: 'asc' | 'desc',
  key: string[] | null,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const first = sql.ref<string>(columns[0]);
  const second = sql.ref<string>(columns[1]);
  let page = query;
  if (key) {
    const [at = '', last = ''] = key;
    const beyond = direction === 'asc' ? '>' : '<';
    page = page.where((eb) =>
      eb.or([eb(first, beyond, at), eb.and([eb(first, '=', at), eb(second, beyond, last)])]),
    );
  }
  return page
    .orderBy(first, direction)
    .orderBy(second, direction)
    .limit(limit + 1);
}
