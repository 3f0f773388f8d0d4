import type { Command } from 'commander';
import { rerun, startOrAttach } from '../../clients/pipeline-client';
import { dateRange, parseCycle, parseDate, parseInteger } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { firstRunId } from '../pipeline';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { CLOSED_WITHOUT_DAY, loadDateRun, mapLimit } from '../pipeline';
import { SUCCESSFUL_DAY_STATUSES } from '../../contracts/state';

export interface BackfillResult {
  gameDate: string;
  action: 'started' | 'attached' | 'rerun' | 'skipped';
  runId?: string;
  status: string;
}

/** Statuses at which backfill stops watching a date: its day ended, or it waits for an operator. */
const SETTLED = new Set(['COMPLETE', 'COMPLETE_WITH_GAPS', 'NO_GAMES', 'STUCK', 'FAILED', 'BLOCKED', 'CANCELLED']);
const CLOSED_BAD = new Set(CLOSED_WITHOUT_DAY);

class Progress {
  private done = 0;
  private readonly tty: boolean;
  constructor(
    private readonly ctx: CliContext,
    private readonly total: number,
  ) {
    this.tty = Boolean(process.stderr.isTTY) && !ctx.json;
  }
  step(result: BackfillResult): void {
    this.done += 1;
    if (this.ctx.json) return;
    if (this.tty) {
      const width = 30;
      const filled = Math.round((this.done / this.total) * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total}  ${result.gameDate} ${result.status}   `,
      );
      if (this.done === this.total) process.stderr.write('\n');
    } else {
      process.stderr.write(
        `backfill ${this.done}/${this.total}: ${result.gameDate} ${result.action} ${result.status}\n`,
      );
    }
  }
}

export const backfillCommand: CommandModule = {
  name: 'backfill',
  register(program: Command) {
    withCommon(
      program
        .command('backfill')
        .description(
          'run the day of every date FROM..TO, N at a time, until each ends or needs an operator (STUCK/FAILED); a past date runs its overnight cycle (phase 3, phase-4 recompute, grading, results without update_latest)',
        )
        .argument('<from>', 'first date YYYY-MM-DD')
        .argument('<to>', 'last date YYYY-MM-DD (inclusive)')
        .option('--concurrency <n>', 'dates in flight at once', '3')
        .option('--cycle <cycle>', 'begin each date at tomorrow | same_day | overnight (default: from the clock)')
        .option('--rerun', 'start a new run of dates that already ran (default: skip them)', false)
        .option('--no-wait', 'start the dates and return without watching them')
        .option('--poll <seconds>', 'how often to check a running date', '1'),
      [
        'gameday backfill 2025-12-01 2025-12-07',
        'gameday backfill 2025-11-01 2025-11-30 --concurrency 5 --rerun --json',
      ],
    ).action(
      action<{ concurrency: string; cycle?: string; rerun: boolean; wait: boolean; poll: string }>(
        async (ctx, args, options) => {
          const from = parseDate(args[0], 'FROM date', ctx.config.timeZone);
          const to = parseDate(args[1], 'TO date', ctx.config.timeZone);
          const dates = dateRange(from, to);
          const concurrency = parseInteger(options.concurrency, '--concurrency', 1, 50);
          const cycle = parseCycle(options.cycle);
          const startedBy = `backfill by ${ctx.user}`;
          const pollMs = parseInteger(options.poll, '--poll', 1, 3600) * 1000;
          const client = await ctx.client();
          const progress = new Progress(ctx, dates.length);
          const watch = async (gameDate: string): Promise<string> => {
            for (;;) {
              const run = await loadDateRun(client, ctx.config, gameDate, { withState: false });
              const status =
                run && CLOSED_BAD.has(run.executionStatus)
                  ? run.executionStatus
                  : (run?.searchAttributes.status ?? run?.executionStatus ?? 'UNKNOWN');
              if (!options.wait || SETTLED.has(status) || run?.executionStatus !== 'RUNNING') return status;
              await new Promise((resolve) => setTimeout(resolve, pollMs));
            }
          };
          const results = await mapLimit(dates, concurrency, async (gameDate): Promise<BackfillResult> => {
            const existing = await loadDateRun(client, ctx.config, gameDate, { withState: false });
            let result: BackfillResult;
            if (existing && existing.executionStatus !== 'RUNNING' && !options.rerun) {
              result = {
                gameDate,
                action: 'skipped',
                runId: existing.runId,
                status: CLOSED_BAD.has(existing.executionStatus)
                  ? existing.executionStatus
                  : (existing.searchAttributes.status ?? existing.executionStatus),
              };
            } else if (existing && existing.executionStatus !== 'RUNNING') {
              const handle = await rerun(client, ctx.config, { gameDate, cycle, startedBy });
              result = { gameDate, action: 'rerun', runId: firstRunId(handle), status: await watch(gameDate) };
            } else {
              const { handle, started } = await startOrAttach(client, ctx.config, { gameDate, cycle, startedBy });
              result = {
                gameDate,
                action: started ? 'started' : 'attached',
                runId: firstRunId(handle),
                status: await watch(gameDate),
              };
            }
            progress.step(result);
            return result;
          });
          const ok = (s: string) => (SUCCESSFUL_DAY_STATUSES as readonly string[]).includes(s);
          // COMPLETE_WITH_GAPS counts as neither: the dates are listed and the exit code says degraded.
          const failed = results.filter((r) => r.status === 'FAILED' || CLOSED_BAD.has(r.status));
          const complete = results.filter((r) => ok(r.status));
          ctx.print(
            [
              `Backfill ${from} .. ${to}: ${complete.length}/${results.length} complete, ${failed.length} failed`,
              ...results.map(
                (r) => `  ${r.gameDate} ${r.action.padEnd(8)} ${r.status}${r.runId ? ` (run ${r.runId})` : ''}`,
              ),
            ],
            { from, to, results },
          );
          if (failed.length) return EXIT.FAILING;
          return complete.length === results.length ? EXIT.OK : EXIT.DEGRADED;
        },
      ),
    );
  },
};
