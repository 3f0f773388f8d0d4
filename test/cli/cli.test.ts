/**
 * The `gameday` CLI as a child process against a dev server. Workers in this process run the scripted platform,
 * each with its own day clock, so every date is at a known time of its day:
 * - A (real speed, now D-1 17:50 of 2036-01-14): a stuck date, a date in its overnight cycle, a date that ended
 *   with gaps, a closed failed run; start/rerun/cancel and backfills run on its task queue;
 * - B (real speed, now D-1 17:40 of 2036-02-11): an off day, an overnight, a tomorrow cycle (health, predictions,
 *   reset);
 * - C (real speed, now D-1 17:40 of 2036-03-02): phase 4 failed, waiting for an operator;
 * - F (2000 times faster, from D-1 15:30 of 2036-01-20): a whole day through its three cycles, lived first.
 * The dates of A, B, C and F lie years ahead on the real clock, as health checks the predictions deadline on it.
 * The tests run in file order: a later one may find a date where an earlier one left it (say so where it matters).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PrecomputeRun, PredictionStartRequest } from '../../activities';
import type { DayState, OperatorAction, StepState } from '../../contracts/state';
import { processorCompletedSignal } from '../../contracts/workflow-api';
import { virtualNow } from '../../domain/clock';
import { desiredSchedules } from '../../schedules/definitions';
import { loadConfig } from '../../config/load';
import type { TimelineRow } from '../../cli/commands/history';
import type { DashboardRow } from '../../cli/commands/dashboard';
import type { HealthCheck } from '../../cli/commands/health';
import { BridgeStats, REFUSALS_TO_FAIL } from '../../bridge/stats';
import { createDevServerEnv, temporalCliPath } from '../helpers/tools';
import {
  clockWorker,
  eventually,
  mergeConfig,
  runCli,
  runTool,
  writeCliConfig,
  type ClockWorker,
  type CliRun,
} from './cli-harness';

const PREFIX = `cli${Date.now().toString(36)}-`;
const A = {
  stuck: '2036-01-14',
  overnight: '2036-01-13',
  gaps: '2036-01-12',
  none: '2036-01-15',
  failedClosed: '2036-01-16',
  rerun: '2036-01-25',
  aheadFrom: '2036-01-21',
  aheadTo: '2036-01-22',
  /** Dates past on the real clock as on A's: a backfill runs their overnight cycle. */
  backfillFrom: '2026-11-18',
  backfillTo: '2026-11-20',
  /** Far from A's today: a completion for it does not start a workflow. */
  unstarted: '2036-05-03',
};
const B = { noGames: '2036-02-09', overnight: '2036-02-10', tomorrow: '2036-02-11' };
const C = { failed: '2036-03-02' };
const F = '2036-01-20';

let env: TestWorkflowEnvironment;
let wA: ClockWorker;
let wB: ClockWorker;
let wC: ClockWorker;
let wF: ClockWorker;
const servers: Server[] = [];
/** /healthz of the platform's services and the bridge, answering `status`. */
async function healthServer(status: number): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
let fullDay: DayState;

const step = (state: DayState, id: string): StepState => {
  const found = Object.values(state.cycles)
    .flatMap((c) => c.steps)
    .find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
};

const handleOf = (date: string, runId?: string) => env.client.workflow.getHandle(`${PREFIX}${date}`, runId);
const query = (date: string): Promise<DayState> => handleOf(date).query('pipelineState');
const untilState = (date: string, ok: (s: DayState) => boolean, timeoutMs = 60_000) =>
  eventually(
    () => query(date).catch(() => undefined as unknown as DayState),
    (s) => s !== undefined && ok(s),
    timeoutMs,
  );

/** The CLI with a worker's config (its clock, task queue, the health server's URLs), as user oncall. */
const cli = (w: ClockWorker | string, args: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
  runCli(args, {
    GAMEDAY_CONFIG: typeof w === 'string' ? w : w.configFile,
    GAMEDAY_USER: 'oncall',
    GAMEDAY_CONNECT_TIMEOUT: '10',
    ...extra,
  });

beforeAll(async () => {
  env = await createDevServerEnv();
  const ok = await healthServer(200);
  const common = {
    platform: {
      scheduleUrl: ok,
      analyticsUrl: `${ok}/phase3`,
      precomputeUrl: `${ok}/phase4`,
      coordinatorUrl: `${ok}/coordinator`,
      exportPushUrl: `${ok}/export/push`,
      gradingPushUrl: `${ok}/grading/push`,
    },
    bridge: { host: '127.0.0.1', port: Number(new URL(ok).port) },
    schedules: {
      pipelineTomorrow: { enabled: false },
      pipelineToday: { enabled: false },
      selfHeal: { enabled: false },
      dailySummary: { enabled: false },
    },
  };

  // F first, alone: its clock runs 2000 times faster from D-1 15:30 (the 17:00 remedy is 3 s away), so the whole
  // day takes about 80 s; its SLAs are long enough that a busy machine delaying a timer by seconds raises no alert.
  // The same_day cycle's props refresh of the upcoming player context is played by its remedy at 05:15 (the real
  // platform's own run is at 05:30).
  wF = await clockWorker(env, {
    prefix: PREFIX,
    date: F,
    startsAt: 'D-1 15:30',
    timeScale: 1 / 2000,
    config: mergeConfig(common, {
      lifecycle: { same_day: { phase3: { remedyAt: 'D 05:15' } } },
      sla: { defaultMinutes: 120, cycleGraceMinutes: 120 },
    }),
  });
  await wF.start({ gameDate: F });
  fullDay = (await handleOf(F).result()) as DayState;

  wA = await clockWorker(env, {
    prefix: PREFIX,
    date: A.stuck,
    startsAt: 'D-1 17:50',
    timeScale: 1,
    // A date started late counts its SLAs from its start: phase 4's is three seconds here, so A.stuck's phase 4 is stuck
    // at once (waiting for its phase 3, which never comes).
    config: mergeConfig(common, { sla: { perPhase: { '4': 0.05 } } }),
    overrides: (fake) => ({
      // The upcoming contexts of A.stuck never publish: its phase 3 never comes, phase 4 is stuck at once.
      triggerAnalytics: async (request) =>
        request.gameDate === A.stuck ? { status: 'started' } : fake().baseTriggerAnalytics(request),
      // Grading of A.gaps ends failed: that day ends COMPLETE_WITH_GAPS.
      publishGradingTrigger: async (request) => {
        const info = Context.current().info;
        await env.client.workflow.getHandle(info.workflowExecution?.workflowId ?? '').signal(
          processorCompletedSignal,
          {
            processor_name: 'Phase5BGrading',
            phase: 'phase_5b_grading',
            correlation_id: request.correlationId,
            timestamp: new Date(
              virtualNow(fake().clock, info.currentAttemptScheduledTimestampMs) + 60_000,
            ).toISOString(),
            target_date: request.gameDate,
            status: request.gameDate === A.gaps ? 'failed' : 'success',
            graded_count: request.gameDate === A.gaps ? 0 : 140,
          },
          { messageId: `grading-${request.idempotencyKey}` },
        );
        return { messageId: `grading-${request.gameDate}` };
      },
    }),
  });
  wB = await clockWorker(env, {
    prefix: PREFIX,
    date: B.tomorrow,
    startsAt: 'D-1 17:40',
    timeScale: 1,
    config: common,
    games: (d) => (d === B.noGames ? 0 : 7),
    overrides: () => ({
      startPredictionBatch: async (request: PredictionStartRequest) => ({
        outcome: 'started' as const,
        batchId: `batch-${request.gameDate}-${request.runMode}`,
        totalRequests: 100,
      }),
      // B.tomorrow's batch runs for a long while (40% done).
      getPredictionBatchStatus: async (batchId: string) =>
        batchId.startsWith(`batch-${B.tomorrow}`)
          ? { status: 'in_progress' as const, completionPct: 40, expectedPlayers: 100, completedPlayers: 40 }
          : { status: 'complete' as const, completionPct: 100, expectedPlayers: 100, completedPlayers: 100 },
    }),
  });
  let precomputeFailures = 0;
  wC = await clockWorker(env, {
    prefix: PREFIX,
    date: C.failed,
    startsAt: 'D-1 17:40',
    timeScale: 1,
    config: common,
    overrides: () => ({
      // The first two phase-4 calls are rejected (a bad deploy, fixed since).
      runPrecomputeProcessor: async (request: PrecomputeRun) => {
        if (precomputeFailures < 2) {
          precomputeFailures += 1;
          throw ApplicationFailure.nonRetryable(`precompute rejected ${request.className}`, 'PlatformRejected');
        }
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
    }),
  });

  for (const date of [A.stuck, A.overnight, A.gaps]) await wA.start({ gameDate: date });
  await wA.start({ gameDate: A.failedClosed, cycle: 'morning' as never });
  for (const date of [B.noGames, B.overnight, B.tomorrow]) await wB.start({ gameDate: date });
  await wC.start({ gameDate: C.failed });

  await untilState(A.stuck, (s) => s.status === 'STUCK');
  await untilState(A.overnight, (s) => s.status === 'WAITING' && s.cycle === 'overnight');
  expect(((await handleOf(A.gaps).result()) as DayState).status).toBe('COMPLETE_WITH_GAPS');
  await expect(handleOf(A.failedClosed).result()).rejects.toThrow();
  expect(((await handleOf(B.noGames).result()) as DayState).status).toBe('NO_GAMES');
  await untilState(B.overnight, (s) => s.status === 'WAITING');
  await untilState(B.tomorrow, (s) => step(s, 'tomorrow/phase4').status === 'DONE' && s.status === 'WAITING');
  await untilState(C.failed, (s) => s.status === 'FAILED');
}, 420_000);

afterAll(async () => {
  for (const w of [wA, wB, wC, wF]) await w?.stop();
  for (const s of servers) s.close();
  await env?.teardown();
});

describe('status: the day cycle by cycle and step by step; exit 0 complete, 1 in progress or with gaps, 2 stuck or failed, 4 unknown', () => {
  test('a stuck date: exit 2, its cycles and steps, what phase 3 misses, the alert and its fix command', async () => {
    const run = await cli(wA, ['status', A.stuck]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Day of ${A.stuck} · 7 games · cycle tomorrow · STUCK`);
    expect(lines[1]).toMatch(
      /^Now: tomorrow · phase 4 \(precompute\), phase 4 at 17:30: STUCK - waiting for phase 3 \(the 3 -> 4 rule\) - phase 3 is not in \d+ min after D-1 17:30 · 1 alert$/,
    );
    expect(lines).toContain('Predictions: not ready');
    // Every cycle, in order, with its steps: tomorrow running, the next two pending.
    const cycles = lines.filter((l) => /^(tomorrow|same_day|overnight) \(/.test(l));
    expect(cycles.map((l) => l.replace(/ \(.*\)/, ''))).toEqual([
      'tomorrow: RUNNING',
      'same_day: PENDING',
      'overnight: PENDING',
    ]);
    expect(run.stdout).toMatch(
      /^ {2}phase 4 at 17:30: STUCK - waiting for phase 3 \(the 3 -> 4 rule\) - phase 3 is not in \d+ min after D-1 17:30$/m,
    );
    expect(run.stdout).toMatch(
      /^ {2}phase 3 upcoming contexts by 17:00: WAITING - waiting for upcoming_player_game_context, upcoming_team_game_context \(0\/2 complete\) until 6:0\d PM ET - not in by 17:00: ran upcoming_player_game_context, upcoming_team_game_context as a remedy$/m,
    );
    expect(lines).toContain('      upcoming_player_game_context: MISSING [critical]');
    expect(lines).toContain('      upcoming_team_game_context: MISSING');
    expect(run.stdout).toMatch(
      /^ {6}remedy at 5:5\d PM ET: ran upcoming_player_game_context, upcoming_team_game_context$/m,
    );
    expect(lines).toContain(
      '  PRE_GAME predictions at 20:00: WAITING - waiting for its time (D-1 20:00) until 8:00 PM ET',
    );
    expect(lines).toContain('  FIRST predictions at 08:00: PENDING');
    expect(lines).toContain('  gap check at 09:00: PENDING');
    expect(run.stdout).toMatch(
      new RegExp(`^  ! STEP_STUCK tomorrow at 5:5\\d PM ET: ${A.stuck} tomorrow: phase 4 waits for phase 3`, 'm'),
    );
    expect(lines).toContain(`    fix: gameday force ${A.stuck} --phase 4 --reason "phase 3 stuck" --skip-gates`);
    const { runId } = await handleOf(A.stuck).describe();
    expect(lines).toContain(`UI: http://127.0.0.1:8233/namespaces/default/workflows/${PREFIX}${A.stuck}/${runId}`);
  });

  test('a date in progress (its overnight cycle): exit 1; --json is exactly what the pipelineState query says', async () => {
    const text = await cli(wA, ['status', A.overnight]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toBe(`Day of ${A.overnight} · 7 games · cycle overnight · WAITING`);
    // Started at D 17:50, after the first two cycles: they are skipped, and say so.
    expect(text.stdout).toMatch(/^tomorrow \(.*\): SKIPPED \(the day started at .*, after this cycle\)$/m);
    expect(text.stdout).toMatch(/^same_day \(.*\): SKIPPED \(the day started at .*, after this cycle\)$/m);
    expect(text.stdout).toMatch(/^overnight \(.*\): RUNNING$/m);
    expect(text.stdout).toMatch(
      /^ {2}grading once all games are Final \(checks from 00:00\): WAITING - waiting for its first check \(D\+1 00:00\) until 12:00 AM ET$/m,
    );
    expect(text.stdout).toContain('Alerts: none');

    const run = await cli(wA, ['status', A.overnight, '--json']);
    expect(run.code).toBe(1);
    const body = run.json<{ state: DayState; [key: string]: unknown }>();
    expect(body.state).toEqual(await query(A.overnight));
    expect(body).toMatchObject({
      gameDate: A.overnight,
      workflowId: `${PREFIX}${A.overnight}`,
      runId: (await handleOf(A.overnight).describe()).runId,
      executionStatus: 'RUNNING',
      status: 'WAITING',
      complete: false,
      exitCode: 1,
      stateSource: 'query',
      searchAttributes: { gameDate: A.overnight, cycle: 'overnight', status: 'WAITING' },
    });
    expect(body.state.cycles.tomorrow.status).toBe('SKIPPED');
  });

  test('the official temporal CLI queries the same state', async () => {
    const queried = await runTool(temporalCliPath(), [
      'workflow',
      'query',
      '--address',
      env.address,
      '--namespace',
      'default',
      '--workflow-id',
      `${PREFIX}${A.overnight}`,
      '--name',
      'pipelineState',
      '--output',
      'json',
    ]);
    expect(queried.code).toBe(0);
    const viaTemporal = queried.json<{ queryResult: DayState[] }>().queryResult[0];
    const viaGameday = (await cli(wA, ['status', A.overnight, '--json'])).json<{ state: DayState }>().state;
    // The temporal CLI prints empty arrays as null.
    const nullArrays = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/\[\]/g, 'null'));
    expect(nullArrays(viaGameday)).toEqual(nullArrays(viaTemporal));
  });

  test('a day that ended with gaps: exit 1, the gaps and the failed step in the record', async () => {
    const run = await cli(wA, ['status', A.gaps, '--json']);
    expect(run.code).toBe(1);
    const body = run.json<{
      state: DayState;
      status: string;
      stateSource: string;
      executionStatus: string;
      complete: boolean;
    }>();
    expect(body).toMatchObject({
      status: 'COMPLETE_WITH_GAPS',
      stateSource: 'result',
      executionStatus: 'COMPLETED',
      complete: false,
    });
    expect(body.state).toEqual(await handleOf(A.gaps).result());
    expect(step(body.state, 'overnight/grading')).toMatchObject({
      status: 'FAILED',
      outcome: 'grading ended status failed',
    });
    const text = await cli(wA, ['status', A.gaps]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toBe(`Day of ${A.gaps} · 7 games · cycle overnight · COMPLETE_WITH_GAPS`);
    expect(text.stdout).toContain(`Workflow: completed (run ${(await handleOf(A.gaps).describe()).runId})`);
    expect(text.stdout).toMatch(
      new RegExp(
        `! DAY_GAPS overnight at .*: ${A.gaps}: the day ends with gaps: overnight grading once all games are Final \\(checks from 00:00\\): FAILED`,
      ),
    );
    expect(text.stdout).toContain(`fix: gameday status ${A.gaps}`);
  });

  test('no games: exit 0', async () => {
    const run = await cli(wB, ['status', B.noGames]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`Day of ${B.noGames} · 0 games · cycle overnight · NO_GAMES`);
    expect(run.stdout).toContain('Now: NO_GAMES');
  });

  test('a failed step waiting for an operator, and a run that closed failed: exit 2', async () => {
    const open = await cli(wC, ['status', C.failed]);
    expect(open.code).toBe(2);
    expect(open.stdout.split('\n')[0]).toBe(`Day of ${C.failed} · 7 games · cycle tomorrow · FAILED`);
    expect(open.stdout).toMatch(
      /^ {2}phase 4 at 17:30: FAILED - waiting for an operator: `gameday force` reruns the failed processors - 0\/5 done; team_defense_zone_analysis, player_shot_zone_analysis failed; player_daily_cache, player_composite_factors, ml_feature_store skipped \(a dependency failed\): player_shot_zone_analysis failed: precompute rejected PlayerShotZoneAnalysisProcessor$/m,
    );
    expect(open.stdout).toMatch(/^ {6}team_defense_zone_analysis failed, player_shot_zone_analysis failed$/m);
    expect(open.stdout).toContain(`    fix: gameday force ${C.failed} --phase 4 --reason "retry failed precompute"`);
    const closed = await cli(wA, ['status', A.failedClosed, '--json']);
    expect(closed.code).toBe(2);
    expect(closed.json()).toMatchObject({
      executionStatus: 'FAILED',
      status: 'FAILED',
      complete: false,
      failure: expect.stringMatching(/unknown cycle "morning": expected one of tomorrow, same_day, overnight/),
    });
    const text = await cli(wA, ['status', A.failedClosed]);
    expect(text.stdout).toMatch(/^Workflow: failed \(run .*\)$/m);
    expect(text.stdout).toMatch(/^Failure: .*unknown cycle "morning"/m);
  });

  test('no workflow for the date: exit 4; --json says so too', async () => {
    const run = await cli(wA, ['status', A.none]);
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(`gameday: no pipeline workflow for ${A.none} (workflow ID ${PREFIX}${A.none})\n`);
    const json = await cli(wA, ['status', A.none, '--json']);
    expect(json.code).toBe(4);
    expect(json.json()).toMatchObject({
      exitCode: 4,
      gameDate: A.none,
      error: expect.stringContaining('no pipeline workflow'),
    });
  });
});

describe('dashboard: one line per date from visibility', () => {
  test('A: stuck and failed dates make it exit 2; each row says games, cycle, phase, status, predictions, alerts', async () => {
    const run = await eventually(
      () => cli(wA, ['dashboard', '--end', A.failedClosed, '--days', '5', '--json']),
      (r) => r.json<{ dates: DashboardRow[] }>().dates.filter((d) => d.status !== 'NO_WORKFLOW').length === 4,
    );
    expect(run.code).toBe(2);
    const rows = run.json<{ dates: DashboardRow[] }>().dates;
    expect(rows.map((r) => r.gameDate)).toEqual([A.failedClosed, A.none, A.stuck, A.overnight, A.gaps]);
    const byDate = Object.fromEntries(rows.map((r) => [r.gameDate, r]));
    expect(byDate[A.failedClosed]).toMatchObject({ status: 'FAILED' });
    expect(byDate[A.none]).toEqual({
      gameDate: A.none,
      status: 'NO_WORKFLOW',
      degraded: false,
      predictions: '-',
      alerts: 0,
    });
    expect(byDate[A.stuck]).toMatchObject({
      status: 'STUCK',
      cycle: 'tomorrow',
      phase: 'phase4',
      games: 7,
      predictions: 'none',
      alerts: 1,
      degraded: false,
    });
    expect(byDate[A.overnight]).toMatchObject({
      status: 'WAITING',
      cycle: 'overnight',
      games: 7,
      predictions: 'none',
      alerts: 0,
    });
    expect(byDate[A.gaps]).toMatchObject({ status: 'COMPLETE_WITH_GAPS', cycle: 'overnight', games: 7 });
    expect(byDate[A.gaps].alerts).toBeGreaterThanOrEqual(2);

    const text = await cli(wA, ['dashboard', '--end', A.failedClosed, '--days', '5']);
    expect(text.code).toBe(2);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DATE\s+GAMES\s+CYCLE\s+PHASE\s+STATUS\s+DEGRADED\s+PREDICTIONS\s+ALERTS$/);
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${A.stuck}\\s+7\\s+tomorrow\\s+phase4\\s+STUCK\\s+-\\s+none\\s+1$`)),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${A.none}\\s+-\\s+-\\s+-\\s+NO_WORKFLOW\\s+-\\s+-\\s+-$`)),
    );
    // Search attributes only: no per-date query, no games.
    const fast = await cli(wA, ['dashboard', '--end', A.failedClosed, '--days', '5', '--no-details', '--json']);
    const quick = Object.fromEntries(fast.json<{ dates: DashboardRow[] }>().dates.map((r) => [r.gameDate, r]));
    expect(quick[A.stuck]).toMatchObject({ status: 'STUCK', cycle: 'tomorrow', phase: 'phase4', predictions: '?' });
    expect(quick[A.stuck].games).toBeUndefined();
  });

  test('B: an off day and two days on time: exit 0', async () => {
    const run = await eventually(
      () => cli(wB, ['dashboard', '--end', B.tomorrow, '--days', '3', '--json']),
      (r) => r.json<{ dates: DashboardRow[] }>().dates.every((d) => d.status !== 'NO_WORKFLOW'),
    );
    expect(run.code).toBe(0);
    expect(
      run.json<{ dates: DashboardRow[] }>().dates.map((r) => [r.gameDate, r.status, r.cycle, r.predictions]),
    ).toEqual([
      [B.tomorrow, 'WAITING', 'tomorrow', 'none'],
      [B.overnight, 'WAITING', 'overnight', 'none'],
      [B.noGames, 'NO_GAMES', 'overnight', '-'],
    ]);
  });
});

/** A time of day (ET) far from now, for schedules that must not fire during the test. */
function quietTime(): string {
  const hour =
    (Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', hourCycle: 'h23' }).format(
        new Date(),
      ),
    ) +
      12) %
    24;
  return `${String(hour < 3 ? hour + 3 : hour).padStart(2, '0')}:07`;
}

describe('health: yesterday, today and tomorrow; workers; services; schedules', () => {
  const checksOf = (run: CliRun) => run.json<{ overall: string; checks: HealthCheck[] }>();
  const check = (run: CliRun, name: string) => checksOf(run).checks.find((c) => c.name === name);

  test('three dates on time, a worker polling, services up, no schedules configured: HEALTHY, exit 0', async () => {
    const run = await cli(wB, ['health', B.overnight, '--json']);
    expect(checksOf(run).overall).toBe('HEALTHY');
    expect(run.code).toBe(0);
    expect(checksOf(run).checks.map((c) => [c.name, c.level])).toEqual([
      [`day ${B.noGames}`, 'ok'],
      [`day ${B.overnight}`, 'ok'],
      [`day ${B.tomorrow}`, 'ok'],
      ['workflow workers', 'ok'],
      ['activity workers', 'ok'],
      [`service ${new URL(wB.config.platform.scheduleUrl).origin}`, 'ok'],
      ['bridge', 'ok'],
    ]);
    expect(check(run, `day ${B.noGames}`)?.message).toBe('NO_GAMES (cycle overnight), 0 games, predictions -');
    expect(check(run, `day ${B.tomorrow}`)?.message).toBe('WAITING (cycle tomorrow), 7 games, predictions none');
    expect(check(run, 'workflow workers')?.message).toMatch(
      new RegExp(`^1 poller\\(s\\) on task queue ${wB.taskQueue}: `),
    );
    const text = await cli(wB, ['health', B.overnight]);
    expect(text.stdout.split('\n')[0]).toBe(`Health for ${B.overnight}: HEALTHY`);
    expect(text.stdout).toContain(`  OK   day ${B.overnight}: WAITING (cycle overnight), 7 games, predictions none`);
  });

  test('a stuck tomorrow and a yesterday with gaps: DEGRADED, exit 1, the step in trouble named', async () => {
    const run = await cli(wA, ['health', A.overnight, '--json']);
    expect(checksOf(run).overall).toBe('DEGRADED');
    expect(run.code).toBe(1);
    expect(check(run, `day ${A.gaps}`)).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/^COMPLETE_WITH_GAPS \(cycle overnight\)/),
    });
    expect(check(run, `day ${A.overnight}`)?.level).toBe('ok');
    expect(check(run, `day ${A.stuck}`)).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/^STUCK \(cycle tomorrow\)/),
    });
    expect(check(run, 'tomorrow phase 4 at 17:30')).toMatchObject({
      level: 'warn',
      message: 'STUCK: ' + step(await query(A.stuck), 'tomorrow/phase4').error,
    });
  });

  test('a service answering 401 or 403 FAILS (the invoker permission), a 500 warns; exit 2', async () => {
    const [forbidden, unauthorized, broken] = [
      await healthServer(403),
      await healthServer(401),
      await healthServer(500),
    ];
    const file = writeCliConfig(
      mergeConfig(wB.overrides, {
        platform: {
          coordinatorUrl: `${forbidden}/coordinator`,
          gradingPushUrl: `${unauthorized}/grading/push`,
          exportPushUrl: `${broken}/export/push`,
        },
      }),
    );
    const run = await cli(file, ['health', B.overnight, '--json']);
    expect(run.code).toBe(2);
    expect(checksOf(run).overall).toBe('FAILING');
    expect(check(run, `service ${forbidden}`)).toEqual({
      name: `service ${forbidden}`,
      level: 'fail',
      message: `GET ${forbidden}/healthz -> 403: Gameday is not allowed to call it (invoker permission?)`,
    });
    expect(check(run, `service ${unauthorized}`)).toMatchObject({
      level: 'fail',
      message: expect.stringContaining('-> 401: Gameday is not allowed'),
    });
    expect(check(run, `service ${broken}`)).toMatchObject({ level: 'warn', message: `GET ${broken}/healthz -> 500` });
    // The dates themselves are fine.
    expect(
      checksOf(run)
        .checks.filter((c) => c.name.startsWith('day '))
        .every((c) => c.level === 'ok'),
    ).toBe(true);
  });

  test('a bridge refusing Pub/Sub pushes (401/403) in a row: health FAILS, status says so', async () => {
    const stats = new BridgeStats();
    stats.record('delivered', 'counted');
    for (let i = 0; i < REFUSALS_TO_FAIL; i++)
      stats.record('rejected', 'auth_403', { reason: 'token of sa-other@p.iam, not the push service account' });
    const server = createServer((req, res) => {
      if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      else if (req.url === '/stats') res.writeHead(200).end(JSON.stringify(stats.view()));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const file = writeCliConfig(mergeConfig(wB.overrides, { bridge: { host: '127.0.0.1', port } }));
    const run = await cli(file, ['health', B.overnight, '--json']);
    expect(run.code).toBe(2);
    expect(check(run, 'bridge')).toMatchObject({
      level: 'fail',
      message: expect.stringMatching(
        new RegExp(
          `-> 200; ${REFUSALS_TO_FAIL} push\\(es\\) refused \\(401/403\\) since .*: token of sa-other@p\\.iam, not the push service account; the last ${REFUSALS_TO_FAIL} in a row, none passed since`,
        ),
      ),
    });
    const status = await cli(file, ['status', B.overnight]);
    expect(status.stdout).toContain(`  REFUSING PUSHES: ${REFUSALS_TO_FAIL} push(es) refused (401/403) since `);
  });

  test('no worker on the task queue: FAILING', async () => {
    const run = await cli(wB, ['health', B.overnight], { GAMEDAY_TASK_QUEUE: 'nobody-polls-this' });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('  FAIL workflow workers: no worker polls task queue nobody-polls-this');
    expect(run.stdout).toContain('  FAIL activity workers: no worker polls task queue nobody-polls-this');
  });

  test('a missing schedule FAILS; a paused one is reported (DEGRADED) until unpaused', async () => {
    const time = quietTime();
    const overrides = mergeConfig(wB.overrides, {
      schedules: {
        idPrefix: `${PREFIX}schedule-`,
        pipelineTomorrow: { enabled: true, times: [time] },
        pipelineToday: { enabled: true, times: [time] },
        selfHeal: { enabled: true, times: [time] },
        dailySummary: { enabled: true, times: [time] },
      },
    });
    const file = writeCliConfig(overrides);
    try {
      const missing = await cli(file, ['health', B.overnight, '--json']);
      expect(missing.code).toBe(2);
      expect(checksOf(missing).checks.filter((c) => c.name.startsWith('schedule '))).toEqual(
        ['pipeline-tomorrow', 'pipeline-today', 'self-heal', 'daily-summary'].map((name) => ({
          name: `schedule ${name}`,
          level: 'fail',
          message: 'missing: `gameday schedule apply` creates it',
        })),
      );
      const notThere = await cli(file, ['schedule', 'trigger', 'self-heal']);
      expect(notThere.code).toBe(4);
      expect(notThere.stderr).toBe(
        `gameday: schedule ${PREFIX}schedule-self-heal does not exist: run \`gameday schedule apply\`\n`,
      );
      expect((await cli(file, ['schedule', 'apply'])).code).toBe(0);
      expect((await cli(file, ['schedule', 'pause', 'daily-summary', '--reason', 'mail server moving'])).code).toBe(0);
      const paused = await cli(file, ['health', B.overnight, '--json']);
      expect(paused.code).toBe(1);
      expect(checksOf(paused).overall).toBe('DEGRADED');
      expect(check(paused, 'schedule daily-summary')).toEqual({
        name: 'schedule daily-summary',
        level: 'warn',
        message: 'paused (paused by oncall: mail server moving): `gameday schedule unpause daily-summary`',
      });
      expect(check(paused, 'schedule self-heal')).toMatchObject({
        level: 'ok',
        message: expect.stringMatching(/^next \d{4}-/),
      });
      expect((await cli(file, ['schedule', 'unpause', 'daily-summary', '--reason', 'moved'])).code).toBe(0);
      expect((await cli(file, ['health', B.overnight])).code).toBe(0);
    } finally {
      for (const d of desiredSchedules(loadConfig({}, overrides))) {
        await env.client.schedule
          .getHandle(d.scheduleId)
          .delete()
          .catch(() => undefined);
      }
    }
  });
});

describe('input is checked before anything changes: exit 3', () => {
  test('bad dates, phases (0x4, 0b100, 4e0, +4 too), reasons, processors, cycles and options', async () => {
    const before = await query(A.overnight);
    const runs = await Promise.all([
      cli(wA, ['status', '2036-02-30']),
      ...['0x4', '0b100', '4e0', '+4', '9', 'four'].map((phase) =>
        cli(wA, ['force', A.overnight, '--phase', phase, '--reason', 'x']),
      ),
      cli(wA, ['force', A.overnight, '--phase', '4']),
      cli(wA, ['force', A.overnight, '--phase', '4', '--reason', '  ']),
      cli(wA, ['complete', A.overnight, 'no_such_processor']),
      cli(wA, ['reset', A.overnight, '--to', '2', '--reason', 'x']),
      cli(wA, ['start', A.overnight, '--cycle', 'morning']),
      cli(wA, ['backfill', '2036-01-05', '2036-01-01']),
      cli(wA, ['dashboard', '--days', 'many']),
    ]);
    expect(runs.map((r) => r.code)).toEqual(runs.map(() => 3));
    expect(runs[0].stderr).toMatch(/invalid date "2036-02-30"/);
    expect(runs.slice(1, 7).map((r) => /unknown phase "([^"]*)"/.exec(r.stderr)?.[1])).toEqual([
      '0x4',
      '0b100',
      '4e0',
      '+4',
      '9',
      'four',
    ]);
    expect(runs[7].stderr).toMatch(/required option '--reason <text>' not specified/);
    expect(runs[8].stderr).toMatch(/a --reason is required/);
    expect(runs[9].stderr).toMatch(/unknown processor "no_such_processor"/);
    expect(runs[9].stderr).toMatch(/phase 3: player_game_summary, team_defense_game_summary/);
    expect(runs[10].stderr).toMatch(/cannot reset to phase 2/);
    expect(runs[11].stderr).toMatch(/unknown cycle "morning": expected one of tomorrow, same_day, overnight/);
    expect(await query(A.overnight)).toEqual(before);
  });

  test('an unreachable server: exit 2 naming the address tried; the --json error parses', async () => {
    const run = await cli(wA, ['status', A.overnight, '--json'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      GAMEDAY_CONNECT_TIMEOUT: '1',
    });
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ exitCode: 2, error: expect.stringContaining('127.0.0.1:1') });
  });
});

describe('force: applied at once, reported as the workflow applied it', () => {
  test('refusals by the workflow exit 5 and change nothing; a closed date is refused; no date is 4 (phases 1-2: exit 3, test/cli/usage-errors.test.ts)', async () => {
    const [overnightBefore, tomorrowBefore] = [await query(A.overnight), await query(B.tomorrow)];
    const done = await cli(wB, ['force', B.tomorrow, '--phase', 'analytics', '--reason', 'again', '--json']);
    expect(done.code).toBe(5);
    expect(done.json()).toMatchObject({
      exitCode: 5,
      refusal: `the tomorrow cycle has no analytics step left to force (see \`gameday status ${B.tomorrow}\`)`,
    });
    const noExport = await cli(wB, ['force', B.tomorrow, '--phase', '6', '--reason', 'export now']);
    expect(noExport.code).toBe(5);
    expect(noExport.stderr).toMatch(/the tomorrow cycle has no export step left to force/);
    const closed = await cli(wA, ['force', A.gaps, '--phase', '5', '--reason', 'nope']);
    expect(closed.code).toBe(5);
    expect(closed.stderr).toMatch(`the day of ${A.gaps} is not running`);
    expect((await cli(wA, ['force', A.none, '--phase', '5', '--reason', 'nope'])).code).toBe(4);
    expect(await query(A.overnight)).toEqual(overnightBefore);
    expect(await query(B.tomorrow)).toEqual(tomorrowBefore);
  });

  test('a stuck phase 4 forced: phase 3 finishes as forced, phase 4 runs now; --json has the outcome and the state after', async () => {
    const reason = 'upcoming contexts silent, run phase 4 with what exists';
    const run = await cli(wA, ['force', A.stuck, '--phase', '4', '--reason', reason, '--json']);
    expect(run.code).toBe(0);
    const body = run.json<{
      applied: boolean;
      outcome: string;
      step: string;
      user: string;
      phase: number;
      state: DayState;
    }>();
    const outcome =
      'phase 3 upcoming contexts by 17:00 finished as forced; phase 4 (precompute) of tomorrow: phase 4 at 17:30 started now';
    expect(body).toMatchObject({
      applied: true,
      outcome,
      step: 'tomorrow/phase4',
      user: 'oncall',
      phase: 4,
      skipGates: false,
      reason,
    });
    // The state after the force: phase 3 done (degraded, forced), phase 4 restarted, the action recorded with what it did.
    expect(step(body.state, 'tomorrow/phase3')).toMatchObject({
      status: 'DONE',
      degraded: true,
      outcome: `forced by oncall: ${reason}`,
    });
    expect(step(body.state, 'tomorrow/phase4')).toMatchObject({ restarts: 1 });
    expect(step(body.state, 'tomorrow/phase4').error).toBeUndefined();
    expect(body.state.operatorActions).toEqual([
      expect.objectContaining({
        action: 'forcePhase',
        phase: 4,
        cycle: 'tomorrow',
        user: 'oncall',
        reason,
        skipGates: false,
        outcome,
      }),
    ]);
    expect(body.state.alerts.map((a) => a.kind)).toEqual(['STEP_STUCK', 'PHASE_FORCED']);
    const after = await untilState(A.stuck, (s) => step(s, 'tomorrow/phase4').status === 'DONE');
    expect(step(after, 'tomorrow/phase4')).toMatchObject({
      degraded: true,
      outcome: `5/5 precompute processors succeeded (1500 records); 3 -> 4: forced by oncall: ${reason}`,
    });
    expect(after.status).toBe('WAITING');
    const status = await cli(wA, ['status', A.stuck]);
    expect(status.code).toBe(1);
    expect(status.stdout.split('\n')[0]).toBe(
      `Day of ${A.stuck} · 7 games · cycle tomorrow · WAITING (2 steps degraded)`,
    );
    expect(status.stdout).toMatch(/^ {2}phase 3 upcoming contexts by 17:00: DONE at .* \[degraded\]$/m);
    expect(status.stdout).toMatch(/^ {2}phase 4 at 17:30: DONE at .* \[degraded\]$/m);
    expect(status.stdout).toMatch(
      new RegExp(
        `^ {2}\\d+:\\d\\d [AP]M ET oncall forced phase 4 \\(tomorrow\\): ${reason} -> ${outcome.replace(/[()]/g, '\\$&')}$`,
        'm',
      ),
    );
  });

  test('a failed phase 4 forced: its processors rerun with fresh idempotency keys; the text says what was applied', async () => {
    const run = await cli(wC, ['force', C.failed, '--phase', 'precompute', '--reason', 'deploy fixed']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      'Applied: phase 4 (precompute) of tomorrow: phase 4 at 17:30 restarted with a fresh idempotency key (oncall: deploy fixed)',
    );
    expect(lines[2]).toMatch(new RegExp(`^Day of ${C.failed} · 7 games · cycle tomorrow · `));
    const after = await untilState(C.failed, (s) => step(s, 'tomorrow/phase4').status === 'DONE');
    expect(after.status).toBe('WAITING');
    const keys = wC.fake.of('runPrecomputeProcessor').map((c) => (c.args[0] as PrecomputeRun).idempotencyKey);
    expect(keys).toHaveLength(7);
    expect(keys.slice(2).every((k) => k.endsWith(':restart1'))).toBe(true);
    expect(new Set(keys).size).toBe(7);
    const history = await cli(wC, ['history', C.failed]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(
      /oncall forced phase 4 \(tomorrow\): deploy fixed -> phase 4 \(precompute\) of tomorrow: phase 4 at 17:30 restarted with a fresh idempotency key/,
    );
    expect(history.stdout).toMatch(/^tomorrow\s+phase 4 at 17:30\s+DONE\s+.*\[degraded\] \[restarted 1x\]$/m);
  });

  test('force-predictions: phase 5 now with the gates skipped, one recorded action; the running batch shows (exit 1)', async () => {
    const run = await cli(wB, ['force-predictions', B.tomorrow, '--reason', '11 games tonight', '--json']);
    expect(run.code).toBe(0);
    const body = run.json<{ outcome: string; skipGates: boolean; phase: number; state: DayState }>();
    expect(body).toMatchObject({
      phase: 5,
      skipGates: true,
      outcome: 'phase 5 (predictions) of tomorrow: PRE_GAME predictions at 20:00 started now, data gates skipped',
    });
    expect(body.state.operatorActions).toEqual([
      expect.objectContaining({
        action: 'forcePhase',
        phase: 5,
        user: 'oncall',
        reason: '11 games tonight',
        skipGates: true,
      }),
    ]);
    const running = await untilState(B.tomorrow, (s) => step(s, 'tomorrow/wave-1').batch?.completionPct === 40);
    expect(running.status).toBe('RUNNING');
    const start = wB.fake.of('startPredictionBatch').pop()?.args[0] as PredictionStartRequest;
    expect(start).toMatchObject({ gameDate: B.tomorrow, runMode: 'PRE_GAME', force: true });
    const status = await cli(wB, ['status', B.tomorrow]);
    expect(status.code).toBe(1);
    expect(status.stdout.split('\n')[0]).toBe(`Day of ${B.tomorrow} · 7 games · cycle tomorrow · RUNNING`);
    expect(status.stdout).toContain(`      batch batch-${B.tomorrow}-PRE_GAME: 40% (40/100 players)`);
  });
});

describe('complete: a completion delivered by hand, as the bridge delivers it', () => {
  test('counted for the cycle that waits for it (the message the platform would publish, from the config)', async () => {
    // The CLI's config without the day's clock (as against `npm start`'s stack): the running day's clock stamps it.
    const withoutClock = writeCliConfig({ ...wA.overrides, clock: {} });
    const run = await cli(withoutClock, [
      'complete',
      A.overnight,
      'player_game_summary',
      '--records',
      '30',
      '--reason',
      'ran by hand',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const { message, workflowId } = run.json<{ message: Record<string, unknown>; workflowId: string }>();
    expect(workflowId).toBe(`${PREFIX}${A.overnight}`);
    expect(message).toMatchObject({
      processor_name: 'PlayerGameSummaryProcessor',
      phase: 'phase_3_analytics',
      output_table: 'player_game_summary',
      game_date: A.overnight,
      status: 'success',
      record_count: 30,
      trigger_source: 'gameday-cli',
      metadata: { user: 'oncall', reason: 'ran by hand', manual: true },
    });
    const state = await untilState(
      A.overnight,
      (s) => step(s, 'overnight/phase3').phase3?.complete.includes('player_game_summary') === true,
    );
    expect(state.processors['3:player_game_summary'].runs[0]).toMatchObject({
      executionId: message.execution_id,
      status: 'success',
      recordCount: 30,
      triggerSource: 'gameday-cli',
      source: 'message',
    });
    expect(state.messages.counted).toBe(1);
    // By class name (phase given): the team defense summary too; 2 of 5 now.
    const byClass = await cli(wA, ['complete', A.overnight, 'TeamDefenseGameSummaryProcessor', '--phase', '3']);
    expect(byClass.code).toBe(0);
    expect(byClass.stdout).toMatch(
      `Delivered team_defense_game_summary (TeamDefenseGameSummaryProcessor, phase 3) success for ${A.overnight}: execution `,
    );
    const two = await untilState(A.overnight, (s) => step(s, 'overnight/phase3').phase3?.complete.length === 2);
    expect(step(two, 'overnight/phase3').waitingFor).toMatch(/\(2\/5 complete\)$/);
  });

  test('unknown processor or status: exit 3, nothing sent; no workflow and outside the start window, or not phase 3: exit 5, nothing started', async () => {
    const before = await query(A.overnight);
    const unknown = await cli(wA, ['complete', A.overnight, 'no_such_processor']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(
      /unknown processor "no_such_processor"; known processors:\n {2}phase 1: nbac_schedule_api/,
    );
    expect((await cli(wA, ['complete', A.overnight, 'player_game_summary', '--status', 'done'])).code).toBe(3);
    expect((await cli(wA, ['complete', A.overnight, 'player_game_summary', '--phase', '6'])).code).toBe(3);
    expect(await query(A.overnight)).toEqual(before);
    const far = await cli(wA, ['complete', A.unstarted, 'player_game_summary']);
    expect(far.code).toBe(5);
    expect(far.stderr).toMatch(`no workflow runs for ${A.unstarted} and this completion does not start one`);
    await expect(handleOf(A.unstarted).describe()).rejects.toThrow(/not found/i);
    // Within the start window, as at the bridge, only a phase-3 completion starts a date (failure mode 6).
    const near = '2036-01-11';
    const phase4 = await cli(wA, ['complete', near, 'ml_feature_store']);
    expect(phase4.code).toBe(5);
    expect(phase4.stderr).toMatch(`no workflow runs for ${near} and this completion does not start one`);
    await expect(handleOf(near).describe()).rejects.toThrow(/not found/i);
    const over = await cli(wA, ['complete', A.gaps, 'player_game_summary']);
    expect(over.code).toBe(5);
    expect(over.stderr).toMatch(`the day of ${A.gaps} is over (workflow ${PREFIX}${A.gaps} closed)`);
  });
});

describe('reset: the current cycle again from a phase, with the record kept', () => {
  test('a closed day reset to its last task: its new run ends at once and takes no record; exit 1 says so', async () => {
    const run = await cli(wA, ['reset', A.gaps, '--to', 'last-task', '--reason', 'replay the end', '--json']);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ recorded: false, recordError: expect.any(String), target: 'last-task' });
  });

  test('a phase that has not started in this cycle is refused (exit 5)', async () => {
    const run = await cli(wA, ['reset', A.overnight, '--to', '4', '--reason', 'x']);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      /phase 4 has not started in this cycle's run \(overnight, run .*: no runPrecomputeProcessorBehindGate or runPrecomputeProcessor activity yet\)/,
    );
  });

  test('--to 4: phase 4 runs again with new idempotency keys; the reset and the force after the reset point stay in the record', async () => {
    // B.tomorrow: phase 4 ran at 17:40, then predictions were forced (the test before).
    const callsOf = () =>
      wB.fake.of('runPrecomputeProcessor').filter((c) => (c.args[0] as PrecomputeRun).gameDate === B.tomorrow);
    const before = callsOf().map((c) => (c.args[0] as PrecomputeRun).idempotencyKey);
    expect(before).toHaveLength(5);
    const first = await handleOf(B.tomorrow).describe();
    const forced = (await query(B.tomorrow)).operatorActions;
    expect(forced.map((a) => a.phase)).toEqual([5]);

    const run = await cli(wB, [
      'reset',
      B.tomorrow,
      '--to',
      '4',
      '--reason',
      'precompute ran on stale analytics',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const body = run.json<{ runId: string; previousRunId: string; reason: string; target: number; eventId: number }>();
    expect(body).toMatchObject({
      previousRunId: first.runId,
      target: 4,
      reason: 'oncall: precompute ran on stale analytics',
    });
    expect(body.runId).not.toBe(first.runId);

    const after = await untilState(
      B.tomorrow,
      (s) => s.runId === body.runId && step(s, 'tomorrow/phase4').status === 'DONE',
    );
    const again = callsOf()
      .slice(5)
      .map((c) => (c.args[0] as PrecomputeRun).idempotencyKey);
    expect(again).toHaveLength(5);
    expect(again.every((k) => k.includes(`:${body.runId}:tomorrow/phase4:`))).toBe(true);
    expect(again.some((k) => before.includes(k))).toBe(false);
    // The force (an update after the reset point, not re-applied) is back in the record as discarded; the reset too.
    expect(after.operatorActions.map((a: OperatorAction) => [a.action, a.phase, a.user])).toEqual([
      ['forcePhase', 5, 'oncall'],
      ['reset', undefined, 'oncall'],
    ]);
    expect(after.operatorActions[0]).toMatchObject({
      reason: '11 games tonight',
      at: forced[0].at,
      outcome: expect.stringMatching(/^discarded by the reset at /),
    });
    expect(after.operatorActions[1].reason).toBe('reset to before phase 4: precompute ran on stale analytics');
    // The forced wave is undone: PRE_GAME waits for its time again.
    expect(step(after, 'tomorrow/wave-1')).toMatchObject({ status: 'WAITING', waitingFor: 'its time (D-1 20:00)' });

    const history = await cli(wB, ['history', B.tomorrow, '--json']);
    const runs = history.json<{ runs: { runId: string; status: string }[] }>().runs;
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      [first.runId, 'TERMINATED'],
      [body.runId, 'RUNNING'],
    ]);
  });
});

describe('start, rerun, cancel', () => {
  test('start --cycle begins there and attaches after; rerun refuses a running date; cancel; rerun --cycle starts a new chain', async () => {
    const started = await cli(wA, ['start', A.rerun, '--cycle', 'overnight', '--json']);
    expect(started.code).toBe(0);
    const first = started.json<{ started: boolean; runId: string; workflowId: string }>();
    expect(first).toMatchObject({ started: true, workflowId: `${PREFIX}${A.rerun}` });
    const state = await untilState(A.rerun, (s) => s.status !== 'STARTING');
    expect([state.cycle, state.cycles.tomorrow.status, state.cycles.same_day.status]).toEqual([
      'overnight',
      'SKIPPED',
      'SKIPPED',
    ]);
    const attached = await cli(wA, ['start', A.rerun, '--json']);
    expect(attached.json()).toMatchObject({ started: false, runId: first.runId });

    const busy = await cli(wA, ['rerun', A.rerun]);
    expect(busy.code).toBe(5);
    expect(busy.stderr).toMatch(/is still running/);

    const cancel = await cli(wA, ['cancel', A.rerun, '--reason', 'superseded']);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toBe(`Cancellation requested for ${A.rerun} (run ${first.runId}) by oncall: superseded\n`);
    await expect(handleOf(A.rerun).result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
    const history = await handleOf(A.rerun).fetchHistory();
    const requested = history.events?.find((e) => e.workflowExecutionCancelRequestedEventAttributes);
    expect(requested?.workflowExecutionCancelRequestedEventAttributes?.cause).toBe('oncall: superseded');
    const status = await cli(wA, ['status', A.rerun, '--json']);
    expect(status.code).toBe(2);
    const cancelled = status.json<{ executionStatus: string; status: string; state: DayState }>();
    expect(cancelled).toMatchObject({ executionStatus: 'CANCELLED', status: 'CANCELLED' });
    expect(cancelled.state.status).toBe('CANCELLED');
    expect(cancelled.state.alerts.map((a) => a.kind)).toContain('DAY_CANCELLED');
    expect((await cli(wA, ['cancel', A.rerun, '--reason', 'again'])).code).toBe(5);
    const closed = await cli(wA, ['start', A.rerun]);
    expect(closed.code).toBe(5);
    expect(closed.stderr).toMatch(/already ran .*use rerun/);

    const rerun = await cli(wA, ['rerun', A.rerun, '--cycle', 'same_day', '--json']);
    expect(rerun.code).toBe(0);
    const second = rerun.json<{ runId: string; previousRunId: string; cycle: string }>();
    expect(second).toMatchObject({ previousRunId: first.runId, cycle: 'same_day' });
    const fresh = await untilState(A.rerun, (s) => s.runId === second.runId && s.status !== 'STARTING');
    expect(fresh).toMatchObject({ chainId: second.runId, runs: 1, cycle: 'same_day', operatorActions: [], alerts: [] });
    expect(fresh.cycles.tomorrow.status).toBe('SKIPPED');
    const terminated = await cli(wA, ['cancel', A.rerun, '--terminate', '--reason', 'test over']);
    expect(terminated.stdout).toMatch(/^Terminated /);
    expect((await handleOf(A.rerun).describe()).status.name).toBe('TERMINATED');
  });
});

describe('backfill', () => {
  test('past dates run their overnight cycle until done; again, they are skipped; health then fails them for missing predictions', async () => {
    const run = await cli(wA, ['backfill', A.backfillFrom, A.backfillTo, '--cycle', 'overnight', '--concurrency', '2']);
    expect(run.stdout).toMatch(/^Backfill 2026-11-18 \.\. 2026-11-20: 3\/3 complete, 0 failed$/m);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/backfill 3\/3: /);
    for (const date of ['2026-11-18', '2026-11-19', '2026-11-20']) {
      const state = (await handleOf(date).result()) as DayState;
      expect([state.status, state.cycles.tomorrow.status, state.cycles.same_day.status]).toEqual([
        'COMPLETE',
        'SKIPPED',
        'SKIPPED',
      ]);
      // An older date's results never overwrite the public "latest" files.
      const exports = wA.fake
        .of('publishExportTrigger')
        .filter((c) => (c.args[0] as { gameDate: string }).gameDate === date);
      expect(exports.map((c) => c.args[0])).toEqual([
        expect.objectContaining({ kind: 'results', updateLatest: false }),
      ]);
    }
    const again = await cli(wA, ['backfill', A.backfillFrom, A.backfillTo, '--json']);
    expect(again.code).toBe(0);
    expect(
      again.json<{ results: { action: string; status: string }[] }>().results.map((r) => [r.action, r.status]),
    ).toEqual([
      ['skipped', 'COMPLETE'],
      ['skipped', 'COMPLETE'],
      ['skipped', 'COMPLETE'],
    ]);
    // Their 14:00 deadlines have passed on the real clock too: games and no predictions fail the health check.
    const health = await cli(wA, ['health', '2026-11-19', '--json']);
    expect(health.code).toBe(2);
    const checks = health.json<{ checks: HealthCheck[] }>().checks;
    expect(checks.filter((c) => c.name.startsWith('predictions ')).map((c) => [c.name, c.level, c.message])).toEqual(
      ['2026-11-18', '2026-11-19', '2026-11-20'].map((d) => [
        `predictions ${d}`,
        'fail',
        '7 games but no predictions after the 14:00 ET deadline',
      ]),
    );
  });

  test('--cycle same_day --no-wait starts future dates at that cycle and returns (exit 1: not complete)', async () => {
    const run = await cli(wA, ['backfill', A.aheadFrom, A.aheadTo, '--cycle', 'same_day', '--no-wait', '--json']);
    expect(run.code).toBe(1);
    expect(
      run.json<{ results: { gameDate: string; action: string }[] }>().results.map((r) => [r.gameDate, r.action]),
    ).toEqual([
      [A.aheadFrom, 'started'],
      [A.aheadTo, 'started'],
    ]);
    for (const date of [A.aheadFrom, A.aheadTo]) {
      const state = await untilState(date, (s) => s.status !== 'STARTING');
      expect([state.cycle, state.cycles.tomorrow.status, state.cycles.same_day.status]).toEqual([
        'same_day',
        'SKIPPED',
        'RUNNING',
      ]);
      await handleOf(date).terminate('test over');
    }
  });
});

describe('a whole day (2000 times faster): complete, through three runs', () => {
  test("status: exit 0, every cycle and step done, predictions ready, the last run's UI link; --json is its result", async () => {
    const result = fullDay;
    expect(result.status).toBe('COMPLETE');
    expect(result.runs).toBe(3);
    const run = await cli(wF, ['status', F]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Day of ${F} · 7 games · cycle overnight · COMPLETE`);
    expect(lines).toContain('Now: COMPLETE');
    expect(run.stdout).toMatch(/^Predictions: ready since \d+:\d\d PM ET \(batch batch-1, 100%\)$/m);
    for (const cycle of ['tomorrow', 'same_day', 'overnight'])
      expect(run.stdout).toMatch(new RegExp(`^${cycle} \\(.*\\): DONE$`, 'm'));
    const steps = Object.values(result.cycles).flatMap((c) => c.steps);
    const stepLines = lines.filter((l) => /^ {2}\S/.test(l));
    expect(stepLines.map((l) => l.slice(2, l.indexOf(': DONE at ')))).toEqual(steps.map((s) => s.label));
    expect(stepLines.every((l) => / DONE at \d+:\d\d [AP]M ET - /.test(l))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}gap check at 09:00: DONE at \d+:\d\d AM ET - no gaps$/));
    expect(lines).toContain('Alerts: none');
    const { runId } = await handleOf(F).describe();
    expect(runId).toBe(result.runId);
    expect(lines).toContain(`UI: http://127.0.0.1:8233/namespaces/default/workflows/${PREFIX}${F}/${runId}`);
    const json = await cli(wF, ['status', F, '--json']);
    expect(json.json()).toMatchObject({
      status: 'COMPLETE',
      complete: true,
      exitCode: 0,
      stateSource: 'result',
      runId,
    });
    expect(json.json<{ state: DayState }>().state).toEqual(result);
    expect(json.json<{ state: DayState }>().state).toEqual(await query(F));
  });

  test('every trigger came at its step, never before the configured time of the day', () => {
    const steps = Object.values(fullDay.cycles).flatMap((c) => c.steps);
    const due = (id: string) => Date.parse(steps.find((s) => s.id === id)?.dueAt ?? '');
    const waves = wF.fake.of('startPredictionBatch');
    expect(waves.map((c) => (c.args[0] as PredictionStartRequest).runMode)).toEqual([
      'PRE_GAME',
      'FIRST',
      'RETRY',
      'RETRY',
      'RETRY',
      'RETRY',
      'FINAL_RETRY',
      'LAST_CALL',
    ]);
    const waveIds = ['tomorrow/wave-1', ...[1, 2, 3, 4, 5, 6, 7].map((n) => `same_day/wave-${n}`)];
    waves.forEach((call, i) => expect(call.at).toBeGreaterThanOrEqual(due(waveIds[i])));
    const analytics = wF.fake.of('triggerAnalytics');
    expect(
      analytics.map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey.split(':').slice(2).join(':')),
    ).toEqual(['tomorrow/phase3:remedy', 'same_day/phase3:remedy', 'overnight/phase3:remedy']);
    expect(analytics[0].at).toBeGreaterThanOrEqual(due('tomorrow/phase3'));
    expect(analytics[2].at).toBeGreaterThanOrEqual(due('overnight/phase3'));
    const phase4 = wF.fake
      .of('runPrecomputeProcessor')
      .map((c) => (c.args[0] as PrecomputeRun).idempotencyKey.split(':')[2]);
    expect(phase4).toEqual([
      ...Array(5).fill('tomorrow/phase4'),
      ...Array(5).fill('same_day/phase4'),
      'same_day/refresh-1',
      'same_day/refresh-2',
      'same_day/refresh-3',
      ...Array(5).fill('overnight/phase4'),
    ]);
    const grading = wF.fake.of('publishGradingTrigger');
    expect(grading).toHaveLength(1);
    expect(grading[0].at).toBeGreaterThanOrEqual(due('overnight/grading'));
    const exports = wF.fake.of('publishExportTrigger').map((c) => c.args[0] as { kind: string; updateLatest: boolean });
    expect(exports.filter((e) => e.kind === 'results')).toEqual([expect.objectContaining({ updateLatest: true })]);
    expect(exports.filter((e) => e.kind === 'tonight').every((e) => e.updateLatest)).toBe(true);
  });

  test('history: the timeline of all three cycles, and its runs (one per cycle)', async () => {
    const result = fullDay;
    const run = await cli(wF, ['history', F, '--json']);
    expect(run.code).toBe(0);
    const body = run.json<{
      status: string;
      timeline: TimelineRow[];
      runs: { runId: string; status: string }[];
      operatorActions: OperatorAction[];
    }>();
    expect(body.status).toBe('COMPLETE');
    const steps = Object.values(result.cycles).flatMap((c) => c.steps);
    expect(body.timeline.map((r) => [r.cycle, r.step, r.status, r.due, r.finishedAt])).toEqual(
      steps.map((s) => [s.cycle, s.label, 'DONE', s.dueAt, s.finishedAt]),
    );
    expect(body.timeline.every((r) => !r.degraded && r.restarts === 0)).toBe(true);
    expect(body.timeline.find((r) => r.step === 'phase 4 at 17:30')).toMatchObject({
      cycle: 'tomorrow',
      phase: 4,
      outcome: expect.stringMatching(/^5\/5 precompute processors succeeded/),
    });
    expect(body.runs.map((r) => r.status)).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'COMPLETED']);
    expect(body.runs[0].runId).toBe(result.chainId);
    expect(body.runs[2].runId).toBe(result.runId);
    expect(body.operatorActions).toEqual([]);
    const text = await cli(wF, ['history', F]);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`History of ${F}: COMPLETE (run ${result.runId})`);
    expect(lines[2]).toMatch(/^CYCLE\s+STEP\s+STATUS\s+DUE\s+DONE\s+TOOK\s+WHY$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^tomorrow {2}phase 4 at 17:30 +DONE {5}5:30 PM ET {2}\d+:\d\d [AP]M ET +\d[\d hmins]* +5\/5 precompute/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^overnight results export at 05:00 +DONE {5}5:00 AM ET {2}\d+:\d\d AM ET +\S.* +results export published/,
      ),
    );
    expect(lines).toContain('Operator actions: none');
    expect(lines).toContain('Runs (3): one per cycle, more after continue-as-new within a cycle or a reset');
  });

  test('dashboard: the complete date with its predictions, exit 0', async () => {
    const run = await eventually(
      () => cli(wF, ['dashboard', '--end', F, '--days', '1', '--json']),
      (r) => r.json<{ dates: DashboardRow[] }>().dates[0].status === 'COMPLETE',
    );
    expect(run.code).toBe(0);
    expect(run.json<{ dates: DashboardRow[] }>().dates[0]).toMatchObject({
      gameDate: F,
      status: 'COMPLETE',
      cycle: 'overnight',
      games: 7,
      degraded: false,
      predictions: 'ready 100%',
      alerts: 0,
    });
  });
});
