import type { Command } from 'commander';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { forcePhaseUpdate, type ForcePhaseResult } from '../../contracts/workflow-api';
import { DRIVEN_PHASES, phaseLabel, type PhaseNumber } from '../../domain/phases';
import { parseDate, parsePhase, requireReason } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import type { CliContext } from '../context';
import { notFound, refused, usageError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderState } from '../format';
import { loadDateRun } from '../pipeline';

/**
 * Sends the forcePhase update. The workflow answers once the force is applied (the step's scope cancelled and
 * restarted), so what is printed is what happened; a refusal by its validator exits REFUSED and changes nothing.
 */
export async function forcePhase(
  ctx: CliContext,
  gameDate: string,
  request: { phase: PhaseNumber; reason: string; skipGates: boolean },
): Promise<ExitCode> {
  const client = await ctx.client();
  const run = await loadDateRun(client, ctx.config, gameDate, { withState: false });
  if (!run) throw notFound(`no workflow for ${gameDate}`, { gameDate });
  if (run.executionStatus !== 'RUNNING') {
    throw refused(
      `the day of ${gameDate} is not running (run ${run.runId} ${run.executionStatus}): use rerun or reset`,
      {
        gameDate,
        runId: run.runId,
      },
    );
  }
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  let result: ForcePhaseResult;
  try {
    result = await handle.executeUpdate(forcePhaseUpdate, { args: [{ ...request, user: ctx.user }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const why = (err.cause as Error | undefined)?.message ?? err.message;
      throw refused(`the workflow refused to force phase ${request.phase}: ${why}`, {
        gameDate,
        runId: run.runId,
        refusal: why,
      });
    }
    if (err instanceof WorkflowNotFoundError) throw notFound(`no workflow for ${gameDate}`, { gameDate });
    throw err;
  }
  if (!result.applied) {
    throw refused(`the workflow did not force phase ${request.phase}: ${result.outcome}`, {
      gameDate,
      runId: run.runId,
      refusal: result.outcome,
    });
  }
  const link = ctx.uiLink(run.workflowId, run.runId);
  ctx.print(
    [
      `Applied: ${result.outcome} (${ctx.user}: ${request.reason})`,
      '',
      ...renderState({ ...run, state: result.state, stateSource: 'query' }, link, ctx.config.timeZone),
    ],
    {
      gameDate,
      workflowId: run.workflowId,
      runId: run.runId,
      user: ctx.user,
      ...request,
      applied: true,
      outcome: result.outcome,
      step: result.step,
      uiUrl: link,
      state: result.state,
    },
  );
  return EXIT.OK;
}

export const forceCommand: CommandModule = {
  name: 'force',
  register(program: Command) {
    withCommon(
      program
        .command('force')
        .description(
          "act on the current cycle's step of a phase now: 3 runs the missing processors, 4 runs phase 4 (phase 3 forced), 5 the next prediction wave (or grading), 6 the export; a failed or running step restarts with a fresh idempotency key",
        )
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .requiredOption('--phase <n>', 'phase 3-6 (or its name: analytics, precompute, predictions, export)')
        .requiredOption('--reason <text>', 'why; recorded in the workflow with your user name')
        .option('--skip-gates', 'skip the data gate before the phase', false),
      [
        'gameday force 2025-12-29 --phase 4 --reason "phase 3 stuck at 4/5, upcoming_team_game_context down"',
        'gameday force today --phase predictions --skip-gates --reason "deadline" --json',
      ],
    ).action(
      action<{ phase: string; reason: string; skipGates: boolean }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const phase = parsePhase(options.phase);
        if (!DRIVEN_PHASES.includes(phase)) {
          throw usageError(
            `${phaseLabel(phase)} is observed, not driven, by Gameday: force phase ${DRIVEN_PHASES.join(', ')} (run the scrapers or raw processors on the platform)`,
          );
        }
        const reason = requireReason(options.reason);
        return forcePhase(ctx, gameDate, { phase, reason, skipGates: Boolean(options.skipGates) });
      }),
    );
  },
};
