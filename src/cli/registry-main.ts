/** `govdx registry …` alone: the registry commands without loading the server, its config or its store. */
import { Command } from 'commander';
import { addRegistryCommands } from './registry-commands.ts';

const program = new Command()
  .name('govdx')
  .description('govdx: governed data exchange, consent, ledger and catalog for government')
  .showHelpAfterError();
addRegistryCommands(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`govdx: ${(error as Error).message}\n`);
  process.exit(1);
});
