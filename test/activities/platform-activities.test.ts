/**
 * The platform activities against the local platform over real HTTP (its routes only: no simulated day): the
 * requests they send, how each answer is read (retryable, permanent, an answer), and what the platform then
 * publishes (completions, grading complete).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { createActivities, type PredictionStart } from '../../activities';
import {
  startLocalPlatform,
  type ExportEvent,
  type GradingEvent,
  type LocalPlatform,
  type RequestEvent,
  type Scenario,
} from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

/** A date long past (every game Final), one far ahead (none Final yet) and an off day. */
const DATE = '2025-12-29';
const FUTURE = '2040-01-10';
const OFF_DAY = '2025-12-24';
const GAMES: Record<string, number> = { [DATE]: 11, [FUTURE]: 5, [OFF_DAY]: 0 };

let receiver: PushReceiver;
let platform: LocalPlatform;
let config: GamedayConfig;
let activities: ReturnType<typeof createActivities>;
// Failures are the point of several tests: the activity logger stays quiet about them.
const mock = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
/** Runs an activity in an activity context, typed by the activity. */
const env = {
  run: <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    mock.run(fn, ...args) as Promise<R>,
};

beforeAll(async () => {
  receiver = await startPushReceiver();
  // Processor runs and grading take minutes of the day's time: a few milliseconds here.
  const base = loadConfig({}, { timeScale: 1 / 6000 });
  platform = await startLocalPlatform({
    config: base,
    scenario: { name: 'test', gamesByDate: GAMES },
    publishUrl: receiver.url,
    port: 0,
    noDaySimulation: true,
  });
  config = loadConfig(
    {},
    {
      timeScale: 1 / 6000,
      platform: {
        scheduleUrl: platform.url,
        analyticsUrl: `${platform.url}/phase3`,
        precomputeUrl: `${platform.url}/phase4`,
        coordinatorUrl: `${platform.url}/coordinator`,
        exportPushUrl: `${platform.url}/export/push`,
        gradingPushUrl: `${platform.url}/grading/push`,
      },
    },
  );
  activities = createActivities(config);
});
afterAll(async () => {
  await platform?.close();
  await receiver?.close();
});

let keys = 0;
const ids = (gameDate = DATE) => ({
  gameDate,
  idempotencyKey: `gameday-${gameDate}:run-1:step-${++keys}`,
  correlationId: `gameday-${gameDate}`,
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected the activity to fail');
}

function useScenario(scenario: Omit<Scenario, 'name' | 'gamesByDate'>): void {
  platform.setScenario({ name: 'test', gamesByDate: GAMES, ...scenario });
}

/** The requests the platform received on a path, newest last. */
const requests = (path: string): RequestEvent[] =>
  platform.events().filter((e): e is RequestEvent => e.type === 'request' && e.path === path);

test('the schedule: games of a date, and how many are Final (grading waits for all)', async () => {
  expect(await env.run(activities.countScheduledGames, DATE)).toBe(11);
  expect(await env.run(activities.countScheduledGames, OFF_DAY)).toBe(0);
  expect(await env.run(activities.countFinalGames, DATE)).toEqual({ total: 11, final: 11 });
  expect(await env.run(activities.countFinalGames, FUTURE)).toEqual({ total: 5, final: 0 });
});

test('phase 3: process-date-range with class names and the idempotency key; 500 retryable, 403 and 400 permanent', async () => {
  useScenario({
    processors: { player_game_summary: { http500Times: 1 }, team_defense_game_summary: { http403Times: 1 } },
  });
  const request = { ...ids(), processors: ['PlayerGameSummaryProcessor'] };
  const transient = await failureOf(env.run(activities.triggerAnalytics, request));
  expect(transient).toMatchObject({ nonRetryable: false, type: 'PlatformUnavailable' });
  expect(transient.message).toMatch(/answered 500/);
  expect(await env.run(activities.triggerAnalytics, request)).toEqual({ status: 'started' });
  const sent = requests('/phase3/process-date-range').pop();
  expect(sent).toMatchObject({
    method: 'POST',
    status: 200,
    idempotencyKey: request.idempotencyKey,
    body: {
      start_date: DATE,
      end_date: DATE,
      processors: ['PlayerGameSummaryProcessor'],
      backfill_mode: false,
      skip_downstream_trigger: false,
      correlation_id: `gameday-${DATE}`,
      trigger_source: 'gameday',
    },
  });
  // The processor then runs and publishes its completion for the date.
  await receiver.waitFor((acked) =>
    acked.some(
      (m) => m.processor_name === 'PlayerGameSummaryProcessor' && m.game_date === DATE && m.status === 'success',
    ),
  );

  // A stripped invoker permission is no transient error: retrying cannot fix it.
  const forbidden = await failureOf(
    env.run(activities.triggerAnalytics, { ...ids(), processors: ['TeamDefenseGameSummaryProcessor'] }),
  );
  expect(forbidden).toMatchObject({ nonRetryable: true, type: 'PlatformRejected' });
  expect(forbidden.message).toMatch(/answered 403: .*permission/);
  const unknown = await failureOf(env.run(activities.triggerAnalytics, { ...ids(), processors: ['NopeProcessor'] }));
  expect(unknown).toMatchObject({ nonRetryable: true, type: 'PlatformRejected' });
  expect(unknown.message).toMatch(/400.*NopeProcessor/);
});

test('phase 4: one synchronous process-date per processor; a failed result inside the 200 is retryable', async () => {
  useScenario({ processors: { player_daily_cache: { resultFailedTimes: 1, recordCount: 321 } } });
  const request = { ...ids(), className: 'PlayerDailyCacheProcessor', skipDependencyCheck: false };
  const failed = await failureOf(env.run(activities.runPrecomputeProcessor, request));
  expect(failed).toMatchObject({ nonRetryable: false, type: 'PrecomputeProcessorFailed' });
  expect(failed.message).toMatch(`PlayerDailyCacheProcessor finished with status failed for ${DATE}`);
  const ok = await env.run(activities.runPrecomputeProcessor, {
    ...ids(),
    className: 'PlayerDailyCacheProcessor',
    skipDependencyCheck: true,
  });
  expect(ok).toMatchObject({ processor: 'PlayerDailyCacheProcessor', status: 'success', recordCount: 321 });
  expect(ok.executionId).toEqual(expect.any(String));
  const [strict, forced] = requests('/phase4/process-date').slice(-2);
  expect(strict.body).toMatchObject({
    analysis_date: DATE,
    processors: ['PlayerDailyCacheProcessor'],
    strict_mode: true,
    skip_dependency_check: false,
    correlation_id: `gameday-${DATE}`,
    trigger_source: 'gameday',
  });
  // A degraded run (phase 3 forced or partial) skips the processor's dependency check.
  expect(forced.body).toMatchObject({ strict_mode: false, skip_dependency_check: true });
});

test('phase 5: the wave run mode is sent; 503 retryable, 409 attaches, predict-once, no games, 404 permanent', async () => {
  // The first batch stalls, so it is still running when the forced wave supersedes it, however slow the machine (a
  // completing one is done in about 36 ms here: 214 players x 1 s of day time at 6000x).
  useScenario({ coordinator: { start503Times: 1, stall: true } });
  const wave = (runMode: string, force: boolean, gameDate = DATE) => ({ ...ids(gameDate), runMode, force });
  const incomplete = await failureOf(env.run(activities.startPredictionBatch, wave('FIRST', true)));
  expect(incomplete).toMatchObject({ type: 'DataIncomplete', nonRetryable: false });
  const started = (await env.run(activities.startPredictionBatch, wave('FIRST', true))) as Extract<
    PredictionStart,
    { batchId: string }
  >;
  expect(started).toMatchObject({ outcome: 'started', batchId: expect.stringMatching(`^batch_${DATE}_`) });
  // 11 games x 26 players, 75% of them have lines at the FIRST wave.
  expect(started.totalRequests).toBe(Math.round(11 * 26 * 0.75));
  expect(requests('/coordinator/start').pop()?.body).toMatchObject({
    game_date: DATE,
    prediction_run_mode: 'FIRST',
    force: true,
    correlation_id: `gameday-${DATE}`,
  });
  // Without force, a running batch is attached to.
  expect(await env.run(activities.startPredictionBatch, wave('RETRY', false))).toEqual({
    outcome: 'attached',
    batchId: started.batchId,
  });
  const status = await env.run(activities.getPredictionBatchStatus, started.batchId);
  expect(status.status).toBe('in_progress');
  expect(status.expectedPlayers).toBe(started.totalRequests);
  // A forced wave supersedes the running batch: the coordinator forgets it. This one completes.
  useScenario({ coordinator: { msPerPlayer: 1000 } });
  const retry = (await env.run(activities.startPredictionBatch, wave('LAST_CALL', true))) as Extract<
    PredictionStart,
    { batchId: string }
  >;
  expect(retry.outcome).toBe('started');
  expect(await env.run(activities.getPredictionBatchStatus, started.batchId)).toMatchObject({ status: 'not_found' });
  await receiver.waitFor(
    (acked) => acked.some((m) => m.processor_name === 'PredictionCoordinator' && m.execution_id === retry.batchId),
    10_000,
  );
  expect(await env.run(activities.getPredictionBatchStatus, retry.batchId)).toMatchObject({
    status: 'complete',
    completionPct: 100,
  });
  // Predict once: everybody with a line has a prediction now, so the next wave has nobody to predict.
  expect(await env.run(activities.startPredictionBatch, wave('LAST_CALL', true))).toMatchObject({
    outcome: 'nothing_to_predict',
  });
  expect(await env.run(activities.startPredictionBatch, wave('FIRST', true, OFF_DAY))).toEqual({ outcome: 'no_games' });

  useScenario({ coordinator: { start404: true } });
  const noPlayers = await failureOf(env.run(activities.startPredictionBatch, wave('FIRST', true, FUTURE)));
  expect(noPlayers).toMatchObject({ type: 'NoPlayers', nonRetryable: true });
  expect(noPlayers.message).toMatch(/no players found/);
});

test('phase 6: tonight and results exports carry their types and update_latest as the workflow decided', async () => {
  useScenario({});
  const tonight = await env.run(activities.publishExportTrigger, {
    ...ids(),
    kind: 'tonight' as const,
    updateLatest: true,
  });
  const results = await env.run(activities.publishExportTrigger, {
    ...ids(),
    kind: 'results' as const,
    updateLatest: false,
  });
  expect(tonight.exportTypes).toEqual(config.export.tonightTypes);
  expect(results.exportTypes).toEqual(config.export.resultsTypes);
  const exports = platform.events().filter((e): e is ExportEvent => e.type === 'export');
  const find = (messageId: string) => exports.find((e) => e.messageId === messageId);
  expect(find(tonight.messageId)?.trigger).toEqual({
    export_types: config.export.tonightTypes,
    target_date: DATE,
    update_latest: true,
    correlation_id: `gameday-${DATE}`,
    trigger_source: 'gameday',
  });
  // An older date never overwrites the public "latest" files.
  expect(find(results.messageId)?.trigger).toMatchObject({
    export_types: config.export.resultsTypes,
    update_latest: false,
  });
  expect(find(results.messageId)?.subscription).toBe(
    `projects/${config.platform.projectId}/subscriptions/${config.topics.exportTrigger}-export`,
  );
  // The export function answers on the phase-6 topic.
  await receiver.waitFor((acked) =>
    acked.some(
      (m) => m.processor_name === 'Phase6Export' && m.target_date === DATE && m.correlation_id === `gameday-${DATE}`,
    ),
  );
});

test('grading: one trigger for an explicit date; the grading function answers on nba-grading-complete', async () => {
  useScenario({});
  const request = ids();
  const { messageId } = await env.run(activities.publishGradingTrigger, request);
  const event = platform.events().find((e): e is GradingEvent => e.type === 'grading' && e.messageId === messageId);
  expect(event).toMatchObject({ targetDate: DATE, duplicate: false, idempotencyKey: request.idempotencyKey });
  const acked = await receiver.waitFor((all) =>
    all.some((m) => m.processor_name === 'Phase5BGrading' && m.target_date === DATE),
  );
  const graded = acked.find((m) => m.processor_name === 'Phase5BGrading' && m.target_date === DATE);
  expect(graded).toMatchObject({
    phase: 'phase_5b_grading',
    correlation_id: `gameday-${DATE}`,
    trigger_source: 'gameday',
  });
  expect(receiver.received.find((r) => r.message === graded)?.envelope.subscription).toMatch(/nba-grading-complete/);
});
