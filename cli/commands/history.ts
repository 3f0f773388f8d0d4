import type { Command } from 'commander';
import type { DayState } from '../../contracts/state';
import { parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { notFound } from '../errors';
import { duration, operatorActionLine, time } from '../format';
import { effectiveStatus, loadDateRun } from '../pipeline';

export interface TimelineRow {
  cycle: string;
  step: string;
  phase: number;
  status: string;
  due: string;
  startedAt?: string;
  triggeredAt?: string;
  finishedAt?: string;
  durationMs?: number;
  outcome?: string;
  degraded: boolean;
  restarts: number;
}

export function timeline(state: DayState): TimelineRow[] {
  return Object.values(state.cycles).flatMap((c) =>
    c.steps.map((s) => ({
      cycle: c.cycle,
      step: s.label,
      phase: s.phase,
      status: s.status,
      due: s.dueAt,
      startedAt: s.startedAt,
      triggeredAt: s.triggeredAt,
      finishedAt: s.finishedAt,
      durationMs: s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : undefined,
      outcome: s.error && !s.finishedAt ? s.error : s.outcome,
      degraded: Boolean(s.degraded),
      restarts: s.restarts,
    })),
  );
}

export const historyCommand: CommandModule = {
  name: 'history',
  register(program: Command) {
    withCommon(
      program
        .command('history')
        .description(
          "a date's timeline: every step of its three cycles (due, triggered, finished, took, why), who forced what, its runs",
        )
        .argument('[date]', 'game date YYYY-MM-DD, today, yesterday or tomorrow (default: today)'),
      ['gameday history 2025-12-29', 'gameday history yesterday --json'],
    ).action(
      action(async (ctx, args) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const tz = ctx.config.timeZone;
        const client = await ctx.client();
        const run = await loadDateRun(client, ctx.config, gameDate);
        if (!run) throw notFound(`no workflow for ${gameDate}`, { gameDate });
        const runs: { runId: string; status: string; startTime: string; closeTime?: string }[] = [];
        for await (const info of client.workflow.list({ query: `WorkflowId = '${run.workflowId}'` })) {
          runs.push({
            runId: info.runId,
            status: info.status.name,
            startTime: info.startTime.toISOString(),
            closeTime: info.closeTime?.toISOString(),
          });
        }
        runs.sort((a, b) => a.startTime.localeCompare(b.startTime));
        const state = run.state;
        const rows = state ? timeline(state) : [];
        const lines = [`History of ${gameDate}: ${effectiveStatus(run)} (run ${run.runId})`, ''];
        lines.push(
          `${'CYCLE'.padEnd(10)}${'STEP'.padEnd(44)}${'STATUS'.padEnd(9)}${'DUE'.padEnd(12)}${'DONE'.padEnd(12)}${'TOOK'.padEnd(13)}WHY`,
        );
        for (const r of rows) {
          const took = r.durationMs !== undefined ? duration(r.startedAt, r.finishedAt) : '-';
          lines.push(
            `${r.cycle.padEnd(10)}${r.step.slice(0, 43).padEnd(44)}${r.status.padEnd(9)}${time(r.due, tz).padEnd(12)}${time(r.finishedAt, tz).padEnd(12)}${took.padEnd(13)}${r.outcome ?? ''}${r.degraded ? ' [degraded]' : ''}${r.restarts ? ` [restarted ${r.restarts}x]` : ''}`,
          );
        }
        if (run.warning) lines.push('', `Warning: ${run.warning}`);
        lines.push('', state?.operatorActions.length ? 'Operator actions:' : 'Operator actions: none');
        for (const a of state?.operatorActions ?? []) lines.push(`  ${operatorActionLine(a, tz)}`);
        lines.push('', `Runs (${runs.length}): one per cycle, more after continue-as-new within a cycle or a reset`);
        for (const r of runs)
          lines.push(`  ${r.runId} ${r.status} started ${r.startTime}${r.closeTime ? `, closed ${r.closeTime}` : ''}`);
        ctx.print(lines, {
          gameDate,
          workflowId: run.workflowId,
          runId: run.runId,
          status: effectiveStatus(run),
          timeline: rows,
          operatorActions: state?.operatorActions ?? [],
          alerts: state?.alerts ?? [],
          runs,
        });
      }),
    );
  },
};
