import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../helpers/tools';
import { completion, fakePlatform } from '../helpers/fake-activities';
import {
  analyticsCompletions,
  pipelineWorker,
  queryState,
  signalAll,
  startPipeline,
  upstreamCompletions,
} from '../helpers/pipeline-harness';

const DATE = '2025-12-29';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

test('duplicates change nothing; failed and no_data are recorded but do not count; wrong date and unknown are rejected', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await signalAll(handle, upstreamCompletions(fake.config, DATE));
    const [pgs] = analyticsCompletions(fake.config, DATE, ['player_game_summary']);
    await signalAll(handle, [
      pgs,
      pgs, // same execution_id
      { ...pgs, execution_id: 'another-run' }, // same processor already complete
      completion(DATE, 'AsyncUpcomingPlayerGameContextProcessor', {
        status: 'failed',
        error_message: 'BigQuery timeout',
      }),
      completion(DATE, 'TeamOffenseGameSummaryProcessor', { status: 'no_data' }),
      completion('2025-12-28', 'TeamDefenseGameSummaryProcessor'),
      completion(DATE, 'MysteryProcessor'),
      { ...completion(DATE, 'TeamDefenseGameSummaryProcessor'), status: 'exploded' as never },
    ]);
    const state = await queryState(handle);
    const phase3 = state.phases[3].processors;
    expect(phase3.player_game_summary).toMatchObject({
      status: 'COMPLETE',
      executionId: pgs.execution_id,
      recordCount: 120,
    });
    expect(phase3.upcoming_player_game_context).toMatchObject({ status: 'FAILED', error: 'BigQuery timeout' });
    expect(phase3.team_offense_game_summary.status).toBe('NO_DATA');
    expect(phase3.team_defense_game_summary.status).toBe('PENDING');
    expect(state.duplicateMessages).toBe(2);
    expect(state.rejectedMessages.map((r) => r.reason)).toEqual([
      'message for 2025-12-28 delivered to the 2025-12-29 pipeline',
      'unknown processor MysteryProcessor for phase 3',
      expect.stringMatching(/unknown status "exploded"/),
    ]);
    expect(state.phases[4].triggeredAt).toBeUndefined();

    // A failed processor that later succeeds counts; the rest arrive; the day completes.
    await signalAll(
      handle,
      analyticsCompletions(fake.config, DATE, [
        'upcoming_player_game_context',
        'team_offense_game_summary',
        'team_defense_game_summary',
        'upcoming_team_game_context',
      ]),
    );
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[4].triggerReason).toBe('all 5 expected processors complete');
  });
});

test('completions that arrive before the workflow loads its settings are kept', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
  await signalAll(handle, upstreamCompletions(fake.config, DATE));
  await worker.runUntil(async () => {
    await signalAll(handle, analyticsCompletions(fake.config, DATE, fake.config.modes.overnight[3].expected));
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[1].status).toBe('COMPLETE');
  });
});

test('a date with no games ends NO_GAMES without triggering anything', async () => {
  const fake = fakePlatform({ countScheduledGames: async () => 0 });
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  const result = await worker.runUntil(async () =>
    (await startPipeline(env, taskQueue, { gameDate: '2026-07-04' })).result(),
  );
  expect(result.status).toBe('NO_GAMES');
  expect(result.gamesScheduled).toBe(0);
  expect(fake.calls.map((c) => c.name)).toEqual(['loadRunSettings', 'countScheduledGames']);
});

test('a waiting phase past its SLA becomes STUCK with exactly one alert, and recovers when completions arrive', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await env.sleep('14 minutes');
    expect((await queryState(handle)).status).toBe('WAITING');
    expect(fake.alerts).toHaveLength(0);
    await env.sleep('2 minutes');
    const stuck = await queryState(handle);
    expect(stuck.status).toBe('STUCK');
    expect(stuck.phases[1].error).toMatch(/0\/3 complete after the 15 min SLA/);
    await env.sleep('1 hour');
    expect(fake.alerts.map((a) => a.kind)).toEqual(['PHASE_STUCK']);
    await signalAll(handle, upstreamCompletions(fake.config, DATE));
    await signalAll(handle, analyticsCompletions(fake.config, DATE, fake.config.modes.overnight[3].expected));
    expect((await handle.result()).status).toBe('COMPLETE');
  });
});

test('an invalid game date fails the workflow at once with a clear error', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: '2025-02-30' });
    await expect(handle.result()).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/invalid game date "2025-02-30"/) },
    });
  });
  expect(fake.calls).toHaveLength(0);
});

test('cancelling a waiting pipeline closes it as cancelled', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await signalAll(handle, upstreamCompletions(fake.config, DATE));
    await env.sleep('1 minute');
    await handle.cancel();
    await expect(handle.result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });
});
