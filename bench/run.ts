/** `npm run bench -- <name> [options]` runs bench/<name>.ts. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'harness.ts'].includes(f))
  .map((f) => f.replace(/\.ts$/, ''));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`Usage: npm run bench -- <name>\nBenchmarks: ${available.join(', ')}\n`);
  process.exit(name ? 1 : 0);
}
const module = (await import(join(import.meta.dirname, `${name}.ts`))) as {
  main(args: string[]): Promise<void>;
};
await module.main(rest);
process.exit(0);
