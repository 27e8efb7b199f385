/**
 * `npm run bench -- linkage [--sizes 100000,1000000] [--seed n]`: record linkage accuracy and speed.
 *
 * 1. FEBRL datasets 1–3 (deduplication): precision, recall and F1 at the default threshold against the
 *    planted duplicates.
 * 2. FEBRL-like generated files (govdx registry generate) at each size: time, peak memory, comparisons per
 *    second, precision and recall against the planted truth.
 *
 * The baseline, measured in the same run and the same engine: the blocking join alone (choosing and forming
 * the candidate pairs), beside the whole linkage; the ratio says what comparing, training and scoring cost on
 * top of merely finding the pairs. Each run is a child process, so its peak memory is its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateDedupe, writeCsv } from '../src/registry/linkage/synthetic.ts';
import { printTable, writeResult } from './harness.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

interface RunResult {
  records: number;
  candidatePairs: number;
  predictedPairs: number;
  truePairs: number;
  precision: number;
  recall: number;
  f1: number;
  seconds: number;
  stageSeconds: Record<string, number>;
  peakRssMiB: number;
  rulesDropped: string[];
}

async function linkage(task: 'dedupe' | 'link', files: string[]): Promise<RunResult> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'children', 'linkage-run.ts'), task, ...files],
    { cwd: root, maxBuffer: 16 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as RunResult;
}

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

export async function main(args: string[]): Promise<void> {
  const sizes = option(args, '--sizes', '100000,1000000').split(',').map(Number);
  const seed = Number(option(args, '--seed', '1'));
  const febrl: Array<{ dataset: string } & RunResult> = [];
  for (const dataset of ['dataset1.csv', 'dataset2.csv', 'dataset3.csv']) {
    const file = join(root, 'test', 'registry', 'linkage', 'febrl', dataset);
    febrl.push({ dataset, ...(await linkage('dedupe', [file])) });
  }
  printTable(
    'FEBRL deduplication at the default threshold (p ≥ 0.5)',
    ['data set', 'records', 'true pairs', 'found', 'precision', 'recall', 'F1', 'seconds'],
    febrl.map((r) => [
      r.dataset,
      r.records,
      r.truePairs,
      r.predictedPairs,
      r.precision.toFixed(4),
      r.recall.toFixed(4),
      r.f1.toFixed(4),
      r.seconds,
    ]),
  );

  const dir = mkdtempSync(join(tmpdir(), 'govdx-bench-linkage-'));
  const generated: Array<
    { records: number } & RunResult & { blockingSeconds: number; ratio: number; comparisonsPerSecond: number }
  > = [];
  try {
    for (const size of sizes) {
      const file = join(dir, `people-${size}.csv`);
      const originals = Math.round(size * 0.4);
      process.stderr.write(`Generating ${size.toLocaleString('en')} records…\n`);
      await writeCsv(generateDedupe({ seed, originals, duplicates: { count: size - originals } }), file);
      process.stderr.write(`Deduplicating ${size.toLocaleString('en')} records…\n`);
      const r = await linkage('dedupe', [file]);
      const blockingSeconds = r.stageSeconds.blocking ?? Number.NaN;
      generated.push({
        ...r,
        blockingSeconds,
        ratio: r.seconds / blockingSeconds,
        comparisonsPerSecond: r.candidatePairs / r.seconds,
      });
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    'FEBRL-like generated records, deduplicated (baseline: the blocking join alone, same engine, same run)',
    [
      'records',
      'pairs compared',
      'seconds',
      'blocking join s',
      'ratio',
      'comparisons/s',
      'peak MiB',
      'precision',
      'recall',
    ],
    generated.map((r) => [
      r.records,
      r.candidatePairs,
      r.seconds,
      r.blockingSeconds,
      r.ratio,
      Math.round(r.comparisonsPerSecond),
      Math.round(r.peakRssMiB),
      r.precision.toFixed(4),
      r.recall.toFixed(4),
    ]),
  );
  const file = writeResult('linkage', { febrl, generated, seed });
  process.stdout.write(`\nWrote ${file}\n`);
}
