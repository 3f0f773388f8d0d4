/**
 * The `gameday` CLI as a child process against a dev server, with pipeline workers in this process
 * using fake platform activities: one at normal speed (states that must stay put), one with
 * GAMEDAY_TIME_SCALE-style scaled timers (states that need the SLA or the operator wait to pass).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config/load';
import type { PipelineInput, PipelineState } from '../../domain/pipeline-state';
import { pipelineStateQuery, processorCompletedSignal } from '../../workflows/definitions';
import { GameDateKey } from '../../workflows/search-attributes';
import { completion, fakePlatform, type FakePlatform } from '../helpers/fake-activities';
import { analyticsCompletions, pipelineWorker, upstreamCompletions } from '../helpers/pipeline-harness';
import { createDevServerEnv, temporalCliPath } from '../helpers/tools';
import { eventually, runCli, runTool, type CliRun } from './cli-harness';

const D = {
  complete: '2025-11-01',
  noGames: '2025-11-02',
  waiting: '2025-11-03',
  running: '2025-11-04',
  stuck: '2025-11-05',
  failedOpen: '2025-11-06',
  failedClosed: '2025-11-07',
  none: '2025-11-08',
  reset: '2025-11-10',
  viaGameday: '2025-11-11',
  viaTemporal: '2025-11-12',
  started: '2025-11-20',
  backfillFrom: '2025-11-21',
  backfillTo: '2025-11-23',
};
const ALL_ANALYTICS = [
  'player_game_summary',
  'team_defense_game_summary',
  'team_offense_game_summary',
  'upcoming_player_game_context',
  'upcoming_team_game_context',
];

let env: TestWorkflowEnvironment;
let slow: { worker: Worker; taskQueue: string; running: Promise<void>; fake: FakePlatform };
let fast: { worker: Worker; taskQueue: string; running: Promise<void>; fake: FakePlatform };
let healthServer: Server;
let healthUrl: string;

function activitiesFor(config = loadConfig({})): FakePlatform {
  return fakePlatform(
    {
      countScheduledGames: async (gameDate: string) => (gameDate === D.noGames ? 0 : 11),
      startPredictionBatch: async (request: { gameDate: string }) => ({
        outcome: 'started' as const,
        batchId: `batch-${request.gameDate}`,
      }),
      getPredictionBatchStatus: async (batchId: string) =>
        batchId === `batch-${D.running}`
          ? { status: 'in_progress' as const, completionPct: 40, expectedPlayers: 300, completedPlayers: 120 }
          : { status: 'complete' as const, completionPct: 100, expectedPlayers: 300, completedPlayers: 300 },
      runPrecomputeProcessor: async (request: { gameDate: string; className: string }) => {
        if (request.gameDate === D.failedOpen || request.gameDate === D.failedClosed) {
          throw ApplicationFailure.nonRetryable(`precompute rejected ${request.className}`, 'PlatformRejected');
        }
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
    } as never,
    config,
  );
}

async function startWorker(fake: FakePlatform) {
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  return { worker, taskQueue, running: worker.run(), fake };
}

/** The CLI's environment: this dev server, the slow worker's task queue, a fixed user. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    GAMEDAY_TASK_QUEUE: slow.taskQueue,
    GAMEDAY_USER: 'oncall',
    GAMEDAY_CONNECT_TIMEOUT: '5',
    GAMEDAY_SCHEDULE_URL: healthUrl,
    GAMEDAY_ANALYTICS_URL: `${healthUrl}/phase3`,
    GAMEDAY_PRECOMPUTE_URL: `${healthUrl}/phase4`,
    GAMEDAY_COORDINATOR_URL: `${healthUrl}/coordinator`,
    GAMEDAY_EXPORT_PUSH_URL: `${healthUrl}/export/push`,
    GAMEDAY_BRIDGE_HOST: '127.0.0.1',
    GAMEDAY_BRIDGE_PORT: String(new URL(healthUrl).port),
    ...extra,
  };
}
const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliRun> => runCli(args, cliEnv(extra));

const handleOf = (date: string, runId?: string) => env.client.workflow.getHandle(`gameday-${date}`, runId);
const query = (date: string): Promise<PipelineState> => handleOf(date).query(pipelineStateQuery);

async function start(taskQueue: string, input: PipelineInput) {
  return env.client.workflow.start('gameDatePipeline', {
    taskQueue,
    workflowId: `gameday-${input.gameDate}`,
    args: [input],
    typedSearchAttributes: [{ key: GameDateKey, value: input.gameDate }],
  });
}

async function signalAll(date: string, messages: ReturnType<typeof completion>[]) {
  for (const m of messages) await handleOf(date).signal(processorCompletedSignal, m);
}

const untilState = (date: string, ok: (s: PipelineState) => boolean) => eventually(() => query(date), ok);

beforeAll(async () => {
  env = await createDevServerEnv();
  healthServer = createServer((_req, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((resolve) => healthServer.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(healthServer.address() as AddressInfo).port}`;
  slow = await startWorker(activitiesFor());
  // Timers x0.001 (15 min SLA -> 0.9 s, 30 min partial trigger -> 1.8 s) and an operator wait of ~4 ms.
  fast = await startWorker(activitiesFor(loadConfig({ GAMEDAY_TIME_SCALE: '0.001' }, { operatorWaitHours: 0.001 })));
  const config = slow.fake.config;

  await start(slow.taskQueue, { gameDate: D.complete, fromPhase: 4 });
  await start(slow.taskQueue, { gameDate: D.noGames });
  await start(slow.taskQueue, { gameDate: D.waiting });
  await signalAll(D.waiting, upstreamCompletions(config, D.waiting));
  await signalAll(
    D.waiting,
    analyticsCompletions(
      config,
      D.waiting,
      ALL_ANALYTICS.filter((n) => n !== 'upcoming_team_game_context'),
    ),
  );
  await start(slow.taskQueue, { gameDate: D.running, fromPhase: 5 });
  await start(fast.taskQueue, { gameDate: D.stuck });
  await signalAll(D.stuck, upstreamCompletions(config, D.stuck));
  await signalAll(D.stuck, analyticsCompletions(config, D.stuck, ['player_game_summary', 'team_defense_game_summary']));
  await start(slow.taskQueue, { gameDate: D.failedOpen, fromPhase: 4 });
  await start(fast.taskQueue, { gameDate: D.failedClosed, fromPhase: 4 });

  await handleOf(D.complete).result();
  await handleOf(D.noGames).result();
  await untilState(D.waiting, (s) => s.phases[3].processors.team_offense_game_summary?.status === 'COMPLETE');
  await untilState(D.running, (s) => s.status === 'RUNNING' && s.phases[5].details?.completionPct === 40);
  await untilState(D.stuck, (s) => s.status === 'STUCK');
  await untilState(D.failedOpen, (s) => s.status === 'FAILED');
  await expect(handleOf(D.failedClosed).result()).rejects.toThrow();
}, 180_000);

afterAll(async () => {
  for (const w of [slow, fast]) {
    if (!w) continue;
    w.worker.shutdown();
    await w.running.catch(() => undefined);
  }
  healthServer?.close();
  await env?.teardown();
});

describe('status', () => {
  test('complete date: exit 0, every phase, the UI link of the run', async () => {
    const run = await cli(['status', D.complete]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Status: COMPLETE/);
    expect(run.stdout).toMatch(/Phase 6 \(export\): COMPLETE/);
    const { runId } = await handleOf(D.complete).describe();
    expect(run.stdout).toContain(
      `UI: http://127.0.0.1:8233/namespaces/default/workflows/gameday-${D.complete}/${runId}`,
    );
  });

  test('no games: exit 0', async () => {
    const run = await cli(['status', D.noGames]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Status: NO_GAMES/);
  });

  test('waiting: exit 1, the missing processor and the partial trigger time', async () => {
    const run = await cli(['status', D.waiting]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/player_game_summary: COMPLETE \(\d{1,2}:\d\d [AP]M ET, 120 records\)/);
    expect(run.stdout).toMatch(/upcoming_team_game_context: MISSING/);
    expect(run.stdout).toMatch(/phase 4: waiting for 5\/5 \(4 complete\), partial trigger at \d{1,2}:\d\d [AP]M ET/);
  });

  test('--json parses and its state equals the pipelineState query', async () => {
    const run = await cli(['status', D.waiting, '--json']);
    expect(run.code).toBe(1);
    const body = run.json<{ state: PipelineState; status: string; complete: boolean; runId: string }>();
    expect(body.state).toEqual(await query(D.waiting));
    expect(body).toMatchObject({
      status: 'WAITING',
      complete: false,
      runId: (await handleOf(D.waiting).describe()).runId,
    });
  });

  test('running: exit 1 with the batch progress', async () => {
    const run = await cli(['status', D.running]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Status: RUNNING at phase 5/);
    expect(run.stdout).toMatch(/batch batch-2025-11-04: 40% complete/);
  });

  test('stuck: exit 2 with the alert and its fix command', async () => {
    const run = await cli(['status', D.stuck]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/Status: STUCK/);
    expect(run.stdout).toMatch(/PHASE_STUCK phase 3/);
    expect(run.stdout).toContain(`fix: gameday force ${D.stuck} --phase 4 --reason "stuck"`);
  });

  test('failed (open, waiting for an operator) and failed (closed): exit 2', async () => {
    const open = await cli(['status', D.failedOpen]);
    expect(open.code).toBe(2);
    expect(open.stdout).toMatch(/Phase 4 \(precompute\): FAILED/);
    expect(open.stdout).toMatch(/precompute rejected/);
    const closed = await cli(['status', D.failedClosed, '--json']);
    expect(closed.code).toBe(2);
    expect(closed.json()).toMatchObject({ executionStatus: 'FAILED', status: 'FAILED' });
  });

  test('no workflow: exit 4', async () => {
    const run = await cli(['status', D.none]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(`no pipeline workflow for ${D.none}`);
  });
});

test('dashboard: one line per date from visibility, --json rows', async () => {
  const run = await cli(['dashboard', '--end', D.none, '--days', '8', '--json']);
  const rows = run.json<{ dates: { gameDate: string; status: string; games?: number; predictions: string }[] }>().dates;
  const byDate = Object.fromEntries(rows.map((r) => [r.gameDate, r]));
  expect(byDate[D.complete]).toMatchObject({ status: 'COMPLETE', games: 11, predictions: '100% 300/300' });
  expect(byDate[D.noGames]).toMatchObject({ status: 'NO_GAMES', games: 0 });
  expect(byDate[D.waiting].status).toBe('WAITING');
  expect(byDate[D.running]).toMatchObject({ status: 'RUNNING', predictions: '40% 120/300' });
  expect(byDate[D.stuck].status).toBe('STUCK');
  expect(byDate[D.failedClosed].status).toBe('FAILED');
  expect(byDate[D.none].status).toBe('NO_WORKFLOW');
  expect(run.code).toBe(2);
  const text = await cli(['dashboard', '--end', D.none, '--days', '8']);
  expect(text.stdout.split('\n')[0]).toMatch(/^DATE\s+GAMES\s+PHASE\s+STATUS\s+DEGRADED\s+PREDICTIONS/);
  expect(text.stdout).toMatch(new RegExp(`${D.complete}\\s+11\\s+phase6\\s+COMPLETE`));
});

describe('invalid input changes nothing', () => {
  test('bad date, unknown phase, missing reason, unknown processor: exit 3', async () => {
    const before = await query(D.waiting);
    const runs = await Promise.all([
      cli(['status', '2025-02-30']),
      cli(['force', D.waiting, '--phase', '9', '--reason', 'x']),
      cli(['force', D.waiting, '--phase', '4']),
      cli(['force', D.waiting, '--phase', '4', '--reason', '  ']),
      cli(['complete', D.waiting, 'no_such_processor']),
      cli(['reset', D.waiting, '--to', '2', '--reason', 'x']),
      cli(['backfill', '2025-11-05', '2025-11-01']),
      cli(['dashboard', '--days', 'many']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
    expect(runs[0].stderr).toMatch(/invalid date "2025-02-30"/);
    expect(runs[1].stderr).toMatch(/unknown phase "9"/);
    expect(runs[4].stderr).toMatch(/unknown processor "no_such_processor"/);
    expect(runs[4].stderr).toMatch(/phase 3: player_game_summary, team_defense_game_summary/);
    expect(await query(D.waiting)).toEqual(before);
  });

  test('unreachable server: exit 2 naming the address tried; --json error parses', async () => {
    const run = await cli(['status', D.complete, '--json'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      GAMEDAY_CONNECT_TIMEOUT: '1',
    });
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ exitCode: 2, error: expect.stringContaining('127.0.0.1:1') });
  });
});

describe('force', () => {
  test('refusals: the validator says why, exit 5, nothing changes', async () => {
    const before = await query(D.waiting);
    const already = await cli(['force', D.waiting, '--phase', '2', '--reason', 'nope']);
    expect(already.code).toBe(5);
    expect(already.stderr).toMatch(/refused to force phase 2: phase 2 \(raw\) is already COMPLETE/);
    const closed = await cli(['force', D.complete, '--phase', '5', '--reason', 'nope']);
    expect(closed.code).toBe(5);
    expect(closed.stderr).toMatch(/not running/);
    const none = await cli(['force', D.none, '--phase', '5', '--reason', 'nope']);
    expect(none.code).toBe(4);
    expect(await query(D.waiting)).toEqual(before);
  });

  test('a stuck date forced to phase 4 records user and reason and completes', async () => {
    const run = await cli(['force', D.stuck, '--phase', '4', '--reason', 'incident 2025-12-29', '--json']);
    expect(run.code).toBe(0);
    const body = run.json<{ state: PipelineState; user: string }>();
    expect(body.user).toBe('oncall');
    expect(body.state.operatorActions).toEqual([
      expect.objectContaining({ phase: 4, reason: 'incident 2025-12-29', user: 'oncall', skipGates: false }),
    ]);
    const result = (await handleOf(D.stuck).result()) as PipelineState;
    expect(result.phases[4].triggerReason).toBe('forced by oncall: incident 2025-12-29');
    const history = await cli(['history', D.stuck]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/oncall forced phase 4: incident 2025-12-29/);
    expect(history.stdout).toMatch(/3 analytics\s+COMPLETE/);
  });

  test('force-predictions: phase 5 as one recorded action', async () => {
    const run = await cli(['force-predictions', D.failedOpen, '--reason', '11 games tonight']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Forced phase 5 of 2025-11-06 as oncall: 11 games tonight/);
    const result = (await handleOf(D.failedOpen).result()) as PipelineState;
    expect(result.status).toBe('COMPLETE');
    expect(result.operatorActions).toEqual([
      expect.objectContaining({ phase: 5, user: 'oncall', reason: '11 games tonight', skipGates: true }),
    ]);
  });
});

test('complete: a full completion message from config moves the waiting date on', async () => {
  const run = await cli(['complete', D.waiting, 'upcoming_team_game_context', '--records', '30', '--json']);
  expect(run.code).toBe(0);
  const { message } = run.json<{ message: Record<string, unknown> }>();
  expect(message).toMatchObject({
    processor_name: 'UpcomingTeamGameContextProcessor',
    phase: 'phase_3_analytics',
    output_table: 'upcoming_team_game_context',
    game_date: D.waiting,
    status: 'success',
    record_count: 30,
    execution_id: expect.stringMatching(/^manual-/),
    metadata: expect.objectContaining({ user: 'oncall' }),
  });
  const result = (await handleOf(D.waiting).result()) as PipelineState;
  expect(result.status).toBe('COMPLETE');
  expect(result.phases[3].processors.upcoming_team_game_context).toMatchObject({ status: 'COMPLETE', recordCount: 30 });
  const closed = await cli(['complete', D.waiting, 'upcoming_team_game_context']);
  expect(closed.code).toBe(5);
});

test('reset --to 4 re-runs phases 4 and 5 and keeps phase 3 completions', async () => {
  const config = slow.fake.config;
  const first = await start(slow.taskQueue, { gameDate: D.reset });
  await signalAll(D.reset, upstreamCompletions(config, D.reset));
  await signalAll(D.reset, analyticsCompletions(config, D.reset, ALL_ANALYTICS));
  const before = (await first.result()) as PipelineState;
  const calls = (name: string) =>
    slow.fake.calls.filter((c) => c.name === name && (c.args[0] as { gameDate?: string }).gameDate === D.reset).length;
  expect(calls('runPrecomputeProcessor')).toBe(5);
  const analyticsTriggers = calls('triggerAnalytics');

  const run = await cli(['reset', D.reset, '--to', '4', '--reason', 'precompute ran on stale data', '--json']);
  expect(run.code).toBe(0);
  const body = run.json<{ runId: string; previousRunId: string; reason: string }>();
  expect(body.previousRunId).toBe(first.firstExecutionRunId);
  expect(body.runId).not.toBe(body.previousRunId);
  expect(body.reason).toBe('oncall: precompute ran on stale data');
  const after = (await handleOf(D.reset, body.runId).result()) as PipelineState;
  expect(after.status).toBe('COMPLETE');
  expect(calls('runPrecomputeProcessor')).toBe(10);
  expect(calls('startPredictionBatch')).toBe(2);
  expect(calls('triggerAnalytics')).toBe(analyticsTriggers);
  for (const name of ALL_ANALYTICS) {
    expect(after.phases[3].processors[name]).toEqual(before.phases[3].processors[name]);
  }
  const refused = await cli(['reset', D.complete, '--to', '3', '--reason', 'x']);
  expect(refused.code).toBe(5);
  expect(refused.stderr).toMatch(/phase 3 never started/);
});

test('start (attach), rerun, cancel and backfill', async () => {
  const started = await cli(['start', D.started, '--json']);
  expect(started.code).toBe(0);
  expect(started.json()).toMatchObject({ started: true });
  const attached = await cli(['start', D.started, '--json']);
  expect(attached.json()).toMatchObject({ started: false, runId: started.json<{ runId: string }>().runId });
  const busy = await cli(['rerun', D.started]);
  expect(busy.code).toBe(5);
  const cancel = await cli(['cancel', D.started, '--reason', 'superseded']);
  expect(cancel.code).toBe(0);
  const history = await handleOf(D.started).fetchHistory();
  const requested = history.events?.find((e) => e.workflowExecutionCancelRequestedEventAttributes);
  expect(requested?.workflowExecutionCancelRequestedEventAttributes?.cause).toBe('oncall: superseded');
  await expect(handleOf(D.started).result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
  expect((await handleOf(D.started).describe()).status.name).toBe('CANCELLED');
  const status = await cli(['status', D.started]);
  expect(status.code).toBe(2);
  expect(status.stdout).toMatch(/workflow cancelled/);
  expect((await cli(['cancel', D.started, '--reason', 'again'])).code).toBe(5);
  const rerun = await cli(['rerun', D.started, '--from-phase', '4', '--json']);
  expect(rerun.code).toBe(0);
  expect(((await handleOf(D.started).result()) as PipelineState).status).toBe('COMPLETE');

  const backfill = await cli(['backfill', D.backfillFrom, D.backfillTo, '--from-phase', '4', '--concurrency', '2']);
  expect(backfill.code).toBe(0);
  expect(backfill.stderr).toMatch(/backfill 3\/3: /);
  expect(backfill.stdout).toMatch(/3\/3 complete, 0 failed/);
  const again = await cli(['backfill', D.backfillFrom, D.backfillTo, '--json']);
  expect(again.code).toBe(0);
  expect(again.json<{ results: { action: string }[] }>().results.map((r) => r.action)).toEqual([
    'skipped',
    'skipped',
    'skipped',
  ]);
});

describe('health', () => {
  test('complete today, no games tomorrow, worker polling, services up: exit 0', async () => {
    const run = await cli(['health', D.complete]);
    expect(run.stdout).toMatch(/Health for 2025-11-01: HEALTHY/);
    expect(run.stdout).toMatch(/OK {3}workflow workers: 1 poller/);
    expect(run.code).toBe(0);
  });

  test('running date past its deadline and a failed tomorrow: exit 2', async () => {
    const run = await cli(['health', D.running, '--json']);
    expect(run.code).toBe(2);
    const body = run.json<{ overall: string; checks: { name: string; level: string }[] }>();
    expect(body.overall).toBe('FAILING');
    expect(body.checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: `predictions ${D.running}`, level: 'fail' })]),
    );
  });

  test('no worker on the task queue and services down: failing', async () => {
    const run = await cli(['health', D.complete], {
      GAMEDAY_TASK_QUEUE: 'nobody-polls-this',
      GAMEDAY_SCHEDULE_URL: 'http://127.0.0.1:1',
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/FAIL workflow workers: no worker polls task queue nobody-polls-this/);
    expect(run.stdout).toMatch(/WARN service http:\/\/127.0.0.1:1: GET http:\/\/127.0.0.1:1\/healthz failed/);
  });
});

test('the official temporal CLI drives the same signal, query, update and reset with the same answers', async () => {
  const config = slow.fake.config;
  const temporalCli = temporalCliPath();
  const common = ['--address', env.address, '--namespace', 'default'];
  for (const date of [D.viaGameday, D.viaTemporal]) {
    await start(slow.taskQueue, { gameDate: date });
    await signalAll(date, upstreamCompletions(config, date));
  }
  // signal: one processor by hand.
  const viaGameday = await cli(['complete', D.viaGameday, 'player_game_summary', '--records', '7']);
  expect(viaGameday.code).toBe(0);
  const message = completion(D.viaTemporal, 'PlayerGameSummaryProcessor', {
    output_table: 'player_game_summary',
    record_count: 7,
  });
  const signal = await runTool(temporalCli, [
    'workflow',
    'signal',
    ...common,
    '--workflow-id',
    `gameday-${D.viaTemporal}`,
    '--name',
    'processorCompleted',
    '--input',
    JSON.stringify(message),
  ]);
  expect(signal.code).toBe(0);
  // query: temporal's answer equals gameday status --json's state.
  await untilState(D.viaTemporal, (s) => s.phases[3].processors.player_game_summary?.status === 'COMPLETE');
  const queried = await runTool(temporalCli, [
    'workflow',
    'query',
    ...common,
    '--workflow-id',
    `gameday-${D.viaTemporal}`,
    '--name',
    'pipelineState',
    '--output',
    'json',
  ]);
  expect(queried.code).toBe(0);
  const temporalState = queried.json<{ queryResult: PipelineState[] }>().queryResult[0];
  const status = await cli(['status', D.viaTemporal, '--json']);
  // The temporal CLI prints empty arrays as null.
  const nullArrays = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/\[\]/g, 'null'));
  expect(nullArrays(status.json<{ state: PipelineState }>().state)).toEqual(nullArrays(temporalState));
  // update: a refusal, then a force, with the same effect both ways.
  const refusedT = await runTool(temporalCli, [
    'workflow',
    'update',
    'execute',
    ...common,
    '--workflow-id',
    `gameday-${D.viaTemporal}`,
    '--name',
    'forcePhase',
    '--input',
    JSON.stringify({ phase: 2, reason: 'nope', user: 'oncall' }),
  ]);
  const refusedG = await cli(['force', D.viaGameday, '--phase', '2', '--reason', 'nope']);
  expect(refusedT.code).not.toBe(0);
  expect(refusedT.stderr + refusedT.stdout).toMatch(/phase 2 \(raw\) is already COMPLETE/);
  expect(refusedG.code).toBe(5);
  expect(refusedG.stderr).toMatch(/phase 2 \(raw\) is already COMPLETE/);
  const forcedT = await runTool(temporalCli, [
    'workflow',
    'update',
    'execute',
    ...common,
    '--workflow-id',
    `gameday-${D.viaTemporal}`,
    '--name',
    'forcePhase',
    '--input',
    JSON.stringify({ phase: 4, reason: 'same', user: 'oncall', skipGates: false }),
  ]);
  expect(forcedT.code).toBe(0);
  const forcedG = await cli(['force', D.viaGameday, '--phase', '4', '--reason', 'same']);
  expect(forcedG.code).toBe(0);
  const [a, b] = [
    (await handleOf(D.viaGameday).result()) as PipelineState,
    (await handleOf(D.viaTemporal).result()) as PipelineState,
  ];
  const shape = (s: PipelineState) => JSON.parse(JSON.stringify(shapeOf(s)).replaceAll(s.gameDate, 'DATE'));
  const shapeOf = (s: PipelineState) => ({
    status: s.status,
    phases: Object.values(s.phases).map((p) => ({
      status: p.status,
      triggerReason: p.triggerReason,
      degraded: p.degraded,
      processors: Object.fromEntries(Object.entries(p.processors).map(([n, x]) => [n, x.status])),
    })),
    actions: s.operatorActions.map(({ phase, reason, user, skipGates }) => ({ phase, reason, user, skipGates })),
  });
  expect(shape(a)).toEqual(shape(b));
  // reset: temporal to the event gameday picks for phase 4; both new runs re-run phase 4 and keep phase 3.
  const { fetchEvents, resetPoint } = await import('../../cli/commands/reset');
  const runT = (await handleOf(D.viaTemporal).describe()).runId;
  const point = resetPoint(await fetchEvents(env.client, `gameday-${D.viaTemporal}`, runT), 4);
  const resetT = await runTool(temporalCli, [
    'workflow',
    'reset',
    ...common,
    '--workflow-id',
    `gameday-${D.viaTemporal}`,
    '--event-id',
    String(point?.eventId),
    '--reason',
    'oncall: same',
    '--reapply-exclude',
    'Update',
  ]);
  expect(resetT.code).toBe(0);
  const resetG = await cli(['reset', D.viaGameday, '--to', '4', '--reason', 'same', '--json']);
  expect(resetG.code).toBe(0);
  const newT = await eventually(
    () => handleOf(D.viaTemporal).describe(),
    (d) => d.runId !== runT,
  );
  const [ra, rb] = [
    (await handleOf(D.viaGameday, resetG.json<{ runId: string }>().runId).result()) as PipelineState,
    (await handleOf(D.viaTemporal, newT.runId).result()) as PipelineState,
  ];
  expect(shape(ra)).toEqual(shape(rb));
  expect(ra.phases[3].processors.player_game_summary.recordCount).toBe(7);
});
