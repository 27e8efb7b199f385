/**
 * `govdx registry generate`: writes synthetic person records in the FEBRL layout, to benchmark and test
 * record linkage at sizes the real FEBRL files do not reach, with progress on stderr.
 */
import { Presets, SingleBar } from 'cli-progress';
import { GovdxError } from '../domain/index.ts';
import {
  type DuplicateDistribution,
  generateDedupe,
  generateLinkPair,
  type SyntheticRows,
  writeCsv,
} from '../registry/linkage/synthetic-index.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

export interface LinkageDataOptions {
  /** Dedupe: rows in the file, originals and duplicates together. Linkage: rows in each file. */
  records: number;
  /** Dedupe: the file to write. Linkage: a prefix; `<out>-a.csv` and `<out>-b.csv` are written. */
  out: string;
  /** Two files (FEBRL4-like) instead of one file with duplicates (FEBRL3-like). */
  link?: boolean;
  seed: number;
  /** Dedupe: at most this many duplicates of one original (default 5, as dataset3). */
  maxDuplicates?: number;
  /** Dedupe: how the number of duplicates of an original is distributed (default zipf, as dataset3). */
  distribution?: DuplicateDistribution;
}

/**
 * Dedupe (default): one file of `records` rows, 40 % originals and 60 % duplicates as in dataset3
 * (2,000 and 3,000). Linkage (`link`): `<out>-a.csv` with `records` originals and `<out>-b.csv` with
 * one duplicate of each, as FEBRL4's 5,000 × 5,000; a trailing `.csv` on `out` is dropped first.
 * Exit codes: 0 written, 2 options that cannot make a data set (the reason on stderr).
 */
export async function generateLinkageData(options: LinkageDataOptions): Promise<number> {
  if (!Number.isInteger(options.records) || options.records < 1) {
    process.stderr.write(
      `The number of records must be a whole number of at least 1, not ${options.records}.\n`,
    );
    return 2;
  }
  const started = performance.now();
  try {
    const files: [string, SyntheticRows][] = [];
    if (options.link) {
      const { left, right } = generateLinkPair({ seed: options.seed, originals: options.records });
      const prefix = options.out.replace(/\.csv$/, '');
      files.push([`${prefix}-a.csv`, left], [`${prefix}-b.csv`, right]);
    } else {
      const originals = Math.max(1, Math.round(options.records * 0.4));
      const rows = generateDedupe({
        seed: options.seed,
        originals,
        duplicates: {
          count: options.records - originals,
          ...(options.maxDuplicates !== undefined && { max: options.maxDuplicates }),
          ...(options.distribution !== undefined && { distribution: options.distribution }),
        },
      });
      files.push([options.out, rows]);
    }
    for (const [path, rows] of files) {
      const bar = progressBar(path, rows.count);
      try {
        await writeCsv(rows, path, (written) => bar?.update(written));
      } finally {
        bar?.stop();
      }
      out(`Wrote ${rows.count} records to ${path}.`);
    }
    const seconds = (performance.now() - started) / 1000;
    const total = files.reduce((sum, [, rows]) => sum + rows.count, 0);
    out(
      `${total} records in ${seconds.toFixed(1)} s (${Math.round(total / Math.max(seconds, 0.001))} records/s).`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof GovdxError && error.code === 'VALIDATION_FAILED')) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
}

function progressBar(path: string, total: number): SingleBar | null {
  if (!process.stderr.isTTY) return null;
  const bar = new SingleBar(
    {
      format: '{file} [{bar}] {value}/{total} records',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { file: path });
  return bar;
}
