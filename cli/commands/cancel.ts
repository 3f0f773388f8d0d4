import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { parseDate, requireReason } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { notFound, refused } from '../errors';
import { loadDateRun } from '../pipeline';

export const cancelCommand: CommandModule = {
  name: 'cancel',
  register(program: Command) {
    withCommon(
      program
        .command('cancel')
        .description("request cancellation of a date's running pipeline (reason and user go into the history)")
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .requiredOption('--reason <text>', 'why; recorded with your user name')
        .option('--terminate', 'terminate at once instead of requesting cancellation', false),
      [
        'gameday cancel 2025-12-29 --reason "duplicate run, superseded by rerun"',
        'gameday cancel 2025-12-29 --terminate --reason "workflow wedged, rerun follows"',
      ],
    ).action(
      action<{ reason?: string; terminate: boolean }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const reason = requireReason(options.reason);
        const client = await ctx.client();
        const run = await loadDateRun(client, ctx.config, gameDate, { withState: false });
        if (!run) throw notFound(`no pipeline workflow for ${gameDate}`, { gameDate });
        if (run.executionStatus !== 'RUNNING') {
          throw refused(`the ${gameDate} pipeline is not running (run ${run.runId} ${run.executionStatus})`, {
            gameDate,
            runId: run.runId,
          });
        }
        const workflowExecution = { workflowId: run.workflowId, runId: run.runId };
        if (options.terminate) {
          await client.workflowService.terminateWorkflowExecution({
            namespace: ctx.namespace,
            workflowExecution,
            identity: ctx.identity,
            reason: `${ctx.user}: ${reason}`,
          });
        } else {
          await client.workflowService.requestCancelWorkflowExecution({
            namespace: ctx.namespace,
            workflowExecution,
            identity: ctx.identity,
            requestId: randomUUID(),
            reason: `${ctx.user}: ${reason}`,
          });
        }
        const what = options.terminate ? 'Terminated' : 'Cancellation requested for';
        ctx.print(`${what} ${gameDate} (run ${run.runId}) by ${ctx.user}: ${reason}`, {
          gameDate,
          workflowId: run.workflowId,
          runId: run.runId,
          user: ctx.user,
          reason,
          cancelRequested: !options.terminate,
          terminated: Boolean(options.terminate),
        });
      }),
    );
  },
};
