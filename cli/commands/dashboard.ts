import type { Command } from 'commander';
import { addDays } from '../../domain/dates';
import { parseDate, parseInteger } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { EXIT } from '../exit-codes';
import { degradedSteps } from '../../domain/day-summary';
import { predictionsSummary } from '../format';
import { effectiveStatus, listDateRuns, loadState, mapLimit, type DateRun } from '../pipeline';

export interface DashboardRow {
  gameDate: string;
  workflowId?: string;
  runId?: string;
  status: string;
  phase?: string;
  cycle?: string;
  games?: number;
  degraded: boolean;
  predictions: string;
  alerts: number;
}

export function dashboardRow(gameDate: string, run: DateRun | undefined): DashboardRow {
  if (!run) return { gameDate, status: 'NO_WORKFLOW', degraded: false, predictions: '-', alerts: 0 };
  const state = run.state;
  const phase = state?.currentPhase ? `phase${state.currentPhase}` : run.searchAttributes.phase;
  return {
    gameDate,
    workflowId: run.workflowId,
    runId: run.runId,
    status: effectiveStatus(run),
    phase,
    cycle: state?.cycle ?? run.searchAttributes.cycle,
    games: state?.gamesScheduled,
    degraded: Boolean(state && degradedSteps(state).length),
    predictions: predictionsSummary(state),
    alerts: state?.alerts.length ?? 0,
  };
}

export const dashboardCommand: CommandModule = {
  name: 'dashboard',
  register(program: Command) {
    withCommon(
      program
        .command('dashboard')
        .description('one line per date: games, cycle, phase, status, degraded, predictions (from Temporal visibility)')
        .option('--days <n>', 'how many dates, ending at --end', '7')
        .option('--end <date>', 'last date shown (default: today in America/New_York)')
        .option('--no-details', 'search attributes only: no per-workflow query (faster; no games/predictions)'),
      ['gameday dashboard', 'gameday dashboard --days 30', 'gameday dashboard --end 2025-12-31 --days 3 --json'],
    ).action(
      action<{ days: string; end?: string; details: boolean }>(async (ctx, _args, options) => {
        const days = parseInteger(options.days, '--days', 1, 366);
        const end = parseDate(options.end, '--end', ctx.config.timeZone);
        const dates = Array.from({ length: days }, (_, i) => addDays(end, -i));
        const client = await ctx.client();
        const listed = await listDateRuns(client, ctx.config, dates);
        const runs = await mapLimit(dates, 8, async (date): Promise<DateRun | undefined> => {
          const base = listed.get(date);
          if (!base) return undefined;
          if (!options.details) return { ...base, stateSource: 'none' };
          return { ...base, ...(await loadState(client, base, 3_000)) };
        });
        const rows = dates.map((date, i) => dashboardRow(date, runs[i]));
        const header = `${'DATE'.padEnd(11)}${'GAMES'.padEnd(7)}${'CYCLE'.padEnd(11)}${'PHASE'.padEnd(8)}${'STATUS'.padEnd(20)}${'DEGRADED'.padEnd(10)}${'PREDICTIONS'.padEnd(16)}ALERTS`;
        const lines = rows.map(
          (r) =>
            `${r.gameDate.padEnd(11)}${String(r.games ?? '-').padEnd(7)}${(r.cycle ?? '-').padEnd(11)}${(r.phase ?? '-').padEnd(8)}${r.status.padEnd(20)}${(r.degraded ? 'yes' : '-').padEnd(10)}${r.predictions.padEnd(16)}${r.alerts || '-'}`,
        );
        ctx.print([header, ...lines], { dates: rows });
        const bad = rows.some((r) => ['STUCK', 'FAILED', 'TERMINATED', 'TIMED_OUT'].includes(r.status));
        return bad ? EXIT.FAILING : EXIT.OK;
      }),
    );
  },
};
