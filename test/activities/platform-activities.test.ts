import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { createActivities, type PredictionBatchStatus, type PredictionStart } from '../../activities';
import { startLocalPlatform, type LocalPlatform, type Scenario } from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const DATE = '2025-12-29';
let receiver: PushReceiver;
let platform: LocalPlatform;
let config: GamedayConfig;
let activities: ReturnType<typeof createActivities>;
const env = new MockActivityEnvironment();

beforeAll(async () => {
  receiver = await startPushReceiver();
  const base = loadConfig({});
  platform = await startLocalPlatform({ config: base, scenario: { name: 'test' }, publishUrl: receiver.url, port: 0 });
  config = loadConfig({
    GAMEDAY_SCHEDULE_URL: platform.url,
    GAMEDAY_ANALYTICS_URL: `${platform.url}/phase3`,
    GAMEDAY_PRECOMPUTE_URL: `${platform.url}/phase4`,
    GAMEDAY_COORDINATOR_URL: `${platform.url}/coordinator`,
    GAMEDAY_EXPORT_PUSH_URL: `${platform.url}/export/push`,
  });
  activities = createActivities(config);
});
afterAll(async () => {
  await platform?.close();
  await receiver?.close();
});

const ids = (suffix: string) => ({
  gameDate: DATE,
  idempotencyKey: `gameday-${DATE}:${suffix}:${Math.random()}`,
  correlationId: `gameday-${DATE}`,
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

function useScenario(scenario: Omit<Scenario, 'name'>): void {
  platform.setScenario({ name: 'test', ...scenario });
}

test('countScheduledGames reads the schedule service', async () => {
  expect(await env.run(activities.countScheduledGames, DATE)).toBe(11);
});

test('phase 3: process-date-range with class names; 500 is retryable; an unknown class is a permanent 400', async () => {
  useScenario({ processors: { player_game_summary: { http500Times: 1 } } });
  const request = { ...ids('phase3'), processors: ['PlayerGameSummaryProcessor'] };
  const transient = await failureOf(env.run(activities.triggerAnalytics, request));
  expect(transient.nonRetryable).toBe(false);
  expect(transient.message).toMatch(/answered 500/);
  expect(await env.run(activities.triggerAnalytics, request)).toEqual({ status: 'started' });
  const unknown = await failureOf(
    env.run(activities.triggerAnalytics, { ...ids('phase3'), processors: ['NopeProcessor'] }),
  );
  expect(unknown.nonRetryable).toBe(true);
  expect(unknown.message).toMatch(/400.*NopeProcessor/);
});

test('phase 4: a failed result inside the always-200 answer is a retryable failure; success returns the record count', async () => {
  useScenario({ processors: { player_daily_cache: { resultFailedTimes: 1, recordCount: 321 } } });
  const request = {
    ...ids('phase4:player_daily_cache'),
    className: 'PlayerDailyCacheProcessor',
    skipDependencyCheck: false,
  };
  const failed = await failureOf(env.run(activities.runPrecomputeProcessor, request));
  expect(failed.nonRetryable).toBe(false);
  expect(failed.type).toBe('PrecomputeProcessorFailed');
  const ok = await env.run(activities.runPrecomputeProcessor, {
    ...request,
    idempotencyKey: `${request.idempotencyKey}-2`,
  });
  expect(ok).toMatchObject({ processor: 'PlayerDailyCacheProcessor', status: 'success', recordCount: 321 });
});

test('phase 5: 503 retryable, 409 attaches, 404 permanent, and status reports progress', async () => {
  useScenario({ coordinator: { start503Times: 1 } });
  const incomplete = await failureOf(env.run(activities.startPredictionBatch, ids('phase5')));
  expect(incomplete).toMatchObject({ type: 'DataIncomplete', nonRetryable: false });
  const started: PredictionStart = await env.run(activities.startPredictionBatch, ids('phase5'));
  expect(started.outcome).toBe('started');
  const attached = await env.run(activities.startPredictionBatch, ids('phase5'));
  expect(attached).toEqual({ outcome: 'attached', batchId: started.outcome === 'started' ? started.batchId : '' });
  const status: PredictionBatchStatus = await env.run(
    activities.getPredictionBatchStatus,
    (started as { batchId: string }).batchId,
  );
  expect(['in_progress', 'complete']).toContain(status.status);

  useScenario({ coordinator: { start404: true } });
  const noPlayers = await failureOf(
    env.run(activities.startPredictionBatch, { ...ids('phase5'), gameDate: '2025-12-30' }),
  );
  expect(noPlayers.nonRetryable).toBe(true);
  expect(noPlayers.message).toMatch(/404/);
});

test('phase 6: the export trigger arrives as a push envelope with the platform message', async () => {
  useScenario({});
  const { messageId }: { messageId: string } = await env.run(activities.publishExportTrigger, ids('phase6'));
  const exportEvent = platform.events().find((e) => e.type === 'export' && e.messageId === messageId);
  expect(exportEvent).toBeDefined();
  expect(JSON.stringify(exportEvent)).toContain('"target_date":"2025-12-29"');
});
