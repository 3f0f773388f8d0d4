/**
 * `gameday`: the operations CLI. Commands live in cli/commands/ (one file each) and are registered
 * from the `commands` list in cli/commands/index.ts.
 */
import { Command, CommanderError, Option } from 'commander';
import type { CommandModule } from './command';
import { commands } from './commands';
import { scheduleCommand } from './commands/schedule';
import { fileValidationMemo } from './config-memo';
import { CliContext } from './context';
import { EXIT } from './exit-codes';
import { exitWhenWritten } from './exit';
import { takeDeferredExtraCaCerts } from './extra-ca';

/**
 * The command module the arguments name (the first word that is neither a global option nor its value), so a run
 * registers only that command: building every command's options and help is several milliseconds of `gameday
 * status`. Undefined (register all) for no command, `help`, or a word no module has: commander then lists them all.
 */
function namedCommand(program: Command, args: string[], modules: CommandModule[]): CommandModule | undefined {
  const takesValue = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter(Boolean)),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return undefined;
    if (!arg.startsWith('-')) return modules.find((m) => m.name === arg);
    if (takesValue.has(arg)) i++;
  }
  return undefined;
}

export function buildProgram(argv: string[] = []): Command {
  const program = new Command('gameday')
    .description('Operate the Gameday pipeline: status, dashboard, start/rerun/backfill, force, reset, health.')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .option('--address <host:port>', 'Temporal frontend address (env TEMPORAL_ADDRESS)')
    .option('--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE)')
    .addOption(new Option('--api-key <key>', 'Temporal Cloud API key (env TEMPORAL_API_KEY)'))
    .option('--tls', 'connect with TLS (env TEMPORAL_TLS)')
    .option('--no-tls', 'connect without TLS')
    .option('--tls-cert-path <file>', 'mTLS client certificate (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--tls-key-path <file>', 'mTLS client key (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option('--tls-ca-path <file>', 'server CA certificate (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)')
    .option('--tls-server-name <name>', 'TLS server name override (env TEMPORAL_TLS_SERVER_NAME)')
    .option('--connect-timeout <seconds>', 'how long to try to reach Temporal (env GAMEDAY_CONNECT_TIMEOUT, default 5)')
    .addHelpText(
      'after',
      `
Examples:
  $ gameday status                       did today's pipeline complete?
  $ gameday dashboard --days 7
  $ gameday force 2025-12-29 --phase 4 --reason "phase 3 stuck at 4/5"
  $ TEMPORAL_ADDRESS=my-ns.a1b2c.tmprl.cloud:7233 TEMPORAL_NAMESPACE=my-ns.a1b2c TEMPORAL_API_KEY=... gameday status

Exit codes: 0 ok, 1 degraded/not complete, 2 failing/error, 3 usage/bad input, 4 not found, 5 refused.
Operator actions record GAMEDAY_USER (else the OS user) and --reason in the workflow history.`,
    );
  const modules = [...commands, scheduleCommand];
  const named = namedCommand(program, argv.slice(2), modules);
  for (const command of named ? [named] : modules) command.register(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; any other parse error is a usage error (commander already printed it).
      const ok =
        err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
      if (ok) return EXIT.OK;
      if (argv.includes('--json')) {
        const error = err.message.replace(/^error: /, '');
        process.stdout.write(`${JSON.stringify({ error, exitCode: EXIT.USAGE }, null, 2)}\n`);
      }
      return EXIT.USAGE;
    }
    throw err;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
}

/**
 * Runs the CLI and exits with its code (bin/gameday.js calls this). The bundle passes where to remember the configs
 * it validated (cli/config-memo.ts) and its build stamp.
 */
export function run(
  argv: string[] = process.argv,
  options: { configMemo?: { dir: string; stamp: string } } = {},
): void {
  takeDeferredExtraCaCerts();
  // The reader went away (`gameday status | head`): stop quietly, as a command killed by SIGPIPE would.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
    throw err;
  });
  if (options.configMemo)
    CliContext.validationMemo = fileValidationMemo(options.configMemo.dir, options.configMemo.stamp);
  // Anything not caught where it happened (a Google client's background credential lookup rejects unobserved): one
  // clear line, or the --json error, and exit 2, instead of Node's stack trace and exit 1 ("not complete").
  const fatal = (err: unknown) => exitWhenWritten(new CliContext({ json: argv.includes('--json') }).reportError(err));
  process.on('unhandledRejection', fatal);
  main(argv).then((code) => exitWhenWritten(code), fatal);
}

if (require.main === module) run();
