/**
 * `govdx registry import FILE --dataset org/slug [--url …] [--token …]`: sends a file to a node's import
 * API, streamed, with a progress bar of the bytes sent. It talks to the node over HTTP with a personal
 * access token rather than to the store: the node checks who may import, records the import on its ledger
 * (one sequencer per deployment), and the same command works against a remote node at scale.
 *
 * When an upload is cut (the node's request timeout, a dropped connection), the import is failed with its
 * committed batches kept; the command resumes it with the same file, as long as each try gets further.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import cliProgress from 'cli-progress';

const FORMATS: Record<string, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
  ndjson: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
};

export interface ImportCommandOptions {
  dataset: string;
  url: string;
  token?: string | undefined;
  format?: string | undefined;
  resume?: string | undefined;
  progress: boolean;
}

interface ImportAnswer {
  id: string;
  status: string;
  rowsRead: number;
  committedRows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  failure: string | null;
  errors?: Array<{ row: number; reason: string }>;
}

const MOST_TRIES = 20;

export async function runImportCommand(file: string, options: ImportCommandOptions): Promise<number> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const token = options.token ?? process.env.GOVDX_TOKEN;
  if (!token) {
    err('A personal access token is needed: --token, or GOVDX_TOKEN.');
    return 2;
  }
  const [org, slug] = options.dataset.split('/');
  if (!org || !slug) {
    err('--dataset is organization/dataset, e.g. tax-agency/people.');
    return 2;
  }
  const format = (options.format ?? extname(file).slice(1)).toLowerCase();
  const contentType = FORMATS[format];
  if (!contentType) {
    err(`Say which format the file is with --format csv, jsonl or parquet (not "${format}").`);
    return 2;
  }
  const size = statSync(file).size;
  const base = `${options.url.replace(/\/$/, '')}/api/v1/organizations/${org}/datasets/${slug}/imports`;
  const headers = { authorization: `Bearer ${token}` };
  let resume = options.resume;
  let answer: ImportAnswer | undefined;
  for (let tries = 1; tries <= MOST_TRIES; tries++) {
    const bar = options.progress
      ? new cliProgress.SingleBar(
          { format: '  Sending [{bar}] {percentage}% | {value}/{total} MiB', hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    bar?.start(mib(size), 0);
    let sent = 0;
    const counted = createReadStream(file).pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          bar?.update(mib(sent));
          done(null, chunk);
        },
      }),
    );
    const url = resume ? `${base}?resume=${encodeURIComponent(resume)}` : base;
    let response: Response | undefined;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': contentType },
        body: Readable.toWeb(counted) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
    } catch {
      response = undefined;
    } finally {
      bar?.stop();
    }
    if (response && response.status !== 408) {
      const body = (await response.json().catch(() => ({}))) as ImportAnswer & {
        error?: { message: string };
      };
      if (!response.ok) {
        err(`Refused (${response.status}): ${body.error?.message ?? 'no reason given'}`);
        return 1;
      }
      answer = body;
      if (answer.status === 'completed') break;
    }
    // The upload was cut or failed part-way: find the import and resume it if it got further.
    const latest = await fetch(`${base}?limit=1`, { headers });
    const page = (await latest.json()) as { items?: ImportAnswer[] };
    const last = page.items?.[0];
    if (!last || last.status === 'completed' || (answer && answer.id !== last.id)) break;
    const before = answer?.committedRows ?? -1;
    answer = last;
    if (last.committedRows <= before && tries > 1) break;
    err(
      `  The upload stopped after row ${last.committedRows} (${last.failure ?? 'cut off'}); resuming import ${last.id}.`,
    );
    resume = last.id;
  }
  if (!answer) {
    err('The node could not be reached.');
    return 1;
  }
  const detail = await fetch(`${base}/${answer.id}`, { headers });
  const full = detail.ok ? ((await detail.json()) as ImportAnswer) : answer;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Import ${full.id}: ${full.status}`);
  out(
    `  ${full.rowsRead} rows read: ${full.created} created, ${full.updated} updated, ${full.unchanged} unchanged, ${full.refused} refused`,
  );
  if (full.failure) out(`  ${full.failure}`);
  for (const e of (full.errors ?? []).slice(0, 20)) out(`  row ${e.row}: ${e.reason}`);
  if ((full.errors?.length ?? 0) > 20)
    out(`  … and ${full.refused - 20} more refused rows (GET ${base}/${full.id})`);
  return full.status !== 'completed' ? 1 : full.refused > 0 ? 3 : 0;
}
