import type { Command } from 'commander';
import { rerun } from '../../clients/pipeline-client';
import { parseCycle, parseDate } from '../args';
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
        .description(
          'start a new run of a date whose day has ended (from the cycle the clock is in, or --cycle); an older date exports without update_latest',
        )
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .option('--cycle <cycle>', 'begin at tomorrow | same_day | overnight'),
      ['gameday rerun 2025-12-29', 'gameday rerun 2025-12-29 --cycle same_day'],
    ).action(
      action<{ cycle?: string }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const cycle = parseCycle(options.cycle);
        const client = await ctx.client();
        const previous = await loadDateRun(client, ctx.config, gameDate, { withState: false });
        if (previous?.executionStatus === 'RUNNING') {
          throw refused(
            `the day of ${gameDate} is still running (run ${previous.runId}): use \`gameday force\`, \`gameday reset\` or \`gameday cancel\` first`,
            { gameDate, runId: previous.runId },
          );
        }
        const handle = await rerun(client, ctx.config, { gameDate, cycle, startedBy: `rerun by ${ctx.user}` });
        const runId = firstRunId(handle);
        const link = ctx.uiLink(handle.workflowId, runId);
        ctx.print(
          [
            `Started a new run of ${gameDate}${cycle ? ` from the ${cycle} cycle` : ''}: workflow ${handle.workflowId}, run ${runId}` +
              (previous ? ` (previous run ${previous.runId} ${previous.executionStatus.toLowerCase()})` : ''),
            `UI: ${link}`,
          ],
          { gameDate, workflowId: handle.workflowId, runId, previousRunId: previous?.runId, cycle, uiUrl: link },
        );
      }),
    );
  },
};
