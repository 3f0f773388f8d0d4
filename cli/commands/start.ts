import type { Command } from 'commander';
import { startOrAttach } from '../../clients/pipeline-client';
import { parseCycle, parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { refused } from '../errors';

export const startCommand: CommandModule = {
  name: 'start',
  register(program: Command) {
    withCommon(
      program
        .command('start')
        .description("start a date's day, or attach to the run in progress (it begins at the cycle the clock is in)")
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .option('--cycle <cycle>', 'begin at tomorrow | same_day | overnight (default: from the time of day, ET)'),
      ['gameday start today', 'gameday start 2025-12-29 --cycle overnight', 'gameday start tomorrow --json'],
    ).action(
      action<{ cycle?: string }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const cycle = parseCycle(options.cycle);
        const client = await ctx.client();
        let result;
        try {
          result = await startOrAttach(client, ctx.config, { gameDate, cycle, startedBy: `cli ${ctx.user}` });
        } catch (err) {
          if (/already ran/.test((err as Error).message)) throw refused((err as Error).message, { gameDate });
          throw err;
        }
        const { handle, started } = result;
        const description = await handle.describe();
        const link = ctx.uiLink(handle.workflowId, description.runId);
        ctx.print(
          [
            `${started ? 'Started' : 'Attached to the running'} day of ${gameDate}: workflow ${handle.workflowId}, run ${description.runId}`,
            `UI: ${link}`,
          ],
          { gameDate, started, workflowId: handle.workflowId, runId: description.runId, uiUrl: link },
        );
      }),
    );
  },
};
