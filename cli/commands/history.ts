import type { Command } from 'commander';
import { PHASES } from '../../domain/phases';
import { parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { notFound } from '../errors';
import { duration, operatorActionLine, time } from '../format';
import { effectiveStatus, loadDateRun } from '../pipeline';

export const historyCommand: CommandModule = {
  name: 'history',
  register(program: Command) {
    withCommon(
      program
        .command('history')
        .description("a date's phase timeline: when each phase started, triggered and finished, and who forced what")
        .argument('[date]', 'game date YYYY-MM-DD, today, yesterday or tomorrow (default: today)'),
      ['gameday history 2025-12-29', 'gameday history yesterday --json'],
    ).action(
      action(async (ctx, args) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const tz = ctx.config.timeZone;
        const client = await ctx.client();
        const run = await loadDateRun(client, ctx.config, gameDate);
        if (!run) throw notFound(`no pipeline workflow for ${gameDate}`, { gameDate });
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
        const timeline = state
          ? PHASES.map((n) => {
              const p = state.phases[n];
              return {
                phase: n,
                name: p.name,
                status: p.status,
                startedAt: p.startedAt,
                triggeredAt: p.triggeredAt,
                completedAt: p.completedAt,
                durationMs:
                  p.startedAt && p.completedAt ? Date.parse(p.completedAt) - Date.parse(p.startedAt) : undefined,
                triggerReason: p.triggerReason,
                completedReason: p.completedReason,
                degraded: p.degraded ?? false,
              };
            })
          : [];
        const lines = [`History of ${gameDate}: ${effectiveStatus(run)} (run ${run.runId})`, ''];
        lines.push(
          `${'PHASE'.padEnd(18)}${'STATUS'.padEnd(10)}${'STARTED'.padEnd(13)}${'FINISHED'.padEnd(13)}${'TOOK'.padEnd(10)}WHY`,
        );
        for (const t of timeline) {
          const why = t.completedReason ?? t.triggerReason ?? '';
          lines.push(
            `${`${t.phase} ${t.name}`.padEnd(18)}${t.status.padEnd(10)}${(t.startedAt ? time(t.startedAt, tz) : '-').padEnd(13)}${(t.completedAt ? time(t.completedAt, tz) : '-').padEnd(13)}${(t.startedAt && t.completedAt ? duration(t.startedAt, t.completedAt) : t.startedAt && t.status !== 'SKIPPED' ? `${duration(t.startedAt)}…` : '-').padEnd(10)}${why}${t.degraded ? ' [degraded]' : ''}`,
          );
        }
        if (run.warning) lines.push('', `Warning: ${run.warning}`);
        lines.push('', state?.operatorActions.length ? 'Operator actions:' : 'Operator actions: none');
        for (const a of state?.operatorActions ?? []) lines.push(`  ${operatorActionLine(a, tz)}`);
        if (runs.length > 1) {
          lines.push('', `Runs (${runs.length}):`);
          for (const r of runs)
            lines.push(
              `  ${r.runId} ${r.status} started ${r.startTime}${r.closeTime ? `, closed ${r.closeTime}` : ''}`,
            );
        }
        ctx.print(lines, {
          gameDate,
          workflowId: run.workflowId,
          runId: run.runId,
          status: effectiveStatus(run),
          timeline,
          operatorActions: state?.operatorActions ?? [],
          alerts: state?.alerts ?? [],
          runs,
        });
      }),
    );
  },
};
