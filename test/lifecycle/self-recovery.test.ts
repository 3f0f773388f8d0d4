/**
 * Faults that end on their own outside Gameday, and a day that then goes on without an operator: a precompute
 * service answering 403 (failure mode 9: a redeploy stripped the invoker rights, restored later) and a grading
 * run that publishes no completion (failure mode 7). Each is alerted once, and each date still completes.
 */
import { ApplicationFailure } from '@temporalio/common';
import { dayTimeInstant } from '../../domain/day-times';
import { formatTimeET } from '../../domain/dates';
import {
  dayConfig,
  dayResult,
  dayState,
  dayWorker,
  deliver,
  settle,
  skipTo,
  startDay,
  useTimeSkippingDays,
} from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();

const wall = (ms: number | string) => formatTimeET(ms);

test('phase 4 answered 403 until the rights come back: one PERMISSION_DENIED alert, tries every 10 min, then runs and predicts', async () => {
  const gameDate = '2026-01-27';
  const config = await dayConfig(days.env, gameDate, 'D 04:30');
  let refusals = 3;
  const platform = fakePlatform({
    config,
    client: days.env.client,
    overrides: {
      runPrecomputeProcessor: async (request) => {
        if (request.className === 'TeamDefenseZoneAnalysisProcessor' && refusals > 0) {
          refusals -= 1;
          throw ApplicationFailure.nonRetryable(
            'POST /process-date answered 403: Your client does not have permission to get URL',
            'PlatformRejected',
            { status: 403 },
          );
        }
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  const state = await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
    await skipTo(days.env, handle, config, gameDate, 'D 11:50'); // between waves: nothing in flight
    await settle(days.env, handle);
    return dayState(days.env, handle);
  });
  const tdza = platform
    .of('runPrecomputeProcessor')
    .filter((c) => (c.args[0] as { className: string }).className === 'TeamDefenseZoneAnalysisProcessor');
  // Three refusals and the call that ran, 10 minutes apart.
  expect(tdza).toHaveLength(4);
  const first = tdza[0].at;
  expect(tdza.map((c) => wall(c.at))).toEqual([0, 10, 20, 30].map((m) => wall(first + m * 60_000)));
  const denied = state.alerts.filter((a) => a.kind === 'PERMISSION_DENIED');
  expect(denied).toHaveLength(1);
  expect(denied[0].message).toMatch(/precompute service answers 401\/403.*roles\/run\.invoker/);
  const phase4 = state.cycles.same_day.steps.find((s) => s.kind === 'phase4')!;
  expect(phase4.status).toBe('DONE');
  expect(phase4.error).toBeUndefined();
  // Every processor ran; the ones depending on TDZA waited for it instead of failing.
  const ran = new Set(platform.of('runPrecomputeProcessor').map((c) => (c.args[0] as { className: string }).className));
  expect([...ran].sort()).toEqual(config.processors[4].map((p) => p.className).sort());
  expect(platform.of('startPredictionBatch').length).toBeGreaterThan(0);
  expect(state.operatorActions).toEqual([]);
  expect(state.alerts.some((a) => a.kind === 'STEP_FAILED')).toBe(false);
}, 120_000);

test('a phase-4 processor answering "failed" again and again: STUCK with one alert after the SLA, DONE when it succeeds', async () => {
  const gameDate = '2026-01-30';
  const config = await dayConfig(days.env, gameDate, 'D 04:30');
  let failures = 8;
  const platform = fakePlatform({
    config,
    client: days.env.client,
    overrides: {
      runPrecomputeProcessor: async (request) => {
        if (request.className === 'MLFeatureStoreProcessor' && failures-- > 0)
          throw ApplicationFailure.retryable(
            'MLFeatureStoreProcessor finished with status failed',
            'PrecomputeProcessorFailed',
          );
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  const phase4Of = (state: Awaited<ReturnType<typeof dayState>>) =>
    state.cycles.same_day.steps.find((s) => s.kind === 'phase4');
  await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
    const at = dayTimeInstant(gameDate, 'D 05:10', config.timeZone);
    await deliver(days.env, handle, [completion(config, 3, 'upcoming_player_game_context', gameDate, at)]);
    await skipTo(days.env, handle, config, gameDate, 'D 06:18');
    const stuck = await dayState(days.env, handle);
    expect(phase4Of(stuck)).toMatchObject({
      status: 'STUCK',
      error: 'ml_feature_store still running 15 min after it started (Temporal retries it)',
    });
    const alerts = stuck.alerts.filter((a) => a.phase === 4);
    expect(alerts.map((a) => [a.kind, wall(a.raisedAt)])).toEqual([['STEP_STUCK', '6:15 AM ET']]);
    await skipTo(days.env, handle, config, gameDate, 'D 06:40');
    const done = await dayState(days.env, handle);
    expect([phase4Of(done)?.status, phase4Of(done)?.error]).toEqual(['DONE', undefined]);
    expect(done.alerts.filter((a) => a.phase === 4)).toHaveLength(1);
    await settle(days.env, handle);
  });
  expect(
    platform
      .of('runPrecomputeProcessor')
      .filter((c) => (c.args[0] as { className: string }).className === 'MLFeatureStoreProcessor'),
  ).toHaveLength(9);
}, 120_000);

test('403 for the whole cycle: the step fails when no try fits before the cycle ends, as before', async () => {
  const gameDate = '2026-01-28';
  const config = await dayConfig(days.env, gameDate, 'D 04:30');
  const platform = fakePlatform({
    config,
    client: days.env.client,
    overrides: {
      runPrecomputeProcessor: async (request) => {
        if (request.className === 'TeamDefenseZoneAnalysisProcessor')
          throw ApplicationFailure.nonRetryable('answered 403', 'PlatformRejected', { status: 403 });
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  const state = await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
    // Just before the cycle's end: no try fits after the last one. (Not at a step's own time: a test that stops
    // with a local activity in flight leaves the time-skipping server's clock locked for the next.)
    await skipTo(days.env, handle, config, gameDate, 'D 16:55');
    await settle(days.env, handle);
    return dayState(days.env, handle);
  });
  const tries = platform
    .of('runPrecomputeProcessor')
    .filter((c) => (c.args[0] as { className: string }).className === 'TeamDefenseZoneAnalysisProcessor');
  // Bounded: one try per 10 minutes between 05:00 and the cycle's end, never more.
  const cycleMinutes =
    (dayTimeInstant(gameDate, config.lifecycle.same_day.endsAt, config.timeZone) -
      dayTimeInstant(gameDate, 'D 05:00', config.timeZone)) /
    60_000;
  expect(tries.length).toBeGreaterThan(5);
  expect(tries.length).toBeLessThanOrEqual(Math.ceil(cycleMinutes / 10) + 1);
  expect(state.alerts.filter((a) => a.kind === 'PERMISSION_DENIED')).toHaveLength(1);
  const phase4 = state.cycles.same_day.steps.find((s) => s.kind === 'phase4')!;
  expect(['FAILED', 'MISSED']).toContain(phase4.status);
}, 120_000);

test('a grading run that publishes nothing: STEP_STUCK once, one automatic re-trigger, graded, the day COMPLETE', async () => {
  const gameDate = '2026-01-29';
  const config = await dayConfig(days.env, gameDate, 'D 16:30');
  const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
  const platform = fakePlatform({ config, client: days.env.client, lostGradingTriggers: 1 });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  const result = await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
    await deliver(
      days.env,
      handle,
      config.lifecycle.overnight.phase3.expected.map((n) => completion(config, 3, n, gameDate, at('D 23:00'))),
    );
    await skipTo(days.env, handle, config, gameDate, 'D+1 08:00');
    return dayResult(days.env, handle);
  });
  const triggers = platform
    .of('publishGradingTrigger')
    .map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey);
  expect(triggers).toHaveLength(2);
  expect(triggers[0]).toMatch(/:overnight\/grading$/);
  expect(triggers[1]).toMatch(/:overnight\/grading:regrade$/);
  expect(result.alerts.filter((a) => a.kind === 'STEP_STUCK' && a.message.includes('grading-complete'))).toHaveLength(
    1,
  );
  const grading = result.cycles.overnight.steps.find((s) => s.kind === 'grading')!;
  expect(grading.status).toBe('DONE');
  expect(result.status).toBe('COMPLETE');
}, 120_000);
