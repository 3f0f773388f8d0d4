import type { Command } from 'commander';
import { legacyFirestore } from '../../activities/firestore/legacy-docs';
import { importLegacyDate, type DateImport } from '../../clients/legacy-import';
import { dateRange, parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { usageError } from '../errors';
import { EXIT } from '../exit-codes';

/** `gameday import-legacy DATE | --from D --to D`: the legacy documents' completions, delivered to each date's workflow. */
export const importLegacyCommand: CommandModule = {
  name: 'import-legacy',
  register(program: Command) {
    withCommon(
      program
        .command('import-legacy')
        .description(
          "move in-flight dates from the legacy orchestrator: deliver the completions its Firestore documents hold (phase3_completion, phase4_completion) to each date's workflow, starting it if needed; what the workflow already counted is skipped, so running it again changes nothing",
        )
        .argument('[date]', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .option('--from <date>', 'first date of a range')
        .option('--to <date>', 'last date of a range (inclusive)')
        .option('--dry-run', 'show what would be delivered, deliver nothing'),
      [
        'gameday import-legacy 2026-01-15',
        'gameday import-legacy --from 2026-01-13 --to 2026-01-15 --dry-run',
        'gameday import-legacy today --json',
      ],
    ).action(
      action<{ from?: string; to?: string; dryRun?: boolean }>(async (ctx, args, options) => {
        const zone = ctx.config.timeZone;
        let dates: string[];
        if (args[0] !== undefined) {
          if (options.from || options.to) throw usageError('give a DATE or --from and --to, not both');
          dates = [parseDate(args[0], 'date', zone)];
        } else {
          if (!options.from || !options.to) throw usageError('give a DATE, or --from and --to');
          dates = dateRange(parseDate(options.from, '--from', zone), parseDate(options.to, '--to', zone), 31);
        }
        const client = await ctx.client();
        const db = legacyFirestore(ctx.config);
        const imports: DateImport[] = [];
        try {
          for (const gameDate of dates) {
            imports.push(
              await importLegacyDate(client, db, ctx.config, gameDate, { user: ctx.user, dryRun: options.dryRun }),
            );
          }
        } finally {
          await db.terminate();
        }
        const lines = imports.map((i) => {
          const send = i.completions.filter((c) => c.outcome === 'delivered');
          const counted = i.completions.filter((c) => c.outcome === 'already-counted').length;
          const closed = i.completions.filter((c) => c.outcome === 'closed').length;
          const docs = i.legacy.phase3.found || i.legacy.phase4.found ? '' : ' (no legacy documents)';
          const verb = options.dryRun ? 'would deliver' : 'delivered';
          return `${i.gameDate}: ${verb} ${send.length}${send.length ? ` (${send.map((c) => `${c.phase}:${c.processor}`).join(', ')})` : ''}, ${counted} already counted${closed ? `, ${closed} not delivered: the day is over` : ''}${docs} -> ${i.workflowId}`;
        });
        ctx.print(lines, { dryRun: Boolean(options.dryRun), dates: imports });
        return imports.some((i) => i.completions.some((c) => c.outcome === 'closed')) ? EXIT.DEGRADED : EXIT.OK;
      }),
    );
  },
};
