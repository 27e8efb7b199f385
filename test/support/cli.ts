/** Running the govdx command line as an operator would, in a child process. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const GOVDX = join(import.meta.dirname, '..', '..', 'bin', 'govdx.js');

/** Runs `govdx …`; resolves with its exit code and output (never rejects on a non-zero exit). */
export function govdx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [GOVDX, ...args],
      { env: { ...process.env, GOVDX_LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
