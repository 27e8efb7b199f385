/**
 * Whether distribution addresses answer, for the MQA accessibility indicators. Addresses govdx serves
 * itself are judged from the catalog (an open dataset's download is served, no other is); any other
 * address is asked over HTTP and the answer is stored, to be refreshed by the periodic quality run.
 */
import type { Kysely } from 'kysely';
import { outboundFetch } from '../outbound/index.ts';
import { type Database, now } from '../store/index.ts';
import type { DatasetView } from './datasets.ts';
import type { LinkState } from './mqa.ts';

export interface LinkCheck {
  url: string;
  /** HTTP status of the answer; null when none came. */
  status: number | null;
  ok: boolean;
  /** Why the address does not answer, in plain words; null when it does. */
  problem: string | null;
  checkedAt: string;
}

const base = (publicUrl: string) => publicUrl.replace(/\/$/, '');

/** The downloads govdx serves for a dataset, and its own DCAT-AP documents. */
function ownAddress(publicUrl: string, dataset: DatasetView, url: string): 'download' | 'document' | null {
  const prefix = `${base(publicUrl)}/catalog/datasets/${dataset.organization}/${dataset.slug}.`;
  if (!url.startsWith(prefix)) return null;
  const extension = url.slice(prefix.length);
  if (extension === 'csv' || extension === 'json') return 'download';
  if (extension === 'ttl' || extension === 'jsonld') return 'document';
  return null;
}

/** The addresses of a dataset that need an HTTP check: those govdx does not serve for it itself. */
export function externalAddresses(publicUrl: string, dataset: DatasetView): string[] {
  const urls = new Set<string>();
  for (const d of dataset.distributions)
    for (const url of [d.accessUrl, d.downloadUrl])
      if (url && ownAddress(publicUrl, dataset, url) === null) urls.add(url);
  return [...urls];
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return `no answer within ${Math.round(timeoutMs / 1000)} seconds`;
  // The fetch standard blocks some ports (e.g. 25, mail) for web clients.
  if (cause?.message === 'bad port') return 'the address uses a port that web clients may not use';
  switch (cause?.code) {
    case 'EPRIVATEADDRESS':
      return 'the address is in a private network, which govdx does not call';
    case 'ECONNREFUSED':
      return 'the server refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name is unknown';
    case 'ECONNRESET':
      return 'the server closed the connection';
    default:
      return cause?.code?.startsWith('ERR_TLS') || cause?.code?.includes('CERT')
        ? 'the server’s certificate is not valid'
        : 'the address could not be reached';
  }
}

/**
 * Asks an address whether it answers: HEAD first, then GET when HEAD is refused or fails (many
 * servers do not implement HEAD). Redirects are not followed: a 3xx answer counts as answering (MQA
 * accepts 200–399), and govdx never goes where a redirect points, private networks included.
 */
export async function probeAddress(
  url: string,
  timeoutMs = 10_000,
  signal?: AbortSignal,
  /** Whether private, loopback and link-local addresses may be asked (config outboundPrivateNetworks). */
  allowPrivateNetworks = false,
): Promise<Omit<LinkCheck, 'url'>> {
  const ask = async (method: 'HEAD' | 'GET') => {
    const response = await outboundFetch(
      url,
      {
        method,
        redirect: 'manual',
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
        headers: { 'user-agent': 'govdx-link-checker (+https://github.com/govdx)' },
      },
      allowPrivateNetworks,
    );
    await response.body?.cancel().catch(() => {});
    return response.status;
  };
  let status: number | null = null;
  let problem: string | null = null;
  try {
    status = await ask('HEAD');
  } catch {
    status = null;
  }
  if (status === null || status >= 400) {
    try {
      status = await ask('GET');
    } catch (error) {
      problem = describeFailure(error, timeoutMs);
    }
  }
  const ok = status !== null && status >= 200 && status < 400;
  if (!ok && problem === null) problem = `the server answered with status ${status}`;
  return { status, ok, problem: ok ? null : problem, checkedAt: now() };
}

/** Addresses asked at the same time: enough to hide slow servers, few enough to be a polite client. */
const PARALLEL = 4;

/** Checks each address over HTTP, a few at a time, and stores what was seen. */
export async function checkAddresses(
  db: Kysely<Database>,
  urls: readonly string[],
  timeoutMs?: number,
  /** Stops asking (a node shutting down): addresses not yet answered are left as they were. */
  signal?: AbortSignal,
  allowPrivateNetworks = false,
): Promise<LinkCheck[]> {
  const results: LinkCheck[] = [];
  let next = 0;
  const worker = async () => {
    while (next < urls.length && !signal?.aborted)
      await checkOne(db, urls[next++]!, timeoutMs, results, signal, allowPrivateNetworks);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, urls.length) }, worker));
  return results;
}

/** Asks one address and stores the answer (one row per address, the latest answer). */
async function checkOne(
  db: Kysely<Database>,
  url: string,
  timeoutMs: number | undefined,
  results: LinkCheck[],
  signal: AbortSignal | undefined,
  allowPrivateNetworks: boolean,
): Promise<void> {
  const result = { url, ...(await probeAddress(url, timeoutMs, signal, allowPrivateNetworks)) };
  if (signal?.aborted) return;
  const row = {
    url,
    status: result.status,
    ok: result.ok ? 1 : 0,
    problem: result.problem,
    checked_at: result.checkedAt,
  };
  await db
    .insertInto('catalog_link_checks')
    .values(row)
    .onConflict((c) =>
      c.column('url').doUpdateSet({
        status: row.status,
        ok: row.ok,
        problem: row.problem,
        checked_at: row.checked_at,
      }),
    )
    .execute();
  results.push(result);
}

/** When each address was last checked (addresses never checked are left out). */
export async function lastChecked(
  db: Kysely<Database>,
  urls: readonly string[],
): Promise<Map<string, LinkCheck>> {
  const found = new Map<string, LinkCheck>();
  for (let i = 0; i < urls.length; i += 500) {
    const rows = await db
      .selectFrom('catalog_link_checks')
      .selectAll()
      .where('url', 'in', urls.slice(i, i + 500))
      .execute();
    for (const r of rows)
      found.set(r.url, {
        url: r.url,
        status: r.status === null ? null : Number(r.status),
        ok: Number(r.ok) === 1,
        problem: r.problem,
        checkedAt: r.checked_at,
      });
  }
  return found;
}

/** What MQA should take as known of each address of these datasets. */
export async function linkStates(
  db: Kysely<Database>,
  publicUrl: string,
  datasets: readonly DatasetView[],
): Promise<Map<string, LinkState>> {
  const states = new Map<string, LinkState>();
  const external = new Set<string>();
  for (const dataset of datasets) {
    for (const d of dataset.distributions) {
      for (const url of [d.accessUrl, d.downloadUrl]) {
        if (!url) continue;
        const own = ownAddress(publicUrl, dataset, url);
        if (own === 'document') states.set(url, { state: 'accessible', status: null });
        else if (own === 'download')
          states.set(
            url,
            // As the download routes serve them (downloads.ts: findOpenDataset).
            dataset.classification === 'public' && dataset.accessRights === 'PUBLIC'
              ? { state: 'accessible', status: null }
              : {
                  state: 'inaccessible',
                  status: null,
                  problem:
                    'govdx serves downloads only of open datasets: classified public, with public access rights',
                },
          );
        else external.add(url);
      }
    }
  }
  const checks = await lastChecked(db, [...external]);
  for (const url of external) {
    const check = checks.get(url);
    states.set(
      url,
      !check
        ? { state: 'unchecked' }
        : check.ok
          ? { state: 'accessible', status: check.status }
          : { state: 'inaccessible', status: check.status, problem: check.problem ?? 'no answer' },
    );
  }
  return states;
}
