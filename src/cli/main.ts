/** The govdx command line: serve, demo, migrate, seed, ledger, catalog, exchange, registry, disclosure. */
import { Command, Option } from 'commander';
import { type Config, ConfigError, loadConfig, SETTINGS, settingMeaning } from '../config/index.ts';
import type { RunningNode } from '../node/index.ts';
import { addDisclosureCommands } from './disclosure-commands.ts';
import { addExchangeCommands } from './exchange-commands.ts';
import { addRegistryCommands } from './registry-commands.ts';

// The node and the store load on demand, so that commands that need neither (registry link) start fast.
const node = () => import('../node/index.ts');
const store = () => import('../store/index.ts');

const program = new Command()
  .name('govdx')
  .description('govdx: governed data exchange, consent, ledger and catalog for government')
  .showHelpAfterError();

/** Markdown as plain text for the terminal: links become their words, code loses its backticks. */
const plain = (markdown: string) => markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replaceAll('`', '');

/** Adds every setting of the config schema as a flag, so flags, env and docs never drift apart. */
function withSettings(command: Command): Command {
  command.option('--config <file>', 'JSON config file (keys as in docs/configuration.md); also GOVDX_CONFIG');
  for (const s of SETTINGS) {
    const name = s.flag.replace(/^--/, '');
    command.addOption(
      new Option(
        `--${name} <value>`,
        `${plain(settingMeaning(s))} [env ${s.env}; default ${plain(s.defaultText)}]`,
      ),
    );
  }
  return command;
}

function configFrom(options: Record<string, unknown>): Config {
  const flags: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const key = s.flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (options[key] !== undefined) flags[s.key] = options[key];
  }
  return loadConfig({ flags, file: options.config as string | undefined });
}

async function resolvePort(config: Config, explicitPublicUrl: boolean): Promise<Config> {
  if (config.port !== 0) return config;
  const port = await (await node()).freePort(config.host);
  const next = { ...config, port };
  if (!explicitPublicUrl) next.publicUrl = config.publicUrl.replace(/:0$/, `:${port}`);
  if (!explicitPublicUrl) next.ledgerOrigin = config.ledgerOrigin.replace(/:0\/ledger$/, `:${port}/ledger`);
  return next;
}

function printUrls(node: RunningNode, extra: Array<[string, string]> = []): void {
  const lines: Array<[string, string]> = [
    ['Web app', `${node.url}/`],
    ['API docs', `${node.url}/docs`],
    ['OpenAPI', `${node.url}/openapi.json`],
    ['OIDC issuer', node.config.oidcIssuer ?? `${node.url}/idp`],
    ['Metrics', `${node.url}/metrics`],
    ...extra,
    ['Database', `${node.store.dialect} (${node.store.location})`],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  process.stdout.write(
    `\ngovdx is running.\n${lines.map(([l, v]) => `  ${l.padEnd(width)}  ${v}`).join('\n')}\n\nPress Ctrl+C to stop.\n\n`,
  );
}

function onSignals(close: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\nStopping (${signal})…\n`);
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`Error while stopping: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
    });
  }
}

withSettings(program.command('serve').description('Run a govdx node')).action(
  async (options: Record<string, unknown>) => {
    const config = await resolvePort(configFrom(options), options.publicUrl !== undefined);
    const running = await (await node()).startNode(config);
    printUrls(running);
    onSignals(() => running.close());
  },
);

withSettings(
  program.command('demo').description('Run govdx with the demo government ("Republic of Example") seeded'),
)
  .option('--reseed', "Delete the data folder's demo data and seed it again")
  .action(async (options: Record<string, unknown>) => {
    // Unset: not given as a flag, nor in the setting's environment variable, and no config file is read.
    const unset = (key: keyof Config) =>
      options[key] === undefined &&
      !process.env[SETTINGS.find((s) => s.key === key)!.env] &&
      !options.config &&
      !process.env.GOVDX_CONFIG;
    const demoDefaults = {
      // A person trying the demo wants the banner, not a JSON line per request; say --log-level info for those.
      ...(unset('logLevel') ? { logLevel: 'warn' } : {}),
      // Their webhook receivers run on the same machine, without TLS.
      ...(unset('webhooksAllowHttp') ? { webhooksAllowHttp: 'true' } : {}),
      ...(unset('outboundPrivateNetworks') ? { outboundPrivateNetworks: 'true' } : {}),
    };
    const config = await resolvePort(
      configFrom({ ...options, ...demoDefaults }),
      options.publicUrl !== undefined,
    );
    const { startDemo } = await import('../demo/index.ts');
    const demo = await startDemo(config, { reseed: options.reseed === true });
    printUrls(demo.node, demo.urls);
    onSignals(() => demo.close());
  });

withSettings(program.command('migrate').description('Bring the database schema up to date')).action(
  async (options: Record<string, unknown>) => {
    const config = configFrom(options);
    const { migrateToLatest, openStore } = await store();
    const opened = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const report = await migrateToLatest(opened);
      process.stdout.write(
        report.applied.length > 0
          ? `Applied: ${report.applied.join(', ')}\n`
          : `Schema is current (${report.latest}).\n`,
      );
    } finally {
      await opened.close();
    }
  },
);

withSettings(
  program
    .command('seed')
    .description('Seed the demo government into the database (skips what is already there)'),
).action(async (options: Record<string, unknown>) => {
  const config = configFrom(options);
  const { seedDemo } = await import('../demo/index.ts');
  const { migrateToLatest, openStore } = await store();
  const opened = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(opened);
    const report = await seedDemo(opened, config, { progress: process.stdout.isTTY });
    process.stdout.write(`${report.summary}\n`);
  } finally {
    await opened.close();
  }
});

const ledger = program
  .command('ledger')
  .description(
    "The ledger: its verifier key, and checks of a running ledger's tree and of an export of its events",
  );

withSettings(
  ledger
    .command('key')
    .description(
      "Print the ledger's verifier key (made and kept in the database on first use, unless --ledger-key)",
    ),
)
  .option(
    '--new',
    'Print a new signer key for --ledger-key instead (its verifier key goes to standard error)',
  )
  .action(async (options: Record<string, unknown>) => {
    const { ledgerKey } = await import('./ledger.ts');
    process.exitCode = await ledgerKey(configFrom(options), { new: options.new === true });
  });

ledger
  .command('verify')
  .description(
    'Check a running ledger from outside: checkpoint signature, every tile and entry bundle, root hash, and ' +
      'consistency with the checkpoint seen last time (exit code 1 when something is wrong)',
  )
  .requiredOption('--url <base>', 'The govdx node, e.g. https://govdx.gov.example')
  .option('--vkey <key>', "The log's verifier key (<name>+<id>+<key>) or a file holding it")
  .option('--state <file>', 'Where the last verified checkpoint is kept between runs')
  .action(async (options: { url: string; vkey?: string; state?: string }) => {
    const { ledgerVerify } = await import('./ledger.ts');
    process.exitCode = await ledgerVerify(options);
  });

ledger
  .command('audit')
  .description(
    "Check an auditor's export (GET /ledger/export): every event's commitment is in the tree, in order, none missing",
  )
  .requiredOption('--export <file>', 'The export, JSON lines')
  .option('--vkey <key>', "The log's verifier key, to check the export's checkpoint signature")
  .option('--url <base>', 'The govdx node, to name the entries that differ and compare with its current tree')
  .action(async (options: { export: string; vkey?: string; url?: string }) => {
    const { ledgerAudit } = await import('./ledger.ts');
    process.exitCode = await ledgerAudit(options);
  });

const catalogCommand = program
  .command('catalog')
  .description("The catalog: checks of its datasets' quality, and its search index");

withSettings(
  catalogCommand
    .command('check')
    .description(
      "Check hosted datasets' records now (completeness, validity, duplicate keys, freshness) and whether outside distribution addresses answer; runs are kept as history",
    ),
)
  .option('--org <slug>', 'Only the datasets of this organization')
  .option('--dataset <slug>', 'Only datasets with this slug')
  .option('--no-links', 'Do not check distribution addresses')
  .action(async (options: Record<string, unknown>) => {
    const { catalogCheck } = await import('./catalog.ts');
    process.exitCode = await catalogCheck(configFrom(options), {
      org: options.org as string | undefined,
      dataset: options.dataset as string | undefined,
      links: options.links !== false,
    });
  });

withSettings(
  catalogCommand
    .command('reindex')
    .description(
      'Write the search index of every dataset anew (after a bulk load outside the API, or to repair it)',
    ),
).action(async (options: Record<string, unknown>) => {
  const { catalogReindex } = await import('./catalog.ts');
  process.exitCode = await catalogReindex(configFrom(options));
});

addExchangeCommands(program);
addRegistryCommands(program);
addDisclosureCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`govdx: ${(error as Error).message}\n`);
  process.exit(1);
});
