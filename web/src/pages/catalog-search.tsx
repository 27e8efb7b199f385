/**
 * Searching the catalog: words, facet filters with counts, sort and pages, all kept in the address
 * so that a search can be shared and the back button returns to the previous one.
 * The open-data portal is the same search, kept to public datasets.
 */
import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { FacetName, FacetValue, SearchResults } from '../api.ts';
import { ErrorAlert, Page, Status } from '../page.tsx';
import { useApi } from '../use-api.ts';
import { DatasetList } from './datasets.tsx';

const PAGE_SIZE = 20;

export const FACETS: ReadonlyArray<{ name: FacetName; legend: string }> = [
  { name: 'publisher', legend: 'Organization' },
  { name: 'theme', legend: 'Topic' },
  { name: 'classification', legend: 'Who may see it' },
  { name: 'format', legend: 'File format' },
  { name: 'license', legend: 'Licence' },
  { name: 'sensitivity', legend: 'Most sensitive data it holds' },
];

const SORTS: ReadonlyArray<{ value: string; label: string; needsWords?: boolean }> = [
  { value: 'relevance', label: 'Best match', needsWords: true },
  { value: 'title', label: 'Title, A to Z' },
  { value: '-modified', label: 'Recently updated' },
  { value: '-issued', label: 'Recently published' },
];

export interface SearchScope {
  /** Facets fixed by the page itself (the open-data portal shows only public datasets). */
  fixed: Partial<Record<FacetName, string>>;
  /** Facets not offered on this page (the open-data portal holds nothing about people). */
  hidden?: readonly FacetName[];
  /** What one result is called: "open datasets" or "datasets". */
  noun: string;
}

/** The search the address asks for, as the API's query string. */
function searchQuery(params: URLSearchParams, scope: SearchScope): string {
  const query = new URLSearchParams();
  const q = params.get('q')?.trim();
  if (q) query.set('q', q);
  for (const { name } of FACETS) {
    if (scope.hidden?.includes(name)) continue;
    const fixed = scope.fixed[name];
    if (fixed) query.append(name, fixed);
    else for (const value of params.getAll(name)) query.append(name, value);
  }
  const sort = params.get('sort');
  if (sort && SORTS.some((s) => s.value === sort)) query.set('sort', sort);
  query.set('page', String(pageOf(params)));
  query.set('pageSize', String(PAGE_SIZE));
  return `/catalog/search?${query}`;
}

function pageOf(params: URLSearchParams): number {
  const page = Number(params.get('page') ?? '1');
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** The address with some parameters changed; any change of search starts again on page 1. */
function changed(params: URLSearchParams, change: (next: URLSearchParams) => void): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('page');
  change(next);
  return next;
}

export function CatalogSearch({
  title,
  lead,
  scope,
  children,
}: {
  title: string;
  lead: ReactNode;
  scope: SearchScope;
  children?: ReactNode;
}) {
  const [params, setParams] = useSearchParams();
  const path = searchQuery(params, scope);
  const results = useApi<SearchResults>(path);
  // While the next answer is on its way the previous one stays, so the filters do not jump about.
  const last = useRef<SearchResults | undefined>(undefined);
  if (results.data) last.current = results.data;
  const shown = results.data ?? (results.error ? undefined : last.current);
  const ids = { q: useId(), sort: useId(), count: useId() };
  const q = params.get('q') ?? '';
  const requested = params.get('sort');
  const sort =
    requested && SORTS.some((s) => s.value === requested && (!s.needsWords || q))
      ? requested
      : q
        ? 'relevance'
        : 'title';
  const page = pageOf(params);
  const facets = FACETS.filter((f) => !scope.fixed[f.name] && !scope.hidden?.includes(f.name));
  const selected = facets.flatMap(({ name, legend }) =>
    params.getAll(name).map((value) => ({ name, legend, value, label: labelOf(shown, name, value) })),
  );

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const words = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    setParams(
      changed(params, (next) => {
        if (words) next.set('q', words);
        else next.delete('q');
        if (!words && next.get('sort') === 'relevance') next.delete('sort');
      }),
    );
  }

  function toggle(name: FacetName, value: string, on: boolean) {
    setParams(
      changed(params, (next) => {
        const values = next.getAll(name).filter((v) => v !== value);
        next.delete(name);
        for (const v of on ? [...values, value] : values) next.append(name, v);
      }),
    );
  }

  const pages = shown ? Math.max(1, Math.ceil(shown.total / shown.pageSize)) : 1;
  const pageLink = (n: number) => {
    const next = new URLSearchParams(params);
    if (n === 1) next.delete('page');
    else next.set('page', String(n));
    return `?${next}`;
  };

  return (
    <Page title={title}>
      {lead}
      {children}
      <form className="search" onSubmit={search} key={q}>
        <label className="label" htmlFor={ids.q}>
          Search {scope.noun}
        </label>
        <p className="hint" id={`${ids.q}-hint`}>
          Words from the title, description or keywords, for example “population” or “air quality”.
        </p>
        <div className="search__row">
          <input
            className="input search__input"
            id={ids.q}
            name="q"
            type="search"
            defaultValue={q}
            aria-describedby={`${ids.q}-hint`}
            maxLength={200}
          />
          <button type="submit" className="button search__button">
            Search
          </button>
        </div>
      </form>

      <div className="catalog">
        <div className="catalog__filters">
          <h2 className="catalog__heading">Filter the results</h2>
          {facets.map(({ name, legend }) => (
            <FacetGroup
              key={name}
              name={name}
              legend={legend}
              values={facetValues(shown?.facets[name] ?? [], params.getAll(name))}
              checked={new Set(params.getAll(name))}
              onToggle={toggle}
            />
          ))}
        </div>

        <div className="catalog__results">
          <h2 className="visually-hidden">Results</h2>
          <p id={ids.count} className="catalog__count" aria-live="polite" aria-atomic="true">
            {shown
              ? shown.correctedText
                ? `Nothing found for “${q}”. Showing results for “${shown.correctedText}”: ${countText(shown.total, scope.noun, '')}.`
                : countText(shown.total, scope.noun, q)
              : ''}
          </p>
          {selected.length > 0 ? (
            <div className="selected-filters">
              <p className="selected-filters__title">Filters in use:</p>
              <ul className="list list--inline">
                {selected.map((s) => (
                  <li key={`${s.name}=${s.value}`}>
                    <button
                      type="button"
                      className="button button--secondary button--small selected-filters__remove"
                      onClick={() => toggle(s.name, s.value, false)}
                    >
                      <span className="visually-hidden">Remove filter </span>
                      {s.legend}: {s.label} <span aria-hidden="true">×</span>
                    </button>
                  </li>
                ))}
                <li>
                  <Link
                    to={`?${changed(params, (next) => {
                      for (const { name } of facets) next.delete(name);
                    })}`}
                  >
                    Remove all filters
                  </Link>
                </li>
              </ul>
            </div>
          ) : null}
          <div className="form-group catalog__sort">
            <label className="label" htmlFor={ids.sort}>
              Sort by
            </label>
            <select
              className="select"
              id={ids.sort}
              value={sort}
              onChange={(event) => {
                const value = event.currentTarget.value;
                setParams(changed(params, (next) => next.set('sort', value)));
              }}
            >
              {SORTS.filter((s) => !s.needsWords || q).map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
          <Status loading={results.loading} label={`Searching ${scope.noun}…`} />
          {results.error ? <ErrorAlert error={results.error} /> : null}
          {shown ? (
            shown.items.length === 0 ? (
              <p>No {scope.noun} match. Try other words, or remove a filter.</p>
            ) : (
              <DatasetList datasets={shown.items} headingLevel={3} />
            )
          ) : null}
          {shown && pages > 1 ? (
            <nav className="pager" aria-label={`Pages of ${scope.noun}`}>
              {page > 1 ? (
                <Link className="button button--secondary" to={pageLink(page - 1)}>
                  Previous page
                </Link>
              ) : null}
              <span className="pager__current">
                Page {page} of {pages}
              </span>
              {page < pages ? (
                <Link className="button button--secondary" to={pageLink(page + 1)}>
                  Next page
                </Link>
              ) : null}
            </nav>
          ) : null}
        </div>
      </div>
    </Page>
  );
}

function countText(total: number, noun: string, q: string): string {
  const found = `${total} ${total === 1 ? noun.replace(/s$/, '') : noun}`;
  return q ? `${found} found for “${q}”` : `${found} found`;
}

function labelOf(results: SearchResults | undefined, name: FacetName, value: string): string {
  return results?.facets[name]?.find((f) => f.value === value)?.label ?? value;
}

/**
 * The facet's values in a steady order (by label), so that a ticked box does not move under the
 * pointer when counts change; a ticked value with no results left stays, with 0.
 */
function facetValues(values: FacetValue[], checked: string[]): FacetValue[] {
  const all = [...values];
  for (const value of checked) {
    if (!all.some((v) => v.value === value)) all.push({ value, label: value, count: 0 });
  }
  return all.sort((a, b) => a.label.localeCompare(b.label, 'en'));
}

function FacetGroup({
  name,
  legend,
  values,
  checked,
  onToggle,
}: {
  name: FacetName;
  legend: string;
  values: FacetValue[];
  checked: Set<string>;
  onToggle(name: FacetName, value: string, on: boolean): void;
}) {
  const id = useId();
  // A tick shows at once, before the address (and so `checked`) catches up with it.
  const settledKey = [...checked].sort().join('\n');
  const [ticked, setTicked] = useState<{ key: string; values: Map<string, boolean> }>({
    key: settledKey,
    values: new Map(),
  });
  // Once the address has changed, it is the truth again (also when the back button restores an earlier one).
  if (ticked.key !== settledKey) setTicked({ key: settledKey, values: new Map() });
  const pending = ticked.key === settledKey ? ticked.values : new Map<string, boolean>();
  if (values.length === 0) return null;
  return (
    <fieldset className="fieldset facet">
      <legend className="label facet__legend">{legend}</legend>
      {values.map((value, index) => {
        const inputId = `${id}-${index}`;
        return (
          <div className="choice choice--small" key={value.value}>
            <input
              id={inputId}
              type="checkbox"
              name={name}
              value={value.value}
              checked={pending.get(value.value) ?? checked.has(value.value)}
              onChange={(event) => {
                const on = event.currentTarget.checked;
                setTicked({ key: settledKey, values: new Map(pending).set(value.value, on) });
                onToggle(name, value.value, on);
              }}
            />
            <label htmlFor={inputId}>
              {value.label} <span className="facet__count">({value.count})</span>
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}
