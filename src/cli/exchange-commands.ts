/** The `govdx exchange` commands, for the full command line and for bin/govdx.js's short path. */
import type { Command } from 'commander';

export function addExchangeCommands(program: Command): void {
  const exchange = program
    .command('exchange')
    .description('Act as a system calling the exchange: sign a client assertion, or get an access token');

  for (const [name, description] of [
    [
      'assertion',
      'Print a client assertion (RFC 7523) for POST /oauth/token, signed with the key, valid for one minute and one use',
    ],
    ['token', 'Get an access token from the token endpoint and print it'],
  ] as const) {
    exchange
      .command(name)
      .description(description)
      .requiredOption(
        '--key <file>',
        "The system's private JWK, e.g. data/demo-keys/housing-agency-benefit-system.private.jwk",
      )
      .option(
        '--client-id <id>',
        "The system's client ID, <organization>/<system> (default: from the key's kid)",
      )
      .option('--url <base>', 'The govdx node', 'http://localhost:8080')
      .action(async (options: { key: string; clientId?: string; url: string }) => {
        const client = await import('./exchange.ts');
        process.exitCode = await (name === 'assertion'
          ? client.printAssertion(options)
          : client.printToken(options));
      });
  }
}
