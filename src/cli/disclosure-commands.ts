/** The `govdx disclosure` commands, for the full command line and for bin/govdx.js's short path. */
import type { Command } from 'commander';

export function addDisclosureCommands(program: Command): void {
  const disclosure = program
    .command('disclosure')
    .description('Open data without exposing people: anonymise microdata, release noisy statistics');

  disclosure
    .command('anonymize')
    .description(
      'Generalise a table until every combination of quasi-identifiers is shared by at least k records, losing as little information as possible (ARX layout)',
    )
    .argument('<input>', 'A ;-separated table with a header')
    .requiredOption('--hierarchies <dir>', 'The folder of hierarchies: <name>_hierarchy_<attribute>.csv')
    .requiredOption('--k <k>', 'Every released record shares its quasi-identifiers with at least k-1 others')
    .option('--suppression <share>', 'Records that may be left out (shown as *), as a share, e.g. 0.04', '0')
    .option(
      '--l-diversity <spec>',
      'ATTRIBUTE:L (distinct), ATTRIBUTE:entropy:L or ATTRIBUTE:recursive:C:L: each group shows L values of a sensitive attribute',
    )
    .option(
      '--t-closeness <spec>',
      "ATTRIBUTE:T, or ATTRIBUTE:T:hierarchical with the attribute's hierarchy as the distance: each group's values are within T of everyone's",
    )
    .option(
      '--population <file>',
      'The population the input is a sample of (;-separated, with the quasi-identifier columns), for journalist and marketer risk',
    )
    .option('--quasi <attributes>', 'The quasi-identifiers (default: every attribute with a hierarchy)')
    .requiredOption('--out <file>', 'The anonymised table')
    .requiredOption(
      '--report <file>',
      'The report: transformation, suppressed records, information loss, risk',
    )
    .action(
      async (
        input: string,
        options: {
          hierarchies: string;
          k: string;
          suppression?: string;
          lDiversity?: string;
          tCloseness?: string;
          population?: string;
          quasi?: string;
          out: string;
          report: string;
        },
      ) => {
        const { anonymizeCommand } = await import('./disclosure.ts');
        process.exitCode = await anonymizeCommand(input, options);
      },
    );
}
