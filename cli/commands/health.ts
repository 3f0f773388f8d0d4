import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { GamedayConfig } from '../../config/schema';
import { TROUBLED_STATUSES } from '../../contracts/state';
import { addDays } from '../../domain/dates';
import { isStepFinished } from '../../domain/day-summary';
import { dayTimeInstant } from '../../domain/day-times';
import { describeSchedules } from '../../schedules/manage';
import { parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { EXIT } from '../exit-codes';
import { predictionsSummary } from '../format';
import { CLOSED_WITHOUT_DAY, effectiveStatus, loadDateRun, type DateRun } from '../pipeline';
import { trustDeferredExtraCaCerts } from '../extra-ca';
import { readBridgeStats } from '../http/bridge-stats';
import { refusedPushes, type BridgeStatsView } from '../../bridge/stats';

export type CheckLevel = 'ok' | 'warn' | 'fail';
export interface HealthCheck {
  name: string;
  level: CheckLevel;
  message: string;
}

const RANK: Record<CheckLevel, number> = { ok: 0, warn: 1, fail: 2 };

/** The checks of one date's day: its status, games vs predictions after the deadline, steps in trouble, open alerts. */
export function dateChecks(
  config: GamedayConfig,
  gameDate: string,
  run: DateRun | undefined,
  now = Date.now(),
): HealthCheck[] {
  const name = `day ${gameDate}`;
  if (!run) return [{ name, level: 'warn', message: 'no workflow yet' }];
  const status = effectiveStatus(run);
  const state = run.state;
  const checks: HealthCheck[] = [];
  const games = state?.gamesScheduled;
  const summary = `${status}${state ? ` (cycle ${state.cycle})` : ''}${games !== undefined ? `, ${games} games` : ''}, predictions ${predictionsSummary(state)}`;
  let level: CheckLevel = 'ok';
  if (CLOSED_WITHOUT_DAY.includes(status)) level = 'fail';
  else if (['STUCK', 'BLOCKED', 'COMPLETE_WITH_GAPS'].includes(status)) level = 'warn';
  else if (status === 'FAILED') level = 'fail';
  const deadline = dayTimeInstant(gameDate, config.lifecycle.same_day.predictionsDeadline, config.timeZone);
  if ((games ?? 1) > 0 && status !== 'NO_GAMES' && !state?.predictions.ready && now > deadline) {
    level = 'fail';
    checks.push({
      name: `predictions ${gameDate}`,
      level: 'fail',
      message: `${games ?? '?'} games but no predictions after the ${config.lifecycle.same_day.predictionsDeadline.slice(-5)} ET deadline`,
    });
  }
  checks.unshift({ name, level, message: summary + (run.warning ? ` (${run.warning})` : '') });
  if (state && run.executionStatus === 'RUNNING') {
    for (const step of state.cycles[state.cycle].steps) {
      if (isStepFinished(step) || !TROUBLED_STATUSES.includes(step.status)) continue;
      checks.push({
        name: `${step.cycle} ${step.label}`,
        level: step.status === 'FAILED' ? 'fail' : 'warn',
        message: `${step.status}: ${step.error ?? step.waitingFor ?? ''}`,
      });
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
      return pollersHealth(label, config.temporal.taskQueue, answer.pollers ?? [], Date.now());
    }),
  );
}

/** A poller seen longer ago than this is gone: a live one polls again at least every minute (Temporal's long poll). */
export const POLLER_STALE_MS = 90_000;

type Poller = temporal.api.taskqueue.v1.IPollerInfo;

/**
 * The server lists a killed worker as a poller for minutes after it died: only pollers seen within POLLER_STALE_MS
 * count; the others are named as gone.
 */
export function pollersHealth(label: string, taskQueue: string, pollers: Poller[], nowMs: number): HealthCheck {
  const seenAgo = (p: Poller) =>
    p.lastAccessTime?.seconds == null
      ? 0
      : nowMs - (Number(p.lastAccessTime.seconds) * 1000 + Math.floor((p.lastAccessTime.nanos ?? 0) / 1e6));
  const live = pollers.filter((p) => seenAgo(p) <= POLLER_STALE_MS);
  const stale = pollers.filter((p) => seenAgo(p) > POLLER_STALE_MS);
  const gone = stale.length
    ? `; gone (not seen for ${POLLER_STALE_MS / 1000} s): ${stale.map((p) => `${p.identity} (${Math.round(seenAgo(p) / 1000)} s ago)`).join(', ')}`
    : '';
  return {
    name: `${label} workers`,
    level: live.length ? 'ok' : 'fail',
    message: live.length
      ? `${live.length} poller(s) on task queue ${taskQueue}: ${live.map((p) => p.identity).join(', ')}${gone}`
      : `no worker polls task queue ${taskQueue}${gone}`,
  };
}

/**
 * GET /healthz of each platform origin and of the bridge. 401/403 fail (failure mode 9: a redeploy stripped the
 * invoker permission, and every trigger would be refused in silence); other 4xx mean reachable; 5xx warn.
 */
export async function serviceChecks(config: GamedayConfig): Promise<HealthCheck[]> {
  const p = config.platform;
  const origins = new Set(
    [p.scheduleUrl, p.analyticsUrl, p.precomputeUrl, p.coordinatorUrl, p.exportPushUrl, p.gradingPushUrl].map(
      (u) => new URL(u).origin,
    ),
  );
  const targets = [
    ...[...origins].map((origin) => ({ name: `service ${origin}`, url: `${origin}/healthz` })),
    { name: 'bridge', url: `http://${config.bridge.host}:${config.bridge.port}/healthz` },
  ];
  trustDeferredExtraCaCerts();
  return Promise.all(
    targets.map(async ({ name, url }): Promise<HealthCheck> => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status === 401 || res.status === 403) {
          return {
            name,
            level: 'fail',
            message: `GET ${url} -> ${res.status}: Gameday is not allowed to call it (invoker permission?)`,
          };
        }
        const reached: HealthCheck = {
          name,
          level: res.status < 500 ? 'ok' : 'warn',
          message: `GET ${url} -> ${res.status}`,
        };
        return name === 'bridge' ? withRefusedPushes(reached, await readBridgeStats(config)) : reached;
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        return { name, level: 'warn', message: `GET ${url} failed: ${cause}` };
      }
    }),
  );
}

/** The bridge up but refusing Pub/Sub's pushes (401/403) is failure mode 9 on Gameday's side: FAIL while it lasts. */
function withRefusedPushes(check: HealthCheck, stats: BridgeStatsView | undefined): HealthCheck {
  const refused = stats && refusedPushes(stats);
  if (!refused) return check;
  return { ...check, level: refused.stillRefusing ? 'fail' : 'warn', message: `${check.message}; ${refused.text}` };
}

/** Every schedule the config enables exists and is not paused (failure mode 11: deleted schedulers left a chain with no trigger). */
export async function scheduleChecks(client: Client, config: GamedayConfig): Promise<HealthCheck[]> {
  const views = await describeSchedules(client, config);
  return views
    .filter((v) => v.enabledInConfig)
    .map((v): HealthCheck => {
      const name = `schedule ${v.name}`;
      if (!v.exists) return { name, level: 'fail', message: `missing: \`gameday schedule apply\` creates it` };
      if (v.paused)
        return {
          name,
          level: 'warn',
          message: `paused${v.note ? ` (${v.note})` : ''}: \`gameday schedule unpause ${v.name}\``,
        };
      return { name, level: 'ok', message: `next ${v.nextActionTimes[0] ?? '-'}` };
    });
}

const MARK: Record<CheckLevel, string> = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' };

export const healthCommand: CommandModule = {
  name: 'health',
  register(program: Command) {
    withCommon(
      program
        .command('health')
        .description(
          'health check for cron: yesterday, today and tomorrow (status, predictions by the deadline, steps in trouble), workers, services, schedules',
        )
        .argument('[date]', 'the "today" of the check, YYYY-MM-DD (default: today in America/New_York)'),
      ['gameday health', 'gameday health 2025-12-29 --json'],
    ).action(
      action(async (ctx, args) => {
        const today = parseDate(args[0], 'date', ctx.config.timeZone);
        const dates = [addDays(today, -1), today, addDays(today, 1)];
        const client = await ctx.client();
        const [runs, pollers, services, schedules] = await Promise.all([
          Promise.all(dates.map((d) => loadDateRun(client, ctx.config, d, { queryTimeoutMs: 3_000 }))),
          pollerCheck(client, ctx.config),
          serviceChecks(ctx.config),
          scheduleChecks(client, ctx.config),
        ]);
        const checks = [
          ...dates.flatMap((d, i) => dateChecks(ctx.config, d, runs[i])),
          ...pollers,
          ...services,
          ...schedules,
        ];
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
