/**
 * The linkage engine: reads CSV files into an embedded DuckDB, blocks, compares, trains the model and
 * scores, all in SQL where the work is per pair (DuckDB has Jaro–Winkler and Damerau–Levenshtein built in,
 * and is what Splink runs on). The arithmetic of the model stays in model.ts; the engine only feeds it
 * counts and reads back the pairs worth reporting.
 */
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type BlockingRule, candidateRules, describeRule, ruleKeys, ruleSql } from './blocking.ts';
import { type ColumnKind, type LinkColumn, linkColumns, parseColumnMap } from './columns.ts';
import { type ComparisonSpec, comparisonsFor, ident, levelSql } from './comparisons.ts';
import { LinkageError } from './errors.ts';
import {
  checkModel,
  expectationMaximisation,
  explainPair,
  type LinkModel,
  levelWeights,
  MODEL_FORMAT,
  matchProbability,
  type PairExplanation,
  pairContributions,
  startingM,
  uFromCounts,
  weightAt,
} from './model.ts';

export type LinkTask = 'link' | 'dedupe';

export interface LinkOptions {
  task: LinkTask;
  /** One file to deduplicate, or two to link. */
  files: string[];
  idColumn: string;
  /** `column=kind,…` for columns whose names govdx does not recognise. */
  columns?: string;
  /** Report pairs at or above this probability; default: the model's own decision point, 0.5. */
  threshold?: number;
  /** A trained model to reuse instead of training one. */
  model?: unknown;
  explain?: boolean;
  /** Random pairs drawn to estimate u (default 20 per record, at least 100,000 and at most 1,000,000). */
  randomPairs?: number;
  /** A blocking rule that would make more pairs than this is dropped (default max(250,000, 25 × records)). */
  maxPairsPerRule?: number;
  progress?: (stage: LinkStage) => void;
  /** DuckDB's memory limit, e.g. "4GB" (default: a quarter of this machine's memory, at most 4 GB). */
  memoryLimit?: string;
  /** Where DuckDB keeps its working files (default: the system's temporary folder). */
  workDir?: string;
}

function defaultMemoryLimit(): string {
  const gib = Math.max(1, Math.min(4, Math.floor(totalmem() / 4 / 2 ** 30)));
  return `${gib}GB`;
}

export const LINK_STAGES = ['reading', 'blocking', 'comparing', 'training', 'scoring'] as const;
export type LinkStage = (typeof LINK_STAGES)[number];

export interface LinkedPair {
  leftId: string;
  rightId: string;
  /** Row indices (0-based, left file first, then right) for clustering. */
  left: number;
  right: number;
  probability: number;
  weight: number;
}

export interface LinkResult {
  model: LinkModel;
  threshold: number;
  pairs: LinkedPair[];
  /** With `explain`: one per pair, in the same order. */
  explanations: PairExplanation[] | null;
  /** Every record's id in row order: left file first. */
  records: { ids: string[]; leftCount: number };
  stats: {
    records: number;
    candidatePairs: number;
    rules: Array<{ rule: string; pairs: number; used: boolean }>;
    ignoredColumns: string[];
  };
}

const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Reads a CSV file's header line: the column names, trimmed. */
async function readHeader(path: string): Promise<string[]> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new LinkageError('UNREADABLE_FILE', `${path} is not a file.`);
    handle = await open(path, 'r');
  } catch (error) {
    if (error instanceof LinkageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new LinkageError('UNREADABLE_FILE', `Cannot read ${path}: ${why}.`);
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    const line = end === -1 ? text : text.slice(0, end);
    if (line.trim() === '') {
      throw new LinkageError('BAD_CSV', `${path} has no header line: the first line must name the columns.`);
    }
    const names = line.split(',').map((n) =>
      n
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    );
    const empty = names.indexOf('');
    if (empty !== -1) throw new LinkageError('BAD_CSV', `${path}, line 1: column ${empty + 1} has no name.`);
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n))
        throw new LinkageError('BAD_CSV', `${path}, line 1: the column "${n}" is named twice.`);
      seen.add(n);
    }
    return names;
  } finally {
    await handle.close();
  }
}

/** DuckDB's CSV error, in a sentence that names the file and line. */
function csvError(path: string, error: unknown): LinkageError {
  const message = (error as Error).message ?? String(error);
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (line && fields) {
    return new LinkageError(
      'BAD_CSV',
      `${path}, line ${line}: expected ${fields[1]} fields as in the header, found ${fields[2]}.`,
    );
  }
  if (line) return new LinkageError('BAD_CSV', `${path}, line ${line}: ${message.split('\n')[0]}`);
  if (/invalid unicode|UTF-8/i.test(message)) {
    return new LinkageError('BAD_CSV', `${path} is not UTF-8 text: ${message.split('\n')[0]}`);
  }
  return new LinkageError('BAD_CSV', `${path} could not be read as CSV: ${message.split('\n')[0]}`);
}

/** How a value of each kind is cleaned before comparison: trimmed, blanks as missing, case and spacing made one. */
function cleaned(column: string, kind: ColumnKind): string {
  const value = `trim(${ident(column)})`;
  switch (kind) {
    case 'date':
      return `nullif(regexp_replace(${value}, '[^0-9]', '', 'g'), '')`;
    case 'identifier':
    case 'postcode':
      return `nullif(lower(regexp_replace(${value}, '[\\s-]', '', 'g')), '')`;
    case 'number':
      return `nullif(lower(${value}), '')`;
    default:
      return `nullif(lower(regexp_replace(${value}, '\\s+', ' ', 'g')), '')`;
  }
}

async function scalar(connection: DuckDBConnection, sql: string): Promise<number> {
  const reader = await connection.runAndReadAll(sql);
  const value = reader.getRows()[0]?.[0];
  return value === null || value === undefined ? 0 : Number(value);
}

/** Loads one file as `raw{index}` and checks its ids: present, and each once. */
async function loadFile(
  connection: DuckDBConnection,
  path: string,
  header: string[],
  idColumn: string,
  table: string,
): Promise<number> {
  if (!header.includes(idColumn)) {
    throw new LinkageError(
      'MISSING_ID_COLUMN',
      `${path} has no column "${idColumn}" for record ids (its columns: ${header.join(', ')}); name the id column with --id.`,
    );
  }
  const columns = `{${header.map((h) => `${sqlString(h)}: 'VARCHAR'`).join(', ')}}`;
  try {
    await connection.run(
      `CREATE TABLE ${table} AS SELECT row_number() OVER () + 1 AS line, * FROM read_csv(${sqlString(path)},
         delim = ',', quote = '"', escape = '"', header = true, auto_detect = false, strict_mode = true,
         null_padding = false, columns = ${columns})`,
    );
  } catch (error) {
    throw csvError(path, error);
  }
  const id = ident(idColumn);
  const empty = await connection.runAndReadAll(
    `SELECT line FROM ${table} WHERE ${id} IS NULL OR trim(${id}) = '' ORDER BY line LIMIT 1`,
  );
  const emptyLine = empty.getRows()[0]?.[0];
  if (emptyLine !== undefined) {
    throw new LinkageError('EMPTY_ID', `${path}, line ${emptyLine}: the record has no ${idColumn}.`);
  }
  const duplicate = await connection.runAndReadAll(
    `SELECT trim(${id}) AS id, list(line ORDER BY line) AS lines FROM ${table} GROUP BY 1 HAVING count(*) > 1 ORDER BY min(line) LIMIT 1`,
  );
  const row = duplicate.getRowsJS()[0];
  if (row) {
    const lines = (row[1] as unknown[]).slice(0, 5).map(String);
    throw new LinkageError(
      'DUPLICATE_ID',
      `${path}, lines ${lines.join(' and ')}: the ${idColumn} "${String(row[0])}" is used more than once; each record needs its own.`,
    );
  }
  return scalar(connection, `SELECT count(*) FROM ${table}`);
}

/** Pairs a blocking rule would make, from the sizes of its key groups (no pairs are formed). */
async function rulePairs(connection: DuckDBConnection, rule: BlockingRule, task: LinkTask): Promise<number> {
  const keys = ruleKeys(rule);
  const groups = (side: string, exprs: string[]) =>
    `SELECT ${exprs.map((e, i) => `${e} AS k${i}`).join(', ')}, count(*) AS n FROM ${side}
     WHERE ${exprs.map((e) => `${e} IS NOT NULL`).join(' AND ')} GROUP BY ALL`;
  const on = keys.left.map((_, i) => `a.k${i} = b.k${i}`).join(' AND ');
  if (task === 'link') {
    return scalar(
      connection,
      `SELECT sum(a.n * b.n) FROM (${groups('left_records', keys.left)}) a JOIN (${groups('right_records', keys.right)}) b ON ${on}`,
    );
  }
  const same = keys.left.every((k, i) => k === keys.right[i]);
  if (same) return scalar(connection, `SELECT sum(n * (n - 1) / 2) FROM (${groups('records', keys.left)})`);
  return scalar(
    connection,
    `SELECT sum(a.n * b.n) / 2 FROM (${groups('records', keys.left)}) a JOIN (${groups('records', keys.right)}) b ON ${on}`,
  );
}

function columnTf(spec: ComparisonSpec): string {
  return ident(`tf_${spec.column}`);
}

/** Links two files or deduplicates one. */
export async function linkRecords(options: LinkOptions): Promise<LinkResult> {
  const { task, files, idColumn } = options;
  if (files.length !== (task === 'link' ? 2 : 1)) {
    throw new LinkageError(
      'BAD_OPTION',
      task === 'link' ? 'Linking needs two files.' : 'Deduplication needs one file.',
    );
  }
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1)) {
    throw new LinkageError('BAD_OPTION', `The threshold is a probability between 0 and 1, not ${threshold}.`);
  }
  options.progress?.('reading');
  const headers = await Promise.all(files.map(readHeader));
  const header = headers[0]!;
  if (headers[1]) {
    const missing = header.filter((h) => !headers[1]!.includes(h));
    if (missing.length > 0) {
      throw new LinkageError(
        'COLUMNS_DIFFER',
        `${files[1]} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that ${files[0]} has; both files need the same columns.`,
      );
    }
  }
  const map = options.columns ? parseColumnMap(options.columns, header) : new Map();
  const reused = options.model === undefined ? null : checkModel(options.model, header);
  const { columns, ignored } = reused
    ? {
        columns: reused.comparisons.map((c) => ({ name: c.column, kind: c.kind as ColumnKind })),
        ignored: [] as string[],
      }
    : linkColumns(header, idColumn, map);
  const specs = comparisonsFor(columns);

  // A database file in a folder of its own, with a memory limit: DuckDB spills to disk past it, so a million
  // records fit in a few GiB. The folder goes when the run ends, whatever happened.
  const workDir = await mkdtemp(join(options.workDir ?? tmpdir(), 'govdx-linkage-'));
  const instance = await DuckDBInstance.create(join(workDir, 'linkage.duckdb'), {
    threads: String(Math.max(1, availableParallelism())),
    memory_limit: options.memoryLimit ?? defaultMemoryLimit(),
    temp_directory: join(workDir, 'spill'),
    preserve_insertion_order: 'true',
  });
  const connection = await instance.connect();
  try {
    const counts: number[] = [];
    for (const [i, file] of files.entries())
      counts.push(await loadFile(connection, file, headers[i]!, idColumn, `raw${i}`));
    const leftCount = counts[0]!;
    const total = counts.reduce((a, b) => a + b, 0);
    const select = (i: number) =>
      `SELECT ${i} AS side, line, trim(${ident(idColumn)}) AS id, ${columns.map((c: LinkColumn) => `${cleaned(c.name, c.kind)} AS ${ident(c.name)}`).join(', ')} FROM raw${i}`;
    await connection.run(
      `CREATE TABLE cleaned AS SELECT (row_number() OVER (ORDER BY side, line) - 1)::INTEGER AS rid, * FROM (${files.map((_, i) => select(i)).join(' UNION ALL ')})`,
    );
    // Term frequencies over both files together, for the term-frequency adjusted comparisons.
    const tfSpecs = specs.filter((s) => s.termFrequency);
    let from = 'cleaned c';
    const tfColumns: string[] = [];
    for (const [i, spec] of tfSpecs.entries()) {
      const col = ident(spec.column);
      from += ` LEFT JOIN (SELECT ${col} AS v, count(*) / sum(count(*)) OVER () AS tf FROM cleaned WHERE ${col} IS NOT NULL GROUP BY 1) t${i} ON t${i}.v = c.${col}`;
      tfColumns.push(`t${i}.tf AS ${columnTf(spec)}`);
    }
    await connection.run(
      `CREATE TABLE records AS SELECT c.*${tfColumns.length ? `, ${tfColumns.join(', ')}` : ''} FROM ${from} ORDER BY c.rid`,
    );
    for (const d of ['raw0', 'raw1', 'cleaned']) await connection.run(`DROP TABLE IF EXISTS ${d}`);
    await connection.run('CREATE VIEW left_records AS SELECT * FROM records WHERE side = 0');
    await connection.run('CREATE VIEW right_records AS SELECT * FROM records WHERE side = 1');
    const idRows = await connection.runAndReadAll('SELECT id FROM records ORDER BY rid');
    const ids = idRows.getColumnsJS()[0] as string[];

    options.progress?.('blocking');
    const totalPairs = task === 'link' ? leftCount * (total - leftCount) : (total * (total - 1)) / 2;
    const budget = options.maxPairsPerRule ?? Math.max(250_000, 5 * total);
    const rules: LinkResult['stats']['rules'] = [];
    const used: BlockingRule[] = reused ? reused.blocking : [];
    if (!reused) {
      // A rule that makes too many pairs (a common birth date, a common name) is not dropped but narrowed by
      // each other column in turn, so a pair it would have found is still found when one more column agrees.
      const queue = candidateRules(columns);
      const seen = new Set<string>();
      const narrowing = columns.map((c) => c.name);
      while (queue.length > 0) {
        const rule = queue.shift()!;
        const key = [...rule].sort().join('|');
        if (seen.has(key)) continue;
        seen.add(key);
        if (used.some((kept) => kept.every((part) => rule.includes(part)))) continue; // already covered
        const pairs = await rulePairs(connection, rule, task);
        if (pairs === 0) continue;
        const keep = pairs <= budget;
        rules.push({ rule: describeRule(rule), pairs, used: keep });
        if (keep) used.push(rule);
        else if (rule.length < 3) {
          for (const column of narrowing)
            if (!rule.some((part) => part.split('~').includes(column))) queue.push([...rule, column]);
        }
      }
    }
    const [leftTable, rightTable] =
      task === 'link' ? ['left_records', 'right_records'] : ['records', 'records'];
    const selects = used.map((rule, i) => {
      const earlier = used.slice(0, i).map((r) => `NOT coalesce(${ruleSql(r)}, false)`);
      const conditions = [...(task === 'dedupe' ? ['l.rid < r.rid'] : []), ...earlier];
      return `SELECT l.rid AS l, r.rid AS r FROM ${leftTable} l JOIN ${rightTable} r ON ${ruleSql(rule)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    });
    await connection.run(
      selects.length > 0
        ? `CREATE TABLE pairs AS ${selects.join(' UNION ALL ')}`
        : 'CREATE TABLE pairs (l BIGINT, r BIGINT)',
    );
    const candidatePairs = await scalar(connection, 'SELECT count(*) FROM pairs');

    options.progress?.('comparing');
    const gammaColumns = specs.map((s, i) => `${levelSql(s)}::UTINYINT AS g${i}`);
    const tfPairColumns = specs.flatMap((s, i) =>
      s.termFrequency ? [`greatest(l.${columnTf(s)}, r.${columnTf(s)})::FLOAT AS tf${i}`] : [],
    );
    await connection.run(
      `CREATE TABLE compared AS SELECT p.l, p.r, ${[...gammaColumns, ...tfPairColumns].join(', ')}
       FROM pairs p JOIN records l ON l.rid = p.l JOIN records r ON r.rid = p.r`,
    );
    await connection.run('DROP TABLE pairs');

    let model: LinkModel;
    if (reused) {
      model = reused;
    } else {
      options.progress?.('training');
      // u: levels among random pairs. Pseudo-random by hashing, so the same input gives the same model.
      const wanted = options.randomPairs ?? Math.min(Math.max(20 * total, 100_000), 1_000_000);
      const sample = Math.min(wanted, Math.floor(totalPairs));
      const pick =
        task === 'link'
          ? `hash(i, 'l') % ${leftCount} AS a, ${leftCount} + hash(i, 'r') % ${total - leftCount} AS b`
          : `hash(i, 'l') % ${total} AS a, hash(i, 'r') % ${total} AS b`;
      await connection.run(
        `CREATE TABLE sampled AS SELECT ${gammaColumns.join(', ')} FROM (SELECT ${pick} FROM range(${sample}) t(i)) s
         JOIN records l ON l.rid = s.a JOIN records r ON r.rid = s.b WHERE s.a <> s.b`,
      );
      const randomPairs = await scalar(connection, 'SELECT count(*) FROM sampled');
      const u: number[][] = [];
      for (const [i, spec] of specs.entries()) {
        const levelCounts = new Array<number>(spec.levels.length).fill(0);
        const rows = await connection.runAndReadAll(`SELECT g${i}, count(*) FROM sampled GROUP BY 1`);
        for (const [level, n] of rows.getRowsJS()) levelCounts[Number(level)] = Number(n);
        const levels = uFromCounts(levelCounts);
        // The exact level's u is known without sampling: the chance two random records share a value.
        const col = ident(spec.column);
        const exactShare =
          task === 'link'
            ? await scalar(
                connection,
                `SELECT sum(a.n * b.n) / ((SELECT count(${col}) FROM left_records) * (SELECT count(${col}) FROM right_records))
                 FROM (SELECT ${col} v, count(*) n FROM left_records WHERE ${col} IS NOT NULL GROUP BY 1) a
                 JOIN (SELECT ${col} v, count(*) n FROM right_records WHERE ${col} IS NOT NULL GROUP BY 1) b ON a.v = b.v`,
              )
            : await scalar(
                connection,
                `SELECT sum(n * (n - 1)) / ((SELECT count(${col}) FROM records) * ((SELECT count(${col}) FROM records) - 1))
                 FROM (SELECT count(*) n FROM records WHERE ${col} IS NOT NULL GROUP BY ${col})`,
              );
        if (exactShare > 0 && spec.levels[1]?.key === 'exact') {
          const rest = levels.reduce((sum, v, l) => (l <= 1 ? sum : sum + v), 0);
          const scale = rest > 0 ? (1 - exactShare) / rest : 1;
          for (let l = 2; l < levels.length; l += 1) levels[l] = levels[l]! * scale;
          levels[1] = exactShare;
        }
        u.push(levels);
      }
      await connection.run('DROP TABLE sampled');

      const patternRows = await connection.runAndReadAll(
        `SELECT ${specs.map((_, i) => `g${i}`).join(', ')}, count(*) AS n FROM compared GROUP BY ALL`,
      );
      const patternColumns = patternRows.getColumnsJS();
      const patternCount = patternRows.currentRowCount;
      const k = specs.length;
      const levels = new Uint8Array(patternCount * k);
      const countsOf = new Float64Array(patternCount);
      for (let p = 0; p < patternCount; p += 1) {
        for (let c = 0; c < k; c += 1) levels[p * k + c] = Number(patternColumns[c]![p]);
        countsOf[p] = Number(patternColumns[k]![p]);
      }
      const expected = task === 'link' ? Math.min(leftCount, total - leftCount) : total / 2;
      const em = expectationMaximisation(
        { comparisons: k, levels, counts: countsOf },
        u,
        {
          m: specs.map((s) => startingM(s.levels.map(() => 0))),
          prior: Math.min(expected / totalPairs, 0.5),
        },
        totalPairs,
      );
      model = {
        format: MODEL_FORMAT,
        task,
        idColumn,
        comparisons: specs.map((s, c) => ({
          column: s.column,
          kind: s.kind,
          label: s.label,
          termFrequency: s.termFrequency,
          levels: s.levels.map((level, l) => ({
            key: level.key,
            label: level.label,
            m: l === 0 ? null : em.m[c]![l]!,
            u: l === 0 ? null : u[c]![l]!,
          })),
        })),
        prior: em.prior,
        blocking: used,
        training: {
          records: total,
          candidatePairs,
          randomPairs,
          iterations: em.iterations,
          converged: em.converged,
        },
      };
    }

    options.progress?.('scoring');
    const weights = levelWeights(model);
    const minimumTf = 1 / Math.max(total, 1);
    // A generous SQL filter (a millibit below the threshold); the exact weights are added up below.
    const prior = Math.log2(model.prior / (1 - model.prior));
    const terms = model.comparisons.map((c, i) => {
      const base = `CASE g${i} ${weights[i]!.map((w, l) => `WHEN ${l} THEN ${w}`).join(' ')} END`;
      if (!c.termFrequency) return base;
      const uExact = c.levels[1]!.u!;
      return `${base} + CASE WHEN g${i} = 1 AND tf${i} IS NOT NULL THEN log2(${uExact} / greatest(tf${i}, ${minimumTf})) ELSE 0 END`;
    });
    const floor = weightAt(threshold) - 1e-3;
    const explainColumns = options.explain
      ? model.comparisons.flatMap((c) => [`l.${ident(c.column)}`, `r.${ident(c.column)}`])
      : [];
    // Streamed a chunk at a time: a million records can make millions of pairs worth reporting.
    const scored = await connection.stream(
      `SELECT x.l, x.r, ${model.comparisons.map((_, i) => `x.g${i}`).join(', ')},
              ${model.comparisons.map((c, i) => (c.termFrequency ? `x.tf${i}` : 'NULL')).join(', ')}
              ${explainColumns.length ? `, ${explainColumns.join(', ')}` : ''}
       FROM compared x ${options.explain ? 'JOIN records l ON l.rid = x.l JOIN records r ON r.rid = x.r' : ''}
       WHERE ${prior} + ${terms.map((t) => `(${t})`).join(' + ')} >= ${floor}
       ORDER BY x.l, x.r`,
    );
    const k = model.comparisons.length;
    const thresholdWeight = weightAt(threshold);
    const pairs: LinkedPair[] = [];
    const explanations: PairExplanation[] | null = options.explain ? [] : null;
    const levelsOf = new Uint8Array(k);
    const tfOf = new Array<number | null>(k);
    for (
      let chunk = await scored.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await scored.fetchChunk()
    ) {
      const cols = chunk.getColumns();
      for (let row = 0; row < chunk.rowCount; row += 1) {
        for (let c = 0; c < k; c += 1) {
          levelsOf[c] = Number(cols[2 + c]![row]);
          const tf = cols[2 + k + c]![row];
          tfOf[c] = tf === null || tf === undefined ? null : Number(tf);
        }
        const { total: weight } = pairContributions(model, weights, levelsOf, tfOf, minimumTf);
        if (weight < thresholdWeight) continue;
        const left = Number(cols[0]![row]);
        const right = Number(cols[1]![row]);
        pairs.push({
          leftId: ids[left]!,
          rightId: ids[right]!,
          left,
          right,
          weight,
          probability: matchProbability(weight),
        });
        if (explanations) {
          const base = 2 + 2 * k;
          explanations.push(
            explainPair(
              model,
              weights,
              {
                leftId: ids[left]!,
                rightId: ids[right]!,
                levels: levelsOf,
                tf: tfOf,
                left: model.comparisons.map((_, c) => (cols[base + 2 * c]![row] as string | null) ?? null),
                right: model.comparisons.map(
                  (_, c) => (cols[base + 2 * c + 1]![row] as string | null) ?? null,
                ),
              },
              minimumTf,
            ),
          );
        }
      }
    }
    return {
      model,
      threshold,
      pairs,
      explanations,
      records: { ids, leftCount },
      stats: { records: total, candidatePairs, rules, ignoredColumns: ignored },
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
}

export const fileLabel = (path: string) => basename(path);
