/**
 * `govdx registry …`, `govdx disclosure …` and `govdx exchange …` alone: commands that work on files or act
 * as a system calling a node, without loading the server, its config or its store, so that they start fast.
 */
import { Command } from 'commander';
import { addDisclosureCommands } from './disclosure-commands.ts';
import { addExchangeCommands } from './exchange-commands.ts';
import { addRegistryCommands } from './registry-commands.ts';

const program = new Command()
  .name('govdx')
  .description('govdx: governed data exchange, consent, ledger and catalog for government')
  .showHelpAfterError();
addRegistryCommands(program);
addDisclosureCommands(program);
addExchangeCommands(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`govdx: ${(error as Error).message}\n`);
  process.exit(1);
});
