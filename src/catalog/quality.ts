/**
 * The catalog's quality, put together: each dataset's MQA score (with what the link checker saw),
 * organizations' mean scores, and the periodic run that re-checks records and links when they fall due.
 */
import type { Kysely } from 'kysely';
import { GovdxError } from '../domain/index.ts';
import type { Database, Dialect } from '../store/index.ts';
import { type DatasetView, getDataset, listDatasets } from './datasets.ts';
import { type MqaScore, meanScore, type Rating, ratingOf, scoreDataset } from './mqa.ts';
import { hostedDatasets, latestRuns, type QualityRun, runQualityCheck } from './quality-checks.ts';
import { checkAddresses, externalAddresses, lastChecked, linkStates } from './url-checks.ts';

export interface DatasetQuality extends MqaScore {
  organization: string;
  dataset: string;
  title: string;
  /** The latest data-quality run, for open (public) datasets; null otherwise or before the first run. */
  checks: QualityRun | null;
}

export async function datasetQuality(
  db: Kysely<Database>,
  publicUrl: string,
  dataset: DatasetView,
): Promise<DatasetQuality> {
  const links = await linkStates(db, publicUrl, [dataset]);
  const checks =
    dataset.classification === 'public'
      ? ((await latestRuns(db, [dataset.id])).get(dataset.id) ?? null)
      : null;
  return {
    organization: dataset.organization,
    dataset: dataset.slug,
    title: dataset.title,
    ...scoreDataset({ dataset, links }),
    checks,
  };
}

/** Every dataset (of one organization, when given), a page at a time. */
async function* everyDataset(db: Kysely<Database>, organizationId?: string): AsyncGenerator<DatasetView[]> {
  let after: string | null = null;
  do {
    const page = await listDatasets(db, { organizationId }, 200, after);
    yield page.items;
    after = page.items.length > 0 ? `${page.items.at(-1)!.organization}/${page.items.at(-1)!.slug}` : null;
    if (page.nextCursor === null) break;
  } while (after !== null);
}

interface Scored {
  organization: string;
  organizationName: string;
  slug: string;
  title: string;
  score: number;
  /** Out of 405 as if every point could be earned, so that registers not open compare fairly. */
  comparableScore: number;
  rating: Rating;
}

async function scoreAll(db: Kysely<Database>, publicUrl: string, organizationId?: string): Promise<Scored[]> {
  const scored: Scored[] = [];
  for await (const datasets of everyDataset(db, organizationId)) {
    const links = await linkStates(db, publicUrl, datasets);
    for (const dataset of datasets) {
      const { score, comparableScore, rating } = scoreDataset({ dataset, links });
      scored.push({
        organization: dataset.organization,
        organizationName: dataset.organizationName,
        slug: dataset.slug,
        title: dataset.title,
        score,
        comparableScore,
        rating,
      });
    }
  }
  return scored;
}

export interface LeaderboardEntry {
  organization: string;
  organizationName: string;
  datasets: number;
  score: number;
  max: 405;
  rating: Rating;
}

/** Organizations with at least one dataset, by mean MQA score (highest first), then by slug. */
export async function qualityLeaderboard(
  db: Kysely<Database>,
  publicUrl: string,
): Promise<LeaderboardEntry[]> {
  const byOrganization = new Map<string, { name: string; scores: number[] }>();
  for (const s of await scoreAll(db, publicUrl)) {
    const entry = byOrganization.get(s.organization) ?? { name: s.organizationName, scores: [] };
    entry.scores.push(s.comparableScore);
    byOrganization.set(s.organization, entry);
  }
  return [...byOrganization.entries()]
    .map(([organization, { name, scores }]) => {
      const score = meanScore(scores)!;
      return {
        organization,
        organizationName: name,
        datasets: scores.length,
        score,
        max: 405 as const,
        rating: ratingOf(score),
      };
    })
    .sort((a, b) => b.score - a.score || (a.organization < b.organization ? -1 : 1));
}

export interface OrganizationQuality {
  organization: string;
  organizationName: string;
  /** The mean of its datasets' scores, to one decimal; null when it has no dataset. */
  score: number | null;
  max: 405;
  rating: Rating | null;
  datasets: Array<{ slug: string; title: string; score: number; rating: Rating }>;
}

export async function organizationQuality(
  db: Kysely<Database>,
  publicUrl: string,
  organization: { id: string; slug: string; name: string },
): Promise<OrganizationQuality> {
  const scored = await scoreAll(db, publicUrl, organization.id);
  const score = meanScore(scored.map((s) => s.comparableScore));
  return {
    organization: organization.slug,
    organizationName: organization.name,
    score,
    max: 405,
    rating: score === null ? null : ratingOf(score),
    datasets: scored
      .sort((a, b) => b.comparableScore - a.comparableScore || (a.slug < b.slug ? -1 : 1))
      .map(({ slug, title, score, rating }) => ({ slug, title, score, rating })),
  };
}

export interface DueRunOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  publicUrl: string;
  /** A dataset or an address checked longer ago than this is checked again. */
  everyMs: number;
  /** How long to wait for an address to answer. */
  timeoutMs?: number;
  /** Whether private, loopback and link-local addresses may be asked (config outboundPrivateNetworks). */
  allowPrivateNetworks?: boolean;
  /** Told of each dataset checked, for a progress display. */
  onDataset?: (dataset: DatasetView, done: number, total: number) => void;
  /** Limits the run to some datasets (the CLI's --org and --dataset); all when unset. */
  only?: (dataset: { organization: string; slug: string }) => boolean;
  /** Told of a dataset whose check failed; the run goes on with the next one. */
  onError?: (error: unknown, dataset: string) => void;
  /** Ends the run early, between two batches of records or two addresses (a node shutting down). */
  signal?: AbortSignal;
}

/**
 * Checks, one at a time, every hosted dataset not checked within `everyMs`, then every outside
 * distribution address not checked within it. A dataset another node is checking is left to it.
 */
export async function runDueQualityChecks(
  options: DueRunOptions,
): Promise<{ datasets: number; addresses: number }> {
  const { db, dialect, publicUrl } = options;
  const dueBefore = Date.now() - options.everyMs;
  const hosted = (await hostedDatasets(db)).filter(
    (h) => (h.lastRun === null || Date.parse(h.lastRun) < dueBefore) && (options.only?.(h) ?? true),
  );
  let datasets = 0;
  const signal = options.signal;
  for (const h of hosted) {
    if (signal?.aborted) return { datasets, addresses: 0 };
    try {
      const dataset = await getDataset(db, h.organizationId, h.slug);
      await runQualityCheck({ db, dialect, trigger: 'schedule', ...(signal ? { signal } : {}) }, dataset);
      datasets += 1;
      options.onDataset?.(dataset, datasets, hosted.length);
    } catch (error) {
      // Another node is checking it (CONFLICT), or it was deleted meanwhile (NOT_FOUND): leave it.
      if (error instanceof GovdxError && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')) continue;
      if (signal?.aborted) return { datasets, addresses: 0 };
      options.onError?.(error, `${h.organization}/${h.slug}`);
    }
  }
  let addresses = 0;
  for await (const page of everyDataset(db)) {
    if (signal?.aborted) break;
    const urls = [
      ...new Set(
        page.filter((d) => options.only?.(d) ?? true).flatMap((d) => externalAddresses(publicUrl, d)),
      ),
    ];
    const seen = await lastChecked(db, urls);
    const due = urls.filter((url) => {
      const check = seen.get(url);
      return !check || Date.parse(check.checkedAt) < dueBefore;
    });
    addresses += (await checkAddresses(db, due, options.timeoutMs, signal, options.allowPrivateNetworks))
      .length;
  }
  return { datasets, addresses };
}
