/**
 * The `govdx registry` commands, defined once for the full command line and for the fast path that
 * bin/govdx.js takes for them (linking a file should not wait for the server's modules to load).
 */
import type { Command } from 'commander';

export function addRegistryCommands(program: Command): void {
  const registry = program
    .command('registry')
    .description(
      'Base registers: import records; find the records that are the same person, address or business',
    );

  const linkOptions = (command: Command) =>
    command
      .requiredOption('--id <column>', "The column that holds each record's id, e.g. rec_id")
      .requiredOption(
        '--out <file>',
        'Where to write the pairs: left_id,right_id,match_probability,match_weight',
      )
      .option(
        '--columns <map>',
        'Kinds of columns govdx does not recognise by name: column=kind,… (kinds: name, text, number, postcode, category, date, identifier, ignore)',
      )
      .option(
        '--threshold <probability>',
        'Report pairs at or above this probability (default 0.5: more likely the same than not)',
      )
      .option(
        '--explain <file>',
        "Also write each pair's explanation as JSON lines: every comparison's part of the weight",
      )
      .option('--model <file>', 'Also save the trained model, to reuse with --load-model')
      .option('--load-model <file>', 'Use this saved model instead of training one')
      .option(
        '--clusters <file>',
        'Also write the entity of every record (connected components of the pairs)',
      )
      .option(
        '--previous-clusters <file>',
        'An earlier --clusters file: entities whose records stay together keep their ids',
      )
      .option(
        '--random-pairs <n>',
        'Random pairs to estimate u from (default 20 per record, 100,000 to 1,000,000)',
      );

  linkOptions(
    registry
      .command('link')
      .description('Link two CSV files: the pairs of records, one from each, that are the same')
      .argument('<left>', 'CSV file with a header')
      .argument('<right>', 'CSV file with the same columns'),
  ).action(async (left: string, right: string, options) => {
    const { runLinkCommand } = await import('./registry.ts');
    process.exitCode = await runLinkCommand('link', [left, right], options);
  });

  linkOptions(
    registry
      .command('dedupe')
      .description('Find the records within one CSV file that are the same')
      .argument('<file>', 'CSV file with a header'),
  ).action(async (file: string, options) => {
    const { runLinkCommand } = await import('./registry.ts');
    process.exitCode = await runLinkCommand('dedupe', [file], options);
  });

  registry
    .command('import')
    .description(
      'Import records into a hosted dataset from a CSV, JSON Lines or Parquet file, through a node (docs/registers.md)',
    )
    .argument('<file>', 'The file: .csv (a header of field names), .jsonl or .parquet')
    .requiredOption('--dataset <org/slug>', 'The dataset, e.g. population-registry/persons')
    .option('--url <base>', 'The govdx node', 'http://localhost:8080')
    .option('--token <token>', 'A personal access token of the dataset steward (or GOVDX_TOKEN)')
    .option('--format <format>', 'csv, jsonl or parquet (default: from the file name)')
    .option('--resume <id>', 'A failed or interrupted import of this file: go on after its last batch')
    .option('--no-progress', 'No progress bar')
    .action(async (file: string, options) => {
      const { runImportCommand } = await import('./registry-import.ts');
      process.exitCode = await runImportCommand(file, options);
    });

  registry
    .command('generate')
    .description(
      'Write synthetic person records in the FEBRL layout, with planted duplicates, to test and benchmark linkage',
    )
    .requiredOption('--records <n>', 'Rows to write (with --link: rows in each file)')
    .requiredOption('--out <file>', 'The file to write (with --link: a prefix; <out>-a.csv and <out>-b.csv)')
    .option('--link', 'Two files, each record of the first with one duplicate in the second (like FEBRL4)')
    .option('--seed <n>', 'The same seed writes the same records', '1')
    .option('--max-duplicates <n>', 'At most this many duplicates of one record (default 5)')
    .action(
      async (options: {
        records: string;
        out: string;
        link?: boolean;
        seed: string;
        maxDuplicates?: string;
      }) => {
        const { generateLinkageData } = await import('./linkage-data.ts');
        process.exitCode = await generateLinkageData({
          records: Number(options.records),
          out: options.out,
          link: options.link === true,
          seed: Number(options.seed),
          ...(options.maxDuplicates !== undefined && { maxDuplicates: Number(options.maxDuplicates) }),
        });
      },
    );
}
