/** Reading from the API in a component: loading, error and data states, and cursor paging. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, type Page, request, withQuery } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** GETs `path` (or nothing while it is null); a new path cancels the previous request. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ApiError }>({ path: null });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    // `generation` is read so that reload() fetches again.
    void generation;
    request<T>('GET', path, { signal: controller.signal }).then(
      (data) => setState({ path, data }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          path,
          error:
            error instanceof ApiError
              ? error
              : new ApiError('UNEXPECTED', 'Something went wrong. Try again.', 0),
        });
      },
    );
    return () => controller.abort();
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const current = state.path === path && path !== null;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: path !== null && !current,
    reload,
  };
}

export interface Paged<T> extends Loaded<Page<T>> {
  /** 1 for the first page. */
  pageNumber: number;
  hasNext: boolean;
  next(): void;
  previous(): void;
}

/** Walks a `{ items, nextCursor }` list page by page; going back re-reads the earlier cursor. */
export function usePaged<T>(path: string | null, limit = 20): Paged<T> {
  const [trail, setTrail] = useState<{ path: string | null; cursors: Array<string | null> }>({
    path,
    cursors: [null],
  });
  const cursors = trail.path === path ? trail.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const separator = path?.includes('?') ? '&' : '?';
  const query = withQuery('', { limit, cursor });
  const loaded = useApi<Page<T>>(path === null ? null : `${path}${query.replace('?', separator)}`);
  const nextCursor = loaded.data?.nextCursor ?? null;
  return {
    ...loaded,
    pageNumber: cursors.length,
    hasNext: nextCursor !== null,
    next: () => {
      if (nextCursor !== null) setTrail({ path, cursors: [...cursors, nextCursor] });
    },
    previous: () => setTrail({ path, cursors: cursors.length > 1 ? cursors.slice(0, -1) : [null] }),
  };
}
