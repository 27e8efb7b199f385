import { GovdxError } from '../domain/index.ts';
import { decodeCursor } from '../store/index.ts';

/** Reads `limit` and `cursor` from a validated query; an unknown cursor is a client error, not an empty page. */
export function pageArgs(query: { limit?: number; cursor?: string }): {
  limit: number;
  after: string | null;
} {
  const limit = query.limit ?? 50;
  if (query.cursor === undefined) return { limit, after: null };
  const after = decodeCursor(query.cursor);
  if (after === null)
    throw new GovdxError(
      'VALIDATION_FAILED',
      'The cursor is not valid. Use the nextCursor of the previous page.',
      { cursor: query.cursor },
    );
  return { limit, after };
}
