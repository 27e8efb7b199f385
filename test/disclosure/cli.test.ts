import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { anonymizeCommand } from '../../src/cli/disclosure.ts';

const ADULT = join(import.meta.dirname, 'adult');
const work = mkdtempSync(join(tmpdir(), 'govdx-disclosure-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the command with stdout and stderr captured; resolves with the exit code and what it wrote. */
async function run(input: string, options: Parameters<typeof anonymizeCommand>[1]) {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return { code: await anonymizeCommand(input, options), stderr };
  } finally {
    process.stderr.write = write;
    process.stdout.write = writeOut;
  }
}

const parseCsv = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(';'));

describe('govdx disclosure anonymize', () => {
  test('writes the generalised table and a report with the transformation, loss, risk and lattice', async () => {
    const out = join(work, 'adult-k5.csv');
    const report = join(work, 'adult-k5.json');
    const result = await run(join(ADULT, 'adult.csv'), {
      hierarchies: ADULT,
      k: '5',
      suppression: '0.04',
      out,
      report,
    });
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = parseCsv(out);
    assert.deepEqual(header, readFileSync(join(ADULT, 'adult.csv'), 'utf8').split(/\r?\n/)[0]!.split(';'));
    assert.equal(rows.length, 30162);
    const written = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(written.k, 5);
    assert.equal(written.suppressionLimit, 0.04);
    assert.equal(Object.keys(written.transformation).length, 9);
    assert.equal(rows.filter((r) => r.every((v) => v === '*')).length, written.suppressedRecords);
    for (const key of ['nonUniformEntropy', 'discernibility', 'loss'])
      assert.equal(typeof written.informationLoss[key], 'number');
    for (const model of ['prosecutor', 'journalist', 'marketer']) {
      assert.ok(
        written.risk[model].highest <= 1 / 5 && written.risk[model].average <= written.risk[model].highest,
      );
    }
    assert.equal(written.lattice.nodes, 12960);
    assert.ok(written.lattice.checked > 0 && written.seconds > 0);
  });

  test('--quasi narrows the quasi-identifiers and --l-diversity adds a sensitive attribute', async () => {
    const out = join(work, 'narrow.csv');
    const report = join(work, 'narrow.json');
    const result = await run(join(ADULT, 'adult.csv'), {
      hierarchies: ADULT,
      k: '3',
      quasi: 'sex,age,race',
      lDiversity: 'salary-class:2',
      out,
      report,
    });
    assert.equal(result.code, 0, result.stderr);
    const written = JSON.parse(readFileSync(report, 'utf8'));
    assert.deepEqual(Object.keys(written.transformation), ['sex', 'age', 'race']);
    assert.equal(written.sensitive, 'salary-class');
    assert.equal(written.lattice.nodes, 2 * 5 * 2);
  });

  test('--t-closeness with the hierarchical distance: every published group is within t of everyone', async () => {
    const out = join(work, 'close.csv');
    const report = join(work, 'close.json');
    const result = await run(join(ADULT, 'adult.csv'), {
      hierarchies: ADULT,
      k: '2',
      quasi: 'sex,age,race',
      tCloseness: 'occupation:0.2:hierarchical',
      out,
      report,
    });
    assert.equal(result.code, 0, result.stderr);
    const written = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(written.sensitive, 'occupation');
    assert.equal(written.models[1].kind, 'hierarchical-t-closeness');
    // Independently: on the hierarchy's tree metric the EMD is Σ over nodes below the top of |p − q| / 2H.
    const hierarchy = parseCsv(join(ADULT, 'adult_hierarchy_occupation.csv'));
    const H = hierarchy[0]!.length - 1;
    const [header, ...rows] = parseCsv(out);
    const at = (name: string) => header!.indexOf(name);
    const released = rows.filter((r) => r[at('sex')] !== '*');
    const share = (members: string[][]) => {
      const counts = new Map<string, number>();
      for (const m of members) counts.set(m[at('occupation')]!, (counts.get(m[at('occupation')]!) ?? 0) + 1);
      return (value: string) => (counts.get(value) ?? 0) / members.length;
    };
    const everyone = share(rows);
    const groups = new Map<string, string[][]>();
    for (const r of released) {
      const key = ['sex', 'age', 'race'].map((q) => r[at(q)]).join('|');
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    assert.ok(groups.size > 1);
    for (const [key, members] of groups) {
      const mine = share(members);
      let emd = 0;
      for (let level = 0; level < H; level += 1) {
        const extra = new Map<string, number>();
        for (const row of hierarchy)
          extra.set(row[level]!, (extra.get(row[level]!) ?? 0) + mine(row[0]!) - everyone(row[0]!));
        for (const e of extra.values()) emd += Math.abs(e) / (2 * H);
      }
      assert.ok(emd <= 0.2 + 1e-9, `${key}: ${emd}`);
    }
  });

  test('--population gives the journalist and marketer risk of a sample against the population it was drawn from', async () => {
    const lines = readFileSync(join(ADULT, 'adult.csv'), 'utf8').trim().split(/\r?\n/);
    const sample = join(work, 'sample.csv');
    writeFileSync(sample, `${lines.filter((_, i) => i === 0 || i % 10 === 0).join('\n')}\n`);
    const out = join(work, 'sample-out.csv');
    const report = join(work, 'sample-out.json');
    const result = await run(sample, {
      hierarchies: ADULT,
      k: '5',
      quasi: 'sex,age,race',
      population: join(ADULT, 'adult.csv'),
      out,
      report,
    });
    assert.equal(result.code, 0, result.stderr);
    const written = JSON.parse(readFileSync(report, 'utf8'));
    // Every class of the sample is at least as large in the population: the journalist's odds are lower.
    assert.ok(
      written.risk.journalist.highest < written.risk.prosecutor.highest,
      JSON.stringify(written.risk),
    );
    assert.ok(written.risk.marketer.average < written.risk.prosecutor.average, JSON.stringify(written.risk));
    const refused = await run(join(ADULT, 'adult.csv'), {
      hierarchies: ADULT,
      k: '5',
      quasi: 'sex,age,race',
      population: sample,
      out: join(work, 'never.csv'),
      report: join(work, 'never.json'),
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /must hold every record/);
  });

  test('a value missing from its hierarchy is named by row, column and value, and nothing is written', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    for (const f of readdirSync(ADULT)) if (f.endsWith('.csv')) copyFileSync(join(ADULT, f), join(dir, f));
    const lines = readFileSync(join(ADULT, 'adult.csv'), 'utf8').split(/\r?\n/);
    lines[3] = lines[3]!.replace(/^Male;38;/, 'Male;150;');
    writeFileSync(join(dir, 'adult.csv'), lines.join('\n'));
    const out = join(dir, 'out.csv');
    const report = join(dir, 'report.json');
    const result = await run(join(dir, 'adult.csv'), { hierarchies: dir, k: '5', out, report });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Row 3 \(line 4 counting the header\), column "age": the value "150"/);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(report), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('a bad k or suppression limit is refused before anything is read', async () => {
    const out = join(work, 'never.csv');
    const report = join(work, 'never.json');
    const input = join(ADULT, 'adult.csv');
    assert.equal((await run(input, { hierarchies: ADULT, k: 'five', out, report })).code, 1);
    assert.match(
      (await run(input, { hierarchies: ADULT, k: '5', suppression: '4', out, report })).stderr,
      /--suppression must be a fraction between 0 and 1/,
    );
    assert.equal(existsSync(out), false);
  });
});
