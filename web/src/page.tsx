/** The building blocks every page uses: its title, loading and error states, paging, summary lists. */
import { type ReactNode, useEffect, useId } from 'react';
import type { ApiError } from './api.ts';
import type { Paged } from './use-api.ts';

/** Sets the browser tab's title and renders the page's one `h1`. */
export function Page({
  title,
  caption,
  children,
}: {
  title: string;
  caption?: ReactNode;
  children: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} – govdx`;
  }, [title]);
  return (
    <>
      {caption ? <span className="caption">{caption}</span> : null}
      <h1>{title}</h1>
      {children}
    </>
  );
}

/**
 * A polite live region that is always in the page, so that screen readers hear "Loading…" when it
 * starts; an empty region says nothing.
 */
export function Status({ loading, label }: { loading: boolean; label: string }) {
  return (
    <p role="status" className={loading ? 'status' : 'status status--idle'}>
      {loading ? label : ''}
    </p>
  );
}

/** The API's refusal, in its own words, read out at once. */
export function ErrorAlert({
  error,
  title = 'There is a problem',
  children,
}: {
  error: ApiError | Error;
  title?: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="error-summary" role="alert" aria-labelledby={id}>
      <h2 id={id} className="error-summary__title">
        {title}
      </h2>
      <p>{error.message}</p>
      {children}
    </div>
  );
}

export function Pager<T>({ paged, label }: { paged: Paged<T>; label: string }) {
  if (paged.pageNumber === 1 && !paged.hasNext) return null;
  return (
    <nav className="pager" aria-label={`Pages of ${label}`}>
      {paged.pageNumber > 1 ? (
        <button type="button" className="button button--secondary" onClick={paged.previous}>
          Previous page
        </button>
      ) : null}
      <span className="pager__current">Page {paged.pageNumber}</span>
      {paged.hasNext ? (
        <button type="button" className="button button--secondary" onClick={paged.next}>
          Next page
        </button>
      ) : null}
    </nav>
  );
}

/** A list of key facts: what something is, shown as term and value. */
export function SummaryList({ children }: { children: ReactNode }) {
  return <dl className="summary-list">{children}</dl>;
}

export function SummaryRow({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="summary-list__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function formatDate(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

/** A date and time: the moments in an agreement's history, the accesses a citizen sees. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}
