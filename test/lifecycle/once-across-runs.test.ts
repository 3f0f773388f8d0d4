/**
 * What a step did once stays done once when the run continues as new inside its cycle (a long history): the grading
 * re-trigger is not sent again, and a failed phase 4 keeps waiting for an operator instead of re-running its failed
 * processor by itself. A force still acts on the parked step in the new run.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { GamedayConfig } from '../../config/schema';
import { forcePhaseUpdate } from '../../contracts/workflow-api';
import { dayTimeInstant } from '../../domain/day-times';
import { formatTimeET } from '../../domain/dates';
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
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();
type DayHandle = Awaited<ReturnType<typeof startDay>>;
const SHORT_HISTORY = { limits: { historyEvents: 200, messageIds: 50 } };

/** Enough phase-2 messages to pass the history limit: the run continues as new at its next quiet moment. */
async function lengthenHistory(config: GamedayConfig, handle: DayHandle, gameDate: string, tag: string) {
  const message = completion(
    config,
    2,
    'nbac_gamebook_player_stats',
    gameDate,
    dayTimeInstant(gameDate, 'D 02:00', config.timeZone),
  );
  for (let i = 0; i < 150; i++)
    await deliver(days.env, handle, [{ ...message, execution_id: `${tag}-${i}` }], `${tag}-${i}`);
}

test('a silent grading run is re-triggered once, not once per run', async () => {
  const gameDate = '2026-01-28';
  const config = await dayConfig(days.env, gameDate, 'D 23:30', SHORT_HISTORY);
  const platform = fakePlatform({ config, client: days.env.client, lostGradingTriggers: 100 });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
    await skipTo(days.env, handle, config, gameDate, 'D+1 00:45');
    const keys = () =>
      platform.of('publishGradingTrigger').map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey);
    expect(keys().map((k) => k.split(':').slice(2).join(':'))).toEqual([
      'overnight/grading',
      'overnight/grading:regrade',
    ]);
    await lengthenHistory(config, handle, gameDate, 'a');
    await skipTo(days.env, handle, config, gameDate, 'D+1 01:30');
    const state = await dayState(days.env, handle);
    expect(state.runs).toBeGreaterThan(1);
    expect(keys()).toHaveLength(2);
    const grading = state.cycles.overnight.steps.find((s) => s.kind === 'grading');
    expect(grading).toMatchObject({ status: 'STUCK', grading: { regradedAt: expect.any(String) } });
    await settle(days.env, handle);
  });
}, 280_000);

test('a failed phase 4 waits for an operator in the next run too; the force reruns it there', async () => {
  const gameDate = '2026-01-29';
  const config = await dayConfig(days.env, gameDate, 'D 04:30', SHORT_HISTORY);
  let featureStoreUp = false;
  const platform = fakePlatform({
    config,
    client: days.env.client,
    overrides: {
      runPrecomputeProcessor: async (request) => {
        if (request.className === 'MLFeatureStoreProcessor' && !featureStoreUp)
          throw ApplicationFailure.nonRetryable('feature store rejected', 'PlatformRejected');
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
    },
  });
  const featureStoreCalls = () =>
    platform
      .of('runPrecomputeProcessor')
      .filter((c) => (c.args[0] as { className: string }).className === 'MLFeatureStoreProcessor');
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
    const at = dayTimeInstant(gameDate, 'D 05:10', config.timeZone);
    await deliver(days.env, handle, [completion(config, 3, 'upcoming_player_game_context', gameDate, at)]);
    await skipTo(days.env, handle, config, gameDate, 'D 06:20');
    await lengthenHistory(config, handle, gameDate, 'b');
    await skipTo(days.env, handle, config, gameDate, 'D 06:40');
    const parked = await dayState(days.env, handle);
    expect(parked.runs).toBeGreaterThan(1);
    expect(parked.cycles.same_day.steps.find((s) => s.kind === 'phase4')).toMatchObject({
      status: 'FAILED',
      waitingFor: 'an operator: `gameday force` reruns the failed processors',
    });
    expect(featureStoreCalls().map((c) => formatTimeET(c.at))).toEqual(['6:00 AM ET']);
    featureStoreUp = true;
    const latest = days.env.client.workflow.getHandle(handle.workflowId);
    const forced = await latest.executeUpdate(forcePhaseUpdate, {
      args: [{ phase: 4, reason: 'feature store fixed', user: 'oncall' }],
    });
    expect(forced.outcome).toBe(
      'phase 4 (precompute) of same_day: phase 4 at 06:00 restarted with a fresh idempotency key',
    );
    await skipTo(days.env, handle, config, gameDate, 'D 06:50');
    const after = await dayState(days.env, handle);
    const phase4 = after.cycles.same_day.steps.find((s) => s.kind === 'phase4');
    expect([phase4?.status, phase4?.awaitsOperator]).toEqual(['DONE', undefined]);
    expect(featureStoreCalls()).toHaveLength(2);
    await settle(days.env, handle);
  });
}, 280_000);

test('a force while the run hands the day to its next run is refused (try again), not answered and then lost', async () => {
  const gameDate = '2026-02-05';
  const config = await dayConfig(days.env, gameDate, 'D 04:30', SHORT_HISTORY);
  let slowLog = false;
  const platform = fakePlatform({
    config,
    client: days.env.client,
    overrides: {
      // The run's last log write holds its continue-as-new (it waits for the write): the window a force can fall in.
      writeExecutionLog: async (events) => {
        if (slowLog) await new Promise((r) => setTimeout(r, 6000));
        return events.length;
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
    await skipTo(days.env, handle, config, gameDate, 'D 05:00');
    slowLog = true;
    const latest = days.env.client.workflow.getHandle(handle.workflowId);
    const force = (reason: string) =>
      latest.executeUpdate(forcePhaseUpdate, { args: [{ phase: 4, reason, user: 'oncall' }] });
    const message = completion(
      config,
      2,
      'nbac_gamebook_player_stats',
      gameDate,
      dayTimeInstant(gameDate, 'D 04:50', config.timeZone),
    );
    let refusal: unknown;
    for (let i = 0; i < 400 && refusal === undefined; i++) {
      await deliver(days.env, handle, [{ ...message, execution_id: `f-${i}` }], `f-${i}`);
      const { historyLength, raw } = await latest.describe();
      const pending = (raw.pendingActivities ?? []).map((a) => a.activityType?.name);
      if (historyLength > SHORT_HISTORY.limits.historyEvents && pending.includes('writeExecutionLog')) {
        refusal = await force('now').then(
          (answer) => answer,
          (err: Error) => (err.cause instanceof Error ? err.cause.message : err.message),
        );
      }
    }
    expect(refusal).toBe('the day is moving on to its next run (continue-as-new); try again in a moment');
    slowLog = false;
    await skipTo(days.env, handle, config, gameDate, 'D 05:10');
    expect((await dayState(days.env, handle)).runs).toBe(2);
    expect((await force('again, in the next run')).outcome).toBe(
      'phase 3 upcoming contexts by 07:00 finished as forced; phase 4 (precompute) of same_day: phase 4 at 06:00 started now',
    );
    await skipTo(days.env, handle, config, gameDate, 'D 05:20');
    expect(platform.of('runPrecomputeProcessor')).toHaveLength(5);
    await settle(days.env, handle);
  });
}, 280_000);
