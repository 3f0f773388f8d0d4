/**
 * The rules that move a day on without a new message (the 4 -> 5 tiers as durable timers), operator forces applied
 * at once and reported truthfully, and the day's edges: no games, a backfill of an
 * old date (no update_latest), cancellation.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { PipelineStatusKey } from '../../contracts/search-attributes';
import { forcePhaseUpdate, type ForcePhaseResult } from '../../contracts/workflow-api';
import { dayTimeInstant } from '../../domain/day-times';
import { addDays, formatTimeET } from '../../domain/dates';
import { loadConfig } from '../../config/load';
import {
  dayConfig,
  dayResult,
  dayState,
  dayWorker,
  deliver,
  skipTo,
  startDay,
  updateRefusal,
  useTimeSkippingDays,
} from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();

const wall = (ms: number | string) => formatTimeET(ms);

describe('phase 4 -> 5: a tier fires on its timer, with no new message', () => {
  test('4/5 phase-4 processors at 07:20: the FIRST wave (08:00) starts when ">= 4 after 1 h" holds, at 08:20, with no message', async () => {
    const gameDate = '2026-01-21';
    const config = await dayConfig(days.env, gameDate, 'D 04:30');
    const platform = fakePlatform({
      config,
      client: days.env.client,
      silentPhase3: ['upcoming_player_game_context'],
      overrides: {
        runPrecomputeProcessor: async (request) => {
          if (request.className === 'MLFeatureStoreProcessor')
            throw ApplicationFailure.nonRetryable('feature store down', 'PlatformRejected');
          return { processor: request.className, status: 'success', recordCount: 300 };
        },
      },
    });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    const state = await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
      // The upcoming player context arrives at 07:20 (the 07:00 remedy's run of it publishes nothing): phase 4 then.
      await skipTo(days.env, handle, config, gameDate, 'D 07:20');
      await deliver(days.env, handle, [
        completion(
          config,
          3,
          'upcoming_player_game_context',
          gameDate,
          dayTimeInstant(gameDate, 'D 07:20', config.timeZone),
        ),
      ]);
      await skipTo(days.env, handle, config, gameDate, 'D 08:40');
      return dayState(days.env, handle);
    });
    const phase4 = platform.of('runPrecomputeProcessor');
    expect(phase4.map((c) => wall(c.at))).toEqual(Array(5).fill('7:20 AM ET'));
    const first = platform.of('startPredictionBatch')[0];
    expect(wall(first.at)).toBe('8:20 AM ET');
    expect(first.args[0]).toMatchObject({ runMode: 'FIRST', force: true });
    const wave = state.cycles.same_day.steps.find((s) => s.id === 'same_day/wave-1')!;
    expect(wave.phase4?.complete.sort()).toEqual([
      'player_composite_factors',
      'player_daily_cache',
      'player_shot_zone_analysis',
      'team_defense_zone_analysis',
    ]);
    // The only messages the day got: the remedy's team context (07:00) and the player context (07:20).
    expect(state.messages.counted).toBe(2);
    expect(state.cycles.same_day.steps.find((s) => s.kind === 'phase4')).toMatchObject({ status: 'FAILED' });
    expect(state.alerts.some((a) => a.kind === 'STEP_FAILED' && a.message.includes('ml_feature_store failed'))).toBe(
      true,
    );
  }, 120_000);
});

describe('operator forces are applied at once, by cancelling the step, and say what they did', () => {
  test('force phase 4 while phase 3 waits: phase 3 finishes as forced, phase 4 runs now (05:00, not 06:00)', async () => {
    const gameDate = '2026-01-22';
    const config = await dayConfig(days.env, gameDate, 'D 04:30');
    const platform = fakePlatform({ config, client: days.env.client });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
      await skipTo(days.env, handle, config, gameDate, 'D 05:00');
      const result: ForcePhaseResult = await handle.executeUpdate(forcePhaseUpdate, {
        args: [{ phase: 4, reason: 'phase 3 will be late today', user: 'oncall' }],
      });
      expect(result.applied).toBe(true);
      expect(result.outcome).toBe(
        'phase 3 upcoming contexts by 07:00 finished as forced; phase 4 (precompute) of same_day: phase 4 at 06:00 started now',
      );
      expect(result.state.operatorActions).toEqual([
        expect.objectContaining({ action: 'forcePhase', phase: 4, user: 'oncall', outcome: result.outcome }),
      ]);
      const phase3 = result.state.cycles.same_day.steps.find((s) => s.kind === 'phase3')!;
      expect(phase3).toMatchObject({
        status: 'DONE',
        degraded: true,
        outcome: 'forced by oncall: phase 3 will be late today',
      });
      await skipTo(days.env, handle, config, gameDate, 'D 05:30');
    });
    const calls = platform.of('runPrecomputeProcessor');
    expect(calls.map((c) => wall(c.at))).toEqual(Array(5).fill('5:00 AM ET'));
    expect(calls.every((c) => (c.args[0] as { skipDependencyCheck: boolean }).skipDependencyCheck)).toBe(true);
    expect(platform.alerts.map((a) => a.kind)).toContain('PHASE_FORCED');
  }, 120_000);

  test('force phase 6 while phase 3 waits (overnight, 23:00): the export only; phase 3 keeps waiting, phase 4 is not released', async () => {
    const gameDate = '2026-01-27';
    const config = await dayConfig(days.env, gameDate, 'D 17:30');
    const platform = fakePlatform({ config, client: days.env.client });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
      await skipTo(days.env, handle, config, gameDate, 'D 23:00');
      const result = await handle.executeUpdate(forcePhaseUpdate, {
        args: [{ phase: 6, reason: 'publish results early for a partner', user: 'oncall' }],
      });
      expect(result.outcome).toBe('phase 6 (export) of overnight: results export at 05:00 started now');
      await skipTo(days.env, handle, config, gameDate, 'D 23:10');
      const steps = (await dayState(days.env, handle)).cycles.overnight.steps;
      const phase3 = steps.find((s) => s.kind === 'phase3');
      expect([phase3?.status, phase3?.degraded, phase3?.phase3?.decidedAt]).toEqual(['WAITING', undefined, undefined]);
      expect(steps.find((s) => s.kind === 'phase4')?.status).toBe('WAITING');
    });
    expect(platform.of('runPrecomputeProcessor')).toEqual([]);
    expect(platform.of('publishExportTrigger').map((c) => wall(c.at))).toEqual(['11:00 PM ET']);
  }, 120_000);

  test('a forced export that fails waits for an operator on its own step; the next force publishes that step', async () => {
    const gameDate = '2026-01-28';
    const config = await dayConfig(days.env, gameDate, 'D 17:30');
    let exportDown = true;
    const platform = fakePlatform({
      config,
      client: days.env.client,
      overrides: {
        publishExportTrigger: async () => {
          if (exportDown) throw ApplicationFailure.nonRetryable('topic not found', 'PlatformRejected');
          return { messageId: 'export-ok', exportTypes: config.export.resultsTypes };
        },
      },
    });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
      await skipTo(days.env, handle, config, gameDate, 'D 23:00');
      const force = (reason: string) =>
        handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 6, reason, user: 'oncall' }] });
      await force('publish results early');
      await skipTo(days.env, handle, config, gameDate, 'D 23:10');
      const failed = (await dayState(days.env, handle)).cycles.overnight.steps.find((s) => s.kind === 'results-export');
      expect([failed?.status, failed?.awaitsOperator]).toEqual([
        'FAILED',
        'an operator: `gameday force` publishes it again',
      ]);
      exportDown = false;
      expect((await force('topic restored')).outcome).toBe(
        'phase 6 (export) of overnight: results export at 05:00 restarted with a fresh idempotency key',
      );
      await skipTo(days.env, handle, config, gameDate, 'D 23:20');
      const done = (await dayState(days.env, handle)).cycles.overnight.steps.find((s) => s.kind === 'results-export');
      expect([done?.status, done?.awaitsOperator]).toEqual(['DONE', undefined]);
    });
    const keys = platform
      .of('publishExportTrigger')
      .map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey.split(':').slice(2).join(':'));
    expect(keys).toEqual(['overnight/results-export:restart1', 'overnight/results-export:restart2']);
    expect(platform.alerts.filter((a) => a.kind === 'STEP_FAILED' && a.phase === 6)).toHaveLength(1);
  }, 120_000);

  test('a force during a long retry restarts the call at once with a fresh idempotency key', async () => {
    const gameDate = '2026-01-23';
    const config = await dayConfig(days.env, gameDate, 'D 04:30');
    let calls = 0;
    const platform = fakePlatform({
      config,
      client: days.env.client,
      overrides: {
        runPrecomputeProcessor: async (request) => {
          calls += 1;
          if (!request.idempotencyKey.includes(':restart1'))
            throw ApplicationFailure.retryable('503 from the precompute service', 'PlatformUnavailable');
          return { processor: request.className, status: 'success', recordCount: 300 };
        },
      },
    });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
      await deliver(days.env, handle, [
        completion(
          config,
          3,
          'upcoming_player_game_context',
          gameDate,
          dayTimeInstant(gameDate, 'D 05:10', config.timeZone),
        ),
      ]);
      await skipTo(days.env, handle, config, gameDate, 'D 06:00');
      while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      const before = await days.env.currentTimeMs();
      const result = await handle.executeUpdate(forcePhaseUpdate, {
        args: [{ phase: 4, reason: 'retry now', user: 'oncall' }],
      });
      expect(result.outcome).toBe(
        'phase 4 (precompute) of same_day: phase 4 at 06:00 restarted with a fresh idempotency key',
      );
      expect((await days.env.currentTimeMs()) - before).toBeLessThan(60_000);
      await skipTo(days.env, handle, config, gameDate, 'D 06:30');
      const state = await dayState(days.env, handle);
      expect(state.cycles.same_day.steps.find((s) => s.kind === 'phase4')).toMatchObject({
        status: 'DONE',
        restarts: 1,
      });
    });
    const keys = platform
      .of('runPrecomputeProcessor')
      .map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey);
    expect(new Set(keys.filter((k) => !k.includes('restart'))).size).toBe(1);
    expect(keys.filter((k) => k.includes(':restart1'))).toHaveLength(5);
  }, 120_000);

  test('refusals change nothing and say why', async () => {
    const gameDate = '2026-01-24';
    const config = await dayConfig(days.env, gameDate, 'D 04:30');
    const platform = fakePlatform({ config, client: days.env.client });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
      await skipTo(days.env, handle, config, gameDate, 'D 05:00');
      const force = (request: object) => handle.executeUpdate(forcePhaseUpdate, { args: [request as never] });
      expect(await updateRefusal(force({ phase: 2, reason: 'x' }))).toMatch(/observed, not driven/);
      expect(await updateRefusal(force({ phase: 4, reason: '  ' }))).toBe('a reason is required');
      expect(await updateRefusal(force({ phase: '4', reason: 'x' }))).toMatch(
        /unknown phase "4": expected a whole number 1-6/,
      );
      expect(await updateRefusal(force({ phase: 7, reason: 'x' }))).toMatch(/unknown phase 7/);
      const state = await dayState(days.env, handle);
      expect(state.operatorActions).toEqual([]);
      expect(platform.of('runPrecomputeProcessor')).toEqual([]);
    });
  }, 120_000);
});

describe('the edges of a day', () => {
  test('no games: the day ends NO_GAMES at once and triggers nothing', async () => {
    const config = await dayConfig(days.env, '2026-07-04');
    const platform = fakePlatform({ config, client: days.env.client, games: 0 });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    const result = await worker.runUntil(async () =>
      dayResult(days.env, await startDay(days.env, taskQueue, { gameDate: '2026-07-04' })),
    );
    expect(result.status).toBe('NO_GAMES');
    expect(platform.calls.map((c) => c.name)).toEqual(['countScheduledGames']);
  }, 60_000);

  test('a backfill of an old date runs its overnight cycle at once, and its results export does not claim "latest"', async () => {
    const gameDate = '2025-12-01';
    const base = loadConfig({});
    const config = loadConfig(
      {},
      {
        clock: {
          virtualAnchor: new Date(dayTimeInstant(addDays(gameDate, 30), 'D 12:00', base.timeZone)).toISOString(),
          realAnchor: new Date(await days.env.currentTimeMs()).toISOString(),
        },
      },
    );
    const platform = fakePlatform({ config, client: days.env.client });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    const result = await worker.runUntil(async () =>
      dayResult(days.env, await startDay(days.env, taskQueue, { gameDate, startedBy: 'backfill' })),
    );
    expect(result.status).toBe('COMPLETE');
    expect(result.cycles.tomorrow.status).toBe('SKIPPED');
    expect(platform.of('triggerAnalytics')[0].args[0]).toMatchObject({
      processors: expect.arrayContaining(['PlayerGameSummaryProcessor']),
    });
    expect(platform.of('runPrecomputeProcessor')).toHaveLength(5);
    expect(platform.of('publishExportTrigger').map((c) => c.args[0])).toEqual([
      expect.objectContaining({ kind: 'results', updateLatest: false }),
    ]);
  }, 120_000);

  test('cancellation: the day says CANCELLED (search attribute too), alerts once, writes its outbox', async () => {
    const gameDate = '2026-01-26';
    const config = await dayConfig(days.env, gameDate, 'D 04:30');
    const platform = fakePlatform({ config, client: days.env.client });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
      await skipTo(days.env, handle, config, gameDate, 'D 05:00');
      await days.env.client.workflow.getHandle(handle.workflowId).cancel();
      const error = await dayResult(days.env, handle).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const description = await days.env.client.workflow.getHandle(handle.workflowId).describe();
      expect(description.status.name).toBe('CANCELLED');
      expect(description.typedSearchAttributes.get(PipelineStatusKey)).toBe('CANCELLED');
    });
    expect(platform.alerts.filter((a) => a.kind === 'DAY_CANCELLED')).toHaveLength(1);
    expect(platform.executionLog.some((row) => row.status === 'alert_day_cancelled')).toBe(true);
  }, 120_000);
});

describe('phase 4 waiting for phase 3', () => {
  test("same_day: no STEP_STUCK before phase 3's own 07:00 remedy has had its SLA; then one, naming the remedy", async () => {
    const gameDate = '2026-02-17';
    const config = await dayConfig(days.env, gameDate, 'D 04:30');
    const platform = fakePlatform({
      config,
      client: days.env.client,
      silentPhase3: ['upcoming_player_game_context', 'upcoming_team_game_context'],
    });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
      await skipTo(days.env, handle, config, gameDate, 'D 06:40');
      const phase4 = (await dayState(days.env, handle)).cycles.same_day.steps.find((s) => s.kind === 'phase4');
      expect([phase4?.status, phase4?.waitingFor]).toEqual([
        'WAITING',
        'phase 3 (the 3 -> 4 rule; its remedy at 7:00 AM ET)',
      ]);
      expect(platform.alerts.filter((a) => a.phase === 4)).toEqual([]);
      await skipTo(days.env, handle, config, gameDate, 'D 07:20');
    });
    expect(platform.of('triggerAnalytics').map((c) => wall(c.at))).toEqual(['7:00 AM ET']);
    const stuck = platform.alerts.filter((a) => a.phase === 4);
    expect(stuck.map((a) => [a.kind, a.message])).toEqual([
      [
        'STEP_STUCK',
        `${gameDate} same_day: phase 4 waits for phase 3 (phase 3 is not in 1 h 15 min after D 06:00 and its remedy at 7:00 AM ET)`,
      ],
    ]);
  }, 120_000);
});
