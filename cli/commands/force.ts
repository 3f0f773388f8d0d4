import type { Command } from 'commander';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { PhaseNumber } from '../../domain/phases';
import type { PipelineState } from '../../domain/pipeline-state';
import { forcePhaseUpdate } from '../../workflows/definitions';
import { parseDate, parsePhase, requireReason } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import type { CliContext } from '../context';
import { notFound, refused } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderState } from '../format';
import { loadDateRun } from '../pipeline';

/** Sends the forcePhase update with the user and reason; a validator refusal exits REFUSED. */
export async function forcePhase(
  ctx: CliContext,
  gameDate: string,
  request: { phase: PhaseNumber; reason: string; skipGates: boolean },
): Promise<ExitCode> {
  const client = await ctx.client();
  const run = await loadDateRun(client, ctx.config, gameDate, { withState: false });
  if (!run) throw notFound(`no pipeline workflow for ${gameDate}`, { gameDate });
  if (run.executionStatus !== 'RUNNING') {
    throw refused(
      `the ${gameDate} pipeline is not running (run ${run.runId} ${run.executionStatus}): use rerun or reset`,
      {
        gameDate,
        runId: run.runId,
      },
    );
  }
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  let state: PipelineState;
  try {
    state = await handle.executeUpdate(forcePhaseUpdate, { args: [{ ...request, user: ctx.user }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const why = (err.cause as Error | undefined)?.message ?? err.message;
      throw refused(`the workflow refused to force phase ${request.phase}: ${why}`, {
        gameDate,
        runId: run.runId,
        refusal: why,
      });
    }
    if (err instanceof WorkflowNotFoundError) throw notFound(`no pipeline workflow for ${gameDate}`, { gameDate });
    throw err;
  }
  const link = ctx.uiLink(run.workflowId, run.runId);
  ctx.print(
    [
      `Forced phase ${request.phase} of ${gameDate} as ${ctx.user}: ${request.reason}`,
      '',
      ...renderState({ ...run, state, stateSource: 'query' }, link, ctx.config.timeZone),
    ],
    { gameDate, workflowId: run.workflowId, runId: run.runId, user: ctx.user, ...request, uiUrl: link, state },
  );
  return EXIT.OK;
}

export const forceCommand: CommandModule = {
  name: 'force',
  register(program: Command) {
    withCommon(
      program
        .command('force')
        .description('move a running pipeline to a phase now (the forcePhase update; the workflow may refuse)')
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .requiredOption('--phase <n>', 'target phase 1-6 (or its name: analytics, precompute, predictions, ...)')
        .requiredOption('--reason <text>', 'why; recorded in the workflow with your user name')
        .option('--skip-gates', 'skip the validation gates before the phase', false),
      [
        'gameday force 2025-12-29 --phase 4 --reason "phase 3 stuck at 4/5, upcoming_team_game_context down"',
        'gameday force today --phase predictions --skip-gates --reason "deadline" --json',
      ],
    ).action(
      action<{ phase: string; reason: string; skipGates: boolean }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const phase = parsePhase(options.phase);
        const reason = requireReason(options.reason);
        return forcePhase(ctx, gameDate, { phase, reason, skipGates: Boolean(options.skipGates) });
      }),
    );
  },
};
