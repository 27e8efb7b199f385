/**
 * One linkage run for `npm run bench -- linkage`, in its own process so that its peak memory (DuckDB's
 * included) is its own: links or deduplicates, scores against the planted truth, prints one JSON line.
 * Usage: node --import tsx bench/children/linkage-run.ts dedupe FILE | link LEFT RIGHT
 */
import { readFileSync } from 'node:fs';
import { LINK_STAGES, type LinkStage, linkRecords } from '../../src/registry/linkage/engine.ts';
import { scorePairs, truePairs } from '../../src/registry/linkage/truth.ts';

const [task, ...files] = process.argv.slice(2) as ['link' | 'dedupe', ...string[]];
const ids = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.slice(0, line.indexOf(',')).trim());

const started = performance.now();
const stages: Partial<Record<LinkStage | 'done', number>> = {};
const result = await linkRecords({
  task,
  files,
  idColumn: 'rec_id',
  progress: (stage) => {
    stages[stage] = (performance.now() - started) / 1000;
  },
});
stages.done = (performance.now() - started) / 1000;
const truth = task === 'link' ? truePairs(ids(files[0]!), ids(files[1]!)) : truePairs(ids(files[0]!));
const score = scorePairs(
  result.pairs.map((p) => [p.leftId, p.rightId] as const),
  truth,
);
const seconds: Record<string, number> = {};
const marks = [...LINK_STAGES, 'done'] as const;
for (let i = 0; i + 1 < marks.length; i += 1) {
  const from = stages[marks[i]!];
  const to = stages[marks[i + 1]!] ?? stages.done;
  if (from !== undefined && to !== undefined) seconds[marks[i]!] = to - from;
}
process.stdout.write(
  `${JSON.stringify({
    records: result.stats.records,
    candidatePairs: result.stats.candidatePairs,
    predictedPairs: result.pairs.length,
    truePairs: truth.count,
    ...score,
    seconds: stages.done,
    stageSeconds: seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    prior: result.model.prior,
    emIterations: result.model.training.iterations,
    rulesDropped: result.stats.rules.filter((r) => !r.used).map((r) => r.rule),
  })}\n`,
);
