/**
 * `govdx registry link LEFT.csv RIGHT.csv` and `govdx registry dedupe FILE.csv`: find the records that
 * are the same person (or address, or business) across two files or within one, with the trained model,
 * an explanation of every link and the entities they make, all written only when the whole run succeeded.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { Presets, SingleBar } from 'cli-progress';
import { parse } from 'csv-parse/sync';
import {
  assignEntityIds,
  connectedComponents,
  LINK_STAGES,
  LinkageError,
  type LinkResult,
  type LinkStage,
  type LinkTask,
  linkRecords,
} from '../registry/linkage/index.ts';

export interface LinkCommandOptions {
  id: string;
  out: string;
  columns?: string;
  threshold?: string;
  explain?: string;
  model?: string;
  loadModel?: string;
  clusters?: string;
  previousClusters?: string;
  randomPairs?: string;
}

const STAGE_WORDS: Record<LinkStage, string> = {
  reading: 'Reading the records',
  blocking: 'Choosing the pairs to compare',
  comparing: 'Comparing the pairs',
  training: 'Estimating the model',
  scoring: 'Scoring the pairs',
};

/** A CSV field, quoted when it must be. */
const field = (value: string) =>
  /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;

function positiveNumber(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new LinkageError(
      'BAD_OPTION',
      `${name} must be a ${integer ? 'whole number' : 'number'} above 0, not "${text}".`,
    );
  }
  return value;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new LinkageError('UNREADABLE_FILE', `Cannot read the ${what} ${path}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new LinkageError('BAD_MODEL', `The ${what} ${path} is not JSON.`);
  }
}

/** Reads the entity ids of an earlier run (`record_id,entity_id`, with `source` when two files were linked). */
async function readPreviousClusters(path: string): Promise<Map<string, string>> {
  let rows: Record<string, string>[];
  try {
    rows = parse(await readFile(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    const message =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message;
    throw new LinkageError('BAD_CLUSTERS', `Cannot read the earlier clusters ${path}: ${message}.`);
  }
  const previous = new Map<string, string>();
  for (const [i, row] of rows.entries()) {
    if (!row.record_id || !row.entity_id) {
      throw new LinkageError('BAD_CLUSTERS', `${path}, line ${i + 2}: a row needs record_id and entity_id.`);
    }
    previous.set(`${row.source ?? 'records'}:${row.record_id}`, row.entity_id);
  }
  return previous;
}

/** The entity of every record: connected components of the links, with ids kept from an earlier run. */
export function entities(
  task: LinkTask,
  result: Pick<LinkResult, 'pairs' | 'records'>,
  previous: ReadonlyMap<string, string>,
): Array<{ source: string; recordId: string; entityId: string }> {
  const { ids, leftCount } = result.records;
  const source = (i: number) => (task === 'dedupe' ? 'records' : i < leftCount ? 'left' : 'right');
  const key = (i: number) => `${source(i)}:${ids[i]}`;
  const labels = connectedComponents(
    ids.length,
    result.pairs.map((p) => [p.left, p.right] as const),
  );
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < ids.length; i += 1) {
    const members = byLabel.get(labels[i]!);
    if (members) members.push(i);
    else byLabel.set(labels[i]!, [i]);
  }
  const clusters = [...byLabel.values()];
  const entityIds = assignEntityIds(
    clusters.map((members) => members.map(key).sort()),
    previous,
  );
  return clusters.flatMap((members, c) =>
    members.map((i) => ({ source: source(i), recordId: ids[i]!, entityId: entityIds[c]! })),
  );
}

/** Writes every output file next to its final name, and renames them only once all are written. */
async function writeAll(files: Array<[string, string]>): Promise<void> {
  const temporary = files.map(([path]) => `${path}.partial-${process.pid}`);
  try {
    for (const [i, [, content]] of files.entries()) await writeFile(temporary[i]!, content);
    for (const [i, [path]] of files.entries()) await rename(temporary[i]!, path);
  } catch (error) {
    await Promise.all(temporary.map((t) => rm(t, { force: true })));
    throw new LinkageError('UNREADABLE_FILE', `Cannot write the output: ${(error as Error).message}`);
  }
}

/** Exit codes: 0 done, 1 bad input (nothing written). */
export async function runLinkCommand(
  task: LinkTask,
  files: string[],
  options: LinkCommandOptions,
): Promise<number> {
  const started = performance.now();
  const bar = process.stderr.isTTY
    ? new SingleBar(
        {
          format: '{stage} [{bar}] {value}/{total}',
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      )
    : null;
  try {
    const threshold = positiveNumber('--threshold', options.threshold, false);
    const randomPairs = positiveNumber('--random-pairs', options.randomPairs, true);
    const model = options.loadModel ? await readJson(options.loadModel, 'model') : undefined;
    const previous = options.previousClusters
      ? await readPreviousClusters(options.previousClusters)
      : new Map();
    bar?.start(LINK_STAGES.length, 0, { stage: STAGE_WORDS.reading });
    const result = await linkRecords({
      task,
      files,
      idColumn: options.id,
      columns: options.columns,
      threshold,
      model,
      randomPairs,
      explain: Boolean(options.explain),
      progress: (stage) => bar?.update(LINK_STAGES.indexOf(stage), { stage: STAGE_WORDS[stage] }),
    });
    bar?.update(LINK_STAGES.length, { stage: 'Writing' });
    bar?.stop();

    // Strongest first; explanations are in the same order as the pairs they explain.
    const order = result.pairs
      .map((_, i) => i)
      .sort((a, b) => {
        const [p, q] = [result.pairs[a]!, result.pairs[b]!];
        return q.weight - p.weight || p.left - q.left || p.right - q.right;
      });
    const lines = ['left_id,right_id,match_probability,match_weight'];
    for (const i of order) {
      const p = result.pairs[i]!;
      lines.push(`${field(p.leftId)},${field(p.rightId)},${p.probability},${p.weight}`);
    }
    const outputs: Array<[string, string]> = [[options.out, `${lines.join('\n')}\n`]];
    const explanations = result.explanations;
    if (options.explain && explanations) {
      outputs.push([options.explain, order.map((i) => `${JSON.stringify(explanations[i])}\n`).join('')]);
    }
    if (options.model) outputs.push([options.model, `${JSON.stringify(result.model, null, 2)}\n`]);
    if (options.clusters) {
      const rows = entities(task, result, previous);
      const header = task === 'dedupe' ? 'record_id,entity_id' : 'source,record_id,entity_id';
      const body = rows.map((r) =>
        task === 'dedupe'
          ? `${field(r.recordId)},${r.entityId}`
          : `${r.source},${field(r.recordId)},${r.entityId}`,
      );
      outputs.push([options.clusters, `${[header, ...body].join('\n')}\n`]);
    }
    await writeAll(outputs);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const dropped = result.stats.rules.filter((r) => !r.used);
    const say = (line: string) => process.stderr.write(`${line}\n`);
    say(
      `${result.stats.records.toLocaleString('en')} records, ${result.stats.candidatePairs.toLocaleString('en')} pairs compared, ${result.pairs.length.toLocaleString('en')} at or above ${result.threshold} probability, in ${seconds} s.`,
    );
    if (!model) {
      say(
        `Model: prior ${result.model.prior.toExponential(3)}, EM ${result.model.training.converged ? 'converged' : 'stopped'} after ${result.model.training.iterations} iterations, u from ${result.model.training.randomPairs.toLocaleString('en')} random pairs.`,
      );
    }
    if (dropped.length > 0)
      say(`Blocking rules left out (too many pairs): ${dropped.map((r) => r.rule).join('; ')}.`);
    if (result.stats.ignoredColumns.length > 0) {
      say(
        `Not compared (kind unknown; name it with --columns column=kind): ${result.stats.ignoredColumns.join(', ')}.`,
      );
    }
    say(`Wrote ${outputs.map(([path]) => path).join(', ')}.`);
    return 0;
  } catch (error) {
    bar?.stop();
    if (error instanceof LinkageError) {
      process.stderr.write(
        `govdx registry ${task}: ${error.message} (${error.code})\nNothing was written.\n`,
      );
      return 1;
    }
    throw error;
  }
}
