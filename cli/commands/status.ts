import type { Command } from 'commander';
import { parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { notFound } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderState } from '../format';
import { effectiveStatus, loadDateRun, type DateRun } from '../pipeline';

/** 0 complete (or no games), 1 running/waiting/degraded, 2 stuck/failed/closed without completing. */
export function statusExitCode(run: DateRun): ExitCode {
  const status = effectiveStatus(run);
  if (status === 'NO_GAMES') return EXIT.OK;
  if (status === 'COMPLETE') {
    const degraded = run.state && Object.values(run.state.phases).some((p) => p.degraded);
    return degraded ? EXIT.DEGRADED : EXIT.OK;
  }
  if (['RUNNING', 'WAITING', 'BLOCKED'].includes(status)) return EXIT.DEGRADED;
  return EXIT.FAILING;
}

export const statusCommand: CommandModule = {
  name: 'status',
  register(program: Command) {
    withCommon(
      program
        .command('status')
        .description("did the date's pipeline complete? phase by phase, alerts and the Temporal UI link")
        .argument('[date]', 'game date YYYY-MM-DD, today, yesterday or tomorrow (default: today in America/New_York)'),
      ['gameday status', 'gameday status 2025-12-29', 'gameday status yesterday --json'],
    ).action(
      action(async (ctx, args) => {
        const date = parseDate(args[0], 'date', ctx.config.timeZone);
        const client = await ctx.client();
        const run = await loadDateRun(client, ctx.config, date);
        if (!run) {
          throw notFound(
            `no pipeline workflow for ${date} (workflow ID ${ctx.config.temporal.workflowIdPrefix}${date})`,
            {
              gameDate: date,
            },
          );
        }
        const link = ctx.uiLink(run.workflowId, run.runId);
        const code = statusExitCode(run);
        ctx.print(renderState(run, link, ctx.config.timeZone), {
          gameDate: date,
          workflowId: run.workflowId,
          runId: run.runId,
          executionStatus: run.executionStatus,
          status: effectiveStatus(run),
          complete: code === EXIT.OK,
          exitCode: code,
          searchAttributes: run.searchAttributes,
          stateSource: run.stateSource,
          failure: run.failure,
          warning: run.warning,
          uiUrl: link,
          state: run.state,
        });
        return code;
      }),
    );
  },
};
