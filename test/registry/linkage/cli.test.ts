import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { PairExplanation } from '../../../src/registry/linkage/model.ts';
import { generateLinkPair, writeCsv } from '../../../src/registry/linkage/synthetic.ts';
import { scorePairs, truePairs } from '../../../src/registry/linkage/truth.ts';
import { FEBRL_DIR } from './febrl-files.ts';

const run = promisify(execFile);
const govdx = join(import.meta.dirname, '..', '..', '..', 'bin', 'govdx.js');

/** Runs `govdx registry …` as a person would; resolves with its exit code and output, never throws. */
async function registry(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [govdx, 'registry', ...args], {
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const readPairs = (path: string) =>
  parse(readFileSync(path, 'utf8'), { columns: true }) as Array<{
    left_id: string;
    right_id: string;
    match_probability: string;
    match_weight: string;
  }>;

const ids = (path: string) =>
  (parse(readFileSync(path, 'utf8'), { columns: true, trim: true }) as Array<{ rec_id: string }>).map(
    (r) => r.rec_id,
  );

describe('govdx registry: linking files from the command line', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'govdx-linkage-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('deduplicating FEBRL dataset3 finds its 6,538 true pairs with F1 of at least 0.995, at the default threshold', async () => {
    const file = join(FEBRL_DIR, 'dataset3.csv');
    const out = join(dir, 'dataset3-pairs.csv');
    const result = await registry('dedupe', file, '--id', 'rec_id', '--out', out);
    assert.equal(result.code, 0, result.stderr);
    const pairs = readPairs(out);
    const truth = truePairs(ids(file));
    assert.equal(truth.count, 6538);
    const score = scorePairs(
      pairs.map((p) => [p.left_id, p.right_id] as const),
      truth,
    );
    assert.ok(score.f1 >= 0.995, `F1 ${score.f1} (precision ${score.precision}, recall ${score.recall})`);
    assert.ok(pairs.every((p) => Number(p.match_probability) >= 0.5));
  });

  test('linking two FEBRL-like files of 5,000 with one true match each gives F1 of at least 0.999', async () => {
    const { left, right } = generateLinkPair({ seed: 2024, originals: 5000 });
    const [a, b] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
    await writeCsv(left, a);
    await writeCsv(right, b);
    const out = join(dir, 'ab-pairs.csv');
    const result = await registry('link', a, b, '--id', 'rec_id', '--out', out);
    assert.equal(result.code, 0, result.stderr);
    const score = scorePairs(
      readPairs(out).map((p) => [p.left_id, p.right_id] as const),
      truePairs(ids(a), ids(b)),
    );
    assert.ok(score.f1 >= 0.999, `F1 ${score.f1} (precision ${score.precision}, recall ${score.recall})`);
  });

  test("every pair's explanation adds up, in order, exactly to the weight in the pairs file", async () => {
    const file = join(FEBRL_DIR, 'dataset1.csv');
    const [out, explain] = [join(dir, 'd1.csv'), join(dir, 'd1.jsonl')];
    const result = await registry('dedupe', file, '--id', 'rec_id', '--out', out, '--explain', explain);
    assert.equal(result.code, 0, result.stderr);
    const pairs = readPairs(out);
    const explanations = readFileSync(explain, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as PairExplanation);
    assert.equal(explanations.length, pairs.length);
    assert.ok(pairs.length >= 490);
    for (const [i, e] of explanations.entries()) {
      let sum = e.prior.weight;
      for (const c of e.comparisons) sum += c.weight;
      assert.equal(sum, e.match_weight, `${e.left_id} ${e.right_id}`);
      assert.equal(Number(pairs[i]!.match_weight), e.match_weight, 'the same pair, the same weight');
      assert.equal(pairs[i]!.left_id, e.left_id);
      assert.equal(e.comparisons.length, 10, 'one part per compared column');
    }
  });

  test('a saved model is reused: the same pairs and weights without training again', async () => {
    const file = join(FEBRL_DIR, 'dataset1.csv');
    const [first, second, model] = [join(dir, 'm1.csv'), join(dir, 'm2.csv'), join(dir, 'model.json')];
    assert.equal(
      (await registry('dedupe', file, '--id', 'rec_id', '--out', first, '--model', model)).code,
      0,
    );
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.format, 'govdx-linkage-model/1');
    const reuse = await registry('dedupe', file, '--id', 'rec_id', '--out', second, '--load-model', model);
    assert.equal(reuse.code, 0, reuse.stderr);
    assert.doesNotMatch(reuse.stderr, /EM converged/, 'no training');
    assert.equal(readFileSync(second, 'utf8'), readFileSync(first, 'utf8'));
  });

  test('--threshold reports fewer pairs when raised, each at or above it', async () => {
    const file = join(FEBRL_DIR, 'dataset1.csv');
    const out = join(dir, 'strict.csv');
    assert.equal(
      (await registry('dedupe', file, '--id', 'rec_id', '--out', out, '--threshold', '0.999999')).code,
      0,
    );
    const strict = readPairs(out);
    assert.ok(strict.length > 0 && strict.every((p) => Number(p.match_probability) >= 0.999999));
    assert.ok(strict.length < readPairs(join(dir, 'd1.csv')).length);
  });

  test('entities keep their ids when records are added: unchanged clusters keep theirs, new records get new ones', async () => {
    const lines = readFileSync(join(FEBRL_DIR, 'dataset1.csv'), 'utf8').trim().split('\n');
    const [header, ...rows] = lines;
    const firstFile = join(dir, 'first.csv');
    writeFileSync(firstFile, `${[header, ...rows.slice(0, 800)].join('\n')}\n`);
    const allFile = join(dir, 'all.csv');
    writeFileSync(allFile, `${lines.join('\n')}\n`);
    const [c1, c2] = [join(dir, 'c1.csv'), join(dir, 'c2.csv')];
    assert.equal(
      (await registry('dedupe', firstFile, '--id', 'rec_id', '--out', join(dir, 'p1.csv'), '--clusters', c1))
        .code,
      0,
    );
    const again = await registry(
      'dedupe',
      allFile,
      '--id',
      'rec_id',
      '--out',
      join(dir, 'p2.csv'),
      '--clusters',
      c2,
      '--previous-clusters',
      c1,
    );
    assert.equal(again.code, 0, again.stderr);
    const read = (path: string) =>
      new Map(
        (
          parse(readFileSync(path, 'utf8'), { columns: true }) as Array<{
            record_id: string;
            entity_id: string;
          }>
        ).map((r) => [r.record_id, r.entity_id]),
      );
    const before = read(c1);
    const after = read(c2);
    assert.equal(after.size, 1000, 'every record has an entity');
    const members = (m: Map<string, string>) => {
      const groups = new Map<string, string[]>();
      for (const [record, entity] of m) groups.set(entity, [...(groups.get(entity) ?? []), record]);
      return groups;
    };
    const beforeGroups = members(before);
    const afterGroups = members(after);
    let unchanged = 0;
    for (const [entity, records] of beforeGroups) {
      const now = afterGroups.get(entity);
      if (now && now.length === records.length) {
        unchanged += 1;
        assert.deepEqual([...now].sort(), [...records].sort());
      }
    }
    // Every cluster whose records are the same in both runs kept its id.
    const sameMembers = [...beforeGroups.values()].filter((records) => {
      const entities = new Set(records.map((r) => after.get(r)));
      return entities.size === 1 && afterGroups.get([...entities][0]!)!.length === records.length;
    });
    assert.equal(unchanged, sameMembers.length);
    assert.ok(unchanged > 100, `${unchanged} clusters unchanged`);
    // A cluster that only gained new records (a person's duplicate arrived) keeps its id too.
    let grown = 0;
    for (const [entity, records] of beforeGroups) {
      const entities = new Set(records.map((r) => after.get(r)));
      if (entities.size !== 1) continue;
      const now = afterGroups.get([...entities][0]!)!;
      if (now.length > records.length && now.every((r) => !before.has(r) || records.includes(r))) {
        grown += 1;
        assert.equal([...entities][0], entity);
      }
    }
    assert.ok(grown > 50, `${grown} clusters grew`);
    const added = rows.slice(800).map((r) => r.split(',')[0]!.trim());
    const newEntities = added.filter((id) => !afterGroups.get(after.get(id)!)!.some((r) => before.has(r)));
    for (const id of newEntities)
      assert.ok(!beforeGroups.has(after.get(id)!), 'a new entity never takes an old id');
  });

  describe('bad input: a clear error naming the row and column, a non-zero exit, and no output file', () => {
    const refuse = async (content: string | null, args: string[], message: RegExp) => {
      const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.csv`);
      if (content !== null) writeFileSync(file, content);
      const out = join(dir, `never-${Math.random().toString(36).slice(2)}.csv`);
      const result = await registry('dedupe', file, '--id', 'rec_id', '--out', out, ...args);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Nothing was written/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(out), false, 'no output file');
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.includes('.partial-')),
        [],
        'no partial file either',
      );
    };

    test('a missing id column is named, with the columns the file has', () =>
      refuse('id, surname\n1, smith\n', [], /no column "rec_id".*id, surname/));

    test('an id used twice names both lines', () =>
      refuse(
        'rec_id, surname\na, smith\nb, jones\na, brown\n',
        [],
        /lines 2 and 4: the rec_id "a" is used more than once/,
      ));

    test('a record without an id names its line', () =>
      refuse('rec_id, surname\na, smith\n , jones\n', [], /line 3: the record has no rec_id/));

    test('a row with the wrong number of fields names its line', () =>
      refuse(
        'rec_id, surname, postcode\na, smith, 2000\nb, jones\n',
        [],
        /line 3: expected 3 fields .* found 2/,
      ));

    test('a file that cannot be read says so', () => refuse(null, [], /Cannot read .*no such file/));

    test('an unknown column in --columns is named', () =>
      refuse('rec_id, fam\na, smith\n', ['--columns', 'family=name'], /no column "family"/));

    test('a threshold that is not a probability is refused', () =>
      refuse('rec_id, surname\na, smith\n', ['--threshold', '1.5'], /probability between 0 and 1/));

    test('a model file that is not a model is refused', async () => {
      const model = join(dir, 'not-a-model.json');
      writeFileSync(model, '{"hello": 1}');
      await refuse('rec_id, surname\na, smith\n', ['--load-model', model], /not a govdx linkage model/);
    });
  });
});
