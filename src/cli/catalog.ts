/**
 * `govdx catalog check`: checks hosted datasets' records and distribution links now, with progress.
 * `govdx catalog reindex`: writes the search index of every dataset anew, with progress.
 */
import { Presets, SingleBar } from 'cli-progress';
import {
  checkAddresses,
  countDatasets,
  externalAddresses,
  getDataset,
  hostedDatasets,
  listDatasets,
  type QualityRun,
  reindexCatalog,
  runQualityCheck,
} from '../catalog/index.ts';
import type { Config } from '../config/index.ts';
import { GovdxError } from '../domain/index.ts';
import { countRecords } from '../registry/index.ts';
import { migrateToLatest, openStore } from '../store/index.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);
const pct = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)} %`);

/** Exit codes: 0 checked, 2 nothing matched the selection. */
export async function catalogCheck(
  config: Config,
  options: { org?: string; dataset?: string; links?: boolean },
): Promise<number> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(store);
    const db = store.db;
    const selected = (d: { organization: string; slug: string }) =>
      (!options.org || d.organization === options.org) && (!options.dataset || d.slug === options.dataset);
    const hosted = (await hostedDatasets(db)).filter(selected);
    if (hosted.length === 0)
      out('No hosted dataset (one with records in govdx) matches; only links are checked.');
    const bar = process.stderr.isTTY
      ? new SingleBar(
          {
            format: '{dataset} [{bar}] {value}/{total} records',
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
          },
          Presets.shades_classic,
        )
      : null;
    const runs: QualityRun[] = [];
    const started = performance.now();
    for (const h of hosted) {
      const dataset = await getDataset(db, h.organizationId, h.slug);
      const total = await countRecords(db, dataset.id);
      bar?.start(total, 0, { dataset: `${h.organization}/${h.slug}` });
      try {
        runs.push(
          await runQualityCheck(
            { db, dialect: store.dialect, trigger: 'schedule', progress: (read) => bar?.update(read) },
            dataset,
          ),
        );
      } catch (error) {
        if (!(error instanceof GovdxError && error.code === 'CONFLICT')) throw error;
        out(`${h.organization}/${h.slug}: another node is checking it now; skipped.`);
      } finally {
        bar?.stop();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    for (const run of runs) {
      out(`${run.organization}/${run.dataset}: ${run.records} records`);
      out(
        `  completeness ${pct(run.summary.completeness)}, validity ${pct(run.summary.validity)}, ` +
          `${run.duplicateRecords} records with a shared key, freshness ${run.freshness.status}`,
      );
      for (const finding of run.summary.findings) out(`  - ${finding}`);
    }
    const records = runs.reduce((sum, r) => sum + r.records, 0);
    if (runs.length > 0)
      out(
        `Checked ${records} records of ${runs.length} dataset(s) in ${seconds.toFixed(1)} s (${Math.round(records / Math.max(seconds, 0.001))} records/s).`,
      );

    if (options.links !== false) {
      const urls = new Set<string>();
      let after: string | null = null;
      for (;;) {
        const page = await listDatasets(db, {}, 200, after);
        for (const d of page.items)
          if (selected(d)) for (const u of externalAddresses(config.publicUrl, d)) urls.add(u);
        if (page.nextCursor === null || page.items.length === 0) break;
        after = `${page.items.at(-1)!.organization}/${page.items.at(-1)!.slug}`;
      }
      const checks = await checkAddresses(
        db,
        [...urls],
        undefined,
        undefined,
        config.outboundPrivateNetworks,
      );
      const failed = checks.filter((c) => !c.ok);
      out(`Checked ${checks.length} outside address(es); ${failed.length} do not answer.`);
      for (const c of failed) out(`  - ${c.url}: ${c.problem}`);
    }
    return runs.length > 0 || options.links !== false ? 0 : 2;
  } finally {
    await store.close();
  }
}

/**
 * Rebuilds the catalog's search index (words and facet values) from the datasets, a batch of 500 per
 * transaction: after a bulk load made outside the API, or to repair an index. Searches keep working
 * meanwhile; each batch's datasets are replaced at once. Exit code 0.
 */
export async function catalogReindex(config: Config): Promise<number> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(store);
    const total = await countDatasets(store.db);
    const bar = process.stderr.isTTY
      ? new SingleBar(
          {
            format: 'Indexing [{bar}] {value}/{total} datasets',
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
          },
          Presets.shades_classic,
        )
      : null;
    bar?.start(total, 0);
    const started = performance.now();
    let done: number;
    try {
      done = await reindexCatalog(store.db, { progress: (n) => bar?.update(n) });
    } finally {
      bar?.stop();
    }
    out(`Indexed ${done} dataset(s) for search in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    await store.close();
  }
}
