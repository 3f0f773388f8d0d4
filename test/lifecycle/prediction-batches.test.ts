/**
 * The coordinator's answers to a wave, each with the outcome an on-call engineer needs (PLATFORM.md, phase 5):
 * 409 attaches to the running batch; 404 "no players" ends the wave DONE; a batch the coordinator forgot, one that
 * stops making progress and one that ends below the 80% bar end the wave FAILED with one alert and its fix; a
 * blocked predictions gate never lets the wave start (failure mode 1: no latch).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { DataGateRequest, DataGateResult, PipelineActivities, PredictionBatchStatus } from '../../activities';
import type { DayState, StepState } from '../../contracts/state';
import { dayTimeInstant } from '../../domain/day-times';
import {
  dayConfig,
  dayState,
  dayWorker,
  deliver,
  settle,
  skipTo,
  startDay,
  useTimeSkippingDays,
} from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();

/** The same_day cycle with phase 3 in at 05:10, the FIRST wave at 08:00; the state at `until`. */
async function firstWave(
  gameDate: string,
  overrides: Partial<PipelineActivities>,
  until = 'D 08:50',
  between?: (stateAt: (time: string) => Promise<DayState>, platform: FakePlatform) => Promise<void>,
): Promise<{ platform: FakePlatform; state: DayState; wave: StepState }> {
  const config = await dayConfig(days.env, gameDate, 'D 04:30');
  const platform = fakePlatform({ config, client: days.env.client, overrides });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  let state: DayState | undefined;
  await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
    const at = dayTimeInstant(gameDate, 'D 05:10', config.timeZone);
    await deliver(days.env, handle, [completion(config, 3, 'upcoming_player_game_context', gameDate, at)]);
    if (between) {
      const stateAt = async (time: string) => {
        await skipTo(days.env, handle, config, gameDate, time);
        return dayState(days.env, handle);
      };
      await between(stateAt, platform);
    }
    await skipTo(days.env, handle, config, gameDate, until);
    state = await dayState(days.env, handle);
    await settle(days.env, handle);
  });
  const wave = state!.cycles.same_day.steps.find((s) => s.runMode === 'FIRST')!;
  return { platform, state: state!, wave };
}

const failedAlerts = (platform: FakePlatform) => platform.alerts.filter((a) => a.kind === 'STEP_FAILED');
const starts = (platform: FakePlatform) => platform.calls.filter((c) => c.name === 'startPredictionBatch');

test('409 already_running: the wave attaches to the running batch and follows it to DONE', async () => {
  const { platform, state, wave } = await firstWave('2026-02-16', {
    startPredictionBatch: async () => ({ outcome: 'attached', batchId: 'their-batch' }),
  });
  expect(wave.status).toBe('DONE');
  expect(wave.batch).toMatchObject({ batchId: 'their-batch', attached: true, completionPct: 100 });
  expect(wave.outcome).toMatch(/^batch their-batch complete at 100%/);
  expect(state.predictions).toMatchObject({ ready: true, batchId: 'their-batch' });
  const statusCalls = platform.calls.filter((c) => c.name === 'getPredictionBatchStatus');
  expect(statusCalls.map((c) => c.args[0])).toContain('their-batch');
  expect(failedAlerts(platform)).toEqual([]);
});

test('404 no players: the wave is DONE with the reason, no batch followed, no alert', async () => {
  const { platform, wave } = await firstWave('2026-02-17', {
    startPredictionBatch: async () => {
      throw ApplicationFailure.nonRetryable('No players found for 2026-02-17', 'NoPlayers');
    },
  });
  expect(wave.status).toBe('DONE');
  expect(wave.outcome).toMatch(/^the coordinator found no players \(404\): .*No players found for 2026-02-17/);
  expect(platform.calls.filter((c) => c.name === 'getPredictionBatchStatus')).toEqual([]);
  expect(failedAlerts(platform)).toEqual([]);
});

test('a batch the coordinator forgot (404 not_found): FAILED as lost, one STEP_FAILED with the fix', async () => {
  const { platform, state, wave } = await firstWave('2026-02-18', {
    getPredictionBatchStatus: async (): Promise<PredictionBatchStatus> => ({ status: 'not_found', completionPct: 0 }),
  });
  expect(wave.status).toBe('FAILED');
  expect(wave.outcome).toBe('batch batch-1 is not_found at the coordinator (lost)');
  expect(state.predictions.ready).toBe(false);
  const alerts = failedAlerts(platform);
  expect(alerts).toHaveLength(1);
  expect(alerts[0].message).toContain('prediction batch batch-1 was lost by the coordinator (not_found)');
  expect(alerts[0].fixCommand).toMatch(/gameday force 2026-02-18 --phase 5 .*batch lost/);
});

test('a batch that stops making progress: FAILED as stalled after the stall time, one alert; not before', async () => {
  let calls = 0;
  const stalled = async (): Promise<PredictionBatchStatus> => {
    calls += 1;
    const completed = Math.min(40, calls * 20);
    return { status: 'in_progress', completionPct: completed, expectedPlayers: 100, completedPlayers: completed };
  };
  const { platform, wave } = await firstWave(
    '2026-02-19',
    { getPredictionBatchStatus: stalled },
    'D 08:50',
    async (stateAt) => {
      // Progress until the second poll, then none: at 08:15 the batch is still followed, with no alert.
      const early = (await stateAt('D 08:15')).cycles.same_day.steps.find((s) => s.runMode === 'FIRST')!;
      expect([early.status, early.batch?.completionPct]).toEqual(['RUNNING', 40]);
    },
  );
  expect(wave.status).toBe('FAILED');
  expect(wave.outcome).toBe('batch batch-1 stalled at 40% (no progress for 20 min)');
  const alerts = failedAlerts(platform);
  expect(alerts).toHaveLength(1);
  expect(alerts[0].message).toContain('prediction batch batch-1 stalled at 40%');
});

test('a batch complete below the 80% bar: FAILED with the numbers, predictions not ready, one alert', async () => {
  const { platform, state, wave } = await firstWave('2026-02-20', {
    getPredictionBatchStatus: async () => ({
      status: 'complete',
      completionPct: 70,
      expectedPlayers: 100,
      completedPlayers: 70,
    }),
  });
  expect(wave.status).toBe('FAILED');
  expect(wave.outcome).toMatch(/^batch batch-1 complete at 70% \(70\/100 players\), below the 80% bar/);
  expect(state.predictions.ready).toBe(false);
  const alerts = failedAlerts(platform);
  expect(alerts).toHaveLength(1);
  expect(alerts[0].message).toContain('ended at 70%, below the 80% bar');
});

test('failure mode 1: a blocked predictions gate never starts the wave nor marks it triggered; it starts once the data is there', async () => {
  let enoughData = false;
  const gate = async (request: DataGateRequest): Promise<DataGateResult> => {
    const passed = request.phase !== 5 || enoughData;
    const check = { check: 'clean_features', passed, observed: passed ? 90 : 30, required: 60, reason: 'clean rows' };
    return { ...request, enabled: true, passed, checks: [check], recheckAfterMs: 5 * 60_000 };
  };
  const { platform, wave } = await firstWave(
    '2026-02-23',
    { checkDataGate: gate },
    'D 08:55',
    async (stateAt, fake) => {
      const blocked = (await stateAt('D 08:40')).cycles.same_day.steps.find((s) => s.runMode === 'FIRST')!;
      expect([blocked.status, blocked.gate?.status, blocked.triggeredAt]).toEqual(['BLOCKED', 'BLOCKED', undefined]);
      expect(starts(fake)).toEqual([]);
      enoughData = true;
    },
  );
  expect(wave.status).toBe('DONE');
  expect(wave.triggeredAt).toBeDefined();
  const firstStart = starts(platform)[0];
  expect((firstStart.args[0] as { runMode: string }).runMode).toBe('FIRST');
  // Started only after the gate passed (the data arrived at 08:40): no start while it was blocked.
  expect(firstStart.at).toBeGreaterThanOrEqual(dayTimeInstant('2026-02-23', 'D 08:40', 'America/New_York'));
});
