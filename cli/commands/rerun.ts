import type { Command } from 'commander';
import { rerun } from '../../clients/pipeline-client';
import { parseDate, parseMode, parsePhase } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { firstRunId } from '../pipeline';
import { refused } from '../errors';
import { loadDateRun } from '../pipeline';

export const rerunCommand: CommandModule = {
  name: 'rerun',
  register(program: Command) {
    withCommon(
      program
        .command('rerun')
        .description('start a new run of a date whose pipeline has finished (optionally from a later phase)')
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .option('--from-phase <n>', 'start at this phase, marking earlier ones SKIPPED')
        .option('--mode <mode>', 'overnight | same_day | tomorrow'),
      ['gameday rerun 2025-12-29', 'gameday rerun 2025-12-29 --from-phase 4'],
    ).action(
      action<{ fromPhase?: string; mode?: string }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const fromPhase = options.fromPhase !== undefined ? parsePhase(options.fromPhase) : undefined;
        const mode = parseMode(options.mode);
        const client = await ctx.client();
        const previous = await loadDateRun(client, ctx.config, gameDate, { withState: false });
        if (previous?.executionStatus === 'RUNNING') {
          throw refused(
            `the ${gameDate} pipeline is still running (run ${previous.runId}): use \`gameday force\`, \`gameday reset\` or \`gameday cancel\` first`,
            { gameDate, runId: previous.runId },
          );
        }
        const handle = await rerun(client, ctx.config, { gameDate, fromPhase, mode });
        const runId = firstRunId(handle);
        const link = ctx.uiLink(handle.workflowId, runId);
        ctx.print(
          [
            `Started a new run of ${gameDate}${fromPhase ? ` from phase ${fromPhase}` : ''}: workflow ${handle.workflowId}, run ${runId}` +
              (previous ? ` (previous run ${previous.runId} ${previous.executionStatus.toLowerCase()})` : ''),
            `UI: ${link}`,
          ],
          { gameDate, workflowId: handle.workflowId, runId, previousRunId: previous?.runId, fromPhase, uiUrl: link },
        );
      }),
    );
  },
};
