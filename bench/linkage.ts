/**
 * `npm run bench -- linkage [--sizes 100000,1000000] [--seed n]`: record linkage accuracy and speed.
 *
 * 1. FEBRL datasets 1–3 (deduplication): precision, recall and F1 at the default threshold against the
 *    planted duplicates.
 * 2. Two FEBRL4-like files of 5,000 records, one duplicate of each in the second, linked end to end by the
 *    command a person runs (`node bin/govdx.js registry link`, start-up included): wall time and F1.
 * 3. FEBRL-like generated files (govdx registry generate) at each size: time, peak memory, comparisons per
 *    second, precision and recall against the planted truth.
 *
 * The baseline, measured in the same run and the same engine: the blocking join alone (choosing and forming
 * the candidate pairs), beside the whole linkage; the ratio says what comparing, training and scoring cost on
 * top of merely finding the pairs. Each run is a child process, so its peak memory is its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateDedupe, generateLinkPair, writeCsv } from '../src/registry/linkage/synthetic.ts';
import { scorePairs, truePairs } from '../src/registry/linkage/truth.ts';
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
  const sizes = option(args, '--sizes', '100000,1000000').split(',').filter(Boolean).map(Number);
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
  const twoFiles: Array<{ seed: number; seconds: number; precision: number; recall: number; f1: number }> =
    [];
  for (const linkSeed of [seed, seed + 1, seed + 2]) {
    const { left, right } = generateLinkPair({ seed: linkSeed, originals: 5000 });
    const [a, b, out] = ['a.csv', 'b.csv', 'pairs.csv'].map((f) => join(dir, f)) as [string, string, string];
    await writeCsv(left, a);
    await writeCsv(right, b);
    const started = performance.now();
    await run(process.execPath, [
      join(root, 'bin', 'govdx.js'),
      'registry',
      'link',
      a,
      b,
      '--id',
      'rec_id',
      '--out',
      out,
    ]);
    const seconds = (performance.now() - started) / 1000;
    const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    const firstField = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== '')
        .map((l) => l.slice(0, l.indexOf(',')).trim());
    const score = scorePairs(
      lines.map((l) => l.split(',').slice(0, 2) as [string, string]),
      truePairs(firstField(a), firstField(b)),
    );
    twoFiles.push({
      seed: linkSeed,
      seconds,
      precision: score.precision,
      recall: score.recall,
      f1: score.f1,
    });
  }
  printTable(
    'Two files of 5,000 (FEBRL4-like), linked by `govdx registry link`, start-up included',
    ['seed', 'seconds', 'precision', 'recall', 'F1'],
    twoFiles.map((r) => [r.seed, r.seconds, r.precision.toFixed(4), r.recall.toFixed(4), r.f1.toFixed(4)]),
  );

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
  const file = writeResult('linkage', { febrl, twoFiles, generated, seed });
  process.stdout.write(`\nWrote ${file}\n`);
}
