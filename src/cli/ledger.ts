/** `govdx ledger key | verify | audit`: the ledger's key, and checks of a running ledger from outside. */
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Presets, SingleBar } from 'cli-progress';
import type { Config } from '../config/index.ts';
import {
  auditExport,
  generateNoteKey,
  monitorLog,
  type NoteVerifier,
  openLedger,
  parseVerifierKey,
  type SeenCheckpoint,
} from '../ledger/index.ts';
import { migrateToLatest, openStore } from '../store/index.ts';

/** Exit codes: 0 all checks hold, 1 something is wrong with the ledger, 2 the command could not run. */
export const EXIT = { ok: 0, problems: 1, unusable: 2 } as const;

const out = (line = '') => process.stdout.write(`${line}\n`);

/** `…/ledger` for a govdx base URL (a URL that already ends in /ledger is kept). */
export function ledgerPrefix(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/ledger') ? trimmed : `${trimmed}/ledger`;
}

/** A verifier key given as text, or as the path of a file holding it. */
function readVerifierKey(value: string): NoteVerifier {
  const text = existsSync(value) ? readFileSync(value, 'utf8').trim() : value;
  return parseVerifierKey(text);
}

function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

/** `govdx ledger key`: prints the verifier key of this installation's ledger (or, with --new, a new signer key). */
export async function ledgerKey(config: Config, options: { new?: boolean }): Promise<number> {
  if (options.new) {
    const { signerKey, verifierKey } = generateNoteKey(config.ledgerOrigin);
    out(signerKey);
    process.stderr.write(
      `Keep the line above secret and give it to govdx (GOVDX_LEDGER_KEY, --ledger-key, or a file named by them).\n` +
        `Its verifier key, to publish: ${verifierKey}\n`,
    );
    return EXIT.ok;
  }
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(store);
    const ledger = await openLedger(store, { origin: config.ledgerOrigin, key: config.ledgerKey });
    out(ledger.verifierKey);
    await ledger.close();
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

interface State {
  origin: string;
  verifierKey: string;
  treeSize: number;
  rootHash: string;
  checkpoint: string;
  verifiedAt: string;
}

/** `govdx ledger verify --url <base> [--vkey …] [--state file]`. */
export async function ledgerVerify(options: { url: string; vkey?: string; state?: string }): Promise<number> {
  const prefix = ledgerPrefix(options.url);
  const state: State | undefined =
    options.state && existsSync(options.state) ? JSON.parse(readFileSync(options.state, 'utf8')) : undefined;
  let verifier: NoteVerifier;
  try {
    if (options.vkey) verifier = readVerifierKey(options.vkey);
    else if (state) verifier = parseVerifierKey(state.verifierKey);
    else {
      const response = await fetch(`${prefix}/key`);
      if (!response.ok) throw new Error(`${prefix}/key answered ${response.status}`);
      verifier = parseVerifierKey(await response.text());
      out(`! No --vkey given: trusting the key the log itself serves (${verifier.text}).`);
      out(
        '  Compare it with the one the log operator publishes elsewhere; with --state it is kept for next time.',
      );
    }
  } catch (error) {
    process.stderr.write(`govdx: cannot get the log's verifier key: ${(error as Error).message}\n`);
    return EXIT.unusable;
  }
  if (state && state.verifierKey !== verifier.text) {
    out(`✗ The key given (${verifier.text}) is not the key of the state file (${state.verifierKey}).`);
    return EXIT.problems;
  }
  const previous: SeenCheckpoint | undefined = state && {
    origin: state.origin,
    size: state.treeSize,
    rootHash: Buffer.from(state.rootHash, 'base64'),
    note: state.checkpoint,
  };

  out(`Verifying the ledger at ${prefix}`);
  const bar = progressBar('Tiles');
  const report = await monitorLog({ prefix, verifier, previous, onProgress: bar.update }).finally(() =>
    bar.stop(),
  );
  for (const line of report.checked) out(`✓ ${line}`);
  for (const line of report.problems) out(`✗ ${line}`);
  if (!previous) {
    out(
      options.state
        ? `  First run with ${options.state}: the next run checks the log against this checkpoint.`
        : '  No --state file: nothing to compare with an earlier run, so a fork or rollback cannot be seen.',
    );
  }
  if (report.ok && report.checkpoint && options.state) {
    const next: State = {
      origin: report.checkpoint.origin,
      verifierKey: verifier.text,
      treeSize: report.checkpoint.size,
      rootHash: report.checkpoint.rootHash.toString('base64'),
      checkpoint: report.checkpoint.note,
      verifiedAt: new Date().toISOString(),
    };
    writeFileSync(`${options.state}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(`${options.state}.tmp`, options.state);
  }
  out(
    report.ok ? 'The ledger verifies.' : `The ledger does NOT verify: ${report.problems.length} problem(s).`,
  );
  return report.ok ? EXIT.ok : EXIT.problems;
}

/** `govdx ledger audit --export <file> [--vkey …] [--url <base>]`. */
export async function ledgerAudit(options: { export: string; vkey?: string; url?: string }): Promise<number> {
  if (!existsSync(options.export)) {
    process.stderr.write(`govdx: there is no file ${options.export}\n`);
    return EXIT.unusable;
  }
  let verifier: NoteVerifier | undefined;
  try {
    verifier = options.vkey ? readVerifierKey(options.vkey) : undefined;
  } catch (error) {
    process.stderr.write(`govdx: ${(error as Error).message}\n`);
    return EXIT.unusable;
  }
  out(`Auditing ${options.export}`);
  const bar = progressBar('Events');
  const lines = createInterface({
    input: createReadStream(options.export),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const report = await auditExport(lines, {
    verifier,
    prefix: options.url ? ledgerPrefix(options.url) : undefined,
    onProgress: (done, total) => {
      if (done % 1024 === 0 || done === total) bar.update(done, total);
    },
  }).finally(() => bar.stop());
  for (const line of report.checked) out(`✓ ${line}`);
  for (const line of report.problems) out(`✗ ${line}`);
  out(
    report.ok
      ? `The export holds all ${report.entries} events of the ledger.`
      : 'The export does NOT match the ledger.',
  );
  return report.ok ? EXIT.ok : EXIT.problems;
}
