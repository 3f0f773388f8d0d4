import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { GamedayConfig } from '../../config/schema';
import { addDays, zonedTimeToInstant } from '../../domain/dates';
import { parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { EXIT } from '../exit-codes';
import { predictionsSummary } from '../format';
import { effectiveStatus, loadDateRun, type DateRun } from '../pipeline';

export type CheckLevel = 'ok' | 'warn' | 'fail';
export interface HealthCheck {
  name: string;
  level: CheckLevel;
  message: string;
}

const RANK: Record<CheckLevel, number> = { ok: 0, warn: 1, fail: 2 };

/** The checks of one date's pipeline: status, games vs predictions, stuck phases, open alerts. */
export function dateChecks(
  config: GamedayConfig,
  gameDate: string,
  run: DateRun | undefined,
  now = Date.now(),
): HealthCheck[] {
  const name = `pipeline ${gameDate}`;
  if (!run) return [{ name, level: 'warn', message: 'no workflow yet' }];
  const status = effectiveStatus(run);
  const state = run.state;
  const checks: HealthCheck[] = [];
  const games = state?.gamesScheduled;
  const predictions = predictionsSummary(state);
  const summary = `${status}${games !== undefined ? `, ${games} games` : ''}, predictions ${predictions}`;
  let level: CheckLevel = 'ok';
  if (['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED'].includes(status)) level = 'fail';
  else if (status === 'STUCK' || status === 'BLOCKED') level = 'warn';
  const deadline = zonedTimeToInstant(gameDate, config.predictions.deadlineET, config.timeZone).getTime();
  const predictionsDone = state ? ['COMPLETE', 'SKIPPED'].includes(state.phases[5].status) : status === 'COMPLETE';
  if ((games ?? 1) > 0 && status !== 'NO_GAMES' && !predictionsDone && now > deadline) {
    level = 'fail';
    checks.push({
      name: `predictions ${gameDate}`,
      level: 'fail',
      message: `${games ?? '?'} games but no predictions after the ${config.predictions.deadlineET} ET deadline`,
    });
  }
  if (state && Object.values(state.phases).some((p) => p.degraded) && level === 'ok') level = 'warn';
  checks.unshift({ name, level, message: summary + (run.warning ? ` (${run.warning})` : '') });
  if (state) {
    for (const p of Object.values(state.phases)) {
      if (p.status === 'STUCK')
        checks.push({ name: `phase ${p.phase} ${gameDate}`, level: 'warn', message: `STUCK: ${p.error ?? ''}` });
      if (p.status === 'FAILED')
        checks.push({ name: `phase ${p.phase} ${gameDate}`, level: 'fail', message: `FAILED: ${p.error ?? ''}` });
    }
    const finished = new Set(['COMPLETE', 'SKIPPED']);
    for (const a of state.alerts) {
      const open =
        state.status !== 'COMPLETE' && (a.phase === undefined || !finished.has(state.phases[a.phase].status));
      if (open) checks.push({ name: `alert ${gameDate}`, level: 'warn', message: `${a.kind}: ${a.message}` });
    }
  }
  return checks;
}

async function pollerCheck(client: Client, config: GamedayConfig): Promise<HealthCheck[]> {
  const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;
  const kinds = [
    ['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
    ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
  ] as const;
  return Promise.all(
    kinds.map(async ([label, taskQueueType]): Promise<HealthCheck> => {
      const answer = await client.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name: config.temporal.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
      });
      const pollers = answer.pollers ?? [];
      return {
        name: `${label} workers`,
        level: pollers.length ? 'ok' : 'fail',
        message: pollers.length
          ? `${pollers.length} poller(s) on task queue ${config.temporal.taskQueue}: ${pollers.map((p) => p.identity).join(', ')}`
          : `no worker polls task queue ${config.temporal.taskQueue}`,
      };
    }),
  );
}

/** GET /healthz of each platform origin and of the bridge; any HTTP answer below 500 means reachable. */
async function serviceChecks(config: GamedayConfig): Promise<HealthCheck[]> {
  const p = config.platform;
  const origins = new Set(
    [p.scheduleUrl, p.analyticsUrl, p.precomputeUrl, p.coordinatorUrl, p.exportPushUrl].map((u) => new URL(u).origin),
  );
  const targets = [
    ...[...origins].map((origin) => ({ name: `service ${origin}`, url: `${origin}/healthz` })),
    { name: 'bridge', url: `http://${config.bridge.host}:${config.bridge.port}/healthz` },
  ];
  return Promise.all(
    targets.map(async ({ name, url }): Promise<HealthCheck> => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer().catch(() => undefined);
        return { name, level: res.status < 500 ? 'ok' : 'warn', message: `GET ${url} -> ${res.status}` };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        return { name, level: 'warn', message: `GET ${url} failed: ${cause}` };
      }
    }),
  );
}

const MARK: Record<CheckLevel, string> = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' };

export const healthCommand: CommandModule = {
  name: 'health',
  register(program: Command) {
    withCommon(
      program
        .command('health')
        .description(
          'morning health check: today and tomorrow (games vs predictions, stuck phases, alerts), workers, services',
        )
        .argument('[date]', 'the "today" of the check, YYYY-MM-DD (default: today in America/New_York)'),
      ['gameday health', 'gameday health 2025-12-29 --json'],
    ).action(
      action(async (ctx, args) => {
        const today = parseDate(args[0], 'date', ctx.config.timeZone);
        const dates = [today, addDays(today, 1)];
        const client = await ctx.client();
        const [runs, pollers, services] = await Promise.all([
          Promise.all(dates.map((d) => loadDateRun(client, ctx.config, d, { queryTimeoutMs: 3_000 }))),
          pollerCheck(client, ctx.config),
          serviceChecks(ctx.config),
        ]);
        const checks = [...dates.flatMap((d, i) => dateChecks(ctx.config, d, runs[i])), ...pollers, ...services];
        const worst = checks.reduce<CheckLevel>((w, c) => (RANK[c.level] > RANK[w] ? c.level : w), 'ok');
        const overall = worst === 'ok' ? 'HEALTHY' : worst === 'warn' ? 'DEGRADED' : 'FAILING';
        ctx.print(
          [`Health for ${today}: ${overall}`, ...checks.map((c) => `  ${MARK[c.level]} ${c.name}: ${c.message}`)],
          {
            date: today,
            overall,
            checks,
            runs: runs.map((r, i) => ({
              gameDate: dates[i],
              runId: r?.runId,
              status: r ? effectiveStatus(r) : 'NO_WORKFLOW',
            })),
          },
        );
        return worst === 'ok' ? EXIT.OK : worst === 'warn' ? EXIT.DEGRADED : EXIT.FAILING;
      }),
    );
  },
};
