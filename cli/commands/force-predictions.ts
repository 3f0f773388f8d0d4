import type { Command } from 'commander';
import { parseDate, requireReason } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { forcePhase } from './force';

export const forcePredictionsCommand: CommandModule = {
  name: 'force-predictions',
  register(program: Command) {
    withCommon(
      program
        .command('force-predictions')
        .description('force_predictions.sh as one recorded operator action: force phase 5 (predictions) now')
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .option(
          '--reason <text>',
          'why; recorded with your user name',
          'force_predictions: predictions needed before the deadline',
        )
        .option('--no-skip-gates', 'keep the validation gates (default: skipped, as force_predictions.sh did)'),
      [
        'gameday force-predictions today',
        'gameday force-predictions 2025-12-29 --reason "11 games tonight, phase 4 stuck"',
      ],
    ).action(
      action<{ reason: string; skipGates: boolean }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const reason = requireReason(options.reason);
        return forcePhase(ctx, gameDate, { phase: 5, reason, skipGates: options.skipGates !== false });
      }),
    );
  },
};
