import type { Command } from 'commander';
import { parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { notFound } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderState } from '../format';
import { readDateRun } from '../http/read-date-run';
import { readBridgeStats } from '../http/bridge-stats';
import { degradedSteps } from '../../domain/day-summary';
import { effectiveStatus, type DateRun } from '../pipeline';

/** 0 complete (or no games), 1 in progress, degraded or complete with gaps, 2 stuck/failed/closed without its day. */
export function statusExitCode(run: DateRun): ExitCode {
  const status = effectiveStatus(run);
  if (status === 'NO_GAMES') return EXIT.OK;
  if (status === 'COMPLETE') {
    return run.state && degradedSteps(run.state).length ? EXIT.DEGRADED : EXIT.OK;
  }
  if (['STARTING', 'RUNNING', 'WAITING', 'BLOCKED', 'COMPLETE_WITH_GAPS'].includes(status)) return EXIT.DEGRADED;
  return EXIT.FAILING;
}

export const statusCommand: CommandModule = {
  name: 'status',
  register(program: Command) {
    withCommon(
      program
        .command('status')
        .description(
          "did the date's day complete? cycle by cycle, step by step, messages, alerts and the Temporal UI link",
        )
        .argument('[date]', 'game date YYYY-MM-DD, today, yesterday or tomorrow (default: today in America/New_York)'),
      ['gameday status', 'gameday status 2025-12-29', 'gameday status yesterday --json'],
    ).action(
      action(async (ctx, args) => {
        const date = parseDate(args[0], 'date', ctx.config.timeZone);
        const [run, bridge] = await Promise.all([readDateRun(ctx, date), readBridgeStats(ctx.config)]);
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
        // The text only when it is printed: rendering times in America/New_York loads the time zone data.
        ctx.print(ctx.json ? [] : renderState(run, link, ctx.config.timeZone, bridge), {
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
          bridge,
        });
        return code;
      }),
    );
  },
};
