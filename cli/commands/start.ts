import type { Command } from 'commander';
import { startOrAttach } from '../../clients/pipeline-client';
import { parseDate, parseMode, parsePhase } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { refused } from '../errors';

export const startCommand: CommandModule = {
  name: 'start',
  register(program: Command) {
    withCommon(
      program
        .command('start')
        .description("start a date's pipeline, or attach to the run already in progress")
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .option('--mode <mode>', 'overnight | same_day | tomorrow (default: from the date against today ET)')
        .option('--from-phase <n>', 'start at this phase, marking earlier ones SKIPPED'),
      ['gameday start today', 'gameday start 2025-12-29 --mode overnight', 'gameday start tomorrow --json'],
    ).action(
      action<{ mode?: string; fromPhase?: string }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const mode = parseMode(options.mode);
        const fromPhase = options.fromPhase !== undefined ? parsePhase(options.fromPhase) : undefined;
        const client = await ctx.client();
        let result;
        try {
          result = await startOrAttach(client, ctx.config, { gameDate, mode, fromPhase });
        } catch (err) {
          if (/already ran/.test((err as Error).message)) throw refused((err as Error).message, { gameDate });
          throw err;
        }
        const { handle, started } = result;
        const description = await handle.describe();
        const link = ctx.uiLink(handle.workflowId, description.runId);
        ctx.print(
          [
            `${started ? 'Started' : 'Attached to the running'} pipeline for ${gameDate}: workflow ${handle.workflowId}, run ${description.runId}`,
            `UI: ${link}`,
          ],
          { gameDate, started, workflowId: handle.workflowId, runId: description.runId, uiUrl: link },
        );
      }),
    );
  },
};
