/** The shape of a command module and the wrapper that turns a handler into a commander action. */
import type { Command } from 'commander';
import { CliContext, type GlobalOptions } from './context';
import { EXIT, type ExitCode } from './exit-codes';

/** One command (or command group): registered on the program by cli/commands/index.ts. */
export interface CommandModule {
  name: string;
  register(program: Command): void;
}

export type Handler<O> = (ctx: CliContext, args: string[], options: O) => Promise<ExitCode | void>;

/** Wraps a handler: builds the context, reports errors, sets the exit code and closes the connection. */
export function action<O = Record<string, unknown>>(handler: Handler<O>) {
  return async (...params: unknown[]): Promise<void> => {
    const command = params[params.length - 1] as Command;
    const ctx = new CliContext(command.optsWithGlobals() as GlobalOptions);
    let code: ExitCode;
    try {
      code = (await handler(ctx, command.args, command.opts() as O)) ?? EXIT.OK;
    } catch (err) {
      code = ctx.reportError(err);
    }
    await ctx.close();
    process.exitCode = code;
  };
}

/** Adds --json and an Examples section to a command. */
export function withCommon(command: Command, examples: string[]): Command {
  return command
    .option('--json', 'machine-readable output (JSON on stdout)')
    .addHelpText(
      'after',
      `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n\nExit codes: 0 ok, 1 degraded/not complete, 2 failing/error, 3 usage, 4 not found, 5 refused.`,
    );
}
